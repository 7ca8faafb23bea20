//! The journal as a file: the lock, and the checks before it is trusted.

use super::record::Journal;
use crate::UserName;
use crate::sdk::error::{Error, Result};
use ses_smtp_credentials::user_path;
use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// The largest journal read (a real one is a few hundred bytes).
pub const MAX_BYTES: u64 = 64 * 1024;

/// Who holds a journal found on disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    /// A running process holds its lock: a rotation is under way.
    Running,
    /// Nobody holds the lock, but its pid is alive on this boot (a process
    /// that does not hold it: not known to be over).
    PidAlive,
    /// Its run is over (no lock held; its pid is not alive on this boot).
    Over,
}

/// A journal found on disk, and whether its run is over.
#[derive(Clone, Debug)]
pub struct Found {
    /// What it says.
    pub journal: Journal,
    /// Who holds it.
    pub holder: Holder,
}

/// A journal's file: `rotate-USER.json` in a directory the caller chooses
/// (the command line's is its state directory).
#[derive(Clone, Debug)]
pub struct JournalFile {
    path: PathBuf,
}

/// The journal's lock, held while a rotation runs (dropped: released).
#[derive(Debug)]
pub struct Held {
    file: File,
}

impl JournalFile {
    /// The journal of `user`'s rotation in `dir`. IAM user names are
    /// unique regardless of case, so the file name is folded to lower case:
    /// `Mailer` and `mailer` are one user, one journal, one lock.
    pub fn new(dir: &Path, user: &UserName) -> JournalFile {
        // IAM user names are A-Z a-z 0-9 + = , . @ _ -: safe as a file name.
        JournalFile {
            path: dir.join(format!(
                "rotate-{}.json",
                user.as_str().to_ascii_lowercase()
            )),
        }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    fn shown(&self) -> String {
        user_path(&self.path)
    }

    /// The journal an unfinished (or running) rotation left, if any, and
    /// whether its run is over.
    ///
    /// # Errors
    /// [`Error::Io`] or [`Error::IoFrom`] when it cannot be read, or is not
    /// one to trust (see the module).
    pub fn find(&self) -> Result<Option<Found>> {
        match std::fs::symlink_metadata(self.dir()) {
            Ok(meta) => check_dir(self.dir(), &meta)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(Error::io(format!(
                    "could not read the rotation journal's directory {}",
                    user_path(self.dir())
                ))(e));
            }
        }
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_NONBLOCK)
            .open(&self.path);
        let mut file = match file {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) if e.raw_os_error() == Some(nix::libc::ELOOP) => {
                return Err(self.untrusted("is a symbolic link"));
            }
            Err(e) => {
                return Err(Error::io(format!(
                    "could not read the rotation journal {}",
                    self.shown()
                ))(e));
            }
        };
        let meta = file.metadata().map_err(Error::io(format!(
            "could not read the rotation journal {}",
            self.shown()
        )))?;
        if !meta.file_type().is_file() {
            return Err(self.untrusted("is not a regular file"));
        }
        if meta.uid() != nix::unistd::geteuid().as_raw() {
            return Err(self.untrusted("belongs to another user"));
        }
        if meta.permissions().mode() & 0o077 != 0 {
            return Err(self.untrusted("can be read or written by others (not mode 0600)"));
        }
        if meta.len() > MAX_BYTES {
            return Err(self.untrusted("is larger than a journal can be (64 KiB)"));
        }
        let mut text = String::new();
        (&mut file)
            .take(MAX_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|_| self.untrusted("is not text"))?;
        let journal: Journal = serde_json::from_str(&text).map_err(|_| {
            Error::Io(format!(
                "the rotation journal {} is not one this tool wrote; move it away after checking the user's keys and stores by hand (docs/rotation.md)",
                self.shown()
            ))
        })?;
        journal.check().map_err(|why| self.untrusted(why))?;
        let holder = if matches!(
            file.try_lock_shared(),
            Err(std::fs::TryLockError::WouldBlock)
        ) {
            Holder::Running
        } else if journal.boot_id.is_some()
            && journal.boot_id == boot_id()
            && pid_alive(journal.pid)
        {
            Holder::PidAlive
        } else {
            Holder::Over
        };
        Ok(Some(Found { journal, holder }))
    }

    fn untrusted(&self, why: &str) -> Error {
        Error::Io(format!(
            "the rotation journal {} {why}: it is not trusted; move it away after checking the user's keys and stores by hand (docs/rotation.md)",
            self.shown()
        ))
    }

    /// Writes a new journal and takes its lock, only if there is none: a
    /// journal already there is another rotation's, running or unfinished.
    ///
    /// # Errors
    /// [`Error::Io`] when a journal is already there, [`Error::IoFrom`]
    /// when it cannot be written.
    pub fn create(&self, journal: &Journal) -> Result<Held> {
        let dir = self.dir();
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(self.cannot_write())?;
        let meta = std::fs::symlink_metadata(dir).map_err(self.cannot_write())?;
        check_dir(dir, &meta)?;
        let (tmp, file) = self.write_new(journal)?;
        let linked = std::fs::hard_link(&tmp, &self.path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(Error::Io(format!(
                    "another rotation of IAM user {} started here at the same moment (its journal {} appeared): nothing was created",
                    ses_smtp_credentials::user_text(&journal.user),
                    self.shown()
                )));
            }
            Err(e) => return Err(self.cannot_write()(e)),
        }
        sync_dir(dir).map_err(self.cannot_write())?;
        Ok(Held { file })
    }

    /// Rewrites the journal of the run that holds `held`: a new file,
    /// synced and locked, renamed over the old one.
    ///
    /// # Errors
    /// [`Error::IoFrom`] when any of that fails (the old journal stands).
    pub fn save(&self, held: &mut Held, journal: &Journal) -> Result<()> {
        let (tmp, file) = self.write_new(journal)?;
        if let Err(e) = std::fs::rename(&tmp, &self.path) {
            let _ = std::fs::remove_file(&tmp);
            return Err(self.cannot_write()(e));
        }
        held.file = file;
        sync_dir(self.dir()).map_err(self.cannot_write())
    }

    /// A new file beside the journal, `O_EXCL | O_NOFOLLOW`, mode 0600,
    /// holding `journal`, synced and locked.
    fn write_new(&self, journal: &Journal) -> Result<(PathBuf, File)> {
        let mut name = self.path.file_name().unwrap_or_default().to_owned();
        name.push(format!(".{}.new", std::process::id()));
        let tmp = self.path.with_file_name(name);
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(nix::libc::O_NOFOLLOW)
            .open(&tmp)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    Error::Io(format!(
                        "{} is in the way of the rotation journal (a file or link of that name already exists): refused; remove it after checking what it is",
                        user_path(&tmp)
                    ))
                } else {
                    self.cannot_write()(e)
                }
            })?;
        let text =
            serde_json::to_vec_pretty(journal).map_err(|e| Error::Internal(e.to_string()))?;
        let written = file
            .write_all(&text)
            .and_then(|()| file.sync_all())
            .and_then(|()| file.try_lock().map_err(std::io::Error::from));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(self.cannot_write()(e));
        }
        Ok((tmp, file))
    }

    fn cannot_write(&self) -> impl FnOnce(std::io::Error) -> Error + use<> {
        Error::io(format!(
            "could not write the rotation journal {}",
            self.shown()
        ))
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
                self.shown()
            ))(e)),
        }
    }
}

/// The journal's directory: a directory (not a link) of this user's that
/// others cannot enter.
fn check_dir(dir: &Path, meta: &std::fs::Metadata) -> Result<()> {
    let why = if !meta.file_type().is_dir() {
        "is not a directory"
    } else if meta.uid() != nix::unistd::geteuid().as_raw() {
        "belongs to another user"
    } else if meta.permissions().mode() & 0o077 != 0 {
        "is open to others (it must be mode 0700: chmod 700 it)"
    } else {
        return Ok(());
    };
    Err(Error::Io(format!(
        "the rotation journal's directory {} {why}: refused",
        user_path(dir)
    )))
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir).and_then(|d| d.sync_all())
}

/// This boot's ID (Linux), which with a pid names one process.
pub fn boot_id() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn pid_alive(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    match nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None) {
        Ok(()) => true,
        Err(e) => e == nix::errno::Errno::EPERM,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sdk::journal::record::{Made, StoreBefore, now};

    fn journal(user: &str) -> Journal {
        Journal {
            regions: Vec::new(),
            user: user.into(),
            region: "eu-west-1".into(),
            pid: std::process::id(),
            boot_id: boot_id(),
            started: now(),
            keys_before: vec![],
            claim: None,
            create: None,
            created_key: None,
            stores: vec![],
            made: vec![],
            stored: false,
            committed: false,
        }
    }

    fn private_dir() -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        d
    }

    #[test]
    fn the_journal_is_the_lock_and_its_name_folds_case() {
        let d = private_dir();
        let user = crate::parse_user_name("Mailer").unwrap();
        let file = JournalFile::new(d.path(), &user);
        assert!(file.path().ends_with("rotate-mailer.json"));
        let mut held = file.create(&journal("Mailer")).unwrap();
        // A second run of the same user, however spelt, finds it held.
        let other = JournalFile::new(d.path(), &crate::parse_user_name("MAILER").unwrap());
        let found = other.find().unwrap().unwrap();
        assert_eq!(found.holder, Holder::Running);
        assert!(other.create(&journal("MAILER")).is_err());
        // Rewritten, it is still held (the lock moves to the new file).
        file.save(&mut held, &journal("Mailer")).unwrap();
        assert_eq!(other.find().unwrap().unwrap().holder, Holder::Running);
        drop(held);
        // Released by a process that is still alive: not known to be over.
        assert_eq!(other.find().unwrap().unwrap().holder, Holder::PidAlive);
        // A dead pid, or another boot: over.
        let mut dead = journal("Mailer");
        dead.boot_id = Some("another-boot".into());
        let mut held = {
            file.remove().unwrap();
            file.create(&dead).unwrap()
        };
        file.save(&mut held, &dead).unwrap();
        drop(held);
        assert_eq!(other.find().unwrap().unwrap().holder, Holder::Over);
    }

    #[test]
    fn an_untrustworthy_journal_is_refused_never_followed() {
        let d = private_dir();
        let user = crate::parse_user_name("mailer").unwrap();
        let file = JournalFile::new(d.path(), &user);
        let refused = |file: &JournalFile| file.find().unwrap_err().to_string();
        // A symbolic link, a FIFO (no hang), an oversized file, a file
        // others can read.
        std::os::unix::fs::symlink("/etc/passwd", file.path()).unwrap();
        assert!(
            refused(&file).contains("is a symbolic link"),
            "{}",
            refused(&file)
        );
        std::fs::remove_file(file.path()).unwrap();
        nix_mkfifo(file.path());
        assert!(refused(&file).contains("not a regular file"));
        std::fs::remove_file(file.path()).unwrap();
        std::fs::write(file.path(), vec![b' '; 70_000]).unwrap();
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
        assert!(refused(&file).contains("larger than"));
        std::fs::write(file.path(), serde_json::to_vec(&journal("mailer")).unwrap()).unwrap();
        std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o644)).unwrap();
        assert!(refused(&file).contains("not mode 0600"));
        std::fs::remove_file(file.path()).unwrap();
        // A directory open to others.
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(refused(&file).contains("mode 0700"));
        assert!(file.create(&journal("mailer")).is_err());
        std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        // A link planted at the temporary name: refused, its target untouched.
        let target = d.path().join("target");
        std::fs::write(&target, "untouched").unwrap();
        let tmp = d
            .path()
            .join(format!("rotate-mailer.json.{}.new", std::process::id()));
        std::os::unix::fs::symlink(&target, &tmp).unwrap();
        let e = file.create(&journal("mailer")).unwrap_err().to_string();
        assert!(e.contains("in the way"), "{e}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "untouched");
        assert!(!file.path().exists());
    }

    #[test]
    fn a_journal_naming_anything_outside_its_stores_is_refused() {
        let d = private_dir();
        let file = JournalFile::new(d.path(), &crate::parse_user_name("mailer").unwrap());
        let write = |j: &Journal| {
            let _ = std::fs::remove_file(file.path());
            std::fs::write(file.path(), serde_json::to_vec(j).unwrap()).unwrap();
            std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
        };
        let mut j = journal("mailer");
        j.stores = vec![
            StoreBefore::Ssm {
                store: "ssm:/mail/smtp".into(),
                parameters: vec![("/mail/smtp/password".into(), Some(3))],
            },
            StoreBefore::SecretsManager {
                store: "secretsmanager:mail/smtp".into(),
                exists: false,
                current: None,
                previous: None,
            },
        ];
        j.made = vec![
            Made::Parameter {
                name: "/mail/smtp/password".into(),
                version: 4,
            },
            Made::Secret {
                store: "secretsmanager:mail/smtp".into(),
                arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mail/smtp-AbCdEf".into(),
            },
        ];
        write(&j);
        assert!(file.find().unwrap().is_some());
        let refused = |j: &Journal| {
            write(j);
            file.find().unwrap_err().to_string()
        };
        let mut other = j.clone();
        other.made[0] = Made::Parameter {
            name: "/prod/db/password".into(),
            version: 1,
        };
        assert!(
            refused(&other).contains("do not hold"),
            "{}",
            refused(&other)
        );
        let mut other = j.clone();
        other.made[1] = Made::Secret {
            store: "secretsmanager:mail/smtp".into(),
            arn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf".into(),
        };
        assert!(refused(&other).contains("do not hold"));
        let mut other = j.clone();
        other.stores[0] = StoreBefore::Ssm {
            store: "ssm:/mail/smtp".into(),
            parameters: vec![("/prod/db/password".into(), Some(3))],
        };
        assert!(refused(&other).contains("outside its store"));
    }

    fn nix_mkfifo(path: &Path) {
        let status = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .unwrap();
        assert!(status.success());
    }
}
