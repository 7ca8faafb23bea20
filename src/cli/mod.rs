//! The command line as clap parses it ("low" arguments, as ripgrep calls
//! them): types and help only. `settle` turns them into plain values; no
//! command sees these types.
//!
//! - this file: the top level ([`Cli`], [`Command`]) and the version;
//! - [`args`]: the argument groups and the commands' own arguments;
//! - `aws`: the arguments of `rotate`, `retire` and `keys`;
//! - `help`: the long help texts.

pub mod args;
#[cfg(any(feature = "aws", feature = "aws-front"))]
pub mod aws;
mod help;
pub mod report;

pub use args::*;
use clap::{Parser, Subcommand};
use help::*;

/// `--version`: the version and the optional features compiled in.
#[cfg(any(feature = "aws", feature = "aws-front"))]
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (features: probe, aws)");

#[cfg(all(feature = "probe", not(any(feature = "aws", feature = "aws-front"))))]
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (features: probe)");

#[cfg(not(feature = "probe"))]
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (features: none; no probe)");

/// What `probe` says in a build without it.
#[cfg(not(feature = "probe"))]
pub const NO_PROBE: &str = "this build of ses-smtp-password has no probe (it was built without the `probe` feature)\n  \
     hint: install a build with it: cargo install ses-smtp-password (probe is a default feature)";

/// What `rotate`, `retire` and `keys` say in a build without them.
#[cfg(not(any(feature = "aws", feature = "aws-front")))]
pub const NO_AWS: &str = "this build of ses-smtp-password has no AWS commands (rotate, retire, keys, sync): it was built without the `aws` feature\n  \
     hint: install a build with it: cargo install ses-smtp-password --features aws";

#[derive(Parser, Debug)]
#[command(
    name = "ses-smtp-password",
    version = VERSION,
    about = "Derive an Amazon SES SMTP password from an IAM user's secret access key",
    long_about = "Derive an Amazon SES SMTP password from an IAM user's secret access key, for one \
                  region, and print the SMTP user name, password, host and ports.\n\n\
                  Prefer the SES API with IAM roles; SMTP is for software that speaks nothing else. \
                  SMTP needs an IAM user's long-term key (AKIA…): temporary credentials cannot work.",
    after_help = EXIT_CODES_HELP,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub derive: DeriveArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check an SMTP password against the key: match, another region, V2,
    /// malformed, or no match (exit 0 on a match, 1 otherwise)
    #[command(after_help = VERIFY_HELP)]
    Verify(VerifyArgs),
    /// Check or generate known-answer vector files (JSON Lines)
    #[command(subcommand)]
    Vectors(VectorsCommand),
    /// Log in to the SES SMTP endpoint with the derived credentials (EHLO,
    /// TLS, AUTH, QUIT: no mail is sent) and report whether SES accepts them
    #[cfg(feature = "probe")]
    #[command(after_help = PROBE_HELP)]
    Probe(ProbeArgs),
    /// (not in this build: it was built without the `probe` feature)
    #[cfg(not(feature = "probe"))]
    #[command(hide = true, disable_help_flag = true)]
    Probe {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        args: Vec<std::ffi::OsString>,
    },
    /// Rotate an IAM user's access key into new SMTP credentials: create,
    /// check over SMTP, store; undone if any step fails
    #[cfg(any(feature = "aws", feature = "aws-front"))]
    #[command(after_help = ROTATE_HELP)]
    Rotate(aws::RotateArgs),
    /// Deactivate (or --delete) an IAM user's old access key, after showing
    /// when and where it was last used
    #[cfg(any(feature = "aws", feature = "aws-front"))]
    #[command(after_help = RETIRE_HELP)]
    Retire(aws::RetireArgs),
    /// List an IAM user's access keys: status, age, last use
    #[cfg(any(feature = "aws", feature = "aws-front"))]
    #[command(
        after_help = "Example:\n  ses-smtp-password keys --user-name smtp-legacy --store secretsmanager:prod/smtp --format json"
    )]
    Keys(aws::KeysArgs),
    /// Keep one consumer's file in step with a store: write it when the
    /// credentials changed, then run --then (a reload)
    #[cfg(any(feature = "aws", feature = "aws-front"))]
    #[command(after_help = SYNC_HELP)]
    Sync(aws::SyncArgs),
    /// (not in this build: it was built without the `aws` feature)
    #[cfg(not(any(feature = "aws", feature = "aws-front")))]
    #[command(
        name = "rotate",
        alias = "retire",
        alias = "keys",
        alias = "sync",
        hide = true,
        disable_help_flag = true
    )]
    NoAws {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        args: Vec<std::ffi::OsString>,
    },
    /// Print the least-privilege IAM policy for the SMTP user
    /// (ses:SendRawEmail only), or with --rotation the operator's
    #[command(after_help = POLICY_HELP)]
    Policy(PolicyArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Install, e.g.:\n  ses-smtp-password completions bash > /etc/bash_completion.d/ses-smtp-password\n  ses-smtp-password completions zsh > \"${fpath[1]}/_ses-smtp-password\"\n  ses-smtp-password completions fish > ~/.config/fish/completions/ses-smtp-password.fish"
    )]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    #[command(
        after_help = "Install, e.g.:\n  ses-smtp-password man > /usr/local/share/man/man1/ses-smtp-password.1"
    )]
    Man,
    /// List the region table: SMTP hosts, FIPS hosts, ports, and its source
    #[command(
        after_help = "Example:\n  ses-smtp-password regions --format json | jq -r '.[] | select(.smtp) | .host'"
    )]
    Regions(RegionsArgs),
}
