//! Derive Amazon SES SMTP passwords from IAM secret access keys.
//!
//! This library is pure: no I/O, no command line. It holds the derivation
//! ([`derive`]), the table of SES SMTP regions ([`region`]), the parsing and
//! checking of what users feed in ([`input`], [`profile`]), the output
//! formats ([`output`]), the diagnosis of a password ([`verify`]), vector
//! files ([`vectors`]) and the least-privilege IAM policy ([`policy`]).
//! Errors ([`error`]) name positions, never characters. Secrets and derived
//! passwords live in zeroizing buffers whose `Debug` is redacted.
//!
//! ```
//! use ses_smtp_credentials::derive::{derive_v4, SecretKey};
//! let secret = SecretKey::from_bytes(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
//! let password = derive_v4(&secret, "us-east-1");
//! assert_eq!(password.expose(), "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9");
//! ```

pub mod derive;
pub mod error;
pub mod input;
pub mod output;
pub mod policy;
pub mod profile;
pub mod redact;
pub mod region;
pub mod vectors;
pub mod verify;
