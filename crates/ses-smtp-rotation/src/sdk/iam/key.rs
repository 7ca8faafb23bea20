//! A user's access key as IAM describes it, and the moments it records.

use aws_sdk_iam::primitives::{DateTime, DateTimeFormat};

/// A moment as IAM records it, to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub(super) i64);

impl Timestamp {
    /// `secs` seconds since 1970.
    pub fn from_secs(secs: i64) -> Timestamp {
        Timestamp(secs)
    }

    /// Now.
    pub fn now() -> Timestamp {
        Timestamp(DateTime::from(std::time::SystemTime::now()).secs())
    }

    /// Seconds since 1970.
    pub fn secs(self) -> i64 {
        self.0
    }

    pub(super) fn from_aws(d: DateTime) -> Timestamp {
        Timestamp(d.secs())
    }
}

impl std::fmt::Display for Timestamp {
    /// As IAM shows it, in UTC: `2026-11-20T08:00:00Z`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match DateTime::from_secs(self.0).fmt(DateTimeFormat::DateTime) {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "{}", self.0),
        }
    }
}

/// One access key of a user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// Its ID (made safe to show; a real key ID is unchanged).
    pub id: String,
    /// Whether it is active.
    pub active: bool,
    /// When IAM made it.
    pub created: Option<Timestamp>,
    /// When and where it was last used, if ever.
    pub last_used: Option<LastUsed>,
}

/// Where and when a key was last used (IAM's record).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastUsed {
    /// When.
    pub date: Timestamp,
    /// The service it was used with.
    pub service: String,
    /// The region it was used in.
    pub region: String,
}

impl Key {
    /// `Active` or `Inactive`, as IAM spells it.
    pub fn status(&self) -> &'static str {
        if self.active { "Active" } else { "Inactive" }
    }

    /// Whole days since the key was made.
    pub fn age_days(&self, now: Timestamp) -> Option<i64> {
        self.created.map(|c| (now.0 - c.0).max(0) / 86_400)
    }

    /// "2026-11-20T08:00:00Z (ses, eu-west-1)" or "never".
    pub fn last_used_text(&self) -> String {
        match &self.last_used {
            Some(u) => format!("{} ({}, {})", u.date, u.service, u.region),
            None => "never".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_use_and_age() {
        // 1_700_000_000 is 2023-11-14T22:13:20Z (`date -u -d @1700000000`).
        let key = Key {
            id: "AKIAIOSFODNN7EXAMPLE".into(),
            active: false,
            created: Some(Timestamp::from_aws(DateTime::from_fractional_secs(
                1_700_000_000,
                0.75,
            ))),
            last_used: Some(LastUsed {
                date: Timestamp::from_aws(DateTime::from_secs(1_700_086_405)),
                service: "ses".into(),
                region: "eu-west-1".into(),
            }),
        };
        assert_eq!(
            key.last_used_text(),
            "2023-11-15T22:13:25Z (ses, eu-west-1)"
        );
        assert_eq!(key.status(), "Inactive");
        assert_eq!(
            key.created.map(|c| c.to_string()).as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
        let later = Timestamp(1_700_000_000 + 3 * 86_400 + 1);
        assert_eq!(key.age_days(later), Some(3));
        let never = Key {
            last_used: None,
            created: None,
            ..key
        };
        assert_eq!(never.last_used_text(), "never");
        assert_eq!(never.age_days(later), None);
    }
}
