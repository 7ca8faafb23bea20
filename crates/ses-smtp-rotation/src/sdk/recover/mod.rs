//! The undo of a rotation, from its journal: by the run itself when a step
//! fails, and by `rotate --recover` after a kill. It acts only on what the
//! journal proves the run made, each thing by the ID AWS returned for it,
//! and only while AWS still shows that thing as the run left it; whatever
//! changed since (a key deleted by hand, a newer rotation's key or
//! version, a secret the run never got an ARN for) is left, and named.
//! Each step compares AWS now with the journal, so running it twice is
//! safe.
//!
//! Where an orphan key and a key wrongly deleted pull against each other,
//! leaving the key and naming it wins: a key the run cannot prove its own
//! is never deleted, and neither is the run's own key while a store may
//! still name it.

mod report;
mod stores;
mod undo;

pub use report::{Left, Report, UndoEvent};
pub use stores::delivered;
pub use undo::{drop_claim, undo};
