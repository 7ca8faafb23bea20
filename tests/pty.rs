//! On a terminal the tool asks for the secret without echo, and the prompt
//! goes to the terminal, not to standard output.

use expectrl::session::OsSession;
use expectrl::{Eof, Expect, Session};
use std::process::Command;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_ses-smtp-password");
const SECRET: &str = "Cn4ryQ8vX2pL9mZ/T7wK3sR6yB1dF5hJ0gN8eUa+";
const PASSWORD: &str = "BCRPcAH1o/C8/ODvg1pAG7CN3hyN0s2vbUbAXwI3Qu2W";

fn session(args: &[&str]) -> OsSession {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    for v in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
    ] {
        cmd.env_remove(v);
    }
    let mut s = Session::spawn(cmd).expect("spawn in a pseudo-terminal");
    s.set_expect_timeout(Some(Duration::from_secs(10)));
    s
}

#[test]
fn prompt_does_not_echo_the_secret() {
    let mut s = session(&["--region", "us-east-1", "--format", "password"]);
    s.expect("IAM secret access key (input hidden): ")
        .expect("prompt shown");
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
    s.send_line(&SECRET[..39]).unwrap();
    let rest = s.expect(Eof).expect("the tool exits");
    let shown = String::from_utf8_lossy(rest.as_bytes()).into_owned();
    assert!(
        shown.contains("the secret is 39 characters long, not 40"),
        "{shown:?}"
    );
    assert!(!shown.contains(&SECRET[..8]), "secret echoed: {shown:?}");
}
