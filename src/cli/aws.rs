//! The arguments of `rotate`, `retire` and `keys` (the `aws` feature).
#![cfg(feature = "aws")]

use super::args::{ConnectArgs, OutputArgs, VerdictFormat};
use clap::Args;

#[cfg(feature = "aws")]
#[derive(Args, Debug)]
pub struct RotateArgs {
    /// The IAM user whose new access key becomes the SMTP credentials
    #[arg(long, value_name = "NAME")]
    pub user_name: String,

    /// The SES region the password is for; the stores are written there too
    /// (a secret given by ARN: in the ARN's region)
    #[arg(long, value_name = "REGION", required_unless_present = "recover")]
    pub region: Option<String>,

    /// Finish a rotation that a kill left half-made: undo what its journal
    /// records (or forget a rotation that had been delivered); needs only
    /// --user-name
    #[arg(long, conflicts_with_all = ["region", "store", "no_probe", "out", "template"])]
    pub recover: bool,

    /// Accept a well-formed region that the table does not list
    #[arg(long)]
    pub allow_unknown_region: bool,

    /// Store the new credentials: secretsmanager:NAME_OR_ARN (one JSON
    /// secret, a new version) or ssm:/PREFIX (PREFIX/username, /host, /port,
    /// and /password as a SecureString); repeat for several
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

#[cfg(feature = "aws")]
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

    /// Deactivate the user's last active key, or delete an active key
    #[arg(long)]
    pub force: bool,

    /// Seconds each AWS request may take; a call, retries included, takes
    /// at most three times this (1 to 3600)
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub aws_timeout: u64,
}

#[cfg(feature = "aws")]
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
