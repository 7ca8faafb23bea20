//! `testSecret`: log in over SMTP with the pending credentials, in every
//! region the secret lists, all at once, again while SES answers as it
//! does to a key that has not reached it yet, until the invocation's
//! deadline less a margin (the same for each region).

use super::{Done, Rotator, Say, read};
use crate::StepError;
use crate::log::Line;
use crate::secret::SecretClient;
use ses_smtp_credentials::{TLS_WRAPPER_PORTS, user_text};
use ses_smtp_login::{
    Ended, Login, Outcome, Stopped, Target, TlsMode, Tries, Until, until_accepted,
};
use ses_smtp_rotation::RegionEntry;
use ses_smtp_rotation::stages;
use std::time::{Duration, Instant};

/// The most `testSecret` keeps back from the invocation's deadline.
const MAX_MARGIN: Duration = Duration::from_secs(10);

/// One region's login: its place and how its tries ended, with the log
/// lines of its retries (written once every region is done: the log is
/// one writer).
struct RegionLogin {
    region: String,
    place: String,
    tries: Result<Tries, StepError>,
    lines: Vec<Line>,
}

impl Rotator {
    pub(super) fn test(
        &self,
        secret: &SecretClient<'_>,
        token: &str,
        deadline: Instant,
        say: Say<'_, '_>,
    ) -> Result<Done, StepError> {
        let pending = read(secret, Some(token), stages::PENDING)?;
        let left = deadline.saturating_duration_since(Instant::now());
        let cutoff = deadline - (left / 10).min(MAX_MARGIN);
        let username = pending.username.as_str();
        let logins: Vec<RegionLogin> = std::thread::scope(|scope| {
            let running: Vec<_> = pending
                .regions
                .iter()
                .map(|entry| {
                    let step = say.step;
                    let secret_arn = say.secret;
                    scope.spawn(move || self.login(entry, username, cutoff, step, secret_arn))
                })
                .collect();
            running
                .into_iter()
                .zip(&pending.regions)
                .map(|(t, entry)| {
                    t.join().unwrap_or_else(|_| RegionLogin {
                        region: entry.region.code.clone(),
                        place: String::new(),
                        tries: Err(StepError::Login("the login's thread panicked".into())),
                        lines: Vec::new(),
                    })
                })
                .collect()
        });
        let several = logins.len() > 1;
        let mut total = 0;
        let mut failed = Vec::new();
        for login in logins {
            for line in &login.lines {
                (say.log)(line);
            }
            match refused(login, several) {
                Ok(tries) => total += tries,
                Err(e) => failed.push(e),
            }
        }
        match failed.len() {
            0 => Ok(Done {
                outcome: "login accepted",
                new_key: Some(username.to_string()),
                tries: Some(total),
                ..Done::default()
            }),
            1 => Err(failed.swap_remove(0)),
            _ => Err(StepError::Login(
                failed
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n"),
            )),
        }
    }

    /// Logs in to one region's endpoint until it accepts, refuses, or the
    /// cutoff leaves no time for another try.
    fn login(
        &self,
        entry: &RegionEntry,
        username: &str,
        cutoff: Instant,
        step: &'static str,
        secret_arn: &str,
    ) -> RegionLogin {
        let (host, port) = entry.endpoint();
        let mut target = Target::new(
            host.clone(),
            port,
            if TLS_WRAPPER_PORTS.contains(&port) {
                TlsMode::Implicit
            } else {
                TlsMode::Starttls
            },
        );
        target.roots = self.settings.roots.clone();
        target.timeout = self.settings.login_timeout;
        let login = Login {
            username,
            password: entry.password(),
        };
        let region = entry.region.code.clone();
        let mut lines = Vec::new();
        let tries = until_accepted(
            &target,
            &login,
            Until::Hard(cutoff),
            |outcome, tries, wait| {
                lines.push(
                    Line::new("INFO", step, secret_arn)
                        .with("action", "login not accepted yet; trying again")
                        .with("region", region.as_str())
                        .with("try", tries)
                        .with("answer", outcome.to_string())
                        .with("wait_s", wait.as_secs()),
                );
                std::thread::sleep(wait);
                Ok::<(), StepError>(())
            },
        )
        .map_err(|stopped| match stopped {
            Stopped::Setup(e) => StepError::Login(format!("the SMTP login could not start: {e}")),
            Stopped::Caller(e) => e,
        });
        RegionLogin {
            place: format!("{}:{port}", user_text(&host)),
            region,
            tries,
            lines,
        }
    }
}

/// How one region's login ended: its tries when accepted, else the error
/// that says why (naming the region when there are several).
fn refused(login: RegionLogin, several: bool) -> Result<u32, StepError> {
    let tries = login.tries?;
    let place = match several {
        true => format!("{} ({})", login.place, login.region),
        false => login.place,
    };
    // The last answer is said even when the deadline ended the tries: a
    // 535 tells more than the clock does.
    let (outcome, out_of_time) = match tries.ended {
        Ended::Accepted(_) => return Ok(tries.tries),
        Ended::Refused(outcome) => (outcome, ""),
        Ended::NoTimeLeft(Some(outcome)) => (
            outcome,
            ", and no time was left before the invocation's deadline for another try",
        ),
        // No try could be made at all.
        _ => {
            return Err(StepError::Login(format!(
                "no time left before the invocation's deadline to log in to {place} (try {}); \
                 AWSCURRENT stays where it is and Secrets Manager retries the rotation",
                tries.tries + 1
            )));
        }
    };
    Err(StepError::Login(format!(
        "the pending key's SMTP login to {place} {outcome} (try {}, after {} s){out_of_time}; \
         AWSCURRENT stays where it is and Secrets Manager retries the rotation{}",
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
