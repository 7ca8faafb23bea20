//! IAM user names and paths, and where rotated credentials are stored:
//! checked before any AWS call, with errors that name positions, never
//! characters.

use ses_smtp_credentials::region::is_region_shaped;
use std::fmt;

/// The longest IAM user name.
pub const MAX_USER_NAME: usize = 64;

/// An IAM user name: 1 to 64 of `A-Z a-z 0-9 + = , . @ _ -`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserName(String);

impl UserName {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

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
        }
    }
}

impl std::error::Error for RotationError {}

/// Checks an IAM user name.
///
/// # Errors
/// [`RotationError`] naming the position of a character IAM does not allow,
/// or the length.
pub fn parse_user_name(text: &str) -> Result<UserName, RotationError> {
    if text.is_empty() {
        return Err(RotationError::EmptyUserName);
    }
    if let Some(i) = text
        .chars()
        .position(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)))
    {
        return Err(RotationError::UserNameCharacter { position: i + 1 });
    }
    if text.len() > MAX_USER_NAME {
        return Err(RotationError::UserNameTooLong { len: text.len() });
    }
    Ok(UserName(text.to_string()))
}

/// An IAM user's path: `/`, or `/` and levels each ending in `/` (as in
/// `/division/mail/`); part of the user's ARN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserPath(String);

impl UserPath {
    /// The path, `/` at both ends.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks an IAM user path: 1 to 512 printable ASCII characters, starting
/// and ending with `/`. `*`, `?` and `$` are refused too: IAM allows them,
/// but a policy would read them as a pattern or a variable.
///
/// # Errors
/// [`RotationError::UserPath`] saying what is wrong.
pub fn parse_user_path(text: &str) -> Result<UserPath, RotationError> {
    let bad = |problem, position| Err(RotationError::UserPath { problem, position });
    if !text.starts_with('/') || !text.ends_with('/') {
        return bad("must start and end with /, as in /division/mail/", None);
    }
    if let Some(i) = text.chars().position(|c| !('!'..='~').contains(&c)) {
        return bad(
            "holds a character IAM does not allow (printable ASCII only)",
            Some(i + 1),
        );
    }
    if let Some(i) = text.chars().position(|c| matches!(c, '*' | '?' | '$')) {
        return bad(
            "holds *, ? or $, which a policy reads as a pattern or a variable",
            Some(i + 1),
        );
    }
    if let Some(i) = text.find("//") {
        return bad("holds an empty level (//)", Some(i + 2));
    }
    if text.len() > 512 {
        return bad("is longer than IAM's 512 characters", None);
    }
    Ok(UserPath(text.to_string()))
}

/// Where rotated SMTP credentials are stored.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Store {
    /// A Secrets Manager secret, by name or ARN: one JSON SecretString.
    SecretsManager(String),
    /// Parameters under an SSM Parameter Store prefix (no trailing `/`).
    Ssm(String),
}

/// The leaf names under an SSM prefix, in the order they are written.
pub const SSM_LEAVES: &[&str] = &["username", "host", "port", "password"];

/// Secrets Manager's longest name; SSM's longest parameter name.
const MAX_SECRET_NAME: usize = 512;
const MAX_PARAMETER_NAME: usize = 1011;

impl Store {
    /// Parses `secretsmanager:NAME_OR_ARN` or `ssm:/PREFIX`.
    ///
    /// # Errors
    /// [`RotationError`] for an unknown kind, a malformed name, prefix or ARN.
    pub fn parse(text: &str) -> Result<Store, RotationError> {
        if let Some(name) = text.strip_prefix("secretsmanager:") {
            check_secret_name(name)?;
            Ok(Store::SecretsManager(name.to_string()))
        } else if let Some(prefix) = text.strip_prefix("ssm:") {
            check_prefix(prefix)?;
            Ok(Store::Ssm(prefix.to_string()))
        } else {
            Err(RotationError::StoreKind)
        }
    }

    /// The parameter names an SSM store writes, in [`SSM_LEAVES`] order
    /// (empty for other stores).
    pub fn parameter_names(&self) -> Vec<String> {
        match self {
            Store::Ssm(prefix) => SSM_LEAVES.iter().map(|l| format!("{prefix}/{l}")).collect(),
            Store::SecretsManager(_) => Vec::new(),
        }
    }

    /// The partition an ARN names, if the store is given by ARN.
    pub fn arn_partition(&self) -> Option<&str> {
        match self {
            Store::SecretsManager(arn) if arn.starts_with("arn:") => arn.split(':').nth(1),
            _ => None,
        }
    }

    /// The region an ARN names, if the store is given by ARN.
    pub fn arn_region(&self) -> Option<&str> {
        match self {
            Store::SecretsManager(arn) if arn.starts_with("arn:") => arn.split(':').nth(3),
            _ => None,
        }
    }
}

impl fmt::Display for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Store::SecretsManager(name) => write!(f, "secretsmanager:{name}"),
            Store::Ssm(prefix) => write!(f, "ssm:{prefix}"),
        }
    }
}

fn secret_error(problem: &'static str, position: Option<usize>) -> RotationError {
    RotationError::SecretName { problem, position }
}

fn check_secret_name(name: &str) -> Result<(), RotationError> {
    if name.is_empty() {
        return Err(secret_error("is empty", None));
    }
    if let Some(rest) = name.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(6, ':').collect();
        return match parts[..] {
            [_, "secretsmanager", region, account, "secret", secret]
                if is_region_shaped(region)
                    && account.len() == 12
                    && account.bytes().all(|b| b.is_ascii_digit())
                    && !secret.is_empty() =>
            {
                Ok(())
            }
            _ => Err(secret_error(
                "is an ARN, but not arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME",
                None,
            )),
        };
    }
    if let Some(i) = name
        .chars()
        .position(|c| !(c.is_ascii_alphanumeric() || "/_+=.@-".contains(c)))
    {
        return Err(secret_error(
            "holds a character Secrets Manager does not allow (A-Z a-z 0-9 / _ + = . @ -)",
            Some(i + 1),
        ));
    }
    if name.len() > MAX_SECRET_NAME {
        return Err(secret_error("is longer than 512 characters", None));
    }
    Ok(())
}

fn prefix_error(problem: &'static str, position: Option<usize>) -> RotationError {
    RotationError::ParameterPrefix { problem, position }
}

fn check_prefix(prefix: &str) -> Result<(), RotationError> {
    if !prefix.starts_with('/') || prefix.len() < 2 {
        return Err(prefix_error(
            "must start with / and name a path, as in ssm:/prod/smtp",
            None,
        ));
    }
    if let Some(i) = prefix
        .chars()
        .position(|c| !(c.is_ascii_alphanumeric() || "_.-/".contains(c)))
    {
        return Err(prefix_error(
            "holds a character SSM does not allow (A-Z a-z 0-9 _ . - /)",
            Some(i + 1),
        ));
    }
    if prefix.ends_with('/') {
        return Err(prefix_error(
            "ends with /; the tool adds /username, /host, /port and /password",
            Some(prefix.len()),
        ));
    }
    if let Some(i) = prefix.find("//") {
        return Err(prefix_error("holds an empty level (//)", Some(i + 2)));
    }
    let first = prefix[1..].split('/').next().unwrap_or("");
    let lower = first.to_ascii_lowercase();
    if lower.starts_with("aws") || lower.starts_with("ssm") {
        return Err(prefix_error(
            "starts with aws or ssm, which AWS reserves",
            None,
        ));
    }
    // SSM allows 15 levels; the leaf is one of them.
    if prefix.matches('/').count() > 14 {
        return Err(prefix_error("has more than 14 levels", None));
    }
    if prefix.len() + "/username".len() > MAX_PARAMETER_NAME {
        return Err(prefix_error(
            "makes parameter names longer than SSM's 1011 characters",
            None,
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_names() {
        assert!(parse_user_name("smtp.legacy+eu=1,@_-").is_ok());
        assert_eq!(parse_user_name(""), Err(RotationError::EmptyUserName));
        assert_eq!(
            parse_user_name("smtp user"),
            Err(RotationError::UserNameCharacter { position: 5 })
        );
        assert_eq!(
            parse_user_name(&"a".repeat(65)),
            Err(RotationError::UserNameTooLong { len: 65 })
        );
        assert!(parse_user_name(&"a".repeat(64)).is_ok());
    }

    #[test]
    fn user_paths() {
        assert_eq!(parse_user_path("/").unwrap().as_str(), "/");
        assert!(parse_user_path("/division/mail/").is_ok());
        for (bad, position) in [
            ("division/", None),
            ("/division", None),
            ("/a b/", Some(3)),
            ("/a*/", Some(3)),
            ("/${aws:username}/", Some(2)),
            ("/a//b/", Some(4)),
        ] {
            assert!(
                matches!(parse_user_path(bad), Err(RotationError::UserPath { position: p, .. }) if p == position),
                "{bad}"
            );
        }
        assert!(parse_user_path(&format!("/{}/", "a".repeat(511))).is_err());
    }

    #[test]
    fn stores() {
        assert_eq!(
            Store::parse("secretsmanager:prod/smtp").unwrap(),
            Store::SecretsManager("prod/smtp".into())
        );
        let arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/smtp-AbCdEf";
        let s = Store::parse(&format!("secretsmanager:{arn}")).unwrap();
        assert_eq!(s.arn_region(), Some("eu-west-1"));
        assert_eq!(Store::parse("s3:bucket"), Err(RotationError::StoreKind));
        assert!(matches!(
            Store::parse("secretsmanager:a b"),
            Err(RotationError::SecretName {
                position: Some(2),
                ..
            })
        ));
        assert!(matches!(
            Store::parse("secretsmanager:arn:aws:s3:::bucket"),
            Err(RotationError::SecretName { position: None, .. })
        ));
        for bad in [
            "ssm:prod",
            "ssm:/",
            "ssm:/a/",
            "ssm:/a//b",
            "ssm:/aws/x",
            "ssm:/SSM",
        ] {
            assert!(
                matches!(
                    Store::parse(bad),
                    Err(RotationError::ParameterPrefix { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            Store::parse("ssm:/a b"),
            Err(RotationError::ParameterPrefix {
                position: Some(3),
                ..
            })
        ));
        assert_eq!(
            Store::parse("ssm:/p/q").unwrap().parameter_names(),
            ["/p/q/username", "/p/q/host", "/p/q/port", "/p/q/password"]
        );
    }
}
