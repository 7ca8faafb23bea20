//! A secret access key's own checks: length, characters, and the things
//! pasted instead of one (an SMTP password, a key ID, an assignment line).

use crate::derive::SecretKey;
use crate::error::{InputError, SecretProblem};
use crate::input::{MAX_INPUT, SECRET_LEN, SecretPolicy, parse_access_key_id};
use zeroize::Zeroizing;

/// Parses a secret given alone (a raw line, the environment variable, the
/// prompt): surrounding ASCII whitespace is stripped, one line only.
///
/// # Errors
/// [`InputError`], saying what is wrong by position, never by character.
pub fn parse_raw_secret(bytes: &[u8], policy: SecretPolicy) -> Result<SecretKey, InputError> {
    if bytes.len() > MAX_INPUT {
        return Err(InputError::TooLarge { limit: MAX_INPUT });
    }
    check_utf16(bytes)?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let trimmed = body.trim_ascii();
    if trimmed.is_empty() {
        return Err(InputError::Empty);
    }
    if let Some(nl) = trimmed.iter().position(|&b| b == b'\n' || b == b'\r') {
        let line = 1 + trimmed[..nl].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(InputError::Secret(SecretProblem::MoreThanOneLine { line }));
    }
    // Compared in place: a lower-cased copy would be an unwiped piece of
    // the secret.
    let starts_with = |prefix: &[u8]| {
        trimmed.len() >= prefix.len() && trimmed[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    if starts_with(b"aws_secret_access_key") || starts_with(b"export aws_secret") {
        return Err(InputError::Secret(SecretProblem::AssignmentLine));
    }
    check_secret(trimmed, policy)
}

/// Checks a secret's bytes as they are (no trimming) and copies them into a
/// zeroizing buffer.
pub(crate) fn check_secret(bytes: &[u8], policy: SecretPolicy) -> Result<SecretKey, InputError> {
    // Even --allow-unusual-secret never signs with an empty key.
    if bytes.is_empty() {
        return Err(InputError::Secret(SecretProblem::Empty));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        InputError::Secret(SecretProblem::NotUtf8 {
            byte: e.valid_up_to() + 1,
        })
    })?;
    let char_len = text.chars().count();
    if let Some(problem) = first_bad_char(text, policy) {
        return Err(InputError::Secret(refine_char_problem(text, problem)));
    }
    if policy.allow_unusual {
        return Ok(SecretKey::from_bytes(bytes));
    }
    if char_len != SECRET_LEN {
        return Err(InputError::Secret(length_problem(text, char_len)));
    }
    Ok(SecretKey::from_bytes(bytes))
}

fn is_secret_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '+' || c == '/'
}

fn first_bad_char(text: &str, policy: SecretPolicy) -> Option<SecretProblem> {
    let positions = |pred: &dyn Fn(char) -> bool| -> Vec<usize> {
        text.chars()
            .enumerate()
            .filter(|(_, c)| pred(*c))
            .map(|(i, _)| i + 1)
            .collect()
    };
    let (i, c) = text.chars().enumerate().find(|(_, c)| {
        if policy.allow_unusual {
            // Unusual printable ASCII only: no zero-width or bidi
            // characters, soft hyphens or BOMs, invisible in every editor.
            c.is_whitespace() || c.is_control() || !c.is_ascii()
        } else {
            !is_secret_char(*c)
        }
    })?;
    let position = i + 1;
    Some(match c {
        '\0' => SecretProblem::Nul { position },
        c if c.is_whitespace() => SecretProblem::Whitespace { position },
        c if c.is_control() => SecretProblem::Control { position },
        '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}' => {
            SecretProblem::SmartQuote {
                positions: positions(&|c| {
                    matches!(
                        c,
                        '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}' | '\u{00AB}' | '\u{00BB}'
                    )
                }),
            }
        }
        '\'' | '"' | '`' => SecretProblem::Quote {
            positions: positions(&|c| matches!(c, '\'' | '"' | '`')),
        },
        c if !c.is_ascii() => SecretProblem::NonAscii { position },
        _ => SecretProblem::BadCharacter { position },
    })
}

/// Adds the specific diagnosis a bare position would miss.
fn refine_char_problem(text: &str, problem: SecretProblem) -> SecretProblem {
    if let SecretProblem::Whitespace { position } = problem {
        // "AKIA… secret": an ID and a secret on one line.
        let first: String = text.chars().take(position - 1).collect();
        if position == 21 && parse_access_key_id(&first).is_ok() {
            return SecretProblem::IdAndSecretOnOneLine;
        }
    }
    problem
}

fn length_problem(text: &str, len: usize) -> SecretProblem {
    if len == crate::derive::PASSWORD_LEN && looks_like_smtp_password(text) {
        return SecretProblem::IsSmtpPassword;
    }
    if len == 20 && (text.starts_with("AKIA") || text.starts_with("ASIA")) {
        return SecretProblem::IsAccessKeyId;
    }
    if len < SECRET_LEN {
        SecretProblem::TooShort { len }
    } else {
        SecretProblem::TooLong { len }
    }
}

fn looks_like_smtp_password(text: &str) -> bool {
    use base64::Engine as _;
    let mut buf = Zeroizing::new([0u8; 33]);
    matches!(
        base64::engine::general_purpose::STANDARD.decode_slice(text, &mut buf[..]),
        Ok(33) if buf[0] == 0x04 || buf[0] == 0x02
    )
}

/// PowerShell's `>` and `Out-File` write UTF-16 with a byte order mark; text
/// with NULs in every other byte is UTF-16 without one.
pub(crate) fn check_utf16(bytes: &[u8]) -> Result<(), InputError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(InputError::Utf16);
    }
    let nuls = bytes.iter().filter(|&&b| b == 0).count();
    if bytes.len() >= 4 && nuls * 2 >= bytes.len() - 1 {
        let even = bytes.iter().step_by(2).all(|&b| b == 0);
        let odd = bytes.iter().skip(1).step_by(2).all(|&b| b == 0);
        if even || odd {
            return Err(InputError::Utf16);
        }
    }
    Ok(())
}
