//! CLI behaviour that trycmd cannot express: closed pipes, full disks,
//! vectors generate. Against the known-answer vectors: tests/cli/vectors.rs.
//! The no-leak sweep is tests/cli/no_leak.rs.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use ses_smtp_test_support::{child, cli};

use assert_cmd::Command;
use std::io::Write;
use std::process::Stdio;

/// A made-up secret.
const CANARY: &str = "Cn4ryQ8vX2pL9mZ/T7wK3sR6yB1dF5hJ0gN8eUa+";

fn cmd() -> Command {
    cli::cmd()
}

#[test]
fn closed_stdout_is_an_error() {
    // stdin stays open until stdout is closed, so the write must hit EPIPE.
    let mut running = child::start(
        cli::tool()
            .args(["--region", "us-east-1", "--format", "password"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    drop(running.child().stdout.take());
    let mut stdin = running.child().stdin.take().unwrap();
    stdin.write_all(CANARY.as_bytes()).unwrap();
    drop(stdin);
    let out = running.wait();
    assert_eq!(
        out.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        "error: could not write to standard output: Broken pipe (os error 32)\n"
    );
}

#[test]
fn full_disk_is_an_error() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = child::feed(
        cli::tool()
            .args([
                "--region",
                "us-east-1",
                "--access-key-id",
                "AKIAIOSFODNN7EXAMPLE",
            ])
            .stdout(full)
            .stderr(Stdio::piped()),
        CANARY.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: could not write to standard output: No space left on device (os error 28)\n"
    );
}

#[test]
fn json_schema_of_one_region() {
    let out = cmd()
        .args([
            "--region",
            "eu-west-2",
            "--format",
            "json",
            "--access-key-id",
            "AKIAIOSFODNN7EXAMPLE",
        ])
        .write_stdin(CANARY)
        .output()
        .unwrap();
    let item: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut keys: Vec<&String> = item.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "endpoint",
            "fips_endpoint",
            "password",
            "ports",
            "region",
            "username",
            "version"
        ]
    );
    assert_eq!(item["fips_endpoint"], serde_json::Value::Null);
    assert_eq!(
        item["ports"]["starttls"],
        serde_json::json!([587, 25, 2587])
    );
    assert_eq!(item["ports"]["tls_wrapper"], serde_json::json!([465, 2465]));
    assert_eq!(item["version"], 4);
}

#[test]
fn env_output_is_safe_to_eval() {
    let out = cmd()
        .args([
            "--region",
            "eu-west-1",
            "--format",
            "env",
            "--access-key-id",
            "AKIAIOSFODNN7EXAMPLE",
        ])
        .write_stdin(CANARY)
        .output()
        .unwrap();
    assert!(out.status.success());
    let script = format!(
        "{}\nprintf '%s|%s|%s|%s' \"$SMTP_USERNAME\" \"$SMTP_PASSWORD\" \"$SMTP_HOST\" \"$SMTP_PORT\"",
        String::from_utf8(out.stdout).unwrap()
    );
    let sh = child::output(std::process::Command::new("sh").args(["-c", &script]));
    let fields = String::from_utf8(sh.stdout).unwrap();
    let parts: Vec<&str> = fields.split('|').collect();
    assert_eq!(parts[0], "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(parts[1].len(), 44);
    assert_eq!(parts[2], "email-smtp.eu-west-1.amazonaws.com");
    assert_eq!(parts[3], "587");
}

fn generate(args: &[&str]) -> Vec<u8> {
    let out = cmd()
        .args(["vectors", "generate"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success());
    out.stdout
}

#[test]
fn generated_vectors_are_right_reproducible_and_round_trip() {
    let a = generate(&["--count", "200", "--seed", "s1", "--v2"]);
    assert_eq!(
        a,
        generate(&["--count", "200", "--seed", "s1", "--v2"]),
        "same seed, same vectors"
    );
    assert_ne!(
        a,
        generate(&["--count", "200", "--seed", "s2", "--v2"]),
        "another seed"
    );
    assert_ne!(
        generate(&["--count", "5"]),
        generate(&["--count", "5"]),
        "unseeded runs differ"
    );

    // Every line against the independent HMAC (hmac-sha256 crate).
    let mut regions = std::collections::BTreeSet::new();
    let mut v2 = 0;
    for line in String::from_utf8(a.clone()).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let secret = v["secret"].as_str().unwrap();
        assert_eq!(secret.len(), 40);
        let tag = match v["region"].as_str() {
            Some(region) => {
                regions.insert(region.to_string());
                let mut key = b"AWS4".to_vec();
                key.extend_from_slice(secret.as_bytes());
                let mut k = hmac_sha256::HMAC::mac(b"11111111", &key);
                for part in [region.as_bytes(), b"ses", b"aws4_request", b"SendRawEmail"] {
                    k = hmac_sha256::HMAC::mac(part, k);
                }
                [&[4u8][..], &k[..]].concat()
            }
            None => {
                v2 += 1;
                [
                    &[2u8][..],
                    &hmac_sha256::HMAC::mac(b"SendRawEmail", secret.as_bytes())[..],
                ]
                .concat()
            }
        };
        use base64::Engine as _;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(v["password"].as_str().unwrap())
            .unwrap();
        assert_eq!(decoded, tag, "{line}");
    }
    assert_eq!(
        regions.len(),
        ses_smtp_credentials::region::smtp_regions().count(),
        "every region"
    );
    assert!(v2 > 0, "V2 vectors on request");

    // generate | check
    let out = cmd()
        .args(["vectors", "check", "-"])
        .write_stdin(a)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "200 passed, 0 failed\n"
    );
}

#[test]
fn profile_files_that_are_not_regular_files_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let shown = |p: &std::path::Path| p.display().to_string();
    for path in [shown(dir.path()), shown(&fifo), "/dev/zero".to_string()] {
        let out = cmd()
            .args(["--profile", "smtp", "--region", "us-east-1"])
            .env("AWS_SHARED_CREDENTIALS_FILE", &path)
            .env("AWS_CONFIG_FILE", dir.path().join("absent"))
            // A FIFO without a writer or /dev/zero must not hold it up.
            .timeout(std::time::Duration::from_secs(10))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(6), "{path}: {out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("error: {path} is not a regular file (a directory, FIFO or device)\n")
        );
    }
}

/// Standard output closed at start (`>&-`) is an error, not a password
/// thrown away with exit 0; so are --help and --version on a full disk.
/// `> /dev/null` is a choice the caller made, and succeeds.
#[test]
fn closed_or_full_stdout_at_start_is_an_error() {
    let cases: [(&str, i32); 6] = [
        ("exec \"$0\" --region us-east-1 --format password >&-", 6),
        ("exec \"$0\" --help >&-", 6),
        ("exec \"$0\" --version >&-", 6),
        ("exec \"$0\" --help > /dev/full", 6),
        ("exec \"$0\" --version > /dev/full", 6),
        (
            "exec \"$0\" --region us-east-1 --format password > /dev/null",
            0,
        ),
    ];
    for (script, code) in cases {
        let mut sh = std::process::Command::new("sh");
        sh.args(["-c", script, cli::bin()]);
        let out = cli::run_with_stdin(cli::clean_env(&mut sh), CANARY.as_bytes());
        assert_eq!(out.status.code(), Some(code), "{script}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if code == 6 {
            assert!(
                stderr.contains("standard output is closed")
                    || stderr.contains("could not write to standard output"),
                "{script}: {stderr}"
            );
        }
        assert!(!stderr.contains(&CANARY[..8]), "{script}: {stderr}");
    }
}

/// The text format repeats where the secret came from; a long path there
/// (~1.7 KB, with every region) must not overflow the output buffer.
#[test]
fn text_output_holds_a_long_source_description() {
    // Relative to a temporary directory, so the path holds no random
    // mixed-case name (which the redaction would rightly hide).
    let dir = tempfile::tempdir().unwrap();
    let mut rel = std::path::PathBuf::new();
    for i in 0..7 {
        rel.push(format!("{i}{}", "d".repeat(240)));
    }
    std::fs::create_dir_all(dir.path().join(&rel)).unwrap();
    let file = rel.join("secret.txt");
    std::fs::write(dir.path().join(&file), CANARY).unwrap();
    let out = cmd()
        .current_dir(dir.path())
        .args(["--all-regions", "--secret-file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(file.as_os_str().len() > 1600);
    assert_eq!(
        text.matches(&format!("Secret from:     file {}\n", file.display()))
            .count(),
        19
    );
}

/// An AWS_ACCESS_KEY_ID that is set but not UTF-8 is a malformed ID (exit
/// 3), as a malformed ASCII one is, never a quietly missing one.
#[test]
fn a_non_utf8_access_key_id_in_the_environment_is_refused() {
    use std::os::unix::ffi::OsStrExt;
    let out = cmd()
        .args(["--from-env", "--region", "us-east-1"])
        .env("AWS_SECRET_ACCESS_KEY", CANARY)
        .env(
            "AWS_ACCESS_KEY_ID",
            std::ffi::OsStr::from_bytes(b"AKIAIOSFODNN7EXAMPL\xff"),
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("AWS_ACCESS_KEY_ID"), "{stderr}");
    assert!(out.stdout.is_empty());
}

/// `--out` onto a symlink that points nowhere: the name exists, so without
/// --force it is the usage error README's table gives an existing target
/// (exit 2), before the secret is read, and nothing is created.
#[test]
fn out_onto_a_dangling_symlink_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("smtp.env");
    std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
    let out = cmd()
        .args(["--region", "us-east-1", "--out"])
        .arg(&link)
        .write_stdin(CANARY)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("exists; pass --force"), "{stderr}");
    assert!(!dir.path().join("nowhere").exists());
    assert_eq!(cli::file_names(dir.path()), ["smtp.env"]);
}

/// The harness's deadline: a child that outlives it is killed with its
/// process group (here a shell and the sleep it started, which holds the
/// pipe), and the test that waited fails instead of hanging.
#[test]
fn a_child_past_its_deadline_is_killed_with_its_group() {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("sleep.pid");
    let child = std::process::Command::new("sh")
        .arg("-c")
        .arg("sleep 600 & echo $! > \"$1\"; wait")
        .arg("sh")
        .arg(&pidfile)
        .stdout(std::process::Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap();
    let waited =
        std::panic::catch_unwind(|| child::wait_within(child, std::time::Duration::from_secs(1)));
    let message = waited.expect_err("the wait ended past its deadline");
    let message = message
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or_default();
    assert!(message.contains("did not end within 1 s"), "{message}");
    let pid: i32 = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    // The sleep was killed with its group: it ends (a zombie until init
    // reaps it, then gone) as soon as the signal is delivered.
    let runs = || {
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        state
            .rsplit(')')
            .next()
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|s| s != "Z")
    };
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while runs() && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(!runs(), "the grandchild {pid} still runs");
}
