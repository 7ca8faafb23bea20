//! The Secrets Manager secret that `rotate` writes and scheduled rotation
//! rotates: its one format, written (`write`: [`secret_string`]) and read
//! back here: one JSON object with `username`, `password`, `host`, `port`,
//! `region` and `iam_user`. The password is kept in a zeroizing buffer, and
//! `Debug` never shows it.

use crate::names::{UserName, parse_user_name};
use ses_smtp_credentials::region::resolve;
use ses_smtp_credentials::{AccessKeyId, ResolvedRegion, parse_access_key_id};
use std::fmt;
use zeroize::{Zeroize, Zeroizing};

mod write;

pub use write::{SECRET_MEMBERS, SecretFields, secret_string};

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
        const SHAPE: &str =
            "{\"username\", \"password\", \"host\", \"port\", \"region\", \"iam_user\"}";
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
    password: Zeroizing<String>,
}

impl SecretCredentials {
    /// Credentials read elsewhere (Parameter Store's parameters).
    #[cfg(feature = "sdk")]
    pub(crate) fn new(
        username: AccessKeyId,
        password: Zeroizing<String>,
        region: ResolvedRegion,
        host: Option<String>,
        port: Option<u16>,
    ) -> SecretCredentials {
        SecretCredentials {
            username,
            host,
            port,
            region,
            password,
        }
    }

    /// The SMTP password the secret holds.
    pub fn password(&self) -> &str {
        &self.password
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
        && (host.is_empty()
            || host.len() > 253
            || !host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-'))
    {
        return Err(invalid(
            "host",
            "is not a host name (letters, digits, dots and hyphens)",
        ));
    }
    let port = match map.get("port") {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => Some(
            match v {
                serde_json::Value::Number(n) => n.as_u64(),
                // A port written as a string ("587") is still a port.
                serde_json::Value::String(s) => s.parse::<u64>().ok(),
                _ => None,
            }
            .and_then(|p| u16::try_from(p).ok())
            .filter(|p| *p != 0)
            .ok_or_else(|| invalid("port", "is not a TCP port (1 to 65535)"))?,
        ),
    };
    let region = resolve(&text(map, "region")?, false).map_err(|e| StoredSecretError::Invalid {
        member: "region",
        why: format!("is not an SES SMTP region: {e}"),
    })?;
    Ok(SecretCredentials {
        username,
        host,
        port,
        region,
        password,
    })
}

/// Wipes the password (the one secret member) before the map is freed.
fn wipe(map: &mut serde_json::Map<String, serde_json::Value>) {
    if let Some(serde_json::Value::String(p)) = map.get_mut("password") {
        p.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"username":"AKIAIOSFODNN7EXAMPLE","password":"BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9","host":"vpce-0123-abcd.email-smtp.eu-west-1.vpce.amazonaws.com","port":2465,"region":"eu-west-1","iam_user":"smtp-legacy","team":"mail"}"#;

    #[test]
    fn reads_every_member_but_the_password() {
        let s = parse_stored_secret(GOOD).unwrap();
        assert_eq!(s.username.as_str(), "AKIAIOSFODNN7EXAMPLE");
        assert_eq!(s.port, 2465);
        assert_eq!(s.region.code, "eu-west-1");
        assert_eq!(s.iam_user.as_str(), "smtp-legacy");
        assert_eq!(s.others.len(), 1);
        assert_eq!(s.others["team"], "mail");
        assert!(!format!("{s:?}").contains("BLBM"));
        assert!(s.password().starts_with("BLBM"));
    }

    #[test]
    fn a_secret_without_iam_user_says_how_to_add_it() {
        let text = GOOD.replace(r#","iam_user":"smtp-legacy""#, "");
        let e = parse_stored_secret(&text).unwrap_err();
        assert_eq!(e, StoredSecretError::Missing("iam_user"));
        assert!(e.to_string().contains("add it"), "{e}");
    }

    #[test]
    fn bad_members_are_named_never_quoted() {
        for (from, to, member) in [
            ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG", "username"),
            (r#""port":2465"#, r#""port":70000"#, "port"),
            (r#""port":2465"#, r#""port":"x2465""#, "port"),
            ("eu-west-1\"", "eu-wset-1\"", "region"),
            ("smtp-legacy", "smtp legacy!", "iam_user"),
            ("vpce-0123", "vpce 0123", "host"),
        ] {
            let text = GOOD.replacen(from, to, 1);
            let e = parse_stored_secret(&text).unwrap_err();
            assert!(
                matches!(&e, StoredSecretError::Invalid { member: m, .. } if *m == member),
                "{member}: {e:?}"
            );
            assert!(!e.to_string().contains("wJalr"), "{e}");
        }
        assert_eq!(
            parse_stored_secret("AKIAIOSFODNN7EXAMPLE:secret").unwrap_err(),
            StoredSecretError::NotAnObject
        );
        assert_eq!(
            parse_stored_secret("[1]").unwrap_err(),
            StoredSecretError::NotAnObject
        );
        let text = GOOD.replace(
            r#""password":"BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9","#,
            "",
        );
        assert_eq!(
            parse_stored_secret(&text).unwrap_err(),
            StoredSecretError::Missing("password")
        );
    }

    #[test]
    fn a_port_written_as_text_is_a_port() {
        let s = parse_stored_secret(&GOOD.replace("2465", "\"587\"")).unwrap();
        assert_eq!(s.port, 587);
    }
}
