//! `testSecret`: log in over SMTP with the pending credentials, again
//! while SES answers as it does to a key that has not reached it yet,
//! until the invocation's deadline less a margin.

use super::{Done, Rotator, Say, read};
use crate::StepError;
use crate::secret::SecretClient;
use ses_smtp_credentials::{TLS_WRAPPER_PORTS, user_text};
use ses_smtp_login::{Ended, Login, Outcome, Stopped, Target, TlsMode, Until, until_accepted};
use ses_smtp_rotation::stages;
use std::time::{Duration, Instant};

/// The most `testSecret` keeps back from the invocation's deadline.
const MAX_MARGIN: Duration = Duration::from_secs(10);

impl Rotator {
    pub(super) fn test(
        &self,
        secret: &SecretClient<'_>,
        token: &str,
        deadline: Instant,
        say: Say<'_, '_>,
    ) -> Result<Done, StepError> {
        let pending = read(secret, Some(token), stages::PENDING)?;
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
        target.timeout = self.settings.login_timeout;
        let tries = until_accepted(
            &target,
            &login,
            Until::Hard(cutoff),
            |outcome, tries, wait| {
                say.action("login not accepted yet; trying again", |l| {
                    l.with("try", tries)
                        .with("answer", outcome.to_string())
                        .with("wait_s", wait.as_secs())
                });
                std::thread::sleep(wait);
                Ok::<(), StepError>(())
            },
        )
        .map_err(|stopped| match stopped {
            Stopped::Setup(e) => StepError::Login(format!("the SMTP login could not start: {e}")),
            Stopped::Caller(e) => e,
        })?;
        let outcome = match tries.ended {
            Ended::Accepted(_) => {
                return Ok(Done {
                    outcome: "login accepted",
                    new_key: Some(pending.username.as_str().to_string()),
                    tries: Some(tries.tries),
                    ..Done::default()
                });
            }
            Ended::Refused(outcome) => outcome,
            // No time for another try.
            _ => {
                return Err(StepError::Login(format!(
                    "no time left before the invocation's deadline to log in to {place} (try {}); \
                     AWSCURRENT stays where it is and Secrets Manager retries the rotation",
                    tries.tries + 1
                )));
            }
        };
        Err(StepError::Login(format!(
            "the pending key's SMTP login to {place} {outcome} (try {}, after {} s); AWSCURRENT stays \
             where it is and Secrets Manager retries the rotation{}",
            tries.tries,
            tries.elapsed.as_secs(),
            match outcome {
                Outcome::Rejected { .. } => {
                    "\n  hint: a new key takes up to a minute to reach SES; if it keeps failing, \
                     check that the user may send (ses-smtp-password policy --user-name USER)"
                }
                _ => "",
            }
        )))
    }
}
