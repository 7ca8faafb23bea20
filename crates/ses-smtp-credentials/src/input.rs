//! Parsing what a user feeds in: a raw secret, the JSON of
//! `aws iam create-access-key`, or the IAM console's CSV files; and checking
//! access key IDs.
//!
//! Errors name positions, never characters: the text being checked is secret.
//!
//! This file: the types and the access key ID; `secret_check`: a secret's
//! own checks; `records`: the JSON and CSV records and what a whole input
//! holds.

use crate::derive::SecretKey;
use crate::error::{InputError, KeyIdProblem, TemporaryEvidence};
use std::fmt;

/// The most input the tool reads from one source. Every genuine shape fits
/// in a few hundred bytes; anything larger is a wrong file.
pub const MAX_INPUT: usize = 4096;

/// Length of a real secret access key.
pub const SECRET_LEN: usize = 40;

/// How strictly a secret is checked. The default is strict: 40 characters
/// of `A-Z a-z 0-9 + /`.
///
/// ```
/// use ses_smtp_credentials::SecretPolicy;
/// let lenient = SecretPolicy::default().allow_unusual(true);
/// assert!(lenient.allow_unusual);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SecretPolicy {
    /// Accept any length and any printable ASCII (still no whitespace,
    /// control characters or non-ASCII): for test strings and unusual keys.
    pub allow_unusual: bool,
}

impl SecretPolicy {
    /// The default: 40 characters of `A-Z a-z 0-9 + /`.
    pub const STRICT: SecretPolicy = SecretPolicy {
        allow_unusual: false,
    };

    /// The same policy, with `allow_unusual` set.
    pub const fn allow_unusual(mut self, allow: bool) -> Self {
        self.allow_unusual = allow;
        self
    }
}

/// What shape the input had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shape {
    /// One line holding the secret.
    Raw,
    /// `aws iam create-access-key` output (`AccessKey`).
    CreateAccessKeyJson,
    /// Flat `AccessKeyId`/`SecretAccessKey` JSON (`aws configure
    /// export-credentials`, `credential_process`).
    FlatJson,
    /// The IAM console's access key CSV.
    AccessKeyCsv,
    /// The IAM console's new-user CSV (with user name and password columns).
    NewUserCsv,
}

impl Shape {
    /// A few words for messages, e.g. "JSON from aws iam create-access-key".
    pub fn describe(self) -> &'static str {
        match self {
            Shape::Raw => "a raw secret",
            Shape::CreateAccessKeyJson => "JSON from aws iam create-access-key",
            Shape::FlatJson => "credentials JSON",
            Shape::AccessKeyCsv => "the IAM console's access key CSV",
            Shape::NewUserCsv => "the IAM console's new-user CSV",
        }
    }
}

/// A validated long-term access key ID (`AKIA…`). Not secret: it is the SMTP
/// user name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKeyId(String);

impl AccessKeyId {
    /// The ID, `AKIA` and 16 more characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccessKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What one source yielded.
#[derive(Debug)]
#[non_exhaustive]
pub struct Credentials {
    /// The secret access key, checked.
    pub secret: SecretKey,
    /// Only set when the same record carried it.
    pub access_key_id: Option<AccessKeyId>,
    /// What the input looked like.
    pub shape: Shape,
}

impl Credentials {
    /// A secret that came alone (a raw line, a variable, a prompt, a
    /// profile), with the ID that came beside it, if any.
    pub fn raw(secret: SecretKey, access_key_id: Option<AccessKeyId>) -> Self {
        Credentials {
            secret,
            access_key_id,
            shape: Shape::Raw,
        }
    }
}

/// Prefixes of AWS unique IDs that are not access keys, with what they are.
const NOT_ACCESS_KEYS: &[(&str, &str)] = &[
    ("AIDA", "an IAM user's unique ID"),
    ("AROA", "an IAM role's unique ID"),
    ("AGPA", "an IAM group's unique ID"),
    ("AIPA", "an EC2 instance profile's unique ID"),
    ("ANPA", "a managed policy's unique ID"),
    ("ANVA", "a managed policy version's unique ID"),
    ("APKA", "a CloudFront public key ID"),
    ("ABIA", "an STS service bearer token ID"),
    ("ACCA", "a context-specific credential ID"),
    ("ASCA", "a certificate ID"),
];

/// Checks an access key ID: 20 characters of `A-Z0-9` starting `AKIA`.
/// `ASIA` (temporary) and the unique-ID prefixes are refused with a reason.
///
/// # Errors
/// [`InputError::KeyId`] for a malformed ID, [`InputError::Temporary`] for an
/// `ASIA` one.
pub fn parse_access_key_id(text: &str) -> Result<AccessKeyId, InputError> {
    let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
    if text.is_empty() {
        return Err(InputError::KeyId(KeyIdProblem::Empty));
    }
    if let Some(pos) = text.chars().position(|c| c.is_lowercase()) {
        return Err(InputError::KeyId(KeyIdProblem::LowerCase {
            position: pos + 1,
        }));
    }
    let prefix = text.get(..4).unwrap_or("");
    if prefix == "ASIA" {
        return Err(InputError::Temporary(TemporaryEvidence::AsiaKeyId));
    }
    if let Some((_, what)) = NOT_ACCESS_KEYS.iter().find(|(p, _)| *p == prefix) {
        return Err(InputError::KeyId(KeyIdProblem::NotAnAccessKey { what }));
    }
    if let Some(pos) = text.chars().position(|c| !c.is_ascii_alphanumeric()) {
        return Err(InputError::KeyId(KeyIdProblem::BadCharacter {
            position: pos + 1,
        }));
    }
    if prefix != "AKIA" {
        return Err(InputError::KeyId(KeyIdProblem::Prefix));
    }
    let len = text.chars().count();
    if len != 20 {
        return Err(InputError::KeyId(KeyIdProblem::Length { len }));
    }
    Ok(AccessKeyId(text.to_string()))
}
