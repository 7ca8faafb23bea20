//! End to end: the built `ses-smtp-rotator` binary under a Lambda Runtime
//! API that this test serves on loopback (`AWS_LAMBDA_RUNTIME_API`), driven
//! through a whole rotation the way Secrets Manager drives it: one
//! invocation per step, against moto and the SMTP test server.

use ses_smtp_test_support::child::{CHILD_DEADLINE, Running};
use ses_smtp_test_support::lambda::{RuntimeApi, binary, function, hello};
use ses_smtp_test_support::moto::*;
use ses_smtp_test_support::secrets::*;
use std::time::Duration;

/// The function binary started as Lambda starts it, with its standard
/// output (the log) piped.
pub fn start_function(api: &RuntimeApi, operator: &str) -> Running {
    start(&binary(), api, operator)
}

fn start(bin: &std::path::Path, api: &RuntimeApi, operator: &str) -> Running {
    ses_smtp_test_support::child::start(
        function(bin, api, operator).env("SES_SMTP_CA_FILE", &servers().ca_file),
    )
}

/// Kills the function (it serves until killed); what it wrote.
fn kill(mut function: Running) -> std::process::Output {
    function.child().kill().unwrap();
    function.wait_within(CHILD_DEADLINE)
}

#[test]
fn the_built_function_rotates_under_a_lambda_runtime_api() {
    let user = "rotator-e2e";
    let (arn, old) = secret_for(user, "rotator/e2e", 2);
    let api = RuntimeApi::start();
    let function = start_function(&api, "AKIAROTATORE2E000000");
    let t = token(1000);
    start_rotation(&arn, &t);
    for (n, step) in ["createSecret", "setSecret", "testSecret", "finishSecret"]
        .into_iter()
        .enumerate()
    {
        let id = format!("request-{n}");
        // Secrets Manager sends a RotationToken with each step; the
        // function passes it back with PutSecretValue.
        let answer = api.invoke(
            &id,
            serde_json::json!({"Step": step, "SecretId": arn, "ClientRequestToken": t, "RotationToken": "rt-e2e-0001"}),
        );
        assert_eq!(
            (answer.request_id.as_str(), answer.kind.as_str()),
            (id.as_str(), "response"),
            "{step}: {answer:?}"
        );
    }
    // An event that is not a rotation step: an error answer, not a crash.
    let bad = api.invoke(
        "request-bad",
        serde_json::json!({"Step": "dropSecret", "SecretId": arn, "ClientRequestToken": t}),
    );
    assert_eq!(bad.kind, "error", "{bad:?}");
    let e: serde_json::Value = serde_json::from_str(&bad.body).unwrap();
    assert_eq!(e["errorType"], "SesSmtpRotatorError");
    assert!(
        e["errorMessage"].as_str().unwrap().contains("unknown step"),
        "{e}"
    );

    let out = kill(function);
    let log = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();

    assert_eq!(holding(&arn, "AWSCURRENT").as_deref(), Some(t.as_str()));
    assert_contract(&arn);
    let puts: Vec<serde_json::Value> =
        ses_smtp_test_support::evaluator::signed_by("AKIAROTATORE2E000000")
            .into_iter()
            .filter(|(_, _, h, _)| h["X-Amz-Target"] == "secretsmanager.PutSecretValue")
            .map(|(_, _, _, body)| serde_json::from_slice(&body).unwrap())
            .collect();
    assert_eq!(puts.len(), 1, "{puts:?}");
    assert_eq!(puts[0]["RotationToken"], "rt-e2e-0001");
    assert_eq!(puts[0]["ClientRequestToken"], t.as_str());
    assert_eq!(puts[0]["VersionStages"], serde_json::json!(["AWSPENDING"]));
    let new = username_in(&arn, &t);
    let mut expected = vec![old[1].clone(), new];
    expected.sort();
    assert_eq!(keys_of(user), expected);
    // The log: one JSON object a line, each naming its step and secret;
    // no secret, no password in it, in standard error or in the answers.
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let outcomes: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.get("outcome").and_then(|o| o.as_str()))
        .collect();
    assert_eq!(
        outcomes,
        [
            "created",
            "pending key active",
            "login accepted",
            "finished",
            "failed"
        ],
        "{log}"
    );
    for text in [&log, &stderr, &bad.body] {
        assert_no_secret("the function's output", text);
        assert_no_password("the function's output", text);
    }
}

/// The peak resident memory of a running process, in KiB (`VmHWM`).
fn peak_kib(child: &mut Running) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.child().id())).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// How long from exec until the function asks for its first invocation:
/// the median of seven starts.
fn start_up(bin: &std::path::Path) -> Duration {
    let mut times: Vec<Duration> = (0..7)
        .map(|_| {
            let api = RuntimeApi::start();
            let t0 = std::time::Instant::now();
            let child = start(bin, &api, "AKIAROTATORSTART0000");
            let polled = api
                .polls
                .recv_timeout(Duration::from_secs(30))
                .expect("a first poll");
            kill(child);
            polled - t0
        })
        .collect();
    times.sort();
    times[3]
}

/// Start-up and peak memory over a whole rotation, beside the hello-world
/// `lambda_runtime` function. Memory: at most 64 MiB, so the 128 MB
/// setting is safe, always. Start-up: at most twice the hello-world's,
/// asserted when scripts/measure-rotator.sh passes release builds (debug
/// builds start slower in proportion to their size).
#[test]
fn start_up_and_peak_memory_beside_a_hello_world_function() {
    let user = "rotator-measure";
    let (arn, _) = secret_for(user, "rotator/measure", 2);
    let api = RuntimeApi::start();
    let mut function = start_function(&api, "AKIAROTATORMEASURE00");
    let t = token(1100);
    start_rotation(&arn, &t);
    for (n, step) in ["createSecret", "setSecret", "testSecret", "finishSecret"]
        .into_iter()
        .enumerate()
    {
        let answer = api.invoke(
            &format!("m-{n}"),
            serde_json::json!({"Step": step, "SecretId": arn, "ClientRequestToken": t}),
        );
        assert_eq!(answer.kind, "response", "{step}: {answer:?}");
    }
    let rotator_kib = peak_kib(&mut function);
    kill(function);

    let api = RuntimeApi::start();
    let mut yardstick = start(&hello(), &api, "AKIAROTATORHELLO0000");
    let answer = api.invoke("hello-0", serde_json::json!({}));
    assert_eq!(answer.kind, "response", "{answer:?}");
    let hello_kib = peak_kib(&mut yardstick);
    kill(yardstick);

    let (rotator_start, hello_start) = (start_up(&binary()), start_up(&hello()));
    let ratio = rotator_start.as_secs_f64() / hello_start.as_secs_f64();
    println!(
        "measured: start-up {:.1} ms (hello-world {:.1} ms, {ratio:.2}x); peak memory over a rotation {:.1} MiB (hello-world {:.1} MiB)",
        rotator_start.as_secs_f64() * 1e3,
        hello_start.as_secs_f64() * 1e3,
        rotator_kib as f64 / 1024.0,
        hello_kib as f64 / 1024.0,
    );
    assert!(rotator_kib <= 64 * 1024, "peak memory {rotator_kib} KiB");
    if std::env::var_os("SES_SMTP_ROTATOR_BIN").is_some() {
        assert!(ratio <= 2.0, "start-up {ratio:.2}x the hello-world's");
    }
}
