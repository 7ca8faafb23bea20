//! The stores `rotate` writes: a Secrets Manager secret (one JSON
//! SecretString, a new version; the secret is created if missing) and SSM
//! Parameter Store parameters under a prefix (overwritten). Each write
//! returns how to undo it, read before anything was created, so a failed
//! rotation leaves every store as it found it.

use crate::calls;
use crate::sdk::error::{Error, Result};
use crate::sdk::journal::StoreBefore;
use crate::sdk::session::{Session, shown as shown_id};
use crate::stages;
use crate::{Store, StoredSecretError};
use aws_sdk_ssm::types::{ParameterTier, ParameterType};
use ses_smtp_credentials::user_text;
use std::collections::HashMap;
use zeroize::Zeroizing;

mod named;
pub(crate) mod write;

pub use named::{Named, named_keys};

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
        /// The host and port its current version names for each region (a
        /// VPC endpoint, a relay), as `(region, host, port)`: kept in the
        /// new version.
        endpoints: Vec<(String, String, u16)>,
        /// The regions its current version lists in `regions`, in order
        /// (`None`: it has no `regions` member).
        regions: Option<Vec<String>>,
    },
    /// The parameters the rotation writes, each as it is now if it exists,
    /// by name.
    Parameters {
        /// Every parameter the rotation writes, in order.
        names: Vec<String>,
        /// Those that exist now.
        found: HashMap<String, Previous>,
    },
}

impl Before {
    /// The regions the store lists now (a secret's `regions` member), in
    /// order; `None` when it lists none.
    pub fn listed_regions(&self) -> Option<&[String]> {
        match self {
            Before::Secret { regions, .. } => regions.as_deref(),
            Before::Parameters { .. } => None,
        }
    }
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

/// Reads a store's state before the key is made, for a key that sends from
/// `regions` (first first); also proves the operator may read it.
///
/// # Errors
/// [`Error::Refused`] when AWS refuses a read, or the store cannot be
/// written as it is (a deleted secret, a parameter of another type);
/// [`Error::Stored`] when a secret's `regions` member is malformed.
pub fn before(aws: &Session, store: &Store, regions: &[String]) -> Result<Before> {
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
                    let (endpoints, regions) = secret_endpoints(aws, store, &shown)?;
                    Ok(Before::Secret {
                        current: holding(stages::CURRENT),
                        previous: holding(stages::PREVIOUS),
                        exists: true,
                        endpoints,
                        regions,
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
                        endpoints: Vec::new(),
                        regions: None,
                    })
                }
                Err(e) => Err(aws
                    .refused(&calls::SM_DESCRIBE_SECRET, format!("to read {shown}"))(
                    e
                )),
            }
        }
        Store::Ssm(_) => {
            let names = store.parameter_names_for(regions);
            let mut map = HashMap::new();
            // GetParameters takes at most ten names a call.
            for chunk in names.chunks(10) {
                let found = aws
                    .run(
                        aws.ssm()
                            .get_parameters()
                            .set_names(Some(chunk.to_vec()))
                            .with_decryption(true)
                            .send(),
                    )
                    .map_err(aws.refused(&calls::SSM_GET_PARAMETERS, format!("to read {shown}")))?;
                read_previous(aws, &shown, found.parameters.unwrap_or_default(), &mut map)?;
            }
            Ok(Before::Parameters { names, found: map })
        }
    }
}

/// Keeps what a rotation needs of each parameter found: its type, KMS key
/// and tier, version, and a host's or port's value.
fn read_previous(
    aws: &Session,
    shown: &str,
    found: Vec<aws_sdk_ssm::types::Parameter>,
    map: &mut HashMap<String, Previous>,
) -> Result<()> {
    {
        {
            for p in found {
                // Read with decryption: the preflight proves the operator
                // may decrypt it; only a host's or port's value is kept.
                let value = p.value.map(Zeroizing::new);
                if let Some(name) = p.name {
                    let endpoint_part = value
                        .filter(|_| name.ends_with("/host") || name.ends_with("/port"))
                        .map(|v| v.to_string());
                    let (key_id, tier) = key_and_tier(aws, &name, shown, None)?;
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
            Ok(())
        }
    }
}

/// What a secret's current version lists: the host and port it names for
/// each region, if it is a secret of SMTP credentials (anything else:
/// none, and the new version gets SES's endpoint of each region), and its
/// `regions`, if it has that member.
///
/// A secret of SMTP credentials whose `regions` member is malformed is
/// refused ([`Error::Stored`]): which region's entry is stale could not be
/// told, and a rotation would write over the evidence.
#[allow(clippy::type_complexity)]
fn secret_endpoints(
    aws: &Session,
    store: &Store,
    shown: &str,
) -> Result<(Vec<(String, String, u16)>, Option<Vec<String>>)> {
    let sm = aws.secrets_manager(store.arn_region());
    let read = sm
        .get_secret_value()
        .secret_id(secret_id(store))
        .version_stage(stages::CURRENT);
    match aws.run(read.send()) {
        Ok(mut out) => {
            let text = Zeroizing::new(out.secret_string.take().unwrap_or_default());
            match crate::parse_secret_credentials(&text) {
                Ok(c) => Ok((
                    c.regions
                        .iter()
                        .filter_map(|e| Some((e.region.code.clone(), e.host.clone()?, e.port?)))
                        .collect(),
                    c.lists_regions
                        .then(|| c.regions.iter().map(|e| e.region.code.clone()).collect()),
                )),
                Err(
                    error @ StoredSecretError::Invalid {
                        member: "regions", ..
                    },
                ) => Err(Error::Stored {
                    store: shown.to_string(),
                    error,
                }),
                Err(_) => Ok((Vec::new(), None)),
            }
        }
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            Ok((Vec::new(), None))
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
        Before::Parameters { names, found } => StoreBefore::Ssm {
            store: store.to_string(),
            parameters: names
                .iter()
                .map(|n| {
                    let version = found.get(n).map(|p| p.version);
                    (n.clone(), version)
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
