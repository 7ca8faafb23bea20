//! Process hardening that must happen before any secret is read.

use std::io::Write;

use std::sync::atomic::{AtomicBool, Ordering};

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
    for fd in 0..=2 {
        // SAFETY: fcntl(F_GETFD) only asks whether the descriptor is open.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } != -1 {
            continue;
        }
        let flags = if fd == 0 {
            libc::O_RDONLY
        } else {
            libc::O_WRONLY
        };
        // SAFETY: open returns the lowest free descriptor, which is `fd`.
        unsafe { libc::open(c"/dev/null".as_ptr(), flags) };
        if fd == 1 {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
        }
    }
}

/// Guards the standard descriptors, turns core dumps off and installs a
/// panic hook that prints no payload.
pub fn harden() {
    guard_standard_descriptors();
    // As std's start-up does: a closed pipe is an EPIPE error the tool
    // reports, not a silent death by SIGPIPE.
    // SAFETY: sets a signal disposition; no handler code runs.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
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
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain system calls on values we own; failure only leaves the
    // defaults in place, which we cannot do better than.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &zero);
        #[cfg(any(target_os = "linux", target_os = "android"))]
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}
