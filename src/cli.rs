//! The command-line definition. No option takes a secret: argv is visible
//! in `ps` and shell history.

use clap::{Args, Parser, ValueEnum};
use ses_smtp_password::output::Format;
use std::path::PathBuf;

pub const EXIT_CODES_HELP: &str = "\
Where the secret comes from (the first that applies; never the command line):
  1. --secret-file PATH (- for standard input)
  2. standard input, when it is not a terminal and holds data
  3. AWS_SECRET_ACCESS_KEY (with AWS_ACCESS_KEY_ID), when standard input is a
     terminal or empty, or always with --from-env
  4. a prompt without echo, when standard input is a terminal
Standard input may hold the secret alone, the JSON of `aws iam
create-access-key`, or the CSV file that the IAM console downloads.

Exit codes:
  0  success
  2  usage: bad options or region
  3  bad input: the secret, key ID or file is malformed
  4  refused: temporary (STS) credentials, or an ID that is not an access key
  5  no input: no source held a secret
  6  I/O error: reading input or writing output failed

Examples:
  printf '%s' \"$SECRET\" | ses-smtp-password --region eu-west-1 --access-key-id AKIA...
  aws iam create-access-key --user-name smtp | ses-smtp-password --region eu-west-1
  AWS_REGION=eu-west-1 ses-smtp-password --from-env --format env >> app.env";

#[derive(Parser, Debug)]
#[command(
    name = "ses-smtp-password",
    version,
    about = "Derive an Amazon SES SMTP password from an IAM user's secret access key",
    long_about = "Derive an Amazon SES SMTP password from an IAM user's secret access key, for one \
                  region, and print the SMTP user name, password, host and ports.\n\n\
                  Prefer the SES API with IAM roles; SMTP is for software that speaks nothing else. \
                  SMTP needs an IAM user's long-term key (AKIA…): temporary credentials cannot work.",
    after_help = EXIT_CODES_HELP
)]
pub struct Cli {
    #[command(flatten)]
    pub secret: SecretArgs,

    #[command(flatten)]
    pub regions: RegionArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,

    /// Derive the deprecated version 2 password (rejected by SES; only for
    /// recognising old credentials)
    #[arg(long)]
    pub legacy_v2: bool,
}

#[derive(Args, Debug)]
pub struct SecretArgs {
    /// Read the secret (or the JSON/CSV from IAM) from this file; - for
    /// standard input
    #[arg(long, value_name = "PATH", conflicts_with = "from_env")]
    pub secret_file: Option<PathBuf>,

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// For a person: user name, password, host, ports, region
    Text,
    /// One object, or an array for several regions
    Json,
    /// SMTP_USERNAME=, SMTP_PASSWORD=, SMTP_HOST=, SMTP_PORT= lines, quoted
    /// for sh
    Env,
    /// The password alone
    Password,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Env => Format::Env,
            FormatArg::Password => Format::Password,
        }
    }
}
