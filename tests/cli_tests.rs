//! One trycmd case per behaviour: tests/cmd/NAME.toml with the exact
//! expected stdout, stderr and exit code beside it.

#[test]
fn cli_cases() {
    // The cases set the environment they need; nothing may leak in from the
    // machine that runs them. This test is alone in its binary, so no other
    // thread reads the environment meanwhile.
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
        "SES_SMTP_PASSWORD",
    ] {
        // SAFETY: single-threaded at this point (see above).
        unsafe { std::env::remove_var(name) };
    }
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
