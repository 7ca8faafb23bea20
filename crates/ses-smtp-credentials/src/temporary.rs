//! The marks of temporary credentials anywhere in a JSON document: a
//! session token (`SessionToken`, `sessionToken`, `session_token`) as a key
//! of any object at any depth, inside arrays too, or `Token` beside
//! `Expiration` in one object (the instance-metadata and container
//! spelling). A document that carries one holds temporary credentials,
//! whichever record the secret sits in.
//!
//! The walk keeps no value: keys are compared as the parser hands them
//! over, values are walked and dropped (strings are never copied out).

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Whether the document holds a mark of temporary credentials. Errors are
/// serde_json's (the caller keeps only their position).
pub(crate) fn has_token(body: &[u8]) -> Result<bool, serde_json::Error> {
    serde_json::from_slice::<Scan>(body).map(|s| s.0)
}

struct Scan(bool);

impl<'de> Deserialize<'de> for Scan {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Scan, D::Error> {
        d.deserialize_any(ScanVisitor)
    }
}

struct ScanVisitor;

impl<'de> Visitor<'de> for ScanVisitor {
    type Value = Scan;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Scan, E> {
        Ok(Scan(false))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Scan, E> {
        Ok(Scan(false))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Scan, E> {
        Ok(Scan(false))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Scan, E> {
        Ok(Scan(false))
    }
    fn visit_str<E>(self, _: &str) -> Result<Scan, E> {
        Ok(Scan(false))
    }
    fn visit_unit<E>(self) -> Result<Scan, E> {
        Ok(Scan(false))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scan, A::Error> {
        let mut found = false;
        while let Some(Scan(t)) = seq.next_element()? {
            found |= t;
        }
        Ok(Scan(found))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scan, A::Error> {
        let (mut found, mut token, mut expiration) = (false, false, false);
        while let Some(key) = map.next_key::<Member>()? {
            match key {
                Member::SessionToken => found = true,
                Member::Token => token = true,
                Member::Expiration => expiration = true,
                Member::Other => {}
            }
            let Scan(inner) = map.next_value()?;
            found |= inner;
        }
        Ok(Scan(found || (token && expiration)))
    }
}

enum Member {
    SessionToken,
    Token,
    Expiration,
    Other,
}

impl<'de> Deserialize<'de> for Member {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Member, D::Error> {
        struct MemberVisitor;
        impl Visitor<'_> for MemberVisitor {
            type Value = Member;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, s: &str) -> Result<Member, E> {
                Ok(match s {
                    "SessionToken" | "sessionToken" | "session_token" => Member::SessionToken,
                    "Token" | "token" => Member::Token,
                    "Expiration" | "expiration" => Member::Expiration,
                    _ => Member::Other,
                })
            }
        }
        d.deserialize_str(MemberVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::has_token;

    #[test]
    fn finds_a_token_at_any_depth() {
        for (doc, want) in [
            (r#"{"AccessKey": {"SecretAccessKey": "x"}}"#, false),
            (
                r#"{"AccessKey": {"SecretAccessKey": "x"}, "Meta": {"SessionToken": "t"}}"#,
                true,
            ),
            (r#"{"a": [{"b": [{"sessionToken": null}]}]}"#, true),
            (r#"[{"session_token": 1}]"#, true),
            (r#"{"x": {"Token": "t", "Expiration": "2026"}}"#, true),
            (
                r#"{"x": {"Token": "t"}, "y": {"Expiration": "2026"}}"#,
                false,
            ),
            (r#"{"SessionTokenNote": "no", "v": "SessionToken"}"#, false),
        ] {
            assert_eq!(has_token(doc.as_bytes()).unwrap(), want, "{doc}");
        }
        assert!(has_token(b"{").is_err());
    }
}
