//! The command line as clap parses it ("low" arguments, as ripgrep calls
//! them): types and help only. `settle` turns them into plain values; no
//! command sees these types.
//!
//! - this file: the top level ([`Cli`], [`Command`]) and the version;
//! - [`args`]: the argument groups and the commands' own arguments;
//! - `probe`: `probe`'s arguments and the login's (the `probe` feature);
//! - `aws`: the AWS commands' (the `aws` and `aws-front` features);
//! - `help`: the long help texts.
//!
//! A build without a feature has its commands' names alone, hidden, taking
//! any arguments, so that `crate::gated` refuses them in one place.

pub mod args;
#[cfg(any(feature = "aws", feature = "aws-front"))]
pub mod aws;
mod help;
#[cfg(feature = "probe")]
pub mod probe;
pub mod report;

/// A build without `aws`: the AWS commands' names (refused when settled).
#[cfg(not(any(feature = "aws", feature = "aws-front")))]
pub mod aws {
    /// `rotate`, `retire`, `keys` and `sync`, hidden.
    #[derive(clap::Subcommand, Debug)]
    pub enum AwsCommand {
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
    }
}

/// A build without `probe`: its name (refused when settled).
#[cfg(not(feature = "probe"))]
pub mod probe {
    /// `probe`, hidden.
    #[derive(clap::Subcommand, Debug)]
    pub enum ProbeCommand {
        #[command(hide = true, disable_help_flag = true)]
        Probe {
            #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
            args: Vec<std::ffi::OsString>,
        },
    }
}

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
    #[command(flatten)]
    Probe(probe::ProbeCommand),
    #[command(flatten)]
    Aws(aws::AwsCommand),
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
