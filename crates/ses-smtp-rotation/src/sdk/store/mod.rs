//! The stores `rotate` writes: a Secrets Manager secret (one JSON
//! SecretString, a new version; the secret is created if missing) and SSM
//! Parameter Store parameters under a prefix (overwritten). Each write
//! returns how to undo it, read before anything was created, so a failed
//! rotation leaves every store as it found it.

use crate::Store;
use crate::calls;
use crate::sdk::error::{Error, Result};
use crate::sdk::journal::StoreBefore;
use crate::sdk::session::{Session, shown as shown_id};
use crate::stages;
use aws_sdk_ssm::types::{ParameterTier, ParameterType};
use ses_smtp_credentials::user_text;
use std::collections::HashMap;
use zeroize::Zeroizing;

pub(crate) mod write;

/// A store as found before the rotation: what undoing a write restores.
#[derive(Debug)]
pub enum Before {
    /// The versions that hold `AWSCURRENT` and `AWSPREVIOUS`, and whether
    /// there is a secret at all.
    Secret {
        /// The version that holds `AWSCURRENT`.
        current: Option<String>,
        /// The version that holds `AWSPREVIOUS`.
        previous: Option<String>,
        /// Whether there is a secret at all.
        exists: bool,
        /// The host and port its current version names (a VPC endpoint, a
        /// relay): kept in the new version.
        endpoint: Option<(String, u16)>,
    },
    /// The parameters that exist now, by name (values wiped on drop).
    Parameters(HashMap<String, Previous>),
}

/// A parameter as it was: its type, KMS key and tier, kept when it is
/// overwritten (the undo puts its version back from the history).
pub struct Previous {
    pub(crate) kind: ParameterType,
    pub(crate) key_id: Option<String>,
    pub(crate) tier: Option<ParameterTier>,
    /// Its version, for the journal (the undo after a crash restores it).
    pub(crate) version: i64,
    /// The value of `host` or `port` (kept when rotating); none for the
    /// others.
    pub(crate) endpoint_part: Option<String>,
}

impl std::fmt::Debug for Previous {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Previous")
            .field("kind", &self.kind)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// GetParameterHistory pages read at most for one parameter (SSM keeps 100
/// versions, 50 a page): a parameter whose history pages on past this is
/// an endpoint misbehaving.
const HISTORY_PAGES: usize = 10;

pub(super) fn secret_id(store: &Store) -> &str {
    match store {
        Store::SecretsManager(id) => id,
        Store::Ssm(prefix) => prefix,
    }
}

/// Reads a store's state before the key is made; also proves the operator
/// may read it.
///
/// # Errors
/// [`Error::Refused`] when AWS refuses a read, or the store cannot be
/// written as it is (a deleted secret, a parameter of another type).
pub fn before(aws: &Session, store: &Store) -> Result<Before> {
    let shown = aws.store_name(store);
    match store {
        Store::SecretsManager(id) => {
            let sm = aws.secrets_manager(store.arn_region());
            match aws.run(sm.describe_secret().secret_id(id).send()) {
                Ok(d) => {
                    if d.deleted_date.is_some() {
                        return Err(Error::Refused(format!(
                            "{shown}: the secret is scheduled for deletion\n  hint: restore it (aws secretsmanager restore-secret) or name another"
                        )));
                    }
                    // Scheduled rotation owns this secret: two rotations
                    // at once would race for the user's two key slots.
                    if d.rotation_enabled == Some(true) {
                        return Err(Error::Refused(format!(
                            "{shown}: rotation is enabled on this secret, so its rotation function rotates it; \
                             rotating it here too would race that function for the IAM user's two access key slots\n  \
                             hint: rotate it now through Secrets Manager: aws secretsmanager rotate-secret --secret-id {}",
                            shown_id(id)
                        )));
                    }
                    let stages = d.version_ids_to_stages.unwrap_or_default();
                    let holding = |label: &str| {
                        stages
                            .iter()
                            .find(|(_, s)| s.iter().any(|s| s == label))
                            .map(|(version, _)| version.clone())
                    };
                    Ok(Before::Secret {
                        current: holding(stages::CURRENT),
                        previous: holding(stages::PREVIOUS),
                        exists: true,
                        endpoint: secret_endpoint(aws, store, &shown)?,
                    })
                }
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|s| s.is_resource_not_found_exception()) =>
                {
                    if id.starts_with("arn:") {
                        return Err(Error::Refused(format!(
                            "{shown}: no such secret, and a secret is created by name, not by ARN\n  hint: name it by its name to have it created"
                        )));
                    }
                    Ok(Before::Secret {
                        current: None,
                        previous: None,
                        exists: false,
                        endpoint: None,
                    })
                }
                Err(e) => Err(aws
                    .refused(&calls::SM_DESCRIBE_SECRET, format!("to read {shown}"))(
                    e
                )),
            }
        }
        Store::Ssm(_) => {
            let found = aws
                .run(
                    aws.ssm()
                        .get_parameters()
                        .set_names(Some(store.parameter_names()))
                        .with_decryption(true)
                        .send(),
                )
                .map_err(aws.refused(&calls::SSM_GET_PARAMETERS, format!("to read {shown}")))?;
            let mut map = HashMap::new();
            for p in found.parameters.unwrap_or_default() {
                // Read with decryption: the preflight proves the operator
                // may decrypt it; only a host's or port's value is kept.
                let value = p.value.map(Zeroizing::new);
                if let Some(name) = p.name {
                    let endpoint_part = value
                        .filter(|_| name.ends_with("/host") || name.ends_with("/port"))
                        .map(|v| v.to_string());
                    let (key_id, tier) = key_and_tier(aws, &name, &shown, None)?;
                    let kind = p.r#type.unwrap_or(ParameterType::String);
                    map.insert(
                        name,
                        Previous {
                            kind,
                            key_id,
                            tier,
                            version: p.version,
                            endpoint_part,
                        },
                    );
                }
            }
            Ok(Before::Parameters(map))
        }
    }
}

/// The host and port a secret's current version names, if it is a secret
/// of SMTP credentials naming both (anything else: none, and the new
/// version gets SES's endpoint of the region).
fn secret_endpoint(aws: &Session, store: &Store, shown: &str) -> Result<Option<(String, u16)>> {
    let sm = aws.secrets_manager(store.arn_region());
    let read = sm
        .get_secret_value()
        .secret_id(secret_id(store))
        .version_stage(stages::CURRENT);
    match aws.run(read.send()) {
        Ok(mut out) => {
            let text = Zeroizing::new(out.secret_string.take().unwrap_or_default());
            Ok(crate::parse_secret_credentials(&text)
                .ok()
                .and_then(|c| Some((c.host.clone()?, c.port?))))
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(aws
            .refused(&calls::SM_GET_SECRET_VALUE, format!("to read {shown}"))(
            e
        )),
    }
}

/// What the journal keeps of a store as it was: IDs and version numbers.
pub fn journal_entry(store: &Store, before: &Before) -> StoreBefore {
    match before {
        Before::Secret {
            current,
            previous,
            exists,
            ..
        } => StoreBefore::SecretsManager {
            store: store.to_string(),
            exists: *exists,
            current: current.clone(),
            previous: previous.clone(),
        },
        Before::Parameters(map) => StoreBefore::Ssm {
            store: store.to_string(),
            parameters: store
                .parameter_names()
                .into_iter()
                .map(|n| {
                    let version = map.get(&n).map(|p| p.version);
                    (n, version)
                })
                .collect(),
        },
    }
}

/// A parameter's KMS key and tier: those of `version`, or of the newest
/// version when `None`, from its history (GetParameters returns neither,
/// and DescribeParameters cannot be scoped to the parameters).
pub(super) fn key_and_tier(
    aws: &Session,
    name: &str,
    shown: &str,
    version: Option<i64>,
) -> Result<(Option<String>, Option<ParameterTier>)> {
    let mut token: Option<String> = None;
    let mut found = None;
    for _ in 0..HISTORY_PAGES {
        let page = aws
            .run(
                aws.ssm()
                    .get_parameter_history()
                    .name(name)
                    .max_results(50)
                    .set_next_token(token.take())
                    .send(),
            )
            .map_err(aws.refused(
                &calls::SSM_GET_PARAMETER_HISTORY,
                format!(
                    "to read the KMS key and tier of parameter {} ({shown})",
                    user_text(name)
                ),
            ))?;
        let entries = page.parameters.unwrap_or_default();
        match version {
            Some(v) => {
                if let Some(e) = entries.into_iter().find(|e| e.version == v) {
                    return Ok((e.key_id, e.tier));
                }
            }
            None => found = entries.into_iter().last().or(found),
        }
        match page.next_token {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => return Ok(found.map_or((None, None), |e| (e.key_id, e.tier))),
        }
    }
    Err(Error::Refused(format!(
        "{shown}: the history of parameter {} did not end after {HISTORY_PAGES} pages",
        user_text(name)
    )))
}

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
            }
            Ok(named)
        }
        Store::Ssm(_) => {
            let name = store.parameter_names().swap_remove(0);
            // Decrypted: a username kept as a SecureString reads as itself.
            let found = aws
                .run(
                    aws.ssm()
                        .get_parameters()
                        .names(name)
                        .with_decryption(true)
                        .send(),
                )
                .map_err(aws.refused(&calls::SSM_GET_PARAMETERS, doing))?;
            let parameter = found.parameters.unwrap_or_default().into_iter().next();
            Ok(Named {
                since: parameter
                    .as_ref()
                    .and_then(|p| p.last_modified_date)
                    .map(|d| crate::sdk::iam::Timestamp::from_secs(d.secs())),
                current: parameter.and_then(|p| p.value).map(|u| user_text(&u)),
                previous: None,
            })
        }
    }
}
