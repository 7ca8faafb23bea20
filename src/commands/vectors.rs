//! `vectors check` and `vectors generate`: known-answer vector files, so CI
//! can pin any implementation.

use crate::error::{CliError, CliResult, ExitCode};
use crate::terminal::check_stdout_open;
use hmac::{Hmac, KeyInit, Mac};
use serde::Serialize;
use ses_smtp_credentials::region;
use ses_smtp_credentials::user_path;
use ses_smtp_credentials::vectors;
use ses_smtp_credentials::{SecretKey, Version, derive};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A vector line is a few hundred bytes; one longer than this is reported
/// and skipped.
const MAX_LINE: usize = 64 * 1024;
/// A stream that is not a regular file (a pipe, `/dev/zero`) with no line
/// end in this many bytes is not read on; a regular file's own size bounds
/// the skip, so the lines after an over-long one are still checked.
const MAX_SKIP: usize = 1 << 20;

enum LineRead {
    Line,
    End,
    /// Longer than [`MAX_LINE`]; the rest of it was skipped.
    TooLong,
    /// No line end within [`MAX_SKIP`] bytes.
    NoLineEnd,
}

/// Reads one line into `line` (at most [`MAX_LINE`] bytes held), so that
/// memory stays bounded whatever the file holds.
fn next_line(
    reader: &mut dyn std::io::BufRead,
    line: &mut Vec<u8>,
    finite: bool,
) -> std::io::Result<LineRead> {
    use std::io::{BufRead, Read};
    let n = (&mut *reader)
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', line)?;
    if n == 0 {
        return Ok(LineRead::End);
    }
    if line.len() <= MAX_LINE || line.ends_with(b"\n") {
        return Ok(LineRead::Line);
    }
    line.clear();
    let mut skipped: usize = 0;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(LineRead::TooLong);
        }
        if let Some(i) = buf.iter().position(|&b| b == b'\n') {
            reader.consume(i + 1);
            return Ok(LineRead::TooLong);
        }
        let len = buf.len();
        reader.consume(len);
        skipped = skipped.saturating_add(len);
        if !finite && skipped > MAX_SKIP {
            return Ok(LineRead::NoLineEnd);
        }
    }
}

/// A vector file, read line by line so that a large file is never held
/// whole in memory; and whether it is a regular file (of finite size).
fn open_vector_file(path: &Path) -> CliResult<(Box<dyn BufRead>, bool)> {
    if path.as_os_str() == "-" {
        return Ok((Box::new(BufReader::new(std::io::stdin())), false));
    }
    let f =
        File::open(path).map_err(CliError::io(format!("could not read {}", user_path(path))))?;
    let finite = f.metadata().is_ok_and(|m| m.is_file());
    Ok((Box::new(BufReader::new(f)), finite))
}

fn stdout_error(e: std::io::Error) -> CliError {
    CliError::io("could not write to standard output")(e)
}

pub fn check(files: &[PathBuf]) -> CliResult<ExitCode> {
    check_stdout_open()?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut passed, mut failed) = (0usize, 0usize);
    for path in files {
        let (mut reader, finite) = open_vector_file(path)?;
        let name = user_path(path);
        let mut raw = Vec::new();
        let mut number = 0usize;
        loop {
            raw.clear();
            let read = next_line(&mut reader, &mut raw, finite)
                .map_err(CliError::io(format!("could not read {name}")))?;
            number += 1;
            let verdict = match read {
                LineRead::End => break,
                LineRead::TooLong => Some(format!(
                    "MALFORMED: the line is longer than {MAX_LINE} bytes"
                )),
                LineRead::NoLineEnd => {
                    failed += 1;
                    writeln!(
                        out,
                        "{name}:{number}: MALFORMED: no line end within {MAX_SKIP} bytes; \
                         not a vector file, stopped reading it"
                    )
                    .map_err(stdout_error)?;
                    break;
                }
                LineRead::Line => match std::str::from_utf8(&raw) {
                    Err(_) => Some("MALFORMED: not UTF-8 text".to_string()),
                    Ok(line) => match vectors::check_line(line.trim_end_matches(['\n', '\r'])) {
                        Ok(None) => None,
                        Ok(Some(c)) if c.ok => {
                            passed += 1;
                            None
                        }
                        Ok(Some(c)) => Some(format!(
                            "FAILED: version {} region {}: the password does not match the secret",
                            c.version,
                            c.region.as_deref().unwrap_or("(none)")
                        )),
                        Err(e) => Some(format!("MALFORMED: {e}")),
                    },
                },
            };
            if let Some(why) = verdict {
                failed += 1;
                writeln!(out, "{name}:{number}: {why}").map_err(stdout_error)?;
            }
        }
    }
    writeln!(out, "{passed} passed, {failed} failed").map_err(stdout_error)?;
    out.flush().map_err(stdout_error)?;
    Ok(if failed > 0 || passed == 0 {
        ExitCode::Mismatch
    } else {
        ExitCode::Success
    })
}

pub fn generate(count: usize, seed: Option<&str>, v2: bool) -> CliResult<ExitCode> {
    check_stdout_open()?;
    let mut stream = match seed {
        Some(s) => Stream::from_seed(s),
        None => {
            let mut key = [0u8; 32];
            getrandom::fill(&mut key)
                .map_err(|e| CliError::Io(format!("could not get random bytes: {e}")))?;
            Stream::from_key(key)
        }
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for i in 0..count {
        writeln!(out, "{}", generate_line(&mut stream, i, v2)).map_err(stdout_error)?;
    }
    out.flush().map_err(stdout_error)?;
    Ok(ExitCode::Success)
}

#[derive(Serialize)]
struct OutLine<'a> {
    secret: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<&'a str>,
    version: u8,
    password: &'a str,
}

/// A deterministic random stream: HMAC-SHA256(key, counter), so a seed
/// reproduces the same vectors on any machine and in any version.
#[derive(Debug)]
pub struct Stream {
    key: [u8; 32],
    counter: u64,
    block: [u8; 32],
    used: usize,
}

impl Stream {
    /// From any seed text.
    pub fn from_seed(seed: &str) -> Self {
        let mut h = Sha256::new();
        h.update(b"ses-smtp-password vectors v1\0");
        h.update(seed.as_bytes());
        Self::from_key(h.finalize().into())
    }

    /// From 32 random bytes (a fresh, unreproducible stream).
    pub fn from_key(key: [u8; 32]) -> Self {
        Stream {
            key,
            counter: 0,
            block: [0; 32],
            used: 32,
        }
    }

    fn byte(&mut self) -> u8 {
        if self.used == 32 {
            let mut mac =
                Hmac::<Sha256>::new_from_slice(&self.key).unwrap_or_else(|_| unreachable!());
            mac.update(&self.counter.to_be_bytes());
            self.block.copy_from_slice(&mac.finalize().into_bytes());
            self.counter += 1;
            self.used = 0;
        }
        self.used += 1;
        self.block[self.used - 1]
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The `i`-th generated vector as one JSON line (no newline). Regions cycle
/// through the table's SMTP regions; with `v2`, every cycle ends with a
/// version 2 vector.
pub fn generate_line(stream: &mut Stream, i: usize, v2: bool) -> String {
    let secret: String = (0..40)
        .map(|_| ALPHABET[(stream.byte() & 63) as usize] as char)
        .collect();
    let regions: Vec<&str> = region::smtp_regions().map(|r| r.code).collect();
    let slots = regions.len() + usize::from(v2);
    let region = regions.get(i % slots).copied();
    let version = if region.is_some() {
        Version::V4
    } else {
        Version::V2
    };
    let password = derive(
        &SecretKey::from_bytes(secret.as_bytes()),
        version,
        region.unwrap_or(""),
    );
    serde_json::to_string(&OutLine {
        secret: &secret,
        region,
        version: version.number(),
        password: password.expose(),
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_lines_check() {
        let mut s = Stream::from_seed("t");
        for i in 0..60 {
            let line = generate_line(&mut s, i, true);
            assert!(vectors::check_line(&line).unwrap().unwrap().ok, "{line}");
        }
    }
}
