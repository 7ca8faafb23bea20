//! What a consumer of the stores reads (`sync`): one call per store, the
//! credentials, and the version read (the secret's version ID, or the
//! password parameter's version).

use super::error::{Error, Result};
use super::session::Session;
use super::store::secret_id;
use crate::stored::SecretCredentials;
use crate::{Store, StoredSecretError, calls, parse_secret_credentials};
use ses_smtp_credentials::parse_access_key_id;
use ses_smtp_credentials::region::resolve;
use zeroize::Zeroizing;

/// The credentials a store holds, and which version of it.
#[derive(Debug)]
pub struct Fetched {
    /// The credentials.
    pub credentials: SecretCredentials,
    /// The secret's version ID, or the password parameter's version.
    pub version: String,
    /// Whether the store names its region (the stand-in was not needed).
    pub region_in_store: bool,
}

/// Reads `store` with one call: a secret's version labelled `stage`
/// (`GetSecretValue`), or the parameters under a prefix (`GetParameters`,
/// decrypted). `region` stands in where the store names none (parameters
/// without `/PREFIX/region`); under a prefix that names another region,
/// `/PREFIX/REGION/password` and `/PREFIX/REGION/host` are read too (a key
/// that sends from several regions).
///
/// # Errors
/// [`Error::Refused`] when AWS refuses (a store that does not exist
/// included), [`Error::Stored`] when what it holds is not SMTP credentials.
pub fn fetch(aws: &Session, store: &Store, stage: &str, region: Option<&str>) -> Result<Fetched> {
    let shown = aws.store_name(store);
    let bad = |error| Error::Stored {
        store: shown.clone(),
        error,
    };
    match store {
        Store::SecretsManager(_) => {
            let sm = aws.secrets_manager(store.arn_region());
            let mut out = aws
                .run(
                    sm.get_secret_value()
                        .secret_id(secret_id(store))
                        .version_stage(stage)
                        .send(),
                )
                .map_err(aws.refused(
                    &calls::SM_GET_SECRET_VALUE,
                    format!("to read the {stage} version of {shown}"),
                ))?;
            let text = Zeroizing::new(out.secret_string.take().unwrap_or_default());
            let credentials = parse_secret_credentials(&text).map_err(bad)?;
            Ok(Fetched {
                credentials,
                version: out.version_id.unwrap_or_default(),
                region_in_store: true,
            })
        }
        Store::Ssm(prefix) => {
            let asked = region;
            let leaf = |l: &str| format!("{prefix}/{l}");
            let mut names = ["username", "password", "host", "port", "region"]
                .map(leaf)
                .to_vec();
            if let Some(r) = asked {
                for l in crate::names::REGION_LEAVES {
                    names.push(leaf(&format!("{r}/{l}")));
                }
            }
            let found = aws
                .run(
                    aws.ssm()
                        .get_parameters()
                        .set_names(Some(names))
                        .with_decryption(true)
                        .send(),
                )
                .map_err(aws.refused(&calls::SSM_GET_PARAMETERS, format!("to read {shown}")))?;
            let mut values: Vec<(String, Zeroizing<String>, i64)> = found
                .parameters
                .unwrap_or_default()
                .into_iter()
                .filter_map(|mut p| {
                    Some((p.name.take()?, Zeroizing::new(p.value.take()?), p.version))
                })
                .collect();
            let mut take = |l: &str| {
                let name = leaf(l);
                values
                    .iter()
                    .position(|(n, _, _)| *n == name)
                    .map(|i| values.swap_remove(i))
            };
            let missing = |m| bad(StoredSecretError::Missing(m));
            let invalid = |member, why: String| bad(StoredSecretError::Invalid { member, why });
            let (_, username, _) = take("username").ok_or_else(|| missing("username"))?;
            let username = parse_access_key_id(&username)
                .map_err(|e| invalid("username", format!("is not an access key ID: {e}")))?;
            let (_, password, version) = take("password").ok_or_else(|| missing("password"))?;
            let (region_text, region_in_store) = match take("region") {
                Some((_, r, _)) => (r.to_string(), true),
                None => (region.ok_or_else(|| missing("region"))?.to_string(), false),
            };
            let region = resolve(&region_text, false)
                .map_err(|e| invalid("region", format!("is not an SES SMTP region: {e}")))?;
            let host = take("host").map(|(_, h, _)| h.to_string());
            let port = match take("port") {
                None => None,
                Some((_, p, _)) => {
                    Some(p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(|| {
                        invalid("port", "is not a TCP port (1 to 65535)".to_string())
                    })?)
                }
            };
            // The asked region's own parameters, when the prefix holds them
            // and it is not the prefix's (first) region.
            let mut others = Vec::new();
            if let Some(r) = asked.filter(|r| region_in_store && *r != region_text)
                && let Some((_, password, _)) = take(&format!("{r}/password"))
            {
                let code = resolve(r, false)
                    .map_err(|e| invalid("region", format!("is not an SES SMTP region: {e}")))?;
                let host = take(&format!("{r}/host")).map(|(_, h, _)| h.to_string());
                others.push((code, host, password));
            }
            Ok(Fetched {
                credentials: SecretCredentials::new(username, password, region, host, port, others),
                version: version.to_string(),
                region_in_store,
            })
        }
    }
}
