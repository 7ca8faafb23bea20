//! What a store names now, for `keys --store` and `retire --store`: the
//! SMTP user name (and a secret's `AWSPREVIOUS` one), since when, and the
//! regions it holds passwords for.

use crate::Store;
use crate::StoredSecretError;
use crate::calls;
use crate::sdk::error::{Error, Result};
use crate::sdk::session::Session;
use crate::stages;
use ses_smtp_credentials::user_text;
use zeroize::Zeroizing;

/// The keys a store names: the SMTP user name it holds now and, for a
/// Secrets Manager secret, the one its `AWSPREVIOUS` version holds (the
/// key scheduled rotation keeps active for one more period).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Named {
    /// The user name the store holds now (a secret's `AWSCURRENT`).
    pub current: Option<String>,
    /// The user name a secret's `AWSPREVIOUS` version holds.
    pub previous: Option<String>,
    /// When the store's current user name was written (the `AWSCURRENT`
    /// version's creation, or the `username` parameter's last change):
    /// when any other key stopped being current in it.
    pub since: Option<crate::sdk::iam::Timestamp>,
    /// The regions the store holds passwords for, the first first: a
    /// secret's `regions` (or its one `region`), a prefix's `region`.
    pub regions: Vec<String>,
}

impl Named {
    /// Whether key `id`, last used at `used`, was used after it stopped
    /// being current in this store (and later than `floor`): a consumer
    /// may still log in with it.
    pub fn used_after_rotation(
        &self,
        id: &str,
        used: crate::sdk::iam::Timestamp,
        floor: crate::sdk::iam::Timestamp,
    ) -> bool {
        self.current.as_deref() != Some(id)
            && self.since.is_some_and(|since| used > since.max(floor))
    }
}

/// The keys a store names (for `keys --store`), made safe to show.
///
/// # Errors
/// [`Error::Refused`] when AWS refuses the read.
pub fn named_keys(aws: &Session, store: &Store) -> Result<Named> {
    let shown = aws.store_name(store);
    let doing = format!("to read {shown}");
    match store {
        Store::SecretsManager(id) => {
            let sm = aws.secrets_manager(store.arn_region());
            let mut named = Named::default();
            for (label, into) in [
                (stages::CURRENT, &mut named.current),
                (stages::PREVIOUS, &mut named.previous),
            ] {
                let read = sm.get_secret_value().secret_id(id).version_stage(label);
                let current = label == stages::CURRENT;
                let mut out = match aws.run(read.send()) {
                    Ok(out) => out,
                    // No such secret, or no version with the label.
                    Err(e)
                        if e.as_service_error()
                            .is_some_and(|s| s.is_resource_not_found_exception()) =>
                    {
                        continue;
                    }
                    Err(e) => {
                        return Err(aws.refused(&calls::SM_GET_SECRET_VALUE, doing.clone())(e));
                    }
                };
                if current {
                    named.since = out
                        .created_date
                        .map(|d| crate::sdk::iam::Timestamp::from_secs(d.secs()));
                }
                // The SecretString holds the password: parsed in place, wiped.
                let text = Zeroizing::new(out.secret_string.take().unwrap_or_default());
                #[derive(serde::Deserialize)]
                struct Stored {
                    username: Option<String>,
                }
                *into = serde_json::from_str::<Stored>(&text)
                    .ok()
                    .and_then(|s| s.username)
                    .map(|u| user_text(&u));
                if current {
                    // A malformed `regions` is refused, as `rotate` would.
                    named.regions = match crate::parse_secret_credentials(&text) {
                        Ok(c) => c.regions.iter().map(|e| e.region.code.clone()).collect(),
                        Err(
                            error @ StoredSecretError::Invalid {
                                member: "regions", ..
                            },
                        ) => {
                            return Err(Error::Stored {
                                store: shown.clone(),
                                error,
                            });
                        }
                        Err(_) => Vec::new(),
                    };
                }
            }
            Ok(named)
        }
        Store::Ssm(prefix) => {
            let (name, region) = (format!("{prefix}/username"), format!("{prefix}/region"));
            // Decrypted: a username kept as a SecureString reads as itself.
            let found = aws
                .run(
                    aws.ssm()
                        .get_parameters()
                        .names(&name)
                        .names(&region)
                        .with_decryption(true)
                        .send(),
                )
                .map_err(aws.refused(&calls::SSM_GET_PARAMETERS, doing))?;
            let mut parameters = found.parameters.unwrap_or_default();
            let mut take = |wanted: &str| {
                parameters
                    .iter()
                    .position(|p| p.name.as_deref() == Some(wanted))
                    .map(|i| parameters.swap_remove(i))
            };
            let parameter = take(&name);
            let regions = take(&region)
                .and_then(|p| p.value)
                .map(|r| user_text(&r))
                .into_iter()
                .collect();
            Ok(Named {
                since: parameter
                    .as_ref()
                    .and_then(|p| p.last_modified_date)
                    .map(|d| crate::sdk::iam::Timestamp::from_secs(d.secs())),
                current: parameter.and_then(|p| p.value).map(|u| user_text(&u)),
                previous: None,
                regions,
            })
        }
    }
}
