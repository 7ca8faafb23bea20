//! The binary's side of the SMTP login (`probe`, and `rotate`'s check): the
//! target from the settled options (reading `--ca-file`), the transcript of
//! `--verbose`, and the likely causes with the commands that check them.
use super::settle::Connect;
use crate::error::{CliError, CliResult};
use crate::files::{SmallFile, read_small_file};
use ses_smtp_credentials::ResolvedRegion;
use ses_smtp_credentials::{user_path, user_text};
use ses_smtp_login::{Cause, ExtraRoots, Outcome, Target, diagnosis};
use std::io::Write;

/// A CA file is a few certificates; a bundle of every public CA is about
/// 250 KiB.
const MAX_CA_FILE: usize = 1 << 20;

/// The settled connection options, for `region` when no --endpoint names
/// a host. `--ca-file` is read here, just before the first login.
pub fn target(c: &Connect, region: &ResolvedRegion, verbose: bool) -> CliResult<Target> {
    let roots = match &c.ca_file {
        Some(path) => {
            let label = format!("--ca-file {}", user_path(path));
            let (bytes, _) = read_small_file(
                path,
                &SmallFile {
                    label: &label,
                    cap: MAX_CA_FILE,
                    not_a: "a CA certificate file",
                    too_large: CliError::Usage,
                },
            )?;
            ExtraRoots::from_pem(&bytes).map_err(|e| CliError::Usage(format!("{label} {e}")))?
        }
        None => ExtraRoots::none(),
    };
    Ok(Target {
        host: c.host.clone().unwrap_or_else(|| region.host()),
        port: c.port,
        tls: c.tls,
        timeout: c.timeout,
        roots,
        transcript: verbose.then_some(transcript as fn(&str)),
    })
}

fn transcript(line: &str) {
    let _ = writeln!(std::io::stderr(), "probe: {line}");
}

/// Logs in; a TLS set-up failure is a bug here (exit 101).
pub fn probe(
    target: &Target,
    login: &ses_smtp_login::Login<'_>,
) -> CliResult<(Outcome, ses_smtp_login::Facts)> {
    ses_smtp_login::probe(target, login).map_err(|e| CliError::Internal(e.to_string()))
}

/// `host:port`, as messages show it.
pub fn place(target: &Target) -> String {
    format!("{}:{}", user_text(&target.host), target.port)
}

/// The likely causes, most likely first, with the commands that check each.
pub fn advice(outcome: &Outcome, region: &str, port: u16) -> Vec<String> {
    diagnosis(outcome, port)
        .into_iter()
        .map(|cause| match cause {
            Cause::OtherRegion => format!(
                "{cause}: check with `ses-smtp-password verify --region {region}` against the password the application uses"
            ),
            Cause::VersionTwo => format!("{cause}: `ses-smtp-password verify` names one"),
            Cause::KeyNotActive => format!(
                "{cause}: `aws iam list-access-keys --user-name USER` (Status must be Active, the ID must match)"
            ),
            Cause::NotAllowed => format!(
                "{cause} (`ses-smtp-password policy`; check with `aws iam simulate-principal-policy --policy-source-arn USER_ARN --action-names ses:SendRawEmail`)"
            ),
            Cause::InspectingProxy => {
                "a TLS-inspecting proxy in between presents its own certificate: pass its CA with --ca-file".into()
            }
            Cause::VpcEndpoint => format!("{cause}; use --endpoint with the endpoint's DNS name"),
            Cause::NotSes => {
                "the server is not behaving as an SES SMTP endpoint: check --endpoint and --port, and whether a \
                 proxy or mail filter sits in between"
                    .into()
            }
            other => other.to_string(),
        })
        .collect()
}
