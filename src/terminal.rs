//! Everything about the process and its terminal: start-up hardening (core
//! dumps off, no panic payload, standard descriptors guarded, SIGPIPE), the
//! no-echo prompt and its signals, writing to standard output and warnings.

use crate::error::{CliError, CliResult};
use crate::signals;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use zeroize::Zeroizing;

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Whether the tool was started with standard output closed (`>&-`).
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::Relaxed)
}

/// Descriptors 0, 1 and 2 closed at start are opened on /dev/null, so that
/// no file the tool opens later takes their number (a password written to
/// "standard output" must never land in the secret's own file). A closed
/// standard output is remembered: writing output to it is an error.
fn guard_standard_descriptors() {
    use nix::fcntl::{FcntlArg, OFlag, fcntl, open};
    use std::os::fd::{AsFd, IntoRawFd};
    for fd in 0..=2 {
        // F_GETFD only asks whether the descriptor is open.
        let open_now = match fd {
            0 => fcntl(std::io::stdin().as_fd(), FcntlArg::F_GETFD),
            1 => fcntl(std::io::stdout().as_fd(), FcntlArg::F_GETFD),
            _ => fcntl(std::io::stderr().as_fd(), FcntlArg::F_GETFD),
        }
        .is_ok();
        if open_now {
            continue;
        }
        let flags = if fd == 0 {
            OFlag::O_RDONLY
        } else {
            OFlag::O_WRONLY
        };
        // open gives the lowest free descriptor, which is `fd`: kept open
        // for the process's life.
        if let Ok(null) = open(c"/dev/null", flags, nix::sys::stat::Mode::empty()) {
            let _ = null.into_raw_fd();
        }
        if fd == 1 {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        }
    }
}

/// Guards the standard descriptors, turns core dumps off and installs a
/// panic hook that prints no payload.
pub fn start() {
    guard_standard_descriptors();
    // As std's start-up does: a closed pipe is an EPIPE error the tool
    // reports, not a silent death by SIGPIPE.
    crate::signals::ignore_sigpipe();
    #[cfg(unix)]
    disable_core_dumps();
    std::panic::set_hook(Box::new(|info| {
        // The payload could hold secret material: print only where.
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "error: internal error{place} (details withheld, as they could hold secret material); \
             please report this bug"
        );
    }));
}

#[cfg(unix)]
fn disable_core_dumps() {
    // Failure only leaves the defaults in place, which we cannot do
    // better than.
    let _ = nix::sys::resource::setrlimit(nix::sys::resource::Resource::RLIMIT_CORE, 0, 0);
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let _ = nix::sys::prctl::set_dumpable(false);
}

/// Asks on /dev/tty with echo off (rpassword). rpassword answers Ctrl-C by
/// raising SIGINT before it restores the terminal, which would leave the
/// user's terminal raw. So while it reads, SIGINT only sets a flag (and
/// interrupts the read); once rpassword has restored the terminal, the
/// previous action is put back and SIGINT raised again.
pub fn prompt_hidden(prompt: &str) -> std::io::Result<Zeroizing<String>> {
    use nix::sys::signal::Signal;
    let guard = signals::note(&[Signal::SIGINT], true, false);
    let typed = rpassword::prompt_password(prompt).map(Zeroizing::new);
    drop(guard);
    if signals::noted() {
        drop(typed);
        // The terminal is restored now: end as an interrupted process does.
        signals::raise_again(Signal::SIGINT);
        return Err(std::io::Error::from(std::io::ErrorKind::Interrupted));
    }
    typed
}

/// Whether a controlling terminal can be opened for a prompt.
pub fn has_tty() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok_and(|t| t.is_terminal())
}

/// A warning on stderr (never with a secret in it).
pub fn warn(message: &str) {
    let _ = writeln!(std::io::stderr(), "warning: {message}");
}

/// A hint on stderr: what to do next (never with a secret in it).
pub fn hint(message: &str) {
    let _ = writeln!(std::io::stderr(), "hint: {message}");
}

/// A standard output closed at start (`>&-`) is an error, not output
/// silently thrown away.
pub fn check_stdout_open() -> CliResult<()> {
    if stdout_closed() {
        return Err(CliError::Io(
            "standard output is closed, so nothing was written\n  hint: redirect it to a file or a pipe, or use --out"
                .into(),
        ));
    }
    Ok(())
}

/// Writes and flushes explicitly: a closed pipe or a full disk is an error
/// the user sees.
pub fn write_stdout(bytes: &[u8]) -> CliResult<()> {
    check_stdout_open()?;
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(CliError::io("could not write to standard output"))
}
