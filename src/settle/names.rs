//! `--user-name`, `--user-path` and `--store`, for `policy --rotation` and
//! the AWS commands.

use crate::error::{CliError, CliResult};
use crate::hints;
use ses_smtp_credentials::user_text;
use ses_smtp_rotation::{
    GroupName, Store, UserName, UserPath, parse_group_name, parse_user_name, parse_user_path,
};

pub fn user_name(text: &str) -> CliResult<UserName> {
    parse_user_name(text).map_err(|e| {
        CliError::Usage(format!(
            "--user-name {}: {}",
            user_text(text),
            hints::rotation(&e)
        ))
    })
}

/// `--group`: an IAM group name.
pub fn group_name(text: &str) -> CliResult<GroupName> {
    parse_group_name(text).map_err(|e| {
        CliError::Usage(format!(
            "--group {}: {}",
            user_text(text),
            hints::rotation(&e)
        ))
    })
}

/// `--user-path`: `/` when not given.
pub fn user_path(text: Option<&str>) -> CliResult<UserPath> {
    let text = text.unwrap_or("/");
    parse_user_path(text).map_err(|e| {
        CliError::Usage(format!(
            "--user-path {}: {}",
            user_text(text),
            hints::rotation(&e)
        ))
    })
}

pub fn stores(texts: &[String]) -> CliResult<Vec<Store>> {
    texts
        .iter()
        .map(|t| {
            Store::parse(t).map_err(|e| {
                CliError::Usage(format!("--store {}: {}", user_text(t), hints::rotation(&e)))
            })
        })
        .collect()
}

/// One store given by an option of its own (`--secret NAME`,
/// `--parameter-prefix /P`, `--from STORE`): `kind` is prepended to the
/// text, and errors name the option.
pub fn store_as(option: &str, kind: &str, text: &str) -> CliResult<Store> {
    Store::parse(&format!("{kind}{text}")).map_err(|e| {
        CliError::Usage(format!(
            "{option} {}: {}",
            user_text(text),
            hints::rotation(&e)
        ))
    })
}
