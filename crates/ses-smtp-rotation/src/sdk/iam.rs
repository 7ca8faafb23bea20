//! The IAM calls: a user's access keys with when they were last used, and
//! creating, deactivating and deleting one. A new key's secret goes from
//! the SDK's response straight into a zeroizing buffer; the response's own
//! string is wiped.

use super::error::{Error, Result};
use super::session::{Session, shown};
use crate::UserName;
use crate::calls;
use aws_sdk_iam::primitives::{DateTime, DateTimeFormat};
use aws_sdk_iam::types::StatusType;
use ses_smtp_credentials::user_text;
use ses_smtp_credentials::{AccessKeyId, SecretKey, SecretPolicy, parse_access_key_id};
use zeroize::Zeroize;

/// A moment as IAM records it, to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(i64);

impl Timestamp {
    /// Now.
    pub fn now() -> Timestamp {
        Timestamp(DateTime::from(std::time::SystemTime::now()).secs())
    }

    /// Seconds since 1970.
    pub fn secs(self) -> i64 {
        self.0
    }

    fn from_aws(d: DateTime) -> Timestamp {
        Timestamp(d.secs())
    }
}

impl std::fmt::Display for Timestamp {
    /// As IAM shows it, in UTC: `2026-11-20T08:00:00Z`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match DateTime::from_secs(self.0).fmt(DateTimeFormat::DateTime) {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "{}", self.0),
        }
    }
}

/// One access key of a user.
#[derive(Clone, Debug)]
pub struct Key {
    /// Its ID (made safe to show; a real key ID is unchanged).
    pub id: String,
    /// Whether it is active.
    pub active: bool,
    /// When IAM made it.
    pub created: Option<Timestamp>,
    /// When and where it was last used, if ever.
    pub last_used: Option<LastUsed>,
}

/// Where and when a key was last used (IAM's record).
#[derive(Clone, Debug)]
pub struct LastUsed {
    /// When.
    pub date: Timestamp,
    /// The service it was used with.
    pub service: String,
    /// The region it was used in.
    pub region: String,
}

impl Key {
    /// `Active` or `Inactive`, as IAM spells it.
    pub fn status(&self) -> &'static str {
        if self.active { "Active" } else { "Inactive" }
    }

    /// Whole days since the key was made.
    pub fn age_days(&self, now: Timestamp) -> Option<i64> {
        self.created.map(|c| (now.0 - c.0).max(0) / 86_400)
    }

    /// "2026-11-20T08:00:00Z (ses, eu-west-1)" or "never".
    pub fn last_used_text(&self) -> String {
        match &self.last_used {
            Some(u) => format!("{} ({}, {})", u.date, u.service, u.region),
            None => "never".into(),
        }
    }
}

/// Fails with AWS's NoSuchEntity when the user does not exist; remembers
/// the user's IAM path (a denied call later names it).
///
/// # Errors
/// [`Error::Refused`] when AWS refuses.
pub fn check_user(aws: &Session, user: &UserName) -> Result<()> {
    get_user(aws, user).map(drop)
}

/// `GetUser`: the user, whose path is remembered.
fn get_user(aws: &Session, user: &UserName) -> Result<Option<aws_sdk_iam::types::User>> {
    let out = aws
        .run(aws.iam().get_user().user_name(user.as_str()).send())
        .map_err(aws.refused(
            &calls::IAM_GET_USER,
            format!("to find IAM user {}", shown(user)),
        ))?;
    if let Some(u) = &out.user {
        aws.set_user_path(&u.path);
    }
    Ok(out.user)
}

/// The value of the user's tag `key`, if it has one (from `GetUser`,
/// which also remembers the user's path).
///
/// # Errors
/// [`Error::Refused`] when AWS refuses.
pub fn user_tag(aws: &Session, user: &UserName, key: &str) -> Result<Option<String>> {
    Ok(get_user(aws, user)?.and_then(|u| {
        u.tags
            .unwrap_or_default()
            .into_iter()
            .find(|t| t.key == key)
            .map(|t| t.value)
    }))
}

/// Sets the user's tag `key` to `value`.
///
/// # Errors
/// [`Error::Refused`] when AWS refuses.
pub fn tag_user(aws: &Session, user: &UserName, key: &str, value: &str) -> Result<()> {
    let tag = aws_sdk_iam::types::Tag::builder()
        .key(key)
        .value(value)
        .build()
        .map_err(|e| Error::Internal(format!("an IAM tag could not be built: {e}")))?;
    aws.run(
        aws.iam()
            .tag_user()
            .user_name(user.as_str())
            .tags(tag)
            .send(),
    )
    .map_err(aws.refused(
        &calls::IAM_TAG_USER,
        format!("to tag IAM user {}", shown(user)),
    ))?;
    Ok(())
}

/// Removes the user's tag `key` (nothing when it has none).
///
/// # Errors
/// [`Error::Refused`] when AWS refuses.
pub fn untag_user(aws: &Session, user: &UserName, key: &str) -> Result<()> {
    aws.run(
        aws.iam()
            .untag_user()
            .user_name(user.as_str())
            .tag_keys(key)
            .send(),
    )
    .map_err(aws.refused(
        &calls::IAM_UNTAG_USER,
        format!("to remove a tag from IAM user {}", shown(user)),
    ))?;
    Ok(())
}

/// ListAccessKeys pages read at most (IAM answers a user's two keys in one).
const MAX_PAGES: usize = 20;

/// The user's keys, oldest first, each with its last use.
///
/// # Errors
/// [`Error::Refused`] when AWS refuses, or pages without end.
pub fn keys(aws: &Session, user: &UserName) -> Result<Vec<Key>> {
    let iam = aws.iam();
    let mut keys = Vec::new();
    let mut marker: Option<String> = None;
    let mut seen: Vec<String> = Vec::new();
    let mut pages = 0usize;
    loop {
        let page = aws
            .run(
                iam.list_access_keys()
                    .user_name(user.as_str())
                    .set_marker(marker.take())
                    .send(),
            )
            .map_err(aws.refused(
                &calls::IAM_LIST_ACCESS_KEYS,
                format!("to list the access keys of {}", shown(user)),
            ))?;
        for m in page.access_key_metadata {
            let Some(id) = m.access_key_id else { continue };
            keys.push(Key {
                active: m.status == Some(StatusType::Active),
                created: m.create_date.map(Timestamp::from_aws),
                last_used: None,
                // Text AWS returns is shown like text a user typed: an
                // endpoint's escapes and bidi controls never reach the
                // terminal (a real key ID is unchanged).
                id: user_text(&id),
            });
        }
        match page.marker {
            Some(next) if page.is_truncated => {
                // A user has at most two keys: an endpoint that pages on
                // and on, or hands the same marker back, is broken.
                pages += 1;
                if pages >= MAX_PAGES || seen.contains(&next) {
                    return Err(Error::Refused(format!(
                        "AWS kept paging the access keys of {} ({pages} pages{}); stopped\n  \
                         hint: check AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_IAM: IAM lists a user's keys in one page",
                        shown(user),
                        if seen.contains(&next) {
                            ", a marker repeated"
                        } else {
                            ""
                        }
                    )));
                }
                seen.push(next.clone());
                marker = Some(next);
            }
            _ => break,
        }
    }
    for key in &mut keys {
        let used = aws
            .run(iam.get_access_key_last_used().access_key_id(&key.id).send())
            .map_err(aws.refused(
                &calls::IAM_GET_ACCESS_KEY_LAST_USED,
                format!("to read when {} was last used", key.id),
            ))?;
        key.last_used = used.access_key_last_used.and_then(|u| {
            Some(LastUsed {
                date: Timestamp::from_aws(u.last_used_date?),
                service: user_text(&u.service_name),
                region: user_text(&u.region),
            })
        });
    }
    keys.sort_by_key(|k| k.created);
    Ok(keys)
}

/// A key just made: its ID (the SMTP user name) and its secret.
#[derive(Debug)]
pub struct NewKey {
    /// The access key ID: the SMTP user name.
    pub id: AccessKeyId,
    /// The secret, in its zeroizing buffer (`Debug` redacts it).
    pub secret: SecretKey,
}

/// Creates an access key for the user. The secret is checked as any input
/// would be (an odd one is an error, after which the caller deletes the
/// key: `created` holds its ID as soon as IAM returned one).
///
/// # Errors
/// [`Error::Refused`] when IAM refuses, or returns a malformed key.
pub fn create_key(aws: &Session, user: &UserName, created: &mut Option<String>) -> Result<NewKey> {
    // Never retried by the SDK: a retry after a lost answer would make a
    // second key, and the first would hold a slot with its secret lost.
    let once = aws_sdk_iam::config::Builder::default()
        .retry_config(aws_sdk_iam::config::retry::RetryConfig::disabled());
    let mut out = aws
        .run(
            aws.iam()
                .create_access_key()
                .user_name(user.as_str())
                .customize()
                .config_override(once)
                .send(),
        )
        .map_err(aws.refused(
            &calls::IAM_CREATE_ACCESS_KEY,
            format!("to create an access key for {}", shown(user)),
        ))?;
    let Some(mut key) = out.access_key.take() else {
        return Err(Error::Refused(
            "AWS created an access key but returned none (an empty CreateAccessKey response)"
                .into(),
        ));
    };
    *created = Some(key.access_key_id.clone());
    let mut secret_text = std::mem::take(&mut key.secret_access_key);
    let secret =
        ses_smtp_credentials::parse_raw_secret(secret_text.as_bytes(), SecretPolicy::STRICT);
    secret_text.zeroize();
    let secret = secret.map_err(|e| {
        Error::Refused(format!(
            "AWS returned a new secret access key that is not well-formed: {e}"
        ))
    })?;
    let id = parse_access_key_id(&key.access_key_id).map_err(|e| {
        Error::Refused(format!(
            "AWS returned a new access key ID that is not an access key ID: {e}"
        ))
    })?;
    Ok(NewKey { id, secret })
}

/// Deletes an access key.
///
/// # Errors
/// [`Error::Refused`] when IAM refuses.
pub fn delete_key(aws: &Session, user: &UserName, id: &str) -> Result<()> {
    aws.run(
        aws.iam()
            .delete_access_key()
            .user_name(user.as_str())
            .access_key_id(id)
            .send(),
    )
    .map_err(aws.refused(
        &calls::IAM_DELETE_ACCESS_KEY,
        format!("to delete access key {}", user_text(id)),
    ))?;
    Ok(())
}

/// Deactivates an access key (it can be made active again).
///
/// # Errors
/// [`Error::Refused`] when IAM refuses.
pub fn deactivate(aws: &Session, user: &UserName, id: &str) -> Result<()> {
    aws.run(
        aws.iam()
            .update_access_key()
            .user_name(user.as_str())
            .access_key_id(id)
            .status(StatusType::Inactive)
            .send(),
    )
    .map_err(aws.refused(
        &calls::IAM_UPDATE_ACCESS_KEY,
        format!("to deactivate access key {}", user_text(id)),
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_use_and_age() {
        // 1_700_000_000 is 2023-11-14T22:13:20Z (`date -u -d @1700000000`).
        let key = Key {
            id: "AKIAIOSFODNN7EXAMPLE".into(),
            active: false,
            created: Some(Timestamp::from_aws(DateTime::from_fractional_secs(
                1_700_000_000,
                0.75,
            ))),
            last_used: Some(LastUsed {
                date: Timestamp::from_aws(DateTime::from_secs(1_700_086_405)),
                service: "ses".into(),
                region: "eu-west-1".into(),
            }),
        };
        assert_eq!(
            key.last_used_text(),
            "2023-11-15T22:13:25Z (ses, eu-west-1)"
        );
        assert_eq!(key.status(), "Inactive");
        assert_eq!(
            key.created.map(|c| c.to_string()).as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
        let later = Timestamp(1_700_000_000 + 3 * 86_400 + 1);
        assert_eq!(key.age_days(later), Some(3));
        let never = Key {
            last_used: None,
            created: None,
            ..key
        };
        assert_eq!(never.last_used_text(), "never");
        assert_eq!(never.age_days(later), None);
    }
}
