//! Why a step failed. Every message is safe to log: outside text (names,
//! AWS's own words) only through `user_text`, never a secret or a password.

use ses_smtp_rotation::StoredSecretError;
use ses_smtp_rotation::sdk::Error as AwsError;
use std::fmt;

/// Why a step failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum StepError {
    /// The event is not a rotation request.
    Request(String),
    /// The function's environment is wrong.
    Settings(String),
    /// A version of the secret is not what the function rotates.
    Secret {
        /// Which version (`AWSCURRENT`, `AWSPENDING`).
        version: &'static str,
        /// What is wrong with it.
        error: StoredSecretError,
    },
    /// An AWS call failed.
    Aws(AwsError),
    /// The secret's or the user's state forbids the step (said why, and
    /// what to do).
    Refused(String),
    /// The SMTP login with the pending credentials did not succeed.
    Login(String),
}

impl fmt::Display for StepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepError::Request(m)
            | StepError::Settings(m)
            | StepError::Refused(m)
            | StepError::Login(m) => f.write_str(m),
            StepError::Secret { version, error } => {
                write!(f, "the secret's {version} version: {error}")
            }
            StepError::Aws(AwsError::Denied {
                message, action, ..
            }) => write!(
                f,
                "{message}; the function's execution role needs {action}: make its policy with \
                 `ses-smtp-password policy --rotator --user-name USER --account-id ACCOUNT --secret SECRET --region REGION` \
                 (and --user-path for a user with an IAM path)"
            ),
            StepError::Aws(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for StepError {}

impl From<AwsError> for StepError {
    fn from(e: AwsError) -> Self {
        StepError::Aws(e)
    }
}
