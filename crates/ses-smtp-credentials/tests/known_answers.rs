//! Our derivation against vectors that other code produced (see
//! tests/vectors/README.md).
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

mod common;

use ses_smtp_credentials::region;
use ses_smtp_credentials::{SecretKey, Version, derive};

#[test]
fn every_vector_matches() {
    let vectors = common::all_vectors();
    assert!(vectors.len() >= 50, "only {} vectors loaded", vectors.len());
    let mut failures = Vec::new();
    for v in &vectors {
        let version = match v.version {
            4 => Version::V4,
            2 => Version::V2,
            other => panic!("{}: unknown version {other}", v.label),
        };
        let region = v.region.as_deref().unwrap_or("");
        assert!(
            version == Version::V2 || !region.is_empty(),
            "{}: V4 needs a region",
            v.label
        );
        let got = derive(&SecretKey::from_bytes(v.secret.as_bytes()), version, region);
        if got.expose() != v.password {
            failures.push(format!(
                "{}: expected {}, derived {}",
                v.label,
                v.password,
                got.expose()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} vector(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_smtp_region_has_an_independent_vector() {
    let vectors = common::all_vectors();
    for r in region::smtp_regions() {
        assert!(
            vectors
                .iter()
                .any(|v| v.version == 4 && v.region.as_deref() == Some(r.code)),
            "no V4 vector for {}",
            r.code
        );
    }
}

#[test]
fn a_wrong_password_is_caught() {
    // The comparison above must be able to fail: flip one character.
    let v = &common::all_vectors()[0];
    let got = derive(
        &SecretKey::from_bytes(v.secret.as_bytes()),
        Version::V4,
        v.region.as_deref().unwrap_or("us-east-1"),
    );
    let mut tampered = v.password.clone().into_bytes();
    tampered[10] = if tampered[10] == b'A' { b'B' } else { b'A' };
    assert_ne!(got.expose().as_bytes(), &tampered[..]);
}
