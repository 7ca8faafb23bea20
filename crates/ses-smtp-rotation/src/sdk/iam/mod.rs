//! The IAM calls: a user's access keys with when they were last used, and
//! creating, deactivating and deleting one. A new key's secret goes from
//! the SDK's response straight into a zeroizing buffer; the response's own
//! string is wiped.

mod calls;
mod create;
mod grants;
mod key;

pub use calls::{
    check_user, deactivate, delete_key, delete_key_if_present, keys, tag_user, untag_user, user_tag,
};
pub use create::{CLOCK_SKEW_SECS, Claimed, Created, LostKey, NewKey, create_key, lost_key};
pub use grants::{Grant, Grants, SENDING_ACTION, grants_sending, sending_grants};
pub use key::{Key, LastUsed, Timestamp};

/// How many access keys IAM allows a user: a rotation needs room for one
/// more than the user has.
pub const KEY_LIMIT: usize = 2;
