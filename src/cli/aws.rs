//! The AWS commands' arguments and help (the `aws` and `aws-front`
//! features): `rotate`, `retire`, `keys` and `sync`.

use super::args::{OutputArgs, VerdictFormat, format_parser};
use super::probe::{ConnectArgs, tls_parser};
use clap::{Args, Subcommand};
use ses_smtp_credentials::Format;
use std::path::PathBuf;

/// The AWS commands, flattened into the top level's.
#[derive(Subcommand, Debug)]
pub enum AwsCommand {
    /// Rotate an IAM user's access key into new SMTP credentials: create,
    /// check over SMTP, store; undone if any step fails
    #[command(after_help = ROTATE_HELP)]
    Rotate(RotateArgs),
    /// Deactivate (or --delete) an IAM user's old access key, after showing
    /// when and where it was last used
    #[command(after_help = RETIRE_HELP)]
    Retire(RetireArgs),
    /// List an IAM user's access keys: status, age, last use
    #[command(
        after_help = "Example:\n  ses-smtp-password keys --user-name smtp-legacy --store secretsmanager:prod/smtp --format json"
    )]
    Keys(KeysArgs),
    /// Keep one consumer's file in step with a store: write it when the
    /// credentials changed, then run --then (a reload)
    #[command(after_help = SYNC_HELP)]
    Sync(SyncArgs),
}

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

pub const SYNC_HELP: &str = "\
Reads the store once (one GetSecretValue, or one GetParameters), checks the
pair (an access key ID, a V4 password, a region SES SMTP serves), renders it
as --format or --template would, with the store's host and port, and writes
--out only when that differs from what the file holds (otherwise it says
`unchanged` and leaves the file alone). After a change it runs --then; if
that fails, the new file stays (the old key still works until the next
rotation) and the next sync runs --then again.

Exit codes: 0 written or unchanged; 12 --then failed; 10 AWS refused; 3 the
store holds no SMTP credentials; 7, 8, 9 --probe's login failed; 2 usage;
6 files.

Examples:
  ses-smtp-password sync --from secretsmanager:prod/smtp --format postfix \\
      --out /etc/postfix/sasl_passwd \\
      --then 'postmap /etc/postfix/sasl_passwd && postfix reload'
  ses-smtp-password sync --from ssm:/prod/smtp --format env --out /srv/app/smtp.env \\
      --mode 0640 --group app --then 'systemctl restart app'";
