//! Writing the credentials into a store, each write recorded (in the
//! journal) with what AWS returned for it: the proof an undo needs.

use super::{Before, secret_id};
use crate::Store;
use crate::UserName;
use crate::calls;
use crate::sdk::error::{Error, Result};
use crate::sdk::journal::Made;
use crate::sdk::session::Session;
use crate::{SecretFields, secret_string};
use aws_sdk_ssm::types::{ParameterTier, ParameterType};
use ses_smtp_credentials::{Derived, FixedBuf};

/// An owned copy for the SDK, which takes the request's strings by value
/// (and frees them unwiped: see docs/security.md).
fn owned(buf: &FixedBuf) -> String {
    String::from_utf8_lossy(buf.as_bytes()).into_owned()
}

/// Writes `items` (one key's passwords, one per region, the first region's
/// first) into the store. What each write made is given to `record` as
/// soon as AWS returned it, so a failure half-way is undone too.
pub(crate) fn write(
    aws: &Session,
    store: &Store,
    before: Before,
    items: &[Derived],
    user: &UserName,
    record: &mut dyn FnMut(Made) -> Result<()>,
) -> Result<()> {
    let shown = aws.store_name(store);
    let doing = format!("to write {shown}");
    let Some(d) = items.first() else {
        return Err(Error::Internal(format!("{shown}: no credentials to write")));
    };
    match before {
        Before::Secret {
            exists,
            endpoints,
            regions,
            ..
        } => {
            // `iam_user`: what scheduled rotation (ses-smtp-rotator)
            // rotates; the host and port the secret named for each region
            // are kept.
            let endpoints: Vec<(&str, &str, u16)> = endpoints
                .iter()
                .map(|(r, h, p)| (r.as_str(), h.as_str(), *p))
                .collect();
            let fields = SecretFields {
                iam_user: Some(user.as_str()),
                endpoints: &endpoints,
                list_regions: regions.is_some(),
                others: None,
            };
            let payload = secret_string(items, &fields).map_err(Error::Render)?;
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
                    Error::Refused(format!("{shown}: AWS returned no version ID"))
                })?;
                record(Made::Version {
                    store: store.to_string(),
                    version_id: new,
                })?;
            } else {
                let out = aws
                    .run(
                        sm.create_secret()
                            .name(secret_id(store))
                            .description("Amazon SES SMTP credentials (ses-smtp-password rotate)")
                            .secret_string(owned(&payload))
                            .send(),
                    )
                    .map_err(aws.refused(&calls::SM_CREATE_SECRET, doing))?;
                // Without the ARN nothing proves the secret this run's: an
                // undo would leave it, and name it.
                let arn = out.arn.ok_or_else(|| {
                    Error::Refused(format!(
                        "{shown}: AWS created the secret but returned no ARN for it"
                    ))
                })?;
                record(Made::Secret {
                    store: store.to_string(),
                    arn,
                })?;
            }
        }
        Before::Parameters {
            names,
            found: mut previous,
        } => {
            let username = d.username.as_ref().map_or("", |u| u.as_str());
            // The host and port the prefix named are kept; otherwise SES's
            // endpoint of the region, on 587.
            let kept = |leaf: &str| {
                previous
                    .get(&format!("{}/{leaf}", secret_id(store)))
                    .and_then(|p| p.endpoint_part.clone())
            };
            let host = kept("host").unwrap_or_else(|| d.region.host());
            let port = kept("port")
                .unwrap_or_else(|| ses_smtp_credentials::region::STARTTLS_PORTS[0].to_string());
            let mut values = vec![
                username.to_string(),
                host,
                port,
                d.region.code.clone(),
                d.password.expose().to_string(),
            ];
            // With several regions, each region's password and host under
            // /PREFIX/REGION (the host kept when the prefix named one).
            if items.len() > 1 {
                for item in items {
                    let region = &item.region.code;
                    values.push(item.password.expose().to_string());
                    values.push(
                        kept(&format!("{region}/host")).unwrap_or_else(|| item.region.host()),
                    );
                }
            }
            let values: Vec<zeroize::Zeroizing<String>> =
                values.into_iter().map(zeroize::Zeroizing::new).collect();
            if names.len() != values.len() {
                return Err(Error::Internal(format!(
                    "{shown}: {} parameters to write and {} values",
                    names.len(),
                    values.len()
                )));
            }
            for (name, value) in names.into_iter().zip(&values) {
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
                let version = put_parameter(aws, &name, value, put, &doing)?;
                record(Made::Parameter {
                    name: name.clone(),
                    version,
                })?;
                pause_for_tests(&name);
            }
        }
    }
    Ok(())
}

/// Test builds only: tests/aws/rotation.rs kills the process here, once
/// `username` names the new key and `password` still holds the old one
/// (`SES_SMTP_PASSWORD_TEST_PAUSE_AFTER_USERNAME`), or once a parameter
/// whose name ends in the value of `SES_SMTP_PASSWORD_TEST_PAUSE_AFTER`
/// is written (tests/aws/regions.rs: a region's parameters).
fn pause_for_tests(name: &str) {
    let _ = name;
    ses_smtp_credentials::test_hook! {
        let after = std::env::var("SES_SMTP_PASSWORD_TEST_PAUSE_AFTER").ok();
        let pause = (std::env::var_os("SES_SMTP_PASSWORD_TEST_PAUSE_AFTER_USERNAME").is_some()
            && name.ends_with("/username"))
            || after.is_some_and(|a| !a.is_empty() && name.ends_with(&a));
        if pause {
            let _ = std::io::Write::write_all(
                &mut std::io::stderr(),
                format!("paused after writing parameter {name}\n").as_bytes(),
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
pub(crate) struct Put {
    pub(crate) kind: ParameterType,
    pub(crate) key_id: Option<String>,
    pub(crate) tier: Option<ParameterTier>,
}

/// One parameter, overwritten; returns the version SSM gave it. The SDK
/// takes its own copy of the value (an owned String, freed unwiped: see
/// docs/security.md).
pub(crate) fn put_parameter(
    aws: &Session,
    name: &str,
    value: &str,
    put: Put,
    doing: &str,
) -> Result<i64> {
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
    .map(|out| out.version)
    .map_err(aws.refused(&calls::SSM_PUT_PARAMETER, doing))
}

/// Deletes a secret a rotation created, by the ARN `CreateSecret` returned
/// (never by name: another secret may have that name since), without a
/// recovery window (it held only that rotation's key).
pub(crate) fn delete_created_secret(aws: &Session, store: &Store, arn: &str) -> Result<()> {
    let sm = aws.secrets_manager(store.arn_region());
    aws.run(
        sm.delete_secret()
            .secret_id(arn)
            .force_delete_without_recovery(true)
            .send(),
    )
    .map(|_| ())
    .map_err(aws.refused(
        &calls::SM_DELETE_SECRET,
        format!("to delete the secret of {}", aws.store_name(store)),
    ))
}
