//! No relative link in README.md, CONTRIBUTING.md, RELEASING.md or docs/
//! is left dangling: each names a file or folder of the repository, and a
//! `#fragment` names a heading of that Markdown file (GitHub's anchors).
//! A workspace test (the documents are not packaged).
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The documents whose links are checked.
fn documents() -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = ["README.md", "CONTRIBUTING.md", "RELEASING.md"]
        .iter()
        .map(|f| root().join(f))
        .collect();
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            docs.push(path);
        }
    }
    docs.sort();
    docs
}

/// The text outside fenced code blocks and inline code, line by line.
fn prose(text: &str) -> Vec<(usize, String)> {
    let mut fenced = false;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Inline code: every other backtick-delimited piece.
        let kept: String = line
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(_, s)| s)
            .collect::<Vec<_>>()
            .join(" ");
        out.push((n + 1, kept));
    }
    out
}

/// The targets of `[text](target)` links on a line.
fn links(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(i) = rest.find("](") {
        let after = &rest[i + 2..];
        let Some(end) = after.find(')') else { break };
        found.push(after[..end].trim().to_string());
        rest = &after[end..];
    }
    found
}

/// GitHub's anchor for a heading: lower case, only letters, digits, `-`,
/// `_` and spaces kept, spaces turned into `-`.
fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown file (a repeated heading gets `-1`, `-2`…).
fn anchors(text: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut fenced = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if fenced || !line.starts_with('#') {
            continue;
        }
        let base = slug(line.trim_start_matches('#').trim());
        let n = seen.entry(base.clone()).or_default();
        out.push(if *n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        });
        *n += 1;
    }
    out
}

#[test]
fn no_relative_link_is_dangling() {
    let mut dangling = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        let name = doc.strip_prefix(root()).unwrap().display().to_string();
        for (n, line) in prose(&text) {
            for target in links(&line) {
                if target.contains("://") || target.starts_with("mailto:") {
                    continue;
                }
                checked += 1;
                let (path, fragment) = match target.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (target.as_str(), None),
                };
                let file = if path.is_empty() {
                    doc.clone()
                } else {
                    doc.parent().unwrap().join(path)
                };
                if !file.exists() {
                    dangling.push(format!("{name}:{n}: {target}: no such file"));
                    continue;
                }
                if let Some(f) = fragment {
                    let target_text = std::fs::read_to_string(&file).unwrap_or_default();
                    if !anchors(&target_text).iter().any(|a| a == f) {
                        dangling.push(format!("{name}:{n}: {target}: no such heading"));
                    }
                }
            }
        }
    }
    assert!(
        dangling.is_empty(),
        "dangling links:\n{}",
        dangling.join("\n")
    );
    assert!(
        checked > 30,
        "only {checked} links found: is the parser broken?"
    );
}

#[test]
fn the_checker_sees_what_it_checks() {
    assert_eq!(
        slug("`kill -9`: the journal and `rotate --recover`"),
        "kill--9-the-journal-and-rotate---recover"
    );
    assert_eq!(
        slug("`verify`: why does SES say 535?"),
        "verify-why-does-ses-say-535"
    );
    assert_eq!(
        anchors("# A\n## B\n```\n# not\n```\n## B\n"),
        ["a", "b", "b-1"]
    );
    assert_eq!(
        links("see [x](docs/a.md#b) and [y](https://e.com)"),
        ["docs/a.md#b", "https://e.com"]
    );
    assert_eq!(prose("a `[x](y)` b\n```\n[z](w)\n```\n")[0].1, "a   b");
}
