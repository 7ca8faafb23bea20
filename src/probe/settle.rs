//! `probe`: where and how to log in over SMTP.
use super::endpoint;
use crate::cli;
use crate::error::{CliError, CliResult};
use crate::settle::Env;
use crate::settle::ReportFormat;
use crate::settle::output::{Needs, Username};
use crate::settle::regions::{MissingRegion, RegionPlan, one_region};
use crate::settle::secret::{Secret, secret};
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

/// Where and how to log in to one region: `--endpoint HOST[:PORT]`, given
/// at most once.
pub(crate) fn connect(args: cli::probe::ConnectArgs) -> CliResult<Connect> {
    let endpoint = match &args.endpoint[..] {
        [] => None,
        [one] => Some(one.clone()),
        _ => {
            return Err(CliError::Usage(
                "--endpoint is given more than once; one login takes one endpoint".into(),
            ));
        }
    };
    connect_to(&args, endpoint.as_deref())
}

pub(crate) fn connect_to(
    args: &cli::probe::ConnectArgs,
    endpoint: Option<&str>,
) -> CliResult<Connect> {
    use ses_smtp_login::TlsMode;
    let (host, endpoint_port) = match endpoint {
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
        ca_file: args.ca_file.clone(),
    })
}

pub(crate) fn probe(args: cli::probe::ProbeArgs, env: &Env) -> CliResult<Probe> {
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
