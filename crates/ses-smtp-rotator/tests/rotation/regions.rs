//! A secret that lists several regions: the function derives a password
//! per region, writes them in the same shape, logs in to every region's
//! own server before finishSecret, and refuses an unknown region before it
//! makes a key.

use crate::driver::*;
use crate::flaky::Losses;
use ses_smtp_rotator::{Settings, Step};
use ses_smtp_test_support::moto::*;
use ses_smtp_test_support::secrets::*;
use std::time::Duration;

const OPERATOR: &str = "AKIAROTATORREGIONS00";
const SECOND: &str = "us-east-1";
const MINUTE: Duration = Duration::from_secs(60);

/// The function trusting the CA of `servers()` and of `region_servers(SECOND)`.
fn rotator_for_regions(dir: &std::path::Path) -> ses_smtp_rotator::Rotator {
    let ca = ca_file_for(dir, &[servers(), region_servers(SECOND)]);
    let settings = Settings::from_env(move |k| match k {
        "SES_SMTP_CA_FILE" => Some(ca.clone().into_os_string()),
        "SES_SMTP_ALLOWED_HOSTS" => Some("localhost".into()),
        _ => None,
    })
    .unwrap();
    rotator_with(OPERATOR, &Losses::default(), settings)
}

/// A secret `rotate --region REGION --region SECOND` would write for the
/// user's key, each region's login pointed at `ports`.
fn two_region_secret(user: &str, name: &str, key: &str, ports: (u16, u16), second: &str) -> String {
    let secret = moto_keys()[key].1.clone();
    let first = smtp_password(&secret, REGION);
    let text = serde_json::json!({
        "username": key, "password": first, "host": "localhost", "port": ports.0,
        "region": REGION, "iam_user": user, "team": "mail",
        "regions": {
            REGION: {"password": first, "host": "localhost", "port": ports.0},
            second: {"password": smtp_password(&secret, second), "host": "localhost", "port": ports.1},
        },
    })
    .to_string();
    block_on(sm().create_secret().name(name).secret_string(text).send())
        .unwrap()
        .arn
        .unwrap()
}

#[test]
fn every_region_is_derived_logged_in_and_written() {
    let user = "rotator-regions";
    let old = user_with_keys(user, 1);
    let ports = (
        servers().port("starttls"),
        region_servers(SECOND).port("starttls"),
    );
    let arn = two_region_secret(user, "rotator/regions", &old[0], ports, SECOND);
    let dir = tempfile::tempdir().unwrap();
    let r = rotator_for_regions(dir.path());
    let t = token(910);
    start_rotation(&arn, &t);
    let lines = rotation(&r, &arn, &t);
    let new = username_in(&arn, &t);
    assert_ne!(new, old[0]);
    // Each region's own server accepted the new key.
    assert_eq!(servers().auths(&new).last().map(|a| a.2), Some(true));
    assert_eq!(
        region_servers(SECOND).auths(&new).last().map(|a| a.2),
        Some(true)
    );
    let v = value_holding(&arn, "AWSCURRENT");
    let secret = moto_keys()[&new].1.clone();
    let (p1, p2) = (
        smtp_password(&secret, REGION),
        smtp_password(&secret, SECOND),
    );
    assert_eq!(
        v,
        serde_json::json!({
            "username": new, "password": p1, "host": "localhost", "port": ports.0,
            "region": REGION, "iam_user": user,
            "regions": {
                REGION: {"password": p1, "host": "localhost", "port": ports.0},
                SECOND: {"password": p2, "host": "localhost", "port": ports.1},
            },
            "team": "mail",
        })
    );
    let order: Vec<&String> = v["regions"].as_object().unwrap().keys().collect();
    assert_eq!(order, [REGION, SECOND]);
    assert_clean(&lines, &[]);
}

#[test]
fn one_regions_refused_login_keeps_awscurrent() {
    let user = "rotator-regions-refused";
    let old = user_with_keys(user, 1);
    let ports = (servers().port("starttls"), servers().port("rejecting"));
    let arn = two_region_secret(user, "rotator/regions-refused", &old[0], ports, SECOND);
    let dir = tempfile::tempdir().unwrap();
    let r = rotator_for_regions(dir.path());
    let t = token(911);
    start_rotation(&arn, &t);
    for s in [Step::Create, Step::Set] {
        let (result, _) = step(&r, &arn, &t, s, MINUTE);
        result.unwrap();
    }
    let (result, lines) = step(&r, &arn, &t, Step::Test, Duration::from_secs(8));
    let e = result.unwrap_err().to_string();
    assert!(
        e.contains(&format!("({SECOND})")),
        "the refusing region is named: {e}"
    );
    assert!(
        !e.contains(&format!("({REGION})")),
        "the accepting one is not: {e}"
    );
    assert_ne!(holding(&arn, "AWSCURRENT").as_deref(), Some(t.as_str()));
    assert_clean(&lines, &[e]);
}

#[test]
fn an_unknown_region_fails_before_a_key_is_made() {
    let user = "rotator-regions-unknown";
    let old = user_with_keys(user, 1);
    let ports = (servers().port("starttls"), servers().port("starttls"));
    let arn = two_region_secret(
        user,
        "rotator/regions-unknown",
        &old[0],
        ports,
        "mars-north-1",
    );
    let dir = tempfile::tempdir().unwrap();
    let r = rotator_for_regions(dir.path());
    let t = token(912);
    start_rotation(&arn, &t);
    let (result, lines) = step(&r, &arn, &t, Step::Create, MINUTE);
    let e = result.unwrap_err().to_string();
    assert!(e.contains("\"regions\""), "{e}");
    assert_eq!(keys_of(user), old, "no key made");
    assert_clean(&lines, &[e]);
}
