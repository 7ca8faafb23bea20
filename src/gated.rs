//! The commands behind cargo features, in one place: settled and run where
//! the build has them, refused where it has not. `probe` needs the `probe`
//! feature; `rotate`, `retire`, `keys` and `sync` need `aws` (or run in the
//! `aws` build beside an `aws-front` one: `crate::front`). Every other
//! file is the same in every build, but for `crate::cli`'s stand-ins and
//! `crate::error`'s one AWS variant.

use crate::cli::aws::AwsCommand;
use crate::cli::probe::ProbeCommand;
use crate::error::{CliResult, ExitCode};
use crate::settle::Env;

/// A settled command of a feature.
pub enum Gated {
    #[cfg(feature = "probe")]
    Probe(crate::probe::settle::Probe),
    #[cfg(feature = "aws")]
    Aws(crate::aws::AwsInvocation),
    /// An AWS command in the `aws-front` build: run by the `aws` build.
    #[cfg(all(feature = "aws-front", not(feature = "aws")))]
    Front,
}

/// `probe`, settled; refused in a build without it.
pub fn probe(cmd: ProbeCommand, env: &Env) -> CliResult<Gated> {
    #[cfg(feature = "probe")]
    {
        let ProbeCommand::Probe(args) = cmd;
        Ok(Gated::Probe(crate::probe::settle::probe(args, env)?))
    }
    #[cfg(not(feature = "probe"))]
    {
        let _ = (cmd, env);
        Err(crate::error::CliError::Usage(
            "this build of ses-smtp-password has no probe (it was built without the `probe` feature)\n  \
             hint: install a build with it: cargo install ses-smtp-password (probe is a default feature)"
                .into(),
        ))
    }
}

/// An AWS command, settled; handed to the `aws` build by an `aws-front`
/// one; refused in a build with neither.
pub fn aws(cmd: AwsCommand, env: &Env) -> CliResult<Gated> {
    #[cfg(feature = "aws")]
    {
        Ok(Gated::Aws(crate::aws::settle(cmd, env)?))
    }
    #[cfg(all(feature = "aws-front", not(feature = "aws")))]
    {
        let _ = (cmd, env);
        Ok(Gated::Front)
    }
    #[cfg(not(any(feature = "aws", feature = "aws-front")))]
    {
        let _ = (cmd, env);
        Err(crate::error::CliError::Usage(
            "this build of ses-smtp-password has no AWS commands (rotate, retire, keys, sync): it was built without the `aws` feature\n  \
             hint: install a build with it: cargo install ses-smtp-password --features aws"
                .into(),
        ))
    }
}

/// Runs a settled command of a feature.
pub fn run(gated: Gated, env: &Env) -> CliResult<ExitCode> {
    let _ = env;
    match gated {
        #[cfg(feature = "probe")]
        Gated::Probe(args) => crate::probe::run(args, env),
        #[cfg(feature = "aws")]
        Gated::Aws(invocation) => crate::aws::run(invocation),
        #[cfg(all(feature = "aws-front", not(feature = "aws")))]
        Gated::Front => crate::front::exec_aws(),
    }
}
