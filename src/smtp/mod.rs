//! The SMTP client behind `probe`: EHLO, STARTTLS (or TLS from the first
//! byte), EHLO, AUTH, QUIT; never MAIL FROM or DATA, so no mail is sent. TLS
//! is rustls (1.2+) with certificate and host-name verification; there is
//! no option to turn verification off.
//!
//! It lives in the binary, behind the `probe` feature, not in the library:
//! the library is pure (no I/O, no network, no TLS), and this is all three.
//!
//! - [`endpoint`]: `--endpoint` parsing, refusing what is not a host name;
//! - [`session`]: the dialogue, with per-reply deadlines and masked replies;
//! - [`tls`]: the TLS configuration and `--ca-file`;
//! - this module: the target, the outcome and its diagnosis.
#![cfg(feature = "probe")]

pub mod endpoint;
mod session;
mod tls;
mod wire;

pub use session::probe;

use ses_smtp_credentials::region::{STARTTLS_PORTS, TLS_WRAPPER_PORTS};
use std::path::PathBuf;
use std::time::Duration;

/// How TLS starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain connection upgraded with STARTTLS (ports 25, 587, 2587)
    Starttls,
    /// TLS from the first byte, the "TLS wrapper" (ports 465, 2465)
    Implicit,
}

impl TlsMode {
    pub fn name(self) -> &'static str {
        match self {
            TlsMode::Starttls => "starttls",
            TlsMode::Implicit => "implicit",
        }
    }

    /// Both modes, in the order help lists them.
    pub const ALL: [TlsMode; 2] = [TlsMode::Starttls, TlsMode::Implicit];

    /// What `--tls` help says of each.
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

pub struct Target {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub timeout: Duration,
    pub ca_file: Option<PathBuf>,
    pub verbose: bool,
}

impl Target {
    /// The settled connection options, for `region` when no --endpoint
    /// names a host.
    pub fn new(
        c: crate::cli::settle::Connect,
        region: &ses_smtp_credentials::ResolvedRegion,
        verbose: bool,
    ) -> Target {
        Target {
            host: c.host.unwrap_or_else(|| region.host()),
            port: c.port,
            tls: c.tls,
            timeout: c.timeout,
            ca_file: c.ca_file,
            verbose,
        }
    }
}

/// Where the probe ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 235: the server accepted the login.
    Accepted { code: u16, reply: String },
    /// 5xx to AUTH: the credentials were refused.
    Rejected { code: u16, reply: String },
    /// 4xx (454, 421…): try again later.
    Temporary { code: u16, reply: String },
    /// The TLS handshake or certificate check failed.
    Tls { detail: String },
    /// Could not connect, or the connection broke or timed out.
    Network { detail: String, timed_out: bool },
    /// The server spoke, but not as an SES SMTP endpoint would (no
    /// STARTTLS, no AUTH, an unexpected reply).
    Protocol { detail: String },
}

impl Outcome {
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

    pub fn code(&self) -> Option<u16> {
        match self {
            Outcome::Accepted { code, .. }
            | Outcome::Rejected { code, .. }
            | Outcome::Temporary { code, .. } => Some(*code),
            _ => None,
        }
    }

    pub fn reply(&self) -> Option<&str> {
        match self {
            Outcome::Accepted { reply, .. }
            | Outcome::Rejected { reply, .. }
            | Outcome::Temporary { reply, .. } => Some(reply),
            _ => None,
        }
    }

    pub fn detail(&self) -> Option<&str> {
        match self {
            Outcome::Tls { detail }
            | Outcome::Network { detail, .. }
            | Outcome::Protocol { detail } => Some(detail),
            _ => None,
        }
    }
}

/// What the probe learned besides the outcome.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub tls_version: Option<String>,
    pub mechanism: Option<&'static str>,
}

/// The credentials as the probe needs them. The password is borrowed from
/// its zeroizing buffer.
pub struct Login<'a> {
    pub username: &'a str,
    pub password: &'a str,
}

/// The likely causes, most likely first, with the commands that check each.
pub fn diagnosis(outcome: &Outcome, region: &str, port: u16) -> Vec<String> {
    match outcome {
        Outcome::Accepted { .. } => vec![
            "SES accepted the login. This proves the credentials, not that the sender identity is verified \
             or that the account is out of the sandbox."
                .into(),
        ],
        Outcome::Rejected { .. } => vec![
            format!(
                "the password was made for another region than the endpoint's: check with \
                 `ses-smtp-password verify --region {region}` against the password the application uses"
            ),
            "a version 2 password is configured somewhere: `ses-smtp-password verify` names one".into(),
            "the access key is wrong, inactive or deleted: `aws iam list-access-keys --user-name USER` \
             (Status must be Active, the ID must match)"
                .into(),
            "the IAM user may not send: it needs ses:SendRawEmail (`ses-smtp-password policy`; check with \
             `aws iam simulate-principal-policy --policy-source-arn USER_ARN --action-names ses:SendRawEmail`)"
                .into(),
        ],
        Outcome::Temporary { .. } => vec![
            "a temporary refusal (454/421): throttling, or a service problem; wait and probe again".into(),
            "if it persists, check the account's SES sending quota and the AWS Health Dashboard".into(),
        ],
        Outcome::Tls { .. } => vec![
            "the certificate or host name did not verify: connect to the SES host name itself \
             (email-smtp.REGION.amazonaws.com or the VPC endpoint's DNS name), not an IP address or alias"
                .into(),
            "a TLS-inspecting proxy in between presents its own certificate: pass its CA with --ca-file".into(),
        ],
        Outcome::Network { timed_out, .. } => {
            let mut d = Vec::new();
            if port == 25 {
                d.push("EC2 throttles outbound port 25: use 587 or 2587 (or ask AWS to lift the limit)".into());
            }
            d.push(if *timed_out {
                "no answer in time: a security group, network ACL or firewall drops outbound traffic to this port".into()
            } else {
                "the connection failed: check the host name, the port and outbound rules".into()
            });
            d.push(
                "with a VPC endpoint for SES SMTP, its security group must allow this port from this host; \
                 use --endpoint with the endpoint's DNS name"
                    .into(),
            );
            d.push("an HTTP proxy does not carry SMTP: this host needs direct outbound access".into());
            d
        }
        Outcome::Protocol { .. } => vec![
            "the server is not behaving as an SES SMTP endpoint: check --endpoint and --port, and whether a \
             proxy or mail filter sits in between"
                .into(),
        ],
    }
}
