//! What an undo did, left and could not do.

use crate::sdk::error::Error;
use crate::sdk::iam::Timestamp;

/// One outcome of the undo, as it happens.
#[derive(Debug)]
pub enum UndoEvent {
    /// Undone (or found already as before).
    Done(String),
    /// Deliberately left as it is: not provably this run's, or changed
    /// since.
    Left(Left),
    /// Could not be undone, and why.
    Failed(String),
}

/// Something the undo left as it is, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Left {
    /// An access key (made safe to show), when IAM made it, and why it is
    /// left. The caller adds how to delete it once it is known unused.
    Key {
        /// Its ID.
        id: String,
        /// When IAM made it.
        created: Option<Timestamp>,
        /// Why it is left.
        why: String,
    },
    /// A store, or one of its parameters or labels, and why.
    Store(String),
}

impl std::fmt::Display for Left {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Left::Key { id, created, why } => match created {
                Some(c) => write!(f, "access key {id} (created {c}): {why}"),
                None => write!(f, "access key {id}: {why}"),
            },
            Left::Store(s) => f.write_str(s),
        }
    }
}

/// What the undo did, left and could not do.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct Report {
    /// Each step undone.
    pub done: Vec<String>,
    /// Each thing left as it is, on purpose.
    pub left: Vec<Left>,
    /// Each step that failed, and why.
    pub failed: Vec<String>,
}

pub(crate) struct Out<'a> {
    pub(crate) report: Report,
    pub(crate) step: &'a mut dyn FnMut(&UndoEvent),
}

impl Out<'_> {
    pub(crate) fn done(&mut self, s: String) {
        (self.step)(&UndoEvent::Done(s.clone()));
        self.report.done.push(s);
    }
    pub(crate) fn left(&mut self, l: Left) {
        (self.step)(&UndoEvent::Left(l.clone()));
        self.report.left.push(l);
    }
    pub(crate) fn failed(&mut self, e: &Error) {
        let s = e.to_string();
        (self.step)(&UndoEvent::Failed(s.clone()));
        self.report.failed.push(s);
    }
}
