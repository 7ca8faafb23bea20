//! The undo: every store, latest first, then the key.

use super::report::{Left, Out, Report, UndoEvent};
use super::stores::{secret, ssm};
use crate::UserName;
use crate::sdk::claim::{self, Claim};
use crate::sdk::error::{Error, Result};
use crate::sdk::iam::{self, Key, LostKey, Timestamp};
use crate::sdk::journal::{Journal, Made, StoreBefore};
use crate::sdk::session::Session;
use ses_smtp_credentials::user_text;

/// Undoes what the journal's rotation provably made: the stores, latest
/// first, then its key. `step` hears each outcome as it happens.
pub fn undo(
    aws: &Session,
    user: &UserName,
    journal: &Journal,
    step: &mut dyn FnMut(&UndoEvent),
) -> Report {
    let mut out = Out {
        report: Report::default(),
        step,
    };
    for before in journal.stores.iter().rev() {
        let result = before.store().and_then(|store| match before {
            StoreBefore::SecretsManager {
                exists,
                current,
                previous,
                store: name,
            } => secret(
                aws,
                &store,
                *exists,
                (current, previous),
                journal.made.iter().filter(|m| made_in(m, name)),
                &mut out,
            ),
            StoreBefore::Ssm { parameters, .. } => ssm(aws, &store, parameters, journal, &mut out),
        });
        if let Err(e) = result {
            out.failed(&e);
        }
    }
    let stores_settled = out.report.failed.is_empty() && out.report.left.is_empty();
    if let Err(e) = keys(aws, user, journal, stores_settled, &mut out) {
        out.failed(&e);
    }
    out.report
}

fn made_in(m: &Made, store: &str) -> bool {
    matches!(m, Made::Secret { store: s, .. } | Made::Version { store: s, .. } if s == store)
}

/// The run's key: the one IAM returned (deleted unless a store may still
/// name it), or, after a lost answer, the one key that appeared inside
/// the call's window; any other key is left, and named.
fn keys(
    aws: &Session,
    user: &UserName,
    journal: &Journal,
    stores_settled: bool,
    out: &mut Out<'_>,
) -> Result<()> {
    if let Some(raw) = &journal.created_key {
        let id = user_text(raw);
        if !stores_settled {
            out.left(Left::Key {
                id,
                created: None,
                why: "this rotation made it, but a store listed above may still name it: left until that store is settled".into(),
            });
            return Ok(());
        }
        return match iam::delete_key_if_present(aws, user, raw) {
            Ok(true) => {
                out.done(format!("deleted the new access key {id}"));
                Ok(())
            }
            Ok(false) => {
                out.done(format!("the new access key {id} is already gone"));
                Ok(())
            }
            Err(e) => Err(Error::Refused(format!(
                "{e}\n  delete it by hand: aws iam delete-access-key --user-name {} --access-key-id {id}",
                crate::sdk::session::shown(user)
            ))),
        };
    }
    let Some(call) = &journal.create else {
        return Ok(());
    };
    if call.refused {
        // IAM answered with an error: it made nothing, and any new key the
        // user has is someone else's.
        return Ok(());
    }
    let (sent, ended) = call.window();
    let now = iam::keys(aws, user)?;
    // Another rotation's live claim: a new key may be its own.
    if let Some(c) = iam::user_tag(aws, user, claim::TAG)?.and_then(|v| Claim::parse(&v))
        && journal.claim.as_deref() != Some(c.token())
        && !c.is_over(Timestamp::now().secs())
    {
        for k in now.iter().filter(|k| !journal.keys_before.contains(&k.id)) {
            left_key(
                out,
                k,
                &format!(
                    "another rotation holds the user ({}): the key may be its own",
                    c.describe()
                ),
            );
        }
        return Ok(());
    }
    match iam::lost_key(&now, &journal.keys_before, sent, ended) {
        LostKey::None => Ok(()),
        LostKey::Proven(k) if stores_settled => {
            iam::delete_key(aws, user, &k.id)?;
            out.done(format!(
                "deleted access key {} (created {}): the only key made while CreateAccessKey's answer was lost",
                k.id,
                k.created.map(|c| c.to_string()).unwrap_or_default()
            ));
            Ok(())
        }
        LostKey::Proven(k) => {
            left_key(
                out,
                &k,
                "made while CreateAccessKey's answer was lost, but a store listed above may still name it",
            );
            Ok(())
        }
        LostKey::Unproven(ks) => {
            for k in ks {
                left_key(
                    out,
                    &k,
                    "the user did not have it before the rotation, but nothing proves this rotation made it \
                     (CreateAccessKey's answer was lost, and it is not the one key made inside that call's window)",
                );
            }
            Ok(())
        }
    }
}

fn left_key(out: &mut Out<'_>, k: &Key, why: &str) {
    out.left(Left::Key {
        id: k.id.clone(),
        created: k.created,
        why: why.into(),
    });
}

/// Removes the claim the journal's run set, if it is still that run's
/// (never another rotation's); a failure is harmless (the claim lapses at
/// its UNTIL).
pub fn drop_claim(aws: &Session, user: &UserName, journal: &Journal) {
    let Some(token) = &journal.claim else { return };
    if let Ok(Some(c)) =
        iam::user_tag(aws, user, claim::TAG).map(|v| v.and_then(|v| Claim::parse(&v)))
        && c.is_of(token)
    {
        let _ = iam::untag_user(aws, user, claim::TAG);
    }
}
