//! `keys`: an IAM user's access keys, with their age and last use, and
//! which one each `--store` names.

use crate::aws::{Aws, iam, shown, store};
use crate::cli::rotation::Keys;
use crate::cli::settle::Report;
use crate::error::{CliError, ExitCode, Result};
use crate::terminal::write_stdout;
use aws_sdk_iam::primitives::DateTime;
use ses_smtp_credentials::rotation::Store;

pub fn run(args: Keys) -> Result<ExitCode> {
    let aws = Aws::connect(args.region.as_deref(), args.aws_timeout)?;
    crate::aws::journal::warn_if_unfinished(&args.user);
    iam::check_user(&aws, &args.user)?;
    let keys = iam::keys(&aws, &args.user)?;
    let mut named = Vec::with_capacity(args.stores.len());
    for s in &args.stores {
        named.push((s.clone(), store::current_username(&aws, s)?));
    }
    let now = iam::now();
    let text = match args.report {
        Report::Text => table(&keys, &named, now),
        Report::Json => {
            let rows: Vec<serde_json::Value> = keys
                .iter()
                .map(|k| {
                    serde_json::json!({
                        "access_key_id": k.id,
                        "status": k.status(),
                        "created": k.created.as_ref().map(iam::date),
                        "age_days": k.age_days(now),
                        "last_used": k.last_used.as_ref().map(|u| serde_json::json!({
                            "date": iam::date(&u.date),
                            "service": u.service,
                            "region": u.region,
                        })),
                        "stores": stores_naming(&named, &k.id),
                    })
                })
                .collect();
            let doc = serde_json::json!({
                "user_name": shown(&args.user),
                "keys": rows,
                "stores": named.iter().map(|(s, u)| serde_json::json!({
                    "store": shown(s),
                    "username": u,
                })).collect::<Vec<_>>(),
            });
            let pretty = serde_json::to_string_pretty(&doc)
                .map_err(|e| CliError::Internal(e.to_string()))?;
            format!("{pretty}\n")
        }
    };
    write_stdout(text.as_bytes())?;
    Ok(ExitCode::Success)
}

fn stores_naming(named: &[(Store, Option<String>)], id: &str) -> Vec<String> {
    named
        .iter()
        .filter(|(_, u)| u.as_deref() == Some(id))
        .map(|(s, _)| shown(s))
        .collect()
}

/// The keys as a table, one line each; with stores, which names which.
pub fn table(keys: &[iam::Key], named: &[(Store, Option<String>)], now: DateTime) -> String {
    let mut s = format!(
        "{:<22}{:<10}{:<22}{:<6}{}\n",
        "ACCESS KEY ID", "STATUS", "CREATED", "AGE", "LAST USED"
    );
    if keys.is_empty() {
        s.push_str("(no access keys)\n");
    }
    for k in keys {
        let created = k.created.as_ref().map_or("-".into(), iam::date);
        let age = k.age_days(now).map_or("-".into(), |d| format!("{d}d"));
        let mut row = format!(
            "{:<22}{:<10}{:<22}{:<6}{}",
            k.id,
            k.status(),
            created,
            age,
            k.last_used_text()
        );
        let stores = stores_naming(named, &k.id);
        if !stores.is_empty() {
            row.push_str(&format!("  <- {}", stores.join(", ")));
        }
        s.push_str(&row);
        s.push('\n');
    }
    for (store, user) in named {
        if user
            .as_deref()
            .is_none_or(|u| !keys.iter().any(|k| k.id == u))
        {
            s.push_str(&format!(
                "{} names {}\n",
                shown(store),
                match user {
                    Some(_) => "a key that is not this user's",
                    None => "no key (it does not exist or holds no username)",
                }
            ));
        }
    }
    s
}
