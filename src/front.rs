//! The `aws-front` build (the Debian package's `ses-smtp-password`): the
//! AWS commands' syntax, help, completions and man page without the AWS
//! SDK, which a derivation would otherwise pay for at every start (the
//! loader relocates a binary four times the size). `rotate`, `retire`,
//! `keys` and `sync` run in `ses-smtp-password-aws`, the `aws` build
//! installed beside this binary: settled by clap here, then exec'd with the
//! same arguments and environment, so it is the same process (its pid, its
//! signals, its exit code).
use crate::error::{CliError, CliResult, ExitCode};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;

/// The `aws` build's name beside this binary.
pub const HELPER: &str = "ses-smtp-password-aws";

/// Where the helper is: beside this binary (/proc/self/exe, so a symlink
/// to this binary finds the real one's neighbour).
fn helper() -> CliResult<PathBuf> {
    let me = std::env::current_exe().map_err(|e| CliError::Io(front_error(&e.to_string())))?;
    Ok(me.with_file_name(HELPER))
}

fn front_error(why: &str) -> String {
    format!(
        "the AWS commands run in {HELPER}, installed beside ses-smtp-password, and it could not be run: {why}\n  \
         hint: reinstall the package (it holds both), or install a build with the `aws` feature: \
         cargo install ses-smtp-password --features aws"
    )
}

/// Replaces this process with the helper, given this process's arguments.
/// Returns only when that fails.
pub fn exec_aws() -> CliResult<ExitCode> {
    let path = helper()?;
    let error = std::process::Command::new(&path)
        .arg0(HELPER)
        .args(std::env::args_os().skip(1))
        .exec();
    Err(CliError::Io(front_error(&error.to_string())))
}
