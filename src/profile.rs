//! Long-term credentials from a named AWS CLI profile (the shared
//! credentials and config files), refusing profiles that can only give
//! temporary credentials.
//!
//! Pure: the caller reads the files and passes their text. Values parsed by
//! rust-ini are wiped once the secret has been copied out.

use crate::derive::SecretKey;
use crate::error::InputError;
use crate::input::{self, AccessKeyId, SecretPolicy, parse_access_key_id};
use ini::Ini;
use std::fmt;
use zeroize::Zeroize;

/// Which of the two files a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum File {
    Credentials,
    Config,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileError {
    /// The file is not valid INI (position only: values are secret).
    Parse {
        file: File,
        line: usize,
        column: usize,
    },
    /// Neither file has a section for the profile.
    NoProfile,
    /// The profile has no `aws_secret_access_key`.
    NoSecret,
    /// The profile gets credentials in a way that is always temporary.
    Unsupported { file: File, key: String },
    /// The secret or key ID in the profile is malformed or refused.
    Input { file: File, error: InputError },
}

impl ProfileError {
    /// The file the error is about, where it is about one.
    pub fn file(&self) -> Option<File> {
        match self {
            ProfileError::Parse { file, .. }
            | ProfileError::Unsupported { file, .. }
            | ProfileError::Input { file, .. } => Some(*file),
            ProfileError::NoProfile | ProfileError::NoSecret => None,
        }
    }

    pub fn kind(&self) -> crate::error::ErrorKind {
        use crate::error::ErrorKind;
        match self {
            ProfileError::Parse { .. } => ErrorKind::BadInput,
            ProfileError::NoProfile | ProfileError::NoSecret => ErrorKind::NoInput,
            ProfileError::Unsupported { .. } => ErrorKind::Refused,
            ProfileError::Input { error, .. } => error.kind(),
        }
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileError::Parse { line, column, .. } => write!(
                f,
                "the file is not a valid INI file (line {line}, column {column})"
            ),
            ProfileError::NoProfile => write!(
                f,
                "there is no such profile\n  hint: `aws configure list-profiles` lists them; the default profile is used only when named"
            ),
            ProfileError::NoSecret => write!(
                f,
                "the profile has no aws_secret_access_key\n  hint: SMTP needs an IAM user's long-term key in the profile"
            ),
            ProfileError::Unsupported { key, .. } => {
                let why = match key.as_str() {
                    "aws_session_token" => {
                        "holds a session token: its credentials are temporary (STS)"
                    }
                    "role_arn" | "source_profile" => {
                        "assumes a role: its credentials are temporary (STS)"
                    }
                    "credential_process" => {
                        "gets its credentials from a process, which this tool does not run"
                    }
                    "web_identity_token_file" => {
                        "uses web identity federation: its credentials are temporary (STS)"
                    }
                    _ => "uses IAM Identity Center (SSO): its credentials are temporary",
                };
                write!(
                    f,
                    "the profile {why} ({key}), and SES SMTP needs an IAM user's long-term key\n  hint: use a profile holding only aws_access_key_id and aws_secret_access_key of the SMTP user"
                )
            }
            ProfileError::Input { error, .. } => error.fmt(f),
        }
    }
}

impl std::error::Error for ProfileError {}

/// What a profile gave.
#[derive(Debug)]
pub struct ProfileCredentials {
    pub secret: SecretKey,
    pub access_key_id: Option<AccessKeyId>,
    /// Which file held the secret.
    pub file: File,
}

fn config_section(profile: &str) -> String {
    if profile == "default" {
        "default".into()
    } else {
        format!("profile {profile}")
    }
}

fn parse(text: &str, file: File) -> Result<Ini, ProfileError> {
    Ini::load_from_str_noescape(text).map_err(|e| ProfileError::Parse {
        file,
        line: e.line,
        column: e.col,
    })
}

/// Overwrites every value rust-ini holds before the `Ini` is dropped.
fn wipe(mut ini: Ini) {
    for (_, props) in ini.iter_mut() {
        for (_, value) in props.iter_mut() {
            value.zeroize();
        }
    }
}

const REFUSED_KEYS: &[&str] = &[
    "aws_session_token",
    "role_arn",
    "source_profile",
    "credential_process",
    "web_identity_token_file",
];

fn refused_key(props: &ini::Properties) -> Option<String> {
    props
        .iter()
        .map(|(k, _)| k.to_ascii_lowercase())
        .find(|k| REFUSED_KEYS.contains(&k.as_str()) || k.starts_with("sso_"))
}

/// Reads `profile` from the credentials file and then the config file
/// (either may be absent). Never falls back to `default`.
pub fn credentials(
    credentials_text: Option<&str>,
    config_text: Option<&str>,
    profile: &str,
    policy: SecretPolicy,
) -> Result<ProfileCredentials, ProfileError> {
    let creds = credentials_text
        .map(|t| parse(t, File::Credentials))
        .transpose()?;
    let config = config_text.map(|t| parse(t, File::Config)).transpose()?;
    let result = (|| {
        let in_creds = creds.as_ref().and_then(|i| i.section(Some(profile)));
        let in_config = config
            .as_ref()
            .and_then(|i| i.section(Some(config_section(profile))));
        if in_creds.is_none() && in_config.is_none() {
            return Err(ProfileError::NoProfile);
        }
        for (props, file) in [(in_creds, File::Credentials), (in_config, File::Config)] {
            if let Some(key) = props.and_then(refused_key) {
                return Err(ProfileError::Unsupported { file, key });
            }
        }
        let (props, file) = [(in_creds, File::Credentials), (in_config, File::Config)]
            .into_iter()
            .find_map(|(p, f)| {
                p.filter(|p| p.contains_key("aws_secret_access_key"))
                    .map(|p| (p, f))
            })
            .ok_or(ProfileError::NoSecret)?;
        let secret = input::parse_raw_secret(
            props
                .get("aws_secret_access_key")
                .unwrap_or_default()
                .as_bytes(),
            policy,
        )
        .map_err(|error| ProfileError::Input { file, error })?;
        let access_key_id = props
            .get("aws_access_key_id")
            .map(parse_access_key_id)
            .transpose()
            .map_err(|error| ProfileError::Input { file, error })?;
        Ok(ProfileCredentials {
            secret,
            access_key_id,
            file,
        })
    })();
    creds.into_iter().chain(config).for_each(wipe);
    result
}

/// The profile's `region` from the config file, if any.
pub fn region(config_text: &str, profile: &str) -> Option<String> {
    let config = Ini::load_from_str_noescape(config_text).ok()?;
    let region = config
        .section(Some(config_section(profile)))
        .and_then(|p| p.get("region"))
        .map(|r| r.trim().to_string());
    wipe(config);
    region.filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const STRICT: SecretPolicy = SecretPolicy {
        allow_unusual: false,
    };

    #[test]
    fn reads_the_named_profile_only() {
        let creds = format!(
            "[default]\naws_access_key_id = AKIAADMINADMINADMIN7\naws_secret_access_key = {S}\n\n[smtp]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {S}\n"
        );
        let c = credentials(Some(&creds), None, "smtp", STRICT).unwrap();
        assert_eq!(c.access_key_id.unwrap().as_str(), "AKIAIOSFODNN7EXAMPLE");
        assert_eq!(c.secret.expose(), S.as_bytes());
        assert_eq!(
            credentials(Some(&creds), None, "other", STRICT).unwrap_err(),
            ProfileError::NoProfile
        );
    }

    #[test]
    fn refuses_temporary_profiles() {
        for key in [
            "aws_session_token",
            "role_arn",
            "sso_start_url",
            "credential_process",
            "web_identity_token_file",
            "sso_session",
        ] {
            let creds = format!("[p]\naws_secret_access_key = {S}\n");
            let config = format!("[profile p]\n{key} = x\n");
            let err = credentials(Some(&creds), Some(&config), "p", STRICT).unwrap_err();
            assert!(
                matches!(err, ProfileError::Unsupported { .. }),
                "{key}: {err:?}"
            );
        }
    }

    #[test]
    fn region_from_config() {
        let config = "[default]\nregion = us-east-1\n[profile smtp]\nregion = eu-west-1\n";
        assert_eq!(region(config, "smtp").as_deref(), Some("eu-west-1"));
        assert_eq!(region(config, "default").as_deref(), Some("us-east-1"));
        assert_eq!(region(config, "none"), None);
    }
}
