//! End to end with a real mail server: Debian's Postfix relays through an
//! SMTP server of this test that plays SES (STARTTLS with a throwaway CA;
//! AUTH accepted only for the V4 password of an Active key moto issued,
//! and, as SES does, the key then reported used by IAM). The secret starts
//! out naming that server; `sync --then 'postmap … && postfix reload'`
//! installs it; the built `ses-smtp-rotator` rotates it under a loopback
//! Lambda Runtime API, as Lambda runs it, against moto.
//!
//! Run by scripts/e2e-postfix.sh (from .ci/run), never by plain `cargo
//! test`: it needs the `e2e-postfix` feature, root, Debian's `postfix` and
//! `libsasl2-modules`, and moto (see crates/ses-smtp-test-support/src/moto.rs).
#![cfg(feature = "e2e-postfix")]
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

mod postfix;

use postfix::Postfix;
use ses_smtp_rotation::sdk::iam::Timestamp;
use ses_smtp_test_support::lambda::BuiltFunction;
use ses_smtp_test_support::moto::*;
use ses_smtp_test_support::secrets::{holding, keys_of, token, username_in};
use ses_smtp_test_support::smtp;
use std::sync::Arc;
use std::time::{Duration, Instant};

const USER: &str = "e2e-postfix";
const OPERATOR: &str = "AKIAE2EPOSTFIXROTATE";
/// IN_USE_WINDOW_SECONDS for the function: short, so the guard's end is
/// seen within the run.
const WINDOW: i64 = 10;

/// The SMTP server Postfix relays to, as SES: a login is accepted for the
/// V4 password (REGION) of an Active key moto issued, and the key is then
/// used (a request signed with it reaches moto), so IAM reports it used.
fn ses() -> smtp::Servers {
    smtp::relay(Arc::new(|user, password| {
        let Some((_, secret, status)) = moto_keys().remove(user) else {
            return false;
        };
        let ok = status == "Active" && password == smtp_password(&secret, REGION);
        if ok {
            use_key(user);
        }
        ok
    }))
}

/// `sync` for Postfix, as docs/recipes.md has it, with the login checked
/// first (`--probe`): whether it changed the file.
fn sync(arn: &str, pf: &Postfix, ca_file: &std::path::Path) -> bool {
    let mut cmd = tool();
    cmd.args(["sync", "--from", &format!("secretsmanager:{arn}")])
        .args(["--format", "postfix", "--out"])
        .arg(pf.sasl_passwd())
        .args([
            "--then",
            &pf.then(),
            "--probe",
            "--tls",
            "starttls",
            "--ca-file",
        ])
        .arg(ca_file);
    let ran = run(&mut cmd);
    assert_eq!(ran.code, Some(0), "sync: {}", ran.stderr);
    assert_no_secret("sync's output", &ran.stderr);
    assert_no_password("sync's output", &ran.stderr);
    !ran.stderr.contains("unchanged")
}

/// Sends a message through Postfix and waits until the relay has it: the
/// key it was sent with.
fn mail(pf: &Postfix, ses: &smtp::Servers, subject: &str) -> String {
    pf.send(subject);
    let header = format!("Subject: {subject}\r\n");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let got: Vec<String> = ses
            .delivered()
            .into_iter()
            .filter(|(_, m)| m.contains(&header))
            .map(|(user, _)| user)
            .collect();
        if let [user] = got.as_slice() {
            return user.clone();
        }
        assert!(got.is_empty(), "{subject} arrived {} times", got.len());
        assert!(
            Instant::now() < deadline,
            "{subject} did not arrive in 60 s.\nmailq:\n{}\nPostfix's log:\n{}",
            pf.queue(),
            pf.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The key the secret's AWSCURRENT names.
fn current_key(arn: &str) -> String {
    username_in(arn, &holding(arn, "AWSCURRENT").unwrap())
}

/// IAM's last use of `key`, in seconds (whole seconds, as IAM reports).
fn last_used(key: &str) -> Option<i64> {
    block_on(iam().get_access_key_last_used().access_key_id(key).send())
        .unwrap()
        .access_key_last_used
        .and_then(|u| u.last_used_date)
        .map(|d| d.secs())
}

/// Waits until the clock is past second `secs` (IAM's and Secrets
/// Manager's times are whole seconds: a use in the same second as a
/// version's creation is not after it).
fn wait_past(secs: i64) {
    while Timestamp::now().secs() <= secs {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The current version's creation time, as GetSecretValue reports it for
/// the AWSCURRENT label, which is what the function reads: moto keeps it
/// right there. (ListSecretVersionIds reports the time of the call, and a
/// GetSecretValue without a label answers with the version that was
/// current before the last rotation moved the label.)
fn current_created(arn: &str) -> i64 {
    block_on(
        sm().get_secret_value()
            .secret_id(arn)
            .version_stage("AWSCURRENT")
            .send(),
    )
    .unwrap()
    .created_date
    .unwrap()
    .secs()
}

#[test]
fn postfix_follows_every_rotation_and_the_guard_keeps_the_key_it_still_uses() {
    let started = Instant::now();
    let ses = ses();
    let ca_file = ses.ca_file.clone();
    let first = user_with_keys(USER, 1).remove(0);
    let initial = serde_json::json!({
        "username": first,
        "password": smtp_password(&moto_keys()[&first].1, REGION),
        "host": "localhost",
        "port": ses.port("relay"),
        "region": REGION,
        "iam_user": USER,
    });
    let arn = block_on(
        sm().create_secret()
            .name("e2e/postfix")
            .secret_string(initial.to_string())
            .send(),
    )
    .unwrap()
    .arn
    .unwrap();
    let pf = Postfix::start(ses.port("relay"), &ca_file);
    assert!(sync(&arn, &pf, &ca_file), "the first sync writes the map");
    assert!(!sync(&arn, &pf, &ca_file), "a second sync changes nothing");
    assert_eq!(mail(&pf, &ses, "before any rotation"), first);

    // Three rotations, each followed by sync: every message goes through
    // with the key just made.
    let window = WINDOW.to_string();
    let mut f = BuiltFunction::start(
        OPERATOR,
        [
            ("SES_SMTP_CA_FILE", ca_file.as_os_str()),
            ("IN_USE_WINDOW_SECONDS", window.as_ref()),
        ],
    );
    for n in 1..=3 {
        f.rotate(&arn, &token(n)).unwrap();
        let key = current_key(&arn);
        assert!(
            sync(&arn, &pf, &ca_file),
            "rotation {n}: sync changed nothing"
        );
        assert_eq!(mail(&pf, &ses, &format!("after rotation {n}")), key);
    }
    let third = current_key(&arn);

    // A fourth rotation without sync: Postfix is still on the third key,
    // and mail still goes through with it, after the new version.
    f.rotate(&arn, &token(4)).unwrap();
    let fourth = current_key(&arn);
    wait_past(current_created(&arn));
    assert_eq!(mail(&pf, &ses, "after rotation 4, no sync"), third);
    // The fifth: the guard stops it, and nothing changes.
    let keys_before = keys_of(USER);
    let refused = f.rotate(&arn, &token(5)).unwrap_err();
    assert!(
        refused.starts_with("createSecret")
            && refused.contains(&third)
            && refused.contains("still logs in"),
        "{refused}"
    );
    assert_eq!(keys_of(USER), keys_before, "the guard changed nothing");
    assert_eq!(moto_keys()[&third].2, "Active");
    assert_eq!(mail(&pf, &ses, "after the guard"), third);
    // sync moves Postfix to the fourth key; once the third's last use is
    // older than the window, Secrets Manager's next try goes through.
    assert!(sync(&arn, &pf, &ca_file));
    assert_eq!(mail(&pf, &ses, "after sync to the fourth key"), fourth);
    let used = last_used(&third).unwrap();
    wait_past(used + WINDOW);
    f.steps(&arn, &token(5)).unwrap();
    let fifth = current_key(&arn);
    let mut expected = vec![fourth.clone(), fifth.clone()];
    expected.sort();
    assert_eq!(keys_of(USER), expected, "the third key was deleted");
    assert!(sync(&arn, &pf, &ca_file));
    assert_eq!(mail(&pf, &ses, "after rotation 5"), fifth);

    // Nothing was deferred on the way; the function logged the guard once,
    // naming the third key, and no secret or password anywhere.
    let queue = pf.queue();
    assert!(queue.contains("Mail queue is empty"), "mailq: {queue}");
    let (log, stderr) = f.stop();
    let in_use: Vec<serde_json::Value> = log
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l.get("event").and_then(|e| e.as_str()) == Some("key_in_use"))
        .collect();
    assert_eq!(in_use.len(), 1, "{log}");
    assert_eq!(in_use[0]["key"], third.as_str());
    for text in [&log, &stderr, &pf.log()] {
        assert_no_secret("the function's and Postfix's logs", text);
    }
    assert_no_password("the function's log", &log);
    drop(pf);
    println!(
        "e2e-postfix: 5 rotations, 9 messages, the guard once, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
