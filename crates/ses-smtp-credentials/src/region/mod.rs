//! The SES SMTP regions: the table (see `table`), and resolving what
//! a user typed against it, with a reason for every refusal.

mod table;

use std::fmt;
pub use table::{
    REGIONS, Region, STARTTLS_PORTS, TABLE_DATE, TABLE_SOURCE, TLS_WRAPPER_PORTS, dns_suffix,
    is_aws_region, lookup, partition, smtp_host, smtp_regions,
};

/// A region the command line accepted: from the table, or (with the explicit
/// override) a well-formed name the table does not know.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResolvedRegion {
    /// The region code, e.g. `eu-west-1`.
    pub code: String,
    /// `None` when the region came in through the override.
    pub known: Option<&'static Region>,
}

impl ResolvedRegion {
    /// A row of the table.
    pub fn from_table(region: &'static Region) -> Self {
        ResolvedRegion {
            code: region.code.to_string(),
            known: Some(region),
        }
    }

    /// `email-smtp.<region>.amazonaws.com`.
    pub fn host(&self) -> String {
        smtp_host(&self.code)
    }

    /// The FIPS SMTP host, where the table lists one.
    pub fn fips_host(&self) -> Option<String> {
        self.known.and_then(Region::fips_host)
    }
}

/// Why a region was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RegionError {
    /// Not shaped like a region code at all. The text is not echoed: it may
    /// be a secret passed in the wrong place.
    NotARegionName,
    /// Shaped like a region code but not in the table.
    Unknown {
        /// The code given (region-shaped, so never secret-shaped).
        code: String,
        /// The nearest SMTP region of the table, if one is near (never for
        /// a real AWS region code).
        suggestion: Option<String>,
    },
    /// An availability zone, an SMTP host name or an upper-case code: the
    /// region it names is known.
    Misspelt {
        /// The region meant.
        suggestion: String,
        /// How it was misspelt.
        what: Misspelling,
    },
    /// In the table, but SES has no SMTP endpoint there.
    NoSmtp {
        /// The region code.
        code: String,
        /// AWS's name for it.
        name: &'static str,
    },
}

/// How a region name was misspelt, when the region meant is certain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Misspelling {
    /// An availability zone (`eu-west-1a`).
    AvailabilityZone,
    /// An SMTP host name (`email-smtp.eu-west-1.amazonaws.com`).
    HostName,
    /// Upper case (`EU-WEST-1`).
    UpperCase,
}

impl fmt::Display for RegionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegionError::NotARegionName => write!(
                f,
                "the region given is not a region name (not shown, in case it is a secret); \
                 expected a code such as eu-west-1"
            ),
            RegionError::Unknown { code, suggestion } => {
                let what = if is_aws_region(code) {
                    "is an AWS region, but"
                } else {
                    "is"
                };
                write!(
                    f,
                    "{code} {what} not an SES SMTP region in this tool's table ({TABLE_DATE})"
                )?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean {s}?"),
                    None => Ok(()),
                }
            }
            RegionError::Misspelt { suggestion, what } => {
                let what = match what {
                    Misspelling::AvailabilityZone => "an availability zone, not a region",
                    Misspelling::HostName => "a host name, not a region",
                    Misspelling::UpperCase => "written in upper case; region codes are lower case",
                };
                write!(f, "the region given is {what}; did you mean {suggestion}?")
            }
            RegionError::NoSmtp { code, name } => write!(
                f,
                "{code} ({name}) has no SES SMTP endpoint in this tool's table ({TABLE_DATE}): AWS's \
                 documents list the SES API there, but not SMTP"
            ),
        }
    }
}

impl std::error::Error for RegionError {}

/// `xx-name-N` and `xx-name-name-N`: lower-case letters, dashes, a final
/// number. Loose on purpose, for regions newer than the table.
pub fn is_region_shaped(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    s.len() <= 32
        && parts.len() >= 3
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// The nearest SMTP region by edit distance, if it is close enough to be a
/// typo rather than a different place.
pub fn suggest(code: &str) -> Option<&'static str> {
    smtp_regions()
        .map(|r| (strsim::levenshtein(code, r.code), r.code))
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Resolves what the user typed. `allow_unknown` is the explicit override for
/// a well-formed region that is not in the table (or is listed without SMTP).
///
/// # Errors
/// [`RegionError`] for a code that is not a region, is misspelt, or (without
/// `allow_unknown`) is not an SMTP region of the table.
pub fn resolve(input: &str, allow_unknown: bool) -> Result<ResolvedRegion, RegionError> {
    if let Some(r) = lookup(input) {
        if r.smtp {
            return Ok(ResolvedRegion {
                code: r.code.to_string(),
                known: Some(r),
            });
        }
        if !allow_unknown {
            return Err(RegionError::NoSmtp {
                code: r.code.to_string(),
                name: r.name,
            });
        }
        return Ok(ResolvedRegion {
            code: r.code.to_string(),
            known: None,
        });
    }
    if let Some(err) = misspelling(input) {
        return Err(err);
    }
    if !is_region_shaped(input) {
        return Err(RegionError::NotARegionName);
    }
    if allow_unknown {
        return Ok(ResolvedRegion {
            code: input.to_string(),
            known: None,
        });
    }
    // A real region is a different place, never a typo of another.
    let suggestion = if is_aws_region(input) {
        None
    } else {
        suggest(input).map(str::to_string)
    };
    Err(RegionError::Unknown {
        code: input.to_string(),
        suggestion,
    })
}

/// Recognises the usual near-misses whose intended region is certain.
fn misspelling(input: &str) -> Option<RegionError> {
    let known = |s: &str| lookup(s).filter(|r| r.smtp).map(|r| r.code.to_string());
    let lower = input.to_ascii_lowercase();
    if lower != input
        && let Some(s) = known(&lower)
    {
        return Some(RegionError::Misspelt {
            suggestion: s,
            what: Misspelling::UpperCase,
        });
    }
    // eu-west-1a → eu-west-1
    if let Some(stripped) = lower.strip_suffix(|c: char| c.is_ascii_lowercase())
        && let Some(s) = known(stripped)
    {
        return Some(RegionError::Misspelt {
            suggestion: s,
            what: Misspelling::AvailabilityZone,
        });
    }
    // email-smtp.eu-west-1.amazonaws.com → eu-west-1
    let host_part = lower
        .strip_prefix("email-smtp-fips.")
        .or_else(|| lower.strip_prefix("email-smtp."))
        .and_then(|rest| rest.split('.').next());
    if let Some(s) = host_part.and_then(known) {
        return Some(RegionError::Misspelt {
            suggestion: s,
            what: Misspelling::HostName,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_regions_are_all_smtp() {
        for code in [
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "ca-central-1",
            "sa-east-1",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "eu-central-1",
            "eu-north-1",
            "ap-south-1",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-southeast-1",
            "ap-southeast-2",
            "us-gov-west-1",
            "us-gov-east-1",
        ] {
            assert!(lookup(code).is_some_and(|r| r.smtp), "{code}");
        }
        for code in [
            "af-south-1",
            "ap-southeast-3",
            "eu-south-1",
            "il-central-1",
            "me-south-1",
        ] {
            assert!(lookup(code).is_some_and(|r| !r.smtp), "{code}");
        }
    }

    #[test]
    fn codes_are_unique_and_shaped() {
        for (i, a) in REGIONS.iter().enumerate() {
            assert!(is_region_shaped(a.code), "{}", a.code);
            assert!(
                REGIONS[i + 1..].iter().all(|b| b.code != a.code),
                "{}",
                a.code
            );
        }
    }

    #[test]
    fn real_regions_get_no_suggestion_and_their_partitions_domain() {
        // In the table without SMTP: refused with the reason.
        for code in [
            "ap-south-2",
            "eu-central-2",
            "me-central-1",
            "ca-west-1",
            "ap-southeast-5",
            "eusc-de-east-1",
        ] {
            assert!(
                matches!(resolve(code, false), Err(RegionError::NoSmtp { .. })),
                "{code}"
            );
        }
        // A real region outside the table: no "did you mean".
        assert_eq!(
            resolve("ap-east-2", false),
            Err(RegionError::Unknown {
                code: "ap-east-2".into(),
                suggestion: None
            })
        );
        assert!(
            resolve("ap-east-2", false)
                .unwrap_err()
                .to_string()
                .starts_with("ap-east-2 is an AWS region, but not an SES SMTP region")
        );
        // A typo still gets one.
        assert!(matches!(
            resolve("eu-wset-1", false),
            Err(RegionError::Unknown {
                suggestion: Some(_),
                ..
            })
        ));
        assert_eq!(
            resolve("eusc-de-east-1", true).unwrap().host(),
            "email-smtp.eusc-de-east-1.amazonaws.eu"
        );
        assert_eq!(
            resolve("cn-north-1", true).unwrap().host(),
            "email-smtp.cn-north-1.amazonaws.com.cn"
        );
        assert!(is_aws_region("us-east-1") && !is_aws_region("aws-global"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("eu-west-4"), Some("eu-west-1"));
        assert_eq!(suggest("us-east1"), Some("us-east-1"));
        assert_eq!(suggest("xx-nowhere-9"), None);
        assert!(matches!(
            resolve("EU-WEST-1", false),
            Err(RegionError::Misspelt {
                what: Misspelling::UpperCase,
                ..
            })
        ));
        assert!(matches!(
            resolve("eu-west-1b", false),
            Err(RegionError::Misspelt {
                what: Misspelling::AvailabilityZone,
                ..
            })
        ));
        assert!(matches!(
            resolve("email-smtp.eu-west-1.amazonaws.com", false),
            Err(RegionError::Misspelt {
                what: Misspelling::HostName,
                ..
            })
        ));
    }

    #[test]
    fn override_takes_only_region_shaped_names() {
        assert!(resolve("ap-southeast-7", true).is_ok());
        assert!(resolve("eu-south-1", true).is_ok());
        assert_eq!(
            resolve("eu-south-1", false).unwrap_err(),
            RegionError::NoSmtp {
                code: "eu-south-1".into(),
                name: "Europe (Milan)"
            }
        );
        assert_eq!(
            resolve("not a region", true),
            Err(RegionError::NotARegionName)
        );
        assert_eq!(
            resolve("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", true),
            Err(RegionError::NotARegionName)
        );
    }
}
