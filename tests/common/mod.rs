//! Shared test helpers: the binary, its environment, its standard input,
//! and the vector files (which live with the library).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The known-answer vectors, kept with the library they pin.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/ses-smtp-credentials/tests/vectors")
}

/// The vector files, sorted.
pub fn vector_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "vector files missing: {files:?}");
    files
}

/// Every line of every vector file, as JSON (`secret`, `region`, `version`,
/// `password`, `name`). The library's tests hold the typed loader.
pub fn vector_values() -> Vec<serde_json::Value> {
    vector_files()
        .iter()
        .flat_map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect::<Vec<serde_json::Value>>()
        })
        .collect()
}

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
    let mut cmd = std::process::Command::new(BIN);
    clean_env(&mut cmd);
    cmd
}

/// Runs `cmd` with `stdin` written to its standard input, then closed;
/// stdout and stderr are captured.
pub fn run_with_stdin(cmd: &mut std::process::Command, stdin: &[u8]) -> std::process::Output {
    use std::process::Stdio;
    feed(cmd.stdout(Stdio::piped()).stderr(Stdio::piped()), stdin)
}

/// Like [`run_with_stdin`], but stdout and stderr go where `cmd` says.
pub fn feed(cmd: &mut std::process::Command, stdin: &[u8]) -> std::process::Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "could not start {:?} ({e}): the tool under test, or sh, which every Debian system has",
                cmd.get_program()
            )
        });
    // A tool that fails early may close its stdin first; that is fine.
    let _ = child.stdin.take().expect("stdin").write_all(stdin);
    child.wait_with_output().expect("wait")
}

/// Starts `cmd` as a shell would start it in the foreground: whoever runs
/// the tests may ignore SIGTERM, SIGINT or SIGHUP (nohup), which children
/// inherit and the tool rightly keeps, so a signal test could not end it.
pub fn in_the_foreground(cmd: &mut std::process::Command) -> &mut std::process::Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: only signal(), async-signal-safe, between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            for sig in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP] {
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

pub fn canned_http(answer: impl Fn(&[u8]) -> (u16, String) + Send + 'static) -> CannedHttp {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
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
                continue;
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
        }
    });
    CannedHttp { port }
}
