//! Why a step of a rotation failed.

/// Why a step of a rotation failed. Messages show outside text (names, AWS's
/// own words) only through `ses_smtp_credentials::redact`, and never a
/// secret or a password.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// AWS refused a call, or its state forbids the step.
    Refused(String),
    /// A local file (the journal) could not be read or written.
    Io(String),
    /// The same, with the system's reason.
    IoFrom {
        /// What was being done (paths already made safe to show).
        what: String,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The caller's interruption check said stop (see
    /// [`Session::abort_when`](super::Session::abort_when)).
    Interrupted,
    /// The credentials could not be rendered for a store.
    Render(ses_smtp_credentials::RenderError),
    /// Something that cannot happen did.
    Internal(String),
}

impl Error {
    /// An I/O failure on `what`.
    pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let what = what.into();
        move |source| Error::IoFrom { what, source }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Refused(m) | Error::Io(m) | Error::Internal(m) => f.write_str(m),
            Error::IoFrom { what, source } => write!(f, "{what}: {source}"),
            Error::Interrupted => f.write_str("interrupted"),
            Error::Render(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::IoFrom { source, .. } => Some(source),
            Error::Render(e) => Some(e),
            _ => None,
        }
    }
}

/// A rotation step's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;
