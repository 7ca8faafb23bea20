//! The `aws-front` build (the Debian package's `ses-smtp-password`): the
//! AWS commands are parsed here and run by `ses-smtp-password-aws` beside
//! the binary, exec'd with the same arguments and environment in the same
//! process; everything else (a derivation, help) runs here, and a missing
//! helper is a clear error. Run by CI with `--features aws-front`.
#![cfg(all(feature = "aws-front", not(feature = "aws")))]
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use ses_smtp_test_support::{child, cli};

use std::path::{Path, PathBuf};

/// A folder holding the front binary, hard-linked (not copied), and with
/// `helper` the stand-in helper beside it, a symbolic link to
/// tests/front_helper.sh (which records its arguments, pid and one
/// variable in `FRONT_TEST_DIR`). No test writes an executable: another
/// test's fork could inherit it open for writing, and exec would then fail
/// with ETXTBSY ("Text file busy"). The folder is under cargo's
/// `CARGO_TARGET_TMPDIR`, on the binary's file system, so the link works;
/// the front finds its helper beside the path it was started by
/// (`/proc/self/exe` names the link).
fn front_with_helper(helper: bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let front = dir.path().join("ses-smtp-password");
    std::fs::hard_link(cli::bin(), &front).unwrap();
    if helper {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/front_helper.sh");
        std::os::unix::fs::symlink(script, dir.path().join("ses-smtp-password-aws")).unwrap();
    }
    (dir, front)
}

/// The front at `front`, its helper recording into `dir`.
fn front_cmd(front: &Path, dir: &Path) -> std::process::Command {
    let mut cmd = cli::tool_at(front);
    cmd.env("FRONT_TEST_DIR", dir);
    cmd
}

#[test]
fn aws_commands_run_in_the_helper_in_the_same_process() {
    let (dir, front) = front_with_helper(true);
    let args = [
        "sync",
        "--from",
        "secretsmanager:prod/smtp",
        "--out",
        "/tmp/sasl passwd",
        "--then",
        "postmap x && postfix reload",
    ];
    let mut cmd = front_cmd(&front, dir.path());
    cmd.args(args).env("FRONT_TEST", "passed");
    let mut running = child::start(&mut cmd);
    let pid = running.child().id();
    let out = running.wait();
    assert_eq!(out.status.code(), Some(42), "the helper's exit code");
    let argv = std::fs::read_to_string(dir.path().join("argv")).unwrap();
    assert_eq!(argv.lines().collect::<Vec<_>>(), args, "the same arguments");
    let helper_pid: u32 = std::fs::read_to_string(dir.path().join("pid"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(helper_pid, pid, "exec'd: the same process");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("env")).unwrap(),
        "passed\n"
    );
    for args in [
        &["rotate", "--user-name", "smtp", "--region", "eu-west-1"][..],
        &[
            "retire",
            "--user-name",
            "smtp",
            "--access-key-id",
            "AKIAIOSFODNN7EXAMPLE",
        ],
        &["keys", "--user-name", "smtp"],
    ] {
        std::fs::remove_file(dir.path().join("argv")).unwrap();
        let out = child::output(front_cmd(&front, dir.path()).args(args));
        assert_eq!(
            out.status.code(),
            Some(42),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let argv = std::fs::read_to_string(dir.path().join("argv")).unwrap();
        assert_eq!(argv.lines().collect::<Vec<_>>(), args);
    }
}

#[test]
fn help_usage_errors_and_derivations_stay_in_the_front() {
    let (dir, front) = front_with_helper(true);
    let help = child::output(front_cmd(&front, dir.path()).args(["sync", "--help"]));
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("--then"));
    let usage = child::output(front_cmd(&front, dir.path()).args([
        "sync",
        "--from",
        "secretsmanager:prod/smtp",
    ]));
    assert_eq!(usage.status.code(), Some(2), "--out is required");
    let version = child::output(front_cmd(&front, dir.path()).arg("--version"));
    assert!(String::from_utf8_lossy(&version.stdout).contains("aws"));
    let derived = cli::run_with_stdin(
        front_cmd(&front, dir.path()).args([
            "--region",
            "us-east-1",
            "--access-key-id",
            "AKIAIOSFODNN7EXAMPLE",
            "--format",
            "password",
        ]),
        b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    assert_eq!(
        String::from_utf8_lossy(&derived.stdout),
        "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9\n",
        "{}",
        String::from_utf8_lossy(&derived.stderr)
    );
    assert!(!dir.path().join("argv").exists(), "the helper never ran");
}

#[test]
fn a_missing_helper_is_an_error_that_says_what_to_do() {
    let (dir, front) = front_with_helper(false);
    let out = child::output(front_cmd(&front, dir.path()).args(["keys", "--user-name", "smtp"]));
    assert_eq!(out.status.code(), Some(6));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ses-smtp-password-aws") && stderr.contains("hint: reinstall the package"),
        "{stderr}"
    );
}
