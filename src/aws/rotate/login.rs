//! `rotate`'s logins: the new key logs in to every region at once, each
//! until SES accepts it or the propagation timeout, and a refusal is
//! described with its likely causes.

use crate::aws::settle::Rotate;
use crate::aws::{Interrupts, say};
use crate::error::{CliError, CliResult};
use crate::probe::login;
use crate::probe::settle::Connect;
use ses_smtp_credentials::Derived;
use ses_smtp_login::{Ended, Login, Outcome, Stopped, Until, until_accepted};
use std::time::{Duration, Instant};

/// One region's checked login: the region, where, on which try, after how
/// long.
pub(super) struct AcceptedLogin {
    pub(super) place: String,
    pub(super) tries: u32,
    pub(super) elapsed: Duration,
}

/// Logs in to every region at once (each with its own propagation
/// timeout); the first region's failure, in the regions' order, is the
/// error, once every login has ended.
pub(super) fn check_logins(
    args: &Rotate,
    connects: &[Connect],
    items: &[Derived],
    signals: &Interrupts,
) -> CliResult<Vec<AcceptedLogin>> {
    let several = items.len() > 1;
    let ended: Vec<CliResult<AcceptedLogin>> = std::thread::scope(|scope| {
        let running: Vec<_> = connects
            .iter()
            .zip(items)
            .map(|(connect, item)| {
                scope.spawn(move || check_login(args, connect, item, signals, several))
            })
            .collect();
        running
            .into_iter()
            .map(|t| {
                t.join().unwrap_or_else(|_| {
                    Err(CliError::Internal(
                        "a bug stopped a login (a panic; its message is not shown)".into(),
                    ))
                })
            })
            .collect()
    });
    ended.into_iter().collect()
}

/// Logs in over SMTP, again and again while SES answers 535 or 4xx (the
/// key has not reached it yet), until 235 or the propagation timeout.
fn check_login(
    args: &Rotate,
    connect: &Connect,
    item: &Derived,
    signals: &Interrupts,
    several: bool,
) -> CliResult<AcceptedLogin> {
    let target = login::target(connect, &item.region, args.verbose)?;
    let username = item.username.as_ref().map_or("", |u| u.as_str());
    let login = Login {
        username,
        password: item.password.expose(),
    };
    let place = match several {
        true => format!("{} ({})", login::place(&target), item.region.code),
        false => login::place(&target),
    };
    let started = Instant::now();
    let until = Until::RetriesEnd(started + args.propagation);
    let tries = until_accepted(&target, &login, until, |outcome, tries, wait| {
        signals.check()?;
        if args.verbose {
            say(&format!(
                "try {tries}: {place} answered {}; a new key takes up to a minute to reach SES: trying again in {} s ({} s of {} s)",
                outcome.code().unwrap_or_default(),
                wait.as_secs(),
                started.elapsed().as_secs(),
                args.propagation.as_secs()
            ));
        }
        signals.sleep(wait)
    })
    .map_err(|stopped| match stopped {
        Stopped::Setup(e) => CliError::Internal(e.to_string()),
        Stopped::Caller(e) => e,
    })?;
    signals.check()?;
    let (count, elapsed) = (tries.tries, tries.elapsed);
    match tries.ended {
        Ended::Accepted(outcome) => {
            say(&format!(
                "SES accepted the new key: {place} answered {} on try {count}, after {} s",
                outcome.code().unwrap_or_default(),
                elapsed.as_secs()
            ));
            Ok(AcceptedLogin {
                place,
                tries: count,
                elapsed,
            })
        }
        Ended::Refused(outcome) => Err(login_failed(
            &outcome,
            &place,
            count,
            elapsed,
            item,
            target.port,
        )),
        // A retry bound always makes a try and never runs out of time for
        // one (only a hard deadline does).
        _ => Err(CliError::Internal(format!(
            "the SMTP login to {place} ended without an outcome"
        ))),
    }
}

fn login_failed(
    outcome: &Outcome,
    place: &str,
    tries: u32,
    elapsed: Duration,
    item: &Derived,
    port: u16,
) -> CliError {
    let (code, what) = crate::aws::engine::login_failure(outcome);
    let mut message = format!(
        "the new key's SMTP login to {place} {what} (try {tries}, after {} s)",
        elapsed.as_secs()
    );
    if matches!(outcome, Outcome::Rejected { .. }) {
        message.push_str(
            "\n  hint: if the user lacks ses:SendRawEmail, grant it (`ses-smtp-password policy`); \
             if the key is only slow to reach SES, raise --propagation-timeout",
        );
    }
    for cause in login::advice(outcome, &item.region.code, port)
        .iter()
        .take(2)
    {
        message.push_str(&format!("\n  likely: {cause}"));
    }
    CliError::Failed { code, message }
}
