//! Where and how to log in.

use crate::tls::ExtraRoots;
use ses_smtp_credentials::{STARTTLS_PORTS, TLS_WRAPPER_PORTS};
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
