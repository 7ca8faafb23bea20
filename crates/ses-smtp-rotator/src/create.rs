//! `createSecret`: make room, claim the slot, create the key, put the
//! pending version; the key deleted again when the put did not land.

use crate::claim::{self, Claim};
use crate::secret::{Described, Secret};
use crate::steps::{Done, Rotator, Say, read, username_of};
use crate::{Request, StepError};
use ses_smtp_credentials::{Derived, SecretFields, Version, derive_v4, secret_string, user_text};
use ses_smtp_rotation::sdk::iam::{self, Key, Timestamp};
use ses_smtp_rotation::{UserName, parse_stored_secret};

/// IAM allows two access keys per user.
const KEY_LIMIT: usize = 2;

impl Rotator {
    pub(crate) fn create(
        &self,
        secret: &Secret<'_>,
        d: &Described,
        req: &Request,
        say: Say<'_>,
    ) -> Result<Done, StepError> {
        let aws = &self.aws;
        let token = req.token.as_str();
        let current = read(secret, None, "AWSCURRENT")?;
        if let Some(text) = secret.value(Some(token), "AWSPENDING")? {
            // An earlier try put the version: nothing more to make.
            let pending = parse_stored_secret(&text).map_err(|error| StepError::Secret {
                version: "AWSPENDING",
                error,
            })?;
            return Ok(Done {
                outcome: "already created",
                new_key: Some(pending.username.as_str().to_string()),
                ..Done::default()
            });
        }
        let user = &current.iam_user;
        let keys = iam::keys(aws, user)?;
        let previous = match d.holding("AWSPREVIOUS") {
            Some(v) if d.holding("AWSCURRENT") != Some(v) => secret
                .value(Some(v), "AWSPREVIOUS")?
                .and_then(|t| username_of(&t)),
            _ => None,
        };
        let claim = iam::user_tag(aws, user, claim::TAG)?.and_then(|v| Claim::parse(&v));
        let mut done = Done::default();
        let mut remaining: Vec<Key> = Vec::with_capacity(keys.len());
        for k in keys {
            let ours = k.id != current.username.as_str()
                && Some(&k.id) != previous.as_ref()
                && claim.as_ref().is_some_and(|c| c.made(token, &k));
            if ours {
                // Made by an earlier try of this rotation, which ended
                // before a version named it: never handed out.
                iam::delete_key(aws, user, &k.id)?;
                say(
                    "deleted the key an earlier try of this rotation made and no version names",
                    &|l| l.with("key", k.id.as_str()),
                );
            } else {
                remaining.push(k);
            }
        }
        if remaining.len() >= KEY_LIMIT {
            let other = remaining
                .iter()
                .find(|k| k.id != current.username.as_str())
                .cloned();
            match other {
                Some(k) if Some(&k.id) == previous.as_ref() => {
                    if k.active {
                        iam::deactivate(aws, user, &k.id)?;
                    }
                    iam::delete_key(aws, user, &k.id)?;
                    say("deactivated and deleted the key AWSPREVIOUS names", &|l| {
                        l.with("key", k.id.as_str())
                            .with("last_used", k.last_used_text())
                    });
                    remaining.retain(|r| r.id != k.id);
                    done.deleted_key = Some(k.id);
                }
                Some(k) => return Err(unknown_key(user, &k)),
                None => {
                    return Err(StepError::Refused(format!(
                        "IAM user {} has {} access keys and the secret names none of them but AWSCURRENT's; nothing was changed",
                        user_text(user.as_str()),
                        remaining.len()
                    )));
                }
            }
        }
        let claim = Claim::new(token, Timestamp::now().secs(), &remaining);
        iam::tag_user(aws, user, claim::TAG, &claim.render())?;
        let mut created = None;
        let new = match iam::create_key(aws, user, &mut created) {
            Ok(new) => new,
            Err(e) => {
                // A key IAM made but returned malformed: deleted again.
                if let Some(id) = created {
                    iam::delete_key(aws, user, &id)?;
                }
                return Err(e.into());
            }
        };
        let key = new.id.as_str().to_string();
        say("created a key", &|l| l.with("key", key.as_str()));
        let password = derive_v4(&new.secret, &current.region.code);
        drop(new.secret);
        let item = Derived::new(Some(new.id), password, current.region.clone(), Version::V4);
        let fields = SecretFields {
            iam_user: Some(user.as_str()),
            endpoint: Some((current.host.as_str(), current.port)),
            others: Some(&current.others),
        };
        let payload =
            secret_string(&item, &fields).map_err(|e| StepError::Refused(e.to_string()))?;
        if let Err(e) = secret.put_pending(token, req.rotation_token.as_deref(), &payload) {
            return Err(self.unput(secret, token, user, &key, e, say));
        }
        say("put the new version as AWSPENDING", &|l| {
            l.with("key", key.as_str())
        });
        self.drop_claim(user, say);
        done.outcome = "created";
        done.new_key = Some(key);
        Ok(done)
    }

    /// The put of the pending version failed: if it did not land after
    /// all, the new key is deleted (a key no version names would hold a
    /// slot); if that cannot be told, the key stays, and the claim lets
    /// the next try settle it.
    fn unput(
        &self,
        secret: &Secret<'_>,
        token: &str,
        user: &UserName,
        key: &str,
        error: StepError,
        say: Say<'_>,
    ) -> StepError {
        match secret.value(Some(token), "AWSPENDING") {
            Ok(Some(_)) => error,
            Ok(None) => match iam::delete_key(&self.aws, user, key) {
                Ok(()) => {
                    say(
                        "deleted the new key: the version naming it could not be put",
                        &|l| l.with("key", key),
                    );
                    self.drop_claim(user, say);
                    error
                }
                Err(e) => StepError::Refused(format!(
                    "{error}\nand the new key {key} could not be deleted ({e}); the next try deletes it, \
                     or by hand: aws iam delete-access-key --user-name {} --access-key-id {key}",
                    user_text(user.as_str())
                )),
            },
            Err(_) => error,
        }
    }

    /// The claim is not needed once a version names the key: removed, and a
    /// failure only logged (a stale claim names another token, or keys the
    /// user no longer has; `finishSecret` removes it again).
    pub(crate) fn drop_claim(&self, user: &UserName, say: Say<'_>) {
        if let Err(e) = iam::untag_user(&self.aws, user, claim::TAG) {
            say(
                "could not remove the claim tag (harmless; finishSecret tries again)",
                &|l| l.with("error", e.to_string()),
            );
        }
    }
}

/// A key no version names holds the slot the new key needs.
fn unknown_key(user: &UserName, k: &Key) -> StepError {
    let user = user_text(user.as_str());
    StepError::Refused(format!(
        "IAM user {user} has two access keys, and the one that is not AWSCURRENT's, {id} ({status}, last used {used}), \
         is named by no version of the secret: it may be in use elsewhere, so it is not deleted, and nothing was changed\n  \
         hint: if it is not in use, free its slot, then let Secrets Manager retry: \
         ses-smtp-password retire --user-name {user} --access-key-id {id} (then again with --delete)",
        id = k.id,
        status = k.status(),
        used = k.last_used_text(),
    ))
}
