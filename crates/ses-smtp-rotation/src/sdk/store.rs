//! The stores `rotate` writes: a Secrets Manager secret (one JSON
//! SecretString, a new version; the secret is created if missing) and SSM
//! Parameter Store parameters under a prefix (overwritten). Each write
//! returns how to undo it, read before anything was created, so a failed
//! rotation leaves every store as it found it.

use super::journal::StoreBefore;
use super::{Error, Result};
use super::{Session, shown};
use crate::Store;
use crate::calls;
use aws_sdk_ssm::types::{ParameterTier, ParameterType};
use ses_smtp_credentials::user_text;
use ses_smtp_credentials::{Derived, FixedBuf};
use std::collections::HashMap;
use zeroize::Zeroizing;

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
    },
    /// The parameters that exist now, by name (values wiped on drop).
    Parameters(HashMap<String, Previous>),
}

/// A parameter as it was: its value, type, KMS key and tier, all put back
/// by the undo, and the type, key and tier kept when it is overwritten.
pub struct Previous {
    value: Zeroizing<String>,
    kind: ParameterType,
    key_id: Option<String>,
    tier: Option<ParameterTier>,
    /// Its version, for the journal (the undo after a crash restores it).
    version: i64,
}

impl std::fmt::Debug for Previous {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Previous")
            .field("value", &"[REDACTED]")
            .field("kind", &self.kind)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// GetParameterHistory pages read at most for one parameter (SSM keeps 100
/// versions, 50 a page): a parameter whose history pages on past this is
/// an endpoint misbehaving.
const HISTORY_PAGES: usize = 10;

/// How to undo one write.
#[derive(Debug)]
pub(crate) enum Undo {
    DeleteSecret {
        store: Store,
    },
    /// Both labels back where they were: `AWSCURRENT` on `current`, and
    /// `AWSPREVIOUS` (which Secrets Manager moves along with it) on
    /// `previous`, or on no version.
    RestoreVersion {
        store: Store,
        current: Option<String>,
        previous: Option<String>,
        new: String,
    },
    RestoreParameter {
        name: String,
        previous: Option<Previous>,
    },
}

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
    let shown = shown(store);
    match store {
        Store::SecretsManager(id) => {
            let sm = aws.secrets_manager(store.arn_region());
            match aws.run(sm.describe_secret().secret_id(id).send()) {
                Ok(d) => {
                    if d.deleted_date.is_some() {
                        return Err(Error::Refused(format!(
                            "--store {shown}: the secret is scheduled for deletion\n  hint: restore it (aws secretsmanager restore-secret) or name another"
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
                        current: holding("AWSCURRENT"),
                        previous: holding("AWSPREVIOUS"),
                        exists: true,
                    })
                }
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|s| s.is_resource_not_found_exception()) =>
                {
                    if id.starts_with("arn:") {
                        return Err(Error::Refused(format!(
                            "--store {shown}: no such secret, and a secret is created by name, not by ARN\n  hint: name it by its name to have it created"
                        )));
                    }
                    Ok(Before::Secret {
                        current: None,
                        previous: None,
                        exists: false,
                    })
                }
                Err(e) => Err(aws.refused(
                    &calls::SM_DESCRIBE_SECRET,
                    format!("to read --store {shown}"),
                )(e)),
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
                .map_err(aws.refused(
                    &calls::SSM_GET_PARAMETERS,
                    format!("to read --store {shown}"),
                ))?;
            let mut map = HashMap::new();
            for p in found.parameters.unwrap_or_default() {
                if let (Some(name), Some(value)) = (p.name, p.value) {
                    let (key_id, tier) = key_and_tier(aws, &name, &shown, None)?;
                    let kind = p.r#type.unwrap_or(ParameterType::String);
                    map.insert(
                        name,
                        Previous {
                            value: Zeroizing::new(value),
                            kind,
                            key_id,
                            tier,
                            version: p.version,
                        },
                    );
                }
            }
            Ok(Before::Parameters(map))
        }
    }
}

/// What the journal keeps of a store as it was: IDs and version numbers.
pub fn journal_entry(store: &Store, before: &Before) -> StoreBefore {
    match before {
        Before::Secret {
            current,
            previous,
            exists,
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
                    "to read the KMS key and tier of parameter {} (--store {shown})",
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
        "--store {shown}: the history of parameter {} did not end after {HISTORY_PAGES} pages",
        user_text(name)
    )))
}

/// An owned copy for the SDK, which takes the request's strings by value
/// (and frees them unwiped: see docs/security.md).
fn owned(buf: &FixedBuf) -> String {
    String::from_utf8_lossy(buf.as_bytes()).into_owned()
}

/// Writes `d` into the store. Each write done is pushed onto `undo` as
/// soon as it is done, so a failure half-way is undone too.
pub(crate) fn write(
    aws: &Session,
    store: &Store,
    before: Before,
    d: &Derived,
    undo: &mut Vec<Undo>,
) -> Result<()> {
    let shown = shown(store);
    let doing = format!("to write --store {shown}");
    match before {
        Before::Secret {
            current,
            previous,
            exists,
        } => {
            let payload = ses_smtp_credentials::secret_string(d).map_err(Error::Render)?;
            let sm = aws.secrets_manager(store.arn_region());
            if exists {
                let out = aws
                    .run(
                        sm.put_secret_value()
                            .secret_id(secret_id(store))
                            .secret_string(owned(&payload))
                            .send(),
                    )
                    .map_err(aws.refused(&calls::SM_PUT_SECRET_VALUE, doing))?;
                let new = out.version_id.ok_or_else(|| {
                    Error::Refused(format!("--store {shown}: AWS returned no version ID"))
                })?;
                undo.push(Undo::RestoreVersion {
                    store: store.clone(),
                    current,
                    previous,
                    new,
                });
            } else {
                aws.run(
                    sm.create_secret()
                        .name(secret_id(store))
                        .description("Amazon SES SMTP credentials (ses-smtp-password rotate)")
                        .secret_string(owned(&payload))
                        .send(),
                )
                .map_err(aws.refused(&calls::SM_CREATE_SECRET, doing))?;
                undo.push(Undo::DeleteSecret {
                    store: store.clone(),
                });
            }
        }
        Before::Parameters(mut previous) => {
            let username = d.username.as_ref().map_or("", |u| u.as_str());
            let port = ses_smtp_credentials::region::STARTTLS_PORTS[0].to_string();
            let host = d.region.host();
            let values = [username, host.as_str(), port.as_str(), d.password.expose()];
            for (name, value) in store.parameter_names().into_iter().zip(values) {
                let was = previous.remove(&name);
                // Never a downgrade: a parameter that was a SecureString
                // stays one, under the same KMS key and in the same tier.
                let secure = name.ends_with("/password")
                    || was
                        .as_ref()
                        .is_some_and(|p| p.kind == ParameterType::SecureString);
                let put = Put {
                    kind: if secure {
                        ParameterType::SecureString
                    } else {
                        ParameterType::String
                    },
                    key_id: was
                        .as_ref()
                        .filter(|p| secure && p.kind == ParameterType::SecureString)
                        .and_then(|p| p.key_id.clone()),
                    tier: was.as_ref().and_then(|p| p.tier.clone()),
                };
                put_parameter(aws, &name, value, put, &doing)?;
                undo.push(Undo::RestoreParameter {
                    previous: was,
                    name: name.clone(),
                });
                pause_for_tests(&name);
            }
        }
    }
    Ok(())
}

/// Test builds only: tests/aws/rotation.rs kills the process here, once
/// `username` names the new key and `password` still holds the old one.
fn pause_for_tests(name: &str) {
    let _ = name;
    ses_smtp_credentials::test_hook! {
        if std::env::var_os("SES_SMTP_PASSWORD_TEST_PAUSE_AFTER_USERNAME").is_some()
            && name.ends_with("/username")
        {
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                b"paused after writing the username parameter\n",
            );
            loop {
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
        }
    }
}

/// How a parameter is written: its type, and the KMS key and tier it keeps
/// (without `KeyId`, PutParameter would encrypt under the account's
/// default `aws/ssm` key).
pub(super) struct Put {
    pub(super) kind: ParameterType,
    pub(super) key_id: Option<String>,
    pub(super) tier: Option<ParameterTier>,
}

/// One parameter, overwritten. The SDK takes its own copy of the value (an
/// owned String, freed unwiped: see docs/security.md).
pub(super) fn put_parameter(
    aws: &Session,
    name: &str,
    value: &str,
    put: Put,
    doing: &str,
) -> Result<()> {
    aws.run(
        aws.ssm()
            .put_parameter()
            .name(name)
            .value(value)
            .r#type(put.kind)
            .set_key_id(put.key_id)
            .set_tier(put.tier)
            .overwrite(true)
            .send(),
    )
    .map(|_| ())
    .map_err(aws.refused(&calls::SSM_PUT_PARAMETER, doing))
}

/// Deletes a secret a rotation created, without a recovery window (it
/// held only that rotation's key).
pub(super) fn delete_created_secret(aws: &Session, store: &Store) -> Result<()> {
    let sm = aws.secrets_manager(store.arn_region());
    aws.run(
        sm.delete_secret()
            .secret_id(secret_id(store))
            .force_delete_without_recovery(true)
            .send(),
    )
    .map(|_| ())
    .map_err(aws.refused(
        &calls::SM_DELETE_SECRET,
        format!("to delete the secret of --store {}", shown(store)),
    ))
}

/// Undoes one write; returns what was done, for the report.
pub(crate) fn undo(aws: &Session, step: Undo) -> Result<String> {
    match step {
        Undo::DeleteSecret { store } => {
            delete_created_secret(aws, &store)?;
            Ok(format!(
                "deleted the secret of --store {} (this run created it)",
                shown(&store)
            ))
        }
        Undo::RestoreVersion {
            store,
            current,
            previous,
            new,
        } => {
            let shown = shown(&store);
            let sm = aws.secrets_manager(store.arn_region());
            let stage = |label: &str, to: Option<String>| {
                aws.run(
                    sm.update_secret_version_stage()
                        .secret_id(secret_id(&store))
                        .version_stage(label)
                        .set_move_to_version_id(to)
                        .remove_from_version_id(&new)
                        .send(),
                )
                .map(|_| ())
                .map_err(aws.refused(
                    &calls::SM_UPDATE_SECRET_VERSION_STAGE,
                    format!("to restore --store {shown}"),
                ))
            };
            // AWSCURRENT back; Secrets Manager then puts AWSPREVIOUS on the
            // new version, so it is moved back too (or taken off, if no
            // version held it).
            stage("AWSCURRENT", current.clone())?;
            stage("AWSPREVIOUS", previous)?;
            Ok(match current {
                Some(_) => format!(
                    "--store {shown}: its previous version is current again, every label as before"
                ),
                None => format!("--store {shown}: the new version is no longer current"),
            })
        }
        Undo::RestoreParameter { name, previous } => {
            let what = format!("to restore parameter {name}");
            match previous {
                Some(p) => {
                    let put = Put {
                        kind: p.kind.clone(),
                        key_id: p.key_id.clone(),
                        tier: p.tier.clone(),
                    };
                    put_parameter(aws, &name, &p.value, put, &what)?;
                    Ok(format!("parameter {name}: its previous value is back"))
                }
                None => {
                    aws.run(aws.ssm().delete_parameter().name(&name).send())
                        .map_err(aws.refused(&calls::SSM_DELETE_PARAMETER, what))?;
                    Ok(format!("parameter {name}: deleted (this run created it)"))
                }
            }
        }
    }
}

/// The SMTP user name a store holds now, if any (for `keys --store`).
///
/// # Errors
/// [`Error::Refused`] when AWS refuses the read.
pub fn current_username(aws: &Session, store: &Store) -> Result<Option<String>> {
    let shown = shown(store);
    let doing = format!("to read --store {shown}");
    match store {
        Store::SecretsManager(id) => {
            let sm = aws.secrets_manager(store.arn_region());
            let mut out = match aws.run(sm.get_secret_value().secret_id(id).send()) {
                Ok(out) => out,
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|s| s.is_resource_not_found_exception()) =>
                {
                    return Ok(None);
                }
                Err(e) => return Err(aws.refused(&calls::SM_GET_SECRET_VALUE, doing)(e)),
            };
            // The SecretString holds the password: parsed in place, wiped.
            let text = Zeroizing::new(out.secret_string.take().unwrap_or_default());
            #[derive(serde::Deserialize)]
            struct Stored {
                username: Option<String>,
            }
            Ok(serde_json::from_str::<Stored>(&text)
                .ok()
                .and_then(|s| s.username)
                .map(|u| user_text(&u)))
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
            Ok(found
                .parameters
                .unwrap_or_default()
                .into_iter()
                .find_map(|p| p.value)
                .map(|u| user_text(&u)))
        }
    }
}
