//! The workspace's shape, checked: no non-test source file over 400 lines
//! (a file's inline `#[cfg(test)] mod tests` at its end not counted), no
//! two types of one name anywhere in the workspace, and no import cycle
//! between the files of a crate. Crates cannot form cycles
//! (cargo refuses them), so files are what is checked here.
//!
//! An import is any `crate::…`, `super::…` or `self::…` path in a file. It
//! points at the file that defines the module it names; when that file
//! only re-exports the name (`pub use child::Name`), at the child's file.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 400;

/// The test-support crate: test code, held to the tests' rules (no
/// `#[path]`), not to the sources' (its servers misbehave at length).
const TEST_SUPPORT: &str = "ses-smtp-test-support";

/// Every crate's source root (`src/`), by crate directory, the
/// test-support crate's aside.
fn roots() -> Vec<PathBuf> {
    let top = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![top.join("src")];
    for entry in std::fs::read_dir(top.join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        let src = dir.join("src");
        if src.is_dir() && !dir.ends_with(TEST_SUPPORT) {
            roots.push(src);
        }
    }
    roots
}

/// Every Rust file of the workspace's tests: each package's `tests/`, and
/// the test-support crate.
fn test_files() -> Vec<PathBuf> {
    let top = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![top.join("tests")];
    for entry in std::fs::read_dir(top.join("crates")).unwrap() {
        let dir = entry.unwrap().path();
        dirs.push(dir.join("tests"));
        if dir.ends_with(TEST_SUPPORT) {
            dirs.push(dir.join("src"));
        }
    }
    let mut files = Vec::new();
    for dir in dirs.into_iter().filter(|d| d.is_dir()) {
        rust_files(&dir, &mut files);
    }
    files
}

/// A test helper is shared through the test-support crate (a
/// dev-dependency), never compiled into a second test binary by
/// `#[path]`: each file belongs to one crate.
#[test]
fn no_test_includes_a_file_by_path() {
    let files = test_files();
    assert!(files.len() > 20, "the checker sees too few test files");
    let mut included = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("#[path") {
                included.push(format!("{}:{}", file.display(), n + 1));
            }
        }
    }
    assert!(
        included.is_empty(),
        "files included by #[path]: {included:#?}\nmove what they share into crates/ses-smtp-test-support"
    );
}

/// The features are decided in few places: at most 30 `cfg(feature …)`
/// sites (`cfg`, `cfg!` and `cfg_attr` on a feature) in the command line's
/// `src/`, in at most 8 files (`src/gated.rs` settles, runs and refuses the
/// commands behind features), so a new command adds none.
#[test]
fn feature_gates_are_few_and_in_few_files() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut sites = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let n = text
            .lines()
            .filter(|l| {
                let l = l.trim_start();
                ["#[cfg(", "#![cfg(", "#[cfg_attr(", "#![cfg_attr(", "cfg!("]
                    .iter()
                    .any(|p| l.contains(p))
                    && l.contains("feature")
            })
            .count();
        if n > 0 {
            sites.insert(file.display().to_string(), n);
        }
    }
    let total: usize = sites.values().sum();
    assert!(total > 10, "the checker sees too few sites: {sites:#?}");
    assert!(
        total <= 30 && sites.len() <= 8,
        "{total} cfg(feature …) sites in {} files: {sites:#?}\nsettle, run and refuse a command behind a feature in src/gated.rs",
        sites.len()
    );
}

/// The root package's integration tests are at most six test binaries
/// (one per feature area, over the one harness).
#[test]
fn the_root_package_has_at_most_six_test_binaries() {
    let top = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let binaries: Vec<String> = std::fs::read_dir(&top)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs") || p.join("main.rs").is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        !binaries.is_empty() && binaries.len() <= 6,
        "test binaries: {binaries:?}"
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every source file of every crate, with its text.
fn sources() -> Vec<(PathBuf, String)> {
    let mut list = Vec::new();
    for root in roots() {
        rust_files(&root, &mut list);
    }
    list.into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            (file, text)
        })
        .collect()
}

/// The lines before the inline test module.
fn non_test(text: &str) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .windows(2)
        .position(|w| w[0].trim() == "#[cfg(test)]" && w[1].starts_with("mod tests"))
        .unwrap_or(lines.len());
    lines[..end].to_vec()
}

/// The module path of a file under its crate's `src/` (`a/b.rs` and
/// `a/b/mod.rs` are `["a", "b"]`; `lib.rs` and `main.rs` are the root).
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The paths a file names: `crate::a::b::C`, `super::x`, `self::y`, and
/// the names inside a `{…}` group, each split into segments.
fn paths(text: &str) -> Vec<Vec<String>> {
    paths_with(text, &[])
}

/// As [`paths`], and paths that start with one of `children` (the file's
/// own submodules, named without `self::`), as `self::child::…`.
fn paths_with(text: &str, children: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if !text.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let start_ok = i == 0 || !ident(bytes[i - 1]) && bytes[i - 1] != b':';
        let rest = &text[i..];
        let child = children
            .iter()
            .find(|c| rest.starts_with(&format!("{c}::")))
            .map(|c| (c.len(), vec!["self".to_string()]));
        let head = ["crate::", "super::", "self::"]
            .into_iter()
            .find(|h| rest.starts_with(h))
            .map(|h| (h.len(), vec![h.trim_end_matches("::").to_string()]))
            .or(child.map(|(_, segs)| (0, segs)));
        if let (true, Some((skip, mut segs))) = (start_ok, head) {
            let head = &text[i..i + skip];
            let mut j = i + head.len();
            loop {
                let s = j;
                while j < bytes.len() && ident(bytes[j]) {
                    j += 1;
                }
                if j > s {
                    segs.push(text[s..j].to_string());
                }
                // A group (`::{…}`, or `{…}` right after the head): each
                // member, one level deep.
                let open = if text[j..].starts_with("::{") {
                    Some(j + 3)
                } else if j == s && text[j..].starts_with('{') {
                    Some(j + 1)
                } else {
                    None
                };
                if let Some(open) = open {
                    let close = text[j..].find('}').map_or(bytes.len(), |c| j + c);
                    for member in text[open..close].split(',') {
                        let name: String = member
                            .trim()
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        if !name.is_empty() {
                            let mut p = segs.clone();
                            p.push(name);
                            out.push(p);
                        }
                    }
                    j = close;
                    segs.clear();
                    break;
                }
                if text[j..].starts_with("::") && j + 2 < bytes.len() && ident(bytes[j + 2]) {
                    j += 2;
                    continue;
                }
                break;
            }
            if !segs.is_empty() {
                out.push(segs);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

struct Crate {
    /// Module path → file.
    files: BTreeMap<Vec<String>, PathBuf>,
    /// Module path → (re-exported name → child module it comes from).
    reexports: BTreeMap<Vec<String>, BTreeMap<String, String>>,
}

fn load(root: &Path) -> Crate {
    let mut list = Vec::new();
    rust_files(root, &mut list);
    let mut files = BTreeMap::new();
    let mut reexports = BTreeMap::new();
    for file in list {
        let module = module_of(root, &file);
        let text = std::fs::read_to_string(&file).unwrap();
        let mut names = BTreeMap::new();
        for line in text.lines() {
            let line = line.trim();
            let Some(rest) = line.strip_prefix("pub use ") else {
                continue;
            };
            let Some((child, items)) = rest.split_once("::") else {
                continue;
            };
            if child.contains(['{', ' ']) {
                continue;
            }
            for item in items.trim_matches(|c| "{};".contains(c)).split(',') {
                let name = item.split(" as ").last().unwrap_or("").trim();
                if !name.is_empty() {
                    names.insert(name.to_string(), child.to_string());
                }
            }
        }
        reexports.insert(module.clone(), names);
        files.insert(module, file);
    }
    Crate { files, reexports }
}

/// The file a path points at, from the module `from`.
fn target(krate: &Crate, from: &[String], path: &[String]) -> Option<PathBuf> {
    let mut module: Vec<String> = match path[0].as_str() {
        "crate" => Vec::new(),
        "super" => from[..from.len().saturating_sub(1)].to_vec(),
        _ => from.to_vec(),
    };
    let mut rest = &path[1..];
    while let Some(seg) = rest.first() {
        if seg == "super" {
            module.pop();
            rest = &rest[1..];
            continue;
        }
        let mut deeper = module.clone();
        deeper.push(seg.clone());
        if krate.files.contains_key(&deeper) {
            module = deeper;
            rest = &rest[1..];
            continue;
        }
        // A name the module only re-exports points at its child.
        if let Some(child) = krate.reexports.get(&module).and_then(|r| r.get(seg)) {
            let mut via = module.clone();
            via.push(child.clone());
            if krate.files.contains_key(&via) {
                module = via;
            }
        }
        break;
    }
    krate.files.get(&module).cloned()
}

#[test]
fn no_source_file_is_over_400_lines() {
    let mut over = Vec::new();
    for (file, text) in sources() {
        let n = non_test(&text).len();
        if n > MAX_LINES {
            over.push(format!("{} ({n} lines)", file.display()));
        }
    }
    assert!(
        over.is_empty(),
        "over {MAX_LINES} lines: {over:#?}\nsplit them by what they do"
    );
}

/// Secrets Manager's staging labels are constants
/// (`ses_smtp_rotation::stages`): each label's string literal is written
/// once in the workspace's sources, tests aside.
#[test]
fn each_staging_label_is_written_once() {
    for label in ["AWSCURRENT", "AWSPENDING", "AWSPREVIOUS"] {
        let literal = format!("\"{label}\"");
        let mut at = Vec::new();
        for (file, text) in sources() {
            let n = non_test(&text)
                .iter()
                .map(|l| l.matches(&literal).count())
                .sum::<usize>();
            if n > 0 {
                at.push(format!("{} ({n})", file.display()));
            }
        }
        assert_eq!(
            at.len(),
            1,
            "{literal} is written in {at:#?}: use ses_smtp_rotation::stages"
        );
        assert!(at[0].contains("stages.rs (1)"), "{at:?}");
    }
}

/// The files whose code (tests aside) holds `needle`, with a count each.
fn written_in(needle: &str) -> Vec<String> {
    sources()
        .into_iter()
        .filter_map(|(file, text)| {
            let n = non_test(&text)
                .iter()
                .map(|l| l.matches(needle).count())
                .sum::<usize>();
            (n > 0).then(|| format!("{} ({n})", file.display()))
        })
        .collect()
}

/// The login-until-accepted loop is one function (`ses_smtp_login`'s
/// `until_accepted`), and the stored secret's format one module
/// (`ses_smtp_rotation`'s `stored`): its reader and writer, and the only
/// place a member that only the rotation writes is named as a JSON key.
#[test]
fn the_login_loop_and_the_stored_format_each_live_once() {
    let at = written_in("fn until_accepted");
    assert_eq!(at.len(), 1, "{at:?}");
    assert!(at[0].contains("ses-smtp-login/src/retry.rs (1)"), "{at:?}");
    for (needle, home) in [
        ("fn secret_string", "src/stored/write.rs (1)"),
        ("fn parse_stored_secret", "src/stored/mod.rs (1)"),
        ("fn parse_secret_credentials", "src/stored/mod.rs (1)"),
        ("\"iam_user\"", "src/stored/"),
    ] {
        let at = written_in(needle);
        assert!(
            !at.is_empty()
                && at
                    .iter()
                    .all(|f| f.contains("ses-smtp-rotation/src/stored/")),
            "{needle} is written in {at:#?}: the stored format lives in ses_smtp_rotation::stored"
        );
        assert!(at.iter().any(|f| f.contains(home)), "{needle}: {at:?}");
    }
}

/// The type a line declares at the top of its file (struct, enum, union,
/// trait or type alias, at any visibility), if it declares one. Types
/// inside functions, impls and inline test modules are indented: local.
fn declared_type(line: &str) -> Option<&str> {
    let mut rest = line;
    if let Some(r) = rest.strip_prefix("pub") {
        rest = match r.strip_prefix('(') {
            Some(r) => r.split_once(')')?.1,
            None => r,
        };
        rest = rest.strip_prefix(' ')?;
    }
    let (kind, rest) = rest.split_once(' ')?;
    if !matches!(kind, "struct" | "enum" | "union" | "trait" | "type") {
        return None;
    }
    let end = rest
        .find(|c: char| !c.is_alphanumeric() && c != '_')
        .unwrap_or(rest.len());
    let name = &rest[..end];
    name.starts_with(|c: char| c.is_ascii_uppercase())
        .then_some(name)
}

/// Every top-level type name in the given files, with the files that
/// declare it, sorted.
fn type_names(files: &[(String, String)]) -> BTreeMap<String, Vec<String>> {
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (file, text) in files {
        for line in non_test(text) {
            if let Some(name) = declared_type(line) {
                names
                    .entry(name.to_string())
                    .or_default()
                    .push(file.clone());
            }
        }
    }
    names
}

/// One name, one concept: no two types in the workspace's sources share a
/// name (a reader seeing `Step` or `Session` knows which one is meant).
#[test]
fn each_type_name_means_one_thing() {
    let mut files: Vec<(String, String)> = sources()
        .into_iter()
        .map(|(file, text)| (file.display().to_string(), text))
        .collect();
    // The test-support crate's public types count too: a test reads them
    // beside the workspace's.
    let mut support = Vec::new();
    let top = Path::new(env!("CARGO_MANIFEST_DIR"));
    rust_files(
        &top.join("crates").join(TEST_SUPPORT).join("src"),
        &mut support,
    );
    for file in support {
        let text = std::fs::read_to_string(&file).unwrap();
        files.push((file.display().to_string(), text));
    }
    let names = type_names(&files);
    assert!(
        names.len() > 100,
        "the checker sees too few types: {}",
        names.len()
    );
    let twice: Vec<_> = names.iter().filter(|(_, at)| at.len() > 1).collect();
    assert!(
        twice.is_empty(),
        "types of the same name: {twice:#?}\nname each for what it is (ses_smtp_login's `SmtpSession`, not a second `Session`)"
    );
}

/// The `pub use` statements of `text` that export a name under another
/// (`X as Y`; `as _` names nothing).
fn renamed_exports(text: &str) -> Vec<String> {
    let code = non_test(text).join("\n");
    let mut found = Vec::new();
    let mut rest = code.as_str();
    while let Some(start) = rest.find("pub use ") {
        let statement = &rest[start..];
        let end = statement.find(';').unwrap_or(statement.len());
        let statement = &statement[..end];
        let words: Vec<&str> = statement
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | '{' | '}'))
            .filter(|w| !w.is_empty())
            .collect();
        if words.windows(2).any(|w| w[0] == "as" && w[1] != "_") {
            found.push(statement.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        rest = &rest[start + end..];
    }
    found
}

/// A public item is exported under its own name: a reader who meets
/// `SendingScope` finds `struct SendingScope`, not `Scope` re-exported
/// `as` something else.
#[test]
fn each_export_keeps_its_name() {
    let renamed: Vec<String> = sources()
        .iter()
        .flat_map(|(file, text)| {
            renamed_exports(text)
                .into_iter()
                .map(move |s| format!("{}: {s}", file.display()))
        })
        .collect();
    assert!(
        renamed.is_empty(),
        "exported under another name: {renamed:#?}\nname the item what it is exported as"
    );
    assert_eq!(
        renamed_exports("pub use a::{b as c, D};\npub use e::F as _;\nuse g::H as I;\n"),
        ["pub use a::{b as c, D}"]
    );
}

#[test]
fn the_type_checker_sees_declarations_and_twins() {
    for (line, name) in [
        ("pub struct Session {", Some("Session")),
        ("pub(crate) enum Step {", Some("Step")),
        ("pub(in crate::sdk) trait Store: Send {", Some("Store")),
        ("type ReadVersion = (String, i64);", Some("ReadVersion")),
        ("struct Interrupted;", Some("Interrupted")),
        ("    struct Local;", None),
        ("pub fn session() -> Session {", None),
        ("pub const ALL: &[Step] = &[];", None),
        ("// struct Commented", None),
    ] {
        assert_eq!(declared_type(line), name, "{line}");
    }
    let files = [
        ("a.rs".to_string(), "pub enum Step {}\n".to_string()),
        (
            "b.rs".to_string(),
            "struct Step;\n#[cfg(test)]\nmod tests {\nstruct Only;\n}\n".to_string(),
        ),
    ];
    let names = type_names(&files);
    assert_eq!(names["Step"], ["a.rs", "b.rs"]);
    assert!(!names.contains_key("Only"), "test modules are not counted");
}

#[test]
fn no_import_cycle_between_files() {
    for root in roots() {
        let krate = load(&root);
        let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
        for (module, file) in &krate.files {
            let text = std::fs::read_to_string(file).unwrap();
            // Comments (doc links included) import nothing.
            let code: Vec<&str> = non_test(&text)
                .into_iter()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect();
            let code = code.join("\n");
            let children: Vec<String> = code
                .lines()
                .filter_map(|l| {
                    let l = l.trim();
                    let l = l.strip_prefix("pub ").unwrap_or(l);
                    l.strip_prefix("mod ")?
                        .strip_suffix(';')
                        .map(str::to_string)
                })
                .collect();
            for path in paths_with(&code, &children) {
                if let Some(to) = target(&krate, module, &path)
                    && &to != file
                {
                    edges.entry(file.clone()).or_default().insert(to);
                }
            }
        }
        // Depth-first search for a back edge.
        fn visit(
            node: &PathBuf,
            edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
            stack: &mut Vec<PathBuf>,
            done: &mut BTreeSet<PathBuf>,
            cycles: &mut Vec<String>,
        ) {
            if done.contains(node) {
                return;
            }
            if let Some(i) = stack.iter().position(|n| n == node) {
                let cycle: Vec<String> = stack[i..]
                    .iter()
                    .chain([node])
                    .map(|p| p.display().to_string())
                    .collect();
                cycles.push(cycle.join(" -> "));
                return;
            }
            stack.push(node.clone());
            for next in edges.get(node).into_iter().flatten() {
                visit(next, edges, stack, done, cycles);
            }
            stack.pop();
            done.insert(node.clone());
        }
        let mut done = BTreeSet::new();
        let mut cycles = Vec::new();
        for node in krate.files.values() {
            visit(node, &edges, &mut Vec::new(), &mut done, &mut cycles);
        }
        assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
    }
}

#[test]
fn the_checker_sees_paths() {
    let found = paths("use crate::a::{b, C};\nlet x = super::d::e(); self::f; use super::{g, h};");
    assert!(found.contains(&vec!["super".into(), "g".into()]));
    assert!(!found.contains(&vec!["super".into()]));
    assert!(found.contains(&vec!["crate".into(), "a".into(), "b".into()]));
    assert!(found.contains(&vec!["crate".into(), "a".into(), "C".into()]));
    assert!(found.contains(&vec!["super".into(), "d".into(), "e".into()]));
    assert!(found.contains(&vec!["self".into(), "f".into()]));
}
