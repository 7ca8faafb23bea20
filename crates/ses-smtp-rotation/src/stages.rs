//! Secrets Manager's staging labels that a rotation reads and moves, each
//! written once.

/// The version consumers read.
pub const CURRENT: &str = "AWSCURRENT";
/// The version a rotation is making, until it is tested and made current.
pub const PENDING: &str = "AWSPENDING";
/// The version that was current before the last rotation (its key still
/// works for one period).
pub const PREVIOUS: &str = "AWSPREVIOUS";
