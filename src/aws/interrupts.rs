//! Signals during an AWS command: noted, not fatal, so a rotation can undo
//! what it made; and the progress lines the commands say.

use crate::error::{CliError, CliResult};
use crate::signals;
use nix::sys::signal::Signal;
use std::io::Write;

/// The signals `rotate` turns into an undo.
pub const INTERRUPTS: &[Signal] = &[Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP];

/// A progress line on stderr, as it is (never with a secret in it).
pub fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// While alive, SIGINT, SIGTERM and SIGHUP do not kill the process: they
/// are noted, and [`Interrupts::check`] turns them into an error, so that
/// `rotate` can undo what it made instead of leaving an orphan key. A
/// signal the caller chose to ignore (nohup) stays ignored.
#[derive(Debug)]
pub struct Interrupts {
    _guard: signals::Guard,
}

/// Whether a signal arrived while [`Interrupts`] were caught.
pub fn interrupted() -> bool {
    signals::noted()
}

/// The error a caught signal ends a step with (exit 6).
pub fn interrupted_error() -> CliError {
    CliError::Io("interrupted by a signal (Ctrl-C, SIGTERM or SIGHUP)".into())
}

impl Interrupts {
    pub fn catch() -> Interrupts {
        Interrupts {
            _guard: signals::note(INTERRUPTS, false, true),
        }
    }

    /// An error once a signal has arrived.
    pub fn check(&self) -> CliResult<()> {
        if interrupted() {
            return Err(interrupted_error());
        }
        Ok(())
    }

    /// Sleeps `d`, waking early (with an error) on a signal.
    pub fn sleep(&self, d: std::time::Duration) -> CliResult<()> {
        let end = std::time::Instant::now() + d;
        while let Some(left) = end.checked_duration_since(std::time::Instant::now()) {
            self.check()?;
            std::thread::sleep(left.min(std::time::Duration::from_millis(50)));
        }
        self.check()
    }
}
