//! Process hardening that must happen before any secret is read.

use std::io::Write;

/// Turns core dumps off and installs a panic hook that prints no payload.
pub fn harden() {
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
