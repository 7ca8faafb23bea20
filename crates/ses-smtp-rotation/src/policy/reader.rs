//! The policy of a consumer that reads its store (`sync`): read only, on
//! that one secret or prefix, and its KMS key through the service. Built
//! from the calls list, like the operator's and the function's.

use super::operator::{check_kms_key, statement_of};
use super::{PolicyDocument, dns_suffix, is_account_id, partition};
use crate::calls::{Caller, Resource};
use crate::names::{RotationError, Store};
use serde_json::json;

/// What one consumer reads.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ReaderScope<'a> {
    /// The store it reads (`secretsmanager:NAME_OR_ARN` or `ssm:/PREFIX`).
    pub store: &'a Store,
    /// The account, 12 digits.
    pub account_id: &'a str,
    /// The store's region.
    pub region: &'a str,
    /// A customer-managed KMS key (its ARN) that encrypts the store.
    pub kms_key: Option<&'a str>,
}

impl<'a> ReaderScope<'a> {
    /// A scope for `store` in `region` of `account_id`, with no KMS key.
    pub fn new(store: &'a Store, account_id: &'a str, region: &'a str) -> Self {
        ReaderScope {
            store,
            account_id,
            region,
            kms_key: None,
        }
    }
}

/// The consumer's read-only policy (`policy --sync`).
///
/// # Errors
/// [`RotationError`] for an account ID that is not 12 digits, a secret ARN
/// of another region or account, or an unusable KMS key.
pub fn reader_policy(scope: &ReaderScope<'_>) -> Result<PolicyDocument, RotationError> {
    let (account, region) = (scope.account_id, scope.region);
    if !is_account_id(account) {
        return Err(RotationError::BadAccountId);
    }
    let partition = partition(region);
    let by = &[Caller::Sync];
    let (mut statements, service) = match scope.store {
        Store::SecretsManager(id) => {
            let arn = match (scope.store.arn_region(), scope.store.arn_account()) {
                (Some(r), Some(a)) if r == region && a == account => json!(id),
                (Some(_), _) => return Err(RotationError::SecretElsewhere),
                // By name: the secret's ARN ends in "-" and six characters;
                // IAM may check the bare name too (as for the operator's).
                _ => {
                    let base =
                        format!("arn:{partition}:secretsmanager:{region}:{account}:secret:{id}");
                    json!([format!("{base}-??????"), base])
                }
            };
            (
                vec![statement_of(
                    by,
                    "ReadSmtpSecret",
                    Resource::Secret,
                    arn,
                    None,
                )],
                ("secretsmanager", Resource::KeyViaSecretsManager),
            )
        }
        Store::Ssm(prefix) => {
            // The prefix's own parameters, and each region's password and
            // host under it (`sync --region` of a key for several regions).
            let per_region = crate::names::REGION_LEAVES.iter().map(|l| format!("*/{l}"));
            let names: Vec<String> = ["username", "password", "host", "port", "region"]
                .iter()
                .map(|l| (*l).to_string())
                .chain(per_region)
                .map(|leaf| {
                    format!("arn:{partition}:ssm:{region}:{account}:parameter{prefix}/{leaf}")
                })
                .collect();
            (
                vec![statement_of(
                    by,
                    "ReadSmtpParameters",
                    Resource::Parameter,
                    json!(names),
                    None,
                )],
                ("ssm", Resource::KeyViaParameterStore),
            )
        }
    };
    if let Some(key) = scope.kms_key {
        check_kms_key(key, region)?;
        statements.push(statement_of(
            by,
            "DecryptThroughTheStore",
            service.1,
            json!(key),
            Some(json!({ "StringEquals": {
                "kms:ViaService": [format!("{}.{region}.{}", service.0, dns_suffix(partition))]
            } })),
        ));
    }
    Ok(PolicyDocument(
        json!({ "Version": "2012-10-17", "Statement": statements }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_secret_or_prefix_and_nothing_else() {
        let store = Store::parse("secretsmanager:prod/smtp").unwrap();
        let p = reader_policy(&ReaderScope::new(&store, "123456789012", "eu-west-1"))
            .unwrap()
            .0;
        assert_eq!(
            p["Statement"][0]["Action"],
            json!(["secretsmanager:GetSecretValue"])
        );
        assert_eq!(
            p["Statement"][0]["Resource"][0],
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/smtp-??????"
        );
        let store = Store::parse("ssm:/prod/smtp").unwrap();
        let mut scope = ReaderScope::new(&store, "123456789012", "eu-west-1");
        scope.kms_key = Some("arn:aws:kms:eu-west-1:123456789012:key/1234abcd");
        let p = reader_policy(&scope).unwrap().0;
        assert_eq!(p["Statement"][0]["Action"], json!(["ssm:GetParameters"]));
        assert_eq!(p["Statement"][1]["Action"], json!(["kms:Decrypt"]));
        let elsewhere =
            Store::parse("secretsmanager:arn:aws:secretsmanager:eu-west-1:999999999999:secret:x")
                .unwrap();
        assert_eq!(
            reader_policy(&ReaderScope::new(&elsewhere, "123456789012", "eu-west-1")),
            Err(RotationError::SecretElsewhere)
        );
    }
}
