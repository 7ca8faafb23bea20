//! The settling step: clap's values turned once into plain ones (fd's
//! `Opts → Config`, ripgrep's `LowArgs → HiArgs`). Everything that needs no
//! secret is decided here, before any secret is read: where the secret
//! comes from and in which order, the regions, the output plan (format or
//! template, destination, whether the user name is required). Commands
//! take these, never clap's types, and never call back into settling.
//!
//! Settling reads the process's environment and terminal only through an
//! [`Env`] value, so its rules are tested in process, one table row each.
//! The commands behind features settle in their own modules (`probe`,
//! `aws`), reached through `crate::gated`.

mod env;
pub(crate) mod names;
pub(crate) mod output;
pub(crate) mod regions;
mod report;
pub(crate) mod secret;
mod verify;

pub use env::Env;
pub use output::{Derive, Destination, OutputShape};
pub use report::ReportFormat;
pub use secret::{ReadFrom, Secret};
pub use verify::{PasswordSource, Verify};

use crate::cli::{self, Cli, Command};
use crate::error::{CliError, CliResult};
use crate::gated;
use std::path::PathBuf;

/// One run of the tool.
pub enum Invocation {
    Derive(Derive),
    Verify(Verify),
    VectorsCheck(Vec<PathBuf>),
    VectorsGenerate {
        count: usize,
        seed: Option<String>,
        v2: bool,
    },
    Regions(ReportFormat),
    Policy(Policy),
    /// `probe` or an AWS command (`crate::gated`): never made in a build
    /// without `probe`, which has neither.
    #[cfg_attr(not(feature = "probe"), allow(dead_code))]
    Gated(gated::Gated),
    Completions(clap_complete::Shell),
    Man,
}

/// What to scope the printed IAM policy to (see the library's `Scope`).
pub struct Policy {
    pub identity: Option<String>,
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub from_addresses: Vec<String>,
    pub configuration_sets: Vec<String>,
    /// `--group`: the IAM group the sending policy is for.
    pub group: Option<ses_smtp_rotation::GroupName>,
    /// `--rotation`: the operator's policy for this user and these stores.
    pub rotation: Option<Operator>,
    /// `--rotator`: the rotation function's policy for this user and secret.
    pub rotator: Option<RotatorPolicy>,
    /// `--sync`: the consumer's read-only policy for this store and key.
    pub sync: Option<(ses_smtp_rotation::Store, Option<String>)>,
}

/// `policy --rotator`: whose keys, at which path, which secret, which key,
/// which function.
pub struct RotatorPolicy {
    pub user: ses_smtp_rotation::UserName,
    pub path: ses_smtp_rotation::UserPath,
    pub secret: String,
    pub kms_key: Option<String>,
    pub function_name: Option<String>,
}

/// `policy --rotation`: whose keys, at which path, which stores, which key.
pub struct Operator {
    pub user: ses_smtp_rotation::UserName,
    pub path: ses_smtp_rotation::UserPath,
    pub stores: Vec<ses_smtp_rotation::Store>,
    pub kms_key: Option<String>,
}

/// Settles parsed arguments into an invocation.
pub fn settle(cli: Cli, env: &Env) -> CliResult<Invocation> {
    Ok(match cli.command {
        None => Invocation::Derive(output::derive(cli.derive, env)?),
        Some(Command::Verify(args)) => Invocation::Verify(verify::verify(args, env)?),
        Some(Command::Vectors(cli::VectorsCommand::Check { files })) => {
            Invocation::VectorsCheck(files)
        }
        Some(Command::Vectors(cli::VectorsCommand::Generate { count, seed, v2 })) => {
            Invocation::VectorsGenerate { count, seed, v2 }
        }
        Some(Command::Regions(args)) => Invocation::Regions(args.format.into()),
        Some(Command::Policy(args)) => Invocation::Policy(Policy {
            rotation: match (args.rotation, &args.user_name) {
                _ if args.kms_key.is_some() && !(args.rotation || args.rotator || args.sync) => {
                    return Err(CliError::Usage(
                        "--kms-key goes with --rotation, --rotator or --sync".into(),
                    ));
                }
                (true, Some(name)) => Some(Operator {
                    user: names::user_name(name)?,
                    path: names::user_path(args.user_path.as_deref())?,
                    stores: names::stores(&args.store)?,
                    kms_key: args.kms_key.clone(),
                }),
                _ => None,
            },
            rotator: match (args.rotator, &args.user_name, &args.secret) {
                (false, _, Some(_)) if !args.sync => {
                    return Err(CliError::Usage(
                        "--secret goes with --rotator or --sync".into(),
                    ));
                }
                (true, Some(name), Some(secret)) => Some(RotatorPolicy {
                    user: names::user_name(name)?,
                    path: names::user_path(args.user_path.as_deref())?,
                    secret: secret.clone(),
                    kms_key: args.kms_key.clone(),
                    function_name: args.function_name.clone(),
                }),
                _ => None,
            },
            sync: match (args.sync, &args.secret, &args.parameter_prefix) {
                (true, Some(secret), _) => Some((
                    names::store_as("--secret", "secretsmanager:", secret)?,
                    args.kms_key.clone(),
                )),
                (true, None, Some(prefix)) => Some((
                    names::store_as("--parameter-prefix", "ssm:", prefix)?,
                    args.kms_key.clone(),
                )),
                _ => None,
            },
            group: args.group.as_deref().map(names::group_name).transpose()?,
            identity: args.identity,
            account_id: args.account_id,
            region: args.region,
            from_addresses: args.from_address,
            configuration_sets: args.configuration_set,
        }),
        Some(Command::Probe(cmd)) => Invocation::Gated(gated::probe(cmd, env)?),
        Some(Command::Aws(cmd)) => Invocation::Gated(gated::aws(cmd, env)?),
        Some(Command::Completions { shell }) => Invocation::Completions(shell),
        Some(Command::Man) => Invocation::Man,
    })
}
