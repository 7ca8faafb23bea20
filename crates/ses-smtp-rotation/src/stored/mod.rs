//! The Secrets Manager secret that `rotate` writes and scheduled rotation
//! rotates: its one format, written (`write`: [`secret_string`]) and read
//! back here: one JSON object with `username`, `password`, `host`, `port`,
//! `region` and `iam_user` for the first (or only) region, and, for a key
//! that sends from several regions, `regions`: an object keyed by region
//! code, in order, each `{"password", "host", "port"}`, the first region's
//! entry equal to the top-level members. Passwords are kept in zeroizing
//! buffers, and `Debug` never shows them.

use crate::names::{UserName, parse_user_name};
use ses_smtp_credentials::region::resolve;
use ses_smtp_credentials::{AccessKeyId, ResolvedRegion, parse_access_key_id};
use std::fmt;
use zeroize::{Zeroize, Zeroizing};

mod regions;
mod write;

pub use regions::RegionEntry;
use regions::{check_host, port_of, regions};

pub use write::{MAX_REGIONS, SECRET_MEMBERS, SecretFields, secret_string};

/// What a secret holds.
pub struct StoredSecret {
    /// The SMTP user name: the access key ID the version names.
    pub username: AccessKeyId,
    /// The SMTP endpoint's host.
    pub host: String,
    /// The SMTP endpoint's port.
    pub port: u16,
    /// The SES region the password is derived for.
    pub region: ResolvedRegion,
    /// The IAM user whose key it is.
    pub iam_user: UserName,
    /// Every region's credentials, the first region's first (one entry for
    /// a secret without `regions`).
    pub regions: Vec<RegionEntry>,
    /// Whether the secret has a `regions` member.
    pub lists_regions: bool,
    /// Any other members, kept as they were (a new version carries them).
    pub others: serde_json::Map<String, serde_json::Value>,
    password: Zeroizing<String>,
}

impl StoredSecret {
    /// The SMTP password the secret holds.
    pub fn password(&self) -> &str {
        &self.password
    }
}

impl fmt::Debug for StoredSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredSecret")
            .field("username", &self.username)
            .field("password", &"[REDACTED]")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("region", &self.region.code)
            .field("iam_user", &self.iam_user)
            .field("regions", &self.regions)
            .finish_non_exhaustive()
    }
}

/// Why a secret is not one scheduled rotation can rotate. Names members,
/// never their values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoredSecretError {
    /// The SecretString is not a JSON object (or there is none).
    NotAnObject,
    /// A member is missing.
    Missing(&'static str),
    /// A member is there, but not what it must be.
    Invalid {
        /// The member.
        member: &'static str,
        /// What is wrong with it, in words that never quote it.
        why: String,
    },
}

impl fmt::Display for StoredSecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHAPE: &str = "{\"username\", \"password\", \"host\", \"port\", \"region\", \"iam_user\"} \
             (and, for several regions, \"regions\")";
        match self {
            StoredSecretError::NotAnObject => write!(
                f,
                "the secret's value is not a JSON object {SHAPE} (its content is not shown)"
            ),
            StoredSecretError::Missing("iam_user") => write!(
                f,
                "the secret has no \"iam_user\" member, the name of the IAM user whose access key it holds, \
                 so there is no user to rotate; add it: a new version of the secret with the same members \
                 and \"iam_user\" (`ses-smtp-password rotate --store secretsmanager:NAME` writes it, \
                 with rotation not yet enabled)"
            ),
            StoredSecretError::Missing(member) => write!(
                f,
                "the secret has no \"{member}\" member; it must be a JSON object {SHAPE}"
            ),
            StoredSecretError::Invalid { member, why } => {
                write!(f, "the secret's \"{member}\" member {why}")
            }
        }
    }
}

impl std::error::Error for StoredSecretError {}

impl StoredSecretError {
    /// Whether it is the `regions` member that is malformed (a secret of
    /// SMTP credentials whose regions cannot be told apart: refused, where
    /// another shape may only be something else the secret holds).
    pub fn in_regions(&self) -> bool {
        matches!(
            self,
            StoredSecretError::Invalid {
                member: "regions",
                ..
            }
        )
    }
}

/// Reads a SecretString. The password is checked to be there, then wiped
/// with the rest of the parsed text.
///
/// # Errors
/// [`StoredSecretError`] when the text is not such a secret.
pub fn parse_stored_secret(text: &str) -> Result<StoredSecret, StoredSecretError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| StoredSecretError::NotAnObject)?;
    let serde_json::Value::Object(mut map) = value else {
        return Err(StoredSecretError::NotAnObject);
    };
    let result = read(&mut map);
    wipe(&mut map);
    result
}

fn read(
    map: &mut serde_json::Map<String, serde_json::Value>,
) -> Result<StoredSecret, StoredSecretError> {
    let c = credentials(map)?;
    let host = c.host.ok_or(StoredSecretError::Missing("host"))?;
    let port = c.port.ok_or(StoredSecretError::Missing("port"))?;
    let iam_user =
        parse_user_name(&text(map, "iam_user")?).map_err(|e| StoredSecretError::Invalid {
            member: "iam_user",
            why: format!("is not an IAM user name: {e}"),
        })?;
    let others = map
        .iter()
        .filter(|(k, _)| !SECRET_MEMBERS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Ok(StoredSecret {
        username: c.username,
        host,
        port,
        region: c.region,
        iam_user,
        regions: c.regions,
        lists_regions: c.lists_regions,
        others,
        password: c.password,
    })
}

fn invalid(member: &'static str, why: &str) -> StoredSecretError {
    StoredSecretError::Invalid {
        member,
        why: why.to_string(),
    }
}

/// A member that must be a string.
fn text(
    map: &serde_json::Map<String, serde_json::Value>,
    member: &'static str,
) -> Result<String, StoredSecretError> {
    match map.get(member) {
        None | Some(serde_json::Value::Null) => Err(StoredSecretError::Missing(member)),
        Some(serde_json::Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(invalid(member, "is not a string")),
    }
}

/// What a consumer of the secret needs: the pair, its region, and where to
/// log in when the secret says (`host` and `port` may be absent: then SES's
/// endpoint of the region, on 587).
pub struct SecretCredentials {
    /// The SMTP user name: the access key ID the version names.
    pub username: AccessKeyId,
    /// The SMTP endpoint's host, if the secret names one.
    pub host: Option<String>,
    /// The SMTP endpoint's port, if the secret names one.
    pub port: Option<u16>,
    /// The SES region the password is derived for.
    pub region: ResolvedRegion,
    /// Every region's credentials, the first region's first (one entry
    /// when the store lists no other region).
    pub regions: Vec<RegionEntry>,
    /// Whether the store lists its regions (a secret's `regions` member,
    /// Parameter Store's per-region parameters).
    pub lists_regions: bool,
    password: Zeroizing<String>,
}

impl SecretCredentials {
    /// Credentials read elsewhere (Parameter Store's parameters): `others`
    /// are the regions after the first, as `(region, host, password)`.
    #[cfg(feature = "sdk")]
    pub(crate) fn new(
        username: AccessKeyId,
        password: Zeroizing<String>,
        region: ResolvedRegion,
        host: Option<String>,
        port: Option<u16>,
        others: Vec<(ResolvedRegion, Option<String>, Zeroizing<String>)>,
    ) -> SecretCredentials {
        let lists_regions = !others.is_empty();
        let mut regions = vec![RegionEntry {
            region: region.clone(),
            host: host.clone(),
            port,
            password: password.clone(),
        }];
        regions.extend(
            others
                .into_iter()
                .map(|(region, host, password)| RegionEntry {
                    region,
                    host,
                    port,
                    password,
                }),
        );
        SecretCredentials {
            username,
            host,
            port,
            region,
            regions,
            lists_regions,
            password,
        }
    }

    /// The SMTP password the secret holds.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// The entry of region `code`, if the store holds one.
    pub fn region_entry(&self, code: &str) -> Option<&RegionEntry> {
        self.regions.iter().find(|e| e.region.code == code)
    }
}

impl fmt::Debug for SecretCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretCredentials")
            .field("username", &self.username)
            .field("password", &"[REDACTED]")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("region", &self.region.code)
            .field("regions", &self.regions)
            .finish()
    }
}

/// Reads a SecretString as a consumer does (`sync`): `username`,
/// `password` and `region` must be there; `host` and `port` may be. The
/// parsed text is wiped.
///
/// # Errors
/// [`StoredSecretError`] naming the member that is missing or wrong.
pub fn parse_secret_credentials(text: &str) -> Result<SecretCredentials, StoredSecretError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| StoredSecretError::NotAnObject)?;
    let serde_json::Value::Object(mut map) = value else {
        return Err(StoredSecretError::NotAnObject);
    };
    let result = credentials(&map);
    wipe(&mut map);
    result
}

fn credentials(
    map: &serde_json::Map<String, serde_json::Value>,
) -> Result<SecretCredentials, StoredSecretError> {
    let username =
        parse_access_key_id(&text(map, "username")?).map_err(|e| StoredSecretError::Invalid {
            member: "username",
            why: format!("is not an access key ID: {e}"),
        })?;
    let password = match map.get("password") {
        Some(serde_json::Value::String(p)) => Zeroizing::new(p.clone()),
        None | Some(serde_json::Value::Null) => return Err(StoredSecretError::Missing("password")),
        Some(_) => return Err(invalid("password", "is not a string")),
    };
    let host = match text(map, "host") {
        Ok(host) => Some(host),
        Err(StoredSecretError::Missing(_)) => None,
        Err(e) => return Err(e),
    };
    if let Some(host) = &host
        && !check_host(host)
    {
        return Err(invalid(
            "host",
            "is not a host name (letters, digits, dots and hyphens)",
        ));
    }
    let port = match map.get("port") {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => {
            Some(port_of(v).ok_or_else(|| invalid("port", "is not a TCP port (1 to 65535)"))?)
        }
    };
    let region = resolve(&text(map, "region")?, false).map_err(|e| StoredSecretError::Invalid {
        member: "region",
        why: format!("is not an SES SMTP region: {e}"),
    })?;
    let top = RegionEntry {
        region: region.clone(),
        host: host.clone(),
        port,
        password: password.clone(),
    };
    let (regions, lists_regions) = match map.get("regions") {
        None | Some(serde_json::Value::Null) => (vec![top], false),
        Some(listed) => (
            regions(listed, &top).map_err(|why| StoredSecretError::Invalid {
                member: "regions",
                why,
            })?,
            true,
        ),
    };
    Ok(SecretCredentials {
        username,
        host,
        port,
        region,
        regions,
        lists_regions,
        password,
    })
}

/// Wipes the passwords (the top-level one and each region's) before the
/// map is freed.
fn wipe(map: &mut serde_json::Map<String, serde_json::Value>) {
    if let Some(serde_json::Value::String(p)) = map.get_mut("password") {
        p.zeroize();
    }
    if let Some(serde_json::Value::Object(regions)) = map.get_mut("regions") {
        for entry in regions.values_mut() {
            if let Some(serde_json::Value::String(p)) = entry.get_mut("password") {
                p.zeroize();
            }
        }
    }
}

#[cfg(test)]
mod tests;
