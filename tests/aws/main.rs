//! `rotate`, `retire` and `keys` against a real AWS emulator: moto in
//! server mode (PyPI `moto[server]`), started here on 127.0.0.1 and reached
//! through AWS_ENDPOINT_URL, and the SMTP test servers of crates/ses-smtp-test-support/src/smtp.rs, which
//! accept exactly the password derived from the secret moto issued. moto's
//! `/moto-api/data.json` tells the test that secret; the tool never sees it
//! except through its own CreateAccessKey call.
//!
//! Needs `moto_server` (see crates/ses-smtp-test-support/src/moto.rs)
//! and, for the policies, the IAM evaluator.
#![cfg(feature = "aws")]
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

mod policy;
mod provable;
mod regions;
mod rotation;
mod scheduled;
mod sync;
