//! The journal of a rotation under way, so that an uncatchable kill
//! (`kill -9`, a power cut) is survivable: what the user's keys and every
//! store were before anything was made, and what the run made, each as AWS
//! returned it (the key's ID, the version put, the parameter versions
//! written, the ARN of a secret it created). It holds IDs and version
//! numbers only: never a secret, never a password.
//!
//! As a file ([`JournalFile`]) it is also the lock: one rotation of a user
//! at a time on this machine. It is created with `O_EXCL` (a second run
//! finds it and stops), held with `flock` for the whole run, and records
//! the holder's pid and boot ID; every rewrite goes through a new
//! `O_EXCL | O_NOFOLLOW` file, locked before it is renamed into place.
//! What is found with no live holder is an unfinished rotation, which
//! [`recover`](super::recover) finishes, acting only on what the journal
//! proves the run made.
//!
//! A journal is trusted only as a regular file of at most [`MAX_BYTES`],
//! owned by this user, mode 0600, in a directory owned by this user with
//! no access for others (0700); anything else is refused, never followed
//! or read without bound.

mod file;
mod record;

pub use file::{Found, Held, Holder, JournalFile, MAX_BYTES, boot_id};
pub use record::{CreateCall, Journal, Made, StoreBefore, now, running, unfinished};
