//! The journal of a rotation under way, so that an uncatchable kill
//! (`kill -9`, a power cut) is survivable: what the user's keys and every
//! store were before anything was made, and the key made. As a file
//! ([`JournalFile`]), one a user, mode 0600 in a 0700 directory; it holds
//! IDs and version numbers only: never a secret, never a password. A
//! [`Rotation`](super::Rotation) writes it before it creates the key and
//! removes it once the rotation is committed or undone; what is found left
//! is an unfinished rotation, which [`recover`](super::recover) undoes by
//! comparing AWS now with the journal.

use super::error::{Error, Result};
use crate::{Store, UserName};
use ses_smtp_credentials::user_path;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// What a rotation had found, and made, as far as it got.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    /// The IAM user.
    pub user: String,
    /// The region the stores were written in.
    pub region: String,
    /// The process that wrote it, and when (seconds since 1970).
    pub pid: u32,
    /// When it started, in seconds since 1970.
    pub started: u64,
    /// The user's access key IDs before the rotation.
    pub keys_before: Vec<String>,
    /// The key the rotation made, once IAM returned it.
    pub created_key: Option<String>,
    /// Every store as it was before.
    pub stores: Vec<StoreBefore>,
    /// The rotation was delivered (stores and `--out` written): nothing is
    /// to be undone, the journal only not yet removed.
    #[serde(default)]
    pub committed: bool,
}

/// A store as it was before the rotation: version IDs and numbers only.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StoreBefore {
    /// A Secrets Manager secret: whether it existed, and the versions that
    /// held `AWSCURRENT` and `AWSPREVIOUS`.
    SecretsManager {
        /// The store, as `Store` displays it.
        store: String,
        /// Whether the secret existed.
        exists: bool,
        /// The version that held `AWSCURRENT`.
        current: Option<String>,
        /// The version that held `AWSPREVIOUS`.
        previous: Option<String>,
    },
    /// Parameter Store parameters: each one's version, or none where it
    /// did not exist.
    Ssm {
        /// The store, as `Store` displays it.
        store: String,
        /// Each parameter's name and version.
        parameters: Vec<(String, Option<i64>)>,
    },
}

impl StoreBefore {
    /// The store it describes.
    ///
    /// # Errors
    /// [`Error::Io`] when the journal names no store.
    pub fn store(&self) -> Result<Store> {
        let text = match self {
            StoreBefore::SecretsManager { store, .. } | StoreBefore::Ssm { store, .. } => store,
        };
        Store::parse(text).map_err(|e| {
            Error::Io(format!(
                "the rotation journal names a store that is not one: {e}"
            ))
        })
    }
}

/// A journal's file: `rotate-USER.json` in a directory the caller chooses
/// (the command line's is its state directory).
#[derive(Clone, Debug)]
pub struct JournalFile {
    path: PathBuf,
}

impl JournalFile {
    /// The journal of `user`'s rotation in `dir`.
    pub fn new(dir: &Path, user: &UserName) -> JournalFile {
        // IAM user names are A-Z a-z 0-9 + = , . @ _ -: safe as a file name.
        JournalFile {
            path: dir.join(format!("rotate-{user}.json")),
        }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The journal an unfinished rotation left, if any.
    ///
    /// # Errors
    /// [`Error::IoFrom`] when it cannot be read, [`Error::Io`] when it is
    /// not a journal.
    pub fn find(&self) -> Result<Option<Journal>> {
        let path = &self.path;
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Error::io(format!(
                    "could not read the rotation journal {}",
                    user_path(path)
                ))(e));
            }
        };
        serde_json::from_str(&text).map(Some).map_err(|_| {
            Error::Io(format!(
                "the rotation journal {} is not one this tool wrote; move it away after checking the user's keys and stores by hand (docs/rotation.md)",
                user_path(path)
            ))
        })
    }

    /// Writes (or rewrites) the journal: a new file, synced, renamed over
    /// the old one, in a 0700 directory, mode 0600.
    ///
    /// # Errors
    /// [`Error::IoFrom`] when any of that fails.
    pub fn save(&self, journal: &Journal) -> Result<()> {
        let path = &self.path;
        let context = || {
            Error::io(format!(
                "could not write the rotation journal {}",
                user_path(path)
            ))
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(context())?;
        let tmp = path.with_extension("json.new");
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(context())?;
        let text =
            serde_json::to_vec_pretty(journal).map_err(|e| Error::Internal(e.to_string()))?;
        file.write_all(&text)
            .and_then(|()| file.sync_all())
            .map_err(context())?;
        std::fs::rename(&tmp, path).map_err(context())?;
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(context())
    }

    /// Removes the journal: the rotation was delivered or undone.
    ///
    /// # Errors
    /// [`Error::IoFrom`] when it exists and cannot be removed.
    pub fn remove(&self) -> Result<()> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(Error::io(format!(
                "could not remove the rotation journal {}",
                user_path(&self.path)
            ))(e)),
        }
    }
}

/// "an unfinished rotation of U (process P, started …) left a journal".
pub fn unfinished(j: &Journal) -> String {
    format!(
        "a rotation of IAM user {} did not finish (process {}, started {} s after 1970; {}): it may have left a new access key or half-written stores",
        ses_smtp_credentials::user_text(&j.user),
        j.pid,
        j.started,
        match &j.created_key {
            Some(k) => format!("it created {}", ses_smtp_credentials::user_text(k)),
            None => "no key recorded yet".into(),
        }
    )
}

/// Seconds since 1970, for `started`.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
