//! Settling regions: from `--region` (repeatable), `--all-regions`, or
//! AWS_REGION then AWS_DEFAULT_REGION, resolved against the table before any
//! secret is read; the profile's region is the fallback once it is.

use crate::cli;
use crate::error::{CliError, Result};
use ses_smtp_credentials::region::{self, ResolvedRegion};

/// The regions asked for, resolved; `None` when nothing named one (then the
/// profile's region may, once the secret is read).
pub struct Regions {
    pub named: Option<Vec<ResolvedRegion>>,
    pub allow_unknown: bool,
    /// The message when no region is named anywhere.
    pub missing: &'static str,
}

const NO_REGION: &str = "no region given\n  hint: pass --region REGION (SMTP passwords differ per region), or set AWS_REGION";
#[cfg(feature = "probe")]
pub(super) const NO_PROBE_REGION: &str =
    "no region given\n  hint: pass --region REGION (the password and the endpoint depend on it)";

impl Regions {
    /// The regions to derive for: the named ones, else the profile's.
    pub fn or_profile(self, profile_region: Option<&str>) -> Result<Vec<ResolvedRegion>> {
        match (self.named, profile_region) {
            (Some(r), _) => Ok(r),
            (None, Some(r)) => {
                resolve_all(&[r.to_string()], "the profile's region", self.allow_unknown)
            }
            (None, None) => Err(CliError::Usage(self.missing.into())),
        }
    }
}

fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// One region named by a flag, else AWS_REGION, else AWS_DEFAULT_REGION,
/// with where it came from (for messages).
fn named_region(flag: Option<String>) -> Option<(String, &'static str)> {
    flag.map(|r| (r, "--region")).or_else(|| {
        non_empty_env("AWS_REGION")
            .map(|r| (r, "AWS_REGION"))
            .or_else(|| non_empty_env("AWS_DEFAULT_REGION").map(|r| (r, "AWS_DEFAULT_REGION")))
    })
}

/// One optional region (verify, probe), resolved.
pub(super) fn one_region(
    flag: Option<String>,
    allow_unknown: bool,
) -> Result<Option<ResolvedRegion>> {
    named_region(flag)
        .map(|(name, from)| region::resolve(&name, allow_unknown).map_err(CliError::region(from)))
        .transpose()
}

fn resolve_all(names: &[String], from: &str, allow: bool) -> Result<Vec<ResolvedRegion>> {
    let mut out: Vec<ResolvedRegion> = Vec::with_capacity(names.len());
    for name in names {
        let r = region::resolve(name, allow).map_err(CliError::region(from))?;
        if r.known.is_none() {
            crate::terminal::warn(&format!(
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

pub(super) fn regions(args: cli::RegionArgs) -> Result<Regions> {
    let allow_unknown = args.allow_unknown_region;
    let named = if args.all_regions {
        Some(
            region::smtp_regions()
                .map(ResolvedRegion::from_table)
                .collect(),
        )
    } else if !args.region.is_empty() {
        Some(resolve_all(&args.region, "--region", allow_unknown)?)
    } else {
        match named_region(None) {
            Some((name, from)) => Some(resolve_all(&[name], from, allow_unknown)?),
            None => None,
        }
    };
    Ok(Regions {
        named,
        allow_unknown,
        missing: NO_REGION,
    })
}
