//! The binary's side of the rotation engine (`ses-smtp-rotation`): the
//! session, the journal's place in the state directory, the engine's
//! errors as exit codes, and the commands a message suggests.

use crate::error::{CliError, CliResult};
use ses_smtp_credentials::user_text;
use ses_smtp_rotation::UserName;
use ses_smtp_rotation::sdk::journal::{Found, Holder, JournalFile, running, unfinished};
use ses_smtp_rotation::sdk::recover::{Left, UndoEvent};
use ses_smtp_rotation::sdk::{DeniedUserPath, Error, Session};
use std::io::Write;
use std::path::Path;

impl From<Error> for CliError {
    fn from(e: Error) -> CliError {
        match e {
            Error::Refused(m) => refused(m),
            Error::Denied {
                message,
                action,
                user_path,
            } => refused(format!("{message}{}", denied_hint(action, &user_path))),
            Error::Io(m) => CliError::Io(m),
            Error::IoFrom { what, source } => CliError::IoFrom { what, source },
            Error::Interrupted => super::interrupted_error(),
            Error::Render(e) => CliError::Render(e),
            e @ Error::Stored { .. } => CliError::BadInput(e.to_string()),
            Error::Internal(m) => CliError::Internal(m),
            // A kind this build does not know is still AWS's refusal.
            other => refused(other.to_string()),
        }
    }
}

/// Runs an AWS command, then ends every process it left behind. The SDK
/// runs a profile's `credential_process` as a child, and when it gives up
/// on one that hangs (its credentials timeout) it drops the call without
/// killing it. So the tool adopts its orphans (a child subreaper: the
/// process's own children, once their parent is gone, become the tool's)
/// and, when the command is done, kills each child left (its process
/// group, when it has one of its own) until none is left.
pub fn ending_helpers(
    command: impl FnOnce() -> CliResult<crate::error::ExitCode>,
) -> CliResult<crate::error::ExitCode> {
    let _ = nix::sys::prctl::set_child_subreaper(true);
    let result = command();
    end_children();
    result
}

/// Ends what the AWS calls left (as [`ending_helpers`] does at the end)
/// and stops adopting orphans: for a command that then starts programs of
/// its own (`sync --then`, whose reload may leave a daemon running).
pub fn stop_adopting() {
    end_children();
    let _ = nix::sys::prctl::set_child_subreaper(false);
}

/// Kills and reaps every child of this process, again as orphans arrive.
fn end_children() {
    use nix::sys::signal::{Signal, kill, killpg};
    use nix::unistd::{Pid, getpgid, getpgrp};
    let mine = getpgrp();
    for _ in 0..32 {
        let children = children_of(std::process::id());
        if children.is_empty() {
            return;
        }
        for pid in children {
            let child = Pid::from_raw(pid);
            match getpgid(Some(child)) {
                Ok(group) if group != mine => {
                    let _ = killpg(group, Signal::SIGKILL);
                }
                _ => {
                    let _ = kill(child, Signal::SIGKILL);
                }
            }
            let _ = nix::sys::wait::waitpid(child, None);
        }
    }
}

/// The processes whose parent is `parent` (from /proc).
fn children_of(parent: u32) -> Vec<i32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    // `pid (comm) state ppid …`; comm may hold spaces and ')'.
                    let after = &stat[stat.rfind(')')? + 1..];
                    after.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(parent)
        })
        .collect()
}

/// The operator's session in `region` (else the SDK chain's).
pub fn connect(region: Option<&str>, timeout: std::time::Duration) -> CliResult<Session> {
    // Messages name a store as the option that gave it.
    Ok(Session::connect(region, timeout)?.naming_stores_as("--store "))
}

/// A user name or store as messages show it: through `redact`, since a
/// valid IAM user name or secret name can also be a pasted secret.
pub fn shown(text: &impl std::fmt::Display) -> String {
    user_text(&text.to_string())
}

/// The journal file of `user`'s rotation, in the settled state directory.
pub fn journal(user: &UserName, state_dir: Option<&Path>) -> CliResult<JournalFile> {
    let dir = state_dir.ok_or_else(|| {
        CliError::Io(
            "neither XDG_STATE_HOME nor HOME is set: there is no state directory for the rotation journal".into(),
        )
    })?;
    Ok(JournalFile::new(dir, user))
}

/// The journal a running or unfinished rotation of `user` left, if any.
pub fn find_journal(user: &UserName, state_dir: Option<&Path>) -> CliResult<Option<Found>> {
    Ok(journal(user, state_dir)?.find()?)
}

/// Why a rotation cannot start (or be recovered) while `found` is there.
pub fn journal_in_the_way(user: &UserName, found: &Found) -> String {
    match found.holder {
        Holder::Running => format!("{}\n  hint: wait for it to finish", running(&found.journal)),
        Holder::PidAlive | Holder::Over => format!(
            "{}\n  hint: finish it first: {}",
            unfinished(&found.journal),
            recover_command(user)
        ),
    }
}

/// The warning `retire` and `keys` give while a journal is there, or one
/// that cannot be read.
pub fn warn_if_unfinished(user: &UserName, state_dir: Option<&Path>) {
    let warning = match find_journal(user, state_dir) {
        Ok(Some(found)) => journal_in_the_way(user, &found),
        Ok(None) => return,
        Err(e) => e.to_string(),
    };
    let _ = writeln!(std::io::stderr(), "warning: {warning}");
}

/// One outcome of an undo, as `rotate` and `rotate --recover` say it: a
/// key left gets the commands that delete it once nothing uses it.
pub fn undo_line(user: &UserName, step: &UndoEvent) -> String {
    match step {
        UndoEvent::Done(d) => format!("  undone: {d}"),
        UndoEvent::Failed(f) => format!("  NOT UNDONE: {f}"),
        UndoEvent::Left(l) => format!("  LEFT: {}", left_text(user, l)),
    }
}

/// What was left, and for a key how to delete it.
pub fn left_text(user: &UserName, left: &Left) -> String {
    match left {
        Left::Key { id, .. } => format!(
            "{left}\n    if nothing uses it, deactivate it, watch, then delete it:\n    {0}\n    {0} --delete",
            retire_command(user, id)
        ),
        Left::Store(_) => left.to_string(),
    }
}

/// The command that finishes an unfinished rotation.
pub fn recover_command(user: &UserName) -> String {
    format!(
        "ses-smtp-password rotate --recover --user-name {}",
        shown(user)
    )
}

/// The command that deactivates a key.
pub fn retire_command(user: &UserName, id: &str) -> String {
    format!(
        "ses-smtp-password retire --user-name {} --access-key-id {id}",
        shown(user)
    )
}

/// The hint for a denied call: the action it needs, which `policy
/// --rotation` grants, and `--user-path` when the user's path may be why.
fn denied_hint(action: &str, user_path: &DeniedUserPath) -> String {
    let mut hint = format!(
        "\n  hint: the operator needs {action}, which `ses-smtp-password policy --rotation` grants"
    );
    match user_path {
        DeniedUserPath::Path(path) => hint.push_str(&format!(
            "\n  hint: the user's IAM path is {path}, not /: make the policy with --user-path {path}"
        )),
        DeniedUserPath::Unknown => hint.push_str(
            "\n  hint: for a user with an IAM path (`aws iam get-user` shows it), make the policy with --user-path PATH",
        ),
        _ => {}
    }
    hint
}

/// An AWS call failed or was refused, or AWS's state forbids the step
/// (exit 10).
pub fn refused(message: impl Into<String>) -> CliError {
    CliError::Failed {
        code: crate::error::ExitCode::AwsRefused,
        message: message.into(),
    }
}

/// A failed login's exit code (as `probe`'s) and what the server said, in
/// a few words: "answered 535 …", "failed: …" (`rotate`'s and `sync`'s).
pub fn login_failure(outcome: &ses_smtp_login::Outcome) -> (crate::error::ExitCode, String) {
    use crate::error::ExitCode;
    let code = match outcome {
        ses_smtp_login::Outcome::Rejected { .. } => ExitCode::Rejected,
        ses_smtp_login::Outcome::Temporary { .. } => ExitCode::Temporary,
        _ => ExitCode::Network,
    };
    (code, outcome.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_denied_call_names_its_action_and_the_users_path() {
        let h = denied_hint(
            "iam:ListAccessKeys",
            &DeniedUserPath::Path("/division/mail/".into()),
        );
        assert!(h.contains("iam:ListAccessKeys"), "{h}");
        assert!(
            h.contains(
                "path is /division/mail/, not /: make the policy with --user-path /division/mail/"
            ),
            "{h}"
        );
        assert!(!denied_hint("iam:ListAccessKeys", &DeniedUserPath::Root).contains("--user-path"));
        assert!(denied_hint("iam:GetUser", &DeniedUserPath::Unknown).contains("--user-path PATH"));
        let ssm = denied_hint("ssm:DeleteParameter", &DeniedUserPath::NotAsked);
        assert!(
            ssm.contains("ssm:DeleteParameter") && !ssm.contains("--user-path"),
            "{ssm}"
        );
    }
}
