//! CLI behaviour that trycmd cannot express: no-leak sweeps, closed pipes,
//! full disks, and --all-regions against independent vectors.

mod common;

use assert_cmd::Command;
use std::io::Write;
use std::process::Stdio;

const BIN: &str = env!("CARGO_BIN_EXE_ses-smtp-password");
/// A made-up secret whose pieces must never show up in any output.
const CANARY: &str = "Cn4ryQ8vX2pL9mZ/T7wK3sR6yB1dF5hJ0gN8eUa+";
/// Its V4 password for us-east-1 (python3 hmac), which no failure may print.
const CANARY_PASSWORD: &str = "BCRPcAH1o/C8/ODvg1pAG7CN3hyN0s2vbUbAXwI3Qu2W";
const AWS_VARS: [&str; 6] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
];

fn cmd() -> Command {
    let mut c = Command::new(BIN);
    for v in AWS_VARS {
        c.env_remove(v);
    }
    c
}

/// Fails if any 8-character piece of `secret` is in `text`.
fn assert_no_piece(label: &str, what: &str, text: &[u8], secret: &str) {
    let text = String::from_utf8_lossy(text);
    for i in 0..=secret.len() - 8 {
        let piece = &secret[i..i + 8];
        assert!(
            !text.contains(piece),
            "{label}: {what} contains {piece:?}:\n{text}"
        );
    }
}

struct Case {
    label: &'static str,
    args: Vec<String>,
    stdin: Vec<u8>,
    env: Vec<(&'static str, String)>,
    code: i32,
}

fn case(label: &'static str, args: &[&str], stdin: impl Into<Vec<u8>>, code: i32) -> Case {
    Case {
        label,
        args: args.iter().map(|s| s.to_string()).collect(),
        stdin: stdin.into(),
        env: vec![],
        code,
    }
}

fn failure_cases() -> Vec<Case> {
    let c = CANARY;
    let r = ["--region", "us-east-1"];
    let json_ok = format!(
        r#"{{"AccessKey": {{"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "{c}"}}}}"#
    );
    let mut utf16 = vec![0xFF, 0xFE];
    for b in c.bytes() {
        utf16.extend_from_slice(&[b, 0]);
    }
    let mut cases = vec![
        case("truncated", &r, &c[..39], 3),
        case("too long", &r, format!("{c}{c}"), 3),
        case("inner space", &r, format!("{} {}", &c[..20], &c[20..]), 3),
        case("second line", &r, format!("{c}\n{c}\n"), 3),
        case("smart quotes", &r, format!("\u{201C}{c}\u{201D}"), 3),
        case("plain quotes", &r, format!("\"{c}\""), 3),
        case("nul", &r, format!("{}\0{}", &c[..9], &c[10..]), 3),
        case("utf16", &r, utf16, 3),
        case("non-ascii", &r, format!("{}é{}", &c[..9], &c[10..]), 3),
        case("too large", &r, c.repeat(120), 3),
        case("assignment", &r, format!("aws_secret_access_key={c}"), 3),
        case("id and secret", &r, format!("AKIAIOSFODNN7EXAMPLE {c}"), 3),
        case(
            "json syntax",
            &r,
            format!(r#"{{"AccessKey": {{"SecretAccessKey": "{c}",}}"#),
            3,
        ),
        case(
            "json not string",
            &r,
            format!(r#"{{"AccessKey": {{"SecretAccessKey": ["{c}"]}}}}"#),
            3,
        ),
        case(
            "json number id",
            &r,
            format!(r#"{{"AccessKey": {{"AccessKeyId": 12, "SecretAccessKey": "{c}"}}}}"#),
            3,
        ),
        case(
            "json secret as id",
            &r,
            format!(r#"{{"AccessKey": {{"AccessKeyId": "{c}", "SecretAccessKey": "{c}"}}}}"#),
            3,
        ),
        case(
            "sts json",
            &r,
            format!(
                r#"{{"Credentials": {{"AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey": "{c}", "SessionToken": "{c}"}}}}"#
            ),
            4,
        ),
        case(
            "csv header",
            &r,
            format!("Key,Value\nAKIAIOSFODNN7EXAMPLE,{c}\n"),
            3,
        ),
        case(
            "csv two rows",
            &r,
            format!(
                "Access key ID,Secret access key\nAKIAIOSFODNN7EXAMPLE,{c}\nAKIAIOSFODNN7EXAMPLE,{c}\n"
            ),
            3,
        ),
        case(
            "csv short row",
            &r,
            format!("Access key ID,Secret access key\n{c}\n"),
            3,
        ),
        case(
            "key id mismatch",
            &[
                "--region",
                "us-east-1",
                "--access-key-id",
                "AKIAOTHEROTHEROTHER7",
            ],
            json_ok.clone(),
            3,
        ),
        case(
            "secret as key id",
            &["--region", "us-east-1", "--access-key-id", c],
            c,
            3,
        ),
        case(
            "asia key id",
            &[
                "--region",
                "us-east-1",
                "--access-key-id",
                "ASIAIOSFODNN7EXAMPLE",
            ],
            c,
            4,
        ),
        case("secret as region", &["--region", c], c, 2),
        case(
            "secret as second region",
            &["--region", "us-east-1", "--region", c],
            c,
            2,
        ),
        case("no region", &[], c, 2),
        case("secret as argument", &["--region", "us-east-1", c], c, 2),
        case(
            "secret as flag value",
            &["--region", "us-east-1", &format!("--secret={c}")],
            c,
            2,
        ),
        case(
            "secret as format",
            &["--region", "us-east-1", "--format", c],
            c,
            2,
        ),
        case(
            "secret as secret file",
            &["--region", "us-east-1", "--secret-file", c],
            "",
            6,
        ),
        case(
            "env format several regions",
            &[
                "--region",
                "us-east-1",
                "--region",
                "us-east-2",
                "--format",
                "env",
            ],
            c,
            2,
        ),
        case(
            "from-env unset",
            &["--region", "us-east-1", "--from-env"],
            c,
            5,
        ),
    ];
    let mut env_case = |label, env: Vec<(&'static str, String)>, code| {
        let mut k = case(label, &r, "", code);
        k.env = env;
        cases.push(k);
    };
    env_case(
        "env truncated",
        vec![("AWS_SECRET_ACCESS_KEY", c[..30].to_string())],
        3,
    );
    env_case(
        "env session token",
        vec![
            ("AWS_SECRET_ACCESS_KEY", c.to_string()),
            ("AWS_SESSION_TOKEN", c.to_string()),
        ],
        4,
    );
    env_case(
        "env secret as key id",
        vec![
            ("AWS_SECRET_ACCESS_KEY", c.to_string()),
            ("AWS_ACCESS_KEY_ID", c.to_string()),
        ],
        3,
    );
    // verify: every diagnosis of a password made from the canary.
    let p = CANARY_PASSWORD;
    for (label, password, code) in [
        ("verify other region", p.to_string(), 1),
        ("verify url-encoded", p.replace('/', "%2F"), 1),
        ("verify trailing newline", format!("{p}\n"), 1),
        (
            "verify inner space",
            format!("{} {}", &p[..20], &p[20..]),
            1,
        ),
        ("verify truncated", p[..43].to_string(), 1),
        ("verify not base64", p.replace('/', "_"), 1),
        ("verify asked for another region", p.to_string(), 1),
    ] {
        let region = if label.contains("another region") {
            "us-east-2"
        } else {
            "eu-west-1"
        };
        let mut k = case(label, &["verify", "--region", region], c, code);
        k.env = vec![("SES_SMTP_PASSWORD", password)];
        cases.push(k);
    }
    let mut k = case(
        "verify bad secret",
        &["verify", "--region", "us-east-1"],
        &c[..39],
        3,
    );
    k.env = vec![("SES_SMTP_PASSWORD", p.to_string())];
    cases.push(k);
    let mut k = case(
        "verify no match",
        &["verify"],
        "Zq9+/0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV/+",
        1,
    );
    k.env = vec![("SES_SMTP_PASSWORD", p.to_string())];
    cases.push(k);
    cases.push(case(
        "verify no password",
        &["verify", "--region", "us-east-1"],
        c,
        5,
    ));
    cases
}

#[test]
fn no_failure_path_prints_the_secret() {
    let cases = failure_cases();
    for k in &cases {
        let mut c = cmd();
        c.args(&k.args).write_stdin(k.stdin.clone());
        for (name, value) in &k.env {
            c.env(name, value);
        }
        let out = c.output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(k.code),
            "{}: exit code; stderr:\n{}",
            k.label,
            String::from_utf8_lossy(&out.stderr)
        );
        if k.code >= 2 {
            assert!(!out.stderr.is_empty(), "{}: no error message", k.label);
            assert!(out.stdout.is_empty(), "{}: printed on stdout", k.label);
        } else {
            assert!(
                out.stdout.starts_with(b"no match: "),
                "{}: no verdict",
                k.label
            );
        }
        for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert_no_piece(k.label, what, text, CANARY);
            assert_no_piece(k.label, what, text, CANARY_PASSWORD);
        }
    }
}

#[test]
fn the_canary_password_is_right() {
    // Guards the sweep above: the constant must be what a success prints.
    cmd()
        .args(["--region", "us-east-1", "--format", "password"])
        .write_stdin(CANARY)
        .assert()
        .success()
        .stdout(format!("{CANARY_PASSWORD}\n"));
}

#[test]
fn closed_stdout_is_an_error() {
    // stdin stays open until stdout is closed, so the write must hit EPIPE.
    let mut child = std::process::Command::new(BIN)
        .args(["--region", "us-east-1", "--format", "password"])
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(CANARY.as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
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
    let out = std::process::Command::new(BIN)
        .args(["--region", "us-east-1"])
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .stdin(Stdio::piped())
        .stdout(full)
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all(CANARY.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(6));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: could not write to standard output: No space left on device (os error 28)\n"
    );
}

#[test]
fn all_regions_match_the_independent_vectors() {
    let secret = "Zq9+/0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV/+";
    let out = cmd()
        .args(["--all-regions", "--format", "json"])
        .write_stdin(secret)
        .output()
        .unwrap();
    assert!(out.status.success());
    let items: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let vectors = common::load(&common::vectors_dir().join("regions.jsonl"));
    let expected: Vec<_> = vectors
        .iter()
        .filter(|v| v.secret == secret && v.version == 4)
        .collect();
    assert_eq!(items.len(), expected.len(), "one entry per SMTP region");
    for v in expected {
        let region = v.region.as_deref().unwrap();
        let item = items
            .iter()
            .find(|i| i["region"] == region)
            .unwrap_or_else(|| panic!("{}: region missing from --all-regions", v.label));
        assert_eq!(item["password"], v.password.as_str(), "{}", v.label);
        assert_eq!(
            item["endpoint"],
            format!("email-smtp.{region}.amazonaws.com"),
            "{}",
            v.label
        );
        assert_eq!(item["username"], serde_json::Value::Null, "{}", v.label);
    }
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
    let sh = std::process::Command::new("sh")
        .args(["-c", &script])
        .output()
        .unwrap();
    let fields = String::from_utf8(sh.stdout).unwrap();
    let parts: Vec<&str> = fields.split('|').collect();
    assert_eq!(parts[0], "AKIAIOSFODNN7EXAMPLE");
    assert_eq!(parts[1].len(), 44);
    assert_eq!(parts[2], "email-smtp.eu-west-1.amazonaws.com");
    assert_eq!(parts[3], "587");
}

#[test]
fn vectors_check_passes_the_repository_vectors() {
    let files = common::vector_files();
    let out = cmd()
        .arg("vectors")
        .arg("check")
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let total = common::all_vectors().len();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{total} passed, 0 failed\n")
    );
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
        ses_smtp_password::region::smtp_regions().count(),
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
fn vectors_check_never_prints_secrets_or_passwords() {
    let c = CANARY;
    let p = CANARY_PASSWORD;
    let file = format!(
        "{{\"secret\": \"{c}\", \"region\": \"eu-west-1\", \"version\": 4, \"password\": \"{p}\"}}\n\
         {{\"secret\": \"{c}\", \"version\": 4, \"password\": \"{p}\"}}\n\
         {{\"secret\": \"{c}\", \"region\": \"{c}\", \"version\": 4, \"password\": \"{p}\"}}\n\
         {{\"secret\": \"{c}\", \"region\": \"us-east-1\", \"version\": 4, \"password\": \"{p}\",}}\n\
         {c}\n"
    );
    let out = cmd()
        .args(["vectors", "check", "-"])
        .write_stdin(file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.ends_with("0 passed, 5 failed\n"), "{stdout}");
    for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert_no_piece("vectors check", what, text, CANARY);
        assert_no_piece("vectors check", what, text, CANARY_PASSWORD);
    }
}
