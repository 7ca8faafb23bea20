//! `rotate`, `retire` and `keys` (the `aws` feature): their options, and
//! their settling into plain values, as for the other commands. The user
//! name and store checks serve `policy --rotation` too, in every build.

use crate::error::{CliError, Result};
use ses_smtp_credentials::user_text;
use ses_smtp_rotation::{Store, UserName, UserPath, parse_user_name, parse_user_path};
#[cfg(feature = "aws")]
use {
    crate::cli::settle::{self, Connect, Destination, Report, Shape},
    crate::cli::{ConnectArgs, OutputArgs, VerdictFormat},
    clap::Args,
    ses_smtp_credentials::region::{self, ResolvedRegion},
    std::time::Duration,
};

#[cfg(feature = "aws")]
pub const ROTATE_HELP: &str = "\
Steps: check the user holds fewer than two keys; create a key (its secret
never leaves this process); derive the SMTP password; log in over SMTP until
SES accepts it (--propagation-timeout); write the stores and --out. If any
step after the key was created fails, everything this run made is undone,
the new key included. Old keys are left alone: the summary names the one to
retire next.

The operator's AWS credentials come from the SDK's chain (environment,
profiles, SSO, assumed roles, instance and container roles); temporary ones
are fine. AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> are honoured.

Exit codes: 0 rotated; 10 AWS refused; 7, 8, 9 the new key's SMTP login
failed (rejected; network or TLS; temporary); 2 usage; 6 files.

Examples:
  ses-smtp-password rotate --user-name smtp-legacy --region eu-west-1 \\
      --store secretsmanager:prod/smtp
  ses-smtp-password rotate --user-name smtp-legacy --region eu-west-1 \\
      --store ssm:/prod/smtp --format env --out smtp.env";

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
pub const RETIRE_HELP: &str = "\
Without --delete: deactivates the key, after showing when and where it was
last used (reactivate it with `aws iam update-access-key --status Active` if
mail stops). The user's last active key needs --force: without it, all mail
stops. With --delete: deletes a key that is already inactive; an active one
needs --force as well.

Exit codes: 0 done (or nothing to do); 10 AWS refused, or the key is not the
user's; 2 refused without --force.

Example:
  ses-smtp-password retire --user-name smtp-legacy --access-key-id AKIA...
  ses-smtp-password retire --user-name smtp-legacy --access-key-id AKIA... --delete";

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

#[cfg(feature = "aws")]
pub struct Rotate {
    pub aws_timeout: Duration,
    pub user: UserName,
    pub region: ResolvedRegion,
    pub stores: Vec<Store>,
    pub shape: Shape,
    pub to: Destination,
    /// `None` with --no-probe.
    pub probe: Option<Connect>,
    pub propagation: Duration,
    pub verbose: bool,
}

/// `rotate --recover`: whose unfinished rotation to finish.
#[cfg(feature = "aws")]
pub struct Recover {
    pub aws_timeout: Duration,
    pub user: UserName,
}

#[cfg(feature = "aws")]
pub struct Retire {
    pub aws_timeout: Duration,
    pub user: UserName,
    pub key: String,
    pub delete: bool,
    pub force: bool,
}

#[cfg(feature = "aws")]
pub struct Keys {
    pub aws_timeout: Duration,
    pub user: UserName,
    pub stores: Vec<Store>,
    pub region: Option<String>,
    pub report: Report,
}

pub fn user_name(text: &str) -> Result<UserName> {
    parse_user_name(text)
        .map_err(|e| CliError::Usage(format!("--user-name {}: {e}", user_text(text))))
}

/// `--user-path`: `/` when not given.
pub fn user_path(text: Option<&str>) -> Result<UserPath> {
    let text = text.unwrap_or("/");
    parse_user_path(text)
        .map_err(|e| CliError::Usage(format!("--user-path {}: {e}", user_text(text))))
}

pub fn stores(texts: &[String]) -> Result<Vec<Store>> {
    texts
        .iter()
        .map(|t| {
            Store::parse(t).map_err(|e| CliError::Usage(format!("--store {}: {e}", user_text(t))))
        })
        .collect()
}

#[cfg(feature = "aws")]
pub fn recover(args: &RotateArgs) -> Result<Recover> {
    Ok(Recover {
        aws_timeout: aws_timeout(args.aws_timeout)?,
        user: user_name(&args.user_name)?,
    })
}

#[cfg(feature = "aws")]
pub fn rotate(args: RotateArgs) -> Result<Rotate> {
    let user = user_name(&args.user_name)?;
    let region = region::resolve(
        args.region.as_deref().unwrap_or_default(),
        args.allow_unknown_region,
    )
    .map_err(CliError::region("--region"))?;
    let stores = stores(&args.store)?;
    let (shape, to) = settle::output(args.output)?;
    let probe = match args.no_probe {
        true => None,
        false => Some(settle::connect(args.connect)?),
    };
    Ok(Rotate {
        aws_timeout: aws_timeout(args.aws_timeout)?,
        user,
        region,
        stores,
        shape,
        to,
        probe,
        propagation: Duration::from_secs(settle::seconds(
            "--propagation-timeout",
            args.propagation_timeout,
            0,
        )?),
        verbose: args.verbose,
    })
}

/// `--aws-timeout`, range-checked.
#[cfg(feature = "aws")]
fn aws_timeout(seconds: u64) -> Result<Duration> {
    Ok(Duration::from_secs(settle::seconds(
        "--aws-timeout",
        seconds,
        1,
    )?))
}

#[cfg(feature = "aws")]
pub fn retire(args: RetireArgs) -> Result<Retire> {
    let user = user_name(&args.user_name)?;
    let key = ses_smtp_credentials::parse_access_key_id(&args.access_key_id)
        .map_err(CliError::input("--access-key-id"))?;
    Ok(Retire {
        aws_timeout: aws_timeout(args.aws_timeout)?,
        user,
        key: key.as_str().to_string(),
        delete: args.delete,
        force: args.force,
    })
}

#[cfg(feature = "aws")]
pub fn keys(args: KeysArgs) -> Result<Keys> {
    Ok(Keys {
        aws_timeout: aws_timeout(args.aws_timeout)?,
        user: user_name(&args.user_name)?,
        stores: stores(&args.store)?,
        region: match args.region {
            Some(r) => Some(
                region::resolve(&r, true)
                    .map_err(CliError::region("--region"))?
                    .code,
            ),
            None => None,
        },
        report: args.format.into(),
    })
}
