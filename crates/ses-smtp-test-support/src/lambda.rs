//! A Lambda Runtime API that a test serves on loopback
//! (`AWS_LAMBDA_RUNTIME_API`), and the built `ses-smtp-rotator` binary
//! started under it as Lambda starts it: shared by the rotation function's tests
//! (crates/ses-smtp-rotator/tests/rotation), `keys` beside a scheduled
//! rotation (tests/aws/scheduled.rs) and the Postfix run (tests/e2e_postfix).

use crate::child::{CHILD_DEADLINE, Running, start};
use crate::moto::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// $SES_SMTP_ROTATOR_BIN (scripts/measure-rotator.sh passes the release
/// build), else the debug build.
pub fn binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        built(
            "SES_SMTP_ROTATOR_BIN",
            &["--bin", "ses-smtp-rotator"],
            "ses-smtp-rotator",
        )
    })
    .clone()
}

/// The hello-world yardstick: $SES_SMTP_ROTATOR_HELLO, else the debug build.
pub fn hello() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        built(
            "SES_SMTP_ROTATOR_HELLO",
            &["--example", "hello"],
            "examples/hello",
        )
    })
    .clone()
}

/// `var`'s path, else `target` built by cargo into this target directory
/// (`cargo test` builds only the packages' libraries).
fn built(var: &str, target: &[&str], path: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(var) {
        return PathBuf::from(p);
    }
    // A build of its own may take minutes on a cold target directory.
    let status = start(
        Command::new(env!("CARGO"))
            .args(["build", "--locked", "--quiet", "-p", "ses-smtp-rotator"])
            .args(target)
            .current_dir(crate::workspace()),
    )
    .wait_within(Duration::from_secs(1800))
    .status;
    assert!(
        status.success(),
        "cargo build -p ses-smtp-rotator {target:?} failed"
    );
    // target/debug/deps/rotator-HASH → target/debug/PATH
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().join(path)
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
    /// When each request for the next invocation arrived.
    pub polls: Receiver<std::time::Instant>,
}

impl RuntimeApi {
    pub fn start() -> RuntimeApi {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (events, queued) = channel::<(String, String)>();
        let (answered, answers) = channel::<Answer>();
        let (polled, polls) = channel::<std::time::Instant>();
        let queued = Arc::new(Mutex::new(queued));
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { return };
                let (queued, answered, polled) = (queued.clone(), answered.clone(), polled.clone());
                std::thread::spawn(move || serve(conn, &queued, &answered, &polled));
            }
        });
        RuntimeApi {
            port,
            events,
            answers,
            polls,
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
fn serve(
    conn: TcpStream,
    queued: &Mutex<Receiver<(String, String)>>,
    answered: &Sender<Answer>,
    polled: &Sender<std::time::Instant>,
) {
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
            let _ = polled.send(std::time::Instant::now());
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
                 Lambda-Runtime-Invoked-BuiltFunction-Arn: arn:aws:lambda:{REGION}:{ACCOUNT}:function:ses-smtp-rotator\r\n\
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

/// The function `bin` as Lambda starts it, signing with `operator`,
/// against moto, its standard output (the log) and error piped: the caller
/// adds the SMTP side (`SES_SMTP_CA_FILE`, settings) and spawns it.
pub fn function(bin: &Path, api: &RuntimeApi, operator: &str) -> Command {
    let mut cmd = Command::new(bin);
    cmd.env_clear()
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
        .env("SES_SMTP_ALLOWED_HOSTS", "localhost")
        .envs(std::env::var_os("SSL_CERT_FILE").map(|f| ("SSL_CERT_FILE", f)))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// The built function ([`binary`]) under a Runtime API of its own, killed
/// with its process group when dropped.
pub struct BuiltFunction {
    pub api: RuntimeApi,
    child: Running,
    requests: usize,
}

impl BuiltFunction {
    /// The function signing with `operator`, with `env` added to
    /// [`function`]'s environment.
    pub fn start<K, V>(operator: &str, env: impl IntoIterator<Item = (K, V)>) -> BuiltFunction
    where
        K: AsRef<std::ffi::OsStr>,
        V: AsRef<std::ffi::OsStr>,
    {
        let api = RuntimeApi::start();
        let child = start(function(&binary(), &api, operator).envs(env));
        BuiltFunction {
            api,
            child,
            requests: 0,
        }
    }

    /// The running child (its ID, for its peak memory).
    pub fn child(&mut self) -> &mut std::process::Child {
        self.child.child()
    }

    /// The four steps of the rotation `token` of `arn`, one invocation
    /// each, as Secrets Manager sends them; the first error's message.
    pub fn steps(&mut self, arn: &str, token: &str) -> Result<(), String> {
        for step in ["createSecret", "setSecret", "testSecret", "finishSecret"] {
            self.requests += 1;
            let answer = self.api.invoke(
                &format!("request-{}", self.requests),
                serde_json::json!({"Step": step, "SecretId": arn, "ClientRequestToken": token}),
            );
            if answer.kind != "response" {
                let e: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
                return Err(format!("{step}: {}", e["errorMessage"]));
            }
        }
        Ok(())
    }

    /// Secrets Manager's RotateSecret: a new version, then the steps.
    pub fn rotate(&mut self, arn: &str, token: &str) -> Result<(), String> {
        crate::secrets::start_rotation(arn, token);
        self.steps(arn, token)
    }

    /// Stops the function; its log (one JSON object a line) and stderr.
    pub fn stop(mut self) -> (String, String) {
        let pid = nix::unistd::Pid::from_raw(i32::try_from(self.child().id()).unwrap());
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL);
        let out = self.child.wait_now(CHILD_DEADLINE);
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }
}
