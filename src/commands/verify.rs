//! `verify`: is this SMTP password this key's, for this region? And if not,
//! what is it?

use crate::error::{CliError, CliResult, ExitCode};
use crate::files;
use crate::settle::{Env, PasswordSource, ReportFormat, Verify};
use crate::source;
use crate::terminal::{prompt_hidden, write_stdout};
use ses_smtp_credentials::MAX_INPUT;
use ses_smtp_credentials::user_path;
use ses_smtp_credentials::verify;
use std::fs::File;
use zeroize::Zeroizing;

/// The password to verify: --password-file, SES_SMTP_PASSWORD, or a prompt.
fn read_password(source: &PasswordSource, env: &Env) -> CliResult<Zeroizing<Vec<u8>>> {
    let mut bytes = if let PasswordSource::File(_) | PasswordSource::Stdin = source {
        let mut b = match source {
            PasswordSource::File(path) => {
                let shown = user_path(path);
                let f = File::open(path).map_err(CliError::io(format!(
                    "could not open --password-file {shown}"
                )))?;
                files::read_capped(f).map_err(CliError::io(format!(
                    "could not read --password-file {shown}"
                )))?
            }
            _ => files::read_stdin()?,
        };
        // A text file's one final newline is not part of the password.
        if b.last() == Some(&b'\n') {
            let keep = b.len() - 1;
            b.truncate(keep);
        }
        b
    } else if let Some(b) = source::env_bytes(env, "SES_SMTP_PASSWORD") {
        b
    } else if env.has_tty() {
        let typed = prompt_hidden("SES SMTP password to verify (input hidden): ").map_err(
            CliError::io("could not read the password from the terminal"),
        )?;
        let mut b = Zeroizing::new(Vec::with_capacity(typed.len()));
        b.extend_from_slice(typed.as_bytes());
        b
    } else {
        return Err(CliError::NoInput(
            "no SMTP password to verify was given\n  hint: use --password-file PATH, or set SES_SMTP_PASSWORD, or run on a terminal to be asked".into(),
        ));
    };
    if bytes.len() > MAX_INPUT {
        bytes.truncate(0);
        return Err(CliError::BadInput(format!(
            "the password input is larger than {MAX_INPUT} bytes"
        )));
    }
    Ok(bytes)
}

pub fn run(args: Verify, env: &Env) -> CliResult<ExitCode> {
    let password = read_password(&args.password, env)?;
    let found = source::find_secret(&args.secret, env)?;
    source::settle_username(&found, args.secret.access_key_id.as_deref())?;
    let verdict = verify(
        &found.credentials.secret,
        &password,
        args.region.as_ref().map(|r| r.code.as_str()),
    );
    let out = match args.report {
        ReportFormat::Text => format!("{verdict}\n"),
        ReportFormat::Json => {
            let v = serde_json::json!({
                "match": verdict.is_match(),
                "version": verdict.version(),
                "region": verdict.region(),
                "reason": verdict.reason(),
                "message": verdict.to_string(),
            });
            format!("{v}\n")
        }
    };
    write_stdout(out.as_bytes())?;
    Ok(if verdict.is_match() {
        ExitCode::Success
    } else {
        ExitCode::Mismatch
    })
}
