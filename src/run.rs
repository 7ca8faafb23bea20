//! The derive command: find the secret, settle user name and regions,
//! derive, write.

use crate::cli::DeriveArgs as Cli;
use crate::exit_codes::{ExitCode, Failure};
use crate::source::{self, Found};
use anyhow::{Context, Result};
use ses_smtp_credentials::derive::{self, Version};
use ses_smtp_credentials::output::{self, Derived, Format};
use ses_smtp_credentials::region::{self, ResolvedRegion};
use std::io::Write;

/// The AWS documentation's example key: its password works nowhere.
const EXAMPLE_SECRET: &[u8] = b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

pub fn warn(message: &str) {
    let _ = writeln!(std::io::stderr(), "warning: {message}");
}

/// The regions named by `--region` (repeatable), `--all-regions`, or
/// AWS_REGION, then AWS_DEFAULT_REGION; `None` when nothing names one
/// (a profile's region may still).
fn regions(cli: &Cli) -> Result<Option<Vec<ResolvedRegion>>> {
    if cli.regions.all_regions {
        return Ok(Some(
            region::smtp_regions()
                .map(|r| ResolvedRegion {
                    code: r.code.to_string(),
                    known: Some(r),
                })
                .collect(),
        ));
    }
    let (names, from): (Vec<String>, &str) = if !cli.regions.region.is_empty() {
        (cli.regions.region.clone(), "--region")
    } else if let Some((r, from)) = named_region(None) {
        (vec![r], from)
    } else {
        return Ok(None);
    };
    resolve_all(&names, from, cli.regions.allow_unknown_region).map(Some)
}

fn resolve_all(names: &[String], from: &str, allow: bool) -> Result<Vec<ResolvedRegion>> {
    let mut out: Vec<ResolvedRegion> = Vec::with_capacity(names.len());
    for name in names {
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

/// A template is a config snippet; anything larger is the wrong file.
const MAX_TEMPLATE: usize = 64 * 1024;

fn read_template(path: &std::path::Path) -> Result<String> {
    let label = format!("--template {}", ses_smtp_credentials::redact::user_path(path));
    let (mut bytes, _) = source::read_small_file(
        path,
        &source::SmallFile {
            label: &label,
            cap: MAX_TEMPLATE,
            not_a: "a template",
            too_large: ExitCode::Usage,
        },
    )?;
    String::from_utf8(std::mem::take(&mut *bytes))
        .map_err(|_| Failure::new(ExitCode::Usage, format!("{label} is not UTF-8 text")).into())
}

const NO_REGION: &str = "no region given\n  hint: pass --region REGION (SMTP passwords differ per region), or set AWS_REGION";

/// One region named by a flag, else AWS_REGION, else AWS_DEFAULT_REGION,
/// with where it came from (for error messages).
pub fn named_region(flag: Option<&str>) -> Option<(String, &'static str)> {
    flag.map(|r| (r.to_string(), "--region")).or_else(|| {
        non_empty_env("AWS_REGION")
            .map(|r| (r, "AWS_REGION"))
            .or_else(|| non_empty_env("AWS_DEFAULT_REGION").map(|r| (r, "AWS_DEFAULT_REGION")))
    })
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn format_name(format: Format) -> &'static str {
    match format {
        Format::Text => "text",
        Format::Json => "json",
        Format::Env => "env",
        Format::Password => "password",
        Format::SmtpUrl => "smtp-url",
        Format::SmtpsUrl => "smtps-url",
        Format::Postfix => "postfix",
    }
}

fn postfix_hints(region: &ResolvedRegion) {
    let host = region.host();
    let _ = writeln!(
        std::io::stderr(),
        "# /etc/postfix/main.cf settings for this sasl_passwd line:\n\
         relayhost = [{host}]:587\n\
         smtp_sasl_auth_enable = yes\n\
         smtp_sasl_security_options = noanonymous\n\
         smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\n\
         smtp_tls_security_level = encrypt\n\
         smtp_tls_note_starttls_offer = yes\n\
         # then: chmod 600 /etc/postfix/sasl_passwd && postmap hash:/etc/postfix/sasl_passwd && systemctl reload postfix"
    );
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let format = Format::from(cli.format);
    // Settle everything that needs no secret before reading it.
    let named = regions(&cli)?;
    let several = named.as_ref().is_some_and(|r| r.len() > 1);
    if several && (!format.holds_several() || cli.template.is_some()) {
        let what = if cli.template.is_some() {
            "--template".to_string()
        } else {
            format!("--format {}", format_name(format))
        };
        return Err(Failure::new(
            ExitCode::Usage,
            format!("{what} holds one region, and several were asked for\n  hint: use --format json or text for several regions"),
        )
        .into());
    }
    let template = match &cli.template {
        Some(path) => Some(read_template(path)?),
        None => None,
    };
    if let Some(out) = &cli.out {
        crate::out_file::check_target(out, cli.force)?;
    }
    let version = if cli.legacy_v2 {
        Version::V2
    } else {
        Version::V4
    };

    let found: Found = source::find_secret(&cli.secret, true)?;
    let username = source::settle_username(&found, cli.secret.access_key_id.as_deref())?;
    // Test builds only: lets tests/pty.rs prove that a panic with a secret
    // in its payload prints no payload.
    #[cfg(debug_assertions)]
    if std::env::var_os("SES_SMTP_PASSWORD_TEST_PANIC").is_some() {
        panic!(
            "{}",
            String::from_utf8_lossy(found.credentials.secret.expose())
        );
    }
    let regions = match named {
        Some(r) => r,
        None => match &found.profile_region {
            Some(r) => resolve_all(
                std::slice::from_ref(r),
                "the profile's region",
                cli.regions.allow_unknown_region,
            )?,
            None => return Err(Failure::new(ExitCode::Usage, NO_REGION).into()),
        },
    };
    if let Some(out) = &cli.out {
        // Standard input too, whatever it carried: `--out key.txt < key.txt`.
        let mut inputs = found.input_ids.clone();
        inputs.extend(source::stdin_id());
        crate::out_file::check_not_input(out, &inputs)?;
    }

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
    if username.is_none() && template.is_none() {
        if format.needs_username() {
            return Err(Failure::new(
                ExitCode::Usage,
                format!(
                    "--format {} needs the SMTP user name, and the access key ID is unknown\n  hint: pass --access-key-id AKIA… of this secret's key",
                    format_name(format)
                ),
            )
            .into());
        }
        if format == Format::Env {
            warn(
                "the access key ID is unknown, so SMTP_USERNAME is left out; pass --access-key-id",
            );
        }
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
    let rendered = match &template {
        Some(t) => output::render_template(t, &items[0]).map_err(|e| {
            let path = cli
                .template
                .as_deref()
                .map(ses_smtp_credentials::redact::user_path)
                .unwrap_or_default();
            Failure::new(ExitCode::Usage, format!("--template {path}: {e}"))
        })?,
        None => output::render(format, &items, &found.describe())
            .context("could not render the output")?,
    };
    if format == Format::Postfix && template.is_none() {
        postfix_hints(&items[0].region);
    }
    match &cli.out {
        Some(path) => {
            let mode = crate::out_file::write(path, cli.force, rendered.as_bytes())?;
            let _ = writeln!(
                std::io::stderr(),
                "wrote {} (mode {mode:04o})",
                ses_smtp_credentials::redact::user_path(path)
            );
        }
        None => write_stdout(rendered.as_bytes())?,
    }
    Ok(ExitCode::Success)
}

/// A standard output closed at start (`>&-`) is an error, not output
/// silently thrown away.
pub fn check_stdout_open() -> Result<()> {
    if crate::hygiene::stdout_closed() {
        return Err(Failure::new(
            ExitCode::Io,
            "standard output is closed, so nothing was written\n  hint: redirect it to a file or a pipe, or use --out",
        )
        .into());
    }
    Ok(())
}

/// Writes and flushes explicitly: a closed pipe or a full disk is an error
/// the user sees.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    check_stdout_open()?;
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .context("could not write to standard output")
}
