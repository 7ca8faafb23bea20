//! `sync`: makes one consumer's file match its store, and tells the
//! consumer when it changed. One read call per store; the file is written
//! only when its content (or mode or group) would change; `--then` runs
//! after a change, and again on the next sync until it succeeds (a marker
//! beside the file, holding no secret, says it is owed).

use super::say;
use super::settle::sync::Sync;
use crate::aws::engine::{self, shown};
use crate::error::{CliError, CliResult, ExitCode};
use crate::files::out::{Perm, Signals, write_as};
use crate::output::{postfix_hints, render};
use crate::probe::login;
use crate::probe::settle::Connect;
use ses_smtp_credentials::{Derived, Version, parse_v4_password, user_path};
use ses_smtp_login::{Login, Outcome, TlsMode};
use ses_smtp_rotation::sdk::consume;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

pub fn run(args: Sync) -> CliResult<ExitCode> {
    let session = engine::connect(None, args.aws_timeout)?;
    let store = shown(&args.store);
    let fetched = consume::fetch(&session, &args.store, &args.stage, args.region.as_deref())?;
    let c = &fetched.credentials;
    // `--region` picks a region's entry of a store that names its regions;
    // without it, the first region's. Where the store names none, it
    // stands in.
    let entry = match &args.region {
        Some(r) if fetched.region_in_store => c.region_entry(r).ok_or_else(|| {
            CliError::Usage(format!(
                "--from {store} holds no password for {r}: it holds {}\n  \
                 hint: name one of those with --region, or rotate with --region {r} added",
                c.regions
                    .iter()
                    .map(|e| e.region.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?,
        _ => &c.regions[0],
    };
    let password = parse_v4_password(entry.password()).map_err(|e| {
        CliError::BadInput(format!(
            "--from {store}: its password for {} is not an SES SMTP V4 password: {e}\n  \
             hint: the store must hold what `ses-smtp-password rotate` writes; nothing was written",
            entry.region.code
        ))
    })?;
    let (host, port) = entry.endpoint();
    let item = Derived::new(
        Some(c.username.clone()),
        password,
        entry.region.clone(),
        Version::V4,
    )
    .at(host.clone(), port);
    let rendered = render(
        &args.shape,
        std::slice::from_ref(&item),
        &format!("--from {store}"),
    )?;
    let marker = marker(&args.out);
    if holds(&args.out, rendered.as_bytes(), args.mode, args.group)? {
        match &args.then {
            Some(command) if marker.exists() => {
                say("unchanged; --then did not succeed after the last change: running it again");
                return then(command, &args.out, &fetched.version, &marker);
            }
            _ => {
                say("unchanged");
                return Ok(ExitCode::Success);
            }
        }
    }
    if let Some(p) = &args.probe {
        let connect = Connect {
            host: Some(host),
            port,
            tls: match p.tls.or_else(|| TlsMode::for_port(port)) {
                Some(t) => t,
                None => {
                    return Err(CliError::Usage(format!(
                        "--from {store} names port {port}, which is not an SES SMTP port\n  \
                         hint: say how TLS starts there with --tls starttls or --tls implicit"
                    )));
                }
            },
            timeout: p.timeout,
            ca_file: p.ca_file.clone(),
        };
        check_login(&connect, &item)?;
    }
    // The main.cf settings once, when the map is first written.
    if !args.out.exists() {
        postfix_hints(&args.shape, &item, Some(&args.out));
    }
    let mode = write_as(
        &args.out,
        true,
        rendered.as_bytes(),
        Signals::Die,
        &[],
        Perm {
            mode: args.mode,
            group: args.group,
        },
    )?;
    say(&format!(
        "wrote {} (mode {mode:04o}): the credentials of --from {store} changed (version {})",
        user_path(&args.out),
        ses_smtp_credentials::user_text(&fetched.version)
    ));
    match &args.then {
        Some(command) => {
            std::fs::write(&marker, b"--then is owed for this file\n").map_err(CliError::io(
                format!("could not write the marker {}", user_path(&marker)),
            ))?;
            then(command, &args.out, &fetched.version, &marker)
        }
        None => Ok(ExitCode::Success),
    }
}

/// `.NAME.sync-then` beside the file: `--then` is owed for it.
fn marker(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    out.with_file_name(format!(".{name}.sync-then"))
}

/// Whether the file holds exactly `bytes`, with `mode` and `group` (read
/// at most one byte more than `bytes`; the content is wiped after).
fn holds(path: &Path, bytes: &[u8], mode: u32, group: Option<u32>) -> CliResult<bool> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => {
            return Err(CliError::io(format!(
                "could not read --out {}",
                user_path(path)
            ))(e));
        }
    };
    let meta = file.metadata().map_err(CliError::io(format!(
        "could not read --out {}",
        user_path(path)
    )))?;
    if !meta.is_file()
        || meta.mode() & 0o7777 != mode
        || group.is_some_and(|g| g != meta.gid())
        || meta.len() != bytes.len() as u64
    {
        return Ok(false);
    }
    let mut now = zeroize::Zeroizing::new(Vec::with_capacity(bytes.len() + 1));
    (&mut file)
        .take(bytes.len() as u64 + 1)
        .read_to_end(&mut now)
        .map_err(CliError::io(format!(
            "could not read --out {}",
            user_path(path)
        )))?;
    Ok(now.as_slice() == bytes)
}

/// Runs `--then` with `/bin/sh -c`, its output passing through; removes
/// the marker once it succeeds. What the AWS calls left is ended first, and
/// what the command leaves running (a daemon a reload starts) is not
/// adopted, so it is left to run.
fn then(command: &str, out: &Path, version: &str, marker: &Path) -> CliResult<ExitCode> {
    engine::stop_adopting();
    let status = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(command)
        .env("SES_SMTP_SYNC_FILE", out)
        .env("SES_SMTP_SYNC_VERSION", version)
        .stdin(std::process::Stdio::null())
        .status();
    let failed = |why: String| CliError::Failed {
        code: crate::error::ExitCode::Then,
        message: format!(
            "--then {why}; {} holds the new credentials (the old key still works until the next rotation), \
             and the next sync runs --then again\n  hint: fix the command, then run sync again",
            user_path(out)
        ),
    };
    match status {
        Ok(s) if s.success() => {
            let _ = std::fs::remove_file(marker);
            say("--then succeeded");
            Ok(ExitCode::Success)
        }
        Ok(s) => Err(failed(
            match (s.code(), std::os::unix::process::ExitStatusExt::signal(&s)) {
                (Some(126), _) => "could not be run (exit status 126: not executable)".into(),
                (Some(127), _) => "could not be run (exit status 127: command not found)".into(),
                (Some(code), _) => format!("failed with exit status {code}"),
                (None, Some(sig)) => format!("was killed by signal {sig}"),
                (None, None) => "failed".into(),
            },
        )),
        Err(e) => Err(failed(format!("could not be started: /bin/sh: {e}"))),
    }
}

/// One login with the pair read: SES must accept it before the file
/// changes.
fn check_login(connect: &Connect, item: &Derived) -> CliResult<()> {
    let target = login::target(connect, &item.region, false)?;
    let username = item.username.as_ref().map_or("", |u| u.as_str());
    let (outcome, _) = login::probe(
        &target,
        &Login {
            username,
            password: item.password.expose(),
        },
    )?;
    let place = login::place(&target);
    if let Outcome::Accepted { .. } = &outcome {
        say(&format!("--probe: {place} accepted the credentials"));
        return Ok(());
    }
    let (code, what) = super::engine::login_failure(&outcome);
    Err(CliError::Failed {
        code,
        message: format!(
            "--probe: the login to {place} with the credentials read {what}: nothing was written"
        ),
    })
}
