//! A build without the `probe` feature (`cargo test --no-default-features`,
//! run by CI): `probe` says that this build has none and how to get one,
//! and `--version` names the features compiled in.
#![cfg(not(feature = "probe"))]
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use ses_smtp_test_support::cli;

#[test]
fn probe_says_this_build_has_none() {
    let out = cli::run_with_stdin(
        cli::tool().args([
            "probe",
            "--region",
            "us-east-1",
            "--endpoint",
            "localhost:1",
        ]),
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: this build of ses-smtp-password has no probe (it was built without the `probe` feature)\n  \
         hint: install a build with it: cargo install ses-smtp-password (probe is a default feature)\n"
    );
}

#[test]
fn version_names_no_features() {
    let out = ses_smtp_test_support::child::output(cli::tool().arg("--version"));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "ses-smtp-password {} (features: none; no probe)\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}
