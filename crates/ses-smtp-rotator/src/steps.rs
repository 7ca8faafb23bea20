//! The four steps. Each starts from what Secrets Manager and IAM say now,
//! never from what an earlier try believed, so running a step again with
//! the same token finishes or repeats nothing twice.

use crate::claim::{self, Claim};
use crate::log::{Line, Log};
use crate::secret::{Described, Secret};
use crate::{PreviousKey, Request, Settings, Step, StepError};
use ses_smtp_credentials::{
    Derived, SecretFields, TLS_WRAPPER_PORTS, Version, derive_v4, secret_string, user_text,
};
use ses_smtp_login::{Login, Outcome, Retry, SESSION_TIMEOUTS, Target, TlsMode};
use ses_smtp_rotation::sdk::Session;
use ses_smtp_rotation::sdk::iam::{self, Key, Timestamp};
use ses_smtp_rotation::{StoredSecret, UserName, parse_stored_secret};
use std::time::{Duration, Instant};

/// IAM allows two access keys per user.
const KEY_LIMIT: usize = 2;
/// The most `testSecret` keeps back from the invocation's deadline.
const MAX_MARGIN: Duration = Duration::from_secs(10);

/// The function: an AWS session and its settings, made once per process.
#[derive(Debug)]
pub struct Rotator {
    aws: Session,
    settings: Settings,
}

/// What a step did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Done {
    /// In a few words: `created`, `already created`, `login accepted`…
    pub outcome: &'static str,
    /// The key the pending version names.
    pub new_key: Option<String>,
    /// A key deleted to make room.
    pub deleted_key: Option<String>,
    /// A key deactivated (`PREVIOUS_KEY=deactivate`).
    pub deactivated_key: Option<String>,
    /// The SMTP login's tries.
    pub tries: Option<u32>,
}

impl Rotator {
    /// The function on `aws`, with `settings`.
    pub fn new(aws: Session, settings: Settings) -> Rotator {
        Rotator { aws, settings }
    }

    /// Runs one step, which must answer before `deadline`; writes its log
    /// lines (each action, then one line with the outcome) to `log`.
    ///
    /// # Errors
    /// [`StepError`] when the step failed: Secrets Manager then retries
    /// the rotation, and `AWSCURRENT` stays where it is.
    pub fn run(&self, req: &Request, deadline: Instant, log: Log<'_>) -> Result<Done, StepError> {
        let start = Instant::now();
        let mut arn = req.secret_id.clone();
        let result = self.step(req, deadline, &mut arn, log);
        let line = Line::new(
            if result.is_ok() { "INFO" } else { "ERROR" },
            req.step.name(),
            &arn,
        )
        .with("token", user_text(&req.token))
        .with("duration_ms", start.elapsed().as_millis() as u64);
        let line = match &result {
            Ok(done) => {
                let mut line = line.with("outcome", done.outcome);
                for (k, v) in [
                    ("new_key", &done.new_key),
                    ("deleted_key", &done.deleted_key),
                    ("deactivated_key", &done.deactivated_key),
                ] {
                    if let Some(v) = v {
                        line = line.with(k, v.as_str());
                    }
                }
                match done.tries {
                    Some(t) => line.with("tries", t),
                    None => line,
                }
            }
            Err(e) => line.with("outcome", "failed").with("error", e.to_string()),
        };
        log(&line);
        result
    }

    fn step(
        &self,
        req: &Request,
        deadline: Instant,
        arn: &mut String,
        log: Log<'_>,
    ) -> Result<Done, StepError> {
        let secret = Secret::new(&self.aws, &req.secret_id);
        let d = secret.describe()?;
        arn.clone_from(&d.arn);
        let shown = user_text(&d.arn);
        let token = req.token.as_str();
        if !d.rotation_enabled {
            return Err(StepError::Refused(format!(
                "rotation is not enabled on secret {shown}: Secrets Manager enables it when it calls this function \
                 (aws secretsmanager rotate-secret --secret-id SECRET --rotation-lambda-arn FUNCTION_ARN)"
            )));
        }
        if !d.stages.contains_key(token) {
            return Err(StepError::Refused(format!(
                "secret {shown} has no version {}: Secrets Manager makes the rotation's version before it calls \
                 this function (invoke it through aws secretsmanager rotate-secret, not by hand)",
                user_text(token)
            )));
        }
        let line = |what: &str| Line::new("INFO", req.step.name(), &d.arn).with("action", what);
        if d.has(token, "AWSCURRENT") && req.step != Step::Finish {
            return Ok(Done {
                outcome: "already current",
                ..Done::default()
            });
        }
        if !d.has(token, "AWSCURRENT") && !d.has(token, "AWSPENDING") {
            return Err(StepError::Refused(format!(
                "version {} of secret {shown} is not labelled AWSPENDING: it is not the rotation under way",
                user_text(token)
            )));
        }
        match req.step {
            Step::Create => self.create(&secret, &d, req, &mut |a, l| log(&l(line(a)))),
            Step::Set => self.set(&secret, token),
            Step::Test => self.test(&secret, token, deadline, &mut |a, l| log(&l(line(a)))),
            Step::Finish => self.finish(&secret, &d, token, &mut |a, l| log(&l(line(a)))),
        }
    }

    fn create(
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
    fn drop_claim(&self, user: &UserName, say: Say<'_>) {
        if let Err(e) = iam::untag_user(&self.aws, user, claim::TAG) {
            say(
                "could not remove the claim tag (harmless; finishSecret tries again)",
                &|l| l.with("error", e.to_string()),
            );
        }
    }

    fn set(&self, secret: &Secret<'_>, token: &str) -> Result<Done, StepError> {
        let pending = read(secret, Some(token), "AWSPENDING")?;
        let keys = iam::keys(&self.aws, &pending.iam_user)?;
        let id = pending.username.as_str();
        let abandon = format!(
            "\n  hint: this rotation cannot finish: cancel it (aws secretsmanager cancel-rotate-secret --secret-id SECRET, \
             then aws secretsmanager update-secret-version-stage --secret-id SECRET --version-stage AWSPENDING \
             --remove-from-version-id {}) and rotate again",
            user_text(token)
        );
        match keys.iter().find(|k| k.id == id) {
            Some(k) if k.active => Ok(Done {
                outcome: "pending key active",
                new_key: Some(id.to_string()),
                ..Done::default()
            }),
            Some(_) => Err(StepError::Refused(format!(
                "the pending version's key {id} is inactive: someone deactivated it{abandon}"
            ))),
            None => Err(StepError::Refused(format!(
                "the pending version names key {id}, which IAM user {} does not have (deleted){abandon}",
                user_text(pending.iam_user.as_str())
            ))),
        }
    }

    fn test(
        &self,
        secret: &Secret<'_>,
        token: &str,
        deadline: Instant,
        say: Say<'_>,
    ) -> Result<Done, StepError> {
        let pending = read(secret, Some(token), "AWSPENDING")?;
        let mut target = Target::new(
            pending.host.clone(),
            pending.port,
            if TLS_WRAPPER_PORTS.contains(&pending.port) {
                TlsMode::Implicit
            } else {
                TlsMode::Starttls
            },
        );
        target.roots = self.settings.roots.clone();
        let login = Login {
            username: pending.username.as_str(),
            password: pending.password(),
        };
        let place = format!("{}:{}", user_text(&pending.host), pending.port);
        let left = deadline.saturating_duration_since(Instant::now());
        let cutoff = deadline - (left / 10).min(MAX_MARGIN);
        let mut retry = Retry::new(cutoff.saturating_duration_since(Instant::now()));
        loop {
            let left = cutoff.saturating_duration_since(Instant::now());
            target.timeout = self.settings.login_timeout.min(left / SESSION_TIMEOUTS);
            if target.timeout < Duration::from_millis(100) {
                return Err(StepError::Login(format!(
                    "no time left before the invocation's deadline to log in to {place} (try {}); \
                     AWSCURRENT stays where it is and Secrets Manager retries the rotation",
                    retry.tries() + 1
                )));
            }
            let (outcome, _) = ses_smtp_login::probe(&target, &login)
                .map_err(|e| StepError::Login(format!("the SMTP login could not start: {e}")))?;
            let wait = retry.after(&outcome);
            if let Outcome::Accepted { .. } = outcome {
                return Ok(Done {
                    outcome: "login accepted",
                    new_key: Some(pending.username.as_str().to_string()),
                    tries: Some(retry.tries()),
                    ..Done::default()
                });
            }
            let what = match (outcome.code(), outcome.reply(), outcome.detail()) {
                (Some(c), Some(r), _) => format!("answered {c} {r}"),
                (_, _, Some(d)) => format!("failed: {d}"),
                _ => outcome.kind().to_string(),
            };
            let Some(wait) = wait else {
                return Err(StepError::Login(format!(
                    "the pending key's SMTP login to {place} {what} (try {}, after {} s); AWSCURRENT stays \
                     where it is and Secrets Manager retries the rotation{}",
                    retry.tries(),
                    retry.elapsed().as_secs(),
                    match outcome {
                        Outcome::Rejected { .. } => {
                            "\n  hint: a new key takes up to a minute to reach SES; if it keeps failing, \
                             check that the user may send (ses-smtp-password policy --user-name USER)"
                        }
                        _ => "",
                    }
                )));
            };
            say("login not accepted yet; trying again", &|l| {
                l.with("try", retry.tries())
                    .with("answer", what.as_str())
                    .with("wait_s", wait.as_secs())
            });
            std::thread::sleep(wait);
        }
    }

    fn finish(
        &self,
        secret: &Secret<'_>,
        d: &Described,
        token: &str,
        say: Say<'_>,
    ) -> Result<Done, StepError> {
        let new = read(
            secret,
            Some(token),
            if d.has(token, "AWSCURRENT") {
                "AWSCURRENT"
            } else {
                "AWSPENDING"
            },
        )?;
        let mut done = Done {
            outcome: "already current",
            new_key: Some(new.username.as_str().to_string()),
            ..Done::default()
        };
        // The version AWSPREVIOUS is on once AWSCURRENT has moved.
        let previous = if d.has(token, "AWSCURRENT") {
            d.holding("AWSPREVIOUS").map(str::to_string)
        } else {
            let old = d.holding("AWSCURRENT").map(str::to_string);
            secret.move_label("AWSCURRENT", Some(token), old.as_deref())?;
            say("moved AWSCURRENT to the new version", &|l| l);
            done.outcome = "finished";
            old
        };
        if d.has(token, "AWSPENDING") {
            secret.move_label("AWSPENDING", None, Some(token))?;
        }
        if self.settings.previous_key == PreviousKey::Deactivate
            && let Some(v) = previous.as_deref().filter(|v| *v != token)
            && let Some(old) = secret
                .value(Some(v), "AWSPREVIOUS")?
                .and_then(|t| username_of(&t))
            && old != new.username.as_str()
        {
            let keys = iam::keys(&self.aws, &new.iam_user)?;
            if keys.iter().any(|k| k.id == old && k.active) {
                iam::deactivate(&self.aws, &new.iam_user, &old)?;
                say(
                    "deactivated the key AWSPREVIOUS names (PREVIOUS_KEY=deactivate)",
                    &|l| l.with("key", old.as_str()),
                );
                done.deactivated_key = Some(old);
            }
        }
        self.drop_claim(&new.iam_user, say);
        Ok(done)
    }
}

/// Writes one action's log line: its words, and the members it adds.
type Say<'a> = &'a mut dyn FnMut(&str, &dyn Fn(Line) -> Line);

/// A version's value, read as the secret this function rotates.
fn read(
    secret: &Secret<'_>,
    version: Option<&str>,
    label: &'static str,
) -> Result<StoredSecret, StepError> {
    let text = secret.value(version, label)?.ok_or_else(|| {
        StepError::Refused(format!(
            "the secret's {label} version has no value{}",
            if label == "AWSPENDING" {
                ": createSecret did not finish (Secrets Manager runs it again when it retries the rotation)"
            } else {
                ""
            }
        ))
    })?;
    parse_stored_secret(&text).map_err(|error| StepError::Secret {
        version: label,
        error,
    })
}

/// The user name a version holds, if it holds one: older versions may
/// lack the members rotation needs, and only the key ID matters here.
fn username_of(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let id = v.get("username")?.as_str()?;
    ses_smtp_credentials::parse_access_key_id(id)
        .ok()
        .map(|k| k.as_str().to_string())
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
