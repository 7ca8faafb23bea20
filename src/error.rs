//! The command line's errors. Each variant owns its exit code, decided where
//! the error is made; messages name what was wrong and what to do, and show
//! user-typed text only through `redact`.

use crate::hints;
use ses_smtp_credentials::ErrorKind;
use ses_smtp_credentials::profile::ProfileError;
use ses_smtp_credentials::{InputError, RegionError, RenderError, TemplateError};
use ses_smtp_rotation::PolicyError;
use std::fmt;

#[derive(Debug)]
pub enum CliError {
    /// Bad or conflicting options (exit 2).
    Usage(String),
    /// A malformed file or input the tool read (exit 3).
    BadInput(String),
    /// Nothing to read (exit 5).
    NoInput(String),
    /// A file or stream could not be read or written, or is not a regular
    /// file (exit 6).
    Io(String),
    /// The same, with the system's reason.
    IoFrom {
        what: String,
        source: std::io::Error,
    },
    /// The input's secret or key ID, judged by the library (exit 3, 4 or 5).
    Input { from: String, error: InputError },
    /// An AWS CLI profile (exit 3, 4 or 5).
    Profile { at: String, error: ProfileError },
    /// A region option or variable (exit 2).
    Region { from: String, error: RegionError },
    /// A `--template` (exit 2).
    Template { path: String, error: TemplateError },
    /// The output cannot be rendered (exit 2, or 101 for a bug).
    Render(RenderError),
    /// `policy` options (exit 2).
    Policy(PolicyError),
    /// A step of an AWS command failed with its own exit code: an AWS API
    /// call failed or was refused, or AWS's state forbids the step (10,
    /// `crate::aws::engine::refused`); the new key's SMTP login (7, 8 or 9, as
    /// probe); `sync`'s `--then` after the file changed (12).
    #[cfg(feature = "aws")]
    Failed { code: ExitCode, message: String },
    /// Something that cannot happen did (exit 101).
    Internal(String),
}

fn kind_code(kind: ErrorKind) -> ExitCode {
    match kind {
        ErrorKind::BadInput => ExitCode::BadInput,
        ErrorKind::Refused => ExitCode::Refused,
        ErrorKind::NoInput => ExitCode::NoInput,
        // A kind this build does not know yet is still bad input.
        _ => ExitCode::BadInput,
    }
}

impl CliError {
    /// The exit code this error ends the process with.
    pub fn code(&self) -> ExitCode {
        match self {
            CliError::Usage(_)
            | CliError::Region { .. }
            | CliError::Template { .. }
            | CliError::Policy(_) => ExitCode::Usage,
            CliError::BadInput(_) => ExitCode::BadInput,
            CliError::NoInput(_) => ExitCode::NoInput,
            CliError::Io(_) | CliError::IoFrom { .. } => ExitCode::Io,
            CliError::Input { error, .. } => kind_code(error.kind()),
            CliError::Profile { error, .. } => kind_code(error.kind()),
            CliError::Render(RenderError::NeedsUsername) => ExitCode::Usage,
            #[cfg(feature = "aws")]
            CliError::Failed { code, .. } => *code,
            CliError::Render(_) | CliError::Internal(_) => ExitCode::Internal,
        }
    }

    /// Prints the error on stderr and returns its exit code: the one place
    /// an error becomes an exit.
    pub fn report(&self) -> ExitCode {
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "error: {self}");
        self.code()
    }

    /// An I/O failure on `what` (already shown through `redact`).
    pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> CliError {
        let what = what.into();
        move |source| CliError::IoFrom { what, source }
    }

    /// A refusal of the input read from `from`.
    pub fn input(from: impl Into<String>) -> impl FnOnce(InputError) -> CliError {
        let from = from.into();
        move |error| CliError::Input { from, error }
    }

    /// A region refused, named by `from` (`--region`, `AWS_REGION`…).
    pub fn region(from: impl Into<String>) -> impl FnOnce(RegionError) -> CliError {
        let from = from.into();
        move |error| CliError::Region { from, error }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m)
            | CliError::BadInput(m)
            | CliError::NoInput(m)
            | CliError::Io(m)
            | CliError::Internal(m) => f.write_str(m),
            #[cfg(feature = "aws")]
            CliError::Failed { message, .. } => f.write_str(message),
            CliError::IoFrom { what, source } => write!(f, "{what}: {source}"),
            CliError::Input { from, error } => {
                write!(f, "{from}: {error}{}", hints::input(error))
            }
            CliError::Profile { at, error } => {
                write!(f, "{at}: {error}")?;
                match error {
                    ProfileError::Input { error, .. } => f.write_str(&hints::input(error)),
                    _ => Ok(()),
                }
            }
            CliError::Region { from, error } => {
                write!(f, "{from}: {error}{}", hints::region(error))
            }
            CliError::Template { path, error } => write!(f, "--template {path}: {error}"),
            CliError::Render(e) => write!(f, "{e}{}", hints::render(e)),
            CliError::Policy(e) => f.write_str(&hints::policy(e)),
        }
    }
}

impl std::error::Error for CliError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CliError::IoFrom { source, .. } => Some(source),
            CliError::Input { error, .. } => Some(error),
            CliError::Profile { error, .. } => Some(error),
            CliError::Region { error, .. } => Some(error),
            CliError::Template { error, .. } => Some(error),
            CliError::Render(e) => Some(e),
            CliError::Policy(e) => Some(e),
            _ => None,
        }
    }
}

pub type CliResult<T, E = CliError> = std::result::Result<T, E>;

/// How the process ends. Each error decides its own code (see
/// [`CliError::code`]); nothing is guessed afterwards. The probe's codes
/// exist in every build (they are documented), and are only reached by one
/// with the `probe` feature; likewise 10 and 12 and the `aws` feature (so
/// a build without it has codes it never uses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)]
pub enum ExitCode {
    Success = 0,
    /// verify: no match; vectors check: a vector failed.
    Mismatch = 1,
    Usage = 2,
    BadInput = 3,
    Refused = 4,
    NoInput = 5,
    Io = 6,
    /// probe: the server refused the login.
    Rejected = 7,
    /// probe: network, TLS or protocol failure.
    Network = 8,
    /// probe: a temporary refusal (4xx).
    Temporary = 9,
    /// rotate, retire, keys: AWS refused (an API error, access denied, no
    /// such user or key, the two-key limit).
    AwsRefused = 10,
    /// sync: the `--then` command failed after the file changed.
    Then = 12,
    /// A bug: an internal error or a panic.
    Internal = 101,
}
