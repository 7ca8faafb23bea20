//! The fuzz targets' properties (tests/fuzz_properties/mod.rs), driven by proptest in
//! `cargo test`: random bytes, inputs shaped like the real formats, and the
//! seed corpus (every vector and every CLI case's input).
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

mod fuzz_properties;
use fuzz_properties as properties;

mod common;

use proptest::prelude::*;

/// Fragments that steer random inputs into the parsers' interesting paths.
fn shaped() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just("{\"AccessKey\": {".to_string()),
        Just("\"SecretAccessKey\": \"".to_string()),
        Just("\"AccessKeyId\": \"AKIAIOSFODNN7EXAMPLE\"".to_string()),
        Just("\"SessionToken\": 1".to_string()),
        Just("Access key ID,Secret access key\r\n".to_string()),
        Just("[smtp]\naws_secret_access_key = ".to_string()),
        Just("{password}".to_string()),
        Just("{{".to_string()),
        Just("%2B".to_string()),
        Just("us-east-1".to_string()),
        Just("\u{FEFF}".to_string()),
        Just("\u{201C}".to_string()),
        "[A-Za-z0-9+/]{40}",
        "[A-Za-z0-9+/=]{44}",
        "[ -~]{0,12}",
        Just("\n".to_string()),
        Just(",".to_string()),
        Just("\"}}".to_string()),
    ];
    proptest::collection::vec(piece, 0..8).prop_map(|p| p.concat().into_bytes())
}

fn all(data: &[u8]) {
    properties::derive(data);
    properties::input(data);
    properties::region(data);
    properties::profile(data);
    properties::verify(data);
    properties::vectors(data);
    properties::template(data);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn random_bytes(data in proptest::collection::vec(any::<u8>(), 0..300)) {
        all(&data);
    }

    #[test]
    fn shaped_inputs(data in shaped()) {
        all(&data);
    }

    #[test]
    fn vector_lines_with_one_byte_changed(index in any::<prop::sample::Index>(), byte in any::<u8>(), at in any::<prop::sample::Index>()) {
        let vectors = common::all_vectors();
        let v = &vectors[index.index(vectors.len())];
        let mut line = serde_json::json!({
            "secret": v.secret,
            "region": v.region,
            "version": v.version,
            "password": v.password,
        })
        .to_string()
        .into_bytes();
        let i = at.index(line.len());
        line[i] = byte;
        all(&line);
    }
}

#[test]
fn seed_corpus() {
    let mut n = 0;
    for v in common::all_vectors() {
        for text in [&v.secret, &v.password] {
            all(text.as_bytes());
            n += 1;
        }
    }
    // In the workspace (not in the packaged crate): every command-line
    // case's input, and the inputs the fuzzer once failed on
    // (fuzz/regressions/TARGET-what).
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if workspace.join("fuzz/regressions").is_dir() {
        let mut seeds = Vec::new();
        cases_below(&workspace.join("tests/cmd"), &mut seeds);
        for entry in std::fs::read_dir(workspace.join("fuzz/regressions")).unwrap() {
            seeds.push(entry.unwrap().path());
        }
        assert!(
            seeds.len() > 100,
            "workspace seeds missing: {}",
            seeds.len()
        );
        for path in seeds {
            all(&std::fs::read(&path).unwrap());
            n += 1;
        }
    }
    assert!(n > 100, "seed corpus too small: {n}");
}

/// The command-line cases' files (each `.toml` holds its input inline, and
/// `.in` folders hold the files a case reads).
fn cases_below(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            cases_below(&path, out);
        } else {
            out.push(path);
        }
    }
}
