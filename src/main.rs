//! ses-smtp-password: parse, run, map the error to an exit code.
//!
//! No std `main`: std's start-up reopens closed standard descriptors on
//! /dev/null before `main` runs, which would turn `>&-` into output thrown
//! away with exit 0. This start-up sees them closed first (hygiene.rs).
#![cfg_attr(not(test), no_main)]
// In `cargo test`, the harness owns `main` and nothing here is reached.
#![cfg_attr(test, allow(dead_code))]

mod clap_errors;
mod cli;
mod commands;
mod exit_codes;
mod hygiene;
mod out_file;
#[cfg(feature = "probe")]
mod probe;
mod run;
mod source;

use clap::Parser;
use std::io::Write;

#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    hygiene::harden();
    // As std's start-up would: a panic is exit 101 (its hook printed no
    // payload), never an unwind out of this function.
    std::panic::catch_unwind(run).map_or(101, |code| code as libc::c_int)
}

fn run() -> exit_codes::ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return clap_errors::report(err),
    };
    let result = match cli.command {
        None => run::run(cli.derive),
        Some(cli::Command::Verify(args)) => commands::verify(args),
        Some(cli::Command::Vectors(cmd)) => commands::vectors(cmd),
        Some(cli::Command::Regions(args)) => commands::regions(args),
        Some(cli::Command::Policy(args)) => commands::policy(args),
        #[cfg(feature = "probe")]
        Some(cli::Command::Probe(args)) => commands::probe(args),
        Some(cli::Command::Completions { shell }) => commands::completions(shell),
        Some(cli::Command::Man) => commands::man(),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            exit_codes::for_error(&err)
        }
    }
}
