//! The derive command: find the secret, settle user name and regions,
//! derive, write.

use crate::cli::DeriveArgs as Cli;
use crate::exit_codes::{ExitCode, Failure};
use crate::source::{self, Found};
use anyhow::{Context, Result};
use ses_smtp_password::derive::{self, Version};
use ses_smtp_password::output::{self, Derived, Format};
use ses_smtp_password::region::{self, ResolvedRegion};
use std::io::Write;

/// The AWS documentation's example key: its password works nowhere.
const EXAMPLE_SECRET: &[u8] = b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

pub fn warn(message: &str) {
    let _ = writeln!(std::io::stderr(), "warning: {message}");
}

/// `--region` (repeatable), `--all-regions`, or AWS_REGION, then
/// AWS_DEFAULT_REGION.
fn regions(cli: &Cli) -> Result<Vec<ResolvedRegion>> {
    let allow = cli.regions.allow_unknown_region;
    if cli.regions.all_regions {
        return Ok(region::smtp_regions()
            .map(|r| ResolvedRegion {
                code: r.code.to_string(),
                known: Some(r),
            })
            .collect());
    }
    let (names, from): (Vec<String>, &str) = if !cli.regions.region.is_empty() {
        (cli.regions.region.clone(), "--region")
    } else if let Some(r) = non_empty_env("AWS_REGION") {
        (vec![r], "AWS_REGION")
    } else if let Some(r) = non_empty_env("AWS_DEFAULT_REGION") {
        (vec![r], "AWS_DEFAULT_REGION")
    } else {
        return Err(Failure::new(
            ExitCode::Usage,
            "no region given\n  hint: pass --region REGION (SMTP passwords differ per region), or set AWS_REGION",
        )
        .into());
    };
    let mut out: Vec<ResolvedRegion> = Vec::with_capacity(names.len());
    for name in &names {
        let r = region::resolve(name, allow).with_context(|| from.to_string())?;
        if r.known.is_none() {
            warn(&format!(
                "{} is not an SMTP region in this tool's table ({}); derived as asked, so check that AWS lists \
                 {} before relying on it",
                r.code,
                region::TABLE_DATE,
                r.host()
            ));
        }
        if !out.contains(&r) {
            out.push(r);
        }
    }
    Ok(out)
}

pub fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let format = Format::from(cli.format);
    // Settle everything that needs no secret before reading it.
    let regions = regions(&cli)?;
    if regions.len() > 1 && !format.holds_several() {
        return Err(Failure::new(
            ExitCode::Usage,
            format!(
                "--format {} holds one region, and {} were asked for\n  hint: use --format json or text for several regions",
                match format {
                    Format::Env => "env",
                    _ => "password",
                },
                regions.len()
            ),
        )
        .into());
    }
    let version = if cli.legacy_v2 {
        Version::V2
    } else {
        Version::V4
    };

    let found: Found = source::find_secret(&cli.secret, true)?;
    let username = source::settle_username(&found, cli.secret.access_key_id.as_deref())?;

    if version == Version::V2 {
        warn(
            "version 2 SMTP passwords are deprecated and SES rejects them; use this only to recognise \
             old credentials, and the default (version 4) for anything new",
        );
    }
    if found.credentials.secret.expose() == EXAMPLE_SECRET {
        warn(
            "this is the example key from the AWS documentation; its password is for trying the tool, and works nowhere",
        );
    }
    if username.is_none() && format == Format::Env {
        warn("the access key ID is unknown, so SMTP_USERNAME is left out; pass --access-key-id");
    }

    let items: Vec<Derived> = regions
        .into_iter()
        .map(|region| Derived {
            username: username.clone(),
            password: derive::derive(&found.credentials.secret, version, &region.code),
            region,
            version,
        })
        .collect();
    let rendered =
        output::render(format, &items, &found.describe()).context("could not render the output")?;
    write_stdout(rendered.as_bytes())?;
    Ok(ExitCode::Success)
}

/// Writes and flushes explicitly: a closed pipe or a full disk is an error
/// the user sees.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .context("could not write to standard output")
}
