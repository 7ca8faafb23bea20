//! When to log in again: a new IAM key takes a while to reach SES, and
//! until it has, SES answers 535 (or a 4xx). The schedule `rotate` and the
//! rotation function share.

use crate::Outcome;
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
}
