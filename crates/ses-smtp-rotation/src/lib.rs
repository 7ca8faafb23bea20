//! Rotate the IAM access key behind Amazon SES SMTP credentials, and the
//! least-privilege policies that allow exactly what it does.
//!
//! The pure half (always built):
//!
//! - [`UserName`], [`UserPath`] and [`Store`]: the IAM user whose key is
//!   rotated and where its SMTP credentials are kept (a Secrets Manager
//!   secret, or Parameter Store parameters), checked before any AWS call.
//! - [`calls`]: every AWS call the rotation makes, with the IAM action and
//!   resource it is authorized against: the one list the operator's policy
//!   is built from.
//! - [`parse_stored_secret`]: the Secrets Manager secret `rotate` writes
//!   and scheduled rotation rotates, read back.
//! - [`rotator_policy`]: the scheduled rotation function's execution role.
//! - [`operator_policy`] (the operator who rotates) and [`sending_policy`]
//!   (the SMTP user, `ses:SendRawEmail` only), as [`PolicyDocument`]s.
//!
//! The `sdk` feature (on by default) adds [`sdk`]: the AWS session, the IAM
//! key operations, the stores, and [`sdk::Rotation`], which owns the
//! journal of the steps it completed and undoes them, latest first.
//!
//! ```
//! use ses_smtp_rotation::{Store, parse_user_name};
//! assert_eq!(parse_user_name("smtp-legacy").unwrap().as_str(), "smtp-legacy");
//! let store = Store::parse("ssm:/prod/mail/smtp").unwrap();
//! assert_eq!(store.parameter_names()[4], "/prod/mail/smtp/password");
//! ```

// Casts that could lose a value, and a function that may panic without
// saying when, are errors in the libraries.
#![deny(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::missing_panics_doc
)]
#![deny(clippy::missing_errors_doc)]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod calls;
mod names;
mod policy;
#[cfg(feature = "sdk")]
pub mod sdk;
pub mod stages;
mod stored;

pub use names::{
    GroupName, KmsProblem, MAX_GROUP_NAME, MAX_USER_NAME, REGION_LEAVES, RotationError, SSM_LEAVES,
    Store, UserName, UserPath, parse_group_name, parse_user_name, parse_user_path,
};
pub use policy::operator::{OperatorScope, operator_policy};
pub use policy::reader::{ReaderScope, reader_policy};
pub use policy::rotator::{DEFAULT_FUNCTION_NAME, RotatorScope, rotator_policy};
pub use policy::sending::{PolicyError, SendingScope, sending_policy};
pub use policy::{PolicyDocument, dns_suffix, is_account_id, partition};
pub use stored::{
    MAX_REGIONS, RegionEntry, SECRET_MEMBERS, SecretCredentials, SecretFields, StoredSecret,
    StoredSecretError, parse_secret_credentials, parse_stored_secret, secret_string,
};
