//! `probe`: log in to the SES SMTP endpoint with the derived credentials and
//! report what happened, with the likely causes when it failed.

mod endpoint;
pub mod login;
pub mod settle;

use crate::error::{CliError, CliResult, ExitCode};
use crate::settle::{Env, ReportFormat};
use crate::source;
use crate::terminal::write_stdout;
use ses_smtp_credentials::derive_v4;
use ses_smtp_login::{Login, Outcome};
use settle::Probe;

pub fn run(args: Probe, env: &Env) -> CliResult<ExitCode> {
    let found = source::find_secret(&args.secret, env)?;
    let username = args
        .username
        .apply(source::settle_username(
            &found,
            args.secret.access_key_id.as_deref(),
        )?)?
        .ok_or_else(|| CliError::Internal("the user name rule let none through".into()))?;
    let mut regions = args.region.or_profile(found.profile_region.as_deref())?;
    let region = regions.remove(0);
    let (port, tls) = (args.connect.port, args.connect.tls);
    let password = derive_v4(&found.credentials.secret, &region.code);
    let target = login::target(&args.connect, &region, args.verbose)?;
    let login = Login {
        username: username.as_str(),
        password: password.expose(),
    };
    let (outcome, facts) = login::probe(&target, &login)?;
    let advice = login::advice(&outcome, &region.code, port);
    let text = match args.report {
        ReportFormat::Json => {
            let v = serde_json::json!({
                "accepted": matches!(outcome, Outcome::Accepted { .. }),
                "outcome": outcome.kind(),
                "code": outcome.code(),
                "reply": outcome.reply(),
                "detail": outcome.detail(),
                "host": target.host,
                "port": target.port,
                "tls": tls.name(),
                "tls_version": facts.tls_version,
                "mechanism": facts.mechanism,
                "username": username.as_str(),
                "region": region.code,
                "diagnosis": advice,
            });
            format!("{v}\n")
        }
        ReportFormat::Text => {
            let place = login::place(&target);
            let mut t = match &outcome {
                Outcome::Accepted { code, reply } => {
                    format!("accepted: {place} answered {code} {reply} to {username}\n")
                }
                Outcome::Rejected { code, reply } => {
                    format!("rejected: {place} answered {code} {reply}\n")
                }
                Outcome::Temporary { code, reply } => {
                    format!("temporary failure: {place} answered {code} {reply}\n")
                }
                Outcome::Tls { detail } => format!("TLS failure with {place}: {detail}\n"),
                Outcome::Network { detail, .. } => {
                    format!("network failure with {place}: {detail}\n")
                }
                Outcome::Protocol { detail } => {
                    format!("protocol failure with {place}: {detail}\n")
                }
            };
            if matches!(outcome, Outcome::Accepted { .. }) {
                t.push_str(&format!("  {}\n", advice[0]));
            } else {
                t.push_str("  likely causes, most likely first:\n");
                for (i, a) in advice.iter().enumerate() {
                    t.push_str(&format!("  {}. {a}\n", i + 1));
                }
            }
            t
        }
    };
    write_stdout(text.as_bytes())?;
    Ok(match outcome {
        Outcome::Accepted { .. } => ExitCode::Success,
        Outcome::Rejected { .. } => ExitCode::Rejected,
        Outcome::Temporary { .. } => ExitCode::Temporary,
        _ => ExitCode::Network,
    })
}
