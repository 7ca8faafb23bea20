//! `CreateAccessKey`, and what its outcome proves: only an ID IAM
//! returned proves a key this call's; a lost answer proves nothing, unless
//! exactly one new key appeared inside the call's window.

use super::key::{Key, Timestamp};
use crate::UserName;
use crate::calls;
use crate::sdk::error::{Error, Result};
use crate::sdk::session::{Session, shown};
use ses_smtp_credentials::{
    AccessKeyId, Derived, ResolvedRegion, SecretKey, SecretPolicy, Version, derive_v4,
    parse_access_key_id,
};
use zeroize::Zeroize;

/// Proof that this run holds the user's claim: only
/// [`claim::take`](crate::sdk::claim::take) makes one, and [`create_key`]
/// needs it, so neither `rotate` nor the rotation function can create a
/// key without first claiming the user.
#[derive(Debug)]
pub struct Claimed(pub(crate) ());

/// A key just made: its ID (the SMTP user name) and its secret.
#[derive(Debug)]
pub struct NewKey {
    /// The access key ID: the SMTP user name.
    pub id: AccessKeyId,
    /// The secret, in its zeroizing buffer (`Debug` redacts it).
    pub secret: SecretKey,
}

impl NewKey {
    /// The key's SMTP credentials for each of `regions`, in that order (V4
    /// passwords); the secret is wiped as this returns. What `rotate` and
    /// the rotation function both do with a new key.
    pub fn passwords(self, regions: &[ResolvedRegion]) -> Vec<Derived> {
        regions
            .iter()
            .map(|region| {
                let password = derive_v4(&self.secret, &region.code);
                Derived::new(Some(self.id.clone()), password, region.clone(), Version::V4)
            })
            .collect()
    }
}

/// What `CreateAccessKey` came to. Only [`Created::Key`] and
/// [`Created::Malformed`] prove that IAM made a key (it returned the ID);
/// [`Created::Refused`] proves it made none; after [`Created::Lost`] the
/// caller cannot tell, and must prove any key it would delete some other
/// way (see [`lost_key`]).
#[derive(Debug)]
pub enum Created {
    /// IAM made the key and returned it well-formed.
    Key(NewKey),
    /// IAM made a key (this ID, made safe to show) but returned it
    /// malformed: the caller deletes it.
    Malformed {
        /// The ID IAM returned.
        id: String,
        /// What was wrong with it.
        error: Error,
    },
    /// IAM answered with an error (LimitExceeded, AccessDenied, …): it
    /// made nothing.
    Refused(Error),
    /// No answer arrived (a timeout, a broken connection, an interruption):
    /// IAM may or may not have made a key between `sent` and `ended`.
    Lost {
        /// Why no answer arrived.
        error: Error,
        /// Just before the request was sent.
        sent: Timestamp,
        /// Once the call had ended.
        ended: Timestamp,
    },
}

impl Created {
    /// The ID IAM returned, if it returned one.
    pub fn id(&self) -> Option<&str> {
        match self {
            Created::Key(k) => Some(k.id.as_str()),
            Created::Malformed { id, .. } => Some(id),
            Created::Refused(_) | Created::Lost { .. } => None,
        }
    }

    /// The key, or why there is none.
    ///
    /// # Errors
    /// The call's error, for every outcome but [`Created::Key`].
    pub fn into_result(self) -> Result<NewKey> {
        match self {
            Created::Key(k) => Ok(k),
            Created::Malformed { error, .. }
            | Created::Refused(error)
            | Created::Lost { error, .. } => Err(error),
        }
    }
}

/// Creates an access key for the user, never retried (a retry after a lost
/// answer would make a second key, whose secret is lost too). The secret
/// is checked as any input would be. Only a run that holds the user's
/// claim may ([`claim::take`](crate::sdk::claim::take) is what proves it).
pub fn create_key(aws: &Session, user: &UserName, _claimed: &Claimed) -> Created {
    let once = aws_sdk_iam::config::Builder::default()
        .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled());
    let sent = Timestamp::now();
    let answer = aws.run(
        aws.iam()
            .create_access_key()
            .user_name(user.as_str())
            .customize()
            .config_override(once)
            .send(),
    );
    let mut out = match answer {
        Ok(out) => out,
        Err(e) => {
            // An answer with an error code is IAM's word that it made
            // nothing; anything else (no answer, an unreadable one) is not.
            let answered = e.as_service_error().is_some()
                && aws_sdk_iam::error::ProvideErrorMetadata::code(&e).is_some();
            let error = aws.refused(
                &calls::IAM_CREATE_ACCESS_KEY,
                format!("to create an access key for {}", shown(user)),
            )(e);
            return if answered {
                Created::Refused(error)
            } else {
                Created::Lost {
                    error,
                    sent,
                    ended: Timestamp::now(),
                }
            };
        }
    };
    let Some(mut key) = out.access_key.take() else {
        return Created::Lost {
            error: Error::Refused(
                "AWS answered CreateAccessKey without a key (an empty response): it may have made one"
                    .into(),
            ),
            sent,
            ended: Timestamp::now(),
        };
    };
    let raw_id = std::mem::take(&mut key.access_key_id);
    let mut secret_text = std::mem::take(&mut key.secret_access_key);
    let secret =
        ses_smtp_credentials::parse_raw_secret(secret_text.as_bytes(), SecretPolicy::STRICT);
    secret_text.zeroize();
    let malformed = |error| Created::Malformed {
        id: raw_id.clone(),
        error,
    };
    let secret = match secret {
        Ok(s) => s,
        Err(e) => {
            return malformed(Error::Refused(format!(
                "AWS returned a new secret access key that is not well-formed: {e}"
            )));
        }
    };
    match parse_access_key_id(&raw_id) {
        Ok(id) => Created::Key(NewKey { id, secret }),
        Err(e) => malformed(Error::Refused(format!(
            "AWS returned a new access key ID that is not an access key ID: {e}"
        ))),
    }
}

/// How far IAM's clock and ours may disagree when a key's creation time is
/// compared with the moments a call was sent and ended.
pub const CLOCK_SKEW_SECS: i64 = 5;

/// What a lost `CreateAccessKey` answer may have left.
#[derive(Debug, PartialEq, Eq)]
pub enum LostKey {
    /// The user has no key it did not have before: nothing was made.
    None,
    /// Exactly one key the user did not have before, made inside the
    /// call's window: the call's own.
    Proven(Key),
    /// Keys it did not have before that cannot be proven the call's (more
    /// than one, or made outside the window, or another rotation claims
    /// the user): each is left, and named.
    Unproven(Vec<Key>),
}

/// Which of `keys` a lost `CreateAccessKey`, sent at `sent` and ended (or
/// bound to have ended) by `ended`, made: only a key the user did not have
/// (`before`), alone of its kind, created inside that window.
pub fn lost_key(keys: &[Key], before: &[String], sent: Timestamp, ended: Timestamp) -> LostKey {
    let new: Vec<&Key> = keys.iter().filter(|k| !before.contains(&k.id)).collect();
    match new[..] {
        [] => LostKey::None,
        [k] if k.created.is_some_and(|c| {
            c.0 >= sent.0 - CLOCK_SKEW_SECS && c.0 <= ended.0 + CLOCK_SKEW_SECS
        }) =>
        {
            LostKey::Proven(k.clone())
        }
        _ => LostKey::Unproven(new.into_iter().cloned().collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_answer_proves_only_the_one_key_made_inside_its_window() {
        let key = |id: &str, at: i64| Key {
            id: id.into(),
            active: true,
            created: Some(Timestamp(at)),
            last_used: None,
        };
        let before = vec!["AKIAOLD0000000000001".to_string()];
        let old = key("AKIAOLD0000000000001", 10);
        let (sent, ended) = (Timestamp(1_000), Timestamp(1_030));
        let lost = |keys: &[Key]| lost_key(keys, &before, sent, ended);
        assert_eq!(lost(std::slice::from_ref(&old)), LostKey::None);
        let ours = key("AKIANEW0000000000002", 1_010);
        assert_eq!(
            lost(&[old.clone(), ours.clone()]),
            LostKey::Proven(ours.clone())
        );
        // At the window's edges, give or take the clock skew.
        let edge = key("AKIANEW0000000000002", 1_030 + CLOCK_SKEW_SECS);
        assert_eq!(lost(&[old.clone(), edge.clone()]), LostKey::Proven(edge));
        // Made after the call had ended (by hand, after a kill): not ours.
        let later = key("AKIANEW0000000000003", 1_031 + CLOCK_SKEW_SECS);
        assert_eq!(
            lost(&[old.clone(), later.clone()]),
            LostKey::Unproven(vec![later.clone()])
        );
        // Before the call was sent: another actor's.
        let earlier = key("AKIANEW0000000000004", 1_000 - CLOCK_SKEW_SECS - 1);
        assert_eq!(
            lost(&[old.clone(), earlier.clone()]),
            LostKey::Unproven(vec![earlier])
        );
        // Two new keys: neither can be told the call's.
        assert_eq!(
            lost(&[ours.clone(), later.clone()]),
            LostKey::Unproven(vec![ours, later])
        );
        // No creation time: unproven.
        let unknown = Key {
            created: None,
            ..key("AKIANEW0000000000005", 0)
        };
        assert_eq!(
            lost(std::slice::from_ref(&unknown)),
            LostKey::Unproven(vec![unknown])
        );
    }
}
