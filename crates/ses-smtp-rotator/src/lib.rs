//! `ses-smtp-rotator`: a Secrets Manager rotation function for the secret
//! `ses-smtp-password rotate --store secretsmanager:NAME` writes. Each of
//! the four steps is safe to run again with the same token:
//!
//! - `createSecret`: make room (the key `AWSPREVIOUS` names is deactivated
//!   and deleted; `AWSCURRENT`'s never), claim the slot, create the key,
//!   put the new version as `AWSPENDING` (the key deleted if that fails);
//! - `setSecret`: the pending key exists and is active;
//! - `testSecret`: log in over SMTP with the pending credentials until SES
//!   accepts them or the invocation's deadline nears;
//! - `finishSecret`: `AWSCURRENT` to the new version; the old key stays
//!   active as `AWSPREVIOUS` (or is deactivated, `PREVIOUS_KEY=deactivate`).
//!
//! The binary (`main.rs`) reads the environment into [`Settings`] and runs
//! [`Rotator::run`] under the Lambda runtime; tests call it in process.

// Casts that could lose a value, and a function that may panic without
// saying when, are errors in the libraries.
#![deny(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::missing_panics_doc
)]
#![deny(clippy::missing_errors_doc)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod log;
mod request;
mod secret;
mod settings;
mod steps;

pub use error::StepError;
pub use log::{Line, Log};
pub use request::{Request, Step};
pub use settings::{IN_USE_WINDOW, InUse, PreviousKey, Settings};
pub use steps::{Done, Rotator};
