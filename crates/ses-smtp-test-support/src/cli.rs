//! The command line under test: the binary with a clean environment, a
//! case (arguments, standard input, environment, files) run in a
//! directory of its own, the canary secret and its password, and the
//! probe's command line.

use crate::child::feed;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The binary under test: `ses-smtp-password` beside the test binary's
/// `deps/` folder, where cargo builds a package's binaries before its
/// integration tests (so a test of this build's features runs this
/// build's binary).
pub fn bin() -> &'static str {
    static BIN: OnceLock<String> = OnceLock::new();
    BIN.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        let path = exe
            .parent()
            .and_then(Path::parent)
            .unwrap()
            .join("ses-smtp-password");
        assert!(
            path.is_file(),
            "{} is not built: run the tests of the ses-smtp-password package (cargo test)",
            path.display()
        );
        path.into_os_string().into_string().unwrap()
    })
}

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
    tool_at(Path::new(bin()))
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

/// The names in `dir`: what an `--out` left behind.
pub fn file_names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
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

/// The binary with a clean environment as an `assert_cmd` command, waited
/// on for at most [`crate::child::CHILD_DEADLINE`] (then killed), in a
/// process group of its own.
pub fn cmd() -> assert_cmd::Command {
    use std::os::unix::process::CommandExt;
    let mut std = tool();
    std.process_group(0);
    let mut cmd = assert_cmd::Command::from_std(std);
    cmd.timeout(crate::child::CHILD_DEADLINE);
    cmd
}
