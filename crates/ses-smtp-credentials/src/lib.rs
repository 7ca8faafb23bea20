//! Derive, verify and format Amazon SES SMTP credentials from IAM secret
//! access keys.
//!
//! The library behind the `ses-smtp-password` command line, usable on its
//! own. It is pure: no I/O, no command line, no network, no unsafe code. It
//! reads bytes the caller has read and returns values the caller writes.
//!
//! What it offers, all at the crate's root unless named:
//!
//! - the V4 derivation ([`derive_v4`], and the deprecated [`derive_v2`]) in
//!   zeroizing buffers of fixed size; [`SecretKey`] and [`SmtpPassword`]
//!   have redacted `Debug`;
//! - what users feed in ([`parse_input`]: a raw secret, `aws iam
//!   create-access-key` JSON, the IAM console's CSV), refusing temporary
//!   credentials and malformed secrets; [`InputError`] says why, by
//!   position, never by character;
//! - [`profile`]: AWS CLI profile files, read as the AWS SDKs read them;
//! - [`region`]: the table of SES SMTP regions, host names and ports;
//! - the output [`Format`]s and user [`Template`]s, rendered into a fixed,
//!   zeroizing [`FixedBuf`];
//! - [`verify`]: "is this password this key's, for this region?";
//! - [`vectors`]: known-answer vector lines, checked;
//! - [`user_text`] and [`user_path`]: the one way outside text (typed by a
//!   user, or sent by a server) is shown in a message.
//!
//! Its errors say what is wrong in its own words; a program adds its own
//! hints (the command line names its flags).
//!
//! ```
//! use ses_smtp_credentials::{derive_v4, SecretKey};
//! let secret = SecretKey::from_bytes(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
//! let password = derive_v4(&secret, "us-east-1");
//! assert_eq!(password.expose(), "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9");
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
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod credential;
mod derive;
mod error;
mod input;
mod output;
pub mod profile;
mod records;
mod redact;
pub mod region;
mod secret_check;
mod template;
mod temporary;
pub mod vectors;
mod verify;

pub use credential::{Derived, FixedBuf, RenderError};
pub use derive::{PASSWORD_LEN, SecretKey, SmtpPassword, Version, derive, derive_v2, derive_v4};
pub use error::{ErrorKind, InputError, KeyIdProblem, SecretProblem, TemporaryEvidence};
pub use input::{
    AccessKeyId, Credentials, MAX_INPUT, SECRET_LEN, SecretPolicy, Shape, parse_access_key_id,
};
pub use output::Format;
pub use records::parse_input;
pub use redact::{user_path, user_text};
pub use region::{
    Region, RegionError, ResolvedRegion, STARTTLS_PORTS, TLS_WRAPPER_PORTS, smtp_host,
};
pub use secret_check::parse_raw_secret;
pub use template::{Template, TemplateError};
pub use verify::{Malformed, Verdict, check_shape, parse_v4_password, verify};

/// Internal: keeps its body only in test builds (the `test-hooks`
/// feature, which the workspace's dev-dependencies turn on), so a release
/// build holds neither the hooks nor the names of their variables.
#[cfg(feature = "test-hooks")]
#[doc(hidden)]
#[macro_export]
macro_rules! test_hook {
    ($($body:tt)*) => { $($body)* };
}

/// Internal: keeps its body only in test builds (the `test-hooks`
/// feature, which the workspace's dev-dependencies turn on), so a release
/// build holds neither the hooks nor the names of their variables.
#[cfg(not(feature = "test-hooks"))]
#[doc(hidden)]
#[macro_export]
macro_rules! test_hook {
    ($($body:tt)*) => {};
}
