//! The login's protocol against SMTP servers on loopback (the workspace's
//! test servers: `mailin` for the well-behaved ones, broken and hostile
//! ones written on purpose), through this crate's API alone: what each
//! server makes of a login, and that the credentials never leave TLS and
//! never show in an outcome or a transcript.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use ses_smtp_login::{ExtraRoots, Facts, Login, Outcome, Target, TlsMode, diagnosis, probe};
use ses_smtp_test_support::cli::{CANARY_PASSWORD as PASSWORD, CANARY_SECRET as SECRET};
use ses_smtp_test_support::smtp;
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn servers() -> &'static smtp::Servers {
    smtp::servers(PASSWORD)
}

/// The test CA, trusted besides the Mozilla roots.
fn roots() -> ExtraRoots {
    ExtraRoots::from_pem(&std::fs::read(&servers().ca_file).unwrap()).unwrap()
}

/// Every transcript line of every login of this binary.
static TRANSCRIPT: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn record(line: &str) {
    TRANSCRIPT.lock().unwrap().push(line.to_string());
}

/// A login to server `name` as `user` with the canary's password, over
/// `tls`, trusting the test CA, within 2 seconds a step.
fn login_to(name: &str, user: &str, tls: TlsMode) -> (Outcome, Facts) {
    let mut target = Target::new("localhost", servers().port(name), tls);
    target.timeout = Duration::from_secs(2);
    target.roots = roots();
    target.transcript = Some(record);
    let login = Login {
        username: user,
        password: PASSWORD,
    };
    let (outcome, facts) = probe(&target, &login).unwrap();
    assert_no_credentials(&outcome.to_string());
    assert_no_credentials(&format!("{outcome:?}"));
    (outcome, facts)
}

fn starttls(name: &str, user: &str) -> (Outcome, Facts) {
    login_to(name, user, TlsMode::Starttls)
}

/// No 8-character piece of the password or the secret in `text`.
fn assert_no_credentials(text: &str) {
    for secret in [PASSWORD, SECRET] {
        for w in secret.as_bytes().windows(8) {
            let w = std::str::from_utf8(w).unwrap();
            assert!(!text.contains(w), "a piece of a credential in {text}");
        }
    }
}

fn assert_network(outcome: &Outcome, timed_out: bool, says: &str) {
    match outcome {
        Outcome::Network {
            detail,
            timed_out: t,
        } => {
            assert_eq!(*t, timed_out, "{outcome:?}");
            assert!(detail.contains(says), "{detail}");
        }
        other => panic!("expected a network failure, got {other:?}"),
    }
}

fn assert_protocol(outcome: &Outcome, says: &str) {
    match outcome {
        Outcome::Protocol { detail } => assert!(detail.contains(says), "{detail}"),
        other => panic!("expected a protocol failure, got {other:?}"),
    }
}

#[test]
fn accepted_over_starttls_with_auth_plain() {
    let user = "AKIALOGINSTARTTLS001";
    let (outcome, facts) = starttls("starttls", user);
    assert_eq!(outcome.kind(), "accepted", "{outcome:?}");
    assert_eq!(outcome.code(), Some(235));
    assert_eq!(facts.mechanism, Some("PLAIN"));
    assert!(facts.tls_version.unwrap().starts_with("TLS 1."));
    assert_eq!(servers().auths(user), [("PLAIN", true, true)]);
}

#[test]
fn accepted_over_implicit_tls() {
    let user = "AKIALOGINIMPLICIT001";
    let (outcome, facts) = login_to("implicit", user, TlsMode::Implicit);
    assert_eq!(outcome.kind(), "accepted", "{outcome:?}");
    assert!(facts.tls_version.is_some());
    assert_eq!(servers().auths(user), [("PLAIN", true, true)]);
}

#[test]
fn auth_login_when_plain_is_not_offered() {
    let user = "AKIALOGINLOGINONLY01";
    let (outcome, facts) = starttls("login_only", user);
    assert_eq!(outcome.kind(), "accepted", "{outcome:?}");
    assert_eq!(facts.mechanism, Some("LOGIN"));
    assert_eq!(servers().auths(user), [("LOGIN", true, true)]);
}

#[test]
fn a_535_is_rejected_and_diagnosed() {
    let (outcome, _) = starttls("rejecting", "AKIALOGINREJECTED001");
    assert_eq!(outcome.kind(), "rejected", "{outcome:?}");
    assert_eq!(outcome.code(), Some(535));
    assert!(
        outcome
            .reply()
            .unwrap()
            .contains("Authentication Credentials Invalid")
    );
    assert!(!diagnosis(&outcome, 587).is_empty());
}

#[test]
fn a_454_is_temporary() {
    let (outcome, _) = starttls("throttled", "AKIALOGINTHROTTLED01");
    assert_eq!(outcome.kind(), "temporary", "{outcome:?}");
    assert_eq!(outcome.code(), Some(454));
}

#[test]
fn a_wrong_password_is_rejected_by_a_checking_server() {
    let user = "AKIALOGINWRONGPASS01";
    let mut target = Target::new("localhost", servers().port("starttls"), TlsMode::Starttls);
    target.timeout = Duration::from_secs(2);
    target.roots = roots();
    let login = Login {
        username: user,
        password: "BNot+The+Right+Password+For+This+Key+000000",
    };
    let (outcome, _) = probe(&target, &login).unwrap();
    assert_eq!(outcome.kind(), "rejected", "{outcome:?}");
    assert_eq!(servers().auths(user), [("PLAIN", true, false)]);
}

#[test]
fn a_server_without_auth_is_a_protocol_failure() {
    let (outcome, _) = starttls("no_auth", "AKIALOGINNOAUTH00001");
    assert_protocol(&outcome, "no AUTH");
}

#[test]
fn credentials_are_never_sent_without_tls() {
    let user = "AKIALOGINNOSTARTTLS1";
    let (outcome, facts) = starttls("no_starttls", user);
    assert_protocol(&outcome, "STARTTLS");
    assert_eq!(facts.mechanism, None);
    assert!(servers().auths(user).is_empty(), "no AUTH was sent");
}

#[test]
fn a_server_that_hangs_up_is_a_network_failure() {
    let (outcome, _) = starttls("closing", "AKIALOGINCLOSING0001");
    assert_network(&outcome, false, "closed the connection");
}

#[test]
fn a_silent_server_times_out() {
    let start = Instant::now();
    let (outcome, _) = starttls("silent", "AKIALOGINSILENT00001");
    assert_eq!(outcome.kind(), "timeout", "{outcome:?}");
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_certificate_for_another_host_is_a_tls_failure() {
    let user = "AKIALOGINWRONGHOST01";
    let (outcome, _) = starttls("wrong_host", user);
    assert_eq!(outcome.kind(), "tls", "{outcome:?}");
    assert!(
        outcome
            .detail()
            .unwrap()
            .contains("not valid for this host name")
    );
    assert!(servers().auths(user).is_empty());
}

#[test]
fn an_untrusted_ca_is_a_tls_failure() {
    let user = "AKIALOGINUNTRUSTED01";
    let mut target = Target::new("localhost", servers().port("starttls"), TlsMode::Starttls);
    target.timeout = Duration::from_secs(2);
    let login = Login {
        username: user,
        password: PASSWORD,
    };
    let (outcome, _) = probe(&target, &login).unwrap();
    assert_eq!(outcome.kind(), "tls", "{outcome:?}");
    assert!(servers().auths(user).is_empty());
}

#[test]
fn no_mail_is_ever_started() {
    starttls("starttls", "AKIALOGINNOMAIL00001");
    let log = servers().log.lock().unwrap();
    assert!(!log.contains(&smtp::Event::Mail), "{log:?}");
}

#[test]
fn data_sent_before_the_tls_handshake_is_refused() {
    let user = "AKIALOGININJECTED001";
    let (outcome, _) = starttls("injecting", user);
    assert_protocol(&outcome, "sent data before the TLS handshake");
    assert!(servers().auths(user).is_empty());
}

#[test]
fn a_trickling_greeting_times_out() {
    let start = Instant::now();
    let (outcome, _) = starttls("trickle_banner", "AKIALOGINTRICKLE0001");
    assert_eq!(outcome.kind(), "timeout", "{outcome:?}");
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_trickling_continuation_line_times_out() {
    let (outcome, _) = starttls("trickle_continuation", "AKIALOGINTRICKLE0002");
    assert_eq!(outcome.kind(), "timeout", "{outcome:?}");
}

#[test]
fn a_trickling_answer_to_auth_times_out() {
    let (outcome, _) = starttls("trickle_auth_reply", "AKIALOGINTRICKLE0003");
    assert_eq!(outcome.kind(), "timeout", "{outcome:?}");
}

#[test]
fn a_trickling_tls_handshake_times_out() {
    let start = Instant::now();
    let (outcome, _) = login_to(
        "trickle_handshake",
        "AKIALOGINTRICKLE0004",
        TlsMode::Implicit,
    );
    assert_eq!(outcome.kind(), "timeout", "{outcome:?}");
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn capabilities_past_the_display_cut_are_seen() {
    let (outcome, facts) = starttls("long_ehlo", "AKIALOGINLONGEHLO001");
    assert_eq!(outcome.kind(), "accepted", "{outcome:?}");
    assert_eq!(facts.mechanism, Some("PLAIN"));
}

#[test]
fn a_334_or_250_to_auth_is_a_protocol_failure() {
    for (server, code) in [("auth_334", "334"), ("auth_250", "250")] {
        let (outcome, _) = starttls(server, "AKIALOGINAUTHODD0001");
        assert_protocol(&outcome, &format!("the server answered AUTH with {code}"));
    }
}

#[test]
fn an_echoed_password_is_masked_wherever_it_is() {
    for server in ["echo_split", "echo_past_cut", "echo_spaced"] {
        let (outcome, _) = starttls(server, "AKIALOGINECHOED00001");
        assert_eq!(outcome.kind(), "rejected", "{server}: {outcome:?}");
        let reply = outcome.reply().unwrap();
        let squeezed: String = reply.chars().filter(|c| !c.is_whitespace()).collect();
        assert_no_credentials(&squeezed);
    }
}

#[test]
fn a_refused_connection_is_a_network_failure() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut target = Target::new("127.0.0.1", port, TlsMode::Starttls);
    target.timeout = Duration::from_secs(2);
    let login = Login {
        username: "AKIALOGINREFUSED0001",
        password: PASSWORD,
    };
    let (outcome, _) = probe(&target, &login).unwrap();
    assert_eq!(outcome.kind(), "network", "{outcome:?}");
}

#[test]
fn the_transcript_never_holds_the_credentials() {
    starttls("starttls", "AKIALOGINTRANSCRIPT1");
    starttls("login_only", "AKIALOGINTRANSCRIPT2");
    starttls("echo_split", "AKIALOGINTRANSCRIPT3");
    let lines = TRANSCRIPT.lock().unwrap();
    assert!(lines.iter().any(|l| l.contains("AUTH")), "{lines:?}");
    for line in lines.iter() {
        assert_no_credentials(line);
    }
}

#[test]
fn the_login_debug_form_hides_the_password() {
    let login = Login {
        username: "AKIALOGINDEBUG000001",
        password: PASSWORD,
    };
    let text = format!("{login:?}");
    assert!(text.contains("[REDACTED]"), "{text}");
    assert_no_credentials(&text);
}
