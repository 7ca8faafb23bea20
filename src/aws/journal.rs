//! The journal of a rotation under way, so that an uncatchable kill
//! (`kill -9`, a power cut) is survivable: what the user's keys and every
//! store were before anything was made, and the key made. It lives in the
//! user's state directory (`$XDG_STATE_HOME/ses-smtp-password/`, else
//! `~/.local/state/ses-smtp-password/`), one file a user, mode 0600 in a
//! 0700 directory, and holds IDs and version numbers only: never a secret,
//! never a password. `rotate` writes it before it creates the key and
//! removes it once the rotation is delivered or undone; what it finds left
//! is an unfinished rotation, which `rotate --recover` undoes by comparing
//! AWS now with the journal (docs/rotation.md).

use crate::error::{CliError, Result};
use ses_smtp_credentials::redact::user_path;
use ses_smtp_credentials::rotation::{Store, UserName};
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
        store: String,
        exists: bool,
        current: Option<String>,
        previous: Option<String>,
    },
    /// Parameter Store parameters: each one's version, or none where it
    /// did not exist.
    Ssm {
        store: String,
        parameters: Vec<(String, Option<i64>)>,
    },
}

impl StoreBefore {
    /// The store it describes.
    pub fn store(&self) -> Result<Store> {
        let text = match self {
            StoreBefore::SecretsManager { store, .. } | StoreBefore::Ssm { store, .. } => store,
        };
        Store::parse(text).map_err(|e| {
            CliError::Io(format!(
                "the rotation journal names a store that is not one: {e}"
            ))
        })
    }
}

/// The folder journals live in.
fn dir() -> Result<PathBuf> {
    let base = match std::env::var_os("XDG_STATE_HOME").filter(|v| !v.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
            Some(h) => PathBuf::from(h).join(".local/state"),
            None => {
                return Err(CliError::Io(
                    "neither XDG_STATE_HOME nor HOME is set: there is no state directory for the rotation journal".into(),
                ));
            }
        },
    };
    Ok(base.join("ses-smtp-password"))
}

/// Where the journal of `user`'s rotation is.
pub fn path(user: &UserName) -> Result<PathBuf> {
    // IAM user names are A-Z a-z 0-9 + = , . @ _ -: safe as a file name.
    Ok(dir()?.join(format!("rotate-{user}.json")))
}

/// The journal an unfinished rotation of `user` left, if any.
pub fn find(user: &UserName) -> Result<Option<Journal>> {
    let path = path(user)?;
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CliError::io(format!(
                "could not read the rotation journal {}",
                user_path(&path)
            ))(e));
        }
    };
    serde_json::from_str(&text).map(Some).map_err(|_| {
        CliError::Io(format!(
            "the rotation journal {} is not one this tool wrote; move it away after checking the user's keys and stores by hand (docs/rotation.md)",
            user_path(&path)
        ))
    })
}

/// Writes (or rewrites) the journal: a new file, synced, renamed over the
/// old one, in a 0700 directory, mode 0600.
pub fn save(journal: &Journal, user: &UserName) -> Result<()> {
    let path = path(user)?;
    let context = || {
        CliError::io(format!(
            "could not write the rotation journal {}",
            user_path(&path)
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
    let text = serde_json::to_vec_pretty(journal).map_err(|e| CliError::Internal(e.to_string()))?;
    file.write_all(&text)
        .and_then(|()| file.sync_all())
        .map_err(context())?;
    std::fs::rename(&tmp, &path).map_err(context())?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(context())
}

/// Removes the journal: the rotation was delivered or undone.
pub fn remove(user: &UserName) -> Result<()> {
    let path = path(user)?;
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(CliError::io(format!(
            "could not remove the rotation journal {}",
            user_path(&path)
        ))(e)),
    }
}

/// The warning `retire` and `keys` give while a journal is left.
pub fn warn_if_unfinished(user: &UserName) {
    if let Ok(Some(j)) = find(user) {
        let _ = writeln!(
            std::io::stderr(),
            "warning: {}\n  hint: finish it first: ses-smtp-password rotate --recover --user-name {}",
            unfinished(&j),
            crate::aws::shown(user)
        );
    }
}

/// "an unfinished rotation of U (process P, started …) left a journal".
pub fn unfinished(j: &Journal) -> String {
    format!(
        "a rotation of IAM user {} did not finish (process {}, started {} s after 1970; {}): it may have left a new access key or half-written stores",
        ses_smtp_credentials::redact::user_text(&j.user),
        j.pid,
        j.started,
        match &j.created_key {
            Some(k) => format!("it created {}", ses_smtp_credentials::redact::user_text(k)),
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
