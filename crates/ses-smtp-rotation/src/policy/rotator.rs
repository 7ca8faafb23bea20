//! The execution-role policy of the scheduled rotation function
//! (`ses-smtp-rotator`), built from the calls list like the operator's: the
//! IAM key actions on one user, the rotation actions on one secret, its
//! KMS key through Secrets Manager, and the function's own log group.

use super::operator::{check_kms_key, claim_tag_only, statement_of};
use super::{PolicyDocument, dns_suffix, is_account_id, partition};
use crate::calls::{Caller, Resource};
use crate::names::{RotationError, UserName, UserPath};
use crate::stages;
use serde_json::json;

/// The function name the deployment template gives the function.
pub const DEFAULT_FUNCTION_NAME: &str = "ses-smtp-rotator";

/// What the rotation function of one secret needs.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RotatorScope<'a> {
    /// The IAM user whose key the secret holds (the secret's `iam_user`).
    pub user_name: &'a UserName,
    /// The user's IAM path (`/` unless the user was created with one).
    pub user_path: Option<&'a UserPath>,
    /// The account, 12 digits.
    pub account_id: &'a str,
    /// The secret: its name, or its ARN.
    pub secret: &'a str,
    /// The region of the secret and the function.
    pub region: &'a str,
    /// A customer-managed KMS key (its ARN) that encrypts the secret.
    pub kms_key: Option<&'a str>,
    /// The function's name (its log group is `/aws/lambda/NAME`).
    pub function_name: &'a str,
}

impl<'a> RotatorScope<'a> {
    /// A scope for the secret `secret` in `region`, with no KMS key, for a
    /// user at `/` and the function name of the deployment template.
    pub fn new(
        user_name: &'a UserName,
        account_id: &'a str,
        secret: &'a str,
        region: &'a str,
    ) -> Self {
        RotatorScope {
            user_name,
            user_path: None,
            account_id,
            secret,
            region,
            kms_key: None,
            function_name: DEFAULT_FUNCTION_NAME,
        }
    }
}

/// The rotation function's least-privilege execution-role policy.
///
/// # Errors
/// [`RotationError`] for an account ID that is not 12 digits, a secret
/// name Secrets Manager would refuse or an ARN of another region or
/// account, a function name Lambda would refuse, or an unusable KMS key.
pub fn rotator_policy(scope: &RotatorScope<'_>) -> Result<PolicyDocument, RotationError> {
    let account = scope.account_id;
    if !is_account_id(account) {
        return Err(RotationError::BadAccountId);
    }
    let region = scope.region;
    let partition = partition(region);
    let store = crate::names::Store::parse(&format!("secretsmanager:{}", scope.secret))?;
    let secret = match (store.arn_region(), store.arn_partition()) {
        (Some(r), Some(p)) => {
            if r != region || p != partition || store.arn_account() != Some(account) {
                return Err(RotationError::SecretElsewhere);
            }
            scope.secret.to_string()
        }
        _ => format!(
            "arn:{partition}:secretsmanager:{region}:{account}:secret:{}-??????",
            scope.secret
        ),
    };
    let name = scope.function_name;
    if name.is_empty()
        || name.len() > 64
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(RotationError::FunctionName);
    }
    let path = scope.user_path.map_or("/", UserPath::as_str);
    let by = &[Caller::Rotator];
    let user_arn = format!(
        "arn:{partition}:iam::{account}:user{path}{}",
        scope.user_name
    );
    let mut statements = vec![
        statement_of(
            by,
            "RotateSmtpUserAccessKeys",
            Resource::User,
            json!(user_arn),
            None,
        ),
        statement_of(
            by,
            "ClaimSmtpUserForRotation",
            Resource::ClaimTag,
            json!(user_arn),
            Some(claim_tag_only()),
        ),
        statement_of(
            by,
            "ReadAndWriteSmtpSecret",
            Resource::Secret,
            json!(secret),
            None,
        ),
        statement_of(
            by,
            "MoveSmtpSecretLabels",
            Resource::RotatorStage,
            json!(secret),
            Some(json!({
                "StringEquals": { "secretsmanager:VersionStage": [stages::CURRENT, stages::PENDING] }
            })),
        ),
    ];
    if let Some(key) = scope.kms_key {
        check_kms_key(key, region)?;
        statements.push(statement_of(
            by,
            "UseKmsKeyThroughSecretsManager",
            Resource::KeyViaSecretsManager,
            json!(key),
            // Through Secrets Manager, and for this secret only: Secrets
            // Manager names the secret in the encryption context.
            Some(json!({
                "StringEquals": {
                    "kms:ViaService": [format!("secretsmanager.{region}.{}", dns_suffix(partition))]
                },
                "StringLike": { "kms:EncryptionContext:SecretARN": secret }
            })),
        ));
    }
    statements.push(statement_of(
        by,
        "WriteFunctionLogs",
        Resource::LogGroup,
        json!([
            format!("arn:{partition}:logs:{region}:{account}:log-group:/aws/lambda/{name}"),
            format!("arn:{partition}:logs:{region}:{account}:log-group:/aws/lambda/{name}:*"),
        ]),
        None,
    ));
    Ok(PolicyDocument(
        json!({ "Version": "2012-10-17", "Statement": statements }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse_user_name, parse_user_path};

    #[test]
    fn scopes_to_the_user_the_secret_and_the_log_group() {
        let user = parse_user_name("smtp").unwrap();
        let path = parse_user_path("/mail/").unwrap();
        let mut scope = RotatorScope::new(&user, "123456789012", "prod/smtp", "eu-west-1");
        scope.user_path = Some(&path);
        let p = rotator_policy(&scope).unwrap().0;
        let st = p["Statement"].as_array().unwrap();
        assert_eq!(
            st[0]["Resource"],
            "arn:aws:iam::123456789012:user/mail/smtp"
        );
        let iam = st[0]["Action"].as_array().unwrap();
        assert!(
            !iam.contains(&json!("iam:TagUser")) && iam.contains(&json!("iam:DeleteAccessKey"))
        );
        // Tagging only the claim's tag key.
        assert_eq!(st[1]["Action"], json!(["iam:TagUser", "iam:UntagUser"]));
        assert_eq!(
            st[1]["Condition"]["ForAllValues:StringEquals"]["aws:TagKeys"],
            json!(["ses-smtp-rotator"])
        );
        assert_eq!(
            st[2]["Resource"],
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/smtp-??????"
        );
        // No CreateSecret or DeleteSecret: the function only adds versions.
        let text = p.to_string();
        assert!(
            !text.contains("CreateSecret")
                && !text.contains("DeleteSecret")
                && !text.contains("ssm:"),
            "{text}"
        );
        assert_eq!(
            st.last().unwrap()["Resource"][1],
            "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/ses-smtp-rotator:*"
        );
    }

    #[test]
    fn a_secret_arn_must_be_in_the_region_and_account() {
        let user = parse_user_name("smtp").unwrap();
        let arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/smtp-AbCdEf";
        let p =
            rotator_policy(&RotatorScope::new(&user, "123456789012", arn, "eu-west-1")).unwrap();
        assert_eq!(p.0["Statement"][2]["Resource"], arn);
        for (account, region) in [("210987654321", "eu-west-1"), ("123456789012", "us-east-1")] {
            assert_eq!(
                rotator_policy(&RotatorScope::new(&user, account, arn, region)),
                Err(RotationError::SecretElsewhere)
            );
        }
        // The account is a field, not a substring; a name is never a pattern.
        for tricky in [
            "arn:aws:secretsmanager:eu-west-1:999999999999:secret:x:123456789012:y",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:*",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/smtp-??????",
        ] {
            let refused = rotator_policy(&RotatorScope::new(
                &user,
                "123456789012",
                tricky,
                "eu-west-1",
            ));
            assert!(refused.is_err(), "{tricky}: {refused:?}");
        }
        let mut scope = RotatorScope::new(&user, "123456789012", "prod/smtp", "eu-west-1");
        scope.function_name = "bad name";
        assert_eq!(rotator_policy(&scope), Err(RotationError::FunctionName));
        scope.function_name = DEFAULT_FUNCTION_NAME;
        scope.kms_key = Some("arn:aws:kms:eu-west-1:123456789012:key/1234abcd");
        let p = rotator_policy(&scope).unwrap().0;
        assert_eq!(
            p["Statement"][4]["Condition"]["StringEquals"]["kms:ViaService"][0],
            "secretsmanager.eu-west-1.amazonaws.com"
        );
    }
}
