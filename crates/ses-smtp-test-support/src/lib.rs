//! The one harness of the workspace's tests (fd's `tests/testenv`, as a
//! crate): each member whose tests use it has it as a dev-dependency.
//!
//! - [`cli`]: the built `ses-smtp-password` with a clean environment, run
//!   with its standard input given and within a deadline; a case run in a
//!   directory of its own; the canary secret and its password.
//! - [`child`]: every child process a test starts, waited on with a
//!   deadline and killed after it with its process group.
//! - [`http`]: a canned HTTP endpoint (a hostile or refusing AWS service).
//! - [`smtp`]: SMTP servers on loopback with a throwaway CA, well-behaved
//!   (through `mailin`) and broken on purpose.
//! - With `aws`: [`moto`] (moto started once per test binary, the SDK that
//!   sets up and reads back its state), [`evaluator`] (the IAM policy
//!   evaluator this project did not write) and [`lambda`] (a Lambda
//!   Runtime API on loopback, the built rotation function under it, and a
//!   rotation driven the way Secrets Manager drives one).
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failed unwrap is a failed test
#![allow(missing_debug_implementations)]

pub mod child;
pub mod cli;
#[cfg(feature = "aws")]
pub mod evaluator;
pub mod http;
#[cfg(feature = "aws")]
pub mod lambda;
#[cfg(feature = "aws")]
pub mod moto;
#[cfg(feature = "aws")]
pub mod secrets;
pub mod smtp;

/// The workspace's root directory (the repository's checkout).
pub fn workspace() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
