//! The IAM calls on a user and its keys (but creating one: `create`).

use super::key::{Key, LastUsed, Timestamp};
use crate::UserName;
use crate::calls;
use crate::sdk::error::{Error, Result};
use crate::sdk::session::{Session, shown};
use aws_sdk_iam::types::StatusType;
use ses_smtp_credentials::user_text;

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
        aws.remember_user_path(&u.path);
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

/// Deletes an access key if the user still has it: `Ok(false)` when IAM
/// says there is no such key (deleted since, by hand or by another run).
///
/// # Errors
/// [`Error::Refused`] when IAM refuses.
pub fn delete_key_if_present(aws: &Session, user: &UserName, id: &str) -> Result<bool> {
    let answer = aws.run(
        aws.iam()
            .delete_access_key()
            .user_name(user.as_str())
            .access_key_id(id)
            .send(),
    );
    match answer {
        Ok(_) => Ok(true),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_no_such_entity_exception()) =>
        {
            Ok(false)
        }
        Err(e) => Err(aws.refused(
            &calls::IAM_DELETE_ACCESS_KEY,
            format!("to delete access key {}", user_text(id)),
        )(e)),
    }
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
