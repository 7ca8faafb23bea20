//! One file per subcommand; each takes the settled invocation's plain
//! values, never clap's types. `probe` (`crate::probe`) and the AWS
//! commands (`crate::aws`) own their settling and running, behind their
//! features (`crate::gated`).

mod derive;
mod info;
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
        Invocation::Gated(gated) => crate::gated::run(gated, env),
        Invocation::Completions(shell) => info::completions(shell),
        Invocation::Man => info::man(),
    }
}
