//! Which long-term key a profile holds, refusing every profile whose
//! credentials the SDKs would turn into temporary ones.

use crate::input::{SecretPolicy, parse_access_key_id};
use crate::profile::{File, Profile, ProfileCredentials, ProfileError, ProfileSet};

/// Properties that make the SDKs' credential chain for a profile anything
/// other than its one static key: federation, a role assumed on top
/// (whatever the role is assumed with), SSO, a process, console sign-in, or a
/// session token. Checked in this order, so the message names the most
/// telling one; any other `sso_*` property counts as SSO.
const REFUSED_KEYS: &[&str] = &[
    "web_identity_token_file",
    "role_arn",
    // Even without role_arn: the SDKs then use the named source as the
    // profile's base provider (smithy-rs aws-config, profile/credentials/
    // repr.rs, `base_provider`), never the profile's static keys.
    "credential_source",
    "sso_session",
    "credential_process",
    "login_session",
    "aws_session_token",
];

fn refused_key(profile: &Profile) -> Option<(&str, File)> {
    REFUSED_KEYS
        .iter()
        .find_map(|k| profile.entry(k).map(|(_, f)| (*k, f)))
        .or_else(|| {
            profile
                .properties
                .iter()
                .find(|(k, ..)| k.starts_with("sso_"))
                .map(|(k, _, f)| (k.as_str(), *f))
        })
}

impl ProfileSet {
    /// The long-term key of `name`, if the SDKs would use exactly that key
    /// and nothing on top of it. Never falls back to `default`.
    ///
    /// # Errors
    /// [`ProfileError`] when the profile is missing, has no secret, uses a
    /// property the SDKs would honour on top of the key, or holds a
    /// malformed or temporary key.
    pub fn credentials(
        &self,
        name: &str,
        policy: SecretPolicy,
    ) -> Result<ProfileCredentials, ProfileError> {
        let profile = self.profile(name).ok_or(ProfileError::NoProfile)?;
        if let Some((key, file)) = refused_key(profile) {
            return Err(ProfileError::Unsupported {
                file,
                key: key.to_string(),
            });
        }
        let (secret, file) = profile
            .entry("aws_secret_access_key")
            .ok_or(ProfileError::NoSecret)?;
        let secret = crate::secret_check::parse_raw_secret(secret.expose().as_bytes(), policy)
            .map_err(|error| ProfileError::Input { file, error })?;
        let access_key_id = profile
            .entry("aws_access_key_id")
            .map(|(id, file)| {
                parse_access_key_id(id.expose())
                    .map_err(|error| ProfileError::Input { file, error })
            })
            .transpose()?;
        let region = profile
            .get("region")
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        Ok(ProfileCredentials {
            secret,
            access_key_id,
            file,
            region,
        })
    }
}
