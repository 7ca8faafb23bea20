//! The entry: the tool's own start-up, then `commands::main`.
//!
//! The start-up is its own (`no_main`, a C `main`) on purpose: std's
//! start-up reopens a closed standard descriptor on /dev/null, so a tool run
//! with `>&-` could not tell that its output goes nowhere, and a file it
//! opens could take descriptor 1. `terminal::start` does what std's would
//! (SIGPIPE ignored, so a closed pipe is an error the tool reports) and
//! what it would not: it notes a closed standard output before guarding
//! it, turns core dumps off and installs a panic hook that prints no
//! payload. A panic still ends with 101, as under std.
#![cfg_attr(not(test), no_main)]
#![cfg_attr(test, allow(dead_code))]
// The modules behind features: declared here, reached through `gated`.
#[cfg(feature = "aws")]
mod aws;
mod cli;
mod commands;
mod error;
mod files;
#[cfg(all(feature = "aws-front", not(feature = "aws")))]
mod front;
mod gated;
mod hints;
mod output;
#[cfg(feature = "probe")]
mod probe;
mod settle;
mod signals;
mod source;
mod terminal;

#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    terminal::start();
    // As std's start-up would: a panic (its hook printed no payload) is 101.
    std::panic::catch_unwind(commands::main).map_or(101, |code| code as libc::c_int)
}
