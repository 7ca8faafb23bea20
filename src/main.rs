//! ses-smtp-password's entry: its own start-up (std's would reopen a closed
//! standard output on /dev/null, hiding `>&-`), then `commands::main`.
#![cfg_attr(not(test), no_main)]
#![cfg_attr(test, allow(dead_code))]
mod cli;
mod commands;
mod error;
mod files;
#[cfg(feature = "probe")]
mod smtp;
mod source;
mod terminal;

#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    terminal::start();
    // As std's start-up would: a panic (its hook printed no payload) is 101.
    std::panic::catch_unwind(commands::main).map_or(101, |code| code as libc::c_int)
}
