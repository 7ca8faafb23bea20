//! The least-privilege IAM policy for an SMTP user: `ses:SendRawEmail`
//! only, optionally scoped to an identity, a region and sender addresses.

use super::{PolicyDocument, is_account_id, partition};
use serde_json::{Value, json};
use std::fmt;

/// Why the scope given cannot make a policy.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyError {
    /// `--identity` is neither an SES identity ARN nor a plain identity.
    BadArn,
    /// A plain identity needs the account and region to make an ARN.
    NeedsAccountAndRegion,
    /// The account ID is not 12 digits.
    BadAccountId,
    /// The ARN's region differs from `--region`.
    RegionMismatch {
        /// The region the ARN names.
        arn_region: String,
    },
    /// The ARN's partition does not fit its region.
    PartitionMismatch {
        /// The partition the region belongs to.
        expected: &'static str,
    },
    /// A sender address is not an address or a `*` pattern.
    BadFromAddress {
        /// Which one, from 1.
        index: usize,
    },
    /// A configuration set name SES would refuse (1 to 64 of A-Z a-z 0-9
    /// `_` `-`).
    BadConfigurationSet {
        /// Which one, from 1.
        index: usize,
        /// Where in it, from 1, when one character is to blame.
        position: Option<usize>,
    },
    /// Configuration sets narrow a policy that names its identity; with
    /// the identity left open (`*`) they would add nothing.
    ConfigurationSetNeedsIdentity,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::BadArn => write!(
                f,
                "the identity is not an SES identity ARN (arn:aws:ses:REGION:ACCOUNT:identity/NAME) nor a domain or address"
            ),
            PolicyError::NeedsAccountAndRegion => write!(
                f,
                "an identity given by name needs the account ID and the region to build its ARN"
            ),
            PolicyError::BadAccountId => write!(f, "the account ID must be 12 digits"),
            PolicyError::RegionMismatch { arn_region } => write!(
                f,
                "the region differs from the identity ARN's region ({arn_region}); SES identities are per region"
            ),
            PolicyError::PartitionMismatch { expected } => write!(
                f,
                "the identity ARN's partition does not fit its region (expected arn:{expected}:)"
            ),
            PolicyError::BadFromAddress { index } => write!(
                f,
                "sender address number {index} is not an address or pattern such as noreply@example.com or *@example.com"
            ),
            PolicyError::BadConfigurationSet { index, position } => {
                write!(
                    f,
                    "configuration set number {index} is not a configuration set name (1 to 64 of A-Z a-z 0-9 _ -)"
                )?;
                match position {
                    Some(p) => write!(f, "; character {p} is not allowed"),
                    None => Ok(()),
                }
            }
            PolicyError::ConfigurationSetNeedsIdentity => f.write_str(
                "a configuration set needs an identity: SES checks a send against the identity and its configuration set, and a policy whose identity is * already allows every configuration set",
            ),
        }
    }
}

impl std::error::Error for PolicyError {}

/// What to scope the policy to; the default scopes to nothing (any identity,
/// any region, any sender).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct SendingScope<'a> {
    /// An SES identity ARN, or a domain or address (then `account_id` and
    /// `region` build the ARN).
    pub identity: Option<&'a str>,
    /// The account that owns the identity, 12 digits.
    pub account_id: Option<&'a str>,
    /// One region (also picks the ARN partition).
    pub region: Option<&'a str>,
    /// Allowed sender addresses (`ses:FromAddress`; `*` wildcards).
    pub from_addresses: &'a [String],
    /// Configuration sets the mail is sent through (SES authorizes the send
    /// on each as well as on the identity); needs an identity.
    pub configuration_sets: &'a [String],
}

fn check_configuration_set(index: usize, name: &str) -> Result<(), PolicyError> {
    let bad = |position| PolicyError::BadConfigurationSet { index, position };
    if name.is_empty() || name.chars().count() > 64 {
        return Err(bad(None));
    }
    match name
        .chars()
        .position(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    {
        Some(i) => Err(bad(Some(i + 1))),
        None => Ok(()),
    }
}

fn identity_arn(scope: &SendingScope<'_>) -> Result<Option<String>, PolicyError> {
    let Some(identity) = scope.identity else {
        return Ok(None);
    };
    if let Some(rest) = identity.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let [part, "ses", region, account, resource] = parts[..] else {
            return Err(PolicyError::BadArn);
        };
        if !ses_smtp_credentials::region::is_region_shaped(region)
            || !is_account_id(account)
            || resource.strip_prefix("identity/").is_none_or(str::is_empty)
            || resource.contains(['*', '?'])
        {
            return Err(PolicyError::BadArn);
        }
        if part != partition(region) {
            return Err(PolicyError::PartitionMismatch {
                expected: partition(region),
            });
        }
        if let Some(r) = scope.region
            && r != region
        {
            return Err(PolicyError::RegionMismatch {
                arn_region: region.to_string(),
            });
        }
        return Ok(Some(identity.to_string()));
    }
    if identity.is_empty()
        || identity.contains(|c: char| c.is_whitespace() || matches!(c, ':' | '*' | '?'))
    {
        return Err(PolicyError::BadArn);
    }
    let (Some(account), Some(region)) = (scope.account_id, scope.region) else {
        return Err(PolicyError::NeedsAccountAndRegion);
    };
    if !is_account_id(account) {
        return Err(PolicyError::BadAccountId);
    }
    Ok(Some(format!(
        "arn:{}:ses:{region}:{account}:identity/{identity}",
        partition(region)
    )))
}

/// The policy document, ready for `aws iam put-user-policy`.
///
/// # Errors
/// [`PolicyError`] for an identity, account, region, address or
/// configuration set that cannot be scoped to.
pub fn sending_policy(scope: &SendingScope<'_>) -> Result<PolicyDocument, PolicyError> {
    for (i, a) in scope.from_addresses.iter().enumerate() {
        let ok = a
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty())
            && !a.contains(|c: char| c.is_whitespace() || c == '"');
        if !ok {
            return Err(PolicyError::BadFromAddress { index: i + 1 });
        }
    }
    for (i, name) in scope.configuration_sets.iter().enumerate() {
        check_configuration_set(i + 1, name)?;
    }
    let arn = identity_arn(scope)?;
    let resource =
        match (&arn, scope.configuration_sets) {
            (None, []) => json!("*"),
            (None, _) => return Err(PolicyError::ConfigurationSetNeedsIdentity),
            (Some(arn), []) => json!(arn),
            (Some(arn), sets) => {
                // The identity ARN fixes the partition, region and account
                // (checked when it was built or parsed).
                let parts: Vec<&str> = arn.splitn(6, ':').collect();
                let [_, partition, _, region, account, _] = parts[..] else {
                    return Err(PolicyError::BadArn);
                };
                let mut all = vec![arn.clone()];
                all.extend(sets.iter().map(|s| {
                    format!("arn:{partition}:ses:{region}:{account}:configuration-set/{s}")
                }));
                json!(all)
            }
        };
    let mut statement = json!({
        "Sid": "SesSmtpSendRawEmailOnly",
        "Effect": "Allow",
        "Action": "ses:SendRawEmail",
        "Resource": resource,
    });
    let mut condition = serde_json::Map::new();
    if arn.is_none()
        && let Some(region) = scope.region
    {
        condition.insert(
            "StringEquals".into(),
            json!({ "aws:RequestedRegion": region }),
        );
    }
    if !scope.from_addresses.is_empty() {
        condition.insert(
            "StringLike".into(),
            json!({ "ses:FromAddress": scope.from_addresses }),
        );
    }
    if !condition.is_empty() {
        statement["Condition"] = Value::Object(condition);
    }
    Ok(PolicyDocument(
        json!({ "Version": "2012-10-17", "Statement": [statement] }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::dns_suffix;

    #[test]
    fn configuration_sets_and_partitions() {
        let sets = vec!["marketing".to_string(), "tx_2".to_string()];
        let p = sending_policy(&SendingScope {
            identity: Some("example.com"),
            account_id: Some("123456789012"),
            region: Some("eusc-de-east-1"),
            configuration_sets: &sets,
            ..SendingScope::default()
        })
        .unwrap();
        assert_eq!(
            p.0["Statement"][0]["Resource"],
            json!([
                "arn:aws-eusc:ses:eusc-de-east-1:123456789012:identity/example.com",
                "arn:aws-eusc:ses:eusc-de-east-1:123456789012:configuration-set/marketing",
                "arn:aws-eusc:ses:eusc-de-east-1:123456789012:configuration-set/tx_2"
            ])
        );
        assert_eq!(
            sending_policy(&SendingScope {
                configuration_sets: &sets,
                ..SendingScope::default()
            })
            .unwrap_err(),
            PolicyError::ConfigurationSetNeedsIdentity
        );
        let bad = vec!["ok".to_string(), "no.dots".to_string()];
        assert_eq!(
            sending_policy(&SendingScope {
                identity: Some("example.com"),
                account_id: Some("123456789012"),
                region: Some("eu-west-1"),
                configuration_sets: &bad,
                ..SendingScope::default()
            })
            .unwrap_err(),
            PolicyError::BadConfigurationSet {
                index: 2,
                position: Some(3)
            }
        );
        assert_eq!(partition("cn-north-1"), "aws-cn");
        assert_eq!(dns_suffix(partition("eusc-de-east-1")), "amazonaws.eu");
    }

    #[test]
    fn shapes() {
        // An identity is never a pattern: `*` or `?`, by name or in an ARN.
        for identity in [
            "example.co?",
            "*.example.com",
            "arn:aws:ses:eu-west-1:123456789012:identity/example.co?",
            "arn:aws:ses:eu-west-1:123456789012:identity/*",
        ] {
            let scope = SendingScope {
                identity: Some(identity),
                account_id: Some("123456789012"),
                region: Some("eu-west-1"),
                ..SendingScope::default()
            };
            assert_eq!(
                sending_policy(&scope).unwrap_err(),
                PolicyError::BadArn,
                "{identity}"
            );
        }
        let p = sending_policy(&SendingScope::default()).unwrap();
        assert_eq!(p.0["Statement"][0]["Resource"], "*");
        assert_eq!(p.0["Statement"][0]["Action"], "ses:SendRawEmail");
        let from = vec!["noreply@example.com".to_string()];
        let p = sending_policy(&SendingScope {
            identity: Some("example.com"),
            account_id: Some("123456789012"),
            region: Some("us-gov-west-1"),
            from_addresses: &from,
            configuration_sets: &[],
        })
        .unwrap();
        assert_eq!(
            p.0["Statement"][0]["Resource"],
            "arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/example.com"
        );
        assert_eq!(
            p.0["Statement"][0]["Condition"]["StringLike"]["ses:FromAddress"][0],
            "noreply@example.com"
        );
        assert_eq!(
            sending_policy(&SendingScope {
                identity: Some("arn:aws:ses:eu-west-1:123456789012:identity/example.com"),
                region: Some("eu-west-2"),
                ..SendingScope::default()
            })
            .unwrap_err(),
            PolicyError::RegionMismatch {
                arn_region: "eu-west-1".into()
            }
        );
    }
}
