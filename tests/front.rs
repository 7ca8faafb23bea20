//! The `aws-front` build (the Debian package's `ses-smtp-password`): the
//! AWS commands are parsed here and run by `ses-smtp-password-aws` beside
//! the binary, exec'd with the same arguments and environment in the same
//! process; everything else (a derivation, help) runs here, and a missing
//! helper is a clear error. Run by CI with `--features aws-front`.
#![cfg(all(feature = "aws-front", not(feature = "aws")))]
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// The front binary copied into a folder of its own, with a stand-in
/// helper beside it that records its arguments, pid and one variable.
fn front_with_helper(dir: &Path, helper: bool) -> std::path::PathBuf {
    let front = dir.join("ses-smtp-password");
    std::fs::copy(common::BIN, &front).unwrap();
    if helper {
        let script = dir.join("ses-smtp-password-aws");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\nprintf '%s\\n' \"$@\" > {d}/argv\necho $$ > {d}/pid\necho \"$FRONT_TEST\" > {d}/env\nexit 42\n",
                d = dir.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    front
}

#[test]
fn aws_commands_run_in_the_helper_in_the_same_process() {
    let dir = tempfile::tempdir().unwrap();
    let front = front_with_helper(dir.path(), true);
    let args = [
        "sync",
        "--from",
        "secretsmanager:prod/smtp",
        "--out",
        "/tmp/sasl passwd",
        "--then",
        "postmap x && postfix reload",
    ];
    let mut cmd = std::process::Command::new(&front);
    common::clean_env(&mut cmd)
        .args(args)
        .env("FRONT_TEST", "passed");
    let child = cmd.spawn().unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
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
        let out = common::tool_at(&front).args(args).output().unwrap();
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
    let dir = tempfile::tempdir().unwrap();
    let front = front_with_helper(dir.path(), true);
    let help = common::tool_at(&front)
        .args(["sync", "--help"])
        .output()
        .unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("--then"));
    let usage = common::tool_at(&front)
        .args(["sync", "--from", "secretsmanager:prod/smtp"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2), "--out is required");
    let version = common::tool_at(&front).arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&version.stdout).contains("aws"));
    let derived = common::run_with_stdin(
        common::tool_at(&front).args([
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
    let dir = tempfile::tempdir().unwrap();
    let front = front_with_helper(dir.path(), false);
    let out = common::tool_at(&front)
        .args(["keys", "--user-name", "smtp"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ses-smtp-password-aws") && stderr.contains("hint: reinstall the package"),
        "{stderr}"
    );
}
