//! The SES SMTP password derivation (V4, and the deprecated V2).
//!
//! Every intermediate key lives in a zeroizing buffer of fixed size, so no
//! copy of the secret or of a derived key is left behind when it is dropped.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox};
use sha2::Sha256;
use std::fmt;
use zeroize::{Zeroize, Zeroizing};

/// Length of an SES SMTP password: base64 of 33 bytes.
pub const PASSWORD_LEN: usize = 44;

/// The message that both versions sign.
const MESSAGE: &[u8] = b"SendRawEmail";
/// The fixed "date" of the V4 chain, as AWS documents it.
const DATE: &[u8] = b"11111111";
const SERVICE: &[u8] = b"ses";
const TERMINAL: &[u8] = b"aws4_request";

/// Which derivation produced a password; the first decoded byte says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// Current: region-bound, SigV4-style key chain.
    V4,
    /// Deprecated: one HMAC of the secret, the same in every region.
    V2,
}

impl Version {
    /// The version byte that prefixes the HMAC in the password.
    pub fn byte(self) -> u8 {
        match self {
            Version::V4 => 0x04,
            Version::V2 => 0x02,
        }
    }

    /// The number used for this version in JSON and on the command line.
    pub fn number(self) -> u8 {
        self.byte()
    }
}

/// An IAM secret access key. Its `Debug` is redacted and its memory is wiped
/// on drop.
pub struct SecretKey(SecretBox<[u8]>);

impl SecretKey {
    /// Copies `bytes` into a zeroizing buffer of exactly that size.
    ///
    /// This does no validation: see [`crate::parse_raw_secret`] for the checks that the
    /// command line applies.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        SecretKey(SecretBox::new(Box::from(bytes)))
    }

    /// The secret's bytes. Keep the borrow short.
    pub fn expose(&self) -> &[u8] {
        self.0.expose_secret()
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.expose().len()
    }

    /// Whether it holds no byte (the input checks never let that through).
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey([REDACTED])")
    }
}

/// A derived SES SMTP password: 44 ASCII characters in a zeroizing buffer.
pub struct SmtpPassword(SecretBox<[u8; PASSWORD_LEN]>);

impl SmtpPassword {
    /// The password text, 44 characters. Keep the borrow short.
    ///
    /// # Panics
    /// Never: the buffer is only ever filled with base64 text (a bug
    /// otherwise, reported rather than handing out an empty password).
    pub fn expose(&self) -> &str {
        // Only ever filled by base64 of 33 bytes: always 44 ASCII characters.
        // Failing loudly beats handing out an empty password.
        std::str::from_utf8(self.0.expose_secret()).expect("an SES SMTP password is base64 text")
    }

    /// A password read back, already checked to be 44 base64 characters
    /// (`parse_v4_password`).
    pub(crate) fn from_text(text: &str) -> SmtpPassword {
        let mut buf = SecretBox::new(Box::new([0u8; PASSWORD_LEN]));
        buf.expose_secret_mut()
            .copy_from_slice(&text.as_bytes()[..PASSWORD_LEN]);
        SmtpPassword(buf)
    }

    /// The password as bytes, for constant-time comparison.
    pub fn expose_bytes(&self) -> &[u8; PASSWORD_LEN] {
        self.0.expose_secret()
    }
}

impl fmt::Debug for SmtpPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SmtpPassword([REDACTED])")
    }
}

type HmacSha256 = Hmac<Sha256>;

/// One HMAC-SHA256 step, written straight into a wiped-on-drop buffer.
fn hmac_step(key: &[u8], message: &[u8]) -> Zeroizing<[u8; 32]> {
    // HMAC takes keys of every length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(message);
    let mut tag = mac.finalize().into_bytes();
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(&tag);
    tag.zeroize();
    out
}

/// base64(version byte ‖ tag), assembled and encoded in fixed buffers.
fn encode(version: Version, tag: &[u8; 32]) -> SmtpPassword {
    let mut raw = Zeroizing::new([0u8; 33]);
    raw[0] = version.byte();
    raw[1..].copy_from_slice(tag);
    let mut text = SecretBox::new(Box::new([0u8; PASSWORD_LEN]));
    // 33 bytes always encode to exactly 44 characters.
    let written = STANDARD
        .encode_slice(&raw[..], &mut text.expose_secret_mut()[..])
        .expect("33 bytes encode to 44 base64 characters");
    assert_eq!(written, PASSWORD_LEN);
    SmtpPassword(text)
}

/// The documented V4 derivation for one region.
///
/// `region` is signed as given; validate it with [`crate::region`] first.
pub fn derive_v4(secret: &SecretKey, region: &str) -> SmtpPassword {
    // "AWS4" ‖ secret, sized once so it never reallocates.
    let mut first_key = Zeroizing::new(Vec::with_capacity(4 + secret.len()));
    first_key.extend_from_slice(b"AWS4");
    first_key.extend_from_slice(secret.expose());

    let mut k = hmac_step(&first_key, DATE);
    for part in [region.as_bytes(), SERVICE, TERMINAL, MESSAGE] {
        k = hmac_step(&k[..], part);
    }
    encode(Version::V4, &k)
}

/// The deprecated V2 derivation. SES rejects V2 passwords; this exists only
/// to recognise old credentials.
pub fn derive_v2(secret: &SecretKey) -> SmtpPassword {
    let tag = hmac_step(secret.expose(), MESSAGE);
    encode(Version::V2, &tag)
}

/// Either version; `region` is ignored by V2.
pub fn derive(secret: &SecretKey, version: Version, region: &str) -> SmtpPassword {
    match version {
        Version::V4 => derive_v4(secret, region),
        Version::V2 => derive_v2(secret),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_is_redacted() {
        let secret = SecretKey::from_bytes(b"canary-secret-value");
        let password = derive_v4(&secret, "us-east-1");
        let shown = format!("{secret:?} {password:?}");
        assert!(!shown.contains("canary"), "{shown}");
        assert!(!shown.contains(password.expose()), "{shown}");
    }

    #[test]
    fn password_shape() {
        let secret = SecretKey::from_bytes(b"x");
        for version in [Version::V4, Version::V2] {
            let p = derive(&secret, version, "eu-west-1");
            assert_eq!(p.expose().len(), PASSWORD_LEN);
            let bytes = STANDARD.decode(p.expose()).unwrap();
            assert_eq!(bytes.len(), 33);
            assert_eq!(bytes[0], version.byte());
        }
    }

    #[test]
    fn region_changes_the_password() {
        let secret = SecretKey::from_bytes(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        let a = derive_v4(&secret, "eu-west-1");
        let b = derive_v4(&secret, "eu-west-2");
        assert_ne!(a.expose(), b.expose());
    }
}
