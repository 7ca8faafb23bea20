//! The stored secret's format: read, written, and refused when malformed.

use super::*;

const GOOD: &str = r#"{"username":"AKIAIOSFODNN7EXAMPLE","password":"BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9","host":"vpce-0123-abcd.email-smtp.eu-west-1.vpce.amazonaws.com","port":2465,"region":"eu-west-1","iam_user":"smtp-legacy","team":"mail"}"#;

#[test]
fn reads_every_member_but_the_password() {
    let s = parse_stored_secret(GOOD).unwrap();
    assert_eq!(s.username.as_str(), "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(s.port, 2465);
    assert_eq!(s.region.code, "eu-west-1");
    assert_eq!(s.iam_user.as_str(), "smtp-legacy");
    assert_eq!(s.others.len(), 1);
    assert_eq!(s.others["team"], "mail");
    assert!(!format!("{s:?}").contains("BLBM"));
    assert!(s.password().starts_with("BLBM"));
}

#[test]
fn a_secret_without_iam_user_says_how_to_add_it() {
    let text = GOOD.replace(r#","iam_user":"smtp-legacy""#, "");
    let e = parse_stored_secret(&text).unwrap_err();
    assert_eq!(e, StoredSecretError::Missing("iam_user"));
    assert!(e.to_string().contains("add it"), "{e}");
}

#[test]
fn bad_members_are_named_never_quoted() {
    for (from, to, member) in [
        ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG", "username"),
        (r#""port":2465"#, r#""port":70000"#, "port"),
        (r#""port":2465"#, r#""port":"x2465""#, "port"),
        ("eu-west-1\"", "eu-wset-1\"", "region"),
        ("smtp-legacy", "smtp legacy!", "iam_user"),
        ("vpce-0123", "vpce 0123", "host"),
    ] {
        let text = GOOD.replacen(from, to, 1);
        let e = parse_stored_secret(&text).unwrap_err();
        assert!(
            matches!(&e, StoredSecretError::Invalid { member: m, .. } if *m == member),
            "{member}: {e:?}"
        );
        assert!(!e.to_string().contains("wJalr"), "{e}");
    }
    assert_eq!(
        parse_stored_secret("AKIAIOSFODNN7EXAMPLE:secret").unwrap_err(),
        StoredSecretError::NotAnObject
    );
    assert_eq!(
        parse_stored_secret("[1]").unwrap_err(),
        StoredSecretError::NotAnObject
    );
    let text = GOOD.replace(
        r#""password":"BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9","#,
        "",
    );
    assert_eq!(
        parse_stored_secret(&text).unwrap_err(),
        StoredSecretError::Missing("password")
    );
}

#[test]
fn a_port_written_as_text_is_a_port() {
    let s = parse_stored_secret(&GOOD.replace("2465", "\"587\"")).unwrap();
    assert_eq!(s.port, 587);
}

const TWO: &str = r#"{"username":"AKIAIOSFODNN7EXAMPLE","password":"pwFIRST","host":"email-smtp.eu-west-1.amazonaws.com","port":587,"region":"eu-west-1","iam_user":"smtp-legacy","regions":{"eu-west-1":{"password":"pwFIRST","host":"email-smtp.eu-west-1.amazonaws.com","port":587},"us-east-1":{"password":"pwSECOND","host":"vpce-1.email-smtp.us-east-1.vpce.amazonaws.com","port":2587}}}"#;

#[test]
fn a_secret_lists_its_regions_in_order() {
    let s = parse_stored_secret(TWO).unwrap();
    assert!(s.lists_regions);
    let codes: Vec<&str> = s.regions.iter().map(|e| e.region.code.as_str()).collect();
    assert_eq!(codes, ["eu-west-1", "us-east-1"]);
    assert_eq!(s.regions[1].password(), "pwSECOND");
    assert_eq!(
        s.regions[1].endpoint(),
        (
            "vpce-1.email-smtp.us-east-1.vpce.amazonaws.com".to_string(),
            2587
        )
    );
    assert!(s.others.is_empty(), "regions is the format's own member");
    assert!(!format!("{s:?}").contains("pwSECOND"));
    // Without `regions`: the one region, not listed.
    let one = parse_stored_secret(GOOD).unwrap();
    assert!(!one.lists_regions);
    assert_eq!(one.regions.len(), 1);
    assert_eq!(one.regions[0].endpoint().1, 2465);
    let c = parse_secret_credentials(TWO).unwrap();
    assert_eq!(c.region_entry("us-east-1").unwrap().password(), "pwSECOND");
    assert!(c.region_entry("us-west-2").is_none());
}

#[test]
fn malformed_regions_are_refused_naming_the_member_never_a_password() {
    let replace = |regions: &str| {
        let at = TWO.find(r#""regions":"#).unwrap();
        format!("{}\"regions\":{regions}}}", &TWO[..at])
    };
    let entry = r#"{"password":"pwFIRST","host":"email-smtp.eu-west-1.amazonaws.com","port":587}"#;
    let eleven: Vec<String> = [
        "eu-west-1",
        "us-east-1",
        "us-east-2",
        "us-west-1",
        "us-west-2",
        "eu-west-2",
        "eu-west-3",
        "eu-central-1",
        "eu-north-1",
        "ap-south-1",
        "ap-northeast-1",
    ]
    .iter()
    .map(|r| format!("\"{r}\":{{\"password\":\"pwFIRST\"}}"))
    .collect();
    for (what, regions) in [
        ("an array", r#"["eu-west-1"]"#.to_string()),
        ("empty", "{}".to_string()),
        ("eleven regions", format!("{{{}}}", eleven.join(","))),
        (
            "an entry that is a string",
            r#"{"eu-west-1":"pwFIRST"}"#.to_string(),
        ),
        (
            "no password",
            r#"{"eu-west-1":{"host":"email-smtp.eu-west-1.amazonaws.com"}}"#.to_string(),
        ),
        (
            "a number for a password",
            r#"{"eu-west-1":{"password":7}}"#.to_string(),
        ),
        (
            "an unknown region",
            format!(r#"{{"eu-west-1":{entry},"mars-1":{{"password":"pwSECOND"}}}}"#),
        ),
        (
            "a region not in canonical form",
            format!(r#"{{"EU-WEST-1":{entry}}}"#),
        ),
        (
            "the first is not `region`",
            format!(r#"{{"us-east-1":{{"password":"pwSECOND"}},"eu-west-1":{entry}}}"#),
        ),
        (
            "the first entry's password differs",
            r#"{"eu-west-1":{"password":"pwSECOND"}}"#.to_string(),
        ),
        (
            "the first entry's port differs",
            r#"{"eu-west-1":{"password":"pwFIRST","port":2587}}"#.to_string(),
        ),
        (
            "a bad host",
            format!(
                r#"{{"eu-west-1":{entry},"us-east-1":{{"password":"pwSECOND","host":"a b"}}}}"#
            ),
        ),
        (
            "a bad port",
            format!(r#"{{"eu-west-1":{entry},"us-east-1":{{"password":"pwSECOND","port":0}}}}"#),
        ),
    ] {
        let text = replace(&regions);
        let e = parse_stored_secret(&text).unwrap_err();
        assert!(
            matches!(
                &e,
                StoredSecretError::Invalid {
                    member: "regions",
                    ..
                }
            ),
            "{what}: {e:?}"
        );
        let shown = e.to_string();
        assert!(
            !shown.contains("pwFIRST") && !shown.contains("pwSECOND"),
            "{what}: {shown}"
        );
        assert!(parse_secret_credentials(&text).is_err(), "{what}");
    }
}

#[test]
fn the_writer_puts_every_region_after_the_first_regions_members() {
    use ses_smtp_credentials::{Derived, Version, parse_access_key_id, region::resolve};
    let id = parse_access_key_id("AKIAIOSFODNN7EXAMPLE").unwrap();
    let item = |region: &str, password: &str| {
        Derived::new(
            Some(id.clone()),
            ses_smtp_credentials::parse_v4_password(password).unwrap(),
            resolve(region, false).unwrap(),
            Version::V4,
        )
    };
    // Two well-formed V4 passwords (any 32 bytes after the 0x04).
    let (p1, p2) = (
        "BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "BBERERERERERERERERERERERERERERERERERERERERER",
    );
    let items = [item("eu-west-1", p1), item("us-east-1", p2)];
    let endpoints = [(
        "us-east-1",
        "vpce-1.email-smtp.us-east-1.vpce.amazonaws.com",
        2587,
    )];
    let fields = SecretFields {
        iam_user: Some("smtp-legacy"),
        endpoints: &endpoints,
        ..SecretFields::default()
    };
    let text =
        String::from_utf8(secret_string(&items, &fields).unwrap().as_bytes().to_vec()).unwrap();
    assert_eq!(
        text,
        format!(
            r#"{{"username":"AKIAIOSFODNN7EXAMPLE","password":"{p1}","host":"email-smtp.eu-west-1.amazonaws.com","port":587,"region":"eu-west-1","iam_user":"smtp-legacy","regions":{{"eu-west-1":{{"password":"{p1}","host":"email-smtp.eu-west-1.amazonaws.com","port":587}},"us-east-1":{{"password":"{p2}","host":"vpce-1.email-smtp.us-east-1.vpce.amazonaws.com","port":2587}}}}}}"#
        )
    );
    // What it writes, it reads.
    let back = parse_stored_secret(&text).unwrap();
    assert_eq!(back.regions[1].password(), p2);
    // One region: no `regions`, unless the secret had it.
    let one = String::from_utf8(
        secret_string(&items[..1], &fields)
            .unwrap()
            .as_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(!one.contains("regions"), "{one}");
    let listed = SecretFields {
        list_regions: true,
        ..fields
    };
    let one = String::from_utf8(
        secret_string(&items[..1], &listed)
            .unwrap()
            .as_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(one.contains(r#""regions":{"eu-west-1":"#), "{one}");
    // Not one key's: refused.
    let twice = [item("eu-west-1", p1), item("eu-west-1", p2)];
    assert_eq!(
        secret_string(&twice, &fields).unwrap_err(),
        ses_smtp_credentials::RenderError::NotOneKey
    );
    assert_eq!(
        secret_string(&[], &fields).unwrap_err(),
        ses_smtp_credentials::RenderError::NotOneKey
    );
}
