//! The entry: own start-up (std's hides `>&-` behind /dev/null), then `commands::main`.
#![cfg_attr(not(test), no_main)]
#![cfg_attr(test, allow(dead_code))]
mod aws; // compiled with the `aws` feature only (its own #![cfg])
mod cli;
mod commands;
mod error;
mod files;
mod hints;
mod login; // with `probe` only
mod output;
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
