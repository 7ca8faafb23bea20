//! IAM user names and paths, and where rotated credentials are stored:
//! checked before any AWS call, with errors that name positions, never
//! characters.

use std::fmt;

mod error;
mod store;

pub use error::{KmsProblem, MAX_GROUP_NAME, MAX_USER_NAME, RotationError};
pub use store::{REGION_LEAVES, SSM_LEAVES, Store};

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

/// Where, from 1, a user's or a group's name has a character IAM does not
/// allow (`[\w+=,.@-]`), if it has one.
fn bad_name_character(text: &str) -> Option<usize> {
    text.chars()
        .position(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)))
        .map(|i| i + 1)
}

/// Checks an IAM user name.
///
/// # Errors
/// [`RotationError`] naming the position of a character IAM does not allow,
/// or the length.
pub fn parse_user_name(text: &str) -> Result<UserName, RotationError> {
    if text.is_empty() {
        return Err(RotationError::EmptyUserName);
    }
    if let Some(position) = bad_name_character(text) {
        return Err(RotationError::UserNameCharacter { position });
    }
    if text.len() > MAX_USER_NAME {
        return Err(RotationError::UserNameTooLong { len: text.len() });
    }
    Ok(UserName(text.to_string()))
}

/// A checked IAM group name (`[\w+=,.@-]{1,128}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupName(String);

impl GroupName {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for GroupName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks an IAM group name.
///
/// # Errors
/// [`RotationError::GroupName`] naming the position of a character IAM
/// does not allow, or the length.
pub fn parse_group_name(text: &str) -> Result<GroupName, RotationError> {
    let problem = |problem, position| RotationError::GroupName { problem, position };
    if text.is_empty() {
        return Err(problem("is empty", None));
    }
    if let Some(position) = bad_name_character(text) {
        return Err(problem(
            "has a character IAM does not allow (A-Z a-z 0-9 + = , . @ _ -)",
            Some(position),
        ));
    }
    if text.len() > MAX_GROUP_NAME {
        return Err(problem("is longer than IAM allows (128 characters)", None));
    }
    Ok(GroupName(text.to_string()))
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

#[cfg(test)]
mod tests;
