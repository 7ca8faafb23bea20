//! The least-privilege policy of the operator who runs `rotate`, `retire`
//! and `keys`, built from [`calls::ALL`](super::calls::ALL): each call's
//! action on the resource it acts on, and nothing else.

use super::{PolicyDocument, dns_suffix, is_account_id, partition};
use crate::calls::{Caller, OPERATOR, Resource, actions};
use crate::names::{KmsProblem, RotationError, Store, UserName, UserPath};
use crate::stages;

use serde_json::{Value, json};

/// What the operator who runs `rotate`, `retire` and `keys` needs: the IAM
/// key actions on one user, and the store actions on the stores named.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct OperatorScope<'a> {
    /// The IAM user whose keys are rotated.
    pub user_name: &'a UserName,
    /// The user's IAM path (`/` unless the user was created with one).
    pub user_path: Option<&'a UserPath>,
    /// The account, 12 digits.
    pub account_id: &'a str,
    /// The stores `rotate` writes (none: IAM only).
    pub stores: &'a [Store],
    /// A region, to pick the partition and scope the stores' ARNs.
    pub region: Option<&'a str>,
    /// A customer-managed KMS key (its ARN) that encrypts the stores.
    pub kms_key: Option<&'a str>,
}

impl<'a> OperatorScope<'a> {
    /// A scope with no stores, no region and no KMS key, for a user at `/`.
    pub fn new(user_name: &'a UserName, account_id: &'a str) -> Self {
        OperatorScope {
            user_name,
            user_path: None,
            account_id,
            stores: &[],
            region: None,
            kms_key: None,
        }
    }
}

/// The operator's least-privilege policy for rotating one user's keys.
///
/// # Errors
/// [`RotationError`] for an account ID that is not 12 digits, a store ARN
/// of another partition than the region's, or an unusable KMS key.
pub fn operator_policy(scope: &OperatorScope<'_>) -> Result<PolicyDocument, RotationError> {
    let account = scope.account_id;
    if !is_account_id(account) {
        return Err(RotationError::BadAccountId);
    }
    // The partition: the region's, else a store ARN's, else `aws`.
    let region_for_partition = scope
        .region
        .or_else(|| scope.stores.iter().find_map(Store::arn_region))
        .unwrap_or("us-east-1");
    let part = super::partition;
    let partition = part(region_for_partition);
    for store in scope.stores {
        if let (Some(p), Some(r)) = (store.arn_partition(), store.arn_region()) {
            if p != part(r) {
                return Err(RotationError::StorePartition { expected: part(r) });
            }
            if part(r) != partition {
                return Err(RotationError::StorePartition {
                    expected: partition,
                });
            }
        }
    }
    let region = scope.region.unwrap_or("*");
    let path = scope.user_path.map_or("/", UserPath::as_str);
    let user_arn = format!(
        "arn:{partition}:iam::{account}:user{path}{}",
        scope.user_name
    );
    let mut statements = vec![
        statement(
            "RotateSmtpUserAccessKeys",
            Resource::User,
            json!(user_arn),
            None,
        ),
        statement(
            "ClaimSmtpUserForRotation",
            Resource::ClaimTag,
            json!(user_arn),
            Some(claim_tag_only()),
        ),
    ];

    // `keys`: which of the user's groups and policies grant it
    // ses:SendRawEmail (read-only; the groups and managed policies are
    // not known in advance).
    statements.push(statement(
        "ReadGroupsThatMayGrantSending",
        Resource::Group,
        json!(format!("arn:{partition}:iam::{account}:group/*")),
        None,
    ));
    statements.push(statement(
        "ReadManagedPoliciesThatMayGrantSending",
        Resource::ManagedPolicy,
        json!([
            format!("arn:{partition}:iam::{account}:policy/*"),
            format!("arn:{partition}:iam::aws:policy/*"),
        ]),
        None,
    ));

    let secret_arns = |by_name_only: bool| -> Vec<String> {
        let mut out = Vec::new();
        for store in scope.stores {
            match store {
                Store::SecretsManager(arn) if arn.starts_with("arn:") && !by_name_only => {
                    out.push(arn.clone());
                }
                Store::SecretsManager(arn) if arn.starts_with("arn:") => {}
                Store::SecretsManager(name) => {
                    // A secret's ARN ends in "-" and six random characters;
                    // a secret that does not exist yet has none, and AWS
                    // does not document which of the two IAM checks while
                    // it is missing: both are listed (docs/rotation.md).
                    let base =
                        format!("arn:{partition}:secretsmanager:{region}:{account}:secret:{name}");
                    out.push(format!("{base}-??????"));
                    out.push(base);
                }
                _ => {}
            }
        }
        out
    };
    let secrets = secret_arns(false);
    if !secrets.is_empty() {
        statements.push(statement(
            "ReadAndWriteSmtpSecret",
            Resource::Secret,
            json!(secrets),
            None,
        ));
        statements.push(statement(
            "RestoreSmtpSecretCurrentVersion",
            Resource::SecretStage,
            json!(secrets),
            Some(json!({
                "StringEquals": { "secretsmanager:VersionStage": [stages::CURRENT, stages::PREVIOUS] }
            })),
        ));
    }
    let by_name = secret_arns(true);
    if !by_name.is_empty() {
        let names: Vec<&str> = scope
            .stores
            .iter()
            .filter_map(|s| match s {
                Store::SecretsManager(n) if !n.starts_with("arn:") => Some(n.as_str()),
                _ => None,
            })
            .collect();
        statements.push(statement(
            "CreateSmtpSecretGivenByName",
            Resource::SecretCreate,
            json!(by_name),
            Some(json!({ "StringEquals": { "secretsmanager:Name": names } })),
        ));
        statements.push(statement(
            "DeleteSmtpSecretThisRunCreated",
            Resource::SecretDelete,
            json!(by_name),
            None,
        ));
    }
    // Each prefix's own parameters, and a password and host per region
    // under it (/PREFIX/REGION/password, /PREFIX/REGION/host: a key that
    // sends from several regions).
    let parameters: Vec<String> = scope
        .stores
        .iter()
        .flat_map(|s| {
            let mut names = s.parameter_names();
            if let Store::Ssm(prefix) = s {
                names.extend(
                    crate::names::REGION_LEAVES
                        .iter()
                        .map(|leaf| format!("{prefix}/*/{leaf}")),
                );
            }
            names
        })
        .map(|name| format!("arn:{partition}:ssm:{region}:{account}:parameter{name}"))
        .collect();
    if !parameters.is_empty() {
        statements.push(statement(
            "StoreSmtpCredentialsInParameterStore",
            Resource::Parameter,
            json!(parameters),
            None,
        ));
    }
    if let Some(key) = scope.kms_key {
        let Some(region) = scope.region else {
            return Err(RotationError::KmsKey(KmsProblem::NeedsRegion));
        };
        check_kms_key(key, region)?;
        let via = |service: &str, regions: Vec<&str>| {
            let mut names: Vec<String> = Vec::new();
            for r in regions {
                let n = format!("{service}.{r}.{}", dns_suffix(partition));
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            json!({ "StringEquals": { "kms:ViaService": names } })
        };
        let sm_regions: Vec<&str> = scope
            .stores
            .iter()
            .filter_map(|s| match s {
                Store::SecretsManager(_) => Some(s.arn_region().unwrap_or(region)),
                _ => None,
            })
            .collect();
        let has_ssm = scope.stores.iter().any(|s| matches!(s, Store::Ssm(_)));
        if !has_ssm && sm_regions.is_empty() {
            return Err(RotationError::KmsKey(KmsProblem::NeedsStore));
        }
        if has_ssm {
            statements.push(statement(
                "UseKmsKeyThroughParameterStore",
                Resource::KeyViaParameterStore,
                json!(key),
                Some(via("ssm", vec![region])),
            ));
        }
        if !sm_regions.is_empty() {
            statements.push(statement(
                "UseKmsKeyThroughSecretsManager",
                Resource::KeyViaSecretsManager,
                json!(key),
                Some(via("secretsmanager", sm_regions)),
            ));
        }
    }
    Ok(PolicyDocument(
        json!({ "Version": "2012-10-17", "Statement": statements }),
    ))
}

fn statement(sid: &str, target: Resource, resource: Value, condition: Option<Value>) -> Value {
    statement_of(OPERATOR, sid, target, resource, condition)
}

/// The condition that limits tagging to the claim's tag key.
pub(crate) fn claim_tag_only() -> Value {
    json!({ "ForAllValues:StringEquals": { "aws:TagKeys": [crate::calls::CLAIM_TAG] } })
}

/// One Allow statement: the actions `by` makes on `target`.
pub(crate) fn statement_of(
    by: &[Caller],
    sid: &str,
    target: Resource,
    resource: Value,
    condition: Option<Value>,
) -> Value {
    let mut s = json!({
        "Sid": sid,
        "Effect": "Allow",
        "Action": actions(target, by),
        "Resource": resource,
    });
    if let Some(c) = condition {
        s["Condition"] = c;
    }
    s
}

/// A KMS key ARN (`arn:PARTITION:kms:REGION:ACCOUNT:key/ID`) in `region`.
pub(crate) fn check_kms_key(key: &str, region: &str) -> Result<(), RotationError> {
    let bad = |problem| Err(RotationError::KmsKey(problem));
    let parts: Vec<&str> = key.splitn(6, ':').collect();
    let ["arn", part, "kms", key_region, account, resource] = parts[..] else {
        return bad(KmsProblem::NotAKeyArn);
    };
    if resource.starts_with("alias/") {
        return bad(KmsProblem::Alias);
    }
    let id = resource.strip_prefix("key/").unwrap_or_default();
    if id.is_empty()
        || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        || !is_account_id(account)
        || !ses_smtp_credentials::region::is_region_shaped(key_region)
    {
        return bad(KmsProblem::NotAKeyArn);
    }
    if part != partition(key_region) {
        return bad(KmsProblem::Partition);
    }
    if key_region != region {
        return bad(KmsProblem::OtherRegion);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_user_name, parse_user_path};

    #[test]
    fn scopes_to_the_user_its_path_and_the_stores() {
        let user = parse_user_name("smtp").unwrap();
        let path = parse_user_path("/division/mail/").unwrap();
        let stores = [
            Store::parse("secretsmanager:prod/smtp").unwrap(),
            Store::parse("ssm:/prod/smtp").unwrap(),
        ];
        let mut scope = OperatorScope::new(&user, "123456789012");
        scope.stores = &stores;
        scope.region = Some("us-gov-west-1");
        scope.user_path = Some(&path);
        let p = operator_policy(&scope).unwrap();
        assert_eq!(
            p.0["Statement"][0]["Resource"],
            "arn:aws-us-gov:iam::123456789012:user/division/mail/smtp"
        );
        let secret = p.0["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == "ReadAndWriteSmtpSecret")
            .unwrap()
            .clone();
        assert_eq!(
            secret["Resource"][0],
            "arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:prod/smtp-??????"
        );
        let ssm = p.0["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == "StoreSmtpCredentialsInParameterStore")
            .unwrap()
            .clone();
        assert_eq!(
            ssm["Resource"][4],
            "arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/prod/smtp/password"
        );
        assert!(
            ssm["Action"]
                .as_array()
                .unwrap()
                .contains(&json!("ssm:DeleteParameter"))
        );
        let only_iam = operator_policy(&OperatorScope::new(&user, "123456789012")).unwrap();
        assert_eq!(only_iam.0["Statement"].as_array().unwrap().len(), 4);
        assert_eq!(
            operator_policy(&OperatorScope::new(&user, "12345")),
            Err(RotationError::BadAccountId)
        );
    }

    #[test]
    fn a_secret_given_by_arn_is_never_created_or_deleted() {
        let user = parse_user_name("smtp").unwrap();
        let stores = [Store::parse(
            "secretsmanager:arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:prod/smtp-AbCdEf",
        )
        .unwrap()];
        let mut scope = OperatorScope::new(&user, "123456789012");
        scope.stores = &stores;
        let p = operator_policy(&scope).unwrap();
        let text = p.to_string();
        assert!(
            !text.contains("CreateSecret") && !text.contains("DeleteSecret"),
            "{text}"
        );
        // The partition follows the ARN's region when no --region is given.
        assert_eq!(
            p.0["Statement"][0]["Resource"],
            "arn:aws-cn:iam::123456789012:user/smtp"
        );
        let wrong = [Store::parse(
            "secretsmanager:arn:aws:secretsmanager:cn-north-1:123456789012:secret:prod/smtp-AbCdEf",
        )
        .unwrap()];
        scope.stores = &wrong;
        assert_eq!(
            operator_policy(&scope),
            Err(RotationError::StorePartition { expected: "aws-cn" })
        );
    }

    #[test]
    fn kms_keys_are_scoped_to_the_stores_services() {
        let user = parse_user_name("smtp").unwrap();
        let stores = [
            Store::parse("secretsmanager:prod/smtp").unwrap(),
            Store::parse("ssm:/prod/smtp").unwrap(),
        ];
        let key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        let mut scope = OperatorScope::new(&user, "123456789012");
        scope.stores = &stores;
        scope.region = Some("eu-west-1");
        scope.kms_key = Some(key);
        let p = operator_policy(&scope).unwrap();
        let statements = p.0["Statement"].as_array().unwrap();
        let ssm = &statements[statements.len() - 2];
        assert_eq!(ssm["Resource"], key);
        assert_eq!(
            ssm["Condition"]["StringEquals"]["kms:ViaService"],
            json!(["ssm.eu-west-1.amazonaws.com"])
        );
        let sm = &statements[statements.len() - 1];
        assert_eq!(sm["Action"], json!(["kms:GenerateDataKey", "kms:Decrypt"]));
        for (bad, why) in [
            ("arn:aws:kms:eu-west-1:123456789012:alias/smtp", "alias"),
            ("arn:aws:kms:eu-west-2:123456789012:key/abc", "region"),
            ("arn:aws-cn:kms:eu-west-1:123456789012:key/abc", "partition"),
            ("key/abc", "ARN"),
        ] {
            scope.kms_key = Some(bad);
            let e = operator_policy(&scope).unwrap_err().to_string();
            assert!(e.contains(why), "{bad}: {e}");
        }
        scope.kms_key = Some(key);
        scope.stores = &[];
        assert_eq!(
            operator_policy(&scope),
            Err(RotationError::KmsKey(KmsProblem::NeedsStore))
        );
        scope.stores = &stores;
        scope.region = None;
        assert_eq!(
            operator_policy(&scope),
            Err(RotationError::KmsKey(KmsProblem::NeedsRegion))
        );
    }

    #[test]
    fn every_call_is_in_a_statement() {
        let user = parse_user_name("smtp").unwrap();
        let stores = [
            Store::parse("secretsmanager:prod/smtp").unwrap(),
            Store::parse("ssm:/prod/smtp").unwrap(),
        ];
        let mut scope = OperatorScope::new(&user, "123456789012");
        scope.stores = &stores;
        scope.region = Some("eu-west-1");
        scope.kms_key = Some("arn:aws:kms:eu-west-1:123456789012:key/k");
        let p = operator_policy(&scope).unwrap().to_string();
        for call in crate::calls::ALL
            .iter()
            .filter(|c| c.commands.iter().any(|m| OPERATOR.contains(m)))
        {
            assert!(
                p.contains(&format!("\"{}\"", call.action)),
                "{}",
                call.action
            );
        }
    }
}
