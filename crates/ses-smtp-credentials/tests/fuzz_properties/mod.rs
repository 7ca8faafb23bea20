//! The properties the fuzz targets check, shared with `tests/properties.rs`
//! (proptest), so that `cargo test` checks the same properties on machines
//! without cargo-fuzz. Each function takes arbitrary bytes and panics when a
//! property fails.
#![allow(dead_code)]

use base64::Engine as _;
use ses_smtp_credentials::profile;
use ses_smtp_credentials::region::{self as reg, RegionError, is_region_shaped, lookup};
use ses_smtp_credentials::vectors::check_line;
use ses_smtp_credentials::{self as der, SecretKey, Version, derive_v4};
use ses_smtp_credentials::{Derived, Template};
use ses_smtp_credentials::{SecretPolicy, parse_input, parse_raw_secret};
use ses_smtp_credentials::{Verdict, check_shape, verify as verify_password};

/// Any secret bytes and region: the password is always 44 base64
/// characters decoding to 33 bytes that start with the version byte.
pub fn derive(data: &[u8]) {
    let split = data
        .first()
        .map_or(0, |&b| usize::from(b) % 32)
        .min(data.len().saturating_sub(1));
    let (region, secret) = data
        .get(1..)
        .unwrap_or_default()
        .split_at(split.min(data.len().saturating_sub(1)));
    let region = String::from_utf8_lossy(region);
    let secret = SecretKey::from_bytes(secret);
    for version in [Version::V4, Version::V2] {
        let p = der::derive(&secret, version, &region);
        assert_eq!(p.expose().len(), 44);
        let raw = base64::engine::general_purpose::STANDARD
            .decode(p.expose())
            .expect("base64");
        assert_eq!(raw.len(), 33);
        assert_eq!(raw[0], version.byte());
    }
}

fn check_secret(secret: &[u8], policy: SecretPolicy) {
    if policy.allow_unusual {
        let text = std::str::from_utf8(secret).expect("UTF-8");
        assert!(!text.is_empty());
        assert!(!text.chars().any(|c| c.is_whitespace() || c.is_control()));
    } else {
        assert_eq!(secret.len(), 40);
        assert!(
            secret
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
        );
    }
}

/// Everything standard input may hold (raw secret, JSON, CSV): a parse
/// either fails or yields a secret of the documented shape, and an access
/// key ID only when it is a long-term one.
pub fn input(data: &[u8]) {
    for allow_unusual in [false, true] {
        let policy = SecretPolicy::default().allow_unusual(allow_unusual);
        if let Ok(c) = parse_input(data, policy) {
            check_secret(c.secret.expose(), policy);
            if let Some(id) = &c.access_key_id {
                assert!(id.as_str().starts_with("AKIA") && id.as_str().len() == 20);
            }
        }
        if let Ok(s) = parse_raw_secret(data, policy) {
            check_secret(s.expose(), policy);
        }
        // Errors render without panicking.
        if let Err(e) = parse_input(data, policy) {
            assert!(!e.to_string().is_empty());
        }
    }
}

/// Region names: accepted only when in the table with SMTP, or
/// well-formed with the override; only region-shaped text is echoed, and
/// every suggestion is a real SMTP region.
pub fn region(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for allow in [false, true] {
        match reg::resolve(text, allow) {
            Ok(r) => {
                assert!(is_region_shaped(&r.code));
                if !allow {
                    assert!(lookup(&r.code).is_some_and(|k| k.smtp));
                }
            }
            // Only region-shaped text is ever echoed back.
            Err(RegionError::Unknown { code, suggestion }) => {
                assert!(is_region_shaped(&code));
                assert_eq!(code, text);
                if let Some(s) = suggestion {
                    assert!(lookup(&s).is_some_and(|k| k.smtp));
                }
            }
            Err(RegionError::Misspelt { suggestion, .. }) => {
                assert!(lookup(&suggestion).is_some_and(|k| k.smtp));
            }
            Err(RegionError::NoSmtp { code, .. }) => {
                assert!(lookup(&code).is_some_and(|k| !k.smtp));
                assert!(!allow);
            }
            Err(RegionError::NotARegionName) => assert!(!is_region_shaped(text)),
            Err(other) => panic!("a refusal this property does not know: {other:?}"),
        }
    }
}

/// AWS CLI credentials/config files: a profile either fails or gives a
/// valid secret and, if any, a long-term access key ID.
pub fn profile(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (creds, config) = text.split_once('\u{1}').unwrap_or((text, ""));
    for name in ["smtp", "default"] {
        if let Ok(c) =
            profile::credentials(Some(creds), Some(config), name, SecretPolicy::default())
        {
            assert_eq!(c.secret.len(), 40);
            assert!(
                c.secret
                    .expose()
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
            );
            if let Some(id) = &c.access_key_id {
                assert!(id.as_str().starts_with("AKIA") && id.as_str().len() == 20);
            }
        }
    }
}

/// verify's password parser: a well-formed verdict is only given to 44
/// base64 characters with an SES version byte, and verdicts agree with the
/// derivation.
pub fn verify(data: &[u8]) {
    let secret = SecretKey::from_bytes(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    let shaped = check_shape(data).is_ok();
    if shaped {
        assert_eq!(data.len(), 44);
    }
    match verify_password(&secret, data, Some("eu-west-1")) {
        Verdict::Malformed(_) => assert!(!shaped),
        Verdict::Match { region } => {
            assert_eq!(derive_v4(&secret, &region).expose().as_bytes(), data);
        }
        Verdict::OtherRegion { actual, .. } => {
            assert_eq!(derive_v4(&secret, &actual).expose().as_bytes(), data);
        }
        Verdict::V2 | Verdict::NoMatch { .. } => assert!(shaped),
        other => panic!("a verdict this property does not know: {other:?}"),
    }
}

/// The vector file reader: any line is a vector, blank, or a reasoned
/// error; a vector's version is 4 or 2.
pub fn vectors(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for line in text.lines() {
        match check_line(line) {
            Ok(Some(c)) => {
                assert!(c.version == 4 || c.version == 2);
                assert_eq!(c.region.is_some(), c.version == 4);
            }
            Ok(None) => assert!(line.trim().is_empty()),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
}

/// --template: any template either fails with a reason or renders, and a
/// rendering holds the password only where a placeholder asked for it.
pub fn template(data: &[u8]) {
    let Ok(template) = std::str::from_utf8(data) else {
        return;
    };
    let region = reg::resolve("us-east-1", false).unwrap();
    let password = der::derive(
        &SecretKey::from_bytes(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        Version::V4,
        &region.code,
    );
    let d = Derived::new(None, password, region, Version::V4);
    // A template parses or fails by position; one that parses renders
    // unless it needs the (here unknown) user name.
    let Ok(parsed) = Template::parse(template.to_string()) else {
        return;
    };
    let rendered = parsed.render(&d);
    assert_eq!(rendered.is_err(), parsed.needs_username());
    if let Ok(out) = rendered {
        let text = std::str::from_utf8(out.as_bytes()).expect("UTF-8 in, UTF-8 out");
        if text.contains(d.password.expose()) {
            assert!(template.contains("{password}") || template.contains(d.password.expose()));
        }
    }
}
