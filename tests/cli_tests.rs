//! One trycmd case per behaviour: tests/cmd/COMMAND/NAME.toml, with its
//! arguments, environment, standard input and the exact expected stdout,
//! stderr and exit code inline (a standard input that is not UTF-8 text
//! stays beside it as NAME.stdin). Files a case reads are in NAME.in, or,
//! for the profile cases, the one shared tests/cmd/profile/profiles.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use ses_smtp_test_support::cli;

#[test]
fn cli_cases() {
    // The cases set the environment they need; nothing may leak in from the
    // machine that runs them. This test is alone in its binary, so no other
    // thread reads the environment meanwhile.
    for name in cli::TOOL_VARS {
        // SAFETY: single-threaded at this point (see above).
        unsafe { std::env::remove_var(name) };
    }
    let cases = trycmd::TestCases::new();
    cases.timeout(ses_smtp_test_support::child::CHILD_DEADLINE);
    // Every build: its help and version. The minimal build (no `probe`)
    // has only those and its refusals; the others run every case.
    #[cfg(not(feature = "probe"))]
    {
        cases.case("tests/cmd-minimal/*/*.toml");
        cases.case("tests/cmd-default/keys/*.toml");
        cases.case("tests/cmd-default/rotate/*.toml");
    }
    #[cfg(feature = "probe")]
    cases.case("tests/cmd/*/*.toml");
    // What differs with the `aws` feature: help, --version, and rotate,
    // retire and keys.
    #[cfg(all(feature = "probe", not(any(feature = "aws", feature = "aws-front"))))]
    cases.case("tests/cmd-default/*/*.toml");
    #[cfg(feature = "aws")]
    cases.case("tests/cmd-aws/*/*.toml");
    // The Debian package's front: the `aws` build's help and version (the
    // commands themselves run in the helper: tests/cli/front.rs).
    #[cfg(all(feature = "aws-front", not(feature = "aws")))]
    cases.case("tests/cmd-aws/help/*.toml");
}
