//! Output pieces more than one command uses: rendering the credentials in
//! the settled shape, delivering them (`--out` or standard output), and the
//! key table of `keys` and `rotate`.

use crate::error::{CliError, CliResult};
use crate::settle::{Destination, OutputShape};
use crate::terminal::write_stdout;
use ses_smtp_credentials::user_path;
use ses_smtp_credentials::{Derived, FixedBuf, Format};
use std::io::Write;
#[cfg(feature = "aws")]
use {
    crate::aws::shown,
    ses_smtp_rotation::Store,
    ses_smtp_rotation::sdk::iam::{Key, Timestamp},
    ses_smtp_rotation::sdk::store::Named,
};

/// The output for `items`, in the settled shape (format or template).
pub fn render(shape: &OutputShape, items: &[Derived], source: &str) -> CliResult<FixedBuf> {
    let rendered = match shape {
        OutputShape::Template { template, .. } => template.render(&items[0]),
        OutputShape::Format(format) => format.render(items, source),
    }
    .map_err(CliError::Render)?;
    Ok(rendered)
}

/// Where `to` writes: the file, if any.
pub fn out_path(to: &Destination) -> Option<&std::path::Path> {
    match to {
        Destination::File { path, .. } => Some(path),
        Destination::Stdout => None,
    }
}

/// Writes the output to `--out` (saying so on stderr) or standard output.
/// `inputs`: the files the secret came from, never overwritten.
pub fn deliver(
    to: &Destination,
    rendered: &FixedBuf,
    signals: crate::files::out::Signals,
    inputs: &[crate::files::FileId],
) -> CliResult<()> {
    match to {
        Destination::File { path, force } => {
            let mode =
                crate::files::out::write(path, *force, rendered.as_bytes(), signals, inputs)?;
            let _ = writeln!(
                std::io::stderr(),
                "wrote {} (mode {mode:04o})",
                user_path(path)
            );
        }
        Destination::Stdout => write_stdout(rendered.as_bytes())?,
    }
    Ok(())
}

/// With `--format postfix`, the `main.cf` settings for the line on
/// standard error: the relay at `item`'s host and port, the map at `map`
/// (the `--out` file; else Postfix's usual place).
pub fn postfix_hints(shape: &OutputShape, item: &Derived, map: Option<&std::path::Path>) {
    if !matches!(shape, OutputShape::Format(Format::Postfix)) {
        return;
    }
    let map = map.map_or("/etc/postfix/sasl_passwd".into(), user_path);
    let _ = writeln!(
        std::io::stderr(),
        "# /etc/postfix/main.cf settings for this sasl_passwd line:\n\
         relayhost = [{host}]:{port}\n\
         smtp_sasl_auth_enable = yes\n\
         smtp_sasl_security_options = noanonymous\n\
         smtp_sasl_password_maps = hash:{map}\n\
         smtp_tls_security_level = encrypt\n\
         smtp_tls_note_starttls_offer = yes\n\
         # then: chmod 600 {map} && postmap hash:{map} && systemctl reload postfix",
        host = item.host(),
        port = item.port(false),
    );
}

/// The stores whose `username` is key `id`.
#[cfg(feature = "aws")]
pub fn stores_naming(named: &[(Store, Named)], id: &str) -> Vec<String> {
    named
        .iter()
        .filter(|(_, n)| n.current.as_deref() == Some(id))
        .map(|(s, _)| shown(s))
        .collect()
}

/// The secrets whose `AWSPREVIOUS` version names key `id`.
#[cfg(feature = "aws")]
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
#[cfg(feature = "aws")]
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
#[cfg(feature = "aws")]
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
