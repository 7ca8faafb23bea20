//! The rotation function in process, driven the way Secrets Manager
//! drives it: the steps with one token (Secrets Manager's side of it:
//! `ses_smtp_test_support::secrets`).

use crate::flaky::{Flaky, Losses};
use ses_smtp_rotation::sdk::{Session, aws_config, aws_sdk_iam, aws_smithy_http_client};
use ses_smtp_rotator::{Done, Line, Request, Rotator, Settings, Step, StepError};
use ses_smtp_test_support::moto::*;
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
