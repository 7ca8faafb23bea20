//! The four steps. Each starts from what Secrets Manager and IAM say now,
//! never from what an earlier try believed, so running a step again with
//! the same token finishes or repeats nothing twice.

use crate::log::{Line, Log};
use crate::secret::{Described, SecretClient, username_of};
use crate::{PreviousKey, Request, Settings, Step, StepError};
use ses_smtp_credentials::user_text;
use ses_smtp_rotation::sdk::Session;
use ses_smtp_rotation::sdk::iam;
use ses_smtp_rotation::stages;
use ses_smtp_rotation::{StoredSecret, parse_stored_secret};
use std::time::Instant;

/// The function: an AWS session and its settings, made once per process.
#[derive(Debug)]
pub struct Rotator {
    pub(crate) aws: Session,
    pub(crate) settings: Settings,
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
        let secret = SecretClient::new(&self.aws, &req.secret_id);
        let described = secret.describe();
        // The secret as its ARN names it, once Secrets Manager said it.
        let arn = described
            .as_ref()
            .map_or(req.secret_id.as_str(), |d| d.arn.as_str())
            .to_string();
        let result = described.and_then(|d| self.step(req, deadline, &secret, &d, &mut *log));
        let line = Line::new(
            if result.is_ok() { "INFO" } else { "ERROR" },
            req.step.name(),
            &arn,
        )
        .with("token", user_text(&req.token))
        .with(
            "duration_ms",
            u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
        );
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
        secret: &SecretClient<'_>,
        d: &Described,
        log: Log<'_>,
    ) -> Result<Done, StepError> {
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
        if d.has(token, stages::CURRENT) && req.step != Step::Finish {
            return Ok(Done {
                outcome: "already current",
                ..Done::default()
            });
        }
        if !d.has(token, stages::CURRENT) && !d.has(token, stages::PENDING) {
            return Err(StepError::Refused(format!(
                "version {} of secret {shown} is not labelled AWSPENDING: it is not the rotation under way",
                user_text(token)
            )));
        }
        let mut say = StepLog {
            log,
            step: req.step.name(),
            secret: &d.arn,
        };
        match req.step {
            Step::Create => self.create(secret, d, req, deadline, &mut say),
            Step::Set => self.set(secret, token),
            Step::Test => self.test(secret, token, deadline, &mut say),
            Step::Finish => self.finish(secret, d, token, &mut say),
        }
    }

    fn set(&self, secret: &SecretClient<'_>, token: &str) -> Result<Done, StepError> {
        let pending = read(secret, Some(token), stages::PENDING)?;
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

    fn finish(
        &self,
        secret: &SecretClient<'_>,
        d: &Described,
        token: &str,
        say: Say<'_, '_>,
    ) -> Result<Done, StepError> {
        let new = read(
            secret,
            Some(token),
            if d.has(token, stages::CURRENT) {
                stages::CURRENT
            } else {
                stages::PENDING
            },
        )?;
        let mut done = Done {
            outcome: "already current",
            new_key: Some(new.username.as_str().to_string()),
            ..Done::default()
        };
        // The version AWSPREVIOUS is on once AWSCURRENT has moved.
        let previous = if d.has(token, stages::CURRENT) {
            d.holding(stages::PREVIOUS).map(str::to_string)
        } else {
            let old = d.holding(stages::CURRENT).map(str::to_string);
            secret.move_label(stages::CURRENT, Some(token), old.as_deref())?;
            say.action("moved AWSCURRENT to the new version", |l| l);
            done.outcome = "finished";
            old
        };
        if d.has(token, stages::PENDING) {
            secret.move_label(stages::PENDING, None, Some(token))?;
        }
        if self.settings.previous_key == PreviousKey::Deactivate
            && let Some(v) = previous.as_deref().filter(|v| *v != token)
            && let Some(old) = secret
                .value(Some(v), stages::PREVIOUS)?
                .and_then(|t| username_of(&t))
            && old != new.username.as_str()
        {
            let keys = iam::keys(&self.aws, &new.iam_user)?;
            if keys.iter().any(|k| k.id == old && k.active) {
                iam::deactivate(&self.aws, &new.iam_user, &old)?;
                say.action(
                    "deactivated the key AWSPREVIOUS names (PREVIOUS_KEY=deactivate)",
                    |l| l.with("key", old.as_str()),
                );
                done.deactivated_key = Some(old);
            }
        }
        self.drop_claim(&new.iam_user, token, say);
        Ok(done)
    }
}

/// A step's log of what it does: one line per action, naming the step and
/// the secret (by its ARN).
pub(crate) struct StepLog<'a> {
    log: Log<'a>,
    step: &'static str,
    secret: &'a str,
}

/// The log a step writes its actions to.
pub(crate) type Say<'a, 'b> = &'a mut StepLog<'b>;

impl StepLog<'_> {
    /// Logs one action: its words, and the members `add` puts on its line
    /// (key IDs, tries; never a secret).
    pub(crate) fn action(&mut self, what: &str, add: impl FnOnce(Line) -> Line) {
        let line = Line::new("INFO", self.step, self.secret).with("action", what);
        (self.log)(&add(line));
    }
}

/// A version's value, read as the secret this function rotates.
pub(crate) fn read(
    secret: &SecretClient<'_>,
    version: Option<&str>,
    label: &'static str,
) -> Result<StoredSecret, StepError> {
    let text = secret.value(version, label)?.ok_or_else(|| {
        StepError::Refused(format!(
            "the secret's {label} version has no value{}",
            if label == stages::PENDING {
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
