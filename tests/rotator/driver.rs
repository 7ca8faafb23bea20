//! Secrets Manager's side, played by the test: secrets as `rotate` writes
//! them, the rotation's version, the steps with one token, and what the
//! secret's labels and the user's keys are afterwards.

use crate::flaky::{Flaky, Losses};
use crate::harness::*;
use ses_smtp_rotation::sdk::aws_sdk_secretsmanager::types::RotationRulesType;
use ses_smtp_rotation::sdk::{Session, aws_config, aws_sdk_iam, aws_smithy_http_client};
use ses_smtp_rotator::{Done, Line, Request, Rotator, Settings, Step, StepError};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The function, signing with `operator`, through an HTTP client that
/// loses the answers `losses` says; `previous`: PREVIOUS_KEY.
pub fn rotator(operator: &str, losses: &Losses, previous: Option<&'static str>) -> Rotator {
    let ca = servers().ca_file.clone();
    let settings = Settings::from_env(move |k| match k {
        "SES_SMTP_CA_FILE" => Some(ca.clone().into_os_string()),
        "PREVIOUS_KEY" => previous.map(Into::into),
        // The SMTP test servers listen on localhost.
        "SES_SMTP_ALLOWED_HOSTS" => Some("localhost".into()),
        _ => None,
    })
    .unwrap();
    rotator_with(operator, losses, settings)
}

/// The function with `settings`, signing with `operator`, through the
/// flaky client.
pub fn rotator_with(operator: &str, losses: &Losses, settings: Settings) -> Rotator {
    use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
    let inner = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let client = aws_smithy_runtime_api::client::http::SharedHttpClient::new(Flaky {
        inner,
        losses: losses.clone(),
    });
    let config = block_on(
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .http_client(client)
            .region(aws_config::Region::new(REGION))
            .endpoint_url(endpoint())
            .credentials_provider(aws_sdk_iam::config::Credentials::new(
                operator,
                "rotator-secret-not-checked-by-moto-0000",
                None,
                None,
                "tests",
            ))
            .load(),
    );
    Rotator::new(Session::from_config(config).unwrap(), settings)
}

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

/// One step, with its log lines, answering within `within`.
pub fn step(
    r: &Rotator,
    arn: &str,
    token: &str,
    step: Step,
    within: Duration,
) -> (Result<Done, StepError>, Vec<Line>) {
    let req = Request {
        step,
        secret_id: arn.to_string(),
        token: token.to_string(),
        rotation_token: None,
    };
    let mut lines = Vec::new();
    let result = r.run(&req, Instant::now() + within, &mut |l| {
        lines.push(l.clone())
    });
    (result, lines)
}

/// The four steps, each expected to succeed; their log lines.
pub fn rotation(r: &Rotator, arn: &str, token: &str) -> Vec<Line> {
    let mut all = Vec::new();
    for &s in Step::ALL {
        let (result, lines) = step(r, arn, token, s, Duration::from_secs(30));
        if let Err(e) = &result {
            panic!("{} failed: {e}\n{lines:?}", s.name());
        }
        all.extend(lines);
    }
    all
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

/// No piece of any IAM secret, and no SMTP password, in the log lines
/// (each a JSON object with the step and the secret) or `also`.
pub fn assert_clean(lines: &[Line], also: &[String]) {
    for l in lines {
        let text = l.to_json();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(v["step"].is_string() && v["secret"].is_string(), "{text}");
        assert_no_secret("a log line", &text);
        assert_no_password("a log line", &text);
    }
    for text in also {
        assert_no_secret("an error", text);
        assert_no_password("an error", text);
    }
}
