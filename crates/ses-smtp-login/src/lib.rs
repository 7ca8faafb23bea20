//! Log in to an Amazon SES SMTP endpoint and say what happened: EHLO,
//! STARTTLS (or TLS from the first byte), EHLO, AUTH, QUIT; never MAIL FROM
//! or DATA, so no mail is sent. TLS is rustls (1.2+, ring) with certificate
//! and host-name verification against the Mozilla roots compiled in, plus
//! any [`ExtraRoots`]; there is no way to turn verification off.
//!
//! Every reply (all its lines) must arrive within [`Target::timeout`] and
//! the whole session within [`SESSION_TIMEOUTS`] of them. What the server
//! says is shown only with the credentials masked (whole, in pieces, split
//! over lines) and control characters escaped.
//!
//! ```no_run
//! use ses_smtp_login::{Login, Outcome, Target, TlsMode, probe};
//! let target = Target::new("email-smtp.eu-west-1.amazonaws.com", 587, TlsMode::Starttls);
//! let login = Login { username: "AKIAIOSFODNN7EXAMPLE", password: "BLBM…" };
//! let (outcome, _facts) = probe(&target, &login).expect("TLS set up");
//! if !matches!(outcome, Outcome::Accepted { .. }) {
//!     for cause in ses_smtp_login::diagnosis(&outcome, target.port) {
//!         eprintln!("likely: {cause}");
//!     }
//! }
//! ```
//!
//! No command line, no environment, no files: the caller reads a CA file
//! and passes its bytes to [`ExtraRoots::from_pem`].

// Casts that could lose a value, and a function that may panic without
// saying when, are errors in the libraries.
#![deny(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::missing_panics_doc
)]
#![deny(clippy::missing_errors_doc)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod outcome;
mod probe;
mod retry;
mod session;
mod target;
mod tls;
mod wire;

pub use outcome::{Cause, Facts, Login, Outcome, diagnosis};
pub use probe::probe;
pub use retry::{
    Ended, FIRST_WAIT, MAX_WAIT, MIN_TRY, Retry, Stopped, Tries, Until, until_accepted,
};
pub use target::{Target, TlsMode};
pub use tls::{ExtraRoots, RootsError, SetupError};
pub use wire::SESSION_TIMEOUTS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_pick_the_tls_mode() {
        assert_eq!(TlsMode::for_port(587), Some(TlsMode::Starttls));
        assert_eq!(TlsMode::for_port(2465), Some(TlsMode::Implicit));
        assert_eq!(TlsMode::for_port(8025), None);
    }

    #[test]
    fn port_25_comes_first_when_the_network_fails() {
        let timed_out = Outcome::Network {
            detail: String::new(),
            timed_out: true,
        };
        assert_eq!(
            diagnosis(&timed_out, 25)[..2],
            [Cause::Port25, Cause::Dropped]
        );
        assert_eq!(diagnosis(&timed_out, 587)[0], Cause::Dropped);
    }

    #[test]
    fn a_login_debug_hides_the_password() {
        let login = Login {
            username: "AKIAIOSFODNN7EXAMPLE",
            password: "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9",
        };
        assert!(!format!("{login:?}").contains("BLBM"));
    }
}
