//! Output pieces more than one command uses: rendering the credentials in
//! the settled shape, and delivering them (`--out` or standard output).

use crate::error::{CliError, CliResult};
use crate::settle::{Destination, OutputShape};
use crate::terminal::write_stdout;
use ses_smtp_credentials::user_path;
use ses_smtp_credentials::{Derived, FixedBuf, Format};
use std::io::Write;

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
