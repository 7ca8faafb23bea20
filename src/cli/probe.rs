//! The arguments of `probe`, and where and how a login connects (`probe`,
//! and `rotate`'s check): the `probe` feature.

use super::args::{SecretArgs, VerdictFormat};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// `probe`, flattened into the top level's commands.
#[derive(Subcommand, Debug)]
pub enum ProbeCommand {
    /// Log in to the SES SMTP endpoint with the derived credentials (EHLO,
    /// TLS, AUTH, QUIT: no mail is sent) and report whether SES accepts them
    #[command(after_help = PROBE_HELP)]
    Probe(ProbeArgs),
}

/// `--tls`: the probe's modes, one table.
pub fn tls_parser() -> impl TypedValueParser<Value = ses_smtp_login::TlsMode> {
    use ses_smtp_login::TlsMode;
    PossibleValuesParser::new(
        TlsMode::ALL
            .iter()
            .map(|t| PossibleValue::new(t.name()).help(t.description())),
    )
    .map(|name| {
        TlsMode::ALL
            .iter()
            .copied()
            .find(|t| t.name() == name)
            .expect("clap checked the name")
    })
}

#[derive(Args, Debug)]
pub struct ProbeArgs {
    #[command(flatten)]
    pub secret: SecretArgs,

    /// The region whose password to derive (and whose endpoint to use)
    /// [default: AWS_REGION, then AWS_DEFAULT_REGION, then the profile's]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Accept a well-formed region that the table does not list
    #[arg(long)]
    pub allow_unknown_region: bool,

    #[command(flatten)]
    pub connect: ConnectArgs,

    /// Report each step on stderr (credentials are never shown)
    #[arg(short, long)]
    pub verbose: bool,

    /// Output format of the verdict
    #[arg(long, value_enum, default_value_t = VerdictFormat::Text)]
    pub format: VerdictFormat,
}

/// Where and how the probe connects (probe, and rotate's login check).
#[derive(Args, Debug)]
pub struct ConnectArgs {
    /// Connect here instead of email-smtp.REGION.amazonaws.com (a VPC
    /// endpoint, a relay); HOST or HOST:PORT (`rotate` with several
    /// regions: REGION=HOST[:PORT], repeated)
    #[arg(long, value_name = "HOST[:PORT]")]
    pub endpoint: Vec<String>,

    /// The port [default: 587]
    #[arg(long, value_name = "PORT")]
    pub port: Option<u16>,

    /// How TLS starts; needed only on ports other than 25, 587, 2587
    /// (STARTTLS) and 465, 2465 (TLS from the first byte)
    #[arg(long, value_parser = tls_parser())]
    pub tls: Option<ses_smtp_login::TlsMode>,

    /// Also trust the CA certificates in this PEM file (an inspecting
    /// proxy, a test server); the system's web roots stay trusted
    #[arg(long, value_name = "PEM")]
    pub ca_file: Option<PathBuf>,

    /// Seconds allowed for connecting and for each reply
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub timeout: u64,
}

pub const PROBE_HELP: &str = "\
Exit codes: 0 accepted; 7 rejected (535 and other 5xx to AUTH); 8 network,
TLS or protocol failure (refused, timed out, certificate, no STARTTLS or
AUTH); 9 temporary refusal (454, 421); 2-6 as for deriving.

A 235 proves that SES accepts the login; not that the sender identity is
verified or that the account is out of the SES sandbox.

Examples:
  aws iam create-access-key --user-name smtp-legacy | ses-smtp-password probe --region eu-west-1
  ses-smtp-password probe --profile smtp --region eu-west-1 --port 465
  ses-smtp-password probe --region us-east-1 --endpoint vpce-0abc.email-smtp.us-east-1.vpce.amazonaws.com";
