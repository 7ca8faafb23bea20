//! The command line as its users run it: the trycmd cases, standard
//! input and output, exit codes, no secret in any output, the operator's
//! files, terminals, the library's vectors through the command, and the
//! builds without `probe` and with `aws-front`. One test binary over the
//! one harness (`ses_smtp_test_support::cli`); the trycmd cases are
//! tests/cli_tests.rs, alone in their binary (they clear the environment).
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

mod exit_codes;
mod front;
mod io;
mod no_leak;
mod no_probe;
mod operator;
mod pty;
mod vectors;
