//! `rotate --recover`: finishes the undo of a rotation a kill left
//! half-made, from its journal, or forgets one that had been delivered.

use super::say;
use super::settle::Recover;
use crate::aws::engine::{self, shown};
use crate::error::{CliError, CliResult, ExitCode};
use ses_smtp_credentials::user_path;
use ses_smtp_credentials::user_text;
use ses_smtp_rotation::sdk::iam;
use ses_smtp_rotation::sdk::journal::{Holder, running, unfinished};
use ses_smtp_rotation::sdk::recover;

/// `rotate --recover`: finishes the undo of an unfinished rotation from its
/// journal, or forgets one that had been delivered. It acts only on a
/// journal whose run is over, and only on what that run provably made.
pub fn run(args: Recover) -> CliResult<ExitCode> {
    let user = &args.user;
    let file = engine::journal(user, args.state_dir.as_deref())?;
    let Some(found) = file.find()? else {
        say(&format!(
            "no unfinished rotation of IAM user {}: nothing to recover",
            shown(user)
        ));
        return Ok(ExitCode::Success);
    };
    let j = found.journal;
    match found.holder {
        Holder::Over => {}
        Holder::Running => {
            return Err(crate::aws::engine::refused(format!(
                "{}\n  hint: --recover acts only on a rotation whose run is over: wait for it to finish",
                running(&j)
            )));
        }
        Holder::PidAlive => {
            return Err(crate::aws::engine::refused(format!(
                "{}; its process {} is still alive on this machine, although it does not hold the journal's lock\n  \
                 hint: --recover acts only on a rotation whose run is over: check the process (ps -p {}), and run it again once it has ended",
                unfinished(&j),
                j.pid,
                j.pid
            )));
        }
    }
    // IAM compares user names case-insensitively; so does the journal.
    if !j.user.eq_ignore_ascii_case(user.as_str()) {
        return Err(CliError::Io(format!(
            "the rotation journal {} is of IAM user {}, not {}: it is not trusted; move it away after checking the user's keys and stores by hand (docs/rotation.md)",
            user_path(file.path()),
            user_text(&j.user),
            shown(user)
        )));
    }
    let delivered = |why: &str| -> CliResult<ExitCode> {
        file.remove()?;
        say(&format!(
            "the rotation of IAM user {} had been delivered{}{why}: nothing to undo; its journal is removed",
            shown(user),
            j.created_key
                .as_deref()
                .map(|k| format!(" (new key {})", user_text(k)))
                .unwrap_or_default()
        ));
        Ok(ExitCode::Success)
    };
    if j.committed {
        return delivered("");
    }
    let session = engine::connect(Some(&j.region), args.aws_timeout)?;
    iam::check_user(&session, user)?;
    if recover::delivered(&session, &j)? {
        recover::drop_claim(&session, user, &j);
        return delivered(", and every store still holds what it wrote");
    }
    say(&format!(
        "{}; undoing what it provably made:",
        unfinished(&j)
    ));
    let report = recover::undo(&session, user, &j, &mut |step| {
        say(&engine::undo_line(user, step))
    });
    if !report.failed.is_empty() {
        return Err(crate::aws::engine::refused(format!(
            "the recovery did not complete ({} step(s) failed, listed above); the journal stays: fix the cause and run it again",
            report.failed.len()
        )));
    }
    recover::drop_claim(&session, user, &j);
    file.remove()?;
    if report.left.is_empty() {
        say("  recovered: everything is as before the rotation; the journal is removed");
    } else {
        say(&format!(
            "  recovered what this rotation provably made; {} thing(s) marked LEFT above are left as they are; the journal is removed",
            report.left.len()
        ));
    }
    Ok(ExitCode::Success)
}
