//! The arguments of `rotate`, `retire` and `keys` (the `aws` feature).
#![cfg(any(feature = "aws", feature = "aws-front"))]

use super::args::{ConnectArgs, OutputArgs, VerdictFormat, format_parser, tls_parser};
use clap::Args;
use ses_smtp_credentials::Format;
use std::path::PathBuf;

#[cfg(any(feature = "aws", feature = "aws-front"))]
#[derive(Args, Debug)]
pub struct RotateArgs {
    /// The IAM user whose new access key becomes the SMTP credentials
    #[arg(long, value_name = "NAME")]
    pub user_name: String,

    /// The SES region the password is for; repeat for a key that sends from
    /// several (one password each; the first region's is the store's
    /// top-level one); the stores are written in the first (a secret given
    /// by ARN: in the ARN's region)
    #[arg(
        long,
        value_name = "REGION",
        required_unless_present_any = ["recover", "regions"]
    )]
    pub region: Vec<String>,

    /// The regions, comma-separated, as --region repeated
    #[arg(
        long,
        value_name = "REGION,…",
        value_delimiter = ',',
        conflicts_with = "region"
    )]
    pub regions: Vec<String>,

    /// Finish a rotation that a kill left half-made: undo what its journal
    /// records (or forget a rotation that had been delivered); needs only
    /// --user-name
    #[arg(long, conflicts_with_all = ["region", "regions", "store", "no_probe", "out", "template"])]
    pub recover: bool,

    /// Accept a well-formed region that the table does not list
    #[arg(long)]
    pub allow_unknown_region: bool,

    /// Store the new credentials: secretsmanager:NAME_OR_ARN (one JSON
    /// secret, a new version) or ssm:/PREFIX (PREFIX/username, /host, /port,
    /// /region, and /password as a SecureString); a host and port the store
    /// already names are kept; repeat for several
    #[arg(long, value_name = "STORE")]
    pub store: Vec<String>,

    #[command(flatten)]
    pub output: OutputArgs,

    /// Do not log in over SMTP before storing (the new key is then untested)
    #[arg(long, conflicts_with_all = ["endpoint", "port", "tls", "ca_file"])]
    pub no_probe: bool,

    #[command(flatten)]
    pub connect: ConnectArgs,

    /// Seconds to keep trying the SMTP login while the new key reaches SES
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    pub propagation_timeout: u64,

    /// Seconds each AWS request may take; a call, retries included, takes
    /// at most three times this (1 to 3600)
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub aws_timeout: u64,

    /// Report each step and each login try on stderr (secrets are never
    /// shown)
    #[arg(short, long)]
    pub verbose: bool,
}

#[cfg(any(feature = "aws", feature = "aws-front"))]
#[derive(Args, Debug)]
pub struct RetireArgs {
    /// The IAM user the key belongs to
    #[arg(long, value_name = "NAME")]
    pub user_name: String,

    /// The key to retire
    #[arg(long, value_name = "AKIA…")]
    pub access_key_id: String,

    /// Delete the key (it must be inactive, unless --force)
    #[arg(long)]
    pub delete: bool,

    /// Deactivate the user's last active key, or one still in use, or
    /// delete an active key
    #[arg(long)]
    pub force: bool,

    /// A store that named the key: retire refuses while the key was used
    /// after the store moved to another (within --in-use-window); repeat
    /// for several
    #[arg(long, value_name = "STORE")]
    pub store: Vec<String>,

    /// With --store: seconds within which a use counts (IAM reports uses
    /// up to about four hours late)
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 86_400,
        requires = "store"
    )]
    pub in_use_window: u64,

    /// Seconds each AWS request may take; a call, retries included, takes
    /// at most three times this (1 to 3600)
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub aws_timeout: u64,
}

#[cfg(any(feature = "aws", feature = "aws-front"))]
#[derive(Args, Debug)]
pub struct KeysArgs {
    /// The IAM user
    #[arg(long, value_name = "NAME")]
    pub user_name: String,

    /// Also say which key this store's user name names; repeat for several
    #[arg(long, value_name = "STORE")]
    pub store: Vec<String>,

    /// The region of the stores [default: the AWS SDK's: AWS_REGION, the
    /// profile's]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = VerdictFormat::Text)]
    pub format: VerdictFormat,

    /// Seconds each AWS request may take; a call, retries included, takes
    /// at most three times this (1 to 3600)
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub aws_timeout: u64,
}

/// `sync`: one consumer's file kept in step with a store.
#[derive(Args, Debug)]
pub struct SyncArgs {
    /// The store to read: secretsmanager:NAME_OR_ARN (its AWSCURRENT
    /// version) or ssm:/PREFIX (the parameters rotate writes)
    #[arg(long, value_name = "STORE")]
    pub from: String,

    /// With secretsmanager: read the version with this label instead
    #[arg(long, value_name = "STAGE")]
    pub version_stage: Option<String>,

    /// The file to keep in step (written atomically, only when it changes)
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,

    /// Output format
    #[arg(long, value_parser = format_parser(), default_value = "text")]
    pub format: Format,

    /// Fill this template instead of a format: {username}, {password},
    /// {password_urlencoded}, {host}, {port}, {region}
    #[arg(long, value_name = "FILE", conflicts_with = "format")]
    pub template: Option<PathBuf>,

    /// The file's mode: 0600 (the default), or wider for the owner's group
    /// only (0640, 0660); never any bit for others
    #[arg(long, value_name = "OCTAL")]
    pub mode: Option<String>,

    /// The file's group (a service's group that reads it)
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,

    /// Log in over SMTP with the pair read before writing it (at the
    /// store's host and port); write nothing if SES refuses it
    #[arg(long)]
    pub probe: bool,

    /// With --probe: how TLS starts [default: by the store's port, as
    /// probe chooses]
    #[arg(long, value_parser = tls_parser(), requires = "probe")]
    pub tls: Option<ses_smtp_login::TlsMode>,

    /// With --probe: also trust the CA certificates in this PEM file
    #[arg(long, value_name = "PEM", requires = "probe")]
    pub ca_file: Option<PathBuf>,

    /// With --probe: seconds allowed for connecting and for each reply
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub timeout: u64,

    /// Run this with /bin/sh -c after the file changed (and again on the
    /// next sync until it succeeds); SES_SMTP_SYNC_FILE and
    /// SES_SMTP_SYNC_VERSION in its environment
    #[arg(long, value_name = "COMMAND")]
    pub then: Option<String>,

    /// The region the password is for, where the store names none
    /// (ssm:/PREFIX without PREFIX/region)
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Seconds each AWS request may take; a call, retries included, takes
    /// at most three times this (1 to 3600)
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub aws_timeout: u64,
}
