//! `rotate --recover`: finishes the undo of a rotation that a kill left
//! half-made, from its journal. Each step compares AWS now with what the
//! journal says was there before, and puts back only what differs, so a
//! recovery that is itself interrupted can be run again.

use super::error::{Error, Result};
use super::iam;
use super::journal::{Journal, StoreBefore};
use super::session::Session;
use super::store::{key_and_tier, secret_id};
use super::store_write::{Put, delete_created_secret, put_parameter};
use crate::{Store, UserName, calls};
use aws_sdk_ssm::types::ParameterType;
use ses_smtp_credentials::user_text;
use zeroize::Zeroizing;

/// Undoes what the journal's rotation made: the stores, latest first, then
/// every key the user has that it did not have before. Returns what was
/// done and what failed.
pub fn undo(aws: &Session, user: &UserName, journal: &Journal) -> (Vec<String>, Vec<String>) {
    let (mut done, mut failed) = (Vec::new(), Vec::new());
    let mut note = |r: Result<Vec<String>>| match r {
        Ok(steps) => done.extend(steps),
        Err(e) => failed.push(e.to_string()),
    };
    for before in journal.stores.iter().rev() {
        note(before.store().and_then(|store| match before {
            StoreBefore::SecretsManager {
                exists,
                current,
                previous,
                ..
            } => secret(aws, &store, *exists, current, previous),
            StoreBefore::Ssm { parameters, .. } => ssm(aws, &store, parameters),
        }));
    }
    note(keys(aws, user, &journal.keys_before));
    (done, failed)
}

fn keys(aws: &Session, user: &UserName, before: &[String]) -> Result<Vec<String>> {
    let mut done = Vec::new();
    for key in iam::keys(aws, user)? {
        if !before.contains(&key.id) {
            iam::delete_key(aws, user, &key.id)?;
            done.push(format!(
                "deleted access key {} (the user did not have it before the rotation)",
                key.id
            ));
        }
    }
    Ok(done)
}

/// Which versions hold which labels now.
fn holder(stages: &std::collections::HashMap<String, Vec<String>>, label: &str) -> Option<String> {
    stages
        .iter()
        .find(|(_, s)| s.iter().any(|s| s == label))
        .map(|(v, _)| v.clone())
}

fn secret(
    aws: &Session,
    store: &Store,
    existed: bool,
    current: &Option<String>,
    previous: &Option<String>,
) -> Result<Vec<String>> {
    let shown = aws.store_name(store);
    let sm = aws.secrets_manager(store.arn_region());
    let id = secret_id(store);
    let describe = || -> Result<std::collections::HashMap<String, Vec<String>>> {
        aws.run(sm.describe_secret().secret_id(id).send())
            .map(|d| d.version_ids_to_stages.unwrap_or_default())
            .map_err(aws.refused(&calls::SM_DESCRIBE_SECRET, format!("to read {shown}")))
    };
    let stages = match aws.run(sm.describe_secret().secret_id(id).send()) {
        Ok(d) => d.version_ids_to_stages.unwrap_or_default(),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            return Ok(Vec::new());
        }
        Err(e) => {
            return Err(aws
                .refused(&calls::SM_DESCRIBE_SECRET, format!("to read {shown}"))(
                e
            ));
        }
    };
    if !existed {
        delete_created_secret(aws, store)?;
        return Ok(vec![format!(
            "deleted the secret of {shown} (the rotation created it)"
        )]);
    }
    let mut done = Vec::new();
    let mut stages = stages;
    for (label, want) in [("AWSCURRENT", current), ("AWSPREVIOUS", previous)] {
        let now = holder(&stages, label);
        if &now == want {
            continue;
        }
        aws.run(
            sm.update_secret_version_stage()
                .secret_id(id)
                .version_stage(label)
                .set_move_to_version_id(want.clone())
                .set_remove_from_version_id(now)
                .send(),
        )
        .map_err(aws.refused(
            &calls::SM_UPDATE_SECRET_VERSION_STAGE,
            format!("to restore {shown}"),
        ))?;
        done.push(format!("{shown}: {label} is where it was"));
        // Moving AWSCURRENT moves AWSPREVIOUS too: read again.
        stages = describe()?;
    }
    Ok(done)
}

fn ssm(aws: &Session, store: &Store, parameters: &[(String, Option<i64>)]) -> Result<Vec<String>> {
    let shown = aws.store_name(store);
    let mut done = Vec::new();
    for (name, before) in parameters.iter().rev() {
        let now = version(aws, name, &shown)?;
        match (before, now) {
            (None, None) => {}
            (Some(v), Some(n)) if *v == n => {}
            (None, Some(_)) => {
                aws.run(aws.ssm().delete_parameter().name(name).send())
                    .map_err(aws.refused(
                        &calls::SSM_DELETE_PARAMETER,
                        format!("to delete parameter {}", user_text(name)),
                    ))?;
                done.push(format!(
                    "parameter {}: deleted (the rotation created it)",
                    user_text(name)
                ));
            }
            (Some(v), _) => {
                restore(aws, name, *v, &shown)?;
                done.push(format!(
                    "parameter {}: version {v}'s value, type, KMS key and tier are back",
                    user_text(name)
                ));
            }
        }
    }
    Ok(done)
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
}
