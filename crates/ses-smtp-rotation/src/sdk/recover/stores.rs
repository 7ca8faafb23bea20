//! The stores' side of the undo: a secret's labels and a created secret,
//! Parameter Store's versions; and whether a run had delivered.

use super::report::{Left, Out};
use crate::sdk::error::{Error, Result};
use crate::sdk::journal::{Journal, Made, StoreBefore};
use crate::sdk::session::Session;
use crate::sdk::store::write::{Put, delete_created_secret, put_parameter};
use crate::sdk::store::{key_and_tier, secret_id};
use crate::stages;
use crate::{Store, calls};
use aws_sdk_ssm::types::ParameterType;
use ses_smtp_credentials::user_text;
use std::collections::HashMap;
use zeroize::Zeroizing;

/// Each version's labels.
type Stages = HashMap<String, Vec<String>>;

/// Which versions hold which labels now.
fn holder(stages: &Stages, label: &str) -> Option<String> {
    stages
        .iter()
        .find(|(_, s)| s.iter().any(|s| s == label))
        .map(|(v, _)| v.clone())
}

pub(super) fn secret<'j>(
    aws: &Session,
    store: &Store,
    existed: bool,
    (current, previous): (&Option<String>, &Option<String>),
    mut made: impl Iterator<Item = &'j Made>,
    out: &mut Out<'_>,
) -> Result<()> {
    let shown = aws.store_name(store);
    let sm = aws.secrets_manager(store.arn_region());
    let made = made.next();
    let read = |id: &str| -> Result<Option<(String, Stages)>> {
        match aws.run(sm.describe_secret().secret_id(id).send()) {
            Ok(d) => Ok(Some((
                d.arn.unwrap_or_default(),
                d.version_ids_to_stages.unwrap_or_default(),
            ))),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(aws
                .refused(&calls::SM_DESCRIBE_SECRET, format!("to read {shown}"))(
                e
            )),
        }
    };
    if !existed {
        let found = read(secret_id(store))?;
        match (made, found) {
            (_, None) => {}
            (Some(Made::Secret { arn, .. }), Some((now, _))) if *arn == now => {
                delete_created_secret(aws, store, arn)?;
                out.done(format!("deleted the secret of {shown} (this run created it)"));
            }
            (_, Some(_)) => out.left(Left::Store(format!(
                "{shown}: the secret exists, but this run never got an ARN back for it (it may be another's): left as it is"
            ))),
        }
        return Ok(());
    }
    let Some((_, stages)) = read(secret_id(store))? else {
        out.done(format!(
            "{shown}: the secret is gone since the rotation began: nothing to restore"
        ));
        return Ok(());
    };
    let now_current = holder(&stages, stages::CURRENT);
    let ours = match made {
        Some(Made::Version { version_id, .. }) => Some(version_id),
        _ => None,
    };
    if now_current == *current && holder(&stages, stages::PREVIOUS) == *previous {
        return Ok(());
    }
    let left = |out: &mut Out<'_>, label: &str, on: Option<String>| {
        out.left(Left::Store(format!(
            "{shown}: {label} is on version {}, which this run did not put: left as it is",
            on.as_deref()
                .map(user_text)
                .unwrap_or_else(|| "none".into())
        )));
    };
    let Some(ours) = ours else {
        left(out, stages::CURRENT, now_current);
        return Ok(());
    };
    if now_current != *current && now_current.as_ref() != Some(ours) {
        left(out, stages::CURRENT, now_current);
        return Ok(());
    }
    let move_label = |label: &str, to: Option<String>, from: Option<String>| {
        aws.run(
            sm.update_secret_version_stage()
                .secret_id(secret_id(store))
                .version_stage(label)
                .set_move_to_version_id(to)
                .set_remove_from_version_id(from)
                .send(),
        )
        .map(drop)
        .map_err(aws.refused(
            &calls::SM_UPDATE_SECRET_VERSION_STAGE,
            format!("to restore {shown}"),
        ))
    };
    if now_current != *current {
        move_label(stages::CURRENT, current.clone(), now_current)?;
    }
    // Moving AWSCURRENT moves AWSPREVIOUS too (onto the run's version):
    // read again, and put it back where it was, or take it off.
    let stages = read(secret_id(store))?.map(|(_, s)| s).unwrap_or_default();
    let now_previous = holder(&stages, stages::PREVIOUS);
    if now_previous != *previous {
        if now_previous.as_ref() != Some(ours) {
            left(out, stages::PREVIOUS, now_previous);
            return Ok(());
        }
        move_label(stages::PREVIOUS, previous.clone(), now_previous)?;
    }
    out.done(match current {
        Some(_) => {
            format!("{shown}: its previous version is current again, every label as before")
        }
        None => format!("{shown}: the new version is no longer current"),
    });
    Ok(())
}

pub(super) fn ssm(
    aws: &Session,
    store: &Store,
    parameters: &[(String, Option<i64>)],
    journal: &Journal,
    out: &mut Out<'_>,
) -> Result<()> {
    let shown = aws.store_name(store);
    for (name, before) in parameters.iter().rev() {
        let now = version(aws, name, &shown)?;
        if now == *before {
            continue;
        }
        let wrote = journal.made.iter().any(|m| {
            matches!(m, Made::Parameter { name: n, version } if n == name && Some(*version) == now)
        });
        let shown_name = user_text(name);
        if !wrote {
            out.left(Left::Store(format!(
                "parameter {shown_name}: version {} is not one this run wrote: left as it is",
                now.map_or_else(|| "none (deleted)".to_string(), |n| n.to_string())
            )));
            continue;
        }
        match before {
            None => {
                aws.run(aws.ssm().delete_parameter().name(name).send())
                    .map_err(aws.refused(
                        &calls::SSM_DELETE_PARAMETER,
                        format!("to delete parameter {shown_name}"),
                    ))?;
                out.done(format!(
                    "parameter {shown_name}: deleted (this run created it)"
                ));
            }
            Some(v) => {
                restore(aws, name, *v, &shown)?;
                out.done(format!(
                    "parameter {shown_name}: its previous value is back (version {v}'s value, type, KMS key and tier)"
                ));
            }
        }
    }
    Ok(())
}

/// Whether a rotation that ended without committing had delivered its
/// credentials: it had written every store (`stored`), and every store
/// still holds what it wrote. Such a rotation is never undone.
///
/// # Errors
/// [`Error::Refused`] when AWS refuses a read.
pub fn delivered(aws: &Session, journal: &Journal) -> Result<bool> {
    if !journal.stored || journal.created_key.is_none() {
        return Ok(false);
    }
    for before in &journal.stores {
        let store = before.store()?;
        let shown = aws.store_name(&store);
        match before {
            StoreBefore::SecretsManager { store: name, .. } => {
                let sm = aws.secrets_manager(store.arn_region());
                let d = aws
                    .run(sm.describe_secret().secret_id(secret_id(&store)).send())
                    .map_err(aws.refused(&calls::SM_DESCRIBE_SECRET, format!("to read {shown}")))?;
                let stages = d.version_ids_to_stages.unwrap_or_default();
                let holds = journal.made.iter().any(|m| match m {
                    Made::Version {
                        store: s,
                        version_id,
                    } => s == name && holder(&stages, stages::CURRENT).as_ref() == Some(version_id),
                    Made::Secret { store: s, arn } => s == name && d.arn.as_ref() == Some(arn),
                    Made::Parameter { .. } => false,
                });
                if !holds {
                    return Ok(false);
                }
            }
            StoreBefore::Ssm { parameters, .. } => {
                for (name, _) in parameters {
                    let now = version(aws, name, &shown)?;
                    let holds = journal.made.iter().any(|m| {
                        matches!(m, Made::Parameter { name: n, version } if n == name && Some(*version) == now)
                    });
                    if !holds {
                        return Ok(false);
                    }
                }
            }
        }
    }
    Ok(true)
}

/// The parameter's version now, or none where it does not exist.
fn version(aws: &Session, name: &str, shown: &str) -> Result<Option<i64>> {
    let found = aws
        .run(aws.ssm().get_parameters().names(name).send())
        .map_err(aws.refused(&calls::SSM_GET_PARAMETERS, format!("to read {shown}")))?;
    Ok(found
        .parameters
        .unwrap_or_default()
        .into_iter()
        .next()
        .map(|p| p.version))
}

/// Puts version `v` of the parameter back as its newest: its value (read
/// with the `name:v` selector, wiped after), type, KMS key and tier.
fn restore(aws: &Session, name: &str, v: i64, shown: &str) -> Result<()> {
    let mut found = aws
        .run(
            aws.ssm()
                .get_parameters()
                .names(format!("{name}:{v}"))
                .with_decryption(true)
                .send(),
        )
        .map_err(aws.refused(&calls::SSM_GET_PARAMETERS, format!("to read {shown}")))?;
    let Some(mut p) = found.parameters.take().and_then(|mut ps| ps.pop()) else {
        return Err(Error::Refused(format!(
            "{shown}: version {v} of parameter {} is gone (SSM keeps 100 versions); put its value back by hand",
            user_text(name)
        )));
    };
    let value = Zeroizing::new(p.value.take().unwrap_or_default());
    let (key_id, tier) = key_and_tier(aws, name, shown, Some(v))?;
    let put = Put {
        kind: p.r#type.unwrap_or(ParameterType::String),
        key_id,
        tier,
    };
    put_parameter(
        aws,
        name,
        &value,
        put,
        &format!("to restore parameter {}", user_text(name)),
    )
    .map(drop)
}
