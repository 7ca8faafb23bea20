//! Settling regions: from `--region` (repeatable), `--all-regions`, or
//! AWS_REGION then AWS_DEFAULT_REGION, resolved against the table before any
//! secret is read; the profile's region is the fallback once it is.

use super::env::Env;
use crate::cli;
use crate::error::{CliError, CliResult};
use ses_smtp_credentials::region::{self, ResolvedRegion};
use std::fmt;

/// The regions asked for, resolved; `None` when nothing named one (then the
/// profile's region may, once the secret is read).
pub struct RegionPlan {
    pub named: Option<Vec<ResolvedRegion>>,
    pub allow_unknown: bool,
    /// Which command asks, for the error when no region is named anywhere.
    pub missing: MissingRegion,
}

/// The command whose region is missing: each says why it needs one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissingRegion {
    /// The password depends on the region.
    Derive,
    /// The password and the endpoint depend on it.
    #[cfg(feature = "probe")]
    Probe,
}

impl fmt::Display for MissingRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MissingRegion::Derive => {
                "no region given\n  hint: pass --region REGION (SMTP passwords differ per region), or set AWS_REGION"
            }
            #[cfg(feature = "probe")]
            MissingRegion::Probe => {
                "no region given\n  hint: pass --region REGION (the password and the endpoint depend on it)"
            }
        })
    }
}

impl RegionPlan {
    /// The regions to derive for: the named ones, else the profile's.
    pub fn or_profile(self, profile_region: Option<&str>) -> CliResult<Vec<ResolvedRegion>> {
        match (self.named, profile_region) {
            (Some(r), _) => Ok(r),
            (None, Some(r)) => {
                resolve_all(&[r.to_string()], "the profile's region", self.allow_unknown)
            }
            (None, None) => Err(CliError::Usage(self.missing.to_string())),
        }
    }
}

/// One region named by a flag, else AWS_REGION, else AWS_DEFAULT_REGION,
/// with where it came from (for messages).
fn named_region(flag: Option<String>, env: &Env) -> Option<(String, &'static str)> {
    flag.map(|r| (r, "--region")).or_else(|| {
        env.non_empty("AWS_REGION")
            .map(|r| (r, "AWS_REGION"))
            .or_else(|| {
                env.non_empty("AWS_DEFAULT_REGION")
                    .map(|r| (r, "AWS_DEFAULT_REGION"))
            })
    })
}

/// One optional region (verify, probe), resolved.
pub(crate) fn one_region(
    flag: Option<String>,
    allow_unknown: bool,
    env: &Env,
) -> CliResult<Option<ResolvedRegion>> {
    named_region(flag, env)
        .map(|(name, from)| region::resolve(&name, allow_unknown).map_err(CliError::region(from)))
        .transpose()
}

fn resolve_all(names: &[String], from: &str, allow: bool) -> CliResult<Vec<ResolvedRegion>> {
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

pub(crate) fn regions(args: cli::RegionArgs, env: &Env) -> CliResult<RegionPlan> {
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
        match named_region(None, env) {
            Some((name, from)) => Some(resolve_all(&[name], from, allow_unknown)?),
            None => None,
        }
    };
    Ok(RegionPlan {
        named,
        allow_unknown,
        missing: MissingRegion::Derive,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row per rule: the flag, the environment, and the region named
    /// with where it came from.
    #[test]
    fn where_a_region_comes_from() {
        type Row<'a> = (
            &'a str,
            Option<&'a str>,
            Vec<(&'a str, &'a str)>,
            Option<(&'a str, &'a str)>,
        );
        let rows: Vec<Row> = vec![
            (
                "the flag wins",
                Some("eu-west-1"),
                vec![("AWS_REGION", "us-east-1")],
                Some(("eu-west-1", "--region")),
            ),
            (
                "then AWS_REGION",
                None,
                vec![
                    ("AWS_REGION", "us-east-1"),
                    ("AWS_DEFAULT_REGION", "eu-west-2"),
                ],
                Some(("us-east-1", "AWS_REGION")),
            ),
            (
                "a blank AWS_REGION is unset",
                None,
                vec![("AWS_REGION", " "), ("AWS_DEFAULT_REGION", "eu-west-2")],
                Some(("eu-west-2", "AWS_DEFAULT_REGION")),
            ),
            (
                "AWS_DEFAULT_REGION alone",
                None,
                vec![("AWS_DEFAULT_REGION", "eu-west-2")],
                Some(("eu-west-2", "AWS_DEFAULT_REGION")),
            ),
            (
                "the flag wins over AWS_DEFAULT_REGION too",
                Some("ap-south-1"),
                vec![("AWS_DEFAULT_REGION", "eu-west-2")],
                Some(("ap-south-1", "--region")),
            ),
            (
                "blank everywhere is unset",
                None,
                vec![("AWS_REGION", ""), ("AWS_DEFAULT_REGION", "  ")],
                None,
            ),
            ("nothing names one", None, vec![], None),
        ];
        for (rule, flag, vars, want) in rows {
            let env = Env::fake(&vars, false, false);
            let got = named_region(flag.map(str::to_string), &env);
            assert_eq!(got.as_ref().map(|(r, f)| (r.as_str(), *f)), want, "{rule}");
        }
    }
}
