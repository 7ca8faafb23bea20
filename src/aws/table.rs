//! The key table of `keys` and `rotate`, and which stores name which key.

use super::engine::shown;
use ses_smtp_rotation::Store;
use ses_smtp_rotation::sdk::iam::{Key, Timestamp};
use ses_smtp_rotation::sdk::store::Named;

/// The stores whose `username` is key `id`.
pub fn stores_naming(named: &[(Store, Named)], id: &str) -> Vec<String> {
    named
        .iter()
        .filter(|(_, n)| n.current.as_deref() == Some(id))
        .map(|(s, _)| shown(s))
        .collect()
}

/// The secrets whose `AWSPREVIOUS` version names key `id`.
pub fn stores_naming_previous(named: &[(Store, Named)], id: &str) -> Vec<String> {
    named
        .iter()
        .filter(|(_, n)| n.previous.as_deref() == Some(id))
        .map(|(s, _)| shown(s))
        .collect()
}

/// Whether key `k` was used after it stopped being current in one of the
/// stores (and is current in none): a consumer may still be on it. Uses
/// no earlier than `floor` do not count.
pub fn in_use_after_rotation(k: &Key, named: &[(Store, Named)], floor: Timestamp) -> bool {
    let Some(used) = &k.last_used else {
        return false;
    };
    !named
        .iter()
        .any(|(_, n)| n.current.as_deref() == Some(k.id.as_str()))
        && named
            .iter()
            .any(|(_, n)| n.used_after_rotation(&k.id, used.date, floor))
}

/// The keys as a table, one line each; with stores, which names which.
pub fn table(keys: &[Key], named: &[(Store, Named)], now: Timestamp) -> String {
    let mut s = format!(
        "{:<22}{:<10}{:<22}{:<6}{}\n",
        "ACCESS KEY ID", "STATUS", "CREATED", "AGE", "LAST USED"
    );
    if keys.is_empty() {
        s.push_str("(no access keys)\n");
    }
    for k in keys {
        let created = k.created.map_or("-".into(), |c| c.to_string());
        let age = k.age_days(now).map_or("-".into(), |d| format!("{d}d"));
        let mut row = format!(
            "{:<22}{:<10}{:<22}{:<6}{}",
            k.id,
            k.status(),
            created,
            age,
            k.last_used_text()
        );
        // A secret names a key twice over: its AWSCURRENT version (what
        // consumers read) and its AWSPREVIOUS one (kept active by scheduled
        // rotation for one more period).
        let mut marks = Vec::new();
        for (store, n) in named {
            let secret = matches!(store, Store::SecretsManager(_));
            if n.current.as_deref() == Some(k.id.as_str()) {
                marks.push(if secret {
                    format!("{} AWSCURRENT", shown(store))
                } else {
                    shown(store)
                });
            }
            if n.previous.as_deref() == Some(k.id.as_str()) {
                marks.push(format!("{} AWSPREVIOUS", shown(store)));
            }
        }
        if in_use_after_rotation(k, named, Timestamp::from_secs(0)) {
            marks.push("used after the store moved on: a consumer may still be on it".into());
        }
        if !marks.is_empty() {
            row.push_str(&format!("  <- {}", marks.join(", ")));
        }
        s.push_str(&row);
        s.push('\n');
    }
    for (store, n) in named.iter().filter(|(_, n)| n.regions.len() > 1) {
        s.push_str(&format!(
            "{} holds passwords for {}\n",
            shown(store),
            n.regions.join(", ")
        ));
    }
    for (store, Named { current: user, .. }) in named {
        if user
            .as_deref()
            .is_none_or(|u| !keys.iter().any(|k| k.id == u))
        {
            s.push_str(&format!(
                "{} names {}\n",
                shown(store),
                match user {
                    Some(_) => "a key that is not this user's",
                    None => "no key (it does not exist or holds no username)",
                }
            ));
        }
    }
    s
}
