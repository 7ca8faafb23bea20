//! Operator workflow: --out files, profiles, policy, completions, man page.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use ses_smtp_test_support::{child, cli};

use assert_cmd::Command;
use std::os::unix::fs::PermissionsExt;

const SECRET: &str = "Cn4ryQ8vX2pL9mZ/T7wK3sR6yB1dF5hJ0gN8eUa+";
/// python3 hmac, us-east-1.
const PASSWORD: &str = "BCRPcAH1o/C8/ODvg1pAG7CN3hyN0s2vbUbAXwI3Qu2W";
const SUBCOMMANDS: [&str; 7] = [
    "verify",
    "vectors",
    "regions",
    "policy",
    "completions",
    "man",
    "help",
];

fn cmd() -> Command {
    cli::cmd()
}

#[test]
fn out_writes_mode_0600_whatever_the_umask() {
    // A permissive umask must not loosen the file, and a strict one must
    // not leave it unreadable (0277 would give 0400, 0777 would give 0000).
    for umask in ["000", "022", "0277", "0777"] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("smtp.env");
        let mut sh = std::process::Command::new("sh");
        sh.args([
            "-c",
            &format!(
                "umask {umask}; exec \"$0\" --region us-east-1 --format password --out \"$1\""
            ),
            cli::bin(),
        ])
        .arg(&path);
        let out = cli::run_with_stdin(cli::clean_env(&mut sh), SECRET.as_bytes());
        assert!(out.status.success(), "umask {umask}: {out:?}");
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.permissions().mode() & 0o7777, 0o600, "umask {umask}");
        // The message names the mode the file really has.
        assert!(
            String::from_utf8_lossy(&out.stderr)
                .ends_with(&format!("wrote {} (mode 0600)\n", path.display())),
            "umask {umask}: {out:?}"
        );
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            format!("{PASSWORD}\n")
        );
        // Nothing else was left in the directory (no temporary file).
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}

#[test]
fn out_replaces_only_a_regular_file() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let to_null = dir.path().join("to-null");
    std::os::unix::fs::symlink("/dev/null", &to_null).unwrap();
    let targets = [
        std::path::PathBuf::from("/dev/null"),
        std::path::PathBuf::from("/dev/stdout"),
        fifo,
        to_null,
        dir.path().to_path_buf(),
    ];
    for target in &targets {
        for force in [false, true] {
            let mut c = cmd();
            c.args(["--region", "us-east-1", "--format", "password", "--out"])
                .arg(target);
            if force {
                c.arg("--force");
            }
            let out = c.write_stdin(SECRET).output().unwrap();
            assert_eq!(out.status.code(), Some(2), "{target:?} {force}: {out:?}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains("is not a regular file") || stderr.contains("is not a file name"),
                "{target:?}: {stderr}"
            );
            assert!(out.stdout.is_empty());
        }
    }
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    // Only what the test made is in the directory.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}

#[test]
fn out_never_replaces_the_file_the_secret_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.txt");
    std::fs::write(&key, format!("{SECRET}\n")).unwrap();
    let link = dir.path().join("hard-link.txt");
    std::fs::hard_link(&key, &link).unwrap();
    let base = ["--region", "us-east-1", "--format", "password", "--force"];
    let stdin = || std::process::Stdio::from(std::fs::File::open(&key).unwrap());
    let cases: Vec<(Vec<std::ffi::OsString>, bool)> = vec![
        // `--out key.txt --force < key.txt`
        (vec!["--out".into(), key.clone().into()], true),
        // `--secret-file - --out key.txt --force < key.txt`
        (
            vec![
                "--secret-file".into(),
                "-".into(),
                "--out".into(),
                key.clone().into(),
            ],
            true,
        ),
        // Another name of the same file.
        (
            vec![
                "--secret-file".into(),
                key.clone().into(),
                "--out".into(),
                link.clone().into(),
            ],
            false,
        ),
        (
            vec![
                "--secret-file".into(),
                dir.path().join(".").join("key.txt").into(),
                "--out".into(),
                key.clone().into(),
            ],
            false,
        ),
    ];
    for (args, redirect) in cases {
        let mut c = cli::tool();
        c.args(base).args(&args);
        c.stdin(if redirect {
            stdin()
        } else {
            std::process::Stdio::null()
        });
        use std::process::Stdio;
        let out = child::start(c.stdout(Stdio::piped()).stderr(Stdio::piped())).wait();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("is the file the secret was read from"),
            "{args:?}: {out:?}"
        );
        assert_eq!(
            std::fs::read_to_string(&key).unwrap(),
            format!("{SECRET}\n"),
            "{args:?} replaced the secret"
        );
    }
}

/// Any signal while --out is being written, `kill -9` included: the file
/// has no name until it is complete (O_TMPFILE), so nothing is left behind
/// and the tool dies of the signal. The tool pauses, in test builds only,
/// once the file is written; the test waits for it to say so before
/// signalling, and looks: the directory holds no file at all.
#[test]
fn out_leaves_nothing_behind_when_interrupted() {
    use std::io::BufRead;
    use std::os::unix::process::ExitStatusExt;
    for sig in [
        libc::SIGTERM,
        libc::SIGINT,
        libc::SIGHUP,
        libc::SIGQUIT,
        libc::SIGUSR1,
        libc::SIGKILL,
    ] {
        for force in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("smtp.txt");
            if force {
                std::fs::write(&path, "old\n").unwrap();
            }
            let mut child = cli::tool();
            child
                .args(["--region", "us-east-1", "--format", "password", "--out"])
                .arg(&path)
                .args(force.then_some("--force"))
                .env("SES_SMTP_PASSWORD_TEST_PAUSE_OUT", "1")
                .stdin(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            let mut running = child::start(child::in_the_foreground(&mut child));
            {
                use std::io::Write;
                let mut stdin = running.child().stdin.take().unwrap();
                stdin.write_all(SECRET.as_bytes()).unwrap();
            }
            let mut stderr = std::io::BufReader::new(running.child().stderr.take().unwrap());
            let mut line = String::new();
            stderr.read_line(&mut line).unwrap();
            let names = cli::file_names(dir.path());
            // Signals our own child before any assertion, so a failing
            // one leaves no paused child behind.
            let pid = nix::unistd::Pid::from_raw(i32::try_from(running.child().id()).unwrap());
            nix::sys::signal::kill(pid, nix::sys::signal::Signal::try_from(sig).unwrap()).unwrap();
            let status = running.wait_now(child::CHILD_DEADLINE).status;
            assert_eq!(line, "paused with the temporary file written\n");
            let expected: &[&str] = if force { &["smtp.txt"] } else { &[] };
            assert_eq!(names, expected, "signal {sig}: a name while writing");
            assert_eq!(status.signal(), Some(sig), "{status:?}");
            assert_eq!(
                cli::file_names(dir.path()),
                expected,
                "signal {sig} left a file behind"
            );
            if force {
                assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
            }
        }
    }
}

/// A file size limit (`ulimit -f`) hit while writing --out: SIGXFSZ ends the
/// tool, and no partial file holding passwords is left.
#[test]
fn out_leaves_nothing_behind_past_a_file_size_limit() {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("smtp.txt");
    let mut cmd = cli::tool();
    cmd.args(["--all-regions", "--format", "text", "--out"])
        .arg(&path)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    // SAFETY: setrlimit and signal are async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGXFSZ, libc::SIG_DFL);
            let limit = libc::rlimit {
                rlim_cur: 512,
                rlim_max: 512,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let out = cli::run_with_stdin(&mut cmd, SECRET.as_bytes());
    assert!(!out.status.success(), "{out:?}");
    assert_eq!(cli::file_names(dir.path()), Vec::<String>::new());
}

/// The secret's file renamed onto the `--out --force` target while the
/// output is written: the check is made again just before the rename, so
/// the only copy of the secret is not replaced (exit 2), and no temporary
/// file is left. The tool pauses, in test builds only, until the test has
/// moved the file and says go.
#[test]
fn out_checks_again_before_the_rename_that_the_target_is_not_the_secret() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key.txt");
    let out = dir.path().join("smtp.txt");
    let go = dir.path().join("go");
    std::fs::write(&key, format!("{SECRET}\n")).unwrap();
    std::fs::write(&out, "old\n").unwrap();
    let mut child = cli::tool();
    child
        .args(["--region", "us-east-1", "--format", "password", "--force"])
        .arg("--secret-file")
        .arg(&key)
        .arg("--out")
        .arg(&out)
        .env("SES_SMTP_PASSWORD_TEST_PAUSE_OUT_UNTIL", &go)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut running = child::start(&mut child);
    let mut stderr = std::io::BufReader::new(running.child().stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert_eq!(line, "paused with the temporary file written\n");
    std::fs::rename(&key, &out).unwrap();
    std::fs::write(&go, "").unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let status = running.wait().status;
    assert_eq!(status.code(), Some(2), "{rest}");
    assert!(
        rest.contains("is the file the secret was read from"),
        "{rest}"
    );
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!("{SECRET}\n")
    );
    let mut names = cli::file_names(dir.path());
    names.sort();
    assert_eq!(names, ["go", "smtp.txt"]);
}

/// The `--out` target swapped for a symbolic link while the output is
/// written: with --force, a link to a regular file elsewhere is replaced by
/// the file written (the file it pointed to untouched), and a link to
/// /dev/null is refused (exit 2); without --force, a link planted where
/// there was nothing is refused (exit 2) and nothing is written through
/// it. "wrote" is said only of a file at the name asked for.
#[test]
fn out_never_writes_through_a_link_swapped_in_meanwhile() {
    use std::io::BufRead;
    let swap = |force: bool, target: &std::path::Path, plant: &dyn Fn(&std::path::Path)| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("smtp.txt");
        let go = dir.path().join("go");
        if force {
            std::fs::write(&out, "old\n").unwrap();
        }
        let mut child = cli::tool();
        child
            .args(["--region", "us-east-1", "--format", "password"])
            .args(force.then_some("--force"))
            .arg("--out")
            .arg(&out)
            .env("SES_SMTP_PASSWORD_TEST_PAUSE_OUT_UNTIL", &go)
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut running = child::start(&mut child);
        {
            use std::io::Write;
            let mut stdin = running.child().stdin.take().unwrap();
            stdin.write_all(SECRET.as_bytes()).unwrap();
        }
        let mut stderr = std::io::BufReader::new(running.child().stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        assert_eq!(line, "paused with the temporary file written\n");
        let _ = std::fs::remove_file(&out);
        std::os::unix::fs::symlink(target, &out).unwrap();
        plant(&out);
        std::fs::write(&go, "").unwrap();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
        let status = running.wait().status;
        (status.code(), rest, out, dir)
    };
    let elsewhere = tempfile::tempdir().unwrap();
    let victim = elsewhere.path().join("victim.txt");
    std::fs::write(&victim, "untouched\n").unwrap();
    // --force, a link to a regular file: the link is replaced.
    let (code, rest, out, _dir) = swap(true, &victim, &|_| {});
    assert_eq!(code, Some(0), "{rest}");
    assert!(rest.contains("(mode 0600)"), "{rest}");
    let meta = std::fs::symlink_metadata(&out).unwrap();
    assert!(meta.file_type().is_file(), "the link was not replaced");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched\n");
    // --force, a link to /dev/null: refused.
    let (code, rest, out, _dir) = swap(true, std::path::Path::new("/dev/null"), &|_| {});
    assert_eq!(code, Some(2), "{rest}");
    assert!(!rest.contains("wrote"), "{rest}");
    assert!(
        std::fs::symlink_metadata(&out)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    // No --force, a link planted where there was nothing: refused.
    let (code, rest, _out, _dir) = swap(false, &victim, &|_| {});
    assert_eq!(code, Some(2), "{rest}");
    assert!(
        rest.contains("appeared while the output was written"),
        "{rest}"
    );
    assert!(!rest.contains("wrote"), "{rest}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched\n");
}

#[test]
fn out_refuses_to_overwrite_and_force_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("smtp.txt");
    std::fs::write(&path, "old\n").unwrap();
    let base = ["--region", "us-east-1", "--format", "password", "--out"];
    cmd()
        .args(base)
        .arg(&path)
        .write_stdin(SECRET)
        .assert()
        .code(2);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old\n");
    cmd()
        .args(base)
        .arg(&path)
        .arg("--force")
        .write_stdin(SECRET)
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{PASSWORD}\n")
    );
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn out_leaves_nothing_behind_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("smtp.txt");
    for (stdin, code) in [(&SECRET[..39], 3), ("", 5)] {
        let out = cmd()
            .args(["--region", "us-east-1", "--out"])
            .arg(&path)
            .write_stdin(stdin)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code));
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "a file was left behind"
        );
    }
    // A directory that does not exist: refused before reading anything.
    cmd()
        .args(["--region", "us-east-1", "--out"])
        .arg(dir.path().join("missing/smtp.txt"))
        .write_stdin(SECRET)
        .assert()
        .code(6);
}

#[test]
fn out_refuses_the_profile_file_it_read() {
    let dir = tempfile::tempdir().unwrap();
    let creds = dir.path().join("credentials");
    std::fs::write(
        &creds,
        format!(
            "[smtp]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {SECRET}\n"
        ),
    )
    .unwrap();
    let before = std::fs::read(&creds).unwrap();
    cmd()
        .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
        .args([
            "--profile",
            "smtp",
            "--region",
            "us-east-1",
            "--force",
            "--out",
        ])
        .arg(&creds)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&creds).unwrap(), before);
}

#[test]
fn smtp_url_round_trips_through_a_url_parser() {
    let out = cmd()
        .args([
            "--region",
            "us-east-1",
            "--access-key-id",
            "AKIAIOSFODNN7EXAMPLE",
            "--format",
            "smtp-url",
        ])
        .write_stdin(SECRET)
        .output()
        .unwrap();
    let url = String::from_utf8(out.stdout).unwrap();
    // The `url` crate (WHATWG URL parsing) as the independent parser.
    let parsed = url::Url::parse(url.trim()).unwrap();
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .unwrap()
            .into_owned()
    };
    assert_eq!(parsed.scheme(), "smtp");
    assert_eq!(decode(parsed.username()), "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(parsed.password().map(decode).as_deref(), Some(PASSWORD));
    assert_eq!(
        parsed.host_str(),
        Some("email-smtp.us-east-1.amazonaws.com")
    );
    assert_eq!(parsed.port(), Some(587));
}

#[test]
fn policy_is_valid_json_of_the_expected_shape() {
    let out = cmd()
        .args([
            "policy",
            "--identity",
            "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
            "--from-address",
            "noreply@example.com",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let p: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(p["Version"], "2012-10-17");
    let statements = p["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 1);
    let s = &statements[0];
    assert_eq!(s["Effect"], "Allow");
    assert_eq!(s["Action"], "ses:SendRawEmail", "only SendRawEmail");
    assert_eq!(
        s["Resource"],
        "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
    );
    assert_eq!(
        s["Condition"]["StringLike"]["ses:FromAddress"],
        serde_json::json!(["noreply@example.com"])
    );

    let gov = cmd()
        .args(["policy", "--region", "us-gov-east-1"])
        .output()
        .unwrap();
    let p: serde_json::Value = serde_json::from_slice(&gov.stdout).unwrap();
    assert_eq!(
        p["Statement"][0]["Condition"]["StringEquals"]["aws:RequestedRegion"],
        "us-gov-east-1"
    );
    let gov_arn = cmd()
        .args([
            "policy",
            "--identity",
            "example.com",
            "--account-id",
            "123456789012",
            "--region",
            "us-gov-east-1",
        ])
        .output()
        .unwrap();
    let p: serde_json::Value = serde_json::from_slice(&gov_arn.stdout).unwrap();
    assert_eq!(
        p["Statement"][0]["Resource"],
        "arn:aws-us-gov:ses:us-gov-east-1:123456789012:identity/example.com"
    );
}

#[test]
fn completions_for_every_shell_mention_every_subcommand() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = cmd().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.len() > 500, "{shell}: too short");
        for sub in SUBCOMMANDS {
            assert!(text.contains(sub), "{shell} completion lacks {sub}");
        }
        assert!(
            text.contains("--region") || text.contains("region"),
            "{shell}"
        );
    }
}

#[test]
fn man_page_is_roff_and_lists_the_subcommands() {
    let out = cmd().arg("man").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains(".TH ses-smtp-password 1"));
    for sub in SUBCOMMANDS {
        assert!(text.contains(sub), "man page lacks {sub}");
    }
    assert!(text.contains("\\-\\-secret\\-file") || text.contains("secret-file"));
}

#[test]
fn every_documented_template_renders() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/templates");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let out = cmd()
            .args([
                "--region",
                "us-east-1",
                "--access-key-id",
                "AKIAIOSFODNN7EXAMPLE",
                "--template",
            ])
            .arg(&path)
            .write_stdin(SECRET)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("email-smtp.us-east-1.amazonaws.com"),
            "{}",
            path.display()
        );
        assert!(
            text.contains(PASSWORD)
                || text.contains("BCRPcAH1o%2FC8%2FODvg1pAG7CN3hyN0s2vbUbAXwI3Qu2W"),
            "{}: no password",
            path.display()
        );
        n += 1;
    }
    assert!(n >= 5);
}
