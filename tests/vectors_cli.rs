//! The command line against the library's known-answer vectors, read by the
//! library's one loader: `--all-regions` and `vectors check`. A workspace
//! test: the vectors live with the library, so this file is not packaged
//! with the binary.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

mod common;
#[path = "../crates/ses-smtp-credentials/tests/common/mod.rs"]
mod known_answers;

use assert_cmd::Command;

fn cmd() -> Command {
    Command::from_std(common::tool())
}

/// `--all-regions` gives every SMTP region the password the independent
/// vectors give.
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
    let expected: Vec<_> = known_answers::all_vectors()
        .into_iter()
        .filter(|v| v.secret == secret && v.version == 4)
        .collect();
    assert_eq!(items.len(), expected.len(), "one entry per SMTP region");
    for v in expected {
        let (region, label) = (v.region.as_deref().unwrap(), &v.label);
        let item = items
            .iter()
            .find(|i| i["region"] == region)
            .unwrap_or_else(|| panic!("{label}: region missing from --all-regions"));
        assert_eq!(item["password"], v.password.as_str(), "{label}");
        assert_eq!(
            item["endpoint"],
            format!("email-smtp.{region}.amazonaws.com"),
            "{label}"
        );
        assert_eq!(item["username"], serde_json::Value::Null, "{label}");
    }
}

/// `vectors check` passes every vector of the repository.
#[test]
fn vectors_check_passes_the_repository_vectors() {
    let files = known_answers::vector_files();
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
    let total = known_answers::all_vectors().len();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{total} passed, 0 failed\n")
    );
}

/// Bounded work on hostile input: `vectors check` holds at most one capped
/// line, reports an over-long line and goes on, and gives up on a stream
/// without line ends (`/dev/zero`) instead of growing without bound.
#[test]
fn vectors_check_is_bounded_on_hostile_files() {
    let out = cmd()
        .args(["vectors", "check", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "/dev/zero:1: MALFORMED: no line end within 1048576 bytes; not a vector file, stopped reading it\n\
         0 passed, 1 failed\n"
    );
    // One huge line between good ones: reported, and checking goes on.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("v.jsonl");
    let good =
        std::fs::read_to_string(known_answers::vectors_dir().join("published.jsonl")).unwrap();
    let first = good.lines().next().unwrap();
    std::fs::write(
        &file,
        format!("{first}\n{}\n{first}\n", "x".repeat(200_000)),
    )
    .unwrap();
    let out = cmd()
        .arg("vectors")
        .arg("check")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.ends_with(&format!(
            "{}:2: MALFORMED: the line is longer than 65536 bytes\n2 passed, 1 failed\n",
            file.display()
        )),
        "{text}"
    );
    // A line longer than the cap for endless streams, in a regular file:
    // still reported as one malformed line, and the lines after it checked.
    std::fs::write(
        &file,
        format!("{first}\n{}\n{first}\n", "x".repeat(3 << 20)),
    )
    .unwrap();
    let out = cmd()
        .arg("vectors")
        .arg("check")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text,
        format!(
            "{}:2: MALFORMED: the line is longer than 65536 bytes\n2 passed, 1 failed\n",
            file.display()
        )
    );
}
