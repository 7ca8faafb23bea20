//! The stores `rotate` writes: a Secrets Manager secret (one JSON
//! SecretString, a new version; the secret is created if missing) and SSM
//! Parameter Store parameters under a prefix (overwritten). Each write
//! returns how to undo it, read before anything was created, so a failed
//! rotation leaves every store as it found it.

use super::{Aws, refused, shown};
use crate::error::{CliError, Result};
use aws_sdk_ssm::types::ParameterType;
use ses_smtp_credentials::rotation::Store;
use ses_smtp_credentials::{Derived, FixedBuf};
use std::collections::HashMap;
use zeroize::Zeroizing;

/// A store as found before the rotation: what undoing a write restores.
pub enum Before {
    /// The secret's current version, or `None` if there is no secret yet.
    Secret {
        current: Option<String>,
        exists: bool,
    },
    /// The parameters that exist now, by name (values wiped on drop).
    Parameters(HashMap<String, Previous>),
}

pub struct Previous {
    value: Zeroizing<String>,
    kind: ParameterType,
}

/// How to undo one write.
pub enum Undo {
    DeleteSecret {
        store: Store,
    },
    RestoreVersion {
        store: Store,
        previous: Option<String>,
        new: String,
    },
    RestoreParameter {
        name: String,
        previous: Option<Previous>,
    },
}

fn secret_id(store: &Store) -> &str {
    match store {
        Store::SecretsManager(id) => id,
        Store::Ssm(prefix) => prefix,
        _ => unreachable!("every store kind is handled"),
    }
}

/// Reads a store's state before the key is made; also proves the operator
/// may read it.
pub fn before(aws: &Aws, store: &Store) -> Result<Before> {
    let shown = shown(store);
    match store {
        Store::SecretsManager(id) => {
            let sm = aws.secrets_manager(store.arn_region());
            match aws.run(sm.describe_secret().secret_id(id).send()) {
                Ok(d) => {
                    if d.deleted_date.is_some() {
                        return Err(CliError::Aws(format!(
                            "--store {shown}: the secret is scheduled for deletion\n  hint: restore it (aws secretsmanager restore-secret) or name another"
                        )));
                    }
                    let current = d.version_ids_to_stages.and_then(|v| {
                        v.into_iter()
                            .find(|(_, stages)| stages.iter().any(|s| s == "AWSCURRENT"))
                            .map(|(version, _)| version)
                    });
                    Ok(Before::Secret {
                        current,
                        exists: true,
                    })
                }
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|s| s.is_resource_not_found_exception()) =>
                {
                    if id.starts_with("arn:") {
                        return Err(CliError::Aws(format!(
                            "--store {shown}: no such secret, and a secret is created by name, not by ARN\n  hint: name it by its name to have it created"
                        )));
                    }
                    Ok(Before::Secret {
                        current: None,
                        exists: false,
                    })
                }
                Err(e) => Err(refused(format!("to read --store {shown}"))(e)),
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
                .map_err(refused(format!("to read --store {shown}")))?;
            let mut map = HashMap::new();
            for p in found.parameters.unwrap_or_default() {
                if let (Some(name), Some(value)) = (p.name, p.value) {
                    let kind = p.r#type.unwrap_or(ParameterType::String);
                    map.insert(
                        name,
                        Previous {
                            value: Zeroizing::new(value),
                            kind,
                        },
                    );
                }
            }
            Ok(Before::Parameters(map))
        }
        _ => unreachable!("every store kind is handled"),
    }
}

/// An owned copy for the SDK, which takes the request's strings by value
/// (and frees them unwiped: see docs/security.md).
fn owned(buf: &FixedBuf) -> String {
    String::from_utf8_lossy(buf.as_bytes()).into_owned()
}

/// Writes `d` into the store. Each write done is pushed onto `undo` as
/// soon as it is done, so a failure half-way is undone too.
pub fn write(
    aws: &Aws,
    store: &Store,
    before: Before,
    d: &Derived,
    undo: &mut Vec<Undo>,
) -> Result<()> {
    let shown = shown(store);
    let doing = format!("to write --store {shown}");
    match before {
        Before::Secret { current, exists } => {
            let payload =
                ses_smtp_credentials::rotation::secret_string(d).map_err(CliError::Render)?;
            let sm = aws.secrets_manager(store.arn_region());
            if exists {
                let out = aws
                    .run(
                        sm.put_secret_value()
                            .secret_id(secret_id(store))
                            .secret_string(owned(&payload))
                            .send(),
                    )
                    .map_err(refused(doing))?;
                let new = out.version_id.ok_or_else(|| {
                    CliError::Aws(format!("--store {shown}: AWS returned no version ID"))
                })?;
                undo.push(Undo::RestoreVersion {
                    store: store.clone(),
                    previous: current,
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
                .map_err(refused(doing))?;
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
                let kind = if name.ends_with("/password") {
                    ParameterType::SecureString
                } else {
                    ParameterType::String
                };
                put_parameter(aws, &name, value, kind, &doing)?;
                undo.push(Undo::RestoreParameter {
                    previous: previous.remove(&name),
                    name,
                });
            }
        }
    }
    Ok(())
}

/// One parameter, overwritten. The SDK takes its own copy of the value (an
/// owned String, freed unwiped: see docs/security.md).
fn put_parameter(
    aws: &Aws,
    name: &str,
    value: &str,
    kind: ParameterType,
    doing: &str,
) -> Result<()> {
    aws.run(
        aws.ssm()
            .put_parameter()
            .name(name)
            .value(value)
            .r#type(kind)
            .overwrite(true)
            .send(),
    )
    .map(|_| ())
    .map_err(refused(doing))
}

/// Undoes one write; returns what was done, for the report.
pub fn undo(aws: &Aws, step: Undo) -> Result<String> {
    match step {
        Undo::DeleteSecret { store } => {
            let shown = shown(&store);
            let sm = aws.secrets_manager(store.arn_region());
            aws.run(
                sm.delete_secret()
                    .secret_id(secret_id(&store))
                    .force_delete_without_recovery(true)
                    .send(),
            )
            .map_err(refused(format!("to delete the secret of --store {shown}")))?;
            Ok(format!(
                "deleted the secret of --store {shown} (this run created it)"
            ))
        }
        Undo::RestoreVersion {
            store,
            previous,
            new,
        } => {
            let shown = shown(&store);
            let sm = aws.secrets_manager(store.arn_region());
            aws.run(
                sm.update_secret_version_stage()
                    .secret_id(secret_id(&store))
                    .version_stage("AWSCURRENT")
                    .set_move_to_version_id(previous.clone())
                    .remove_from_version_id(new)
                    .send(),
            )
            .map_err(refused(format!("to restore --store {shown}")))?;
            Ok(match previous {
                Some(_) => format!("--store {shown}: its previous version is current again"),
                None => format!("--store {shown}: the new version is no longer current"),
            })
        }
        Undo::RestoreParameter { name, previous } => {
            let what = format!("to restore parameter {name}");
            match previous {
                Some(p) => {
                    put_parameter(aws, &name, &p.value, p.kind, &what)?;
                    Ok(format!("parameter {name}: its previous value is back"))
                }
                None => {
                    aws.run(aws.ssm().delete_parameter().name(&name).send())
                        .map_err(refused(what))?;
                    Ok(format!("parameter {name}: deleted (this run created it)"))
                }
            }
        }
    }
}

/// The SMTP user name a store holds now, if any (for `keys --store`).
pub fn current_username(aws: &Aws, store: &Store) -> Result<Option<String>> {
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
                Err(e) => return Err(refused(doing)(e)),
            };
            // The SecretString holds the password: parsed in place, wiped.
            let text = Zeroizing::new(out.secret_string.take().unwrap_or_default());
            #[derive(serde::Deserialize)]
            struct Stored {
                username: Option<String>,
            }
            Ok(serde_json::from_str::<Stored>(&text)
                .ok()
                .and_then(|s| s.username))
        }
        Store::Ssm(_) => {
            let name = store.parameter_names().swap_remove(0);
            let found = aws
                .run(aws.ssm().get_parameters().names(name).send())
                .map_err(refused(doing))?;
            Ok(found
                .parameters
                .unwrap_or_default()
                .into_iter()
                .find_map(|p| p.value))
        }
        _ => unreachable!("every store kind is handled"),
    }
}
