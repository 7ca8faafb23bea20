//! `probe`: where and how to log in over SMTP.
#![cfg(feature = "probe")]

use super::endpoint;
use super::env::Env;
use super::output::{Needs, Username};
use super::regions::{MissingRegion, RegionPlan, one_region};
use super::report::ReportFormat;
use super::secret::{Secret, secret};
use crate::cli;
use crate::error::{CliError, CliResult};
use std::path::PathBuf;

pub struct Probe {
    pub secret: Secret,
    pub username: Username,
    /// The region named (flag or environment); else the profile's.
    pub region: RegionPlan,
    pub connect: Connect,
    pub verbose: bool,
    pub report: ReportFormat,
}

/// Where and how to log in over SMTP.
#[derive(Clone)]
pub struct Connect {
    /// `--endpoint`'s host, else the region's SMTP host.
    pub host: Option<String>,
    pub port: u16,
    pub tls: ses_smtp_login::TlsMode,
    pub timeout: std::time::Duration,
    pub ca_file: Option<PathBuf>,
}

/// The longest time any option may give, in seconds: an hour. Larger
/// values would overflow the deadlines built from them.
pub const MAX_SECONDS: u64 = 3600;

/// A number of seconds from an option, range-checked when settling.
pub fn seconds(option: &str, value: u64, min: u64) -> CliResult<u64> {
    if (min..=MAX_SECONDS).contains(&value) {
        Ok(value)
    } else {
        Err(CliError::Usage(format!(
            "{option} must be {min} to {MAX_SECONDS} seconds"
        )))
    }
}

pub(super) fn connect(args: cli::ConnectArgs) -> CliResult<Connect> {
    use ses_smtp_login::TlsMode;
    let (host, endpoint_port) = match &args.endpoint {
        Some(e) => {
            let (h, p) = endpoint::split(e)?;
            (Some(h), p)
        }
        None => (None, None),
    };
    if endpoint_port.is_some() && args.port.is_some() {
        return Err(CliError::Usage(
            "give the port in --endpoint or with --port, not both".into(),
        ));
    }
    let port = endpoint_port
        .or(args.port)
        .unwrap_or(ses_smtp_credentials::STARTTLS_PORTS[0]);
    let tls = match (args.tls, TlsMode::for_port(port)) {
        (Some(t), _) | (None, Some(t)) => t,
        (None, None) => {
            return Err(CliError::Usage(format!(
                "port {port} is not an SES SMTP port\n  hint: say how TLS starts there with --tls starttls or --tls implicit"
            )));
        }
    };
    Ok(Connect {
        host,
        port,
        tls,
        timeout: std::time::Duration::from_secs(seconds("--timeout", args.timeout, 1)?),
        ca_file: args.ca_file,
    })
}

pub(super) fn probe(args: cli::ProbeArgs, env: &Env) -> CliResult<Probe> {
    let connect = connect(args.connect)?;
    let allow_unknown = args.allow_unknown_region;
    Ok(Probe {
        region: RegionPlan {
            named: one_region(args.region, allow_unknown, env)?.map(|r| vec![r]),
            allow_unknown,
            missing: MissingRegion::Probe,
        },
        username: Username::Required(Needs::Probe),
        secret: secret(args.secret, env, true),
        connect,
        verbose: args.verbose,
        report: args.format.into(),
    })
}
