//! The subcommands that print what the tool knows: the region table, the
//! least-privilege policy, shell completions and the man page.

use crate::cli::Cli;
use crate::error::{CliError, CliResult, ExitCode};
use crate::settle::{Operator, Policy, ReportFormat, RotatorPolicy};
use crate::terminal::write_stdout;
use clap::CommandFactory;
use ses_smtp_credentials::region::{self, REGIONS, STARTTLS_PORTS, TLS_WRAPPER_PORTS};
use ses_smtp_rotation::Store;

pub fn regions(report: ReportFormat) -> CliResult<ExitCode> {
    let text = match report {
        ReportFormat::Json => {
            let rows: Vec<serde_json::Value> = REGIONS
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "region": r.code,
                        "name": r.name,
                        "smtp": r.smtp,
                        "host": r.smtp_host(),
                        "fips_host": r.fips_host(),
                        "ports": r.smtp.then(|| serde_json::json!({
                            "starttls": STARTTLS_PORTS,
                            "tls_wrapper": TLS_WRAPPER_PORTS,
                        })),
                    })
                })
                .collect();
            format!(
                "{}\n",
                serde_json::to_string_pretty(&rows)
                    .map_err(|e| CliError::Internal(e.to_string()))?
            )
        }
        ReportFormat::Text => {
            // The name column fits the longest name.
            let w = REGIONS
                .iter()
                .map(|r| r.name.chars().count() + 2)
                .max()
                .unwrap_or(0)
                .max(28);
            let mut s = format!(
                "SES SMTP regions (source: {}; checked {})\n\n{:<16}{:<w$}{:<44}{}\n",
                region::TABLE_SOURCE,
                region::TABLE_DATE,
                "REGION",
                "NAME",
                "SMTP HOST",
                "FIPS HOST"
            );
            for r in REGIONS {
                let host = r
                    .smtp_host()
                    .unwrap_or_else(|| "no SMTP endpoint (SES API only)".into());
                let fips = r.fips_host().unwrap_or_else(|| "-".into());
                let row = format!("{:<16}{:<w$}{:<44}{}", r.code, r.name, host, fips);
                s.push_str(row.trim_end());
                s.push('\n');
            }
            s.push_str("\nPorts: STARTTLS 587, 25, 2587; TLS wrapper (implicit TLS) 465, 2465\n");
            s
        }
    };
    write_stdout(text.as_bytes())?;
    Ok(ExitCode::Success)
}

pub fn policy(args: Policy) -> CliResult<ExitCode> {
    use ses_smtp_rotation::{SendingScope, sending_policy};
    if let Some(operator) = &args.rotation {
        return operator_policy(&args, operator);
    }
    if let Some(rotator) = &args.rotator {
        return rotator_policy(&args, rotator);
    }
    if let Some((store, kms_key)) = &args.sync {
        return reader_policy(&args, store, kms_key.as_deref());
    }
    if let Some(r) = &args.region {
        region::resolve(r, true).map_err(CliError::region("--region"))?;
    }
    let mut scope = SendingScope::default();
    scope.identity = args.identity.as_deref();
    scope.account_id = args.account_id.as_deref();
    scope.region = args.region.as_deref();
    scope.from_addresses = &args.from_addresses;
    scope.configuration_sets = &args.configuration_sets;
    let doc = sending_policy(&scope).map_err(CliError::Policy)?;
    write_stdout(format!("{doc}\n").as_bytes())?;
    if let Some(group) = &args.group {
        // The policy alone on stdout (to be saved); how to grant it, on
        // stderr. The name is checked: [\w+=,.@-] needs no quoting.
        crate::terminal::hint(&format!(
            "save the policy above as ses-send.json, then grant it to group {group} and put the SMTP user in it:\n  \
             aws iam put-group-policy --group-name {group} --policy-name ses-smtp-send --policy-document file://ses-send.json\n  \
             aws iam add-user-to-group --group-name {group} --user-name USER"
        ));
    }
    Ok(ExitCode::Success)
}

/// `policy --rotation`: what the operator who rotates needs.
fn operator_policy(args: &Policy, operator: &Operator) -> CliResult<ExitCode> {
    use ses_smtp_rotation::{OperatorScope, operator_policy};
    if let Some(r) = &args.region {
        region::resolve(r, true).map_err(CliError::region("--region"))?;
    }
    let account = args.account_id.as_deref().unwrap_or_default();
    let mut scope = OperatorScope::new(&operator.user, account);
    scope.user_path = Some(&operator.path);
    scope.stores = &operator.stores;
    scope.region = args.region.as_deref();
    scope.kms_key = operator.kms_key.as_deref();
    let doc = operator_policy(&scope).map_err(|e| CliError::Usage(crate::hints::rotation(&e)))?;
    write_stdout(format!("{doc}\n").as_bytes())?;
    Ok(ExitCode::Success)
}

/// `policy --rotator`: what the scheduled rotation function needs.
fn rotator_policy(args: &Policy, rotator: &RotatorPolicy) -> CliResult<ExitCode> {
    use ses_smtp_rotation::{RotatorScope, rotator_policy};
    let region = args.region.as_deref().unwrap_or_default();
    region::resolve(region, true).map_err(CliError::region("--region"))?;
    let account = args.account_id.as_deref().unwrap_or_default();
    let mut scope = RotatorScope::new(&rotator.user, account, &rotator.secret, region);
    scope.user_path = Some(&rotator.path);
    scope.kms_key = rotator.kms_key.as_deref();
    if let Some(name) = &rotator.function_name {
        scope.function_name = name;
    }
    let doc = rotator_policy(&scope).map_err(|e| CliError::Usage(crate::hints::rotation(&e)))?;
    write_stdout(format!("{doc}\n").as_bytes())?;
    Ok(ExitCode::Success)
}

/// `policy --sync`: what a consumer that reads one store needs. A secret
/// given by ARN gives the account and region.
fn reader_policy(args: &Policy, store: &Store, kms_key: Option<&str>) -> CliResult<ExitCode> {
    use ses_smtp_rotation::{ReaderScope, reader_policy};
    let account = args
        .account_id
        .as_deref()
        .or(store.arn_account())
        .ok_or_else(|| {
            CliError::Usage("policy --sync needs --account-id (or a secret's ARN)".into())
        })?;
    let region = args
        .region
        .as_deref()
        .or(store.arn_region())
        .ok_or_else(|| {
            CliError::Usage("policy --sync needs --region (or a secret's ARN)".into())
        })?;
    region::resolve(region, true).map_err(CliError::region("--region"))?;
    let mut scope = ReaderScope::new(store, account, region);
    scope.kms_key = kms_key;
    let doc = reader_policy(&scope).map_err(|e| CliError::Usage(crate::hints::rotation(&e)))?;
    write_stdout(format!("{doc}\n").as_bytes())?;
    Ok(ExitCode::Success)
}

pub fn completions(shell: clap_complete::Shell) -> CliResult<ExitCode> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "ses-smtp-password", &mut buf);
    write_stdout(&buf)?;
    Ok(ExitCode::Success)
}

pub fn man() -> CliResult<ExitCode> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(CliError::io("could not render the man page"))?;
    write_stdout(&buf)?;
    Ok(ExitCode::Success)
}
