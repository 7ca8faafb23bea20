//! `rotate`, `retire` and `keys` against a real AWS emulator: moto in
//! server mode (PyPI `moto[server]`), started here on 127.0.0.1 and reached
//! through AWS_ENDPOINT_URL, and the SMTP test servers of tests/smtp, which
//! accept exactly the password derived from the secret moto issued. moto's
//! `/moto-api/data.json` tells the test that secret; the tool never sees it
//! except through its own CreateAccessKey call.
//!
//! Needs `moto_server`: from $MOTO_SERVER, else .venv/bin/moto_server in
//! the repository, else PATH. Set it up with
//!   python3 -m venv .venv && .venv/bin/pip install -c .ci/moto-constraints.txt 'moto[server]==5.2.5'
#![cfg(feature = "aws")]
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

#[path = "../common/mod.rs"]
mod common;
#[path = "../smtp/mod.rs"]
mod smtp;

mod evaluator;
mod harness;
mod policy;
mod provable;
mod regions;
mod rotation;
mod sync;
