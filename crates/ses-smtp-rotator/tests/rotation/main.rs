//! The scheduled rotation function (`ses-smtp-rotator`) in process, and
//! its built binary under a loopback Lambda Runtime API, against moto (IAM,
//! Secrets Manager) and the SMTP test servers, driven the way Secrets
//! Manager drives it: the rotation's version made and labelled AWSPENDING,
//! empty, then the four steps with one token.
//!
//! Needs moto and, for the policy, the IAM evaluator, so it runs with the
//! `moto` feature (CI turns it on): see
//! crates/ses-smtp-test-support/src/moto.rs.
#![cfg(feature = "moto")]
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

mod driver;
mod flaky;
mod policy;
mod regions;
mod runtime_api;
mod steps;
