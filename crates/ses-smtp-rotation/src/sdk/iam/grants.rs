//! Which policies grant the user `ses:SendRawEmail` (what SES SMTP checks
//! on every login): its inline and attached policies, and those of each
//! group it is in (the SES console's SMTP flow grants sending through a
//! group). Read-only, and optional: an operator without the permissions
//! learns that it could not be told, never a failed command.

use crate::UserName;
use crate::calls;
use crate::sdk::error::{Error, Result};
use crate::sdk::session::{Session, shown};
use ses_smtp_credentials::user_text;

/// The action SES SMTP authorizes a login against.
pub const SENDING_ACTION: &str = "ses:SendRawEmail";

/// Pages read at most from one listing.
const MAX_PAGES: usize = 20;

/// A policy that allows [`SENDING_ACTION`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The inline policy's name, or the managed policy's ARN (shown safely).
    pub policy: String,
    /// Whether it is a managed policy (else inline).
    pub managed: bool,
    /// The group it reaches the user through (`None`: the user's own).
    pub group: Option<String>,
}

/// What [`sending_grants`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grants {
    /// Every policy found that allows sending, the user's own first.
    pub by: Vec<Grant>,
    /// Why not all could be read (a refused call, in AWS's words): the
    /// list may then be short.
    pub could_not_tell: Option<String>,
}

/// The policies that grant `user` [`SENDING_ACTION`]: `Allow` statements
/// whose `Action` matches it (IAM's `*` and `?` wildcards, any case), or
/// whose `NotAction` does not. Conditions, resources, permissions
/// boundaries and SCPs are not weighed: a grant is where to look, not
/// proof that SES accepts.
pub fn sending_grants(aws: &Session, user: &UserName) -> Grants {
    let mut grants = Grants::default();
    if let Err(e) = read_grants(aws, user, &mut grants.by) {
        grants.could_not_tell = Some(e.to_string());
    }
    grants
}

fn read_grants(aws: &Session, user: &UserName, by: &mut Vec<Grant>) -> Result<()> {
    let iam = aws.iam();
    let u = user.as_str();
    let mine = format!("to read the policies of {}", shown(user));
    let names = pages(&mine, |m| {
        let out = aws
            .run(iam.list_user_policies().user_name(u).set_marker(m).send())
            .map_err(aws.refused(&calls::IAM_LIST_USER_POLICIES, mine.clone()))?;
        Ok((out.policy_names, next(out.is_truncated, out.marker)))
    })?;
    let arns = pages(&mine, |m| {
        let out = aws
            .run(
                iam.list_attached_user_policies()
                    .user_name(u)
                    .set_marker(m)
                    .send(),
            )
            .map_err(aws.refused(&calls::IAM_LIST_ATTACHED_USER_POLICIES, mine.clone()))?;
        Ok((
            attached(out.attached_policies),
            next(out.is_truncated, out.marker),
        ))
    })?;
    let document = |name: &str| {
        aws.run(iam.get_user_policy().user_name(u).policy_name(name).send())
            .map(|out| out.policy_document)
            .map_err(aws.refused(&calls::IAM_GET_USER_POLICY, mine.clone()))
    };
    add_grants(aws, by, None, names, document, arns)?;
    let groups = pages(&mine, |m| {
        let out = aws
            .run(iam.list_groups_for_user().user_name(u).set_marker(m).send())
            .map_err(aws.refused(&calls::IAM_LIST_GROUPS_FOR_USER, mine.clone()))?;
        let names = out.groups.into_iter().map(|g| g.group_name).collect();
        Ok((names, next(out.is_truncated, out.marker)))
    })?;
    for group in groups {
        let g = group.as_str();
        let theirs = format!("to read the policies of group {}", user_text(g));
        let names = pages(&theirs, |m| {
            let out = aws
                .run(iam.list_group_policies().group_name(g).set_marker(m).send())
                .map_err(aws.refused(&calls::IAM_LIST_GROUP_POLICIES, theirs.clone()))?;
            Ok((out.policy_names, next(out.is_truncated, out.marker)))
        })?;
        let arns = pages(&theirs, |m| {
            let out = aws
                .run(
                    iam.list_attached_group_policies()
                        .group_name(g)
                        .set_marker(m)
                        .send(),
                )
                .map_err(aws.refused(&calls::IAM_LIST_ATTACHED_GROUP_POLICIES, theirs.clone()))?;
            Ok((
                attached(out.attached_policies),
                next(out.is_truncated, out.marker),
            ))
        })?;
        let document = |name: &str| {
            aws.run(
                iam.get_group_policy()
                    .group_name(g)
                    .policy_name(name)
                    .send(),
            )
            .map(|out| out.policy_document)
            .map_err(aws.refused(&calls::IAM_GET_GROUP_POLICY, theirs.clone()))
        };
        add_grants(aws, by, Some(g), names, document, arns)?;
    }
    Ok(())
}

/// Adds the grants among one holder's policies (the user's, or `group`'s):
/// its inline ones by name (each document read by `document`) and the
/// managed ones attached to it, by ARN.
fn add_grants(
    aws: &Session,
    by: &mut Vec<Grant>,
    group: Option<&str>,
    inline: Vec<String>,
    document: impl Fn(&str) -> Result<String>,
    attached: Vec<String>,
) -> Result<()> {
    let grant = |policy: &str, managed| Grant {
        policy: user_text(policy),
        managed,
        group: group.map(user_text),
    };
    for name in inline {
        if grants_sending(&document(&name)?) {
            by.push(grant(&name, false));
        }
    }
    for arn in attached {
        if managed_grants(aws, &arn)? {
            by.push(grant(&arn, true));
        }
    }
    Ok(())
}

/// The next page's marker, when IAM says there is one.
fn next(truncated: bool, marker: Option<String>) -> Option<String> {
    marker.filter(|m| truncated && !m.is_empty())
}

fn attached(policies: Option<Vec<aws_sdk_iam::types::AttachedPolicy>>) -> Vec<String> {
    policies
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.policy_arn)
        .collect()
}

/// Every item of a listing, page after page (at most [`MAX_PAGES`]).
fn pages(
    what: &str,
    mut page: impl FnMut(Option<String>) -> Result<(Vec<String>, Option<String>)>,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut marker = None;
    for _ in 0..MAX_PAGES {
        let (items, next) = page(marker.take())?;
        out.extend(items);
        match next {
            Some(m) => marker = Some(m),
            None => return Ok(out),
        }
    }
    Err(Error::Refused(format!(
        "AWS kept paging {what}; stopped after {MAX_PAGES} pages"
    )))
}

/// Whether a managed policy's default version allows sending.
fn managed_grants(aws: &Session, arn: &str) -> Result<bool> {
    let iam = aws.iam();
    let doing = format!("to read managed policy {}", user_text(arn));
    let version = aws
        .run(iam.get_policy().policy_arn(arn).send())
        .map_err(aws.refused(&calls::IAM_GET_POLICY, doing.clone()))?
        .policy
        .and_then(|p| p.default_version_id);
    let Some(version) = version else {
        return Ok(false);
    };
    let doc = aws
        .run(
            iam.get_policy_version()
                .policy_arn(arn)
                .version_id(version)
                .send(),
        )
        .map_err(aws.refused(&calls::IAM_GET_POLICY_VERSION, doing))?
        .policy_version
        .and_then(|v| v.document);
    Ok(doc.is_some_and(|d| grants_sending(&d)))
}

/// Whether a policy document (as IAM returns it: URL-encoded JSON, or plain
/// JSON) has an `Allow` statement for [`SENDING_ACTION`].
pub fn grants_sending(document: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(document).decode_utf8_lossy();
    let text = if document.trim_start().starts_with('{') {
        document
    } else {
        &decoded
    };
    let Ok(doc) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    let statements = match &doc["Statement"] {
        serde_json::Value::Array(a) => a.iter().collect(),
        s @ serde_json::Value::Object(_) => vec![s],
        _ => Vec::new(),
    };
    let listed = |v: &serde_json::Value| -> Vec<String> {
        match v {
            serde_json::Value::String(s) => vec![s.clone()],
            serde_json::Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    statements.into_iter().any(|s| {
        s["Effect"] == "Allow"
            && match (s.get("Action"), s.get("NotAction")) {
                (Some(a), _) => listed(a).iter().any(|p| glob(p, SENDING_ACTION)),
                (None, Some(n)) => !listed(n).iter().any(|p| glob(p, SENDING_ACTION)),
                (None, None) => false,
            }
    })
}

/// IAM's action wildcards: `*` any run, `?` any one character, any case.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (
        pattern.to_ascii_lowercase().chars().collect(),
        text.to_ascii_lowercase().chars().collect(),
    );
    // The classic two-pointer match with one star to fall back to.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_grants_sending_when_an_allow_matches_it() {
        for (doc, grants) in [
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"ses:SendRawEmail","Resource":"*"}]}"#,
                true,
            ),
            (
                r#"{"Statement":{"Effect":"Allow","Action":["ses:Send*"],"Resource":"*"}}"#,
                true,
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"SES:sendrawemail"}]}"#,
                true,
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"ses:SendRaw?mail"}]}"#,
                true,
            ),
            (r#"{"Statement":[{"Effect":"Allow","Action":"*"}]}"#, true),
            (
                r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*"}]}"#,
                true,
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","NotAction":"ses:*"}]}"#,
                false,
            ),
            (
                r#"{"Statement":[{"Effect":"Deny","Action":"ses:SendRawEmail"}]}"#,
                false,
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"ses:SendEmail"}]}"#,
                false,
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Action":"ses:SendRawEmailX"}]}"#,
                false,
            ),
            (
                "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22ses%3ASendRawEmail%22%7D%5D%7D",
                true,
            ),
            ("not json", false),
        ] {
            assert_eq!(grants_sending(doc), grants, "{doc}");
        }
    }
}
