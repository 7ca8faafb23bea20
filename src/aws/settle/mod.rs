//! `rotate`, `retire` and `keys`: whose keys, which stores, how long to wait.
pub mod sync;

use crate::cli::aws::{KeysArgs, RetireArgs, RotateArgs};
use crate::error::{CliError, CliResult};
use crate::probe::settle::{Connect, connect_to, seconds};
use crate::settle::Env;
use crate::settle::ReportFormat;
use crate::settle::names::{stores, user_name};
use crate::settle::output::{Destination, OutputShape, output};
use ses_smtp_credentials::{ResolvedRegion, region};
use ses_smtp_rotation::{MAX_REGIONS, Store, UserName};
use std::path::PathBuf;
use std::time::Duration;

pub struct Rotate {
    pub aws_timeout: Duration,
    /// Where the rotation journal lives (`None`: no state directory).
    pub state_dir: Option<PathBuf>,
    pub user: UserName,
    /// Every region the key sends from, the first first (never empty, no
    /// region twice, at most `MAX_REGIONS`).
    pub regions: Vec<ResolvedRegion>,
    pub stores: Vec<Store>,
    pub shape: OutputShape,
    pub to: Destination,
    /// Where to log in, one per region, in the regions' order; `None` with
    /// --no-probe.
    pub probe: Option<Vec<Connect>>,
    pub propagation: Duration,
    pub verbose: bool,
}

/// `rotate --recover`: whose unfinished rotation to finish.
pub struct Recover {
    pub aws_timeout: Duration,
    /// Where the rotation journal lives (`None`: no state directory).
    pub state_dir: Option<PathBuf>,
    pub user: UserName,
}

pub struct Retire {
    pub aws_timeout: Duration,
    /// Where the rotation journal lives (`None`: no state directory).
    pub state_dir: Option<PathBuf>,
    pub user: UserName,
    pub key: String,
    pub delete: bool,
    pub force: bool,
    /// `--store`: the stores that named the key, for the in-use guard.
    pub stores: Vec<Store>,
    /// `--in-use-window`.
    pub in_use_window: Duration,
}

pub struct Keys {
    pub aws_timeout: Duration,
    /// Where the rotation journal lives (`None`: no state directory).
    pub state_dir: Option<PathBuf>,
    pub user: UserName,
    pub stores: Vec<Store>,
    pub region: Option<String>,
    pub report: ReportFormat,
}

pub fn recover(args: &RotateArgs, env: &Env) -> CliResult<Recover> {
    Ok(Recover {
        aws_timeout: aws_timeout(args.aws_timeout)?,
        state_dir: state_dir(env),
        user: user_name(&args.user_name)?,
    })
}

pub fn rotate(args: RotateArgs, env: &Env) -> CliResult<Rotate> {
    let user = user_name(&args.user_name)?;
    let (names, from) = match args.regions.is_empty() {
        true => (&args.region, "--region"),
        false => (&args.regions, "--regions"),
    };
    let regions = rotate_regions(names, from, args.allow_unknown_region)?;
    let stores = stores(&args.store)?;
    let what = match &args.output.template {
        Some(_) => Some("--template".to_string()),
        None if !args.output.format.holds_several() => {
            Some(format!("--format {}", args.output.format))
        }
        None => None,
    };
    if let (true, Some(what)) = (regions.len() > 1, what) {
        return Err(CliError::Usage(format!(
            "{what} holds one region, and the key sends from {} regions\n  \
             hint: use --format json, text or postfix for several regions",
            regions.len()
        )));
    }
    let (shape, to) = output(args.output)?;
    let probe = match args.no_probe {
        true => None,
        false => Some(connect_regions(args.connect, &regions)?),
    };
    Ok(Rotate {
        aws_timeout: aws_timeout(args.aws_timeout)?,
        state_dir: state_dir(env),
        user,
        regions,
        stores,
        shape,
        to,
        probe,
        propagation: Duration::from_secs(seconds(
            "--propagation-timeout",
            args.propagation_timeout,
            0,
        )?),
        verbose: args.verbose,
    })
}

/// The regions `rotate` derives for, in the order given: each an SES SMTP
/// region (or a well-formed one with --allow-unknown-region), none twice,
/// at most [`MAX_REGIONS`].
fn rotate_regions(names: &[String], from: &str, allow: bool) -> CliResult<Vec<ResolvedRegion>> {
    if names.len() > MAX_REGIONS {
        return Err(CliError::Usage(format!(
            "{from} names {} regions; one key sends from at most {MAX_REGIONS}",
            names.len()
        )));
    }
    let mut out: Vec<ResolvedRegion> = Vec::with_capacity(names.len());
    for name in names {
        let r = region::resolve(name, allow).map_err(CliError::region(from))?;
        if out.iter().any(|o| o.code == r.code) {
            return Err(CliError::Usage(format!(
                "{from} names {} twice\n  hint: name each region once",
                r.code
            )));
        }
        out.push(r);
    }
    if out.is_empty() {
        return Err(CliError::Usage(
            "no region given\n  hint: pass --region REGION (repeat it for several)".into(),
        ));
    }
    Ok(out)
}

/// Where and how to log in to each of `regions` (in that order): `--endpoint
/// REGION=HOST[:PORT]` points one region's login elsewhere; a plain
/// `--endpoint HOST[:PORT]` only with one region. `--port`, `--tls`,
/// `--ca-file` and `--timeout` apply to every region.
fn connect_regions(
    args: crate::cli::probe::ConnectArgs,
    regions: &[ses_smtp_credentials::ResolvedRegion],
) -> CliResult<Vec<Connect>> {
    use ses_smtp_credentials::user_text;
    let mut named: Vec<(String, String)> = Vec::new();
    for e in &args.endpoint {
        let (region, hostport) = match e.split_once('=') {
            Some((r, h)) => (r.to_string(), h.to_string()),
            None if regions.len() == 1 && args.endpoint.len() == 1 => {
                (regions[0].code.clone(), e.clone())
            }
            None => {
                return Err(CliError::Usage(format!(
                    "--endpoint {} names no region, and the key sends from {} regions\n  \
                     hint: say whose login goes there: --endpoint REGION=HOST[:PORT]",
                    user_text(e),
                    regions.len()
                )));
            }
        };
        if !regions.iter().any(|r| r.code == region) {
            return Err(CliError::Usage(format!(
                "--endpoint names region {}, which is not one of the regions rotated ({})",
                user_text(&region),
                regions
                    .iter()
                    .map(|r| r.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if named.iter().any(|(r, _)| *r == region) {
            return Err(CliError::Usage(format!(
                "--endpoint names region {region} twice"
            )));
        }
        named.push((region, hostport));
    }
    regions
        .iter()
        .map(|r| {
            let endpoint = named
                .iter()
                .find(|(n, _)| *n == r.code)
                .map(|(_, h)| h.as_str());
            connect_to(&args, endpoint)
        })
        .collect()
}

/// `--aws-timeout`, range-checked.
fn aws_timeout(value: u64) -> CliResult<Duration> {
    Ok(Duration::from_secs(seconds("--aws-timeout", value, 1)?))
}

pub fn retire(args: RetireArgs, env: &Env) -> CliResult<Retire> {
    let user = user_name(&args.user_name)?;
    let key = ses_smtp_credentials::parse_access_key_id(&args.access_key_id)
        .map_err(CliError::input("--access-key-id"))?;
    Ok(Retire {
        aws_timeout: aws_timeout(args.aws_timeout)?,
        state_dir: state_dir(env),
        user,
        key: key.as_str().to_string(),
        delete: args.delete,
        force: args.force,
        stores: stores(&args.store)?,
        in_use_window: match args.in_use_window {
            s if s <= 90 * 86_400 => Duration::from_secs(s),
            _ => {
                return Err(CliError::Usage(
                    "--in-use-window must be 0 to 7776000 seconds (90 days)".into(),
                ));
            }
        },
    })
}

pub fn keys(args: KeysArgs, env: &Env) -> CliResult<Keys> {
    Ok(Keys {
        aws_timeout: aws_timeout(args.aws_timeout)?,
        state_dir: state_dir(env),
        user: user_name(&args.user_name)?,
        stores: stores(&args.store)?,
        region: match args.region {
            Some(r) => Some(
                region::resolve(&r, true)
                    .map_err(CliError::region("--region"))?
                    .code,
            ),
            None => None,
        },
        report: args.format.into(),
    })
}

/// The folder rotation journals live in: `$XDG_STATE_HOME/ses-smtp-password/`,
/// else `~/.local/state/ses-smtp-password/`. A relative `XDG_STATE_HOME`
/// is ignored, as the XDG Base Directory specification says (it would put
/// the journal wherever the command happens to run).
fn state_dir(env: &Env) -> Option<PathBuf> {
    let nonempty = |name| env.var_os(name).filter(|v| !v.is_empty());
    let base = match nonempty("XDG_STATE_HOME").map(PathBuf::from) {
        Some(d) if d.is_absolute() => d,
        _ => PathBuf::from(nonempty("HOME")?).join(".local/state"),
    };
    Some(base.join("ses-smtp-password"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_state_directory_ignores_a_relative_xdg_state_home() {
        let dir = |vars: &[(&str, &str)]| state_dir(&Env::fake(vars, false, false));
        assert_eq!(
            dir(&[("XDG_STATE_HOME", "/var/state"), ("HOME", "/home/u")]),
            Some(PathBuf::from("/var/state/ses-smtp-password"))
        );
        for relative in ["state", "./state", ""] {
            assert_eq!(
                dir(&[("XDG_STATE_HOME", relative), ("HOME", "/home/u")]),
                Some(PathBuf::from("/home/u/.local/state/ses-smtp-password")),
                "{relative:?}"
            );
        }
        assert_eq!(dir(&[("XDG_STATE_HOME", "state")]), None);
    }
}
