//! When to log in again: a new IAM key takes a while to reach SES, and
//! until it has, SES answers 535 (or a 4xx). The schedule, and the loop
//! that follows it ([`until_accepted`]), that `rotate` and the rotation
//! function share.

use crate::wire::SESSION_TIMEOUTS;
use crate::{Login, Outcome, SetupError, Target, probe};
use std::time::{Duration, Instant};

/// The first wait, doubled after each try up to [`MAX_WAIT`].
pub const FIRST_WAIT: Duration = Duration::from_secs(1);
/// The longest wait between two tries.
pub const MAX_WAIT: Duration = Duration::from_secs(10);

/// Tries of one login against a budget of time: after each outcome,
/// whether and how long to wait before the next try.
///
/// ```
/// use ses_smtp_login::{Outcome, Retry};
/// use std::time::Duration;
/// let mut retry = Retry::new(Duration::from_secs(120));
/// let rejected = Outcome::Rejected { code: 535, reply: "Authentication Credentials Invalid".into() };
/// assert_eq!(retry.after(&rejected), Some(Duration::from_secs(1)));
/// assert_eq!(retry.after(&rejected), Some(Duration::from_secs(2)));
/// let accepted = Outcome::Accepted { code: 235, reply: "Authentication successful".into() };
/// assert_eq!(retry.after(&accepted), None);
/// ```
#[derive(Clone, Debug)]
pub struct Retry {
    start: Instant,
    budget: Duration,
    wait: Duration,
    tries: u32,
}

impl Retry {
    /// A schedule that starts now and may wait until `budget` has passed.
    pub fn new(budget: Duration) -> Retry {
        Retry {
            start: Instant::now(),
            budget,
            wait: FIRST_WAIT,
            tries: 0,
        }
    }

    /// Counts a try that ended in `outcome`; returns how long to wait before
    /// the next one, or `None`: the outcome is not one a propagating key
    /// gets (accepted, or a TLS, network or protocol failure), or the wait
    /// would end past the budget.
    pub fn after(&mut self, outcome: &Outcome) -> Option<Duration> {
        self.tries += 1;
        let propagating = matches!(
            outcome,
            Outcome::Rejected { .. } | Outcome::Temporary { .. }
        );
        if !propagating || self.start.elapsed() + self.wait > self.budget {
            return None;
        }
        let wait = self.wait;
        self.wait = (self.wait * 2).min(MAX_WAIT);
        Some(wait)
    }

    /// The tries counted so far.
    pub fn tries(&self) -> u32 {
        self.tries
    }

    /// The time since the schedule started.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
}

/// The shortest reply timeout a try is made with: with less time left
/// before the deadline, no try is made.
pub const MIN_TRY: Duration = Duration::from_millis(100);

/// How [`until_accepted`] ended.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Ended {
    /// The server accepted the login.
    Accepted(Outcome),
    /// The last try's outcome is not one a propagating key gets, or the
    /// next wait would have ended past the deadline.
    Refused(Outcome),
    /// Too little time was left for another try ([`MIN_TRY`]); the last
    /// try's outcome, if one was made.
    NoTimeLeft(Option<Outcome>),
}

/// What [`until_accepted`] came to: how it ended, after how many tries and
/// how long.
#[derive(Clone, Debug, PartialEq)]
pub struct Tries {
    /// How it ended.
    pub ended: Ended,
    /// The tries made.
    pub tries: u32,
    /// The time from the first try to the end.
    pub elapsed: Duration,
}

/// When [`until_accepted`] stops trying again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
    /// No new wait past this instant; a try runs its whole session with the
    /// target's timeout, and the first is always made (`rotate`'s
    /// `--propagation-timeout`, 0 meaning one try).
    RetriesEnd(Instant),
    /// A hard deadline (a Lambda invocation's): each try's timeouts are
    /// shortened so that its whole session ([`SESSION_TIMEOUTS`]) ends by
    /// it, and no try starts with less than [`MIN_TRY`] of reply timeout.
    Hard(Instant),
}

/// Why [`until_accepted`] stopped before an outcome decided.
#[derive(Debug)]
pub enum Stopped<E> {
    /// A try could not start (TLS could not be set up).
    Setup(SetupError),
    /// The caller's `wait` returned an error (an interrupt, for example).
    Caller(E),
}

/// Logs in to `target` as `login`, again while the answers are those of a
/// key that has not reached SES yet ([`Retry`]), until the server accepts,
/// answers otherwise, or `until` comes (see [`Until`] for what it bounds).
/// Between two tries, `wait` is given the last outcome, the tries so far
/// and how long to wait: it waits (and says so), or returns an error to
/// stop.
///
/// # Errors
/// [`Stopped::Setup`] when a try could not start; [`Stopped::Caller`] with
/// the error `wait` returned.
pub fn until_accepted<E>(
    target: &Target,
    login: &Login<'_>,
    until: Until,
    wait: impl FnMut(&Outcome, u32, Duration) -> Result<(), E>,
) -> Result<Tries, Stopped<E>> {
    tries_with(
        target,
        until,
        |attempt| probe(attempt, login).map(|(outcome, _)| outcome),
        wait,
    )
}

/// [`until_accepted`], with the one try given (tests give canned ones).
fn tries_with<E>(
    target: &Target,
    until: Until,
    mut try_once: impl FnMut(&Target) -> Result<Outcome, SetupError>,
    mut wait: impl FnMut(&Outcome, u32, Duration) -> Result<(), E>,
) -> Result<Tries, Stopped<E>> {
    let (Until::RetriesEnd(deadline) | Until::Hard(deadline)) = until;
    let mut retry = Retry::new(deadline.saturating_duration_since(Instant::now()));
    let mut attempt = target.clone();
    let mut last = None;
    let ended = loop {
        if let Until::Hard(_) = until {
            let left = deadline.saturating_duration_since(Instant::now());
            attempt.timeout = target.timeout.min(left / SESSION_TIMEOUTS);
            if attempt.timeout < MIN_TRY {
                break Ended::NoTimeLeft(last);
            }
        }
        let outcome = try_once(&attempt).map_err(Stopped::Setup)?;
        let pause = retry.after(&outcome);
        if matches!(outcome, Outcome::Accepted { .. }) {
            break Ended::Accepted(outcome);
        }
        let Some(pause) = pause else {
            break Ended::Refused(outcome);
        };
        wait(&outcome, retry.tries(), pause).map_err(Stopped::Caller)?;
        last = Some(outcome);
    };
    Ok(Tries {
        ended,
        tries: retry.tries(),
        elapsed: retry.elapsed(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected() -> Outcome {
        Outcome::Rejected {
            code: 535,
            reply: String::new(),
        }
    }

    #[test]
    fn waits_double_to_ten_seconds() {
        let mut retry = Retry::new(Duration::from_secs(3600));
        let waits: Vec<u64> = (0..6)
            .map(|_| retry.after(&rejected()).unwrap().as_secs())
            .collect();
        assert_eq!(waits, [1, 2, 4, 8, 10, 10]);
        assert_eq!(retry.tries(), 6);
    }

    #[test]
    fn a_wait_past_the_budget_ends_the_tries() {
        let mut retry = Retry::new(Duration::from_millis(500));
        assert_eq!(retry.after(&rejected()), None);
        let mut retry = Retry::new(Duration::from_millis(2500));
        assert_eq!(retry.after(&rejected()), Some(Duration::from_secs(1)));
        // Nobody waits in this test: what counts is the time elapsed (a
        // few microseconds) plus the next wait (2 s fits in 2.5 s; 4 s
        // does not).
        assert_eq!(retry.after(&rejected()), Some(Duration::from_secs(2)));
        assert_eq!(retry.after(&rejected()), None);
    }

    #[test]
    fn only_answers_of_a_propagating_key_are_tried_again() {
        let temporary = Outcome::Temporary {
            code: 454,
            reply: String::new(),
        };
        let network = Outcome::Network {
            detail: String::new(),
            timed_out: true,
        };
        let tls = Outcome::Tls {
            detail: String::new(),
        };
        let mut retry = Retry::new(Duration::from_secs(60));
        assert!(retry.after(&temporary).is_some());
        assert_eq!(retry.after(&network), None);
        assert_eq!(retry.after(&tls), None);
    }

    fn accepted() -> Outcome {
        Outcome::Accepted {
            code: 235,
            reply: String::new(),
        }
    }

    fn target() -> Target {
        Target::new("smtp.test", 587, crate::TlsMode::Starttls)
    }

    #[test]
    fn tries_until_accepted_waiting_the_schedule() {
        let mut answers = vec![rejected(), rejected(), accepted()].into_iter();
        let mut waits = Vec::new();
        let tries = tries_with(
            &target(),
            Until::RetriesEnd(Instant::now() + Duration::from_secs(3600)),
            |_| Ok(answers.next().unwrap()),
            |outcome, tries, wait| {
                waits.push((outcome.code(), tries, wait.as_secs()));
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(tries.ended, Ended::Accepted(accepted()));
        assert_eq!(tries.tries, 3);
        assert_eq!(waits, [(Some(535), 1, 1), (Some(535), 2, 2)]);
    }

    #[test]
    fn an_answer_no_propagating_key_gets_ends_at_once() {
        let tls = Outcome::Tls {
            detail: "bad certificate".into(),
        };
        let tries = tries_with(
            &target(),
            Until::RetriesEnd(Instant::now() + Duration::from_secs(3600)),
            |_| Ok(tls.clone()),
            |_, _, _| -> Result<(), ()> { panic!("no wait after a TLS failure") },
        )
        .unwrap();
        assert_eq!((tries.ended, tries.tries), (Ended::Refused(tls), 1));
    }

    #[test]
    fn each_try_ends_by_the_deadline_and_none_starts_too_late() {
        let mut timeouts = Vec::new();
        let network = Outcome::Network {
            detail: String::new(),
            timed_out: true,
        };
        let mut answers = vec![rejected(), rejected(), network.clone()].into_iter();
        let tries = tries_with(
            &target(),
            Until::Hard(Instant::now() + Duration::from_secs(20)),
            |attempt| {
                timeouts.push(attempt.timeout);
                Ok(answers.next().unwrap())
            },
            |_, _, _| Ok::<(), ()>(()),
        )
        .unwrap();
        // 20 s left: a whole session (10 timeouts) gets at most 2 s each,
        // less than the target's 10 s.
        assert_eq!(timeouts.len(), 3);
        assert!(
            timeouts
                .iter()
                .all(|t| *t <= Duration::from_secs(2) && *t > Duration::from_secs(1)),
            "{timeouts:?}"
        );
        assert_eq!((tries.ended, tries.tries), (Ended::Refused(network), 3));
        let none = tries_with(
            &target(),
            Until::Hard(Instant::now()),
            |_| -> Result<Outcome, SetupError> { panic!("no try without time") },
            |_, _, _| Ok::<(), ()>(()),
        )
        .unwrap();
        assert_eq!((none.ended, none.tries), (Ended::NoTimeLeft(None), 0));
    }

    #[test]
    fn a_retry_bound_never_shortens_a_try_and_always_makes_one() {
        let mut timeouts = Vec::new();
        let tries = tries_with(
            &target(),
            Until::RetriesEnd(Instant::now()),
            |attempt| {
                timeouts.push(attempt.timeout);
                Ok(rejected())
            },
            |_, _, _| -> Result<(), ()> { panic!("no wait past the bound") },
        )
        .unwrap();
        assert_eq!(timeouts, [Duration::from_secs(10)]);
        assert_eq!((tries.ended, tries.tries), (Ended::Refused(rejected()), 1));
    }

    #[test]
    fn the_caller_stops_the_tries() {
        let stopped = tries_with(
            &target(),
            Until::RetriesEnd(Instant::now() + Duration::from_secs(3600)),
            |_| Ok(rejected()),
            |_, _, _| Err("interrupted"),
        );
        assert!(matches!(stopped, Err(Stopped::Caller("interrupted"))));
    }
}
