//! A rotation under way: it owns the journal of what it found and of what
//! it made, as AWS returned it, and undoes exactly that on failure.
//!
//! The order a caller follows:
//!
//! 1. preflight, making nothing: [`iam::check_user`], [`iam::keys`] (IAM
//!    allows two), [`store::before`] for every store;
//! 2. [`Rotation::begin`]: the journal (the lock) is written before
//!    anything is made;
//! 3. [`Rotation::create_key`], then whatever checks the caller makes (an
//!    SMTP login with the new key), then [`Rotation::store`] for each store
//!    and [`Rotation::stored`];
//! 4. [`Rotation::commit`] once the credentials are delivered, or
//!    [`Rotation::undo`] on any failure before that.
//!
//! The order is the types': `create_key` alone makes a [`KeyMade`], which
//! `store` needs and `stored` takes; `stored` alone makes a [`Stored`],
//! which `commit` takes. Storing before the key exists, storing after
//! `stored`, or committing before every store is written does not compile.
//! The rotation itself stays borrowed, not moved, between the stages, so
//! that an undo reaches it whatever happened (a panic included).
//!
//! The rotation function (`ses-smtp-rotator`) drives the same engine in
//! its `createSecret`, with Secrets Manager's version in place of the
//! journal: [`claim::take`] (whose [`Claimed`] `create_key` needs),
//! [`iam::create_key`], [`NewKey::passwords`](iam::NewKey::passwords),
//! and the stored format's writer; `finishSecret`, a later invocation, is
//! its commit.
//!
//! ```no_run
//! # use ses_smtp_rotation::sdk::{Error, Rotation, store::Before};
//! # use ses_smtp_rotation::Store;
//! fn rotate(r: &mut Rotation<'_>, s: &Store, b: Before) -> Result<(), Error> {
//!     let (_key, made) = r.create_key(std::time::Duration::from_secs(60))?;
//!     r.store(&made, s, b, &[])?;
//!     let _stored = r.stored(made)?;
//!     Ok(())
//! }
//! ```
//!
//! A proof cannot be made outside the engine:
//!
//! ```compile_fail,E0423
//! # use ses_smtp_rotation::sdk::{Error, KeyMade, Rotation, store::Before};
//! # use ses_smtp_rotation::Store;
//! fn store_first(r: &mut Rotation<'_>, s: &Store, b: Before) -> Result<(), Error> {
//!     r.store(&KeyMade(()), s, b, &[])
//! }
//! ```
//!
//! Nothing is stored once `stored` took the proof:
//!
//! ```compile_fail,E0382
//! # use ses_smtp_rotation::sdk::{Error, KeyMade, Rotation, store::Before};
//! # use ses_smtp_rotation::Store;
//! fn store_late(r: &mut Rotation<'_>, made: KeyMade, s: &Store, b: Before) -> Result<(), Error> {
//!     r.stored(made)?;
//!     r.store(&made, s, b, &[])
//! }
//! ```
//!
//! A commit needs every store written:
//!
//! ```compile_fail,E0308
//! # use ses_smtp_rotation::sdk::{Error, KeyMade, Rotation};
//! fn commit_early(r: Rotation<'_>, made: KeyMade) -> Result<(), Error> {
//!     r.commit(made)
//! }
//! ```

use super::claim::{self, Claim, Taken};
use super::error::{Error, Result};
use super::iam::{self, Claimed, Created, Timestamp};
use super::journal::{CreateCall, Held, Journal, JournalFile, boot_id, now};
use super::recover::{self, Report};
use super::session::Session;
use super::store::{self, Before};
use crate::{Store, UserName};
use ses_smtp_credentials::Derived;
use ses_smtp_credentials::user_text;

/// Proof that the new key exists: only [`Rotation::create_key`] makes one.
#[derive(Debug)]
pub struct KeyMade(());

/// Proof that every store was written: only [`Rotation::stored`] makes one.
#[derive(Debug)]
pub struct Stored(());

/// A rotation under way (see the module's steps).
#[derive(Debug)]
pub struct Rotation<'s> {
    session: &'s Session,
    user: UserName,
    journal: Journal,
    file: Option<(JournalFile, Held)>,
}

/// What [`Rotation::undo`] did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Undone {
    /// What was undone, left and not undone.
    pub report: Report,
    /// The new key's ID as it may be shown, if IAM returned one.
    pub key: Option<String>,
    /// The journal could not be removed although everything was settled.
    pub journal_error: Option<Error>,
}

impl Undone {
    /// Whether every step of the undo ran (some things may have been left,
    /// on purpose: [`Report::left`]).
    pub fn complete(&self) -> bool {
        self.report.failed.is_empty()
    }
}

/// How long a call may take at most, when the session does not say.
const CALL_LIMIT_SECS: i64 = 300;

impl<'s> Rotation<'s> {
    /// Starts a rotation of `user` for `regions` (the first is where the
    /// stores are written; never empty): records the keys it has and
    /// every store as found, and creates the journal in `file` (if any),
    /// taking its lock, before anything is made.
    ///
    /// # Errors
    /// [`Error::Io`] when another rotation's journal is there;
    /// [`Error::IoFrom`] when the journal cannot be written.
    pub fn begin(
        session: &'s Session,
        user: &UserName,
        regions: &[String],
        keys_before: &[iam::Key],
        stores: &[(&Store, &Before)],
        file: Option<JournalFile>,
    ) -> Result<Rotation<'s>> {
        let journal = Journal {
            user: user.to_string(),
            region: regions.first().cloned().unwrap_or_default(),
            regions: if regions.len() > 1 {
                regions.to_vec()
            } else {
                Vec::new()
            },
            pid: std::process::id(),
            boot_id: boot_id(),
            started: now(),
            keys_before: keys_before.iter().map(|k| k.id.clone()).collect(),
            claim: None,
            create: None,
            created_key: None,
            stores: stores
                .iter()
                .map(|(s, b)| store::journal_entry(s, b))
                .collect(),
            made: Vec::new(),
            stored: false,
            committed: false,
        };
        let file = match file {
            Some(f) => {
                let held = f.create(&journal)?;
                Some((f, held))
            }
            None => None,
        };
        Ok(Rotation {
            session,
            user: user.clone(),
            journal,
            file,
        })
    }

    fn save(&mut self) -> Result<()> {
        match &mut self.file {
            Some((f, held)) => f.save(held, &self.journal),
            None => Ok(()),
        }
    }

    /// Creates the new access key. The journal records the call before it
    /// is sent (when, and the latest it can end), then how it ended: the
    /// key's ID as IAM returned it, IAM's refusal (nothing made), or a lost
    /// answer (a key made inside the call's window may be this run's).
    ///
    /// # Errors
    /// the call's error, or [`Error::IoFrom`] when the journal cannot be
    /// written. Either way, [`Rotation::undo`] deletes the key IAM returned.
    pub fn create_key(&mut self, lasts: std::time::Duration) -> Result<(iam::NewKey, KeyMade)> {
        let claimed = self.claim(lasts)?;
        let sent = Timestamp::now().secs();
        let limit = self
            .session
            .config()
            .timeout_config()
            .and_then(|t| t.operation_timeout())
            .map_or(CALL_LIMIT_SECS, |d| {
                i64::try_from(d.as_secs()).unwrap_or(CALL_LIMIT_SECS)
            });
        self.journal.create = Some(CreateCall {
            sent,
            deadline: sent.saturating_add(limit),
            ended: None,
            refused: false,
        });
        self.save()?;
        let created = iam::create_key(self.session, &self.user, &claimed);
        if let Some(call) = &mut self.journal.create {
            match &created {
                Created::Refused(_) => call.refused = true,
                Created::Lost { ended, .. } => call.ended = Some(ended.secs()),
                Created::Key(_) | Created::Malformed { .. } => {}
            }
        }
        self.journal.created_key = created.id().map(str::to_string);
        let saved = self.save();
        let new = created.into_result()?;
        saved?;
        Ok((new, KeyMade(())))
    }

    /// Claims the user for this run (see [`claim`](super::claim)): refused
    /// while another rotation's claim lasts, or when another rotation
    /// claimed it at the same moment (the claim read back is not this
    /// run's).
    fn claim(&mut self, lasts: std::time::Duration) -> Result<Claimed> {
        let (aws, user) = (self.session, &self.user.clone());
        let now = Timestamp::now().secs();
        let read = || -> Result<Option<Claim>> {
            Ok(iam::user_tag(aws, user, claim::TAG)?.and_then(|v| Claim::parse(&v)))
        };
        let busy = |c: &Claim, how: &str| {
            Error::Refused(format!(
                "{how} rotation of IAM user {} is under way ({}): nothing was created\n  \
                 hint: wait until then; if none is running, remove its claim: aws iam untag-user --user-name {} --tag-keys {}",
                super::session::shown(user),
                c.describe(),
                super::session::shown(user),
                claim::TAG
            ))
        };
        if let Some(c) = read()?
            && !c.is_over(now)
        {
            return Err(busy(&c, "another"));
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let token = format!("rotate-{}-{nanos:08x}", std::process::id());
        let until = now.saturating_add(i64::try_from(lasts.as_secs()).unwrap_or(i64::MAX / 2));
        let mine = Claim::of_ids(&token, now, until, self.journal.keys_before.clone());
        self.journal.claim = Some(mine.token().to_string());
        self.save()?;
        match claim::take(aws, user, &mine)? {
            Taken::Mine(claimed) => Ok(claimed),
            Taken::Theirs(c) => Err(busy(&c, "at the same moment, another")),
            Taken::Removed => Err(Error::Refused(format!(
                "the claim on IAM user {} was removed as soon as it was set (another rotation?): nothing was created",
                super::session::shown(user)
            ))),
        }
    }

    /// The new key's ID as IAM returned it, once it did.
    pub fn created_key(&self) -> Option<&str> {
        self.journal.created_key.as_deref()
    }

    /// Writes the credentials (one per region, the first region's first)
    /// into a store, found as `before` when the rotation began. What each write made is journaled as AWS returns
    /// it, so a failure half-way is undone too.
    ///
    /// # Errors
    /// [`Error::Refused`] when AWS refuses a write; [`Error::IoFrom`] when
    /// the journal cannot be written.
    pub fn store(
        &mut self,
        _made: &KeyMade,
        store: &Store,
        before: Before,
        items: &[Derived],
    ) -> Result<()> {
        let Rotation {
            session,
            user,
            journal,
            file,
        } = self;
        store::write::write(session, store, before, items, user, &mut |made| {
            journal.made.push(made);
            match file {
                Some((f, held)) => f.save(held, journal),
                None => Ok(()),
            }
        })
    }

    /// Every store is written: the credentials are being delivered. A run
    /// that ends from here on without committing is settled by
    /// [`recover`] as delivered if every store still holds what it wrote.
    ///
    /// # Errors
    /// [`Error::IoFrom`] when the journal cannot be written.
    pub fn stored(&mut self, _made: KeyMade) -> Result<Stored> {
        self.journal.stored = true;
        self.save()?;
        Ok(Stored(()))
    }

    /// The credentials are delivered: nothing is to be undone any more. The
    /// journal is marked so, then removed.
    ///
    /// # Errors
    /// [`Error::IoFrom`] when the journal can be neither marked nor
    /// removed (a full disk, a read-only directory); the rotation itself
    /// stands, and `recover` on that journal only removes it once it
    /// finds every store holding what this run wrote.
    pub fn commit(mut self, _stored: Stored) -> Result<()> {
        // Test builds only: tests/aws/provable.rs stands in a full disk
        // that takes neither the mark nor the removal.
        ses_smtp_credentials::test_hook! {
            if std::env::var_os("SES_SMTP_PASSWORD_TEST_JOURNAL_FULL").is_some() {
                return Err(Error::io("could not write the rotation journal")(
                    std::io::Error::from_raw_os_error(28),
                ));
            }
        }
        self.journal.committed = true;
        let marked = self.save();
        recover::drop_claim(&self.session.to_completion(), &self.user, &self.journal);
        let Some((f, _held)) = &self.file else {
            return Ok(());
        };
        match (marked, f.remove()) {
            (_, Ok(())) => Ok(()),
            (Err(e), Err(_)) | (Ok(()), Err(e)) => Err(e),
        }
    }

    /// Undoes what this run provably made, latest first, the new key last
    /// (see [`recover::undo`]), calling `step` with each outcome as it
    /// happens. Its calls run to completion, whatever the session's
    /// `stop` says ([`Session::to_completion`]).
    ///
    /// The journal file is removed once every step ran, and kept
    /// otherwise, for [`recover`].
    pub fn undo(self, step: &mut dyn FnMut(&recover::UndoEvent)) -> Undone {
        let key = self.created_key().map(user_text);
        let session = self.session.to_completion();
        let report = recover::undo(&session, &self.user, &self.journal, step);
        recover::drop_claim(&session, &self.user, &self.journal);
        let mut undone = Undone {
            report,
            key,
            journal_error: None,
        };
        if undone.complete()
            && let Some((f, _held)) = &self.file
        {
            undone.journal_error = f.remove().err();
        }
        undone
    }
}
