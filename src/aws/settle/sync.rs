//! `sync`: which store, which file, how it is written, what runs after.
use crate::cli::aws::SyncArgs;
use crate::error::{CliError, CliResult};
use crate::probe::settle::seconds;
use crate::settle::names::store_as;
use crate::settle::output::{OutputShape, template};
use ses_smtp_rotation::Store;
use ses_smtp_rotation::stages;
use std::path::PathBuf;
use std::time::Duration;

/// `sync --probe`: the login's TLS (by the store's port unless given),
/// timeout and extra CA.
pub struct SyncProbe {
    pub tls: Option<ses_smtp_login::TlsMode>,
    pub timeout: Duration,
    pub ca_file: Option<PathBuf>,
}

pub struct Sync {
    pub aws_timeout: Duration,
    pub store: Store,
    /// The label of the secret's version to read.
    pub stage: String,
    /// `--region`, for a store that names none.
    pub region: Option<String>,
    pub shape: OutputShape,
    pub out: PathBuf,
    /// The file's mode (0600 unless `--mode`).
    pub mode: u32,
    /// `--group`, resolved to its ID.
    pub group: Option<u32>,
    /// `--probe`: how to log in at the store's host and port.
    pub probe: Option<SyncProbe>,
    pub then: Option<String>,
}

/// `--mode`: octal, the owner's read and write, and at most the group's
/// read and write besides: never a bit for others, execute, or setuid.
fn mode(text: Option<&str>) -> CliResult<u32> {
    let Some(text) = text else { return Ok(0o600) };
    let bad = || {
        CliError::Usage(
            "--mode must be an octal mode giving the owner read and write and at most the group read and write (0600, 0640 or 0660): never a bit for others"
                .into(),
        )
    };
    let m = u32::from_str_radix(text, 8).map_err(|_| bad())?;
    if text.is_empty() || text.len() > 4 || m & !0o660 != 0 || m & 0o600 != 0o600 {
        return Err(bad());
    }
    Ok(m)
}

fn group(name: Option<&str>) -> CliResult<Option<u32>> {
    let Some(name) = name else { return Ok(None) };
    match nix::unistd::Group::from_name(name) {
        Ok(Some(g)) => Ok(Some(g.gid.as_raw())),
        _ => Err(CliError::Usage(format!(
            "--group {}: no such group on this machine",
            ses_smtp_credentials::user_text(name)
        ))),
    }
}

pub fn sync(args: SyncArgs) -> CliResult<Sync> {
    let store = store_as("--from", "", &args.from)?;
    if args.version_stage.is_some() && !matches!(store, Store::SecretsManager(_)) {
        return Err(CliError::Usage(
            "--version-stage is for a secretsmanager: store (parameters have no labels)".into(),
        ));
    }
    if let Some(r) = &args.region {
        ses_smtp_credentials::region::resolve(r, false).map_err(CliError::region("--region"))?;
    }
    let shape = match &args.template {
        Some(path) => template(path)?,
        None => OutputShape::Format(args.format),
    };
    crate::files::out::check_target(&args.out, true)?;
    Ok(Sync {
        aws_timeout: Duration::from_secs(seconds("--aws-timeout", args.aws_timeout, 1)?),
        stage: args
            .version_stage
            .unwrap_or_else(|| stages::CURRENT.to_string()),
        store,
        region: args.region,
        shape,
        out: args.out,
        mode: mode(args.mode.as_deref())?,
        group: group(args.group.as_deref())?,
        probe: match args.probe {
            true => Some(SyncProbe {
                tls: args.tls,
                timeout: Duration::from_secs(seconds("--timeout", args.timeout, 1)?),
                ca_file: args.ca_file,
            }),
            false => None,
        },
        then: args.then,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_widen_only_for_the_group() {
        assert_eq!(mode(None).unwrap(), 0o600);
        for (text, m) in [
            ("0600", 0o600),
            ("0640", 0o640),
            ("660", 0o660),
            ("0620", 0o620),
        ] {
            assert_eq!(mode(Some(text)).unwrap(), m, "{text}");
        }
        for text in [
            "0644", "0666", "0700", "0400", "4600", "0604", "rw", "", "00600",
        ] {
            assert!(mode(Some(text)).is_err(), "{text}");
        }
    }
}
