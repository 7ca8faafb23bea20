//! End to end: the built `ses-smtp-rotator` binary under a Lambda Runtime
//! API that this test serves on loopback (`AWS_LAMBDA_RUNTIME_API`), driven
//! through a whole rotation the way Secrets Manager drives it: one
//! invocation per step, against moto and the SMTP test server.

use crate::driver::*;
use crate::harness::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The function binary, built once per test binary into this target
/// directory (`cargo test` builds only the packages' libraries).
fn binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args([
                "build",
                "--locked",
                "--quiet",
                "-p",
                "ses-smtp-rotator",
                "--bin",
                "ses-smtp-rotator",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap();
        assert!(status.success(), "cargo build -p ses-smtp-rotator failed");
        // target/debug/deps/rotator-HASH → target/debug/ses-smtp-rotator
        let exe = std::env::current_exe().unwrap();
        exe.parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("ses-smtp-rotator")
    })
    .clone()
}

/// What the function sent back for an invocation.
#[derive(Debug)]
pub struct Answer {
    pub request_id: String,
    /// `response` or `error` (or `init/error`).
    pub kind: String,
    pub body: String,
}

/// A Lambda Runtime API on loopback: invocations queued by the test, the
/// function's answers handed back.
pub struct RuntimeApi {
    pub port: u16,
    events: Sender<(String, String)>,
    answers: Receiver<Answer>,
}

impl RuntimeApi {
    pub fn start() -> RuntimeApi {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (events, queued) = channel::<(String, String)>();
        let (answered, answers) = channel::<Answer>();
        let queued = Arc::new(Mutex::new(queued));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { return };
                let (queued, answered) = (queued.clone(), answered.clone());
                std::thread::spawn(move || serve(conn, &queued, &answered));
            }
        });
        RuntimeApi {
            port,
            events,
            answers,
        }
    }

    /// Invokes the function with `event`; its answer.
    pub fn invoke(&self, request_id: &str, event: serde_json::Value) -> Answer {
        self.events
            .send((request_id.to_string(), event.to_string()))
            .unwrap();
        self.answers
            .recv_timeout(Duration::from_secs(120))
            .expect("the function answered within two minutes")
    }
}

/// One keep-alive connection: requests until the function hangs up.
fn serve(conn: TcpStream, queued: &Mutex<Receiver<(String, String)>>, answered: &Sender<Answer>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut out = conn;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, path) = (
            parts.next().unwrap_or("").to_string(),
            parts.next().unwrap_or("").to_string(),
        );
        let mut length = 0usize;
        loop {
            let mut h = String::new();
            reader.read_line(&mut h).unwrap();
            if h == "\r\n" || h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let body = String::from_utf8_lossy(&body).into_owned();
        if method == "GET" && path == "/2018-06-01/runtime/invocation/next" {
            let Ok((id, event)) = queued.lock().unwrap().recv() else {
                return;
            };
            let deadline = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_millis() as u64
                + 60_000;
            write!(
                out,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nLambda-Runtime-Aws-Request-Id: {id}\r\n\
                 Lambda-Runtime-Deadline-Ms: {deadline}\r\n\
                 Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:{REGION}:{ACCOUNT}:function:ses-smtp-rotator\r\n\
                 Content-Length: {}\r\n\r\n{event}",
                event.len()
            )
            .unwrap();
        } else if method == "POST" && path.starts_with("/2018-06-01/runtime/") {
            let rest = path.trim_start_matches("/2018-06-01/runtime/");
            let (request_id, kind) = match rest.strip_prefix("invocation/") {
                Some(r) => {
                    let (id, kind) = r.split_once('/').unwrap();
                    (id.to_string(), kind.to_string())
                }
                None => (String::new(), rest.to_string()),
            };
            answered
                .send(Answer {
                    request_id,
                    kind,
                    body,
                })
                .unwrap();
            write!(
                out,
                "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 16\r\n\r\n{{\"status\":\"OK\"}}"
            )
            .unwrap();
        } else {
            write!(out, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n").unwrap();
        }
        out.flush().unwrap();
    }
}

/// The function binary started as Lambda starts it, with its standard
/// output (the log) piped.
pub fn start_function(api: &RuntimeApi, operator: &str) -> Child {
    Command::new(binary())
        .env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{}", api.port))
        .env("AWS_LAMBDA_FUNCTION_NAME", "ses-smtp-rotator")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", operator)
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "rotator-secret-not-checked-by-moto-0000",
        )
        .env("AWS_ENDPOINT_URL", endpoint())
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("SES_SMTP_CA_FILE", &servers().ca_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn the_built_function_rotates_under_a_lambda_runtime_api() {
    let user = "rotator-e2e";
    let (arn, old) = secret_for(user, "rotator/e2e", 2);
    let api = RuntimeApi::start();
    let mut function = start_function(&api, "AKIAROTATORE2E000000");
    let t = token(1000);
    start_rotation(&arn, &t);
    for (n, step) in ["createSecret", "setSecret", "testSecret", "finishSecret"]
        .into_iter()
        .enumerate()
    {
        let id = format!("request-{n}");
        let answer = api.invoke(
            &id,
            serde_json::json!({"Step": step, "SecretId": arn, "ClientRequestToken": t}),
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

    function.kill().unwrap();
    let out = function.wait_with_output().unwrap();
    let log = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();

    assert_eq!(holding(&arn, "AWSCURRENT").as_deref(), Some(t.as_str()));
    assert_contract(&arn);
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
