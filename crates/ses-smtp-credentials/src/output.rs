//! Rendering derived credentials as text, JSON, shell assignments or the
//! bare password.
//!
//! Output is rendered into a [`FixedBuf`]: a zeroizing buffer whose capacity
//! is fixed up front and that refuses to grow, so the password is never left
//! behind in a reallocated copy.

use crate::derive::{SmtpPassword, Version};
use crate::input::AccessKeyId;
use crate::region::{ResolvedRegion, STARTTLS_PORTS, TLS_WRAPPER_PORTS};
use serde::Serialize;
use std::io::{self, Write};
use zeroize::Zeroizing;

/// One derived credential pair.
#[derive(Debug)]
pub struct Derived {
    pub username: Option<AccessKeyId>,
    pub password: SmtpPassword,
    pub region: ResolvedRegion,
    pub version: Version,
}

/// The `--format` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Env,
    Password,
    /// `smtp://USER:PASS@HOST:587` (STARTTLS), password percent-encoded.
    SmtpUrl,
    /// `smtps://USER:PASS@HOST:465` (implicit TLS).
    SmtpsUrl,
    /// Postfix `sasl_passwd`: `[HOST]:587 USER:PASS`.
    Postfix,
}

impl Format {
    /// Whether the format can hold more than one region.
    pub fn holds_several(self) -> bool {
        !matches!(self, Format::Env | Format::Password)
    }

    /// Whether the format is useless without the SMTP user name.
    pub fn needs_username(self) -> bool {
        matches!(self, Format::SmtpUrl | Format::SmtpsUrl | Format::Postfix)
    }
}

/// Characters left as they are in a URL's user information: RFC 3986's
/// unreserved set. Everything else (notably `+`, `/` and `=`) is encoded.
const USERINFO: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Writes `text` percent-encoded for a URL's user information, piece by
/// piece, so no unwiped copy is made.
fn write_urlencoded(out: &mut FixedBuf, text: &str) -> io::Result<()> {
    for piece in percent_encoding::utf8_percent_encode(text, USERINFO) {
        out.write_all(piece.as_bytes())?;
    }
    Ok(())
}

/// A write-only buffer of fixed capacity that wipes itself on drop.
pub struct FixedBuf(Zeroizing<Vec<u8>>);

impl FixedBuf {
    pub fn with_capacity(capacity: usize) -> Self {
        FixedBuf(Zeroizing::new(Vec::with_capacity(capacity)))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl Write for FixedBuf {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.0.len() + buf.len() > self.0.capacity() {
            // Growing would copy the contents and free the old block unwiped.
            return Err(io::Error::other("output buffer is full"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Room for one region's rendering in any format; generous on purpose.
const PER_REGION: usize = 1024;

/// Renders `items` in `format`. `source` says where the secret came from,
/// for the text format.
pub fn render(format: Format, items: &[Derived], source: &str) -> io::Result<FixedBuf> {
    // The text format repeats the source's description (a path or profile
    // name of any length) once per region.
    let mut out = FixedBuf::with_capacity((PER_REGION + source.len()) * (items.len() + 1));
    match format {
        Format::Text => text(&mut out, items, source)?,
        Format::Json => json(&mut out, items)?,
        Format::Env => {
            for d in items {
                env(&mut out, d)?;
            }
        }
        Format::Password => {
            for d in items {
                out.write_all(d.password.expose().as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
        Format::SmtpUrl | Format::SmtpsUrl => {
            let (scheme, port) = if format == Format::SmtpUrl {
                ("smtp", STARTTLS_PORTS[0])
            } else {
                ("smtps", TLS_WRAPPER_PORTS[0])
            };
            for d in items {
                write!(out, "{scheme}://")?;
                write_urlencoded(&mut out, username(d)?)?;
                out.write_all(b":")?;
                write_urlencoded(&mut out, d.password.expose())?;
                writeln!(out, "@{}:{port}", d.region.host())?;
            }
        }
        Format::Postfix => {
            for d in items {
                write!(
                    out,
                    "[{}]:{} {}:",
                    d.region.host(),
                    STARTTLS_PORTS[0],
                    username(d)?
                )?;
                out.write_all(d.password.expose().as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
    }
    Ok(out)
}

fn username(d: &Derived) -> io::Result<&str> {
    d.username
        .as_ref()
        .map(AccessKeyId::as_str)
        .ok_or_else(|| io::Error::other("the access key ID is unknown"))
}

/// Why a `--template` could not be filled. Positions only: the template
/// may be a credentials file passed by mistake, so its text is never shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateError {
    /// `{name}` with a name that is not a placeholder, at this position.
    Unknown {
        line: usize,
        column: usize,
    },
    /// A `{` with no `}` on the same line.
    Unclosed {
        line: usize,
        column: usize,
    },
    NeedsUsername,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TemplateError::Unknown { line, column } => write!(
                f,
                "unknown placeholder at line {line}, column {column}\n  hint: the placeholders are {{username}}, {{password}}, {{password_urlencoded}}, {{host}}, {{port}} and {{region}}; write {{{{ and }}}} for literal braces"
            ),
            TemplateError::Unclosed { line, column } => write!(
                f,
                "the {{ at line {line}, column {column} is not closed on its line\n  hint: write {{{{ for a literal brace"
            ),
            TemplateError::NeedsUsername => write!(
                f,
                "the template uses {{username}} but the access key ID is unknown\n  hint: pass --access-key-id"
            ),
        }
    }
}

impl std::error::Error for TemplateError {}

/// Walks a template, handing each piece of output to `emit`: literal text,
/// braces, and the placeholders' values.
fn fill_template(
    template: &str,
    d: &Derived,
    emit: &mut dyn FnMut(&[u8]),
) -> Result<(), TemplateError> {
    let mut rest = template;
    // Line and column (in characters) of the start of `rest`.
    let (mut line, mut column) = (1, 1);
    let advance = |text: &str, line: &mut usize, column: &mut usize| {
        for c in text.chars() {
            if c == '\n' {
                *line += 1;
                *column = 1;
            } else {
                *column += 1;
            }
        }
    };
    while let Some(i) = rest.find(['{', '}']) {
        let (before, at) = rest.split_at(i);
        emit(before.as_bytes());
        advance(before, &mut line, &mut column);
        let literal = if at.starts_with("{{") {
            Some(("{", 2))
        } else if at.starts_with("}}") {
            Some(("}", 2))
        } else if at.starts_with('}') {
            Some(("}", 1))
        } else {
            None
        };
        if let Some((brace, len)) = literal {
            emit(brace.as_bytes());
            column += len;
            rest = &at[len..];
            continue;
        }
        let Some(end) = at.find(['}', '\n']).filter(|&e| at.as_bytes()[e] == b'}') else {
            return Err(TemplateError::Unclosed { line, column });
        };
        match &at[1..end] {
            "username" => {
                let id = d.username.as_ref().ok_or(TemplateError::NeedsUsername)?;
                emit(id.as_str().as_bytes());
            }
            "password" => emit(d.password.expose().as_bytes()),
            "password_urlencoded" => {
                for piece in percent_encoding::utf8_percent_encode(d.password.expose(), USERINFO) {
                    emit(piece.as_bytes());
                }
            }
            "host" => emit(d.region.host().as_bytes()),
            "port" => emit(STARTTLS_PORTS[0].to_string().as_bytes()),
            "region" => emit(d.region.code.as_bytes()),
            _ => return Err(TemplateError::Unknown { line, column }),
        }
        advance(&at[..=end], &mut line, &mut column);
        rest = &at[end + 1..];
    }
    emit(rest.as_bytes());
    Ok(())
}

/// Fills a user template. `{{` and `}}` are literal braces. The output
/// buffer is sized exactly by a first pass, so it grows with the output,
/// never with the number of braces.
pub fn render_template(template: &str, d: &Derived) -> Result<FixedBuf, TemplateError> {
    let mut len = 0;
    fill_template(template, d, &mut |piece| len += piece.len())?;
    let mut out = FixedBuf::with_capacity(len);
    let mut full = false;
    fill_template(template, d, &mut |piece| {
        full |= out.write_all(piece).is_err();
    })?;
    debug_assert!(!full, "the first pass sized the buffer");
    Ok(out)
}

fn ports(list: &[u16]) -> String {
    let parts: Vec<String> = list.iter().map(u16::to_string).collect();
    parts.join(", ")
}

fn text(out: &mut FixedBuf, items: &[Derived], source: &str) -> io::Result<()> {
    for (i, d) in items.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let name = d
            .region
            .known
            .map(|r| r.name)
            .unwrap_or("not in this tool's table");
        writeln!(
            out,
            "Amazon SES SMTP credentials for {} ({name})",
            d.region.code
        )?;
        match &d.username {
            Some(id) => writeln!(out, "  SMTP username:   {id}")?,
            None => writeln!(
                out,
                "  SMTP username:   unknown: the input carried no access key ID; use the AKIA… ID of this secret's key (--access-key-id)"
            )?,
        }
        write!(out, "  SMTP password:   ")?;
        out.write_all(d.password.expose().as_bytes())?;
        if d.version == Version::V2 {
            write!(out, "  (version 2: deprecated, rejected by SES)")?;
        }
        writeln!(out)?;
        writeln!(out, "  SMTP host:       {}", d.region.host())?;
        if let Some(fips) = d.region.fips_host() {
            writeln!(out, "  FIPS host:       {fips}")?;
        }
        writeln!(out, "  STARTTLS ports:  {}", ports(&STARTTLS_PORTS))?;
        writeln!(
            out,
            "  TLS ports:       {} (TLS wrapper, implicit TLS)",
            ports(&TLS_WRAPPER_PORTS)
        )?;
        writeln!(out, "  Secret from:     {source}")?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonPorts {
    starttls: [u16; 3],
    tls_wrapper: [u16; 2],
}

#[derive(Serialize)]
struct JsonItem<'a> {
    username: Option<&'a str>,
    password: &'a str,
    region: &'a str,
    endpoint: String,
    fips_endpoint: Option<String>,
    ports: JsonPorts,
    version: u8,
}

fn json(out: &mut FixedBuf, items: &[Derived]) -> io::Result<()> {
    let rows: Vec<JsonItem<'_>> = items
        .iter()
        .map(|d| JsonItem {
            username: d.username.as_ref().map(AccessKeyId::as_str),
            password: d.password.expose(),
            region: &d.region.code,
            endpoint: d.region.host(),
            fips_endpoint: d.region.fips_host(),
            ports: JsonPorts {
                starttls: STARTTLS_PORTS,
                tls_wrapper: TLS_WRAPPER_PORTS,
            },
            version: d.version.number(),
        })
        .collect();
    match rows.as_slice() {
        [one] => serde_json::to_writer_pretty(&mut *out, one)?,
        many => serde_json::to_writer_pretty(&mut *out, many)?,
    }
    writeln!(out)
}

/// Single-quotes `value` for POSIX sh, so `eval` and `.` are safe whatever
/// it holds.
pub fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

fn env(out: &mut FixedBuf, d: &Derived) -> io::Result<()> {
    if let Some(id) = &d.username {
        writeln!(out, "SMTP_USERNAME={}", sh_quote(id.as_str()))?;
    }
    // The password is base64 (no quote inside), so it is written straight
    // into the buffer without an intermediate String.
    write!(out, "SMTP_PASSWORD='")?;
    out.write_all(d.password.expose().as_bytes())?;
    writeln!(out, "'")?;
    writeln!(out, "SMTP_HOST={}", sh_quote(&d.region.host()))?;
    writeln!(
        out,
        "SMTP_PORT={}",
        sh_quote(&STARTTLS_PORTS[0].to_string())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_buf_refuses_to_grow() {
        let mut b = FixedBuf::with_capacity(4);
        b.write_all(b"abcd").unwrap();
        assert!(b.write_all(b"e").is_err());
        assert_eq!(b.as_bytes(), b"abcd");
    }

    #[test]
    fn quoting() {
        assert_eq!(sh_quote("a'b"), r"'a'\''b'");
        assert_eq!(sh_quote("$(x)"), "'$(x)'");
    }
}
