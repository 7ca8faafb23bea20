//! The one harness of the command line's tests: the binary with a clean
//! environment, a case (arguments, standard input, environment, files)
//! run in a directory of its own, the canary secret and its password, the
//! probe's command line, and stand-in servers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_ses-smtp-password");

/// Every variable the tool reads; tests set the ones they mean to.
pub const TOOL_VARS: [&str; 10] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONFIG_FILE",
    "SES_SMTP_PASSWORD",
];

/// Removes the tool's variables from a command's environment.
pub fn clean_env(cmd: &mut std::process::Command) -> &mut std::process::Command {
    for v in TOOL_VARS {
        cmd.env_remove(v);
    }
    cmd
}

/// The binary with a clean environment.
pub fn tool() -> std::process::Command {
    tool_at(Path::new(BIN))
}

/// The binary at `path` (a copy of it) with a clean environment.
pub fn tool_at(path: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(path);
    clean_env(&mut cmd);
    cmd
}

/// Runs `cmd` with `stdin` written to its standard input, then closed;
/// stdout and stderr are captured.
pub fn run_with_stdin(cmd: &mut std::process::Command, stdin: &[u8]) -> std::process::Output {
    use std::process::Stdio;
    feed(cmd.stdout(Stdio::piped()).stderr(Stdio::piped()), stdin)
}

/// The longest a child a test starts may run: one still running then is
/// killed, with its process group, and the test fails naming it. No test
/// waits forever on a tool that hangs.
pub const CHILD_DEADLINE: Duration = Duration::from_secs(300);

/// Like [`run_with_stdin`], but stdout and stderr go where `cmd` says. The
/// child leads a process group of its own and is waited on within
/// [`CHILD_DEADLINE`] ([`wait_within`]).
pub fn feed(cmd: &mut std::process::Command, stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::os::unix::process::CommandExt;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "could not start {:?} ({e}): the tool under test, or sh, which every Debian system has",
                cmd.get_program()
            )
        });
    // A tool that fails early may close its stdin first; that is fine.
    let _ = child.stdin.take().expect("stdin").write_all(stdin);
    wait_within(child, CHILD_DEADLINE)
}

/// Waits for `child` and reads what it writes to the pipes it was given,
/// for at most `deadline`: past it, kills the child's process group (the
/// child must lead one: `process_group(0)`) and the child, and panics.
pub fn wait_within(mut child: std::process::Child, deadline: Duration) -> std::process::Output {
    use nix::sys::signal::{Signal, kill, killpg};
    use nix::unistd::Pid;
    use std::io::Read;
    fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    }
    let pid = Pid::from_raw(i32::try_from(child.id()).expect("a pid"));
    let (out, err) = (drain(child.stdout.take()), drain(child.stderr.take()));
    let (ended, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let status = child.wait();
        let _ = ended.send(status);
    });
    match wait.recv_timeout(deadline) {
        Ok(status) => std::process::Output {
            status: status.expect("wait"),
            stdout: out.join().expect("stdout"),
            stderr: err.join().expect("stderr"),
        },
        Err(_) => {
            let _ = killpg(pid, Signal::SIGKILL);
            let _ = kill(pid, Signal::SIGKILL);
            panic!(
                "child {pid} did not end within {} s: killed with its process group",
                deadline.as_secs()
            );
        }
    }
}

/// Starts `cmd` as a shell would start it in the foreground: whoever runs
/// the tests may ignore SIGTERM, SIGINT or SIGHUP (nohup), or SIGQUIT and
/// SIGINT (a background job of a non-interactive shell, some CI runners),
/// which children inherit and the tool rightly keeps, so a signal test
/// could not end it: every signal a test sends is reset to its default.
pub fn in_the_foreground(cmd: &mut std::process::Command) -> &mut std::process::Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: only signal(), async-signal-safe, between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            for sig in [
                libc::SIGTERM,
                libc::SIGINT,
                libc::SIGHUP,
                libc::SIGQUIT,
                libc::SIGUSR1,
            ] {
                libc::signal(sig, libc::SIG_DFL);
            }
            Ok(())
        })
    }
}

/// The names in `dir`: what an `--out` left behind.
pub fn file_names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// A stand-in HTTP endpoint on loopback (a hostile or refusing AWS
/// service): each request's body goes to `answer`, which gives the status
/// and the body of the reply (JSON when it starts with `{`, else XML); an
/// answer that blocks holds the request unanswered. Requests are served one
/// at a time, until the test process ends.
pub struct CannedHttp {
    pub port: u16,
}

pub fn canned_http(answer: impl Fn(&[u8]) -> (u16, String) + Send + Sync + 'static) -> CannedHttp {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let answer = std::sync::Arc::new(answer);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            // Each connection on a thread of its own: an answer held back
            // (a hanging call) holds back no other.
            let answer = answer.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(v) = lower.strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let (status, reply) = answer(&body);
                let kind = if reply.starts_with('{') {
                    "application/x-amz-json-1.1"
                } else {
                    "text/xml"
                };
                let mut stream = reader.into_inner();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} Canned\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                    reply.len()
                );
            });
        }
    });
    CannedHttp { port }
}

/// The canary: a made-up secret no key has ever had. Tests that prove no
/// output holds a secret feed this one and look for its pieces.
pub const CANARY_SECRET: &str = "Cn4ryQ8vX2pL9mZ/T7wK3sR6yB1dF5hJ0gN8eUa+";
/// Its V4 password for us-east-1 (python3 hmac, independently of the tool).
pub const CANARY_PASSWORD: &str = "BCRPcAH1o/C8/ODvg1pAG7CN3hyN0s2vbUbAXwI3Qu2W";
/// The AWS documentation's example access key ID.
pub const EXAMPLE_ID: &str = "AKIAIOSFODNN7EXAMPLE";

/// One run of the tool: arguments, standard input, environment, files
/// created in its working directory first, and the exit code expected.
#[derive(Clone, Debug)]
pub struct Case {
    pub label: String,
    pub args: Vec<String>,
    pub stdin: Vec<u8>,
    pub env: Vec<(String, String)>,
    pub files: Vec<(String, String)>,
    pub code: i32,
}

/// A case: `label` names it in failures; `code` is the exit code expected.
pub fn case(label: impl Into<String>, args: &[&str], stdin: impl Into<Vec<u8>>, code: i32) -> Case {
    Case {
        label: label.into(),
        args: args.iter().map(|a| a.to_string()).collect(),
        stdin: stdin.into(),
        env: vec![],
        files: vec![],
        code,
    }
}

impl Case {
    /// Sets a variable for the run.
    pub fn env(mut self, name: &str, value: impl Into<String>) -> Self {
        self.env.push((name.to_string(), value.into()));
        self
    }

    /// Creates a file in the run's working directory first.
    pub fn file(mut self, name: &str, content: impl Into<String>) -> Self {
        self.files.push((name.to_string(), content.into()));
        self
    }

    /// Runs it in a new directory, which is also HOME (no profile file of
    /// the machine's may count).
    pub fn run(&self) -> Ran {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in &self.files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let before = files_below(dir.path());
        let mut cmd = tool();
        cmd.current_dir(dir.path())
            .env("HOME", dir.path())
            .args(&self.args);
        for (name, value) in &self.env {
            cmd.env(name, value);
        }
        let mut ran = Ran::of(&mut cmd, &self.stdin);
        ran.written = files_below(dir.path())
            .into_iter()
            .filter(|p| !before.contains(p))
            .map(|p| {
                let bytes = std::fs::read(&p).unwrap();
                (p, bytes)
            })
            .collect();
        ran
    }
}

/// What a run did.
#[derive(Debug)]
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The raw bytes of standard output (a password may not be UTF-8).
    pub stdout_bytes: Vec<u8>,
    pub elapsed: Duration,
    /// Files the run created in its directory ([`Case::run`]), with their
    /// contents.
    pub written: Vec<(PathBuf, Vec<u8>)>,
}

impl Ran {
    /// Runs `cmd` with `stdin` written to it, then closed.
    pub fn of(cmd: &mut std::process::Command, stdin: &[u8]) -> Ran {
        let start = Instant::now();
        let out = run_with_stdin(cmd, stdin);
        Ran {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            stdout_bytes: out.stdout,
            elapsed: start.elapsed(),
            written: vec![],
        }
    }
}

/// Every file below `dir`.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_below(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The probe's command line against a test server on `port`, as `user`,
/// trusting the test CA in `ca_file`, with a 2-second timeout.
pub fn probe_args(port: u16, ca_file: &Path, user: &str) -> Vec<String> {
    [
        "probe",
        "--region",
        "us-east-1",
        "--access-key-id",
        user,
        "--endpoint",
        &format!("localhost:{port}"),
        "--tls",
        "starttls",
        "--ca-file",
        &ca_file.display().to_string(),
        "--timeout",
        "2",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect()
}
