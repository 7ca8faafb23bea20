//! The AWS commands (`rotate`, `retire`, `keys`, `sync`; the `aws`
//! feature), each settled and run here: `settle` for their arguments,
//! `engine` for the rotation engine's session and messages.

mod engine;
mod interrupts;
mod keys;
mod recover;
mod retire;
mod rotate;
mod settle;
mod sync;
mod table;
pub use interrupts::{Interrupts, interrupted, interrupted_error, say};

use crate::cli::aws::AwsCommand;
use crate::error::{CliResult, ExitCode};

/// An AWS command, settled.
pub enum AwsInvocation {
    Rotate(settle::Rotate),
    Recover(settle::Recover),
    Retire(settle::Retire),
    Keys(settle::Keys),
    Sync(settle::sync::Sync),
}

/// Settles an AWS command's arguments.
pub fn settle(cmd: AwsCommand, env: &crate::settle::Env) -> CliResult<AwsInvocation> {
    Ok(match cmd {
        AwsCommand::Rotate(args) if args.recover => {
            AwsInvocation::Recover(settle::recover(&args, env)?)
        }
        AwsCommand::Rotate(args) => AwsInvocation::Rotate(settle::rotate(args, env)?),
        AwsCommand::Retire(args) => AwsInvocation::Retire(settle::retire(args, env)?),
        AwsCommand::Keys(args) => AwsInvocation::Keys(settle::keys(args, env)?),
        AwsCommand::Sync(args) => AwsInvocation::Sync(settle::sync::sync(args)?),
    })
}

/// Runs a settled AWS command, ending any helper it left running.
pub fn run(invocation: AwsInvocation) -> CliResult<ExitCode> {
    engine::ending_helpers(|| match invocation {
        AwsInvocation::Rotate(args) => rotate::run(args),
        AwsInvocation::Recover(args) => recover::run(args),
        AwsInvocation::Retire(args) => retire::run(args),
        AwsInvocation::Keys(args) => keys::run(args),
        AwsInvocation::Sync(args) => sync::run(args),
    })
}
