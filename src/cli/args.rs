//! The argument groups several commands share, and the arguments of the
//! commands without their own file.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Subcommand, ValueEnum};
use ses_smtp_credentials::Format;
use std::path::PathBuf;

/// `--format`: the library's formats, names and descriptions, one table.
pub fn format_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(
        Format::ALL
            .iter()
            .map(|f| PossibleValue::new(f.name()).help(f.description())),
    )
    .map(|name| Format::from_name(&name).expect("clap checked the name"))
}

#[derive(Args, Debug)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub secret: SecretArgs,

    /// The region the password should be for [default: AWS_REGION, then
    /// AWS_DEFAULT_REGION; without any, every region is searched]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Accept a well-formed region that the table does not list
    #[arg(long)]
    pub allow_unknown_region: bool,

    /// Read the SMTP password from this file; - for standard input
    #[arg(long, value_name = "PATH")]
    pub password_file: Option<PathBuf>,

    /// Output format of the verdict
    #[arg(long, value_enum, default_value_t = VerdictFormat::Text)]
    pub format: VerdictFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum VerdictFormat {
    /// One sentence
    Text,
    /// {"match", "version", "region", "reason", "message"}
    Json,
}

#[derive(Subcommand, Debug)]
pub enum VectorsCommand {
    /// Check JSON Lines vector files; prints one line per failure and
    /// "N passed, M failed" (exit 1 if any failed or is malformed)
    #[command(
        after_help = "Each line: {\"secret\": \"...\", \"region\": \"...\", \"version\": 4, \"password\": \"...\"}\n\
(no \"region\" for version 2). Other keys are ignored. Failures name the line and region, never the secret.\n\n\
Example:\n  ses-smtp-password vectors check tests/vectors/*.jsonl"
    )]
    Check {
        /// Files to check; - for standard input
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Write random vectors (reproducible with --seed) across every SMTP
    /// region of the table
    #[command(
        after_help = "Example:\n  ses-smtp-password vectors generate --count 1000 --seed ci > vectors.jsonl"
    )]
    Generate {
        /// How many vectors
        #[arg(long, value_name = "N")]
        count: usize,
        /// Make the output reproducible from this seed (any text)
        #[arg(long, value_name = "S")]
        seed: Option<String>,
        /// Include version 2 vectors (one per cycle through the regions)
        #[arg(long)]
        v2: bool,
    },
}

#[derive(Args, Debug)]
#[command(group(clap::ArgGroup::new("key_policy").args(["rotation", "rotator"]).multiple(false)))]
#[command(group(clap::ArgGroup::new("reads").args(["secret", "parameter_prefix"]).multiple(false)))]
pub struct PolicyArgs {
    /// Scope to one SES identity: its ARN, or a domain or address (then
    /// --account-id and --region are needed)
    #[arg(long, value_name = "ARN|NAME")]
    pub identity: Option<String>,
    /// The AWS account that owns the identity (12 digits)
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,
    /// Scope to one region (and pick the ARN partition: aws-us-gov for
    /// GovCloud)
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Allow only these sender addresses (ses:FromAddress; * wildcards
    /// allowed); repeat for several
    #[arg(long, value_name = "ADDRESS")]
    pub from_address: Vec<String>,
    /// Allow sending through this configuration set too (SES checks it as
    /// well as the identity); needs --identity; repeat for several
    #[arg(long, value_name = "NAME")]
    pub configuration_set: Vec<String>,
    /// Grant the sending policy to this IAM group (as the SES console's SMTP
    /// flow does): the policy alone on stdout, the `aws iam
    /// put-group-policy` and `add-user-to-group` commands on stderr
    #[arg(long, value_name = "NAME", conflicts_with_all = ["rotation", "rotator", "sync"])]
    pub group: Option<String>,
    /// Print instead the policy of the operator who runs rotate, retire and
    /// keys for one user (needs --user-name and --account-id)
    #[arg(long, requires_all = ["user_name", "account_id"], conflicts_with_all = ["identity", "from_address", "configuration_set"])]
    pub rotation: bool,
    /// Print instead the execution-role policy of the scheduled rotation
    /// function, ses-smtp-rotator, for one secret (needs --user-name,
    /// --account-id, --secret and --region)
    #[arg(long, requires_all = ["user_name", "account_id", "secret", "region"], conflicts_with_all = ["identity", "from_address", "configuration_set", "rotation", "store"])]
    pub rotator: bool,
    /// Print instead the read-only policy of a consumer that runs `sync`
    /// on one store (--secret or --parameter-prefix; --account-id and
    /// --region unless an ARN gives them)
    #[arg(long, requires = "reads", conflicts_with_all = ["identity", "from_address", "configuration_set", "rotation", "rotator", "store", "user_name", "user_path"])]
    pub sync: bool,
    /// With --sync: the parameter prefix the consumer reads (ssm:/PREFIX)
    #[arg(long, value_name = "/PREFIX", requires = "sync")]
    pub parameter_prefix: Option<String>,
    /// With --rotation or --rotator: the IAM user whose keys are rotated
    #[arg(long, value_name = "NAME", requires = "key_policy")]
    pub user_name: Option<String>,
    /// With --rotation or --rotator: the user's IAM path, as `aws iam
    /// get-user` shows it [default: /]
    #[arg(long, value_name = "PATH", requires = "key_policy")]
    pub user_path: Option<String>,
    /// With --rotation: a store rotate writes (secretsmanager:NAME_OR_ARN or
    /// ssm:/PREFIX); repeat for several
    #[arg(long, value_name = "STORE", requires = "rotation")]
    pub store: Vec<String>,
    /// With --rotator: the secret the function rotates; with --sync: the
    /// secret the consumer reads; its name or ARN
    #[arg(long, value_name = "NAME_OR_ARN")]
    pub secret: Option<String>,
    /// With --rotator: the function's name, which names its log group
    /// [default: ses-smtp-rotator]
    #[arg(long, value_name = "NAME", requires = "rotator")]
    pub function_name: Option<String>,
    /// With --rotation, --rotator or --sync: the customer-managed KMS key
    /// (its ARN) that encrypts the stores or the secret; needs --region
    #[arg(long, value_name = "ARN")]
    pub kms_key: Option<String>,
}

#[derive(Args, Debug)]
pub struct RegionsArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = VerdictFormat::Text)]
    pub format: VerdictFormat,
}

#[derive(Args, Debug)]
pub struct DeriveArgs {
    #[command(flatten)]
    pub secret: SecretArgs,

    #[command(flatten)]
    pub regions: RegionArgs,

    /// Derive the deprecated version 2 password (rejected by SES; only for
    /// recognising old credentials)
    #[arg(long)]
    pub legacy_v2: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

/// What the credentials are written as, and where: `derive` and `rotate`.
#[derive(Args, Debug)]
pub struct OutputArgs {
    /// Output format
    #[arg(long, value_parser = format_parser(), default_value = "text")]
    pub format: Format,

    /// Fill this template instead of a format: {username}, {password},
    /// {password_urlencoded}, {host}, {port}, {region}; {{ and }} for braces
    #[arg(long, value_name = "FILE", conflicts_with = "format")]
    pub template: Option<PathBuf>,

    /// Write the output to this file (mode 0600, written atomically) instead
    /// of standard output
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,

    /// With --out: replace an existing file
    #[arg(long, requires = "out")]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct SecretArgs {
    /// Read the secret (or the JSON/CSV from IAM) from this file; - for
    /// standard input
    #[arg(long, value_name = "PATH", conflicts_with_all = ["from_env", "profile"])]
    pub secret_file: Option<PathBuf>,

    /// Read aws_access_key_id/aws_secret_access_key of this AWS CLI profile
    /// (never the default profile unless named) [env: AWS_PROFILE, after the
    /// other sources]
    #[arg(long, value_name = "NAME", conflicts_with = "from_env")]
    pub profile: Option<String>,

    /// Take the secret from AWS_SECRET_ACCESS_KEY (and the ID from
    /// AWS_ACCESS_KEY_ID) and never read standard input
    #[arg(long)]
    pub from_env: bool,

    /// The access key ID (AKIA…) that the secret belongs to: the SMTP user
    /// name, when the input does not carry it
    #[arg(long, value_name = "AKIA…")]
    pub access_key_id: Option<String>,

    /// Accept a secret that is not 40 characters of A-Z a-z 0-9 + / (test
    /// strings, unusual keys)
    #[arg(long)]
    pub allow_unusual_secret: bool,
}

#[derive(Args, Debug)]
pub struct RegionArgs {
    /// SES region, e.g. eu-west-1; repeat for several [default: AWS_REGION,
    /// then AWS_DEFAULT_REGION]
    #[arg(long, value_name = "REGION", conflicts_with = "all_regions")]
    pub region: Vec<String>,

    /// Derive for every SMTP region in the table (passwords differ per
    /// region)
    #[arg(long)]
    pub all_regions: bool,

    /// Accept a well-formed region that the table does not list as an SMTP
    /// region (one AWS opened after this release)
    #[arg(long)]
    pub allow_unknown_region: bool,
}
