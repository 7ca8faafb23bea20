//! Where a login ended, what it learned, and the likely causes.

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

/// In a few words, for a message: `answered 535 Authentication Credentials
/// Invalid`, `failed: connection refused`, or the outcome's name.
impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.code(), self.reply(), self.detail()) {
            (Some(c), Some(r), _) => write!(f, "answered {c} {r}"),
            (_, _, Some(d)) => write!(f, "failed: {d}"),
            _ => f.write_str(self.kind()),
        }
    }
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
mod display_tests {
    use super::Outcome;

    #[test]
    fn an_outcome_says_itself_in_a_few_words() {
        let rejected = Outcome::Rejected {
            code: 535,
            reply: "Authentication Credentials Invalid".into(),
        };
        assert_eq!(
            rejected.to_string(),
            "answered 535 Authentication Credentials Invalid"
        );
        let refused = Outcome::Network {
            detail: "connection refused".into(),
            timed_out: false,
        };
        assert_eq!(refused.to_string(), "failed: connection refused");
        let tls = Outcome::Tls {
            detail: "the certificate is not valid for this host".into(),
        };
        assert_eq!(
            tls.to_string(),
            "failed: the certificate is not valid for this host"
        );
    }
}
