//! One file per subcommand; each takes the settled invocation's plain
//! values, never clap's types.

mod derive;
mod info;
#[cfg(feature = "aws")]
mod keys;
#[cfg(feature = "probe")]
mod probe;
#[cfg(feature = "aws")]
mod recover;
#[cfg(feature = "aws")]
mod retire;
#[cfg(feature = "aws")]
mod rotate;
#[cfg(feature = "aws")]
mod sync;
mod vectors;
mod verify;

use crate::cli::{Cli, report};
use crate::error::{CliResult, ExitCode};
use crate::settle::{self, Env, Invocation};

/// Parse, settle, run, and map the error to an exit code in one place.
pub fn main() -> ExitCode {
    use clap::Parser;
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return report::clap_error(e),
    };
    let env = Env::of_process();
    settle::settle(cli, &env)
        .and_then(|invocation| run(invocation, &env))
        .unwrap_or_else(|e| e.report())
}

/// Runs one invocation.
pub fn run(invocation: Invocation, env: &Env) -> CliResult<ExitCode> {
    match invocation {
        Invocation::Derive(args) => derive::run(args, env),
        Invocation::Verify(args) => verify::run(args, env),
        Invocation::VectorsCheck(files) => vectors::check(&files),
        Invocation::VectorsGenerate { count, seed, v2 } => {
            vectors::generate(count, seed.as_deref(), v2)
        }
        Invocation::Regions(report) => info::regions(report),
        Invocation::Policy(args) => info::policy(args),
        #[cfg(feature = "probe")]
        Invocation::Probe(args) => probe::run(args, env),
        #[cfg(feature = "aws")]
        Invocation::Rotate(args) => crate::aws::ending_helpers(|| rotate::run(args)),
        #[cfg(feature = "aws")]
        Invocation::Recover(args) => crate::aws::ending_helpers(|| recover::run(args)),
        #[cfg(feature = "aws")]
        Invocation::Retire(args) => crate::aws::ending_helpers(|| retire::run(args)),
        #[cfg(feature = "aws")]
        Invocation::Keys(args) => crate::aws::ending_helpers(|| keys::run(args)),
        #[cfg(feature = "aws")]
        Invocation::Sync(args) => crate::aws::ending_helpers(|| sync::run(args)),
        #[cfg(all(feature = "aws-front", not(feature = "aws")))]
        Invocation::Aws => crate::front::exec_aws(),
        Invocation::Completions(shell) => info::completions(shell),
        Invocation::Man => info::man(),
    }
}
