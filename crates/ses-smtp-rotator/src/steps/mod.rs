//! The four steps, one file each (`create`, `set`, `test`, `finish`), and
//! what they share: the function's value, the checks every step makes
//! first, its log and the reading of a version. Each step starts from what
//! Secrets Manager and IAM say now, never from what an earlier try
//! believed, so running a step again with the same token finishes or
//! repeats nothing twice.

mod create;
mod finish;
mod set;
mod test;

use crate::log::{Line, Log};
use crate::secret::{Described, SecretClient};
use crate::{Request, Settings, Step, StepError};
use ses_smtp_credentials::user_text;
use ses_smtp_rotation::sdk::Session;
use ses_smtp_rotation::stages;
use ses_smtp_rotation::{StoredSecret, parse_stored_secret};
use std::time::Instant;

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
}

/// A step's log of what it does: one line per action, naming the step and
/// the secret (by its ARN).
struct StepLog<'a> {
    log: Log<'a>,
    step: &'static str,
    secret: &'a str,
}

/// The log a step writes its actions to.
type Say<'a, 'b> = &'a mut StepLog<'b>;

impl StepLog<'_> {
    /// Logs one action: its words, and the members `add` puts on its line
    /// (key IDs, tries; never a secret).
    fn action(&mut self, what: &str, add: impl FnOnce(Line) -> Line) {
        let line = Line::new("INFO", self.step, self.secret).with("action", what);
        (self.log)(&add(line));
    }
}

/// A version's value, read as the secret this function rotates.
fn read(
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
