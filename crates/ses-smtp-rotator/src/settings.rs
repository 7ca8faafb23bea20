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
        Ok(Settings {
            previous_key,
            roots,
            login_timeout: Duration::from_secs(10),
        })
    }
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
}
