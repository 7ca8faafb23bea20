//! Operator workflow: --out files, profiles, policy, completions, man page.

mod common;

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
    Command::from_std(common::tool())
}

#[test]
fn out_writes_mode_0600_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("smtp.env");
    // A permissive umask must not loosen the file.
    let mut sh = std::process::Command::new("sh");
    sh.args([
        "-c",
        "umask 000; exec \"$0\" --region us-east-1 --format password --out \"$1\"",
        common::BIN,
    ])
    .arg(&path);
    let out = common::run_with_stdin(common::clean_env(&mut sh), SECRET.as_bytes());
    assert!(out.status.success());
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{PASSWORD}\n")
    );
    // Nothing else was left in the directory (no temporary file).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
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
