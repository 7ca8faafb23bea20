//! The claim: one rotation of an IAM user at a time, across machines, and
//! how a later try of the same rotation proves that a key no version names
//! is its own. Both `rotate` and the rotation function set it on the user
//! before `CreateAccessKey`, read it back to see they won, honour each
//! other's while it lasts (until its UNTIL), and remove it only while it
//! is still their own.
//!
//! Before it creates a key, `createSecret` tags
//! the IAM user with `ses-smtp-rotator = TOKEN TIME UNTIL KEY…`: the
//! rotation's token, the time, the latest the `CreateAccessKey` call can
//! end, and the keys the user has then. When IAM refuses the call, the
//! claim is removed at once (nothing was made). When the answer is lost, a
//! later try deletes a key only if it is the one key the user has that is
//! in no version and not in that list, made between TIME and UNTIL (give
//! or take clock skew): that try's lost key. Any other key no version
//! names is someone else's, and is never touched.
//!
//! Both follow one order, which the types hold: [`take`] alone makes an
//! [`iam::Claimed`], which [`iam::create_key`] needs; `rotate` then stores with
//! the [`KeyMade`](super::KeyMade) its `Rotation` makes. A key cannot be
//! created without the claim:
//!
//! ```compile_fail,E0423
//! # use ses_smtp_rotation::sdk::{Session, iam::{self, Claimed}};
//! # use ses_smtp_rotation::UserName;
//! fn unclaimed(aws: &Session, user: &UserName) -> iam::Created {
//!     iam::create_key(aws, user, &Claimed(()))
//! }
//! ```

use super::error::Result;
use super::iam::{self, Claimed, Key};
use super::session::Session;
use crate::UserName;

/// How setting a claim came out.
#[derive(Debug)]
pub enum Taken {
    /// The claim read back is this run's.
    Mine(Claimed),
    /// Another rotation tagged the user at the same moment, and won.
    Theirs(Claim),
    /// The tag was gone as soon as it was set (another rotation removed it).
    Removed,
}

/// Sets `mine` on `user`, then reads the tag back: the rotation whose
/// claim is read back holds the user. What a caller checks before (another
/// rotation's claim that still lasts) is its own.
///
/// # Errors
/// [`Error::Refused`](super::Error::Refused) when IAM refuses the tag or
/// the read.
pub fn take(aws: &Session, user: &UserName, mine: &Claim) -> Result<Taken> {
    iam::tag_user(aws, user, TAG, &mine.render())?;
    Ok(
        match iam::user_tag(aws, user, TAG)?.and_then(|v| Claim::parse(&v)) {
            Some(c) if c.is_of(mine.token()) => Taken::Mine(Claimed(())),
            Some(c) => Taken::Theirs(c),
            None => Taken::Removed,
        },
    )
}

/// The IAM user tag that holds the claim.
pub const TAG: &str = crate::calls::CLAIM_TAG;

/// How far IAM's clock and the function's may disagree.
const SKEW_SECS: i64 = super::iam::CLOCK_SKEW_SECS;

/// The longest a Lambda function runs: a claim written by an older
/// version, without its own bound, is bound by this.
pub const LAMBDA_MAX_SECS: i64 = 900;

/// A claim, as the tag holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    token: String,
    at: i64,
    until: i64,
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
    /// The claim of rotation `token` at `at` (seconds since 1970), whose
    /// `CreateAccessKey` call ends by `until`, with the keys the user has
    /// now.
    pub fn new(token: &str, at: i64, until: i64, keys: &[Key]) -> Claim {
        Claim::of_ids(
            token,
            at,
            until,
            keys.iter().map(|k| k.id.clone()).collect(),
        )
    }

    /// The same, with the IDs of the keys the user has now.
    pub fn of_ids(token: &str, at: i64, until: i64, before: Vec<String>) -> Claim {
        Claim {
            token: tag_safe(token),
            at,
            until,
            before,
        }
    }

    /// The claiming rotation's token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Whether the claim is rotation `token`'s.
    pub fn is_of(&self, token: &str) -> bool {
        self.token == tag_safe(token)
    }

    /// The latest the claiming try can still put a version, in seconds
    /// since 1970.
    pub fn until(&self) -> i64 {
        self.until
    }

    /// Whether the claiming try is over at `now` (both moments on the
    /// function's own clock).
    pub fn is_over(&self, now: i64) -> bool {
        now >= self.until
    }

    /// The same claim, its try over at `ended` (it lost CreateAccessKey's
    /// answer and returned): a key made after that is not its own.
    pub fn ended_at(&self, ended: i64) -> Claim {
        Claim {
            until: ended.min(self.until),
            ..self.clone()
        }
    }

    /// "claimed at T until U by TOKEN", for a message.
    pub fn describe(&self) -> String {
        use super::iam::Timestamp;
        format!(
            "claimed at {} until {} by {}",
            Timestamp::from_secs(self.at),
            Timestamp::from_secs(self.until),
            ses_smtp_credentials::user_text(&self.token)
        )
    }

    /// The tag's value.
    pub fn render(&self) -> String {
        let mut s = format!("{} {} {}", self.token, self.at, self.until);
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
        let at: i64 = words.next()?.parse().ok()?;
        let mut rest: Vec<String> = words.map(str::to_string).collect();
        // An older claim has no bound: the longest a function runs.
        let until = match rest.first().map(|w| w.parse::<i64>()) {
            Some(Ok(u)) => {
                rest.remove(0);
                u
            }
            _ => at.saturating_add(LAMBDA_MAX_SECS),
        };
        Some(Claim {
            token,
            at,
            until,
            before: rest,
        })
    }

    /// Whether `key` may have been made by the `CreateAccessKey` call of
    /// rotation `token` that this claim announced: a key the user did not
    /// have, made inside the call's window.
    pub fn may_have_made(&self, token: &str, key: &Key) -> bool {
        self.is_of(token)
            && !self.before.contains(&key.id)
            && key.created.is_some_and(|c| {
                c.secs() >= self.at - SKEW_SECS && c.secs() <= self.until + SKEW_SECS
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str, created: Option<crate::sdk::iam::Timestamp>) -> Key {
        Key {
            id: id.into(),
            active: true,
            created,
            last_used: None,
        }
    }

    #[test]
    fn a_claim_reads_back_and_proves_only_new_keys_of_its_token() {
        let now = crate::sdk::iam::Timestamp::now();
        let before = [key("AKIAOLD0000000000001", Some(now))];
        let c = Claim::new("tok-1", now.secs(), now.secs() + 30, &before);
        let back = Claim::parse(&c.render()).unwrap();
        assert_eq!(back, c);
        let new = key("AKIANEW0000000000002", Some(now));
        assert!(back.may_have_made("tok-1", &new));
        assert!(
            !back.may_have_made("tok-2", &new),
            "another rotation's claim"
        );
        assert!(
            !back.may_have_made("tok-1", &before[0]),
            "a key that was there"
        );
        assert!(!back.may_have_made("tok-1", &key("AKIANEW0000000000003", None)));
        // A key made by hand after the call's window is never the call's.
        let later = crate::sdk::iam::Timestamp::from_secs(now.secs() + 60);
        assert!(!back.may_have_made("tok-1", &key("AKIANEW0000000000004", Some(later))));
        assert_eq!(Claim::parse("not a claim"), None);
        assert_eq!(Claim::new("a b\u{1b}", 5, 9, &[]).render(), "a_b_ 5 9");
        // An older claim, without its bound: the longest a function runs.
        let old = Claim::parse("tok 100 AKIAOLD0000000000001").unwrap();
        assert_eq!(
            old,
            Claim::new("tok", 100, 100 + LAMBDA_MAX_SECS, &before[..])
        );
    }
}
