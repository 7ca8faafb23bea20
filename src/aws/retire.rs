//! `retire`: deactivate an old key (or delete an inactive one), after
//! saying when and where it was last used; never the last active key
//! without --force.

use super::settle::Retire;
use super::table::in_use_after_rotation;
use crate::aws::engine::{self, retire_command, shown};
use crate::error::{CliError, CliResult, ExitCode};
use crate::terminal::write_stdout;
use ses_smtp_rotation::sdk::iam::{self, Timestamp};
use ses_smtp_rotation::sdk::store;

pub fn run(args: Retire) -> CliResult<ExitCode> {
    let session = engine::connect(None, args.aws_timeout)?;
    let user = &args.user;
    engine::warn_if_unfinished(user, args.state_dir.as_deref());
    iam::check_user(&session, user)?;
    let keys = iam::keys(&session, user)?;
    let shown_user = shown(user);
    let Some(key) = keys.iter().find(|k| k.id == args.key) else {
        let theirs: Vec<&str> = keys.iter().map(|k| k.id.as_str()).collect();
        return Err(crate::aws::engine::refused(format!(
            "access key {} is not one of IAM user {shown_user}'s keys ({})\n  hint: list them with `ses-smtp-password keys --user-name {shown_user}`",
            args.key,
            if theirs.is_empty() {
                "it has none".to_string()
            } else {
                format!("they are {}", theirs.join(", "))
            }
        )));
    };
    let now = Timestamp::now();
    let mut out = format!(
        "{} ({}, created {}, {} days old): last used {}\n",
        key.id,
        key.status(),
        key.created.map_or("-".into(), |c| c.to_string()),
        key.age_days(now).unwrap_or_default(),
        key.last_used_text()
    );
    let other_active = keys.iter().any(|k| k.active && k.id != key.id);
    if args.delete {
        if key.active && !args.force {
            return Err(CliError::Usage(format!(
                "access key {} is active: deactivate it first (retire without --delete), watch that mail still flows, then delete it\n  hint: or pass --force to delete an active key now",
                key.id
            )));
        }
        if key.active && !other_active {
            out.push_str(
                "warning: this was the user's last active key: SMTP mail with it stops now\n",
            );
        }
        iam::delete_key(&session, user, &key.id)?;
        out.push_str(&format!("deleted access key {}\n", key.id));
    } else if !key.active {
        out.push_str(&format!(
            "access key {} is already inactive: nothing to do\n  delete it with: {} --delete\n",
            key.id,
            retire_command(user, &key.id)
        ));
    } else {
        let mut named = Vec::with_capacity(args.stores.len());
        for s in &args.stores {
            named.push((s.clone(), store::named_keys(&session, s)?));
        }
        let window = i64::try_from(args.in_use_window.as_secs()).unwrap_or(i64::MAX / 2);
        let floor = Timestamp::from_secs(now.secs().saturating_sub(window));
        if !args.force && in_use_after_rotation(key, &named, floor) {
            return Err(CliError::Usage(format!(
                "access key {} was last used {}, after a --store given moved to another key, within the last {} s: \
                 something still logs in with it, so it is not deactivated\n  \
                 hint: find the consumer still on it and make it read the store again (`ses-smtp-password sync`); \
                 retire goes on once its last use is older than --in-use-window; or pass --force",
                key.id,
                key.last_used_text(),
                args.in_use_window.as_secs()
            )));
        }
        if !other_active && !args.force {
            return Err(CliError::Usage(format!(
                "access key {} is IAM user {shown_user}'s last active key: deactivating it stops all SMTP mail\n  hint: rotate first (`ses-smtp-password rotate`), or pass --force",
                key.id
            )));
        }
        iam::deactivate(&session, user, &key.id)?;
        out.push_str(&format!(
            "deactivated access key {0}\n  if mail stops: aws iam update-access-key --user-name {shown_user} --access-key-id {0} --status Active\n  when all is well: {1} --delete\n",
            key.id,
            retire_command(user, &key.id)
        ));
    }
    write_stdout(out.as_bytes())?;
    Ok(ExitCode::Success)
}
