//! `rotate`: preflight, create a key, derive a password per region, log in
//! over SMTP in every region at once until SES accepts the new key, store,
//! write; and if any step after the key was created fails, undo every step
//! done, the key last.
//!
//! The rotation is committed once the password has been delivered (to the
//! stores and `--out`, or to standard output when there is neither). A
//! failure after that (the summary cannot be written) is reported, and
//! nothing is undone: the stores would otherwise name a deleted key.

mod login;

use crate::aws::Interrupts;
use crate::aws::engine::{self, recover_command, retire_command, shown};
use crate::aws::say;
use crate::aws::settle::Rotate;
use crate::aws::table::table;
use crate::error::{CliError, CliResult, ExitCode};
use crate::files::out::Signals;
use crate::output::{deliver, out_path, postfix_hints, render};
use crate::settle::Destination;
use crate::terminal::write_stdout;
use login::{AcceptedLogin, check_logins};
use ses_smtp_credentials::{user_path, user_text};
use ses_smtp_rotation::UserName;
use ses_smtp_rotation::sdk::iam::{self, Timestamp};
use ses_smtp_rotation::sdk::{Rotation, Stored, store};
use std::time::Duration;

pub fn run(args: Rotate) -> CliResult<ExitCode> {
    // A rotation that a kill left half-made comes first: its key may hold
    // one of the user's two slots, and its stores may be half-written.
    let file = engine::journal(&args.user, args.state_dir.as_deref())?;
    if let Some(found) = file.find()? {
        return Err(crate::aws::engine::refused(engine::journal_in_the_way(
            &args.user, &found,
        )));
    }
    // The stores are written in the first region.
    let session = engine::connect(Some(&args.regions[0].code), args.aws_timeout)?;
    let codes: Vec<String> = args.regions.iter().map(|r| r.code.clone()).collect();
    // 1. Preflight: nothing is created until the user, its key count and
    // every store check out.
    iam::check_user(&session, &args.user)?;
    // The stores first: a secret that scheduled rotation owns is refused
    // as such, not as a user with two keys (which such a user has).
    let mut befores = Vec::with_capacity(args.stores.len());
    for s in &args.stores {
        let before = store::before(&session, s, &codes)?;
        check_regions(s, &before, &codes)?;
        befores.push(before);
    }
    let old = iam::keys(&session, &args.user)?;
    if old.len() >= iam::KEY_LIMIT {
        return Err(key_limit(&args.user, &old));
    }
    // The journal, before anything is made: what a kill -9 leaves for
    // `rotate --recover`.
    let found: Vec<_> = args.stores.iter().zip(&befores).collect();
    // A signal ends the AWS call under way while the rotation makes
    // things (then everything is undone, with the calls left to finish:
    // a second signal does not stop the undo, nor a commit).
    let stopping = session.stopping_when(crate::aws::interrupted);
    let mut rotation = Rotation::begin(&stopping, &args.user, &codes, &old, &found, Some(file))?;
    // 2. Create. From here on, a failure (a signal included) undoes what
    // was done.
    let signals = Interrupts::catch();
    // A panic in a step (a bug) must not skip the undo: it is caught here,
    // everything done so far is undone, and it ends as the bug it is (101).
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rotate(&mut rotation, &args, befores, &signals)
    }))
    .unwrap_or_else(|_| {
        Err(CliError::Internal(
            "a bug stopped the rotation (a panic; its message is not shown, it may hold a secret)"
                .into(),
        ))
    });
    match result {
        // Delivered: marked so, then forgotten (a journal left marked
        // committed is only forgotten by --recover, never undone).
        Ok((done, stored)) => {
            let journal_error = rotation.commit(stored).err().map(CliError::from);
            finish(&args, &old, done, journal_error)
        }
        Err(error) => Err(roll_back(rotation, &args.user, error)),
    }
}

/// A store that lists its regions must keep every one: a rotation for
/// fewer would leave the others' passwords on the old key, and their mail
/// would stop once it is retired.
fn check_regions(
    store: &ses_smtp_rotation::Store,
    before: &store::Before,
    codes: &[String],
) -> CliResult<()> {
    let Some(listed) = before.listed_regions() else {
        return Ok(());
    };
    let missing: Vec<&str> = listed
        .iter()
        .filter(|r| !codes.contains(r))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(CliError::Usage(format!(
        "--store {} lists regions {}, and this rotation leaves out {}: their passwords would stay on the old key\n  \
         hint: rotate for every region it lists: {}; nothing was created",
        shown(store),
        listed.join(", "),
        missing.join(", "),
        listed
            .iter()
            .map(|r| format!("--region {r}"))
            .collect::<Vec<_>>()
            .join(" ")
    )))
}

/// What the steps after creation did, for the summary.
struct Summary {
    key: String,
    /// Every region's login, in the regions' order (`None`: --no-probe).
    login: Option<Vec<AcceptedLogin>>,
    /// Standard output received the credentials (no store, no --out).
    printed: bool,
}

fn rotate(
    rotation: &mut Rotation<'_>,
    args: &Rotate,
    befores: Vec<store::Before>,
    signals: &Interrupts,
) -> CliResult<(Summary, Stored)> {
    // The claim lasts as long as this run can: the login's propagation
    // timeout and ten minutes for the AWS calls around it.
    let (new, made) = rotation.create_key(args.propagation + Duration::from_secs(600))?;
    // Test builds only: a panic after the key exists is undone; a pause
    // holds the journal while tests try --recover and a second rotate.
    ses_smtp_credentials::test_hook! {
        if std::env::var_os("SES_SMTP_PASSWORD_TEST_PANIC_ROTATE").is_some() {
            panic!("injected after CreateAccessKey");
        }
        if std::env::var_os("SES_SMTP_PASSWORD_TEST_PAUSE_AFTER_CREATE").is_some() {
            say("paused after creating the key");
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
    signals.check()?;
    let key = new.id.as_str().to_string();
    say(&format!(
        "created access key {key} for IAM user {} (its secret stays in this process)",
        shown(&args.user)
    ));
    // 3. Derive, a password per region (the secret is wiped).
    let items = new.passwords(&args.regions);
    // 4. Log in until SES knows the key, in every region at once.
    let login = match &args.probe {
        Some(connects) => Some(check_logins(args, connects, &items, signals)?),
        None => {
            say("not checking the SMTP login (--no-probe)");
            None
        }
    };
    // 5. Store, then write.
    for (s, before) in args.stores.iter().zip(befores) {
        signals.check()?;
        rotation.store(&made, s, before, &items)?;
        say(&format!("stored the credentials in --store {}", shown(s)));
    }
    let stored = rotation.stored(made)?;
    let to_file = matches!(args.to, Destination::File { .. });
    // With stores and no --out, the stores hold the password and standard
    // output gets only the summary.
    if to_file || args.stores.is_empty() {
        signals.check()?;
        let rendered = render(&args.shape, &items, "IAM CreateAccessKey")?;
        postfix_hints(&args.shape, &items[0], out_path(&args.to));
        // A signal while --out is written is this process's to answer:
        // the file is not moved into place and the rotation is undone.
        let check = || signals.check();
        // The secret came from AWS, not from a file.
        deliver(&args.to, &rendered, Signals::Caught { check: &check }, &[])?;
    }
    Ok((
        Summary {
            key,
            login,
            printed: !to_file && args.stores.is_empty(),
        },
        stored,
    ))
}

/// Undoes what the rotation did (the stores latest first, the key last),
/// saying each step; returns the error to end with.
fn roll_back(rotation: Rotation<'_>, user: &UserName, error: CliError) -> CliError {
    let key = rotation.created_key().map(user_text);
    if let Some(key) = &key {
        say(&format!(
            "rotate failed after creating access key {key}; undoing what this run did:"
        ));
    }
    let undone = rotation.undo(&mut |step| say(&engine::undo_line(user, step)));
    let journal_error = || {
        if let Some(e) = &undone.journal_error {
            say(&format!("  {e}"));
        }
    };
    let left = !undone.report.left.is_empty();
    match (&key, undone.complete()) {
        // No key from IAM: the journal settled whether a cut-off
        // CreateAccessKey made one.
        (None, true) => {
            if undone.report.done.is_empty() && !left {
                say("rotate failed before any key was created: nothing to undo");
            }
            journal_error();
            error
        }
        (None, false) => crate::aws::engine::refused(format!(
            "{error}\nand whether IAM made a key could not be settled; the journal stays: `{}` finishes once the cause is fixed",
            recover_command(user)
        )),
        (Some(_), true) => {
            if left {
                say(
                    "  what is marked LEFT was not provably this run's, or changed since: it is left as it is",
                );
            } else {
                say("  nothing this run made is left");
            }
            journal_error();
            error
        }
        (Some(_), false) => {
            say(&format!(
                "  the journal stays: `{}` finishes the undo once the cause is fixed",
                recover_command(user)
            ));
            crate::aws::engine::refused(format!(
                "{error}\nand the rollback did not complete ({} step(s) failed, listed above): fix them by hand",
                undone.report.failed.len()
            ))
        }
    }
}

fn key_limit(user: &UserName, keys: &[iam::Key]) -> CliError {
    let inactive = keys.iter().find(|k| !k.active);
    let free = match inactive {
        Some(k) => format!(
            "  free a slot by deleting the inactive key:\n    {} --delete",
            retire_command(user, &k.id)
        ),
        None => {
            let oldest = keys
                .iter()
                .min_by_key(|k| k.last_used.as_ref().map(|u| u.date))
                .unwrap_or(&keys[0]);
            format!(
                "  both are active: retire the one no longer in use, watch, then delete it:\n    {0}\n    {0} --delete",
                retire_command(user, &oldest.id)
            )
        }
    };
    crate::aws::engine::refused(format!(
        "IAM user {} already has {} access keys, IAM's limit; nothing was created\n{}\n{free}",
        shown(user),
        keys.len(),
        table(keys, &[], Timestamp::now())
            .lines()
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n")
    ))
}

fn finish(
    args: &Rotate,
    old: &[iam::Key],
    done: Summary,
    journal_error: Option<CliError>,
) -> CliResult<ExitCode> {
    // Delivered: never undone. A journal that could be neither marked nor
    // removed is said, with what --recover will do with it.
    if let Some(e) = journal_error {
        say(&format!(
            "warning: the rotation succeeded (the new key is {}), but its journal could not be updated: {e}\n  \
             hint: once there is room, `{}` only removes it: every store holds the new key",
            done.key,
            recover_command(&args.user)
        ));
    }
    let codes: Vec<&str> = args.regions.iter().map(|r| r.code.as_str()).collect();
    let mut s = format!(
        "rotated: IAM user {} has a new access key {} (the SMTP user name) for {}\n",
        shown(&args.user),
        done.key,
        codes.join(", ")
    );
    match &done.login {
        Some(checked) => {
            for c in checked {
                s.push_str(&format!(
                    "  login checked: {} accepted it (try {}, after {} s)\n",
                    c.place,
                    c.tries,
                    c.elapsed.as_secs()
                ));
            }
        }
        None => s.push_str("  login not checked (--no-probe)\n"),
    }
    for st in &args.stores {
        s.push_str(&format!("  stored in: {}\n", shown(st)));
    }
    if let Destination::File { path, .. } = &args.to {
        s.push_str(&format!("  written to: {}\n", user_path(path)));
    }
    match old.iter().rev().find(|k| k.active).or(old.first()) {
        Some(k) => s.push_str(&format!(
            "next: deploy the new credentials, watch mail flow, then retire the old key {}:\n  {}\n",
            k.id,
            retire_command(&args.user, &k.id)
        )),
        None => s.push_str("next: deploy the new credentials; there is no older key to retire\n"),
    }
    if done.printed {
        say(s.trim_end());
        return Ok(ExitCode::Success);
    }
    // Committed: the stores and --out hold the new key. A failure to write
    // the summary is reported, not undone.
    write_stdout(s.as_bytes()).map_err(|e| {
        CliError::Io(format!(
            "{e}\n  the rotation itself completed: the new key is {} and is in use by the stores",
            done.key
        ))
    })?;
    Ok(ExitCode::Success)
}
