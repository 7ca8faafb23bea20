//! What a whole input holds: a raw secret, the JSON of `aws iam
//! create-access-key`, or the IAM console's CSV files.

use crate::error::{InputError, KeyIdProblem, TemporaryEvidence};
use crate::input::{Credentials, MAX_INPUT, SecretPolicy, Shape, parse_access_key_id};
use crate::secret_check::{check_secret, check_utf16, parse_raw_secret};
use serde::Deserialize;
use serde::de::{self, IgnoredAny, Visitor};
use std::fmt;
use zeroize::{Zeroize, Zeroizing};

/// Parses everything a file or standard input may hold: a raw secret, the
/// JSON of `aws iam create-access-key` (or credentials JSON), or the IAM
/// console's CSV. Refuses temporary credentials and malformed secrets.
///
/// ```
/// use ses_smtp_credentials::{parse_input, SecretPolicy, Shape};
/// let json = br#"{"AccessKey": {"UserName": "smtp", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE",
///     "Status": "Active", "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}}"#;
/// let creds = parse_input(json, SecretPolicy::default()).unwrap();
/// assert_eq!(creds.shape, Shape::CreateAccessKeyJson);
/// assert_eq!(creds.access_key_id.unwrap().as_str(), "AKIAIOSFODNN7EXAMPLE");
///
/// // A session token means temporary credentials: refused.
/// let sts = br#"{"AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey": "x", "SessionToken": "t"}"#;
/// assert!(parse_input(sts, SecretPolicy::default()).is_err());
/// ```
///
/// # Errors
/// [`InputError`], saying what is wrong by position, never by character.
pub fn parse_input(bytes: &[u8], policy: SecretPolicy) -> Result<Credentials, InputError> {
    if bytes.len() > MAX_INPUT {
        return Err(InputError::TooLarge { limit: MAX_INPUT });
    }
    check_utf16(bytes)?;
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    let Some(start) = start else {
        return Err(InputError::Empty);
    };
    if body[start] == b'{' {
        return parse_json(body, policy);
    }
    let first_line = body[start..].split(|&b| b == b'\n').next().unwrap_or(&[]);
    // A raw secret never holds a comma; a CSV header always does.
    if first_line.contains(&b',') {
        return parse_csv(&body[start..], policy);
    }
    Ok(Credentials {
        secret: parse_raw_secret(body, policy)?,
        access_key_id: None,
        shape: Shape::Raw,
    })
}

// ---------------------------------------------------------------- JSON

/// A secret read out of JSON straight into a zeroizing buffer.
struct JsonSecret(Zeroizing<Vec<u8>>);

impl<'de> Deserialize<'de> for JsonSecret {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JsonSecret;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<JsonSecret, E> {
                let mut buf = Zeroizing::new(Vec::with_capacity(s.len()));
                buf.extend_from_slice(s.as_bytes());
                Ok(JsonSecret(buf))
            }
            fn visit_string<E: de::Error>(self, mut s: String) -> Result<JsonSecret, E> {
                let out = self.visit_str(&s);
                s.zeroize();
                out
            }
        }
        d.deserialize_str(V)
    }
}

/// The marks of temporary credentials in a JSON object: a session token
/// under the STS, CLI or SDK spelling, or the instance-metadata and
/// container spelling `Token` beside `Expiration`. (Fields, not
/// `#[serde(flatten)]`: flattening buffers every value, the secret too, in
/// serde's own unwiped memory.)
macro_rules! token_marks {
    ($name:ident { $($field:ident: $ty:ty),* $(,)? }) => {
        #[derive(Deserialize)]
        #[serde(rename_all = "PascalCase")]
        struct $name {
            $($field: $ty,)*
            #[serde(alias = "sessionToken", alias = "session_token")]
            session_token: Option<IgnoredAny>,
            token: Option<IgnoredAny>,
            expiration: Option<IgnoredAny>,
        }

        impl $name {
            fn temporary(&self) -> bool {
                self.session_token.is_some() || (self.token.is_some() && self.expiration.is_some())
            }
        }
    };
}

token_marks!(JsonRecord {
    access_key_id: Option<String>,
    secret_access_key: Option<JsonSecret>,
});

token_marks!(JsonDoc {
    access_key: Option<JsonRecord>,
    credentials: Option<JsonRecord>,
    access_key_metadata: Option<IgnoredAny>,
    access_key_id: Option<String>,
    secret_access_key: Option<JsonSecret>,
});

fn parse_json(body: &[u8], policy: SecretPolicy) -> Result<Credentials, InputError> {
    // serde_json's own messages can quote the input, so only its position
    // is kept.
    let doc: JsonDoc = serde_json::from_slice(body).map_err(|e| InputError::Json {
        line: e.line(),
        column: e.column(),
        syntax: !e.is_data(),
    })?;
    // A session token anywhere (at any depth, in arrays too) means the
    // credentials are temporary, whichever record holds the secret.
    let anywhere = crate::temporary::has_token(body).map_err(|e| InputError::Json {
        line: e.line(),
        column: e.column(),
        syntax: !e.is_data(),
    })?;
    let temporary = anywhere
        || doc.temporary()
        || [&doc.access_key, &doc.credentials]
            .into_iter()
            .flatten()
            .any(JsonRecord::temporary);
    if temporary {
        return Err(InputError::Temporary(
            TemporaryEvidence::SessionTokenInInput,
        ));
    }
    let (record, shape) = if let Some(r) = doc.access_key {
        (r, Shape::CreateAccessKeyJson)
    } else if let Some(r) = doc.credentials {
        (r, Shape::FlatJson)
    } else if doc.secret_access_key.is_some() {
        (
            JsonRecord {
                access_key_id: doc.access_key_id,
                secret_access_key: doc.secret_access_key,
                session_token: None,
                token: None,
                expiration: None,
            },
            Shape::FlatJson,
        )
    } else if doc.access_key_metadata.is_some() {
        return Err(InputError::JsonListAccessKeys);
    } else {
        return Err(InputError::JsonNoSecret);
    };
    let access_key_id = record
        .access_key_id
        .as_deref()
        .map(parse_access_key_id)
        .transpose()?;
    let secret = record.secret_access_key.ok_or(InputError::JsonNoSecret)?;
    Ok(Credentials {
        secret: check_secret(&secret.0, policy)?,
        access_key_id,
        shape,
    })
}

// ---------------------------------------------------------------- CSV

/// Parses the IAM console's CSV downloads with csv-core, whose caller-owned
/// buffers let every field land in zeroizing memory.
fn parse_csv(body: &[u8], policy: SecretPolicy) -> Result<Credentials, InputError> {
    const MAX_FIELDS: usize = 32;
    let mut reader = csv_core::Reader::new();
    // Fields are never longer than the input, so one record always fits.
    let mut out = Zeroizing::new(vec![0u8; body.len() + 1]);
    let mut ends = [0usize; MAX_FIELDS];
    let mut input = body;

    let mut header: Option<(usize, usize, bool)> = None; // (id col, secret col, new-user file)
    let mut found: Option<Credentials> = None;
    let mut data_rows = 0usize;
    let mut row = 0usize;
    // A record may end only at the final, empty call; csv-core counts field
    // ends across calls, so only the write positions move on.
    let (mut out_len, mut ends_len) = (0usize, 0usize);
    loop {
        let (result, nin, nout, nend) =
            reader.read_record(input, &mut out[out_len..], &mut ends[ends_len..]);
        input = &input[nin..];
        out_len += nout;
        ends_len += nend;
        use csv_core::ReadRecordResult as R;
        match result {
            R::InputEmpty => continue,
            R::OutputFull | R::OutputEndsFull => return Err(InputError::CsvTooManyFields),
            R::End => break,
            R::Record => {}
        }
        row += 1;
        let fields: Vec<&[u8]> = (0..ends_len)
            .map(|i| {
                let start = if i == 0 { 0 } else { ends[i - 1] };
                &out[start..ends[i]]
            })
            .collect();
        out_len = 0;
        ends_len = 0;
        if fields.iter().all(|f| f.trim_ascii().is_empty()) {
            continue;
        }
        match header {
            None => header = Some(csv_header(&fields)?),
            Some((id_col, secret_col, new_user)) => {
                data_rows += 1;
                if data_rows > 1 {
                    continue;
                }
                let (Some(id), Some(secret)) = (fields.get(id_col), fields.get(secret_col)) else {
                    return Err(InputError::CsvShortRow { row });
                };
                let id = std::str::from_utf8(id)
                    .map_err(|_| InputError::KeyId(KeyIdProblem::NotUtf8))?;
                found = Some(Credentials {
                    access_key_id: Some(parse_access_key_id(id)?),
                    secret: check_secret(secret.trim_ascii(), policy)?,
                    shape: if new_user {
                        Shape::NewUserCsv
                    } else {
                        Shape::AccessKeyCsv
                    },
                });
            }
        }
    }
    if data_rows > 1 {
        return Err(InputError::CsvManyRows { rows: data_rows });
    }
    found.ok_or(InputError::CsvNoRow)
}

fn csv_header(fields: &[&[u8]]) -> Result<(usize, usize, bool), InputError> {
    let norm = |f: &[u8]| -> String {
        String::from_utf8_lossy(f.trim_ascii())
            .trim_start_matches('\u{FEFF}')
            .to_ascii_lowercase()
    };
    let names: Vec<String> = fields.iter().map(|f| norm(f)).collect();
    // A column named twice would leave it to chance which one is read.
    if let Some(column) =
        (1..names.len()).find(|&i| !names[i].is_empty() && names[..i].contains(&names[i]))
    {
        return Err(InputError::CsvDuplicateColumn { column: column + 1 });
    }
    let find = |want: &str| names.iter().position(|n| n == want);
    let secret = find("secret access key");
    let id = find("access key id");
    if names.iter().any(|n| n == "session token") {
        return Err(InputError::Temporary(
            TemporaryEvidence::SessionTokenInInput,
        ));
    }
    match (id, secret) {
        (Some(id), Some(secret)) => Ok((id, secret, find("user name").is_some())),
        _ => Err(InputError::CsvHeader),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::*;
    use crate::input::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const STRICT: SecretPolicy = SecretPolicy::STRICT;

    fn secret_problem(input: &[u8]) -> SecretProblem {
        match parse_input(input, STRICT) {
            Err(InputError::Secret(p)) => p,
            other => panic!("expected a secret problem, got {other:?}"),
        }
    }

    #[test]
    fn raw_with_surrounding_whitespace() {
        let c = parse_input(format!(" \t{SECRET}\r\n").as_bytes(), STRICT).unwrap();
        assert_eq!(c.secret.expose(), SECRET.as_bytes());
        assert_eq!(c.shape, Shape::Raw);
        assert!(c.access_key_id.is_none());
    }

    #[test]
    fn raw_problems_name_positions() {
        assert_eq!(
            secret_problem(&SECRET.as_bytes()[..39]),
            SecretProblem::TooShort { len: 39 }
        );
        let spaced = format!("{} {}", &SECRET[..10], &SECRET[10..]);
        assert_eq!(
            secret_problem(spaced.as_bytes()),
            SecretProblem::Whitespace { position: 11 }
        );
        let two = format!("{SECRET}\n{SECRET}\n");
        assert_eq!(
            secret_problem(two.as_bytes()),
            SecretProblem::MoreThanOneLine { line: 2 }
        );
        let smart = format!("\u{201C}{SECRET}\u{201D}");
        assert_eq!(
            secret_problem(smart.as_bytes()),
            SecretProblem::SmartQuote {
                positions: vec![1, 42]
            }
        );
        let nul = format!("{}\0{}", &SECRET[..5], &SECRET[6..]);
        assert_eq!(
            secret_problem(nul.as_bytes()),
            SecretProblem::Nul { position: 6 }
        );
        assert_eq!(
            secret_problem(b"BMPPgbAHoFVbze1Ud0oA5uNdXRwUXUZ+qOwphGJbl/cS"),
            SecretProblem::IsSmtpPassword
        );
        assert_eq!(
            secret_problem(b"AKIAIOSFODNN7EXAMPLE"),
            SecretProblem::IsAccessKeyId
        );
        let pair = format!("AKIAIOSFODNN7EXAMPLE {SECRET}");
        assert_eq!(
            secret_problem(pair.as_bytes()),
            SecretProblem::IdAndSecretOnOneLine
        );
    }

    #[test]
    fn utf16_is_recognised() {
        let mut le = vec![0xFF, 0xFE];
        for b in SECRET.bytes() {
            le.extend_from_slice(&[b, 0]);
        }
        assert!(matches!(parse_input(&le, STRICT), Err(InputError::Utf16)));
        assert!(matches!(
            parse_input(&le[2..], STRICT),
            Err(InputError::Utf16)
        ));
    }

    #[test]
    fn create_access_key_json() {
        let json = format!(
            r#"{{"AccessKey": {{"UserName": "smtp", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Active", "SecretAccessKey": "{SECRET}", "CreateDate": "2026-01-01T00:00:00+00:00"}}}}"#
        );
        let c = parse_input(json.as_bytes(), STRICT).unwrap();
        assert_eq!(c.secret.expose(), SECRET.as_bytes());
        assert_eq!(c.access_key_id.unwrap().as_str(), "AKIAIOSFODNN7EXAMPLE");
        assert_eq!(c.shape, Shape::CreateAccessKeyJson);
    }

    #[test]
    fn sts_json_is_temporary() {
        let json = format!(
            r#"{{"Credentials": {{"AccessKeyId": "ASIAIOSFODNN7EXAMPLE", "SecretAccessKey": "{SECRET}", "SessionToken": "x", "Expiration": "2026"}}}}"#
        );
        assert!(matches!(
            parse_input(json.as_bytes(), STRICT),
            Err(InputError::Temporary(
                TemporaryEvidence::SessionTokenInInput
            ))
        ));
    }

    #[test]
    fn csv_files() {
        let csv =
            format!("\u{FEFF}Access key ID,Secret access key\r\nAKIAIOSFODNN7EXAMPLE,{SECRET}\r\n");
        let c = parse_input(csv.as_bytes(), STRICT).unwrap();
        assert_eq!(c.secret.expose(), SECRET.as_bytes());
        assert_eq!(c.shape, Shape::AccessKeyCsv);
        let csv = format!(
            "User name,Password,Access key ID,Secret access key,Console login link\nsmtp,,AKIAIOSFODNN7EXAMPLE,{SECRET},https://example.signin.aws.amazon.com/console"
        );
        let c = parse_input(csv.as_bytes(), STRICT).unwrap();
        assert_eq!(c.shape, Shape::NewUserCsv);
        assert_eq!(c.access_key_id.unwrap().as_str(), "AKIAIOSFODNN7EXAMPLE");
    }

    #[test]
    fn key_ids() {
        assert!(parse_access_key_id("AKIAIOSFODNN7EXAMPLE").is_ok());
        assert!(matches!(
            parse_access_key_id("ASIAIOSFODNN7EXAMPLE"),
            Err(InputError::Temporary(TemporaryEvidence::AsiaKeyId))
        ));
        assert!(matches!(
            parse_access_key_id("AIDAJQABLZS4A3QDU576Q"),
            Err(InputError::KeyId(KeyIdProblem::NotAnAccessKey { .. }))
        ));
        assert!(matches!(
            parse_access_key_id("akiaiosfodnn7example"),
            Err(InputError::KeyId(KeyIdProblem::LowerCase { position: 1 }))
        ));
        assert!(matches!(
            parse_access_key_id("AKIAIOSFODNN7EXAMPL"),
            Err(InputError::KeyId(KeyIdProblem::Length { len: 19 }))
        ));
    }

    #[test]
    fn unusual_secrets_need_the_override() {
        assert!(matches!(
            parse_input(b"some+secret+key", STRICT),
            Err(InputError::Secret(SecretProblem::TooShort { len: 15 }))
        ));
        let relaxed = SecretPolicy {
            allow_unusual: true,
        };
        assert_eq!(
            parse_input(b"SECRET_KEY\n", relaxed)
                .unwrap()
                .secret
                .expose(),
            b"SECRET_KEY"
        );
        assert!(parse_input(b"a b", relaxed).is_err());
    }

    #[test]
    fn an_empty_secret_field_is_refused_under_any_policy() {
        // Found by the `input` fuzz target: a CSV row with an empty secret
        // column passed with --allow-unusual-secret.
        for allow_unusual in [false, true] {
            let policy = SecretPolicy { allow_unusual };
            let csv = b"Access key ID,Secret access key\nAKIAIOSFODNN7EXAMPLE,,x\n";
            assert_eq!(
                parse_input(csv, policy).unwrap_err(),
                InputError::Secret(SecretProblem::Empty)
            );
            let json =
                br#"{"AccessKey": {"AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": ""}}"#;
            assert_eq!(
                parse_input(json, policy).unwrap_err(),
                InputError::Secret(SecretProblem::Empty)
            );
        }
    }

    #[test]
    fn oversized_input() {
        assert!(matches!(
            parse_input(&vec![b'A'; MAX_INPUT + 1], STRICT),
            Err(InputError::TooLarge { .. })
        ));
    }
}
