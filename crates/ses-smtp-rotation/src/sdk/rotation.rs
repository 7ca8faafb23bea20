//! A rotation under way: it owns the journal of what it found and the
//! steps it completed, and undoes them, latest first, the new key last.
//!
//! The order a caller follows:
//!
//! 1. preflight, making nothing: [`iam::check_user`], [`iam::keys`] (IAM
//!    allows two), [`store::before`] for every store;
//! 2. [`Rotation::begin`]: the journal is written before anything is made;
//! 3. [`Rotation::create_key`], then whatever checks the caller makes (an
//!    SMTP login with the new key), then [`Rotation::store`] for each store;
//! 4. [`Rotation::commit`] once the credentials are delivered, or
//!    [`Rotation::undo`] on any failure before that.

use super::error::{Error, Result};
use super::journal::{Journal, JournalFile, now};
use super::session::Session;
use super::store::{self, Before, Undo};
use super::store_write;
use super::{iam, recover};
use crate::{Store, UserName};
use ses_smtp_credentials::Derived;
use ses_smtp_credentials::user_text;

/// A rotation under way (see the module's steps).
#[derive(Debug)]
pub struct Rotation<'s> {
    session: &'s Session,
    user: UserName,
    journal: Journal,
    file: Option<JournalFile>,
    /// The new key's ID as IAM returned it, once it did.
    created: Option<String>,
    /// How to undo each completed store write, in the order done.
    undo: Vec<Undo>,
}

/// What [`Rotation::undo`] did.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Undone {
    /// Each step undone, as a message can show it.
    pub done: Vec<String>,
    /// Each step that could not be undone, and why (the key's with the
    /// command that deletes it by hand).
    pub failed: Vec<String>,
    /// The new key's ID as it may be shown, if IAM returned one.
    pub key: Option<String>,
    /// The journal could not be removed although everything was undone.
    pub journal_error: Option<Error>,
}

impl Undone {
    /// Whether nothing this run made is left.
    pub fn complete(&self) -> bool {
        self.failed.is_empty()
    }
}

impl<'s> Rotation<'s> {
    /// Starts a rotation of `user` in `region`: records the keys it has and
    /// every store as found, and writes the journal to `file` (if any)
    /// before anything is made.
    ///
    /// # Errors
    /// [`Error::IoFrom`] when the journal cannot be written.
    pub fn begin(
        session: &'s Session,
        user: &UserName,
        region: &str,
        keys_before: &[iam::Key],
        stores: &[(&Store, &Before)],
        file: Option<JournalFile>,
    ) -> Result<Rotation<'s>> {
        let journal = Journal {
            user: user.to_string(),
            region: region.to_string(),
            pid: std::process::id(),
            started: now(),
            keys_before: keys_before.iter().map(|k| k.id.clone()).collect(),
            created_key: None,
            stores: stores
                .iter()
                .map(|(s, b)| store::journal_entry(s, b))
                .collect(),
            committed: false,
        };
        let rotation = Rotation {
            session,
            user: user.clone(),
            journal,
            file,
            created: None,
            undo: Vec::new(),
        };
        rotation.save()?;
        Ok(rotation)
    }

    fn save(&self) -> Result<()> {
        match &self.file {
            Some(f) => f.save(&self.journal),
            None => Ok(()),
        }
    }

    /// Creates the new access key and records it (in the journal too)
    /// before anything else can fail.
    ///
    /// # Errors
    /// [`Error::Refused`] when IAM refuses or returns a malformed key;
    /// [`Error::IoFrom`] when the journal cannot be written. Either way,
    /// [`Rotation::undo`] deletes any key IAM made.
    pub fn create_key(&mut self) -> Result<iam::NewKey> {
        let new = iam::create_key(self.session, &self.user, &mut self.created);
        if let Some(id) = &self.created {
            self.journal.created_key = Some(id.clone());
        }
        let new = new?;
        self.save()?;
        Ok(new)
    }

    /// The new key's ID as IAM returned it, once it did.
    pub fn created_key(&self) -> Option<&str> {
        self.created.as_deref()
    }

    /// Writes the credentials into a store, found as `before` when the
    /// rotation began. Each write is recorded as it is done, so a failure
    /// half-way is undone too.
    ///
    /// # Errors
    /// [`Error::Refused`] when AWS refuses a write.
    pub fn store(&mut self, store: &Store, before: Before, item: &Derived) -> Result<()> {
        store_write::write(
            self.session,
            store,
            before,
            item,
            &self.user,
            &mut self.undo,
        )
    }

    /// The credentials are delivered: nothing is to be undone any more. The
    /// journal is marked so, then removed.
    ///
    /// # Errors
    /// [`Error::IoFrom`] when the journal cannot be written or removed; the
    /// rotation itself stands.
    pub fn commit(mut self) -> Result<()> {
        self.journal.committed = true;
        self.save()?;
        match &self.file {
            Some(f) => f.remove(),
            None => Ok(()),
        }
    }

    /// Undoes every completed step, latest first, the new key last, calling
    /// `step` with each one's outcome as it happens (`Ok`: undone; `Err`: not
    /// undone, and why). Calls run to completion: set no
    /// [`Session::abort_when`] for the undo.
    ///
    /// When IAM returned no key, a timeout or an interruption may still
    /// have cut `CreateAccessKey` off after IAM made one: the journal
    /// settles it (a key the user has that it did not have before is this
    /// run's, and is deleted).
    ///
    /// The journal file is removed once everything is undone, and kept
    /// otherwise, for [`recover`].
    pub fn undo(self, step: &mut dyn FnMut(Result<&str, &str>)) -> Undone {
        let mut undone = Undone {
            key: self.created.as_deref().map(user_text),
            ..Undone::default()
        };
        match &self.created {
            None => {
                let (done, failed) = recover::undo(self.session, &self.user, &self.journal);
                done.iter().for_each(|d| step(Ok(d)));
                failed.iter().for_each(|f| step(Err(f)));
                undone.done = done;
                undone.failed = failed;
            }
            Some(raw_key) => {
                for u in self.undo.into_iter().rev() {
                    match store_write::undo(self.session, u) {
                        Ok(done) => {
                            step(Ok(&done));
                            undone.done.push(done);
                        }
                        Err(e) => {
                            let e = e.to_string();
                            step(Err(&e));
                            undone.failed.push(e);
                        }
                    }
                }
                let key = user_text(raw_key);
                match iam::delete_key(self.session, &self.user, raw_key) {
                    Ok(()) => {
                        let done = format!("deleted the new access key {key}");
                        step(Ok(&done));
                        undone.done.push(done);
                    }
                    Err(e) => {
                        let e = format!(
                            "{e}\n  delete it by hand: aws iam delete-access-key --user-name {} --access-key-id {key}",
                            super::session::shown(&self.user)
                        );
                        step(Err(&e));
                        undone.failed.push(e);
                    }
                }
            }
        }
        if undone.complete()
            && let Some(f) = &self.file
        {
            undone.journal_error = f.remove().err();
        }
        undone
    }
}
