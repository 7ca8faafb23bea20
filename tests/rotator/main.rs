//! The scheduled rotation function (`ses-smtp-rotator`) in process,
//! against moto (IAM, Secrets Manager) and the SMTP test servers, driven
//! the way Secrets Manager drives it: the rotation's version made and
//! labelled AWSPENDING, empty, then the four steps with one token.
//!
//! A workspace test (not packaged with the command line's crate). Needs
//! moto and, for the policy, the IAM evaluator: see tests/aws/main.rs.
#![cfg(feature = "aws")]
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

#[path = "../common/mod.rs"]
mod common;
#[allow(dead_code, unused_imports)]
#[path = "../aws/evaluator.rs"]
mod evaluator;
#[allow(dead_code, unused_imports)]
#[path = "../aws/harness.rs"]
mod harness;
#[path = "../smtp/mod.rs"]
mod smtp;

mod cli;
mod driver;
mod flaky;
mod lambda_api;
mod policy;
mod regions;
mod runtime_api;
mod steps;
