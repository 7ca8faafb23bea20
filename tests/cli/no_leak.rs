//! The no-leak sweep: every failure path of every subcommand, driven with a
//! canary secret (and its password), must keep every 8-character piece of
//! both out of stdout, stderr and any file the run writes.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use ses_smtp_test_support::cli;
#[cfg(feature = "probe")]
use ses_smtp_test_support::smtp;

use ses_smtp_test_support::cli::{CANARY_PASSWORD as P, CANARY_SECRET as C, Case, case};

fn cases() -> Vec<Case> {
    let r = ["--region", "us-east-1"];
    let json = |inner: &str| format!(r#"{{"AccessKey": {{{inner}}}}}"#);
    let mut utf16 = vec![0xFF, 0xFE];
    for b in C.bytes() {
        utf16.extend_from_slice(&[b, 0]);
    }
    let profile = format!(
        "[short]\naws_secret_access_key = {}\n[temp]\naws_secret_access_key = {C}\naws_session_token = {C}\n\
         [badid]\naws_access_key_id = {C}\naws_secret_access_key = {C}\n[spaced]\naws_secret_access_key = {} {}\n\
         [role]\naws_secret_access_key = {C}\nrole_arn = {C}\n",
        &C[..30],
        &C[..20],
        &C[20..]
    );
    let with_profile = |label, name: &str, code| {
        case(
            label,
            &["--profile", name, "--region", "us-east-1"],
            "",
            code,
        )
        .env("AWS_SHARED_CREDENTIALS_FILE", "credentials")
        .file("credentials", profile.clone())
    };
    vec![
        // derive: the secret's shape
        case("truncated", &r, &C[..39], 3),
        case("too long", &r, format!("{C}{C}"), 3),
        case("inner space", &r, format!("{} {}", &C[..20], &C[20..]), 3),
        case("second line", &r, format!("{C}\n{C}\n"), 3),
        case("smart quotes", &r, format!("\u{201C}{C}\u{201D}"), 3),
        case("plain quotes", &r, format!("\"{C}\""), 3),
        case("nul", &r, format!("{}\0{}", &C[..9], &C[10..]), 3),
        case("utf16", &r, utf16, 3),
        case("non-ascii", &r, format!("{}é{}", &C[..9], &C[10..]), 3),
        case("too large", &r, C.repeat(120), 3),
        case("assignment", &r, format!("aws_secret_access_key={C}"), 3),
        case("id and secret", &r, format!("AKIAIOSFODNN7EXAMPLE {C}"), 3),
        case("smtp password as secret", &r, P, 3),
        // derive: JSON and CSV
        case("json syntax", &r, format!(r#"{{"AccessKey": {{"SecretAccessKey": "{C}",}}"#), 3),
        case("json not string", &r, json(&format!(r#""SecretAccessKey": ["{C}"]"#)), 3),
        case("json number id", &r, json(&format!(r#""AccessKeyId": 12, "SecretAccessKey": "{C}""#)), 3),
        case("json secret as id", &r, json(&format!(r#""AccessKeyId": "{C}", "SecretAccessKey": "{C}""#)), 3),
        case(
            "sts json",
            &r,
            format!(r#"{{"Credentials": {{"AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey": "{C}", "SessionToken": "{C}"}}}}"#),
            4,
        ),
        case("csv header", &r, format!("Key,Value\nAKIAIOSFODNN7EXAMPLE,{C}\n"), 3),
        case("csv two rows", &r, format!("Access key ID,Secret access key\nAKIAIOSFODNN7EXAMPLE,{C}\nAKIAIOSFODNN7EXAMPLE,{C}\n"), 3),
        case("csv short row", &r, format!("Access key ID,Secret access key\n{C}\n"), 3),
        // derive: arguments in the wrong place
        case(
            "key id mismatch",
            &["--region", "us-east-1", "--access-key-id", "AKIAOTHEROTHEROTHER7"],
            json(&format!(r#""AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "{C}""#)),
            3,
        ),
        case("secret as key id", &["--region", "us-east-1", "--access-key-id", C], C, 3),
        case("asia key id", &["--region", "us-east-1", "--access-key-id", "ASIAIOSFODNN7EXAMPLE"], C, 4),
        case("secret as region", &["--region", C], C, 2),
        case("secret as second region", &["--region", "us-east-1", "--region", C], C, 2),
        case("no region", &[], C, 2),
        case("secret as argument", &["--region", "us-east-1", C], C, 2),
        case("secret as flag value", &["--region", "us-east-1", &format!("--secret={C}")], C, 2),
        case("secret as format", &["--region", "us-east-1", "--format", C], C, 2),
        case("secret as secret file", &["--region", "us-east-1", "--secret-file", C], "", 6),
        case("secret as template", &["--region", "us-east-1", "--template", C], C, 6),
        case("secret as profile", &["--region", "us-east-1", "--profile", C], "", 5),
        case("env format several regions", &["--region", "us-east-1", "--region", "us-east-2", "--format", "env"], C, 2),
        case("url without username", &["--region", "us-east-1", "--format", "smtp-url"], C, 2),
        case("postfix without username", &["--region", "us-east-1", "--format", "postfix"], C, 2),
        case("from-env unset", &["--region", "us-east-1", "--from-env"], C, 5),
        // derive: the environment
        case("env truncated", &r, "", 3).env("AWS_SECRET_ACCESS_KEY", &C[..30]),
        case("env session token", &r, "", 4)
            .env("AWS_SECRET_ACCESS_KEY", C)
            .env("AWS_SESSION_TOKEN", C),
        case("env secret as key id", &r, "", 3)
            .env("AWS_SECRET_ACCESS_KEY", C)
            .env("AWS_ACCESS_KEY_ID", C),
        case("env secret as region", &[], C, 2).env("AWS_REGION", C),
        // derive: profiles
        with_profile("profile truncated", "short", 3),
        with_profile("profile session token", "temp", 4),
        with_profile("profile secret as key id", "badid", 3),
        with_profile("profile inner space", "spaced", 3),
        with_profile("profile role", "role", 4),
        with_profile("profile missing", "missing", 5),
        case("profile not ini", &["--profile", "smtp", "--region", "us-east-1"], "", 3)
            .env("AWS_SHARED_CREDENTIALS_FILE", "credentials")
            .file("credentials", format!("[smtp\naws_secret_access_key = {C}\n")),
        // derive: templates and --out
        case("template unknown", &["--region", "us-east-1", "--access-key-id", "AKIAIOSFODNN7EXAMPLE", "--template", "t"], C, 2)
            .file("t", "P={password}\nX={unknown}\n"),
        case("template unclosed", &["--region", "us-east-1", "--access-key-id", "AKIAIOSFODNN7EXAMPLE", "--template", "t"], C, 2)
            .file("t", "P={password}\nX={unclosed\n"),
        case("template without username", &["--region", "us-east-1", "--template", "t"], C, 2)
            .file("t", "P={password}\nU={username}\n"),
        case("out exists", &["--region", "us-east-1", "--out", "o"], C, 2).file("o", "old\n"),
        case("out is the input", &["--region", "us-east-1", "--secret-file", "s", "--out", "s", "--force"], "", 2)
            .file("s", C),
        case("out with bad secret", &["--region", "us-east-1", "--out", "o"], &C[..39], 3),
        case("secret as out", &["--region", "us-east-1", "--out", C], C, 6),
        // verify
        case("verify other region", &["verify", "--region", "eu-west-1"], C, 1).env("SES_SMTP_PASSWORD", P),
        case("verify url-encoded", &["verify", "--region", "us-east-1"], C, 1)
            .env("SES_SMTP_PASSWORD", P.replace('/', "%2F")),
        case("verify newline", &["verify", "--region", "us-east-1"], C, 1).env("SES_SMTP_PASSWORD", format!("{P}\n")),
        case("verify inner space", &["verify", "--region", "us-east-1"], C, 1)
            .env("SES_SMTP_PASSWORD", format!("{} {}", &P[..20], &P[20..])),
        case("verify truncated", &["verify", "--region", "us-east-1"], C, 1).env("SES_SMTP_PASSWORD", &P[..43]),
        case("verify not base64", &["verify", "--region", "us-east-1"], C, 1).env("SES_SMTP_PASSWORD", P.replace('/', "_")),
        case("verify no match", &["verify"], "Zq9+/0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV/+", 1).env("SES_SMTP_PASSWORD", P),
        case("verify bad secret", &["verify", "--region", "us-east-1"], &C[..39], 3).env("SES_SMTP_PASSWORD", P),
        case("verify no password", &["verify", "--region", "us-east-1"], C, 5),
        case("verify password file is the password", &["verify", "--region", "us-east-1", "--password-file", P], C, 6),
        case("verify both on stdin", &["verify", "--region", "us-east-1", "--password-file", "-", "--secret-file", "-"], P, 2),
        // vectors
        case("vectors check bad lines", &["vectors", "check", "v"], "", 1).file(
            "v",
            format!(
                "{{\"secret\": \"{C}\", \"region\": \"eu-west-1\", \"version\": 4, \"password\": \"{P}\"}}\n\
                 {{\"secret\": \"{C}\", \"version\": 4, \"password\": \"{P}\"}}\n\
                 {{\"secret\": \"{C}\", \"region\": \"{C}\", \"version\": 4, \"password\": \"{P}\"}}\n\
                 {{\"secret\": \"{C}\", \"region\": \"us-east-1\", \"version\": 4, \"password\": \"{P}\",}}\n{C}\n"
            ),
        ),
        case("vectors check secret as file", &["vectors", "check", C], "", 6),
        case("vectors generate bad count", &["vectors", "generate", "--count", C], "", 2),
        // probe (no network needed for these)
        case("probe without username", &["probe", "--region", "us-east-1"], C, 2),
        case("probe bad secret", &["probe", "--region", "us-east-1", "--access-key-id", "AKIAIOSFODNN7EXAMPLE"], &C[..39], 3),
        case("probe secret as endpoint", &["probe", "--region", "us-east-1", "--access-key-id", "AKIAIOSFODNN7EXAMPLE", "--endpoint", C], C, 2),
        case("probe secret as ca file", &["probe", "--region", "us-east-1", "--access-key-id", "AKIAIOSFODNN7EXAMPLE", "--endpoint", "localhost:1", "--tls", "starttls", "--ca-file", C], C, 6),
        case("probe unknown port", &["probe", "--region", "us-east-1", "--access-key-id", "AKIAIOSFODNN7EXAMPLE", "--port", "2525"], C, 2),
        // the other subcommands
        case("policy secret as identity", &["policy", "--identity", C], "", 2),
        case("policy secret as address", &["policy", "--from-address", C], "", 2),
        case("policy secret as region", &["policy", "--region", C], "", 2),
        case("policy --rotator secret as function", &["policy", "--rotator", "--user-name", "smtp", "--account-id", "123456789012", "--secret", "prod/smtp", "--region", "eu-west-1", "--function-name", C], "", 2),
        case("policy --rotator secret as region", &["policy", "--rotator", "--user-name", "smtp", "--account-id", "123456789012", "--secret", "prod/smtp", "--region", C], "", 2),
        case("policy --rotator secret as user", &["policy", "--rotator", "--user-name", C, "--account-id", "123456789012", "--secret", "prod/smtp", "--region", "eu-west-1"], "", 2),
        case("policy --rotator secret as account", &["policy", "--rotator", "--user-name", "smtp", "--account-id", C, "--secret", "prod/smtp", "--region", "eu-west-1"], "", 2),
        case("regions secret as format", &["regions", "--format", C], "", 2),
        case("completions secret as shell", &["completions", C], "", 2),
        case("man with a secret", &["man", C], "", 2),
        // A credentials file passed as the template: its text is never quoted.
        case("template is credentials json", &["--region", "us-east-1", "--access-key-id", "AKIAIOSFODNN7EXAMPLE", "--template", "creds.json"], C, 2)
            .file("creds.json", json(&format!(r#""AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "{C}""#))),
    ]
    .into_iter()
    .chain(pasted_in_the_wrong_place())
    .collect()
}

/// Characters a secret may carry when pasted where a path, a name or a host
/// belongs: a CRLF file read with `$(cat f)`, a stray space or quote, a
/// newline, one more letter, an invisible character.
const STRAYS: [&str; 9] = ["", "\r", " ", "'", "\"", "\n", "x", "=", "\u{200b}"];

/// A secret with no digit (about 1 in 900 are).
const ND: &str = "wJalrXUtnFEMIqKxMDENGybPxRfiCYEXAMPLEKEY";

/// Characters that may sit inside a pasted secret (a wrapped line, a
/// hyphenated paste, a zero-width space): third hardening round, item 8.
const INSIDE: [&str; 8] = ["-", ".", " ", "\t", "\n", "\r\n", "\u{200b}", "%"];

/// The pasted variants of the secret and the password: a stray character
/// after it, one inside it, URL-encoded, and a secret with no digit.
fn variants() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for stray in STRAYS {
        out.push((format!("{C}{stray}"), format!("{P}{stray}")));
    }
    for stray in INSIDE {
        out.push((
            format!("{}{stray}{}", &C[..17], &C[17..]),
            format!("{}{stray}{}", &P[..23], &P[23..]),
        ));
    }
    let encode = |s: &str| {
        s.replace('/', "%2F")
            .replace('+', "%2B")
            .replace('=', "%3D")
    };
    out.push((encode(C), encode(P)));
    out.push((ND.to_string(), format!("{}-{}", &P[..5], &P[5..])));
    out
}

/// The secret (or the password) with every stray character, in every
/// option that takes a path, a name or a host.
fn pasted_in_the_wrong_place() -> Vec<Case> {
    let mut cases = vec![];
    for (c, p) in variants() {
        let probe = |extra: &[&str]| {
            let mut a = vec![
                "probe",
                "--region",
                "us-east-1",
                "--access-key-id",
                "AKIAIOSFODNN7EXAMPLE",
            ];
            a.extend_from_slice(extra);
            a.into_iter().map(String::from).collect::<Vec<_>>()
        };
        let mut add = |label, args: Vec<String>, stdin: &str, code| {
            let mut k = case(label, &[], stdin, code);
            k.args = args;
            cases.push(k);
        };
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        add(
            "pasted as --secret-file",
            v(&["--region", "us-east-1", "--secret-file", &c]),
            "",
            6,
        );
        add(
            "pasted as --profile",
            v(&["--region", "us-east-1", "--profile", &c]),
            "",
            5,
        );
        add(
            "pasted as --template",
            v(&["--region", "us-east-1", "--template", &c]),
            C,
            6,
        );
        // In a folder that does not exist, so that no variant is written.
        add(
            "pasted as --out",
            v(&["--region", "us-east-1", "--out", &format!("missing/{c}")]),
            C,
            6,
        );
        add(
            "pasted as vectors file",
            v(&["vectors", "check", &c]),
            "",
            6,
        );
        add(
            "pasted as --password-file",
            v(&["verify", "--region", "us-east-1", "--password-file", &p]),
            C,
            6,
        );
        add("pasted as --endpoint", probe(&["--endpoint", &c]), C, 2);
        add(
            "pasted as --ca-file",
            probe(&[
                "--endpoint",
                "localhost:1",
                "--tls",
                "starttls",
                "--ca-file",
                &c,
            ]),
            C,
            6,
        );
        let mut env_profile = case("pasted as AWS_PROFILE", &["--region", "us-east-1"], "", 5);
        env_profile.env.push(("AWS_PROFILE".into(), c.clone()));
        cases.push(env_profile);
    }
    cases
}

fn assert_no_piece(label: &str, what: &str, text: &[u8]) {
    let text = String::from_utf8_lossy(text);
    for secret in [C, P, ND] {
        for i in 0..=secret.len() - 8 {
            let piece = &secret[i..i + 8];
            assert!(
                !text.contains(piece),
                "{label}: {what} contains {piece:?}:\n{text}"
            );
        }
    }
}

#[test]
fn no_failure_path_leaks_the_secret_or_password() {
    let cases = cases();
    assert!(cases.len() >= 70, "{} cases", cases.len());
    for k in &cases {
        let ran = k.run();
        let stderr = &ran.stderr;
        assert_eq!(
            ran.code,
            Some(k.code),
            "{}: exit code; stderr:\n{stderr}",
            k.label
        );
        // probe's outcomes (7-9) are reports on stdout.
        if k.code >= 2 && !(7..=9).contains(&k.code) {
            assert!(
                stderr.starts_with("error: "),
                "{}: no error message:\n{stderr}",
                k.label
            );
            assert!(
                ran.stdout_bytes.is_empty(),
                "{}: printed on stdout",
                k.label
            );
        } else {
            assert!(!ran.stdout_bytes.is_empty(), "{}: no verdict", k.label);
        }
        assert_no_piece(&k.label, "stdout", &ran.stdout_bytes);
        assert_no_piece(&k.label, "stderr", ran.stderr.as_bytes());
        for (path, bytes) in &ran.written {
            assert_no_piece(&k.label, &path.display().to_string(), bytes);
        }
    }
}

#[test]
fn the_canary_password_is_right() {
    // Guards the sweep: the constant must be what a success prints.
    let out = cli::run_with_stdin(
        cli::tool().args(["--region", "us-east-1", "--format", "password"]),
        C.as_bytes(),
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), format!("{P}\n"));
}

/// A hostile SMTP server that echoes the password back, split over two
/// lines or past the display cut, with and without -v, text and JSON: no
/// piece of it is printed.
#[cfg(feature = "probe")]
#[test]
fn an_echoing_server_never_gets_the_password_printed() {
    let servers = smtp::servers(P);
    let ca = servers.ca_file.display().to_string();
    for server in ["echo_split", "echo_past_cut"] {
        for verbose in [false, true] {
            for format in ["text", "json"] {
                let endpoint = format!("localhost:{}", servers.port(server));
                let mut cmd = cli::tool();
                cmd.args([
                    "probe",
                    "--region",
                    "us-east-1",
                    "--access-key-id",
                    "AKIAIOSFODNN7EXAMPLE",
                ])
                .args([
                    "--endpoint",
                    &endpoint,
                    "--tls",
                    "starttls",
                    "--ca-file",
                    &ca,
                ])
                .args(["--format", format]);
                if verbose {
                    cmd.arg("-v");
                }
                let out = cli::run_with_stdin(&mut cmd, C.as_bytes());
                let label = format!("{server} {format} verbose={verbose}");
                assert_eq!(out.status.code(), Some(7), "{label}: {out:?}");
                assert_no_piece(&label, "stdout", &out.stdout);
                assert_no_piece(&label, "stderr", &out.stderr);
            }
        }
    }
}
