//! The names' rules, by example.

use super::*;

#[test]
fn user_names() {
    assert!(parse_user_name("smtp.legacy+eu=1,@_-").is_ok());
    assert_eq!(parse_user_name(""), Err(RotationError::EmptyUserName));
    assert_eq!(
        parse_user_name("smtp user"),
        Err(RotationError::UserNameCharacter { position: 5 })
    );
    assert_eq!(
        parse_user_name(&"a".repeat(65)),
        Err(RotationError::UserNameTooLong { len: 65 })
    );
    assert!(parse_user_name(&"a".repeat(64)).is_ok());
}

#[test]
fn user_paths() {
    assert_eq!(parse_user_path("/").unwrap().as_str(), "/");
    assert!(parse_user_path("/division/mail/").is_ok());
    for (bad, position) in [
        ("division/", None),
        ("/division", None),
        ("/a b/", Some(3)),
        ("/a*/", Some(3)),
        ("/${aws:username}/", Some(2)),
        ("/a//b/", Some(4)),
    ] {
        assert!(
            matches!(parse_user_path(bad), Err(RotationError::UserPath { position: p, .. }) if p == position),
            "{bad}"
        );
    }
    assert!(parse_user_path(&format!("/{}/", "a".repeat(511))).is_err());
}

#[test]
fn stores() {
    assert_eq!(
        Store::parse("secretsmanager:prod/smtp").unwrap(),
        Store::SecretsManager("prod/smtp".into())
    );
    let arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/smtp-AbCdEf";
    let s = Store::parse(&format!("secretsmanager:{arn}")).unwrap();
    assert_eq!(s.arn_account(), Some("123456789012"));
    // An ARN's secret name is a name: never a pattern, never more fields.
    for bad in [
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:*",
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/smtp-??????",
        "arn:aws:secretsmanager:eu-west-1:999999999999:secret:x:123456789012:y",
    ] {
        let e = Store::parse(&format!("secretsmanager:{bad}")).unwrap_err();
        assert!(e.to_string().contains("never * or ?"), "{bad}: {e}");
    }
    assert_eq!(s.arn_region(), Some("eu-west-1"));
    assert_eq!(Store::parse("s3:bucket"), Err(RotationError::StoreKind));
    assert!(matches!(
        Store::parse("secretsmanager:a b"),
        Err(RotationError::SecretName {
            position: Some(2),
            ..
        })
    ));
    assert!(matches!(
        Store::parse("secretsmanager:arn:aws:s3:::bucket"),
        Err(RotationError::SecretName { position: None, .. })
    ));
    for bad in [
        "ssm:prod",
        "ssm:/",
        "ssm:/a/",
        "ssm:/a//b",
        "ssm:/aws/x",
        "ssm:/SSM",
    ] {
        assert!(
            matches!(
                Store::parse(bad),
                Err(RotationError::ParameterPrefix { .. })
            ),
            "{bad}"
        );
    }
    assert!(matches!(
        Store::parse("ssm:/a b"),
        Err(RotationError::ParameterPrefix {
            position: Some(3),
            ..
        })
    ));
    assert_eq!(
        Store::parse("ssm:/p/q").unwrap().parameter_names(),
        [
            "/p/q/username",
            "/p/q/host",
            "/p/q/port",
            "/p/q/region",
            "/p/q/password"
        ]
    );
}

#[test]
fn group_names() {
    assert!(parse_group_name("smtp.senders+eu=1,@_-").is_ok());
    assert!(parse_group_name(&"g".repeat(MAX_GROUP_NAME)).is_ok());
    for (text, position) in [
        ("", None),
        ("smtp senders", Some(5)),
        ("smtp/senders", Some(5)),
        ("é", Some(1)),
    ] {
        assert!(
            matches!(parse_group_name(text), Err(RotationError::GroupName { position: p, .. }) if p == position),
            "{text:?}"
        );
    }
    assert!(matches!(
        parse_group_name(&"g".repeat(MAX_GROUP_NAME + 1)),
        Err(RotationError::GroupName { position: None, .. })
    ));
}

#[test]
fn each_region_has_its_parameters_under_the_prefix() {
    let store = Store::parse("ssm:/p").unwrap();
    assert_eq!(
        store.parameter_names_for(&["eu-west-1".into()]),
        store.parameter_names()
    );
    let names = store.parameter_names_for(&["eu-west-1".into(), "us-east-1".into()]);
    assert_eq!(
        names[5..],
        [
            "/p/eu-west-1/password",
            "/p/eu-west-1/host",
            "/p/us-east-1/password",
            "/p/us-east-1/host"
        ]
    );
    let secret = Store::parse("secretsmanager:s").unwrap();
    assert!(
        secret
            .parameter_names_for(&["a".into(), "b".into()])
            .is_empty()
    );
}
