//! Why a name, a path or a store was refused.

use std::fmt;

/// The longest IAM user name.
pub const MAX_USER_NAME: usize = 64;

/// The longest IAM group name.
pub const MAX_GROUP_NAME: usize = 128;

/// Why a user name or a `--store` was refused. Positions count characters
/// from 1; the text itself is never repeated (it may be a pasted secret).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RotationError {
    /// The user name is empty.
    EmptyUserName,
    /// The user name is longer than IAM allows.
    UserNameTooLong {
        /// Its length in characters.
        len: usize,
    },
    /// A character IAM does not allow in a user name.
    UserNameCharacter {
        /// Where, from 1.
        position: usize,
    },
    /// A `--store` is neither `secretsmanager:…` nor `ssm:/…`.
    StoreKind,
    /// A Secrets Manager name or ARN that Secrets Manager would refuse.
    SecretName {
        /// What is wrong with it.
        problem: &'static str,
        /// Where, from 1 within the name, when one character is to blame.
        position: Option<usize>,
    },
    /// A Parameter Store prefix that SSM would refuse.
    ParameterPrefix {
        /// What is wrong with it.
        problem: &'static str,
        /// Where, from 1 within the prefix, when one character is to blame.
        position: Option<usize>,
    },
    /// The account ID is not 12 digits.
    BadAccountId,
    /// An IAM path IAM would refuse, or one a policy would read as a
    /// pattern.
    UserPath {
        /// What is wrong with it.
        problem: &'static str,
        /// Where, from 1, when one character is to blame.
        position: Option<usize>,
    },
    /// A store's ARN is in another partition than its region's, or than
    /// the policy's.
    StorePartition {
        /// The partition expected.
        expected: &'static str,
    },
    /// The KMS key cannot scope a policy.
    KmsKey(KmsProblem),
    /// A secret ARN of another region or account than the rotation
    /// function's.
    SecretElsewhere,
    /// A Lambda function name Lambda would refuse.
    FunctionName,
    /// An IAM group name IAM would refuse (`[\w+=,.@-]{1,128}`).
    GroupName {
        /// What is wrong with it.
        problem: &'static str,
        /// Where, from 1, when one character is to blame.
        position: Option<usize>,
    },
}

/// Why a KMS key cannot scope the operator's policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KmsProblem {
    /// Not `arn:PARTITION:kms:REGION:ACCOUNT:key/ID`.
    NotAKeyArn,
    /// An alias: IAM authorizes KMS calls on the key itself.
    Alias,
    /// Its partition does not fit its region.
    Partition,
    /// In another region than the policy's.
    OtherRegion,
    /// The policy names no region.
    NeedsRegion,
    /// The policy names no store that would use it.
    NeedsStore,
}

impl fmt::Display for KmsProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KmsProblem::NotAKeyArn => "is not a KMS key ARN (arn:PARTITION:kms:REGION:ACCOUNT:key/ID)",
            KmsProblem::Alias => {
                "names an alias; IAM authorizes KMS calls on the key itself: give the key's ARN (aws kms describe-key --key-id ALIAS shows it)"
            }
            KmsProblem::Partition => "has a partition that does not fit its region",
            KmsProblem::OtherRegion => {
                "is in another region than the policy's; KMS keys are regional"
            }
            KmsProblem::NeedsRegion => {
                "needs a region: the key is used through the stores' services in one region"
            }
            KmsProblem::NeedsStore => "needs a store: the key is used only by the stores",
        })
    }
}

impl fmt::Display for RotationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = |p: &Option<usize>| p.map(|p| format!(" (character {p})")).unwrap_or_default();
        match self {
            RotationError::EmptyUserName => f.write_str("the IAM user name is empty"),
            RotationError::UserNameTooLong { len } => write!(
                f,
                "the IAM user name is {len} characters long; IAM allows at most {MAX_USER_NAME}"
            ),
            RotationError::UserNameCharacter { position } => write!(
                f,
                "character {position} of the IAM user name is not one IAM allows (A-Z a-z 0-9 + = , . @ _ -)"
            ),
            RotationError::StoreKind => {
                f.write_str("a store is secretsmanager:NAME_OR_ARN or ssm:/PREFIX")
            }
            RotationError::SecretName { problem, position } => {
                write!(
                    f,
                    "the Secrets Manager secret name {problem}{}",
                    at(position)
                )
            }
            RotationError::ParameterPrefix { problem, position } => {
                write!(f, "the Parameter Store prefix {problem}{}", at(position))
            }
            RotationError::BadAccountId => f.write_str("the account ID must be 12 digits"),
            RotationError::UserPath { problem, position } => {
                write!(f, "the IAM user path {problem}{}", at(position))
            }
            RotationError::StorePartition { expected } => write!(
                f,
                "a store's ARN is in another partition than its region's or the policy's (expected arn:{expected}:)"
            ),
            RotationError::KmsKey(problem) => write!(f, "the KMS key {problem}"),
            RotationError::SecretElsewhere => f.write_str(
                "the secret's ARN names another region or account than the rotation function's",
            ),
            RotationError::FunctionName => f.write_str(
                "the function name must be 1 to 64 letters, digits, hyphens and underscores",
            ),
            RotationError::GroupName { problem, position } => {
                write!(f, "the IAM group name {problem}{}", at(position))
            }
        }
    }
}

impl std::error::Error for RotationError {}
