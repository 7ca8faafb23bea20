//! `--out`: the output goes to a file of mode 0600 (whatever the umask),
//! written to a temporary file in the same directory, synced, renamed into
//! place and the directory synced, so a failure or a signal leaves nothing
//! behind and a reader never sees half a file. Only a regular file is ever
//! replaced, and never the file the secret came from.

use crate::error::{CliError, CliResult};
use crate::files::FileId;
use crate::signals;
use ses_smtp_credentials::user_path;
use std::ffi::CString;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

fn usage(message: String) -> CliError {
    CliError::Usage(message)
}

/// An existing target must be a regular file (after following symlinks):
/// never a device such as /dev/null, a FIFO, a socket or a directory.
fn check_regular(path: &Path) -> CliResult<()> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => Err(usage(format!(
            "--out {} exists and is not a regular file (a device, FIFO, socket or directory)\n  \
             hint: --out only ever creates or replaces a regular file; name one",
            user_path(path)
        ))),
        _ => Ok(()),
    }
}

/// Checks before the secret is read: a file name, an existing directory,
/// and no existing file unless --force (and then only a regular one).
pub fn check_target(path: &Path, force: bool) -> CliResult<()> {
    if path.file_name().is_none() {
        return Err(usage(format!(
            "--out {} is not a file name",
            user_path(path)
        )));
    }
    check_regular(path)?;
    if !parent(path).is_dir() {
        return Err(CliError::Io(format!(
            "--out {}: the directory does not exist",
            user_path(path)
        )));
    }
    // The name exists even as a symlink to nothing (`exists` follows it).
    if std::fs::symlink_metadata(path).is_ok() && !force {
        return Err(usage(format!(
            "--out {} exists; pass --force to replace it",
            user_path(path)
        )));
    }
    Ok(())
}

/// Refuses to write over a file the secret came from, compared by device
/// and inode.
pub fn check_not_input(out: &Path, inputs: &[FileId]) -> CliResult<()> {
    let Ok(meta) = std::fs::metadata(out) else {
        return Ok(());
    };
    if inputs.contains(&FileId::of(&meta)) {
        return Err(usage(format!(
            "--out {} is the file the secret was read from; choose another path\n  \
             hint: IAM shows a secret once; overwriting its only copy would lose it",
            user_path(out)
        )));
    }
    Ok(())
}

/// Who answers SIGTERM, SIGINT and SIGHUP while the file is written.
pub enum Signals<'a> {
    /// The writer: it removes the temporary file and the process dies of
    /// the signal.
    Die,
    /// The caller, who has its own handler for them (`rotate`, which must
    /// undo a rotation instead of dying). `check` is asked just before the
    /// file is moved into place; an error leaves nothing behind.
    #[allow(dead_code)] // rotate's alone: unused in a build without `aws`
    Caught {
        check: &'a dyn Fn() -> CliResult<()>,
    },
}

/// While alive: the temporary file is removed on drop and, unless the
/// caller handles signals, on every signal that would end the process.
struct TempGuard {
    path: PathBuf,
    armed: bool,
    /// The handlers that remove it (none under `Signals::Caught`).
    on_signal: Option<signals::RemoveOnSignal>,
}

impl TempGuard {
    fn new(path: PathBuf, how: &Signals) -> CliResult<TempGuard> {
        let c = CString::new(path.as_os_str().as_bytes())
            .map_err(|_| usage("--out holds a NUL byte".into()))?;
        let on_signal = match how {
            Signals::Die => Some(signals::remove_on_fatal(&c)),
            Signals::Caught { .. } => None,
        };
        Ok(TempGuard {
            path,
            armed: true,
            on_signal,
        })
    }

    /// The file was renamed into place: nothing to remove any more.
    fn disarm(&mut self) {
        self.on_signal = None;
        self.armed = false;
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if self.armed {
            let _ = std::fs::remove_file(&self.path);
            self.disarm();
        }
    }
}

fn temp_name(dir: &Path) -> CliResult<PathBuf> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|e| CliError::Io(format!("could not get random bytes: {e}")))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(dir.join(format!(".ses-smtp-password-{hex}")))
}

/// Test builds only: stop once the temporary file holds the output, say so
/// on stderr, and wait for a signal (tests/cli/operator.rs and tests/aws/rotation.rs
/// send one). Under [`Signals::Die`] the process dies in the handler; under
/// [`Signals::Caught`] the wait ends once the caller's check has seen it.
fn pause_for_tests(signals: &Signals) {
    let _ = signals;
    ses_smtp_credentials::test_hook! {
        // Wait until this file exists, then go on (tests/cli/operator.rs
        // changes the target meanwhile).
        if let Some(go) = std::env::var_os("SES_SMTP_PASSWORD_TEST_PAUSE_OUT_UNTIL") {
            let _ = writeln!(std::io::stderr(), "paused with the temporary file written");
            while !Path::new(&go).exists() {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            return;
        }
        if std::env::var_os("SES_SMTP_PASSWORD_TEST_PAUSE_OUT").is_some() {
            let _ = writeln!(std::io::stderr(), "paused with the temporary file written");
            loop {
                match signals {
                    Signals::Die => crate::signals::pause(),
                    Signals::Caught { check } if check().is_err() => return,
                    // Polled: a signal that came before a pause() would be lost.
                    Signals::Caught { .. } => std::thread::sleep(std::time::Duration::from_millis(10)),
                }
            }
        }
    }
}

/// Writes `bytes` to a 0600 file beside `path` that has no name until it
/// is complete (`O_TMPFILE`), syncs it, and links it into place (never over
/// an existing file unless `force`, and never over anything but a regular
/// file). Until then no signal, not even `kill -9`, can leave the password
/// behind in a file. Where the file system has no `O_TMPFILE`, a named
/// temporary file is used instead, removed on every signal that can be
/// caught. Returns the mode the file has. `inputs`: the files the secret
/// came from, checked again just before the file is put in place (one may
/// have been moved onto `path` meanwhile).
pub fn write(
    path: &Path,
    force: bool,
    bytes: &[u8],
    signals: Signals,
    inputs: &[FileId],
) -> CliResult<u32> {
    write_as(path, force, bytes, signals, inputs, Perm::PRIVATE)
}

/// The file's mode and group, set on it before it has a name.
#[derive(Clone, Copy, Debug)]
pub struct Perm {
    /// The mode (0600 unless a command widens it for the group).
    pub mode: u32,
    /// The group, if not the process's.
    pub group: Option<u32>,
}

impl Perm {
    /// 0600, the process's group.
    pub const PRIVATE: Perm = Perm {
        mode: 0o600,
        group: None,
    };
}

/// [`write`], with the file's mode and group set before it has a name.
pub fn write_as(
    path: &Path,
    force: bool,
    bytes: &[u8],
    signals: Signals,
    inputs: &[FileId],
    perm: Perm,
) -> CliResult<u32> {
    let context = || CliError::io(format!("could not write --out {}", user_path(path)));
    let dir = parent(path);
    let unnamed = if Path::new("/proc/self/fd").is_dir() {
        match std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_TMPFILE)
            .mode(0o600)
            .open(dir)
        {
            Ok(file) => Some(file),
            Err(e)
                if matches!(
                    e.raw_os_error(),
                    Some(libc::EOPNOTSUPP | libc::EISDIR | libc::EINVAL)
                ) =>
            {
                None
            }
            Err(e) => return Err(context()(e)),
        }
    } else {
        None
    };
    let place = Place {
        path,
        signals: &signals,
        inputs,
    };
    let mode = match unnamed {
        Some(mut file) => {
            fill(&mut file, bytes, perm).map_err(context())?;
            place.ready()?;
            // Linked by its /proc name: linkat(AT_EMPTY_PATH) would need a
            // capability.
            let fd = format!("/proc/self/fd/{}", file.as_raw_fd());
            if force {
                // The name exists only once the content is complete, and
                // only until the rename, which replaces whatever holds the
                // name (a link included), never what a link points to.
                let tmp = temp_name(dir)?;
                let mut guard = TempGuard::new(tmp.clone(), &signals)?;
                link(&fd, &tmp).map_err(context())?;
                std::fs::rename(&tmp, path).map_err(context())?;
                guard.disarm();
            } else {
                // A link fails if the name exists: no overwrite, no race.
                link(&fd, path).map_err(appeared(path))?;
            }
            placed(path, &file)
        }
        None => {
            let tmp = temp_name(dir)?;
            let mut guard = TempGuard::new(tmp.clone(), &signals)?;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)
                .map_err(context())?;
            fill(&mut file, bytes, perm).map_err(context())?;
            place.ready()?;
            if force {
                std::fs::rename(&tmp, path).map_err(context())?;
            } else {
                let linked = std::fs::hard_link(&tmp, path);
                let _ = std::fs::remove_file(&tmp);
                linked.map_err(appeared(path))?;
            }
            guard.disarm();
            placed(path, &file)
        }
    }?;
    // The new name is durable only once the directory is synced.
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(context())?;
    Ok(mode)
}

/// A name that appeared while the file was written (a file or a link
/// planted there): refused, nothing written through it.
fn appeared(path: &Path) -> impl FnOnce(std::io::Error) -> CliError {
    let shown = user_path(path);
    move |e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            usage(format!(
                "--out {shown} appeared while the output was written (a file or a link): refused; nothing was written there\n  \
                 hint: check what it is; pass --force to replace it"
            ))
        } else {
            CliError::io(format!("could not write --out {shown}"))(e)
        }
    }
}

/// The name holds the file this run wrote (compared by device and inode,
/// without following a link): its mode, from that file itself. Anything
/// else there (the name replaced right after) is refused rather than
/// reported as written.
fn placed(path: &Path, file: &std::fs::File) -> CliResult<u32> {
    let ours = file.metadata().map_err(CliError::io(format!(
        "could not read --out {}",
        user_path(path)
    )))?;
    match std::fs::symlink_metadata(path) {
        Ok(there) if there.dev() == ours.dev() && there.ino() == ours.ino() => {
            Ok(ours.mode() & 0o7777)
        }
        _ => Err(usage(format!(
            "--out {} was replaced right after the output was written there (by a link or another file): \
             the output is not where it was asked to go; check it",
            user_path(path)
        ))),
    }
}

/// Where the file goes, and what must still hold just before it goes there.
struct Place<'a> {
    path: &'a Path,
    signals: &'a Signals<'a>,
    inputs: &'a [FileId],
}

impl Place<'_> {
    /// The checks made again just before the file is put in place.
    fn ready(&self) -> CliResult<()> {
        pause_for_tests(self.signals);
        if let Signals::Caught { check } = self.signals {
            check()?;
        }
        // The target may have changed since it was first checked: it must
        // still be a regular file, and still not the secret's own file.
        check_regular(self.path)?;
        check_not_input(self.path, self.inputs)
    }
}

/// The group, then the mode (the umask may have taken bits off it at
/// creation), the bytes, synced.
fn fill(file: &mut std::fs::File, bytes: &[u8], perm: Perm) -> std::io::Result<()> {
    if let Some(gid) = perm.group {
        std::os::unix::fs::fchown(&*file, None, Some(gid))?;
    }
    file.set_permissions(std::fs::Permissions::from_mode(perm.mode))?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// `linkat(from, to)`, following `from` (a /proc/self/fd link).
fn link(from: &str, to: &Path) -> std::io::Result<()> {
    use nix::fcntl::{AT_FDCWD, AtFlags};
    nix::unistd::linkat(AT_FDCWD, from, AT_FDCWD, to, AtFlags::AT_SYMLINK_FOLLOW)
        .map_err(std::io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Under `Signals::Caught` the caller's handlers stay in place whether
    /// the write goes through or the check stops it (rotate's undo must
    /// still catch a second Ctrl-C), and a stopped write leaves no file.
    #[test]
    fn caught_signals_keep_the_callers_handlers() {
        // SIGHUP ignored stands for the caller's handler: the process keeps
        // running whatever arrives.
        use nix::sys::signal::{SigHandler, Signal};
        signals::ignore(Signal::SIGHUP);
        let dir = tempfile::tempdir().unwrap();
        let ok = || Ok(());
        let stop = || Err(CliError::Io("stopped".into()));
        let path = dir.path().join("written");
        write(&path, false, b"x", Signals::Caught { check: &ok }, &[]).unwrap();
        assert!(matches!(
            signals::handler(Signal::SIGHUP),
            SigHandler::SigIgn
        ));
        let path = dir.path().join("stopped");
        assert!(write(&path, false, b"x", Signals::Caught { check: &stop }, &[]).is_err());
        assert!(matches!(
            signals::handler(Signal::SIGHUP),
            SigHandler::SigIgn
        ));
        let mut names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["written"]);
    }
}
