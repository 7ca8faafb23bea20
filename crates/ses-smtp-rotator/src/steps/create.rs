//! `createSecret`: make room, claim the slot, create the key, put the
//! pending version; the key deleted again when the put did not land.

use super::{Done, Rotator, Say, read};
use crate::secret::username_of;
use crate::secret::{Described, SecretClient};
use crate::settings::{InUse, host_allowed};
use crate::{Request, StepError};
use ses_smtp_credentials::user_text;
use ses_smtp_rotation::sdk::claim::{self, Claim, Taken};
use ses_smtp_rotation::sdk::iam::{self, Created, Key, Timestamp};
use ses_smtp_rotation::stages;
use ses_smtp_rotation::{SecretFields, UserName, parse_stored_secret, secret_string};
use std::time::Instant;

impl Rotator {
    pub(super) fn create(
        &self,
        secret: &SecretClient<'_>,
        d: &Described,
        req: &Request,
        deadline: Instant,
        say: Say<'_, '_>,
    ) -> Result<Done, StepError> {
        let aws = &self.aws;
        let token = req.token.as_str();
        let current = read(secret, None, stages::CURRENT)?;
        if let Some(text) = secret.value(Some(token), stages::PENDING)? {
            // An earlier try put the version: nothing more to make.
            let pending = parse_stored_secret(&text).map_err(|error| StepError::Secret {
                version: stages::PENDING,
                error,
            })?;
            return Ok(Done {
                outcome: "already created",
                new_key: Some(pending.username.as_str().to_string()),
                ..Done::default()
            });
        }
        let user = &current.iam_user;
        // Each password goes to SES of its region, or to a host the
        // deployment lists: never to a host an edit of the secret chose.
        for (n, entry) in current.regions.iter().enumerate() {
            let (host, _) = entry.endpoint();
            if !host_allowed(&host, &entry.region.code, &self.settings.allowed_hosts) {
                let which = match n {
                    0 => "\"host\" member".to_string(),
                    _ => format!("\"regions\" entry's host for {}", entry.region.code),
                };
                return Err(StepError::Refused(format!(
                    "the secret's {which} is not an SES SMTP endpoint of its region ({}) nor listed in \
                     SES_SMTP_ALLOWED_HOSTS: the new password is never sent there; nothing was changed",
                    entry.region.code
                )));
            }
        }
        let keys = iam::keys(aws, user)?;
        // Confused deputy: the secret must hold a key of the user it names,
        // or an edit of `iam_user` would turn the function on another user.
        if !keys.iter().any(|k| k.id == current.username.as_str()) {
            return Err(StepError::Refused(format!(
                "the secret's AWSCURRENT key {} is not an access key of IAM user {} (its \"iam_user\" member): \
                 nothing was changed; a secret rotates the key of the user it names",
                current.username.as_str(),
                user_text(user.as_str())
            )));
        }
        let previous = match d.holding(stages::PREVIOUS) {
            Some(v) if d.holding(stages::CURRENT) != Some(v) => secret
                .value(Some(v), stages::PREVIOUS)?
                .and_then(|t| username_of(&t)),
            _ => None,
        };
        let claim = iam::user_tag(aws, user, claim::TAG)?.and_then(|v| Claim::parse(&v));
        let now = Timestamp::now().secs();
        // Another rotation of the user (a `rotate` run, another secret's
        // function) holds it: nothing is changed until its claim lapses.
        if let Some(c) = &claim
            && !c.is_of(token)
            && !c.is_over(now)
        {
            return Err(busy(user, c));
        }
        let mut done = Done::default();
        // A key an earlier try of this rotation made, whose answer was
        // lost before a version named it: the one key in no version made
        // inside that try's claimed window, once that try is over. Two such
        // keys prove nothing: both are left (and then refused as unknown).
        let lost: Vec<&Key> = keys
            .iter()
            .filter(|k| {
                k.id != current.username.as_str()
                    && Some(&k.id) != previous.as_ref()
                    && claim.as_ref().is_some_and(|c| c.may_have_made(token, k))
            })
            .collect();
        let lost = match (&lost[..], &claim) {
            ([k], Some(c)) if c.is_over(now) => Some(k.id.clone()),
            ([k], Some(c)) => {
                return Err(StepError::Refused(format!(
                    "key {} may be an earlier try's of this rotation, and that try may still be running (until {}): \
                     nothing was changed; Secrets Manager's next try settles it",
                    k.id,
                    Timestamp::from_secs(c.until())
                )));
            }
            _ => None,
        };
        // Decide before changing anything: the key that makes room, if the
        // user is at IAM's limit, must be one an older version names and
        // must not be in use.
        let mut remaining: Vec<Key> = keys
            .into_iter()
            .filter(|k| Some(&k.id) != lost.as_ref())
            .collect();
        let mut make_room = None;
        if remaining.len() >= iam::KEY_LIMIT {
            let other = remaining
                .iter()
                .find(|k| k.id != current.username.as_str())
                .cloned();
            match other {
                Some(k) if Some(&k.id) == previous.as_ref() || secret.names_key(&k.id)? => {
                    self.guard(secret, user, &k, say)?;
                    make_room = Some(k);
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
        if let Some(id) = &lost {
            // Made by an earlier try of this rotation, which ended before a
            // version named it: never handed out.
            iam::delete_key(aws, user, id)?;
            say.action(
                "deleted the key an earlier try of this rotation made and no version names",
                |l| l.with("key", id.as_str()),
            );
        }
        if let Some(k) = make_room {
            if k.active {
                iam::deactivate(aws, user, &k.id)?;
            }
            iam::delete_key(aws, user, &k.id)?;
            say.action(
                "deactivated and deleted the key an older version names (AWSPREVIOUS's)",
                |l| {
                    l.with("key", k.id.as_str())
                        .with("last_used", k.last_used_text())
                },
            );
            remaining.retain(|r| r.id != k.id);
            done.deleted_key = Some(k.id);
        }
        // The claim: this try may put a version until its own deadline.
        let at = Timestamp::now().secs();
        let left = i64::try_from(deadline.saturating_duration_since(Instant::now()).as_secs())
            .unwrap_or(claim::LAMBDA_MAX_SECS);
        let claim = Claim::new(token, at, at.saturating_add(left), &remaining);
        // Set, then read back: another rotation that tagged at the same
        // moment won.
        let claimed = match claim::take(aws, user, &claim)? {
            Taken::Mine(claimed) => claimed,
            Taken::Theirs(c) => return Err(busy(user, &c)),
            Taken::Removed => {
                return Err(StepError::Refused(
                    "the claim was removed as soon as it was set (another rotation?): nothing was created".into(),
                ));
            }
        };
        let new = match iam::create_key(aws, user, &claimed) {
            Created::Key(new) => new,
            Created::Malformed { id, error } => {
                // A key IAM made but returned malformed: deleted again.
                iam::delete_key(aws, user, &id)?;
                self.drop_claim(user, token, say);
                return Err(error.into());
            }
            Created::Refused(error) => {
                // IAM made nothing: the claim goes, so that no later try
                // takes a key made by hand since for this try's.
                self.drop_claim(user, token, say);
                return Err(error.into());
            }
            Created::Lost { error, ended, .. } => {
                // The claim stays, so the next try can settle the key IAM
                // may have made; this try ends now, and says so.
                let over = claim.ended_at(ended.secs());
                if let Err(e) = iam::tag_user(aws, user, claim::TAG, &over.render()) {
                    say.action(
                        "could not mark the claim's try as over (the next try waits until its deadline)",
                        |l| l.with("error", e.to_string()),
                    );
                }
                return Err(error.into());
            }
        };
        let key = new.id.as_str().to_string();
        say.action("created a key", |l| l.with("key", key.as_str()));
        // One password per region the secret lists, the first region's first
        // (the secret is wiped).
        let regions: Vec<_> = current.regions.iter().map(|e| e.region.clone()).collect();
        let items = new.passwords(&regions);
        let endpoints: Vec<(String, String, u16)> = current
            .regions
            .iter()
            .map(|e| {
                let (host, port) = e.endpoint();
                (e.region.code.clone(), host, port)
            })
            .collect();
        let endpoints: Vec<(&str, &str, u16)> = endpoints
            .iter()
            .map(|(r, h, p)| (r.as_str(), h.as_str(), *p))
            .collect();
        let fields = SecretFields {
            iam_user: Some(user.as_str()),
            endpoints: &endpoints,
            list_regions: current.lists_regions,
            others: Some(&current.others),
        };
        let payload =
            secret_string(&items, &fields).map_err(|e| StepError::Refused(e.to_string()))?;
        if let Err(e) = secret.put_pending(token, req.rotation_token.as_deref(), &payload) {
            return Err(self.unput(secret, token, user, &key, e, say));
        }
        say.action("put the new version as AWSPENDING", |l| {
            l.with("key", key.as_str())
        });
        self.drop_claim(user, token, say);
        done.outcome = "created";
        done.new_key = Some(key);
        Ok(done)
    }

    /// The guard: the key about to be deleted to make room is in use when
    /// IAM reports a use later than both the moment the current version
    /// was made and now less `IN_USE_WINDOW_SECONDS`. Then nothing is
    /// changed, and the step fails naming the key and its last use, with a
    /// log line whose `event` is `key_in_use` (`IN_USE=ignore`: deleted
    /// anyway).
    fn guard(
        &self,
        secret: &SecretClient<'_>,
        user: &UserName,
        k: &Key,
        say: Say<'_, '_>,
    ) -> Result<(), StepError> {
        let Some(used) = &k.last_used else {
            return Ok(());
        };
        if self.settings.in_use == InUse::Ignore {
            return Ok(());
        }
        let now = Timestamp::now().secs();
        let window = i64::try_from(self.settings.in_use_window.as_secs()).unwrap_or(i64::MAX / 2);
        let current_since = secret.created(stages::CURRENT)?.unwrap_or(i64::MIN);
        let after = current_since.max(now.saturating_sub(window));
        if used.date.secs() <= after {
            return Ok(());
        }
        say.action(
            "the key an older version names is still in use: nothing was changed",
            |l| {
                l.with("event", "key_in_use")
                    .with("key", k.id.as_str())
                    .with("last_used", k.last_used_text())
            },
        );
        let user = user_text(user.as_str());
        Err(StepError::Refused(format!(
            "key {id} of IAM user {user}, which an older version of the secret names, was last used {used} \
             (after AWSCURRENT moved off it, within the last {secs} s): something still logs in with it, so it \
             is not deleted, and nothing was changed\n  \
             hint: find the consumer still on it and make it read the secret again (`ses-smtp-password keys \
             --user-name {user} --store secretsmanager:SECRET` shows each key's last use and which key the \
             secret names); the rotation goes on once the key's last use is older than IN_USE_WINDOW_SECONDS; \
             or set IN_USE=ignore on the function to delete it anyway",
            id = k.id,
            used = k.last_used_text(),
            secs = self.settings.in_use_window.as_secs(),
        )))
    }

    /// The put of the pending version failed: if it did not land after
    /// all, the new key is deleted (a key no version names would hold a
    /// slot); if that cannot be told, the key stays, and the claim lets
    /// the next try settle it.
    fn unput(
        &self,
        secret: &SecretClient<'_>,
        token: &str,
        user: &UserName,
        key: &str,
        error: StepError,
        say: Say<'_, '_>,
    ) -> StepError {
        // The put did not land if there is no pending version, or if the
        // pending version is another try's (two tries at once): either way
        // no version names this try's key, which it made (IAM returned it).
        let landed = match secret.value(Some(token), stages::PENDING) {
            Ok(Some(text)) => Ok(username_of(&text).as_deref() == Some(key)),
            Ok(None) => Ok(false),
            Err(e) => Err(e),
        };
        match landed {
            Ok(true) => error,
            Ok(false) => match iam::delete_key(&self.aws, user, key) {
                Ok(()) => {
                    say.action(
                        "deleted the new key: the version naming it could not be put",
                        |l| l.with("key", key),
                    );
                    self.drop_claim(user, token, say);
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

    /// The claim is not needed once a version names the key (or IAM made
    /// none): removed if it is still this rotation's (`token`), never
    /// another's; a failure is only logged (`finishSecret` tries again).
    pub(super) fn drop_claim(&self, user: &UserName, token: &str, say: Say<'_, '_>) {
        let ours = match iam::user_tag(&self.aws, user, claim::TAG) {
            Ok(Some(v)) => Claim::parse(&v).is_some_and(|c| c.is_of(token)),
            Ok(None) => false,
            Err(e) => {
                say.action(
                    "could not read the claim tag (harmless; finishSecret tries again)",
                    |l| l.with("error", e.to_string()),
                );
                false
            }
        };
        if !ours {
            return;
        }
        if let Err(e) = iam::untag_user(&self.aws, user, claim::TAG) {
            say.action(
                "could not remove the claim tag (harmless; finishSecret tries again)",
                |l| l.with("error", e.to_string()),
            );
        }
    }
}

/// Another rotation's claim lasts.
fn busy(user: &UserName, c: &Claim) -> StepError {
    StepError::Refused(format!(
        "another rotation of IAM user {} is under way ({}): nothing was changed; Secrets Manager's next try goes on once it is over",
        user_text(user.as_str()),
        c.describe()
    ))
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
