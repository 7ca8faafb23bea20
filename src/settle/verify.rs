//! `verify`: where the password comes from.

use super::env::Env;
use super::regions::one_region;
use super::report::ReportFormat;
use super::secret::{Secret, secret};
use crate::cli;
use crate::error::{CliError, CliResult};
use ses_smtp_credentials::ResolvedRegion;
use std::path::PathBuf;

/// Where verify's password comes from.
pub enum PasswordSource {
    File(PathBuf),
    Stdin,
    /// SES_SMTP_PASSWORD.
    Env,
    Prompt,
}

pub struct Verify {
    pub secret: Secret,
    pub region: Option<ResolvedRegion>,
    pub password: PasswordSource,
    pub report: ReportFormat,
}

pub(crate) fn verify(args: cli::VerifyArgs, env: &Env) -> CliResult<Verify> {
    let region = one_region(args.region, args.allow_unknown_region, env)?;
    let password = match args.password_file {
        Some(p) if p.as_os_str() == "-" => PasswordSource::Stdin,
        Some(p) => PasswordSource::File(p),
        None if env.var_os("SES_SMTP_PASSWORD").is_some() => PasswordSource::Env,
        None => PasswordSource::Prompt,
    };
    let password_on_stdin = matches!(password, PasswordSource::Stdin);
    let secret_on_stdin = args
        .secret
        .secret_file
        .as_ref()
        .is_some_and(|p| p.as_os_str() == "-");
    if password_on_stdin && secret_on_stdin {
        return Err(CliError::Usage(
            "standard input cannot carry both the secret and the password\n  hint: give one of them with a file".into(),
        ));
    }
    Ok(Verify {
        secret: secret(args.secret, env, !password_on_stdin),
        region,
        password,
        report: args.format.into(),
    })
}
