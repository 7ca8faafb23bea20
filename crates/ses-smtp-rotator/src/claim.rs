//! The claim: how a later try of the same rotation proves that a key no
//! version names is its own. Before it creates a key, `createSecret` tags
//! the IAM user with `ses-smtp-rotator = TOKEN TIME KEY…`: the rotation's
//! token, the time, and the keys the user has then. A key the user has
//! later that is in no version, not in that list, and made no earlier than
//! that time (less clock skew) was made by a try of that rotation and then
//! lost (the try ended before the version naming it was put): it is
//! deleted. Any other key no version names is someone else's, and is
//! never touched.

use ses_smtp_rotation::sdk::iam::Key;

/// The IAM user tag that holds the claim.
pub const TAG: &str = "ses-smtp-rotator";

/// How far IAM's clock may be behind the function's.
const SKEW_SECS: i64 = 300;

/// A claim, as the tag holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    token: String,
    at: i64,
    before: Vec<String>,
}

/// A token as a tag value can hold it (letters, digits, `_ . : / = + - @`).
fn tag_safe(token: &str) -> String {
    token
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_.:/=+-@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

impl Claim {
    /// The claim of rotation `token` at `at` (seconds since 1970), with the
    /// keys the user has now.
    pub fn new(token: &str, at: i64, keys: &[Key]) -> Claim {
        Claim {
            token: tag_safe(token),
            at,
            before: keys.iter().map(|k| k.id.clone()).collect(),
        }
    }

    /// The tag's value.
    pub fn render(&self) -> String {
        let mut s = format!("{} {}", self.token, self.at);
        for k in &self.before {
            s.push(' ');
            s.push_str(k);
        }
        s
    }

    /// A tag's value read back; `None` when it is not a claim.
    pub fn parse(value: &str) -> Option<Claim> {
        let mut words = value.split(' ');
        let token = words.next().filter(|t| !t.is_empty())?.to_string();
        let at = words.next()?.parse().ok()?;
        Some(Claim {
            token,
            at,
            before: words.map(str::to_string).collect(),
        })
    }

    /// Whether `key` was made by a try of rotation `token` after this claim.
    pub fn made(&self, token: &str, key: &Key) -> bool {
        self.token == tag_safe(token)
            && !self.before.contains(&key.id)
            && key.created.is_some_and(|c| c.secs() >= self.at - SKEW_SECS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str, created: Option<ses_smtp_rotation::sdk::iam::Timestamp>) -> Key {
        Key {
            id: id.into(),
            active: true,
            created,
            last_used: None,
        }
    }

    #[test]
    fn a_claim_reads_back_and_proves_only_new_keys_of_its_token() {
        let now = ses_smtp_rotation::sdk::iam::Timestamp::now();
        let before = [key("AKIAOLD0000000000001", Some(now))];
        let c = Claim::new("tok-1", now.secs(), &before);
        let back = Claim::parse(&c.render()).unwrap();
        assert_eq!(back, c);
        let new = key("AKIANEW0000000000002", Some(now));
        assert!(back.made("tok-1", &new));
        assert!(!back.made("tok-2", &new), "another rotation's claim");
        assert!(!back.made("tok-1", &before[0]), "a key that was there");
        assert!(!back.made("tok-1", &key("AKIANEW0000000000003", None)));
        assert_eq!(Claim::parse("not a claim"), None);
        assert_eq!(Claim::new("a b\u{1b}", 5, &[]).render(), "a_b_ 5");
    }
}
