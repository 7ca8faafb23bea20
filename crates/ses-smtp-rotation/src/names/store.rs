//! Where rotated SMTP credentials are stored: a Secrets Manager secret or
//! SSM parameters under a prefix.

use super::error::RotationError;
use ses_smtp_credentials::region::is_region_shaped;
use std::fmt;

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
pub const SSM_LEAVES: &[&str] = &["username", "host", "port", "region", "password"];

/// The leaf names under `/PREFIX/REGION` for each region of a key that
/// sends from several, in the order they are written.
pub const REGION_LEAVES: &[&str] = &["password", "host"];

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

    /// The parameter names an SSM store writes for a key that sends from
    /// `regions` (first first): [`Store::parameter_names`], then, with
    /// several regions, `/PREFIX/REGION/password` and `/PREFIX/REGION/host`
    /// for each (empty for other stores).
    pub fn parameter_names_for(&self, regions: &[String]) -> Vec<String> {
        let mut names = self.parameter_names();
        if let Store::Ssm(prefix) = self
            && regions.len() > 1
        {
            for r in regions {
                for leaf in REGION_LEAVES {
                    names.push(format!("{prefix}/{r}/{leaf}"));
                }
            }
        }
        names
    }

    /// The partition an ARN names, if the store is given by ARN.
    pub fn arn_partition(&self) -> Option<&str> {
        match self {
            Store::SecretsManager(arn) if arn.starts_with("arn:") => arn.split(':').nth(1),
            _ => None,
        }
    }

    /// The account an ARN names, if the store is given by ARN.
    pub fn arn_account(&self) -> Option<&str> {
        match self {
            Store::SecretsManager(arn) if arn.starts_with("arn:") => arn.split(':').nth(4),
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

/// A character Secrets Manager allows in a secret's name.
fn secret_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/_+=.@-".contains(c)
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
                // The name part as a name: never `*`, `?` (a policy would
                // read a pattern) or `:` (another ARN's fields).
                match secret.chars().position(|c| !secret_name_char(c)) {
                    Some(i) => Err(secret_error(
                        "is an ARN whose secret name holds a character Secrets Manager does not allow (A-Z a-z 0-9 / _ + = . @ -; never * or ?)",
                        Some("arn:".len() + rest.len() - secret.len() + i + 1),
                    )),
                    None => Ok(()),
                }
            }
            _ => Err(secret_error(
                "is an ARN, but not arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME",
                None,
            )),
        };
    }
    if let Some(i) = name.chars().position(|c| !secret_name_char(c)) {
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
