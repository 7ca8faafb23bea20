//! Random secrets and regions: our derivation against an independent
//! HMAC-SHA256 (the hmac-sha256 crate, used only here).
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use proptest::prelude::*;
use ses_smtp_credentials::region;
use ses_smtp_credentials::{SecretKey, derive_v2, derive_v4};

fn reference_v4(secret: &[u8], region: &str) -> [u8; 32] {
    let mut key = b"AWS4".to_vec();
    key.extend_from_slice(secret);
    let mut k = hmac_sha256::HMAC::mac(b"11111111", &key);
    for part in [region.as_bytes(), b"ses", b"aws4_request", b"SendRawEmail"] {
        k = hmac_sha256::HMAC::mac(part, k);
    }
    k
}

fn regions() -> impl Strategy<Value = &'static str> {
    let codes: Vec<&'static str> = region::REGIONS.iter().map(|r| r.code).collect();
    proptest::sample::select(codes)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn v4_matches_reference(secret in "[A-Za-z0-9+/]{40}", region in regions()) {
        let ours = derive_v4(&SecretKey::from_bytes(secret.as_bytes()), region);
        let decoded = STANDARD.decode(ours.expose()).unwrap();
        prop_assert_eq!(decoded.len(), 33);
        prop_assert_eq!(decoded[0], 0x04);
        prop_assert_eq!(&decoded[1..], &reference_v4(secret.as_bytes(), region)[..]);
    }

    #[test]
    fn v4_matches_reference_for_any_bytes(secret in proptest::collection::vec(any::<u8>(), 0..200), region in "[a-z]{2}-[a-z]{3,9}-[0-9]") {
        let ours = derive_v4(&SecretKey::from_bytes(&secret), &region);
        let decoded = STANDARD.decode(ours.expose()).unwrap();
        prop_assert_eq!(&decoded[1..], &reference_v4(&secret, &region)[..]);
    }

    #[test]
    fn v2_matches_reference(secret in "[A-Za-z0-9+/]{40}") {
        let ours = derive_v2(&SecretKey::from_bytes(secret.as_bytes()));
        let decoded = STANDARD.decode(ours.expose()).unwrap();
        prop_assert_eq!(decoded[0], 0x02);
        prop_assert_eq!(&decoded[1..], &hmac_sha256::HMAC::mac(b"SendRawEmail", secret.as_bytes())[..]);
    }
}
