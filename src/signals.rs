//! Every change the tool makes to how signals are handled, in one place, on
//! nix's typed `sigaction`:
//!
//! - at start-up, SIGPIPE is ignored, as std's start-up would (a closed pipe
//!   is then an EPIPE error the tool reports, not a silent death);
//! - while the no-echo prompt reads, SIGINT is only noted (see
//!   `terminal::prompt_hidden`);
//! - while `rotate` makes things, SIGINT, SIGTERM and SIGHUP are noted, and
//!   the rotation undone ([`note`]);
//! - while `--out`'s named temporary file exists, every signal that would
//!   end the process removes it first ([`remove_on_fatal`]).
//!
//! Each change is a guard that puts back what it found when dropped. A
//! handler does only async-signal-safe work: an atomic store, `unlink`,
//! `sigaction`, `raise`.

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, raise, sigaction};
use std::ffi::{CStr, c_char, c_int};
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// Set by [`note`]'s handler.
static NOTED: AtomicBool = AtomicBool::new(false);

/// The temporary file [`remove_on_fatal`] removes, while it is armed.
static TEMP_PATH: AtomicPtr<c_char> = AtomicPtr::new(std::ptr::null_mut());

/// Every signal whose default action ends the process and that can be
/// caught: a named temporary file is removed on each.
const FATAL: &[Signal] = &[
    Signal::SIGTERM,
    Signal::SIGINT,
    Signal::SIGHUP,
    Signal::SIGQUIT,
    Signal::SIGXFSZ,
    Signal::SIGXCPU,
    Signal::SIGALRM,
    Signal::SIGUSR1,
    Signal::SIGUSR2,
    Signal::SIGVTALRM,
    Signal::SIGPROF,
];

/// Sets `sig`'s action, giving back the one it replaces: the one place the
/// tool calls `sigaction`.
///
/// Private to this module, whose callers pass only `SIG_DFL`, `SIG_IGN`,
/// an action found by an earlier call, or one of this module's handlers,
/// each of which does only async-signal-safe work (an atomic store,
/// `unlink`, `sigaction`, `raise`).
fn swap(sig: Signal, action: &SigAction) -> nix::Result<SigAction> {
    // SAFETY: every action passed is one of those above (see the doc).
    unsafe { sigaction(sig, action) }
}

extern "C" fn note_signal(_: c_int) {
    NOTED.store(true, Ordering::SeqCst);
}

/// Removes the temporary file, then dies of the same signal with its
/// default action, so the caller sees the conventional status (128+n).
extern "C" fn remove_and_die(sig: c_int) {
    let path = TEMP_PATH.swap(std::ptr::null_mut(), Ordering::SeqCst);
    if !path.is_null() {
        // SAFETY: unlink is async-signal-safe; `path` points into the
        // NUL-terminated name a `RemoveOnSignal` owns, and that guard puts
        // this handler back before it frees the name.
        unsafe { libc::unlink(path) };
    }
    if let Ok(sig) = Signal::try_from(sig) {
        let default = SigAction::new(SigHandler::SigDfl, SaFlags::empty(), SigSet::empty());
        let _ = swap(sig, &default);
        let _ = raise(sig);
    }
}

/// Dispositions changed while alive; each is put back on drop.
#[derive(Debug)]
#[must_use = "the previous dispositions come back when the guard drops"]
pub struct Guard {
    saved: Vec<(Signal, SigAction)>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        for (sig, previous) in self.saved.drain(..).rev() {
            // The action found when the guard was made.
            let _ = swap(sig, &previous);
        }
    }
}

/// Installs `handler` for `signals`. With `keep_ignored`, a signal the
/// caller chose to ignore (nohup) stays ignored.
fn install(
    signals: &[Signal],
    handler: extern "C" fn(c_int),
    flags: SaFlags,
    keep_ignored: bool,
) -> Guard {
    let action = SigAction::new(SigHandler::Handler(handler), flags, SigSet::empty());
    let mut saved = Vec::with_capacity(signals.len());
    for &sig in signals {
        // The previous action is kept and put back by the guard.
        let Ok(previous) = swap(sig, &action) else {
            continue;
        };
        if keep_ignored && matches!(previous.handler(), SigHandler::SigIgn) {
            let _ = swap(sig, &previous);
        }
        saved.push((sig, previous));
    }
    Guard { saved }
}

/// While the guard lives, `signals` are only noted ([`noted`]). Without
/// `SA_RESTART` (`interrupt_reads`), a blocking read the signal arrives in
/// fails with EINTR, as the prompt needs. `keep_ignored`: see [`install`].
pub fn note(signals: &[Signal], interrupt_reads: bool, keep_ignored: bool) -> Guard {
    NOTED.store(false, Ordering::SeqCst);
    let flags = if interrupt_reads {
        SaFlags::empty()
    } else {
        SaFlags::SA_RESTART
    };
    install(signals, note_signal, flags, keep_ignored)
}

/// Whether a signal was noted since the last [`note`].
pub fn noted() -> bool {
    NOTED.load(Ordering::SeqCst)
}

/// Raises `sig` (after the caller put its default action back).
pub fn raise_again(sig: Signal) {
    let _ = raise(sig);
}

/// At start-up: SIGPIPE ignored, as std's start-up does.
pub fn ignore_sigpipe() {
    let ignore = SigAction::new(SigHandler::SigIgn, SaFlags::empty(), SigSet::empty());
    let _ = swap(Signal::SIGPIPE, &ignore);
}

/// While alive, every fatal signal removes `path` and then ends the
/// process as it would have; a signal the caller ignores stays ignored.
#[derive(Debug)]
pub struct RemoveOnSignal {
    guard: Option<Guard>,
    /// Owned here, pointed to by `TEMP_PATH` while the handlers are in.
    _path: Box<CStr>,
}

/// Arms [`RemoveOnSignal`] for `path`.
pub fn remove_on_fatal(path: &CStr) -> RemoveOnSignal {
    let path: Box<CStr> = path.into();
    TEMP_PATH.store(path.as_ptr().cast_mut(), Ordering::SeqCst);
    RemoveOnSignal {
        guard: Some(install(FATAL, remove_and_die, SaFlags::SA_RESTART, true)),
        _path: path,
    }
}

impl Drop for RemoveOnSignal {
    fn drop(&mut self) {
        // The handlers go first, then the pointer, then (with the fields)
        // the name itself.
        drop(self.guard.take());
        TEMP_PATH.store(std::ptr::null_mut(), Ordering::SeqCst);
    }
}

/// Test builds only (called from a `test_hook!` body, which release
/// builds drop): waits for a signal.
#[allow(dead_code)]
pub fn pause() {
    nix::unistd::pause();
}

/// Tests: the handler `sig` has now.
#[cfg(test)]
pub fn handler(sig: Signal) -> SigHandler {
    let probe = SigAction::new(SigHandler::SigIgn, SaFlags::empty(), SigSet::empty());
    // Set, and the one found put straight back.
    let found = swap(sig, &probe).expect("sigaction");
    swap(sig, &found).expect("sigaction");
    found.handler()
}

/// Tests: ignore `sig` from now on.
#[cfg(test)]
pub fn ignore(sig: Signal) {
    let ignore = SigAction::new(SigHandler::SigIgn, SaFlags::empty(), SigSet::empty());
    swap(sig, &ignore).expect("sigaction");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_put_back_what_they_found() {
        // SIGUSR2 is not used by the test harness.
        let before = handler(Signal::SIGUSR2);
        {
            let _g = note(&[Signal::SIGUSR2], false, false);
            assert!(matches!(handler(Signal::SIGUSR2), SigHandler::Handler(_)));
            raise(Signal::SIGUSR2).unwrap();
            assert!(noted());
        }
        assert_eq!(
            format!("{:?}", handler(Signal::SIGUSR2)),
            format!("{before:?}")
        );
    }

    #[test]
    fn an_ignored_signal_stays_ignored() {
        let ignore = SigAction::new(SigHandler::SigIgn, SaFlags::empty(), SigSet::empty());
        let previous = swap(Signal::SIGVTALRM, &ignore).unwrap();
        {
            // Two signals no other test touches (the handlers are the
            // process's, shared by the tests running beside this one).
            let _g = install(
                &[Signal::SIGVTALRM, Signal::SIGPROF],
                remove_and_die,
                SaFlags::SA_RESTART,
                true,
            );
            assert!(matches!(handler(Signal::SIGVTALRM), SigHandler::SigIgn));
            assert!(matches!(handler(Signal::SIGPROF), SigHandler::Handler(_)));
        }
        assert!(matches!(handler(Signal::SIGVTALRM), SigHandler::SigIgn));
        // What the test found, put back.
        swap(Signal::SIGVTALRM, &previous).unwrap();
    }
}
