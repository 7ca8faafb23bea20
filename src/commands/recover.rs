//! `rotate --recover`: finishes the undo of a rotation a kill left
//! half-made, from its journal, or forgets one that had been delivered.

use crate::aws::{self, shown};
use crate::error::{CliError, ExitCode, Result};
use crate::settle::Recover;
use ses_smtp_credentials::user_text;
use ses_smtp_rotation::sdk::iam;
use ses_smtp_rotation::sdk::journal::unfinished;
use ses_smtp_rotation::sdk::recover;
use std::io::Write;

fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// `rotate --recover`: finishes the undo of an unfinished rotation from its
/// journal, or forgets one that had been delivered.
pub fn run(args: Recover) -> Result<ExitCode> {
    let user = &args.user;
    let file = aws::journal(user, args.state_dir.as_deref())?;
    let Some(j) = file.find()? else {
        say(&format!(
            "no unfinished rotation of IAM user {}: nothing to recover",
            shown(user)
        ));
        return Ok(ExitCode::Success);
    };
    if j.committed {
        file.remove()?;
        say(&format!(
            "the rotation of IAM user {} had been delivered{}: nothing to undo; its journal is removed",
            shown(user),
            j.created_key
                .as_deref()
                .map(|k| format!(" (new key {})", user_text(k)))
                .unwrap_or_default()
        ));
        return Ok(ExitCode::Success);
    }
    say(&format!("{}; undoing it:", unfinished(&j)));
    let session = aws::connect(Some(&j.region), args.aws_timeout)?;
    iam::check_user(&session, user)?;
    let (done, failed) = recover::undo(&session, user, &j);
    for d in &done {
        say(&format!("  undone: {d}"));
    }
    for f in &failed {
        say(&format!("  NOT UNDONE: {f}"));
    }
    if !failed.is_empty() {
        return Err(CliError::Aws(format!(
            "the recovery did not complete ({} step(s) failed, listed above); the journal stays: fix the cause and run it again",
            failed.len()
        )));
    }
    file.remove()?;
    say("  recovered: everything is as before the rotation; the journal is removed");
    Ok(ExitCode::Success)
}
