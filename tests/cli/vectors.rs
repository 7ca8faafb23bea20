//! The command line against the library's known-answer vectors, each
//! line read by the library's one reader (`vectors::parse_line`):
//! `--all-regions` and `vectors check`.

use ses_smtp_credentials::vectors::{Vector, parse_line};
use ses_smtp_test_support::cli::cmd;
use std::path::PathBuf;

/// The library's vector folder.
fn vectors_dir() -> PathBuf {
    ses_smtp_test_support::workspace().join("crates/ses-smtp-credentials/tests/vectors")
}

/// Its `.jsonl` files, in order.
fn vector_files() -> Vec<PathBuf> {
    let mut jsonl: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "jsonl").then_some(path)
        })
        .collect();
    jsonl.sort();
    jsonl
}

/// Every vector of every file, each with `file:line` for failures.
fn all_vectors() -> Vec<(String, Vector)> {
    let mut all = Vec::new();
    for path in vector_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let at = format!("{}:{}", path.display(), n + 1);
            if let Some(v) = parse_line(line).unwrap_or_else(|e| panic!("{at}: {e}")) {
                all.push((at, v));
            }
        }
    }
    assert!(
        all.len() >= 50,
        "vector files missing: {} vectors",
        all.len()
    );
    all
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
    let expected: Vec<_> = all_vectors()
        .into_iter()
        .filter(|(_, v)| v.secret == secret && v.version == 4)
        .collect();
    assert_eq!(items.len(), expected.len(), "one entry per SMTP region");
    for (label, v) in expected {
        let region = v.region.as_deref().unwrap();
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
    let files = vector_files();
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
    let total = all_vectors().len();
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
    let good = std::fs::read_to_string(vectors_dir().join("published.jsonl")).unwrap();
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
