//! Deriving: find the secret, settle the user name and regions, derive,
//! render, write.

use crate::cli::settle::{Derive, Destination, Shape};
use crate::error::{CliError, ExitCode, Result};
use crate::files;
use crate::files::out::Signals;
use crate::source;
use crate::terminal::{warn, write_stdout};
use ses_smtp_credentials::redact::user_path;
use ses_smtp_credentials::region::ResolvedRegion;
use ses_smtp_credentials::{Derived, FixedBuf, Format, Version, derive};
use std::io::Write;

/// The AWS documentation's example key: its password works nowhere.
const EXAMPLE_SECRET: &[u8] = b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

pub fn run(args: Derive) -> Result<ExitCode> {
    let found = source::find_secret(&args.secret, true)?;
    let username = source::settle_username(&found, args.secret.access_key_id.as_deref())?;
    // Test builds only: lets tests/pty.rs prove that a panic with a secret
    // in its payload prints no payload.
    #[cfg(debug_assertions)]
    if std::env::var_os("SES_SMTP_PASSWORD_TEST_PANIC").is_some() {
        panic!(
            "{}",
            String::from_utf8_lossy(found.credentials.secret.expose())
        );
    }
    let regions = args.regions.or_profile(found.profile_region.as_deref())?;
    // Standard input too, whatever it carried: `--out key.txt < key.txt`.
    let mut inputs = found.input_ids.clone();
    inputs.extend(files::stdin_id());
    if let Destination::File { path, .. } = &args.to {
        crate::files::out::check_not_input(path, &inputs)?;
    }
    if args.version == Version::V2 {
        warn(
            "version 2 SMTP passwords are deprecated and SES rejects them; use this only to recognise \
             old credentials, and the default (version 4) for anything new",
        );
    }
    if found.credentials.secret.expose() == EXAMPLE_SECRET {
        warn(
            "this is the example key from the AWS documentation; its password is for trying the tool, and works nowhere",
        );
    }
    if username.is_none() {
        if let Some(message) = args.shape.needs_username() {
            return Err(CliError::Usage(message));
        }
        if matches!(args.shape, Shape::Format(Format::Env)) {
            warn(
                "the access key ID is unknown, so SMTP_USERNAME is left out; pass --access-key-id",
            );
        }
    }
    let items: Vec<Derived> = regions
        .into_iter()
        .map(|region| {
            let password = derive(&found.credentials.secret, args.version, &region.code);
            Derived::new(username.clone(), password, region, args.version)
        })
        .collect();
    let rendered = render(&args.shape, &items, &found.describe())?;
    deliver(&args.to, &rendered, Signals::Die, &inputs)?;
    Ok(ExitCode::Success)
}

/// The output for `items`, in the settled shape (format or template).
pub fn render(shape: &Shape, items: &[Derived], source: &str) -> Result<FixedBuf> {
    let rendered = match shape {
        Shape::Template { template, .. } => template.render(&items[0]),
        Shape::Format(format) => format.render(items, source),
    }
    .map_err(CliError::Render)?;
    if matches!(shape, Shape::Format(Format::Postfix)) {
        postfix_hints(&items[0].region);
    }
    Ok(rendered)
}

/// Writes the output to `--out` (saying so on stderr) or standard output.
/// `inputs`: the files the secret came from, never overwritten.
pub fn deliver(
    to: &Destination,
    rendered: &FixedBuf,
    signals: Signals,
    inputs: &[crate::files::FileId],
) -> Result<()> {
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

fn postfix_hints(region: &ResolvedRegion) {
    let host = region.host();
    let _ = writeln!(
        std::io::stderr(),
        "# /etc/postfix/main.cf settings for this sasl_passwd line:\n\
         relayhost = [{host}]:587\n\
         smtp_sasl_auth_enable = yes\n\
         smtp_sasl_security_options = noanonymous\n\
         smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd\n\
         smtp_tls_security_level = encrypt\n\
         smtp_tls_note_starttls_offer = yes\n\
         # then: chmod 600 /etc/postfix/sasl_passwd && postmap hash:/etc/postfix/sasl_passwd && systemctl reload postfix"
    );
}
