//! The exit codes, and the one place that maps an error to one.

use ses_smtp_credentials::error::{ErrorKind, InputError};
use ses_smtp_credentials::profile::ProfileError;
use ses_smtp_credentials::region::RegionError;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}

/// An error that carries its own exit code and message.
#[derive(Debug)]
pub struct Failure {
    pub code: ExitCode,
    pub message: String,
}

impl Failure {
    pub fn new(code: ExitCode, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The exit code for an error: the first cause in the chain that says.
pub fn for_error(err: &anyhow::Error) -> ExitCode {
    for cause in err.chain() {
        if let Some(f) = cause.downcast_ref::<Failure>() {
            return f.code;
        }
        let kind = cause
            .downcast_ref::<InputError>()
            .map(InputError::kind)
            .or_else(|| cause.downcast_ref::<ProfileError>().map(ProfileError::kind));
        if let Some(kind) = kind {
            return match kind {
                ErrorKind::BadInput => ExitCode::BadInput,
                ErrorKind::Refused => ExitCode::Refused,
                ErrorKind::NoInput => ExitCode::NoInput,
            };
        }
        if cause.downcast_ref::<RegionError>().is_some() {
            return ExitCode::Usage;
        }
        if cause.downcast_ref::<std::io::Error>().is_some() {
            return ExitCode::Io;
        }
    }
    ExitCode::Io
}
