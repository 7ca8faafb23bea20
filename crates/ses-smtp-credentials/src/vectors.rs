//! Known-answer vector files (JSON Lines): one line checked at a time.
//!
//! One vector a line: `{"secret": "...", "region": "...", "version": 4,
//! "password": "..."}`, `region` absent for version 2. Other keys (`name`,
//! `source`) are allowed and ignored. Vector secrets are test data: they are
//! not held in zeroizing memory.

use crate::derive::{SecretKey, Version, derive};
use crate::region::is_region_shaped;
use serde::Deserialize;
use std::fmt;
use subtle::ConstantTimeEq;

#[derive(Deserialize)]
struct JsonLine {
    secret: Option<String>,
    region: Option<String>,
    version: Option<serde_json::Value>,
    password: Option<String>,
    name: Option<String>,
}

/// One vector line, read and checked for shape (not yet derived): the one
/// reader of vector files, for `vectors check` and the tests' loader.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Vector {
    /// The secret access key (test data, not zeroized).
    pub secret: String,
    /// The region (none for version 2).
    pub region: Option<String>,
    /// The version, 4 or 2.
    pub version: u8,
    /// The SMTP password the vector says the secret gives.
    pub password: String,
    /// The optional `name`, for messages.
    pub name: Option<String>,
}

/// Reads one line. A blank line is `Ok(None)`.
///
/// # Errors
/// [`LineError`] when the line is not a vector.
pub fn parse_line(line: &str) -> Result<Option<Vector>, LineError> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    let v: JsonLine =
        serde_json::from_str(line).map_err(|e| LineError::NotJson { column: e.column() })?;
    let secret = v.secret.ok_or(LineError::Missing("secret"))?;
    let password = v.password.ok_or(LineError::Missing("password"))?;
    let version = match v.version.ok_or(LineError::Missing("version"))?.as_u64() {
        Some(4) => Version::V4,
        Some(2) => Version::V2,
        _ => return Err(LineError::BadVersion),
    };
    let region = match (version, v.region) {
        (Version::V4, None) => return Err(LineError::Missing("region")),
        (Version::V4, Some(r)) if !is_region_shaped(&r) => return Err(LineError::BadRegion),
        (Version::V2, Some(_)) => return Err(LineError::RegionForV2),
        (_, r) => r,
    };
    Ok(Some(Vector {
        secret,
        region,
        version: version.number(),
        password,
        name: v.name,
    }))
}

/// Why a line is not a vector. Never quotes the line.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LineError {
    /// Not a JSON object with string fields.
    NotJson {
        /// Where parsing stopped, from 1.
        column: usize,
    },
    /// A required key is missing.
    Missing(&'static str),
    /// `version` is neither 4 nor 2.
    BadVersion,
    /// A version 2 vector names a region.
    RegionForV2,
    /// `region` is not region-shaped.
    BadRegion,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::NotJson { column } => {
                write!(f, "not a JSON object with string fields (column {column})")
            }
            LineError::Missing(key) => write!(f, "no \"{key}\""),
            LineError::BadVersion => write!(f, "\"version\" must be 4 or 2"),
            LineError::RegionForV2 => write!(f, "a version 2 vector has no \"region\""),
            LineError::BadRegion => write!(f, "\"region\" is not a region code"),
        }
    }
}

/// What one line said, and whether it held.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Checked {
    /// The vector's version, 4 or 2.
    pub version: u8,
    /// Its region (none for version 2).
    pub region: Option<String>,
    /// Whether the password is the secret's.
    pub ok: bool,
}

/// Checks one line. A blank line is `Ok(None)`.
///
/// # Errors
/// [`LineError`] when the line is not a vector.
pub fn check_line(line: &str) -> Result<Option<Checked>, LineError> {
    let Some(v) = parse_line(line)? else {
        return Ok(None);
    };
    let version = if v.version == 2 {
        Version::V2
    } else {
        Version::V4
    };
    let derived = derive(
        &SecretKey::from_bytes(v.secret.as_bytes()),
        version,
        v.region.as_deref().unwrap_or(""),
    );
    let ok = bool::from(derived.expose().as_bytes().ct_eq(v.password.as_bytes()));
    Ok(Some(Checked {
        version: v.version,
        region: v.region,
        ok,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        let good = r#"{"secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "region": "us-east-2", "version": 4, "password": "BMPPgbAHoFVbze1Ud0oA5uNdXRwUXUZ+qOwphGJbl/cS"}"#;
        assert!(check_line(good).unwrap().unwrap().ok);
        let bad = good.replace("us-east-2", "us-east-1");
        assert!(!check_line(&bad).unwrap().unwrap().ok);
        assert_eq!(check_line("   ").unwrap(), None);
        assert_eq!(
            check_line("{").unwrap_err(),
            LineError::NotJson { column: 1 }
        );
        assert_eq!(
            check_line(r#"{"secret": "x", "version": 4, "password": "y"}"#).unwrap_err(),
            LineError::Missing("region")
        );
        assert_eq!(
            check_line(r#"{"secret": "x", "version": 3, "password": "y", "region": "us-east-1"}"#)
                .unwrap_err(),
            LineError::BadVersion
        );
    }
}
