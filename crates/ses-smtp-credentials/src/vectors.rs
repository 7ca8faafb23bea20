//! Known-answer vector files (JSON Lines): checking other implementations'
//! vectors, and generating vectors for them to check against.
//!
//! One vector a line: `{"secret": "...", "region": "...", "version": 4,
//! "password": "..."}`, `region` absent for version 2. Other keys (`name`,
//! `source`) are allowed and ignored. Vector secrets are test data: they are
//! not held in zeroizing memory.

use crate::derive::{SecretKey, Version, derive};
use crate::region::{self, is_region_shaped};
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;

#[derive(Deserialize)]
struct Line {
    secret: Option<String>,
    region: Option<String>,
    version: Option<serde_json::Value>,
    password: Option<String>,
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
pub fn check_line(line: &str) -> Result<Option<Checked>, LineError> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    let v: Line =
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
    let derived = derive(
        &SecretKey::from_bytes(secret.as_bytes()),
        version,
        region.as_deref().unwrap_or(""),
    );
    let ok = bool::from(derived.expose().as_bytes().ct_eq(password.as_bytes()));
    Ok(Some(Checked {
        version: version.number(),
        region,
        ok,
    }))
}

#[derive(Serialize)]
struct OutLine<'a> {
    secret: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    version: u8,
    password: &'a str,
}

/// A deterministic random stream: HMAC-SHA256(key, counter), so a seed
/// reproduces the same vectors on any machine and in any version.
#[derive(Debug)]
pub struct Stream {
    key: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl Stream {
    /// From any seed text.
    pub fn from_seed(seed: &str) -> Self {
        let mut h = Sha256::new();
        h.update(b"ses-smtp-password vectors v1\0");
        h.update(seed.as_bytes());
        Self::from_key(h.finalize().into())
    }

    /// From 32 random bytes (a fresh, unreproducible stream).
    pub fn from_key(key: [u8; 32]) -> Self {
        Stream {
            key,
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    fn byte(&mut self) -> u8 {
        if self.used == 32 {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
            mac.update(&self.counter.to_be_bytes());
            self.block.copy_from_slice(&mac.finalize().into_bytes());
            self.counter += 1;
            self.used = 0;
        }
        self.used += 1;
        self.block[self.used - 1]
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The `i`-th generated vector as one JSON line (no newline). Regions cycle
/// through the table's SMTP regions; with `v2`, every cycle ends with a
/// version 2 vector.
pub fn generate_line(stream: &mut Stream, i: usize, v2: bool) -> String {
    let secret: String = (0..40)
        .map(|_| ALPHABET[(stream.byte() & 63) as usize] as char)
        .collect();
    let regions: Vec<&str> = region::smtp_regions().map(|r| r.code).collect();
    let slots = regions.len() + usize::from(v2);
    let region = regions.get(i % slots).copied();
    let version = if region.is_some() {
        Version::V4
    } else {
        Version::V2
    };
    let password = derive(
        &SecretKey::from_bytes(secret.as_bytes()),
        version,
        region.unwrap_or(""),
    );
    serde_json::to_string(&OutLine {
        secret: &secret,
        region,
        version: version.number(),
        password: password.expose(),
    })
    .unwrap_or_default()
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

    #[test]
    fn generated_lines_check() {
        let mut s = Stream::from_seed("t");
        for i in 0..60 {
            let line = generate_line(&mut s, i, true);
            assert!(check_line(&line).unwrap().unwrap().ok, "{line}");
        }
    }
}
