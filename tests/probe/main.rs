//! `probe` against SMTP servers started in this process (crates/ses-smtp-test-support/src/smtp.rs) on
//! 127.0.0.1, with a throwaway CA made for the run: STARTTLS and TLS from
//! the first byte, AUTH PLAIN and LOGIN, 535, 454, no AUTH, no STARTTLS, a
//! server that hangs up, one that never answers, a certificate for another
//! host, an untrusted CA. The server logs every AUTH it receives, so the
//! tests can check from the server's side that credentials arrived only over
//! TLS, that the password was right, and that no mail was ever started.
#![cfg(feature = "probe")]
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use ses_smtp_test_support::cli;
use ses_smtp_test_support::smtp;

use std::time::Duration;

use ses_smtp_test_support::cli::{
    CANARY_PASSWORD as PASSWORD, CANARY_SECRET as SECRET, Ran as Run,
};

fn servers() -> &'static smtp::Servers {
    smtp::servers(PASSWORD)
}

/// Probes server `name` as user `user` (each test its own user, to find its
/// attempts in the shared log).
fn probe(name: &str, user: &str, extra: &[&str]) -> Run {
    let port = servers().port(name);
    let mut cmd = cli::tool();
    cmd.args([
        "probe",
        "--region",
        "us-east-1",
        "--access-key-id",
        user,
        "-v",
    ])
    .arg("--endpoint")
    .arg(format!("localhost:{port}"))
    .args(extra);
    if !extra.contains(&"--timeout") {
        cmd.args(["--timeout", "2"]);
    }
    let run = Run::of(&mut cmd, SECRET.as_bytes());
    assert_no_secret(&run);
    run
}

fn ca() -> String {
    servers().ca_file.display().to_string()
}

/// The servers' record of AUTH attempts by `user`: (mechanism, over TLS,
/// right password).
fn auth_log(user: &str) -> Vec<(&'static str, bool, bool)> {
    servers().auths(user)
}

/// Neither the secret, nor the password, nor the AUTH PLAIN blob may show
/// up in any output, verbose included.
fn assert_no_secret(run: &Run) {
    use base64::Engine as _;
    let blob = base64::engine::general_purpose::STANDARD.encode(format!("\0AKIATEST\0{PASSWORD}"));
    for text in [&run.stdout, &run.stderr] {
        for secret in [SECRET, PASSWORD, &blob[16..]] {
            for i in 0..=secret.len() - 8 {
                assert!(
                    !text.contains(&secret[i..i + 8]),
                    "output holds a piece of a secret:\n{text}"
                );
            }
        }
    }
}

#[test]
fn accepted_over_starttls_with_auth_plain() {
    let user = "AKIATESTSTARTTLS0001";
    let r = probe("starttls", user, &["--tls", "starttls", "--ca-file", &ca()]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.starts_with(&format!(
            "accepted: localhost:{} answered 235 Authentication successful. to {user}\n",
            servers().port("starttls")
        )),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("not that the sender identity is verified")
    );
    assert!(r.stderr.contains("probe: > STARTTLS\n"));
    assert!(
        r.stderr
            .contains("probe: > AUTH PLAIN (credentials not shown)\n")
    );
    assert!(r.stderr.contains("probe: > QUIT\n"));
    // From the server's side: one AUTH, over TLS, with the right password.
    assert_eq!(auth_log(user), [("PLAIN", true, true)]);
}

#[test]
fn accepted_over_implicit_tls() {
    let user = "AKIATESTIMPLICIT0002";
    let r = probe("implicit", user, &["--tls", "implicit", "--ca-file", &ca()]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("STARTTLS"));
    assert_eq!(auth_log(user), [("PLAIN", true, true)]);
}

#[test]
fn accepted_with_auth_login_only() {
    let user = "AKIATESTLOGINONLY003";
    let r = probe(
        "login_only",
        user,
        &["--tls", "starttls", "--ca-file", &ca(), "--format", "json"],
    );
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["accepted"], true);
    assert_eq!(v["outcome"], "accepted");
    assert_eq!(v["code"], 235);
    assert_eq!(v["mechanism"], "LOGIN");
    assert_eq!(v["tls"], "starttls");
    assert_eq!(v["tls_version"], "TLS 1.3");
    assert_eq!(auth_log(user), [("LOGIN", true, true)]);
}

#[test]
fn rejected_535_is_diagnosed() {
    let user = "AKIATESTREJECTED0004";
    let r = probe(
        "rejecting",
        user,
        &["--tls", "starttls", "--ca-file", &ca()],
    );
    assert_eq!(r.code, Some(7), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("answered 535 Authentication Credentials Invalid\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("1. the password was made for another region")
    );
    assert!(
        r.stdout
            .contains("ses-smtp-password verify --region us-east-1")
    );
    assert!(r.stdout.contains("ses:SendRawEmail"));
    let json = probe(
        "rejecting",
        user,
        &["--tls", "starttls", "--ca-file", &ca(), "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        (
            v["accepted"].as_bool(),
            v["outcome"].as_str(),
            v["code"].as_u64()
        ),
        (Some(false), Some("rejected"), Some(535))
    );
    assert!(v["diagnosis"].as_array().unwrap().len() >= 4);
}

#[test]
fn throttling_is_temporary() {
    let r = probe(
        "throttled",
        "AKIATESTTHROTTLED005",
        &["--tls", "starttls", "--ca-file", &ca()],
    );
    assert_eq!(r.code, Some(9), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("temporary failure:"), "{}", r.stdout);
    assert!(r.stdout.contains("454"));
}

#[test]
fn a_server_without_auth() {
    let user = "AKIATESTNOAUTH000006";
    let r = probe("no_auth", user, &["--tls", "starttls", "--ca-file", &ca()]);
    assert_eq!(r.code, Some(8), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("the server offers no AUTH after TLS"),
        "{}",
        r.stdout
    );
    assert!(auth_log(user).is_empty());
}

#[test]
fn credentials_are_never_sent_without_tls() {
    let user = "AKIATESTNOSTARTTLS07";
    let r = probe(
        "no_starttls",
        user,
        &["--tls", "starttls", "--ca-file", &ca()],
    );
    assert_eq!(r.code, Some(8), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("does not offer STARTTLS; credentials are never sent without TLS")
    );
    // The server offered AUTH in the clear; the probe never sent it.
    assert!(r.stderr.contains("AUTH PLAIN LOGIN"), "{}", r.stderr);
    assert!(!r.stderr.contains("> AUTH"), "{}", r.stderr);
    assert!(auth_log(user).is_empty());
}

#[test]
fn a_server_that_hangs_up_mid_handshake() {
    let r = probe(
        "closing",
        "AKIATESTCLOSING00008",
        &["--tls", "starttls", "--ca-file", &ca()],
    );
    assert_eq!(r.code, Some(8), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("network failure") && r.stdout.contains("closed the connection"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_silent_server_times_out() {
    let r = probe(
        "silent",
        "AKIATESTSILENT000009",
        &["--tls", "starttls", "--ca-file", &ca(), "--timeout", "1"],
    );
    assert_eq!(r.code, Some(8), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("no answer within the timeout"),
        "{}",
        r.stdout
    );
    assert!(r.elapsed < Duration::from_secs(6), "took {:?}", r.elapsed);
}

#[test]
fn a_certificate_for_another_host_is_refused() {
    let user = "AKIATESTWRONGHOST010";
    let r = probe(
        "wrong_host",
        user,
        &["--tls", "starttls", "--ca-file", &ca()],
    );
    assert_eq!(r.code, Some(8), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("TLS failure") && r.stdout.contains("not valid for this host name"),
        "{}",
        r.stdout
    );
    assert!(
        auth_log(user).is_empty(),
        "credentials sent to the wrong host"
    );
}

#[test]
fn an_untrusted_ca_is_refused() {
    let user = "AKIATESTUNTRUSTED011";
    // No --ca-file: the test CA is not among the web roots.
    let r = probe("starttls", user, &["--tls", "starttls"]);
    assert_eq!(r.code, Some(8), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("not trusted"), "{}", r.stdout);
    assert!(auth_log(user).is_empty());
}

#[test]
fn no_mail_is_ever_started() {
    // Run a probe, then check that the servers never saw MAIL FROM.
    let _ = probe(
        "starttls",
        "AKIATESTNOMAIL000012",
        &["--tls", "starttls", "--ca-file", &ca()],
    );
    let log = servers().log.lock().unwrap();
    assert!(!log.contains(&smtp::Event::Mail), "{log:?}");
}

#[test]
fn ports_choose_the_tls_mode_and_other_ports_need_it_named() {
    let out = ses_smtp_test_support::child::output(cli::tool().args([
        "probe",
        "--region",
        "us-east-1",
        "--access-key-id",
        "AKIAIOSFODNN7EXAMPLE",
        "--port",
        "2525",
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .starts_with("error: port 2525 is not an SES SMTP port")
    );
}

#[test]
fn starttls_response_injection_is_refused() {
    let r = probe(
        "injecting",
        "AKIATESTINJECTION013",
        &["--tls", "starttls", "--ca-file", &ca()],
    );
    assert_eq!(r.code, Some(8), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("sent data before the TLS handshake"),
        "{}",
        r.stdout
    );
    assert!(!r.stderr.contains("> AUTH"), "{}", r.stderr);
}

/// A server that trickles a byte at a time cannot stretch `--timeout`: the
/// whole reply must be in within it (hardening item 11).
#[test]
fn a_trickling_server_times_out_whatever_it_trickles() {
    for (server, user) in [
        ("trickle_banner", "AKIATESTTRICKLE00014"),
        ("trickle_continuation", "AKIATESTTRICKLE00015"),
        ("trickle_auth_reply", "AKIATESTTRICKLE00016"),
    ] {
        let r = probe(
            server,
            user,
            &["--tls", "starttls", "--ca-file", &ca(), "--timeout", "1"],
        );
        assert_eq!(r.code, Some(8), "{server}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stdout.contains("no answer within the timeout"),
            "{server}: {}",
            r.stdout
        );
        assert!(
            r.elapsed < Duration::from_secs(5),
            "{server} took {:?}",
            r.elapsed
        );
    }
}

/// A TLS handshake that trickles in a byte at a time cannot stretch
/// `--timeout` either: the whole handshake is inside it (hardening, third
/// round, item 15).
#[test]
fn a_trickling_tls_handshake_times_out() {
    let r = probe(
        "trickle_handshake",
        "AKIATESTTRICKLE00018",
        &["--tls", "implicit", "--ca-file", &ca(), "--timeout", "1"],
    );
    assert_eq!(r.code, Some(8), "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("no answer within the timeout"),
        "{}",
        r.stdout
    );
    assert!(r.elapsed < Duration::from_secs(5), "took {:?}", r.elapsed);
}

/// Capabilities are read from the reply itself, not from its cut display
/// text (item 12).
#[test]
fn capabilities_past_the_display_cut_are_seen() {
    let r = probe(
        "long_ehlo",
        "AKIATESTLONGEHLO0017",
        &["--tls", "starttls", "--ca-file", &ca()],
    );
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("accepted: "), "{}", r.stdout);
}

/// Only 235 accepts and only 5xx rejects (item 13).
#[test]
fn an_answer_to_auth_that_neither_accepts_nor_rejects_is_a_protocol_failure() {
    for (server, code) in [("auth_334", "334"), ("auth_250", "250")] {
        let r = probe(
            server,
            "AKIATESTAUTHODD00018",
            &["--tls", "starttls", "--ca-file", &ca()],
        );
        assert_eq!(r.code, Some(8), "{server}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stdout.starts_with(&format!(
                "protocol failure with localhost:{}: the server answered AUTH with {code}",
                servers().port(server)
            )),
            "{server}: {}",
            r.stdout
        );
        assert!(!r.stdout.contains("another region"), "{}", r.stdout);
    }
}

/// A server that echoes the password with spaces between its characters
/// never gets it printed either (third round, item 9).
#[test]
fn an_echoed_password_spread_apart_is_masked() {
    for format in ["text", "json"] {
        let r = probe(
            "echo_spaced",
            "AKIATESTECHO00000020",
            &["--tls", "starttls", "--ca-file", &ca(), "--format", format],
        );
        assert_eq!(r.code, Some(7), "{}{}", r.stdout, r.stderr);
        let all = format!("{}{}", r.stdout, r.stderr);
        assert!(all.contains("[credentials hidden]"), "{all}");
        // No eight characters of the password in a row, whatever stands
        // between them.
        let squeezed: String = all.chars().filter(|c| !c.is_whitespace()).collect();
        for w in PASSWORD.as_bytes().windows(8) {
            let w = std::str::from_utf8(w).unwrap();
            assert!(!squeezed.contains(w), "{w} in {all}");
        }
    }
}

/// A server that echoes the password, split over lines or past the display
/// cut, never gets it printed, verbose or not, text or JSON (item 14;
/// `probe()` checks every output for 8-character pieces of it).
#[test]
fn an_echoed_password_is_masked_across_lines_and_past_the_cut() {
    for server in ["echo_split", "echo_past_cut"] {
        for format in ["text", "json"] {
            let r = probe(
                server,
                "AKIATESTECHO00000019",
                &["--tls", "starttls", "--ca-file", &ca(), "--format", format],
            );
            assert_eq!(r.code, Some(7), "{server}: {}{}", r.stdout, r.stderr);
            // Split: the mask shows; past the cut: the cut shows.
            let sign = if server == "echo_split" {
                "[credentials hidden]"
            } else {
                "…"
            };
            assert!(r.stderr.contains(sign), "{server}: {}", r.stderr);
        }
    }
}
