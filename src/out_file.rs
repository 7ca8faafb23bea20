//! `--out`: the output goes to a new file of mode 0600, written to a
//! temporary file in the same directory and renamed into place, so a
//! failure leaves nothing behind and a reader never sees half a file.

use crate::exit_codes::{ExitCode, Failure};
use anyhow::{Context, Result};
use ses_smtp_password::redact::user_path;
use std::io::Write;
use std::path::{Path, PathBuf};

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The path with its directory resolved, for comparing with the input.
fn resolved(path: &Path) -> Option<PathBuf> {
    let dir = parent(path).canonicalize().ok()?;
    Some(dir.join(path.file_name()?))
}

/// Checks before the secret is read: the directory exists, and the file
/// does not unless --force.
pub fn check_target(path: &Path, force: bool) -> Result<()> {
    if path.file_name().is_none() || path.is_dir() {
        return Err(Failure::new(
            ExitCode::Usage,
            format!("--out {} is not a file name", user_path(path)),
        )
        .into());
    }
    if !parent(path).is_dir() {
        return Err(Failure::new(
            ExitCode::Io,
            format!("--out {}: the directory does not exist", user_path(path)),
        )
        .into());
    }
    if path.exists() && !force {
        return Err(Failure::new(
            ExitCode::Usage,
            format!(
                "--out {} exists; pass --force to replace it",
                user_path(path)
            ),
        )
        .into());
    }
    Ok(())
}

/// Refuses to write over the file the secret came from.
pub fn check_not_input(out: &Path, input: &Path) -> Result<()> {
    let same = match (resolved(out), input.canonicalize().ok()) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    };
    if same {
        return Err(Failure::new(
            ExitCode::Usage,
            format!(
                "--out {} is the file the secret was read from; choose another path",
                user_path(out)
            ),
        )
        .into());
    }
    Ok(())
}

/// Writes `bytes` to a 0600 temporary file beside `path`, syncs it, and
/// renames it into place (never over an existing file unless `force`).
pub fn write(path: &Path, force: bool, bytes: &[u8]) -> Result<()> {
    let context = || format!("could not write --out {}", user_path(path));
    // tempfile creates the file with mode 0600 whatever the umask, and
    // deletes it if anything below fails.
    let mut tmp = tempfile::Builder::new()
        .prefix(".ses-smtp-password-")
        .tempfile_in(parent(path))
        .with_context(context)?;
    tmp.write_all(bytes).with_context(context)?;
    tmp.as_file().sync_all().with_context(context)?;
    if force {
        tmp.persist(path)
            .map_err(|e| e.error)
            .with_context(context)?;
    } else {
        tmp.persist_noclobber(path)
            .map_err(|e| e.error)
            .with_context(context)?;
    }
    Ok(())
}
