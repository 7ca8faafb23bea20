//! The AWS calls of a rotation (the `sdk` feature): the operator's
//! credentials from the SDK's standard chain (environment, profiles with SSO
//! and assumed roles, instance, container and Lambda credentials),
//! `AWS_ENDPOINT_URL` and the per-service endpoint variables honoured by the
//! SDK itself.
//!
//! TLS is rustls on ring (no aws-lc). Calls run one at a time on a
//! single-threaded runtime of the session's own.
//!
//! - [`iam`]: get the user, list, create, deactivate and delete access keys;
//! - [`store`]: Secrets Manager and Parameter Store, with what each write
//!   needs to be undone;
//! - [`Rotation`]: a rotation under way, which owns the journal of the steps
//!   it completed and undoes them, latest first;
//! - [`journal`]: that journal as a file, so that a kill is survivable;
//! - [`recover`]: the undo of a rotation a kill left, from its journal.

/// The SDK crates this crate is built on, re-exported on purpose: a
/// caller's own clients (a test seeding an emulator, a function reading
/// its event's secret) use the same versions as [`Session::iam`] and the
/// others. They change with this crate's minor versions.
pub use {
    aws_config, aws_sdk_iam, aws_sdk_secretsmanager, aws_sdk_ssm, aws_smithy_http_client, tokio,
};

pub mod claim;
pub mod consume;
mod error;
pub mod iam;
pub mod journal;
pub mod recover;
mod rotation;
mod session;
pub mod store;

pub use error::{DeniedUserPath, Error, Result};
pub use rotation::{KeyMade, Rotation, Stored, Undone};
pub use session::Session;
