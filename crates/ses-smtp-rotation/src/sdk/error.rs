//! Why a step of a rotation failed.

/// Why a step of a rotation failed. Messages show outside text (names, AWS's
/// own words) only through `ses_smtp_credentials::redact`, and never a
/// secret or a password.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// AWS refused a call, or its state forbids the step.
    Refused(String),
    /// AWS denied a call: the operator's policy lacks its action.
    Denied {
        /// What was refused, with AWS's code and message.
        message: String,
        /// The IAM action the call needs.
        action: &'static str,
        /// Whether the user's IAM path may be why.
        user_path: DeniedUserPath,
    },
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
    /// [`Session::stopping_when`](super::Session::stopping_when)).
    Interrupted,
    /// The credentials could not be rendered for a store.
    Render(ses_smtp_credentials::RenderError),
    /// A store holds what is not SMTP credentials (a member missing or
    /// wrong, named, never quoted).
    Stored {
        /// The store, as messages name it.
        store: String,
        /// What is wrong.
        error: crate::StoredSecretError,
    },
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
            Error::Denied {
                message,
                action,
                user_path,
            } => {
                write!(
                    f,
                    "{message}\n  hint: the operator needs {action}, which the operator policy grants"
                )?;
                match user_path {
                    DeniedUserPath::Path(path) => write!(
                        f,
                        "\n  hint: the user's IAM path is {path}, not /: make the operator policy for that path"
                    ),
                    DeniedUserPath::Unknown => f.write_str(
                        "\n  hint: for a user with an IAM path (`aws iam get-user` shows it), make the operator policy for that path",
                    ),
                    DeniedUserPath::Root | DeniedUserPath::NotAsked => Ok(()),
                }
            }
            Error::IoFrom { what, source } => write!(f, "{what}: {source}"),
            Error::Interrupted => f.write_str("interrupted"),
            Error::Render(e) => e.fmt(f),
            Error::Stored { store, error } => write!(f, "{store}: {error}"),
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

/// What is known of the IAM path of the user a denied call was about.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeniedUserPath {
    /// The call was not about the user (a store, a key).
    NotAsked,
    /// The user's path is `/`: not the cause.
    Root,
    /// Another path (made safe to show): statements on `user/NAME` miss it.
    Path(String),
    /// Not known yet (`GetUser` itself was denied).
    Unknown,
}
