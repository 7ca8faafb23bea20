//! On a terminal the tool asks for the secret without echo, and the prompt
//! goes to the terminal, not to standard output.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use ses_smtp_test_support::{child, cli};

use expectrl::session::OsSession;
use expectrl::{Eof, Expect, Session};
use std::process::Command;
use std::time::Duration;

use ses_smtp_test_support::cli::{bin, clean_env};
/// What a failure to start the terminal session means.
const PTY_SH: &str = "sh in a pseudo-terminal (sh and stty ship with every Debian system)";
const SECRET: &str = "Cn4ryQ8vX2pL9mZ/T7wK3sR6yB1dF5hJ0gN8eUa+";
const PASSWORD: &str = "BCRPcAH1o/C8/ODvg1pAG7CN3hyN0s2vbUbAXwI3Qu2W";

/// Runs the tool in a pseudo-terminal whose echo is first turned on (as in
/// a real terminal; expectrl starts with it off), so that only the tool's
/// own handling can hide what is typed.
fn session(args: &[&str]) -> OsSession {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("stty echo; exec \"$0\" \"$@\"")
        .arg(bin())
        .args(args);
    clean_env(&mut cmd);
    let mut s = Session::spawn(cmd).expect(PTY_SH);
    s.set_expect_timeout(Some(Duration::from_secs(10)));
    s
}

/// Waits until the tool has turned echo off on the terminal: the prompt is
/// written just before, so text typed on seeing the prompt could still be
/// echoed by the kernel. The master side shares the terminal's settings.
fn wait_echo_off(s: &OsSession) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while s.get_process().get_echo().expect("read terminal settings") {
        assert!(
            std::time::Instant::now() < deadline,
            "echo never turned off"
        );
        std::thread::yield_now();
    }
}

#[test]
fn prompt_does_not_echo_the_secret() {
    let mut s = session(&["--region", "us-east-1", "--format", "password"]);
    s.expect("IAM secret access key (input hidden): ")
        .expect("prompt shown");
    wait_echo_off(&s);
    s.send_line(SECRET).unwrap();
    let rest = s.expect(Eof).expect("the tool exits");
    let shown = String::from_utf8_lossy(rest.as_bytes()).into_owned();
    assert!(shown.contains(PASSWORD), "password printed: {shown:?}");
    assert!(!shown.contains(&SECRET[..8]), "secret echoed: {shown:?}");
}

#[test]
fn prompt_rejects_a_bad_secret_without_echo() {
    let mut s = session(&["--region", "us-east-1"]);
    s.expect("(input hidden): ").expect("prompt shown");
    wait_echo_off(&s);
    s.send_line(&SECRET[..39]).unwrap();
    let rest = s.expect(Eof).expect("the tool exits");
    let shown = String::from_utf8_lossy(rest.as_bytes()).into_owned();
    assert!(
        shown.contains("the secret is 39 characters long, not 40"),
        "{shown:?}"
    );
    assert!(!shown.contains(&SECRET[..8]), "secret echoed: {shown:?}");
}

#[test]
fn prompt_goes_to_the_terminal_and_only_the_password_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("stdout");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("stty echo; exec \"$0\" --region us-east-1 --format password > \"$1\"")
        .arg(bin())
        .arg(&out);
    clean_env(&mut cmd);
    let mut s = Session::spawn(cmd).expect(PTY_SH);
    s.set_expect_timeout(Some(Duration::from_secs(10)));
    s.expect("IAM secret access key (input hidden): ")
        .expect("prompt on the terminal");
    wait_echo_off(&s);
    s.send_line(SECRET).unwrap();
    s.expect(Eof).unwrap();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        format!("{PASSWORD}\n")
    );
}

#[test]
fn ctrl_c_at_the_prompt_restores_the_terminal() {
    // After the tool dies of SIGINT, the shell prints the terminal's
    // settings: they must be as before the prompt.
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("stty echo; \"$0\" --region us-east-1; echo \"exit=$?\"; stty -a")
        .arg(bin());
    clean_env(&mut cmd);
    // Ctrl-C must reach the tool as it does at a terminal.
    child::in_the_foreground(&mut cmd);
    let mut s = Session::spawn(cmd).expect(PTY_SH);
    s.set_expect_timeout(Some(Duration::from_secs(10)));
    s.expect("(input hidden): ").unwrap();
    // The prompt is written just before the terminal goes raw; wait for it.
    wait_echo_off(&s);
    s.send(expectrl::ControlCode::EndOfText).unwrap();
    let rest = s.expect(Eof).unwrap();
    let shown = String::from_utf8_lossy(rest.as_bytes()).into_owned();
    assert!(shown.contains("exit=130"), "killed by SIGINT: {shown:?}");
    // expectrl's terminal starts as "isig icanon -echo"; the prompt turns
    // isig and icanon off, and must turn them back on.
    let words: Vec<&str> = shown.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"isig"),
        "terminal left raw: {shown:?}"
    );
}

#[test]
fn core_dumps_are_off_while_waiting_at_the_prompt() {
    let mut s = session(&["--region", "us-east-1"]);
    s.expect("(input hidden): ").unwrap();
    // The shell exec'd the tool, so the pid is the tool's.
    let pid = s.get_process().pid();
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .expect("core limit listed");
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");
    wait_echo_off(&s);
    s.send_line(SECRET).unwrap();
    s.expect(Eof).unwrap();
}

#[test]
fn a_panic_prints_no_payload() {
    let out = cli::run_with_stdin(
        cli::tool()
            .args(["--region", "us-east-1"])
            .env("SES_SMTP_PASSWORD_TEST_PANIC", "1"),
        SECRET.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(101));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: internal error at src/commands/derive.rs:"),
        "{stderr}"
    );
    for i in 0..=SECRET.len() - 8 {
        assert!(
            !stderr.contains(&SECRET[i..i + 8]),
            "payload printed: {stderr}"
        );
    }
}

#[test]
fn without_terminal_or_input_it_fails_at_once() {
    // setsid: no controlling terminal; stdin at end of file.
    let start = std::time::Instant::now();
    let mut setsid = Command::new("setsid");
    setsid.args(["-w", bin(), "--region", "us-east-1"]);
    // setsid(1) is util-linux, part of every Debian system.
    let out = ses_smtp_test_support::child::output(clean_env(&mut setsid)); // stdin: /dev/null
    assert_eq!(out.status.code(), Some(5));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("error: no secret access key was given")
    );
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "took {:?}",
        start.elapsed()
    );
}
