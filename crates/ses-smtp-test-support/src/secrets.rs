//! Secrets Manager's side of a scheduled rotation, played by the test:
//! secrets as `rotate` writes them, the rotation's version, and what the
//! secret's labels and the user's keys are afterwards.

use crate::moto::*;
use ses_smtp_rotation::sdk::aws_sdk_secretsmanager::types::RotationRulesType;
use std::collections::HashMap;

/// The SecretString `rotate` writes for `key` of `user`, with the SMTP
/// test server as its endpoint and a member of the team's own.
pub fn secret_json(user: &str, key: &str) -> String {
    let secret = moto_keys()[key].1.clone();
    serde_json::json!({
        "username": key,
        "password": smtp_password(&secret, REGION),
        "host": "localhost",
        "port": servers().port("starttls"),
        "region": REGION,
        "iam_user": user,
        "team": "mail",
    })
    .to_string()
}

/// A user with one key (AWSCURRENT's), or two (AWSPREVIOUS's, then
/// AWSCURRENT's), and the secret naming them; returns the secret's ARN and
/// the keys, oldest first.
pub fn secret_for(user: &str, name: &str, keys: usize) -> (String, Vec<String>) {
    let ids = user_with_keys(user, keys);
    let arn = block_on(
        sm().create_secret()
            .name(name)
            .secret_string(secret_json(user, &ids[0]))
            .send(),
    )
    .unwrap()
    .arn
    .unwrap();
    for id in &ids[1..] {
        block_on(
            sm().put_secret_value()
                .secret_id(&arn)
                .secret_string(secret_json(user, id))
                .send(),
        )
        .unwrap();
    }
    (arn, ids)
}

/// The function ARN moto is told; it has no such function (see
/// `start_rotation`).
const FUNCTION: &str = "arn:aws:lambda:eu-west-1:123456789012:function:ses-smtp-rotator";

/// What Secrets Manager does before it calls createSecret: makes the
/// token's version, labelled AWSPENDING and empty, and enables rotation.
/// moto does both in RotateSecret before it looks for the function, which
/// it then does not find (it would need Docker to run one): that error is
/// expected, and the state is the one the real service leaves.
pub fn start_rotation(arn: &str, token: &str) {
    let rules = RotationRulesType::builder()
        .automatically_after_days(30)
        .build();
    let _ = block_on(
        sm().rotate_secret()
            .secret_id(arn)
            .client_request_token(token)
            .rotation_lambda_arn(FUNCTION)
            .rotation_rules(rules)
            .send(),
    );
    let stages = labels(arn);
    assert_eq!(stages[token], ["AWSPENDING"], "{stages:?}");
    assert!(
        block_on(
            sm().get_secret_value()
                .secret_id(arn)
                .version_id(token)
                .send()
        )
        .is_err(),
        "the new version must be empty"
    );
}

/// A rotation token (Secrets Manager's are UUIDs).
pub fn token(n: usize) -> String {
    format!("00000000-0000-4000-8000-{n:012}")
}

/// The secret's labels, by version.
pub fn labels(arn: &str) -> HashMap<String, Vec<String>> {
    block_on(sm().describe_secret().secret_id(arn).send())
        .unwrap()
        .version_ids_to_stages
        .unwrap_or_default()
}

/// The version holding `label`.
pub fn holding(arn: &str, label: &str) -> Option<String> {
    labels(arn)
        .into_iter()
        .find(|(_, s)| s.iter().any(|s| s == label))
        .map(|(v, _)| v)
}

/// The SecretString of the version holding `label`, as JSON.
pub fn value_holding(arn: &str, label: &str) -> serde_json::Value {
    let text = block_on(
        sm().get_secret_value()
            .secret_id(arn)
            .version_stage(label)
            .send(),
    )
    .unwrap()
    .secret_string
    .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The rotation contract: AWSPENDING on no version, or on AWSCURRENT's.
pub fn assert_contract(arn: &str) {
    let pending = holding(arn, "AWSPENDING");
    assert!(
        pending.is_none() || pending == holding(arn, "AWSCURRENT"),
        "AWSPENDING left on another version than AWSCURRENT's: {:?}",
        labels(arn)
    );
}

/// The user's keys now, sorted.
pub fn keys_of(user: &str) -> Vec<String> {
    let mut k: Vec<String> = iam_keys(user).into_keys().collect();
    k.sort();
    k
}

/// The username a version of the secret holds.
pub fn username_in(arn: &str, version: &str) -> String {
    let text = block_on(
        sm().get_secret_value()
            .secret_id(arn)
            .version_id(version)
            .send(),
    )
    .unwrap()
    .secret_string
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["username"].as_str().unwrap().to_string()
}
