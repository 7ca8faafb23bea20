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

#![deny(clippy::missing_errors_doc)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod session;
mod tls;
mod wire;

pub use session::probe;
pub use tls::{ExtraRoots, RootsError};
pub use wire::SESSION_TIMEOUTS;

use ses_smtp_credentials::region::{STARTTLS_PORTS, TLS_WRAPPER_PORTS};
use std::time::Duration;

/// TLS could not be set up, before any connection was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupError(String);

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SetupError {}

/// How TLS starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain connection upgraded with STARTTLS (ports 25, 587, 2587)
    Starttls,
    /// TLS from the first byte, the "TLS wrapper" (ports 465, 2465)
    Implicit,
}

impl TlsMode {
    /// Every mode, in the order help lists them.
    pub const ALL: &'static [TlsMode] = &[TlsMode::Starttls, TlsMode::Implicit];

    /// The mode's name: `starttls` or `implicit`.
    pub fn name(self) -> &'static str {
        match self {
            TlsMode::Starttls => "starttls",
            TlsMode::Implicit => "implicit",
        }
    }

    /// What the mode is, with SES's ports for it.
    pub fn description(self) -> &'static str {
        match self {
            TlsMode::Starttls => "Plain connection upgraded with STARTTLS (ports 25, 587, 2587)",
            TlsMode::Implicit => "TLS from the first byte, the \"TLS wrapper\" (ports 465, 2465)",
        }
    }

    /// The mode SES uses on a port, if the port is one of SES's (the
    /// region table's port lists).
    pub fn for_port(port: u16) -> Option<TlsMode> {
        if STARTTLS_PORTS.contains(&port) {
            Some(TlsMode::Starttls)
        } else if TLS_WRAPPER_PORTS.contains(&port) {
            Some(TlsMode::Implicit)
        } else {
            None
        }
    }
}

/// Where and how to log in.
#[derive(Clone, Debug)]
pub struct Target {
    /// The host name, checked by TLS against the certificate.
    pub host: String,
    /// The TCP port.
    pub port: u16,
    /// How TLS starts.
    pub tls: TlsMode,
    /// How long the connect, each handshake and each reply may take.
    pub timeout: Duration,
    /// Certificate authorities trusted besides the Mozilla roots.
    pub roots: ExtraRoots,
    /// Called with each line of the dialogue; credentials are never in it.
    pub transcript: Option<fn(&str)>,
}

impl Target {
    /// A target with a 10-second timeout, the Mozilla roots alone and no
    /// transcript.
    pub fn new(host: impl Into<String>, port: u16, tls: TlsMode) -> Target {
        Target {
            host: host.into(),
            port,
            tls,
            timeout: Duration::from_secs(10),
            roots: ExtraRoots::none(),
            transcript: None,
        }
    }
}

/// Where the login ended. Replies and details are safe to show: the
/// credentials masked, control characters escaped, cut to 300 characters.
/// Exhaustive on purpose: a caller decides what each outcome means (an
/// exit code, a retry), so a new one is a breaking change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 235: the server accepted the login.
    Accepted {
        /// The code (235).
        code: u16,
        /// The reply's text.
        reply: String,
    },
    /// 5xx to AUTH: the credentials were refused.
    Rejected {
        /// The code (535…).
        code: u16,
        /// The reply's text.
        reply: String,
    },
    /// 4xx (454, 421…): try again later.
    Temporary {
        /// The code.
        code: u16,
        /// The reply's text.
        reply: String,
    },
    /// The TLS handshake or certificate check failed.
    Tls {
        /// What failed.
        detail: String,
    },
    /// Could not connect, or the connection broke or timed out.
    Network {
        /// What failed.
        detail: String,
        /// Whether a deadline passed (rather than an error).
        timed_out: bool,
    },
    /// The server spoke, but not as an SES SMTP endpoint would (no
    /// STARTTLS, no AUTH, an unexpected reply).
    Protocol {
        /// What the server did.
        detail: String,
    },
}

impl Outcome {
    /// The outcome's name: `accepted`, `rejected`, `temporary`, `tls`,
    /// `timeout`, `network` or `protocol`.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Accepted { .. } => "accepted",
            Outcome::Rejected { .. } => "rejected",
            Outcome::Temporary { .. } => "temporary",
            Outcome::Tls { .. } => "tls",
            Outcome::Network {
                timed_out: true, ..
            } => "timeout",
            Outcome::Network { .. } => "network",
            Outcome::Protocol { .. } => "protocol",
        }
    }

    /// The SMTP code, when the server answered AUTH.
    pub fn code(&self) -> Option<u16> {
        match self {
            Outcome::Accepted { code, .. }
            | Outcome::Rejected { code, .. }
            | Outcome::Temporary { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The server's answer to AUTH, when it gave one.
    pub fn reply(&self) -> Option<&str> {
        match self {
            Outcome::Accepted { reply, .. }
            | Outcome::Rejected { reply, .. }
            | Outcome::Temporary { reply, .. } => Some(reply),
            _ => None,
        }
    }

    /// What went wrong, when it was not an answer to AUTH.
    pub fn detail(&self) -> Option<&str> {
        match self {
            Outcome::Tls { detail }
            | Outcome::Network { detail, .. }
            | Outcome::Protocol { detail } => Some(detail),
            _ => None,
        }
    }
}

/// What the login learned besides the outcome.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// `TLS 1.3` or `TLS 1.2`, once TLS is up.
    pub tls_version: Option<String>,
    /// `PLAIN` or `LOGIN`, once AUTH was tried.
    pub mechanism: Option<&'static str>,
}

/// The credentials, borrowed from their zeroizing buffers.
pub struct Login<'a> {
    /// The SMTP user name: the access key ID.
    pub username: &'a str,
    /// The SMTP password; masked wherever the server echoes it.
    pub password: &'a str,
}

impl std::fmt::Debug for Login<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("username", &self.username)
            .field("password", &"[REDACTED]")
            .finish()
    }
}

/// A likely cause of an outcome (see [`diagnosis`]). Its `Display` says it
/// in this crate's words; a program adds the commands that check it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cause {
    /// Accepted: the credentials are proven, not the sender identity or
    /// the account's sandbox status.
    Proven,
    /// The password was made for another region than the endpoint's.
    OtherRegion,
    /// A version 2 password is configured.
    VersionTwo,
    /// The access key is wrong, inactive or deleted.
    KeyNotActive,
    /// The IAM user lacks `ses:SendRawEmail`.
    NotAllowed,
    /// A temporary refusal (454/421): throttling or a service problem.
    Throttled,
    /// A temporary refusal that persists: quota or service health.
    Persisting,
    /// The certificate or host name did not verify.
    NotTheSesHost,
    /// A TLS-inspecting proxy presents its own certificate.
    InspectingProxy,
    /// EC2 throttles outbound port 25.
    Port25,
    /// No answer in time: traffic to the port is dropped.
    Dropped,
    /// The connection failed.
    ConnectFailed,
    /// A VPC endpoint's security group.
    VpcEndpoint,
    /// An HTTP proxy does not carry SMTP.
    HttpProxy,
    /// The server is not behaving as an SES SMTP endpoint.
    NotSes,
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Cause::Proven => {
                "SES accepted the login. This proves the credentials, not that the sender identity \
                 is verified or that the account is out of the sandbox."
            }
            Cause::OtherRegion => "the password was made for another region than the endpoint's",
            Cause::VersionTwo => "a version 2 password is configured somewhere",
            Cause::KeyNotActive => "the access key is wrong, inactive or deleted",
            Cause::NotAllowed => "the IAM user may not send: it needs ses:SendRawEmail",
            Cause::Throttled => {
                "a temporary refusal (454/421): throttling, or a service problem; wait and probe again"
            }
            Cause::Persisting => {
                "if it persists, check the account's SES sending quota and the AWS Health Dashboard"
            }
            Cause::NotTheSesHost => {
                "the certificate or host name did not verify: connect to the SES host name itself \
                 (email-smtp.REGION.amazonaws.com or the VPC endpoint's DNS name), not an IP address or alias"
            }
            Cause::InspectingProxy => {
                "a TLS-inspecting proxy in between presents its own certificate: trust its CA"
            }
            Cause::Port25 => {
                "EC2 throttles outbound port 25: use 587 or 2587 (or ask AWS to lift the limit)"
            }
            Cause::Dropped => {
                "no answer in time: a security group, network ACL or firewall drops outbound traffic to this port"
            }
            Cause::ConnectFailed => {
                "the connection failed: check the host name, the port and outbound rules"
            }
            Cause::VpcEndpoint => {
                "with a VPC endpoint for SES SMTP, its security group must allow this port from this host"
            }
            Cause::HttpProxy => {
                "an HTTP proxy does not carry SMTP: this host needs direct outbound access"
            }
            Cause::NotSes => {
                "the server is not behaving as an SES SMTP endpoint: check the host and the port, and \
                 whether a proxy or mail filter sits in between"
            }
        })
    }
}

/// The likely causes of an outcome on `port`, most likely first.
pub fn diagnosis(outcome: &Outcome, port: u16) -> Vec<Cause> {
    match outcome {
        Outcome::Accepted { .. } => vec![Cause::Proven],
        Outcome::Rejected { .. } => vec![
            Cause::OtherRegion,
            Cause::VersionTwo,
            Cause::KeyNotActive,
            Cause::NotAllowed,
        ],
        Outcome::Temporary { .. } => vec![Cause::Throttled, Cause::Persisting],
        Outcome::Tls { .. } => vec![Cause::NotTheSesHost, Cause::InspectingProxy],
        Outcome::Network { timed_out, .. } => {
            let mut causes = Vec::with_capacity(4);
            if port == 25 {
                causes.push(Cause::Port25);
            }
            causes.push(if *timed_out {
                Cause::Dropped
            } else {
                Cause::ConnectFailed
            });
            causes.extend([Cause::VpcEndpoint, Cause::HttpProxy]);
            causes
        }
        Outcome::Protocol { .. } => vec![Cause::NotSes],
    }
}

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
