//! Reading files and standard input: whole small files into zeroizing
//! buffers sized once, standard input unbuffered, files known by device and
//! inode.

pub mod out;

use crate::error::{CliError, CliResult};
use ses_smtp_credentials::MAX_INPUT;
use std::fs::File;
use std::io::Read;
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use zeroize::Zeroizing;

/// A file by device and inode: the same file under any name, link, bind
/// mount or redirect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    pub fn of(meta: &std::fs::Metadata) -> FileId {
        FileId {
            dev: meta.dev(),
            ino: meta.ino(),
        }
    }
}

/// Reads at most `MAX_INPUT + 1` bytes into a buffer sized once, so the
/// secret is never copied by a reallocation. The reader must be unbuffered.
pub fn read_capped(mut reader: impl Read) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(vec![0u8; MAX_INPUT + 1]);
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

/// Standard input as an unbuffered file, so no copy lands in std's buffer.
fn stdin_file() -> std::io::Result<File> {
    Ok(File::from(std::io::stdin().as_fd().try_clone_to_owned()?))
}

/// Standard input's file, when it is one (`< key.txt`), by device and
/// inode.
pub fn stdin_id() -> Option<FileId> {
    let meta = stdin_file().ok()?.metadata().ok()?;
    meta.is_file().then(|| FileId::of(&meta))
}

pub fn read_stdin() -> CliResult<Zeroizing<Vec<u8>>> {
    match stdin_file() {
        Ok(f) => read_capped(f).map_err(CliError::io("could not read standard input")),
        // A closed descriptor 0 is the same as no input.
        Err(_) => Ok(Zeroizing::new(Vec::new())),
    }
}

/// A file the tool reads whole: what it is called in messages, how large
/// it may be, what it is not when larger, and the error for that.
pub struct SmallFile<'a> {
    pub label: &'a str,
    pub cap: usize,
    pub not_a: &'a str,
    pub too_large: fn(String) -> CliError,
}

/// Reads a whole file into a zeroizing buffer sized once from its length.
/// Only a regular file is read: a FIFO, a device (`/dev/zero`) or a
/// directory is refused before it can block or stream without end, and a
/// file over the cap before it is read.
pub fn read_small_file(path: &Path, f: &SmallFile<'_>) -> CliResult<(Zeroizing<Vec<u8>>, FileId)> {
    use std::os::unix::fs::OpenOptionsExt;
    let label = f.label;
    let not_regular = || {
        CliError::Io(format!(
            "{label} is not a regular file (a directory, FIFO or device)"
        ))
    };
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(not_regular());
    }
    // O_NONBLOCK: should the path be swapped for a FIFO after the check,
    // opening it does not wait for a writer; the check below refuses it.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(CliError::io(format!("could not open {label}")))?;
    let meta = file
        .metadata()
        .map_err(CliError::io(format!("could not read {label}")))?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    if len > f.cap {
        return Err((f.too_large)(format!(
            "{label} is larger than {} bytes; it is not {}",
            f.cap, f.not_a
        )));
    }
    // One byte more than the file's size: filling it means the file grew
    // while being read.
    let mut buf = Zeroizing::new(vec![0u8; len + 1]);
    let mut filled = 0;
    let mut reader = &file;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(CliError::io(format!("could not read {label}"))(e)),
        }
    }
    if filled > len {
        return Err(CliError::Io(format!(
            "{label} changed while it was read; try again"
        )));
    }
    buf.truncate(filled);
    Ok((buf, FileId::of(&meta)))
}
