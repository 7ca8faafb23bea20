//! Derive, verify and format Amazon SES SMTP credentials from IAM secret
//! access keys.
//!
//! The library behind the `ses-smtp-password` command line, usable on its
//! own. It is pure: no I/O, no command line, no network, no unsafe code. It
//! reads bytes the caller has read and returns values the caller writes.
//!
//! Where things live:
//!
//! - [`derive`](mod@derive): the V4 derivation (and the deprecated V2), in zeroizing
//!   buffers of fixed size; [`SecretKey`] and [`SmtpPassword`] have redacted
//!   `Debug`.
//! - [`input`]: what users feed in (a raw secret, `aws iam
//!   create-access-key` JSON, the IAM console's CSV), refusing temporary
//!   credentials and malformed secrets; [`error`] says why, by position, never
//!   by character.
//! - [`profile`]: AWS CLI profile files, read as the AWS SDKs read them.
//! - [`region`]: the table of SES SMTP regions, host names and ports.
//! - [`output`]: the output [`Format`]s and user [`Template`]s, rendered into
//!   a fixed, zeroizing buffer.
//! - [`verify`](mod@verify): "is this password this key's, for this region?"
//! - [`vectors`]: known-answer vector files (check and generate).
//! - [`policy`]: the least-privilege IAM policy of an SMTP user.
//! - [`rotation`]: IAM user names, `--store` targets, what a store receives
//!   and the rotating operator's policy (the AWS calls are the caller's).
//! - [`redact`]: the one way user-typed text is shown in a message.
//!
//! ```
//! use ses_smtp_credentials::{derive_v4, SecretKey};
//! let secret = SecretKey::from_bytes(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
//! let password = derive_v4(&secret, "us-east-1");
//! assert_eq!(password.expose(), "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9");
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod derive;
pub mod error;
pub mod input;
pub mod output;
pub mod profile;
pub mod redact;
pub mod region;
mod temporary;
pub mod vectors;
pub mod verify;

pub use derive::{PASSWORD_LEN, SecretKey, SmtpPassword, Version, derive, derive_v2, derive_v4};
pub use error::{ErrorKind, InputError};
pub use input::{
    AccessKeyId, Credentials, SecretPolicy, Shape, parse_access_key_id, parse_input,
    parse_raw_secret,
};
pub use output::{Derived, FixedBuf, Format, RenderError, Template, TemplateError};
pub use region::{Region, RegionError, ResolvedRegion};
pub use verify::{Verdict, verify};

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
