//! `keys`: an IAM user's access keys, with their age and last use, and
//! which one each `--store` names.

use super::settle::Keys;
use super::table::{in_use_after_rotation, stores_naming, stores_naming_previous, table};
use crate::aws::engine::{self, shown};
use crate::error::{CliError, CliResult, ExitCode};
use crate::settle::ReportFormat;
use crate::terminal::write_stdout;
use ses_smtp_rotation::sdk::iam::{self, Timestamp};
use ses_smtp_rotation::sdk::store;

pub fn run(args: Keys) -> CliResult<ExitCode> {
    let session = engine::connect(args.region.as_deref(), args.aws_timeout)?;
    engine::warn_if_unfinished(&args.user, args.state_dir.as_deref());
    iam::check_user(&session, &args.user)?;
    let keys = iam::keys(&session, &args.user)?;
    let mut named = Vec::with_capacity(args.stores.len());
    for s in &args.stores {
        named.push((s.clone(), store::named_keys(&session, s)?));
    }
    // Which policies grant sending: optional, said when it cannot be told.
    let grants = iam::sending_grants(&session, &args.user);
    let now = Timestamp::now();
    let text = match args.report {
        ReportFormat::Text => format!("{}{}", table(&keys, &named, now), grants_text(&grants)),
        ReportFormat::Json => {
            let rows: Vec<serde_json::Value> = keys
                .iter()
                .map(|k| {
                    serde_json::json!({
                        "access_key_id": k.id,
                        "status": k.status(),
                        "created": k.created.map(|c| c.to_string()),
                        "age_days": k.age_days(now),
                        "last_used": k.last_used.as_ref().map(|u| serde_json::json!({
                            "date": u.date.to_string(),
                            "service": u.service,
                            "region": u.region,
                        })),
                        "stores": stores_naming(&named, &k.id),
                        "previous_in": stores_naming_previous(&named, &k.id),
                        "in_use_after_rotation": in_use_after_rotation(k, &named, Timestamp::from_secs(0)),
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "user_name": shown(&args.user),
                "keys": rows,
                "stores": named.iter().map(|(s, n)| serde_json::json!({
                    "store": shown(s),
                    "username": n.current,
                    "previous_username": n.previous,
                    "regions": n.regions,
                })).collect::<Vec<_>>(),
                "sending_granted_by": grants.by.iter().map(|g| serde_json::json!({
                    "policy": g.policy,
                    "kind": if g.managed { "managed" } else { "inline" },
                    "group": g.group,
                })).collect::<Vec<_>>(),
                "sending_could_not_tell": grants.could_not_tell,
            });
            let pretty = serde_json::to_string_pretty(&doc)
                .map_err(|e| CliError::Internal(e.to_string()))?;
            format!("{pretty}\n")
        }
    };
    write_stdout(text.as_bytes())?;
    Ok(ExitCode::Success)
}

/// Which of the user's policies, and its groups', grant it ses:SendRawEmail.
fn grants_text(grants: &iam::Grants) -> String {
    let mut s = String::new();
    if grants.by.is_empty() && grants.could_not_tell.is_none() {
        s.push_str(
            "sending (ses:SendRawEmail): no policy of the user or of its groups grants it: \
             SES refuses its SMTP logins (535)\n  hint: `ses-smtp-password policy` prints one\n",
        );
    }
    if !grants.by.is_empty() {
        s.push_str("sending (ses:SendRawEmail) is granted by:\n");
    }
    for g in &grants.by {
        let kind = if g.managed {
            "managed policy"
        } else {
            "inline policy"
        };
        match &g.group {
            Some(group) => s.push_str(&format!("  {kind} {} of group {group}\n", g.policy)),
            None => s.push_str(&format!("  {kind} {} of the user\n", g.policy)),
        }
    }
    if let Some(why) = &grants.could_not_tell {
        s.push_str(&format!(
            "sending (ses:SendRawEmail): could not tell which policies grant it{}: {why}\n",
            if grants.by.is_empty() {
                ""
            } else {
                " (the list above may be short)"
            }
        ));
    }
    s
}
