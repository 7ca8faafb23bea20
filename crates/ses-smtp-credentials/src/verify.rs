//! Answering "why does SES say 535?" offline: is this password this key's,
//! for this region, and if not, what is it?
//!
//! Comparisons are constant-time; diagnoses name positions and kinds, never
//! characters of the password.

use crate::derive::{PASSWORD_LEN, SecretKey, SmtpPassword, derive_v2, derive_v4};
use crate::region;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use std::fmt;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

/// Why a password is not a well-formed SES SMTP password. Positions count
/// characters from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Malformed {
    /// Nothing was given.
    Empty,
    /// `%2B`, `%2F` or `%3D`: copied out of a URL or DSN.
    UrlEncoded {
        /// Where the `%` is.
        position: usize,
    },
    /// A newline or carriage return (for instance a copy with its line end).
    LineBreak {
        /// Where it is.
        position: usize,
    },
    /// A space or tab.
    Whitespace {
        /// Where it is.
        position: usize,
    },
    /// Not 44 characters.
    Length {
        /// The length found.
        len: usize,
    },
    /// A character outside the base64 alphabet, or bad padding.
    NotBase64 {
        /// Where it is.
        position: usize,
    },
    /// Decodes, but the first byte is neither 0x04 nor 0x02.
    VersionByte,
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::Empty => write!(f, "the password is empty"),
            Malformed::UrlEncoded { position } => write!(
                f,
                "the password is URL-encoded (a %2B, %2F or %3D at position {position}): it was copied from a URL or DSN; decode it (%2B is +, %2F is /)"
            ),
            Malformed::LineBreak { position } => write!(
                f,
                "the password has a line break at position {position}: the copy took a newline with it"
            ),
            Malformed::Whitespace { position } => write!(
                f,
                "the password has a space or tab at position {position}: the copy was split or padded"
            ),
            Malformed::Length { len } => write!(
                f,
                "the password is {len} characters long, not {PASSWORD_LEN}: it is truncated or has extra characters"
            ),
            Malformed::NotBase64 { position } => write!(
                f,
                "the password has a character outside the base64 alphabet at position {position}"
            ),
            Malformed::VersionByte => write!(
                f,
                "the password is base64 of the right length, but does not start with the SES version byte (0x04, or 0x02 for V2): it is not an SES SMTP password"
            ),
        }
    }
}

/// Checks the shape of a password without comparing it to anything.
///
/// # Errors
/// [`Malformed`], saying how the password is not one.
pub fn check_shape(password: &[u8]) -> Result<(), Malformed> {
    if password.is_empty() {
        return Err(Malformed::Empty);
    }
    // Check the specific copy mistakes first: they explain a wrong length.
    if let Some(i) = password.windows(3).position(|w| {
        w[0] == b'%' && matches!(&[w[1], w[2].to_ascii_uppercase()], b"2B" | b"2F" | b"3D")
    }) {
        return Err(Malformed::UrlEncoded { position: i + 1 });
    }
    if let Some(i) = password.iter().position(|&b| b == b'\n' || b == b'\r') {
        return Err(Malformed::LineBreak { position: i + 1 });
    }
    if let Some(i) = password.iter().position(|&b| b == b' ' || b == b'\t') {
        return Err(Malformed::Whitespace { position: i + 1 });
    }
    if let Some(i) = password
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'='))
    {
        return Err(Malformed::NotBase64 { position: i + 1 });
    }
    if password.len() != PASSWORD_LEN {
        return Err(Malformed::Length {
            len: password.len(),
        });
    }
    let mut raw = Zeroizing::new([0u8; 33]);
    match STANDARD.decode_slice(password, &mut raw[..]) {
        Ok(33) if raw[0] == 0x04 || raw[0] == 0x02 => Ok(()),
        Ok(_) => Err(Malformed::VersionByte),
        Err(_) => Err(Malformed::NotBase64 { position: 1 }),
    }
}

/// A stored V4 password, read back (a consumer's, `sync`): shaped as
/// [`check_shape`] requires, and of version 4 (a V2 password is refused by
/// SES: [`Malformed::VersionByte`]). Held in its zeroizing buffer.
///
/// # Errors
/// [`Malformed`], saying how the text is not a V4 password.
pub fn parse_v4_password(text: &str) -> Result<crate::SmtpPassword, Malformed> {
    check_shape(text.as_bytes())?;
    if !text.starts_with('B') {
        // base64 of a first byte 0x04 starts with "B"; of 0x02, with "A".
        return Err(Malformed::VersionByte);
    }
    Ok(crate::SmtpPassword::from_text(text))
}

/// The outcome of comparing a password with a key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// This key's V4 password for `region`.
    Match {
        /// The region it is for.
        region: String,
    },
    /// This key's V4 password, but for another region than the one asked.
    OtherRegion {
        /// The region asked about.
        asked: String,
        /// The region it is for.
        actual: String,
    },
    /// This key's deprecated V2 password.
    V2,
    /// Well-formed, but no region of the table (nor V2) gives it.
    NoMatch {
        /// The region asked about, if one was.
        asked: Option<String>,
    },
    /// Not an SES SMTP password at all.
    Malformed(Malformed),
}

impl Verdict {
    /// Whether the password is the key's, for the region asked.
    pub fn is_match(&self) -> bool {
        matches!(self, Verdict::Match { .. })
    }

    /// A stable code for scripts: `match`, `other_region`, `version_2`,
    /// `no_match` or `malformed_…`.
    pub fn reason(&self) -> &'static str {
        match self {
            Verdict::Match { .. } => "match",
            Verdict::OtherRegion { .. } => "other_region",
            Verdict::V2 => "version_2",
            Verdict::NoMatch { .. } => "no_match",
            Verdict::Malformed(m) => match m {
                Malformed::Empty => "malformed_empty",
                Malformed::UrlEncoded { .. } => "malformed_url_encoded",
                Malformed::LineBreak { .. } => "malformed_line_break",
                Malformed::Whitespace { .. } => "malformed_whitespace",
                Malformed::Length { .. } => "malformed_length",
                Malformed::NotBase64 { .. } => "malformed_not_base64",
                Malformed::VersionByte => "malformed_version_byte",
            },
        }
    }

    /// The version the password turned out to be, where known.
    pub fn version(&self) -> Option<u8> {
        match self {
            Verdict::Match { .. } | Verdict::OtherRegion { .. } => Some(4),
            Verdict::V2 => Some(2),
            _ => None,
        }
    }

    /// The region the password belongs to, where known.
    pub fn region(&self) -> Option<&str> {
        match self {
            Verdict::Match { region } => Some(region),
            Verdict::OtherRegion { actual, .. } => Some(actual),
            _ => None,
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Match { region } => write!(
                f,
                "match: the password is this key's version 4 SMTP password for {region}"
            ),
            Verdict::OtherRegion { asked, actual } => write!(
                f,
                "no match: this password was derived for {actual}, not {asked}; derive it again for {asked}, or point the application at email-smtp.{actual}.amazonaws.com"
            ),
            Verdict::V2 => write!(
                f,
                "no match: this is this key's deprecated version 2 password, which SES rejects; derive the version 4 password for the region"
            ),
            Verdict::NoMatch { asked } => {
                write!(
                    f,
                    "no match: the password is well-formed but belongs to no region for this key"
                )?;
                if let Some(r) = asked {
                    write!(f, " (checked {r}, every region in the table and V2)")?;
                }
                write!(
                    f,
                    "; it was made from another key (check the access key ID), or for a region newer than this tool's table"
                )
            }
            Verdict::Malformed(m) => write!(f, "no match: {m}"),
        }
    }
}

fn same(a: &SmtpPassword, b: &[u8]) -> bool {
    bool::from(a.expose_bytes()[..].ct_eq(b))
}

/// Compares `password` with `secret`'s passwords: for `region` when given,
/// then for every SMTP region of the table and V2.
///
/// ```
/// use ses_smtp_credentials::{verify, SecretKey, Verdict};
/// let secret = SecretKey::from_bytes(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
/// let password = b"BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"; // us-east-1
/// assert!(verify(&secret, password, Some("us-east-1")).is_match());
/// // The same password checked for another region says where it belongs.
/// let v = verify(&secret, password, Some("eu-west-1"));
/// assert_eq!(v.reason(), "other_region");
/// assert_eq!(v.region(), Some("us-east-1"));
/// ```
pub fn verify(secret: &SecretKey, password: &[u8], region: Option<&str>) -> Verdict {
    if let Err(m) = check_shape(password) {
        return Verdict::Malformed(m);
    }
    if let Some(r) = region
        && same(&derive_v4(secret, r), password)
    {
        return Verdict::Match {
            region: r.to_string(),
        };
    }
    if same(&derive_v2(secret), password) {
        return Verdict::V2;
    }
    for r in region::smtp_regions() {
        if Some(r.code) != region && same(&derive_v4(secret, r.code), password) {
            return match region {
                Some(asked) => Verdict::OtherRegion {
                    asked: asked.to_string(),
                    actual: r.code.to_string(),
                },
                None => Verdict::Match {
                    region: r.code.to_string(),
                },
            };
        }
    }
    Verdict::NoMatch {
        asked: region.map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const US_EAST_2: &str = "BMPPgbAHoFVbze1Ud0oA5uNdXRwUXUZ+qOwphGJbl/cS";

    #[test]
    fn verdicts() {
        let s = SecretKey::from_bytes(SECRET);
        let p = US_EAST_2.as_bytes();
        assert!(verify(&s, p, Some("us-east-2")).is_match());
        assert_eq!(
            verify(&s, p, Some("eu-west-1")),
            Verdict::OtherRegion {
                asked: "eu-west-1".into(),
                actual: "us-east-2".into()
            }
        );
        assert_eq!(
            verify(&s, p, None),
            Verdict::Match {
                region: "us-east-2".into()
            }
        );
        assert_eq!(
            verify(
                &s,
                b"An60U4ZD3sd4fg+FvXUjayOipTt8LO4rUUmhpdX6ctDy",
                Some("us-east-1")
            ),
            Verdict::V2
        );
        let other = SecretKey::from_bytes(b"Zq9+/0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV/+");
        assert!(matches!(verify(&other, p, None), Verdict::NoMatch { .. }));
    }

    #[test]
    fn malformed_kinds() {
        let m = |p: &str| check_shape(p.as_bytes()).unwrap_err();
        assert_eq!(m(""), Malformed::Empty);
        assert_eq!(
            m(&US_EAST_2.replace('+', "%2B")),
            Malformed::UrlEncoded { position: 32 }
        );
        assert_eq!(
            m(&format!("{US_EAST_2}\n")),
            Malformed::LineBreak { position: 45 }
        );
        assert_eq!(
            m(&format!(" {US_EAST_2}")),
            Malformed::Whitespace { position: 1 }
        );
        assert_eq!(m(&US_EAST_2[..40]), Malformed::Length { len: 40 });
        assert_eq!(
            m(&US_EAST_2.replace('+', "-")),
            Malformed::NotBase64 { position: 32 }
        );
        // 33 bytes starting 0x00.
        assert_eq!(
            m("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            Malformed::VersionByte
        );
    }
}
