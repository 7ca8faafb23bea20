//! The library tests' known-answer vector loader: each line read by the
//! library's one reader, `vectors::parse_line`.
#![allow(dead_code)]
use std::path::{Path, PathBuf};

pub struct Vector {
    /// `file:line name`, for failure messages.
    pub label: String,
    pub secret: String,
    pub region: Option<String>,
    pub version: u8,
    pub password: String,
}

/// The vector files' folder: this crate's `tests/vectors`.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

pub fn vector_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "vector files missing: {files:?}");
    files
}

/// Every vector of a file, read by the library's one reader
/// (`vectors::parse_line`, which `vectors check` uses too); a line that is
/// not a vector fails the test, naming it.
pub fn load(path: &Path) -> Vec<Vector> {
    let text = std::fs::read_to_string(path).unwrap();
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let v = ses_smtp_credentials::vectors::parse_line(line)
                .unwrap_or_else(|e| panic!("{file}:{}: {e}", i + 1))?;
            Some(Vector {
                label: format!("{file}:{} {}", i + 1, v.name.unwrap_or_default()),
                secret: v.secret,
                region: v.region,
                version: v.version,
                password: v.password,
            })
        })
        .collect()
}

pub fn all_vectors() -> Vec<Vector> {
    vector_files().iter().flat_map(|p| load(p)).collect()
}
