//! The function's settings, from its environment: read once, at start-up,
//! from a lookup the caller passes (the process environment, or a test's).

use crate::StepError;
use ses_smtp_login::ExtraRoots;
use std::ffi::OsString;
use std::time::Duration;

/// What happens to the key `AWSPREVIOUS` names once the new one is current.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PreviousKey {
    /// Stays active until the next rotation (the default): consumers that
    /// cache the password keep working for one period.
    Keep,
    /// Deactivated at once, for consumers that reload on every change.
    Deactivate,
}

/// Whether a key still in use may be deleted to make room.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InUse {
    /// The rotation stops while the key an older version names is in use
    /// (the default).
    Guard,
    /// It is deleted anyway (`IN_USE=ignore`).
    Ignore,
}

/// The default `IN_USE_WINDOW_SECONDS`: a day (IAM reports uses with up to
/// about four hours' delay).
pub const IN_USE_WINDOW: Duration = Duration::from_secs(86_400);

/// The function's settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// `PREVIOUS_KEY`: `keep` (default) or `deactivate`.
    pub previous_key: PreviousKey,
    /// `SES_SMTP_CA_FILE`: a CA trusted for the login besides the Mozilla
    /// roots (a private endpoint, a test server).
    pub roots: ExtraRoots,
    /// The longest any one reply of the SMTP login may take.
    pub login_timeout: Duration,
    /// `SES_SMTP_ALLOWED_HOSTS`: exact host names, besides SES's own
    /// endpoints of the secret's region, that the new password may be sent
    /// to (a private relay, a test server); lower case.
    pub allowed_hosts: Vec<String>,
    /// `IN_USE`: `guard` (the default) or `ignore`.
    pub in_use: InUse,
    /// `IN_USE_WINDOW_SECONDS`: a key used within this long (and after
    /// the current version was made) is in use.
    pub in_use_window: Duration,
}

/// A CA file is a few certificates; a bundle of every public CA is about
/// 250 KiB.
const MAX_CA_FILE: u64 = 1 << 20;

impl Settings {
    /// Reads `PREVIOUS_KEY` and `SES_SMTP_CA_FILE` through `var`.
    ///
    /// # Errors
    /// [`StepError::Settings`] for a value that is not one of the choices,
    /// or a CA file that cannot be read or holds no certificate.
    pub fn from_env(var: impl Fn(&str) -> Option<OsString>) -> Result<Settings, StepError> {
        let previous_key = match var("PREVIOUS_KEY").as_deref().map(|v| v.to_str()) {
            None => PreviousKey::Keep,
            Some(Some("keep" | "")) => PreviousKey::Keep,
            Some(Some("deactivate")) => PreviousKey::Deactivate,
            Some(_) => {
                return Err(StepError::Settings(
                    "PREVIOUS_KEY must be keep (the default) or deactivate".into(),
                ));
            }
        };
        let roots = match var("SES_SMTP_CA_FILE").filter(|v| !v.is_empty()) {
            None => ExtraRoots::none(),
            Some(path) => {
                let shown = ses_smtp_credentials::user_path(std::path::Path::new(&path));
                let bytes = read_capped(std::path::Path::new(&path))
                    .map_err(|e| StepError::Settings(format!("SES_SMTP_CA_FILE {shown}: {e}")))?;
                ExtraRoots::from_pem(&bytes)
                    .map_err(|e| StepError::Settings(format!("SES_SMTP_CA_FILE {shown} {e}")))?
            }
        };
        let allowed_hosts = match var("SES_SMTP_ALLOWED_HOSTS") {
            None => Vec::new(),
            Some(v) => v
                .to_str()
                .ok_or_else(|| StepError::Settings("SES_SMTP_ALLOWED_HOSTS is not text".into()))?
                .split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
        };
        let in_use = match var("IN_USE").as_deref().map(|v| v.to_str()) {
            None | Some(Some("guard" | "")) => InUse::Guard,
            Some(Some("ignore")) => InUse::Ignore,
            Some(_) => {
                return Err(StepError::Settings(
                    "IN_USE must be guard (the default) or ignore".into(),
                ));
            }
        };
        let in_use_window = match var("IN_USE_WINDOW_SECONDS").filter(|v| !v.is_empty()) {
            None => IN_USE_WINDOW,
            Some(v) => v
                .to_str()
                .and_then(|v| v.parse::<u64>().ok())
                .filter(|s| *s <= 90 * 86_400)
                .map(Duration::from_secs)
                .ok_or_else(|| {
                    StepError::Settings(
                        "IN_USE_WINDOW_SECONDS must be a whole number of seconds, 0 to 7776000 (90 days)"
                            .into(),
                    )
                })?,
        };
        Ok(Settings {
            previous_key,
            roots,
            login_timeout: Duration::from_secs(10),
            allowed_hosts,
            in_use,
            in_use_window,
        })
    }
}

/// Whether the new password may be sent to `host` for `region`: SES's
/// SMTP endpoint of that region (FIPS too) in the region's partition, an
/// `email-smtp` interface VPC endpoint name of that region, or a name
/// `allowed` lists exactly.
pub fn host_allowed(host: &str, region: &str, allowed: &[String]) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if allowed.contains(&host) {
        return true;
    }
    let suffix =
        ses_smtp_credentials::region::dns_suffix(ses_smtp_credentials::region::partition(region));
    if host == format!("email-smtp.{region}.{suffix}")
        || host == format!("email-smtp-fips.{region}.{suffix}")
    {
        return true;
    }
    // vpce-0123456789abcdef0-abcdefgh[-eu-west-1a].email-smtp.eu-west-1.vpce.amazonaws.com
    let Some(first) = host.strip_suffix(&format!(".email-smtp.{region}.vpce.{suffix}")) else {
        return false;
    };
    first.starts_with("vpce-")
        && !first.contains('.')
        && first
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn read_capped(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_CA_FILE + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_CA_FILE {
        return Err(std::io::Error::other("larger than 1 MiB: not a CA file"));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<OsString> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn previous_key_is_kept_unless_told() {
        let s = Settings::from_env(env(&[])).unwrap();
        assert_eq!(s.previous_key, PreviousKey::Keep);
        let s = Settings::from_env(env(&[("PREVIOUS_KEY", "deactivate")])).unwrap();
        assert_eq!(s.previous_key, PreviousKey::Deactivate);
        let e = Settings::from_env(env(&[("PREVIOUS_KEY", "delete")])).unwrap_err();
        assert!(
            e.to_string().contains("keep (the default) or deactivate"),
            "{e}"
        );
    }

    #[test]
    fn a_ca_file_that_cannot_be_read_is_named() {
        let e = Settings::from_env(env(&[("SES_SMTP_CA_FILE", "/nonexistent/ca.pem")]))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("SES_SMTP_CA_FILE /nonexistent/ca.pem: "),
            "{e}"
        );
    }

    #[test]
    fn in_use_and_its_window() {
        let s = Settings::from_env(|_| None).unwrap();
        assert_eq!((s.in_use, s.in_use_window), (InUse::Guard, IN_USE_WINDOW));
        let s = Settings::from_env(|k| match k {
            "IN_USE" => Some("ignore".into()),
            "IN_USE_WINDOW_SECONDS" => Some("3600".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            (s.in_use, s.in_use_window),
            (InUse::Ignore, Duration::from_secs(3600))
        );
        for (k, v) in [
            ("IN_USE", "off"),
            ("IN_USE_WINDOW_SECONDS", "-1"),
            ("IN_USE_WINDOW_SECONDS", "1h"),
            ("IN_USE_WINDOW_SECONDS", "7776001"),
        ] {
            let e = Settings::from_env(|n| (n == k).then(|| v.into())).unwrap_err();
            assert!(e.to_string().contains(k), "{k}={v}: {e}");
        }
    }

    #[test]
    fn the_password_goes_only_to_ses_of_the_secrets_region_or_a_listed_host() {
        let none: Vec<String> = Vec::new();
        for (host, region, ok) in [
            ("email-smtp.eu-west-1.amazonaws.com", "eu-west-1", true),
            ("EMAIL-SMTP.eu-west-1.amazonaws.com.", "eu-west-1", true),
            ("email-smtp-fips.us-east-1.amazonaws.com", "us-east-1", true),
            ("email-smtp.cn-north-1.amazonaws.com.cn", "cn-north-1", true),
            ("email-smtp.cn-north-1.amazonaws.com", "cn-north-1", false),
            (
                "vpce-0123456789abcdef0-abcdefgh.email-smtp.eu-west-1.vpce.amazonaws.com",
                "eu-west-1",
                true,
            ),
            (
                "vpce-0123456789abcdef0-abcdefgh-eu-west-1a.email-smtp.eu-west-1.vpce.amazonaws.com",
                "eu-west-1",
                true,
            ),
            ("email-smtp.us-east-1.amazonaws.com", "eu-west-1", false),
            ("attacker.example", "eu-west-1", false),
            (
                "email-smtp.eu-west-1.amazonaws.com.attacker.example",
                "eu-west-1",
                false,
            ),
            (
                "evil.vpce-1.email-smtp.eu-west-1.vpce.amazonaws.com",
                "eu-west-1",
                false,
            ),
            ("localhost", "eu-west-1", false),
        ] {
            assert_eq!(host_allowed(host, region, &none), ok, "{host} {region}");
        }
        let listed = vec!["relay.internal".to_string(), "localhost".to_string()];
        assert!(host_allowed("localhost", "eu-west-1", &listed));
        assert!(host_allowed("Relay.Internal", "eu-west-1", &listed));
        assert!(!host_allowed(
            "relay.internal.example",
            "eu-west-1",
            &listed
        ));
        let s = Settings::from_env(|k| {
            (k == "SES_SMTP_ALLOWED_HOSTS").then(|| " Relay.Internal , ,localhost".into())
        })
        .unwrap();
        assert_eq!(s.allowed_hosts, listed);
    }
}
