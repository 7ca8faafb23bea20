//! Long-term credentials from a named AWS CLI profile, read from the shared
//! credentials and config files exactly as the AWS SDKs read them, refusing
//! profiles whose credentials the SDKs would turn into temporary ones.
//!
//! The rules are those of the SDKs' shared profile-file conformance suite
//! (tests/profile-suites/): `#`/`;` comments (inline only after whitespace),
//! continuation lines, sub-properties, property names lower-cased, values
//! kept verbatim (quotes included), duplicate sections and properties merged
//! (the last wins), `[profile default]` over `[default]` in the config file,
//! `profile ` prefix only in the config file, invalid names ignored, and the
//! credentials file winning over the config file property by property.
//!
//! Pure: the caller reads the files and passes their text. Values are
//! copied once, into zeroizing strings sized exactly, and never grow.
//!
//! This file: the types and the entry point; `syntax`: the files' syntax;
//! `credentials`: which profile's key the SDKs would use.

use crate::derive::SecretKey;
use crate::error::InputError;

mod credentials;
mod syntax;
use crate::input::{AccessKeyId, SecretPolicy};
use std::collections::HashMap;
use std::fmt;
use zeroize::Zeroizing;

/// Which of the two files a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum File {
    /// The shared credentials file (`~/.aws/credentials`).
    Credentials,
    /// The config file (`~/.aws/config`).
    Config,
}

/// What is wrong with a line of a profile file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseProblem {
    /// `[` without a closing `]`.
    SectionNotClosed,
    /// A property or continuation before any `[section]`.
    OutsideSection,
    /// An indented continuation line with no property above it.
    ContinuationWithoutProperty,
    /// A (sub-)property line without `=`.
    NoEquals {
        /// The line is a sub-property (indented under `name =`).
        sub_property: bool,
    },
    /// A (sub-)property line with nothing before `=`.
    NoName {
        /// The line is a sub-property (indented under `name =`).
        sub_property: bool,
    },
}

impl fmt::Display for ParseProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = |sub: bool| if sub { "sub-property" } else { "property" };
        match self {
            ParseProblem::SectionNotClosed => f.write_str("a section header has no closing ']'"),
            ParseProblem::OutsideSection => {
                f.write_str("a property comes before any [section] header")
            }
            ParseProblem::ContinuationWithoutProperty => f.write_str(
                "an indented (continuation) line has no property above it in its section",
            ),
            ParseProblem::NoEquals { sub_property } => {
                write!(f, "a {} line has no '='", what(*sub_property))
            }
            ParseProblem::NoName { sub_property } => {
                write!(f, "a {} line has no name before '='", what(*sub_property))
            }
        }
    }
}

/// Why a profile gave no usable long-term key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileError {
    /// A file breaks the profile-file syntax (line only: values are secret).
    Parse {
        /// The file.
        file: File,
        /// The line, from 1.
        line: usize,
        /// What is wrong with it.
        problem: ParseProblem,
    },
    /// Neither file has a valid section for the profile.
    NoProfile,
    /// The profile has no `aws_secret_access_key`.
    NoSecret,
    /// The profile gets credentials in a way that is always temporary, or
    /// assumes something on top of its key. `key` is the property that says
    /// so, `file` where it was found.
    Unsupported {
        /// Where the property was found.
        file: File,
        /// The property's (lower-case) name.
        key: String,
    },
    /// The secret or key ID in the profile is malformed or refused.
    Input {
        /// Where the value was found.
        file: File,
        /// What is wrong with it.
        error: InputError,
    },
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

    /// The broad class of the failure.
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
            ProfileError::Parse { line, problem, .. } => write!(
                f,
                "line {line}: {problem}\n  hint: the AWS CLI would refuse this file too; fix that line"
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
                    "role_arn" => "assumes a role: its credentials are temporary (STS)",
                    "credential_source" => {
                        "takes its credentials from the source credential_source names (the environment, instance or container credentials), not from its own keys"
                    }
                    "credential_process" => {
                        "gets its credentials from a process, which this tool does not run"
                    }
                    "web_identity_token_file" => {
                        "uses web identity federation: its credentials are temporary (STS)"
                    }
                    "login_session" => {
                        "signs in with console credentials (aws login): its credentials are temporary"
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

/// A property value: possibly secret, so wiped on drop and never shown by
/// `Debug`.
pub struct Value(Zeroizing<String>);

impl Value {
    /// Joins the value's lines with `\n` into one buffer of exactly the
    /// final size, so it is written once and never reallocated.
    pub(crate) fn join(pieces: &[&str]) -> Value {
        let len = pieces.iter().map(|p| p.len()).sum::<usize>() + pieces.len().saturating_sub(1);
        let mut s = Zeroizing::new(String::with_capacity(len));
        for (i, p) in pieces.iter().enumerate() {
            if i > 0 {
                s.push('\n');
            }
            s.push_str(p);
        }
        Value(s)
    }

    /// The value's text. Keep the borrow short: it may be a secret.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Value(redacted)")
    }
}

/// One profile (or sso-session) after merging: lower-case property names,
/// each with its value and the file it came from.
#[derive(Debug, Default)]
pub struct Profile {
    pub(crate) properties: Vec<(String, Value, File)>,
    /// Where each name is in `properties`: a file of many properties is
    /// merged in linear time.
    pub(crate) index: HashMap<String, usize>,
}

impl Profile {
    pub(crate) fn set(&mut self, key: String, value: Value, file: File) {
        match self.index.get(&key) {
            Some(&i) => self.properties[i] = (key, value, file),
            None => {
                self.index.insert(key.clone(), self.properties.len());
                self.properties.push((key, value, file));
            }
        }
    }

    /// A property's value (names are lower-case).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entry(key).map(|(v, _)| v.expose())
    }

    pub(crate) fn entry(&self, key: &str) -> Option<(&Value, File)> {
        self.properties
            .iter()
            .find(|(k, ..)| k == key)
            .map(|(_, v, f)| (v, *f))
    }

    /// Property names and values, in the order first defined.
    pub fn properties(&self) -> impl Iterator<Item = (&str, &str)> {
        self.properties
            .iter()
            .map(|(k, v, _)| (k.as_str(), v.expose()))
    }
}

/// Both files, parsed and merged.
#[derive(Debug, Default)]
pub struct ProfileSet {
    pub(crate) profiles: Vec<(String, Profile)>,
    pub(crate) sso_sessions: Vec<(String, Profile)>,
}

/// What a profile gave.
#[derive(Debug)]
#[non_exhaustive]
pub struct ProfileCredentials {
    /// The long-term secret access key.
    pub secret: SecretKey,
    /// Its access key ID, when the profile has one.
    pub access_key_id: Option<AccessKeyId>,
    /// Which file held the secret.
    pub file: File,
    /// The profile's `region`, if it names one.
    pub region: Option<String>,
}

/// Parses both files and reads `profile` (see [`ProfileSet::credentials`]).
///
/// # Errors
/// [`ProfileError`], as [`ProfileSet::parse`] and
/// [`ProfileSet::credentials`].
pub fn credentials(
    credentials_text: Option<&str>,
    config_text: Option<&str>,
    profile: &str,
    policy: SecretPolicy,
) -> Result<ProfileCredentials, ProfileError> {
    ProfileSet::parse(credentials_text, config_text)?.credentials(profile, policy)
}

/// Where the SDKs look for the two files: `AWS_SHARED_CREDENTIALS_FILE` and
/// `AWS_CONFIG_FILE` (a leading `~` component is the home directory), else
/// `~/.aws/credentials` and `~/.aws/config`, home being `HOME`. Pure: `env`
/// looks a variable up. Returns (credentials, config).
pub fn locations(env: impl Fn(&str) -> Option<String>) -> (std::path::PathBuf, std::path::PathBuf) {
    use std::path::{Component, Path, PathBuf};
    let home = env("HOME").filter(|h| !h.is_empty());
    let expand = |path: &str| -> PathBuf {
        let path = Path::new(path);
        let mut parts = path.components();
        match (parts.next(), &home) {
            (Some(Component::Normal(first)), Some(home)) if first == "~" => {
                let mut out = PathBuf::from(home);
                out.extend(parts);
                out
            }
            _ => path.to_path_buf(),
        }
    };
    let pick = |var: &str, default: &str| match env(var).filter(|v| !v.is_empty()) {
        Some(p) => expand(&p),
        None => expand(&format!("~/.aws/{default}")),
    };
    (
        pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
        pick("AWS_CONFIG_FILE", "config"),
    )
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
    fn refuses_temporary_profiles_wherever_the_key_is() {
        for key in [
            "aws_session_token",
            "role_arn",
            "credential_source",
            "sso_start_url",
            "credential_process",
            "web_identity_token_file",
            "sso_session",
            "login_session",
            "SSO_Region",
        ] {
            let creds = format!("[p]\naws_secret_access_key = {S}\n");
            let config = format!("[profile p]\n{key} = x\n");
            let err = credentials(Some(&creds), Some(&config), "p", STRICT).unwrap_err();
            assert!(
                matches!(
                    err,
                    ProfileError::Unsupported {
                        file: File::Config,
                        ..
                    }
                ),
                "{key}: {err:?}"
            );
            let creds = format!("[p]\naws_secret_access_key = {S}\n{key} = x\n");
            let err = credentials(Some(&creds), None, "p", STRICT).unwrap_err();
            assert!(
                matches!(
                    err,
                    ProfileError::Unsupported {
                        file: File::Credentials,
                        ..
                    }
                ),
                "{key}: {err:?}"
            );
        }
    }

    #[test]
    fn region_comes_from_the_merged_profile() {
        let config = "[default]\nregion = us-east-1\n[profile smtp]\nregion = eu-west-1\n";
        let creds = format!("[smtp]\naws_secret_access_key = {S}\n");
        let c = credentials(Some(&creds), Some(config), "smtp", STRICT).unwrap();
        assert_eq!(c.region.as_deref(), Some("eu-west-1"));
    }

    /// A 1 MiB file of ~115,000 sections, or of one section with ~115,000
    /// properties, parses in linear time (it took minutes when sections
    /// and properties were looked up one by one). The bound is loose for
    /// unoptimized, loaded test machines; a release build takes a few
    /// milliseconds.
    #[test]
    fn parsing_is_linear() {
        let mut sections = String::new();
        let mut properties = String::from("[smtp]\n");
        let mut i = 0;
        while sections.len() < 1_000_000 {
            sections.push_str(&format!("[p{i}]\nk = v\n"));
            properties.push_str(&format!("k{i} = v\n"));
            i += 1;
        }
        for text in [&sections, &properties] {
            let start = std::time::Instant::now();
            let set = ProfileSet::parse(Some(text), Some(text.as_str())).unwrap();
            assert!(set.profile_names().count() >= 1);
            assert!(
                start.elapsed() < std::time::Duration::from_secs(20),
                "{:?}",
                start.elapsed()
            );
        }
    }

    #[test]
    fn values_are_not_shown_by_debug() {
        let set =
            ProfileSet::parse(Some(&format!("[p]\naws_secret_access_key = {S}\n")), None).unwrap();
        assert!(!format!("{set:?}").contains(&S[..8]));
    }

    #[test]
    fn locations_expand_a_leading_tilde_only() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let (c, f) = locations(env(&[
            ("HOME", "/home/u"),
            ("AWS_CONFIG_FILE", "~/cfg/config"),
            ("AWS_SHARED_CREDENTIALS_FILE", "~other/creds"),
        ]));
        assert_eq!(f, std::path::Path::new("/home/u/cfg/config"));
        assert_eq!(c, std::path::Path::new("~other/creds"));
    }
}
