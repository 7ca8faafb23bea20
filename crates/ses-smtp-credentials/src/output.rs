//! Rendering derived credentials: the formats (text, JSON, shell
//! assignments, the bare password, SMTP URLs, a Postfix line) and user
//! templates.
//!
//! Output is rendered into a [`FixedBuf`]: a zeroizing buffer sized exactly
//! by a first, counting pass, that refuses to grow, so the password is never
//! left behind in a reallocated copy.
//!
//! ```
//! use ses_smtp_credentials::{derive_v4, region, Derived, Format, SecretKey, Version};
//! let secret = SecretKey::from_bytes(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
//! let region = region::resolve("us-east-1", false).unwrap();
//! let item = Derived::new(None, derive_v4(&secret, &region.code), region, Version::V4);
//! let out = Format::Password.render(&[item], "standard input").unwrap();
//! assert_eq!(out.as_bytes(), b"BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9\n");
//! ```

use crate::credential::{Derived, FixedBuf, RenderError};
use crate::derive::Version;
use crate::input::AccessKeyId;
use crate::region::{STARTTLS_PORTS, TLS_WRAPPER_PORTS};
use serde::Serialize;
use std::fmt;
use std::io::{self, Write};

/// The output formats. [`Format::ALL`] lists them, [`Format::name`] is the
/// name the command line uses: one table, so a new format is one new row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// For a person: user name, password, host, ports, region.
    Text,
    /// One object, or an array for several regions.
    Json,
    /// `SMTP_USERNAME=`, `SMTP_PASSWORD=`, `SMTP_HOST=`, `SMTP_PORT=` lines,
    /// quoted for sh.
    Env,
    /// The password alone.
    Password,
    /// `smtp://USER:PASS@HOST:587` (STARTTLS), percent-encoded.
    SmtpUrl,
    /// `smtps://USER:PASS@HOST:465` (implicit TLS), percent-encoded.
    SmtpsUrl,
    /// Postfix `sasl_passwd`: `[HOST]:587 USER:PASS`.
    Postfix,
}

/// (format, name, one-line description), in the order help lists them.
const FORMATS: [(Format, &str, &str); 7] = [
    (
        Format::Text,
        "text",
        "For a person: user name, password, host, ports, region",
    ),
    (
        Format::Json,
        "json",
        "One object, or an array for several regions",
    ),
    (
        Format::Env,
        "env",
        "SMTP_USERNAME=, SMTP_PASSWORD=, SMTP_HOST=, SMTP_PORT= lines, quoted for sh",
    ),
    (Format::Password, "password", "The password alone"),
    (
        Format::SmtpUrl,
        "smtp-url",
        "smtp://USER:PASS@HOST:587 (STARTTLS), percent-encoded for DSNs",
    ),
    (
        Format::SmtpsUrl,
        "smtps-url",
        "smtps://USER:PASS@HOST:465 (implicit TLS), percent-encoded",
    ),
    (
        Format::Postfix,
        "postfix",
        "A Postfix sasl_passwd line; main.cf settings go to stderr",
    ),
];

impl Format {
    /// Every format, in the order help lists them.
    pub const ALL: &'static [Format] = &[
        Format::Text,
        Format::Json,
        Format::Env,
        Format::Password,
        Format::SmtpUrl,
        Format::SmtpsUrl,
        Format::Postfix,
    ];

    fn row(self) -> &'static (Format, &'static str, &'static str) {
        FORMATS
            .iter()
            .find(|(f, ..)| *f == self)
            .expect("every format has a row")
    }

    /// The name the command line uses (`smtp-url`).
    pub fn name(self) -> &'static str {
        self.row().1
    }

    /// One line saying what the format holds.
    pub fn description(self) -> &'static str {
        self.row().2
    }

    /// The format of that name.
    pub fn from_name(name: &str) -> Option<Format> {
        FORMATS
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(f, ..)| *f)
    }

    /// Whether the format can hold more than one region.
    pub fn holds_several(self) -> bool {
        !matches!(self, Format::Env | Format::Password)
    }

    /// Whether the format is useless without the SMTP user name.
    pub fn needs_username(self) -> bool {
        matches!(self, Format::SmtpUrl | Format::SmtpsUrl | Format::Postfix)
    }

    /// Renders `items` in this format. `source` says where the secret came
    /// from, for the text format.
    ///
    /// # Errors
    /// [`RenderError::NeedsUsername`] when the format needs the SMTP user
    /// name and an item has none.
    pub fn render(self, items: &[Derived], source: &str) -> Result<FixedBuf, RenderError> {
        if self.needs_username() && items.iter().any(|d| d.username.is_none()) {
            return Err(RenderError::NeedsUsername);
        }
        FixedBuf::render(|out| write_format(self, out, items, source))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Characters left as they are in a URL's user information: RFC 3986's
/// unreserved set. Everything else (notably `+`, `/` and `=`) is encoded.
pub(crate) const USERINFO: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Writes `text` percent-encoded for a URL's user information, piece by
/// piece, so no unwiped copy is made.
pub(crate) fn write_urlencoded(out: &mut dyn Write, text: &str) -> io::Result<()> {
    for piece in percent_encoding::utf8_percent_encode(text, USERINFO) {
        out.write_all(piece.as_bytes())?;
    }
    Ok(())
}

/// The user name of an item that [`Format::render`] checked has one.
pub(crate) fn username(d: &Derived) -> &str {
    d.username.as_ref().map_or("", AccessKeyId::as_str)
}

fn write_format(
    format: Format,
    out: &mut dyn Write,
    items: &[Derived],
    source: &str,
) -> io::Result<()> {
    match format {
        Format::Text => text(out, items, source)?,
        Format::Json => json(out, items)?,
        Format::Env => {
            for d in items {
                env(out, d)?;
            }
        }
        Format::Password => {
            for d in items {
                out.write_all(d.password.expose().as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
        Format::SmtpUrl | Format::SmtpsUrl => {
            let (scheme, implicit) = if format == Format::SmtpUrl {
                ("smtp", false)
            } else {
                ("smtps", true)
            };
            for d in items {
                let port = d.port(implicit);
                write!(out, "{scheme}://")?;
                write_urlencoded(out, username(d))?;
                out.write_all(b":")?;
                write_urlencoded(out, d.password.expose())?;
                writeln!(out, "@{}:{port}", d.host())?;
            }
        }
        Format::Postfix => {
            for d in items {
                write!(out, "[{}]:{} {}:", d.host(), d.port(false), username(d))?;
                out.write_all(d.password.expose().as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
    }
    Ok(())
}

fn ports(list: &[u16]) -> String {
    let parts: Vec<String> = list.iter().map(u16::to_string).collect();
    parts.join(", ")
}

fn text(out: &mut dyn Write, items: &[Derived], source: &str) -> io::Result<()> {
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
                "  SMTP username:   unknown: the input carried no access key ID; use the AKIA… ID of this secret's key"
            )?,
        }
        write!(out, "  SMTP password:   ")?;
        out.write_all(d.password.expose().as_bytes())?;
        if d.version == Version::V2 {
            write!(out, "  (version 2: deprecated, rejected by SES)")?;
        }
        writeln!(out)?;
        writeln!(out, "  SMTP host:       {}", d.host())?;
        if let Some((_, port)) = &d.endpoint {
            writeln!(out, "  SMTP port:       {port}")?;
        }
        if let Some(fips) = d.region.fips_host() {
            writeln!(out, "  FIPS host:       {fips}")?;
        }
        writeln!(out, "  STARTTLS ports:  {}", ports(STARTTLS_PORTS))?;
        writeln!(
            out,
            "  TLS ports:       {} (TLS wrapper, implicit TLS)",
            ports(TLS_WRAPPER_PORTS)
        )?;
        writeln!(out, "  Secret from:     {source}")?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonPorts {
    starttls: &'static [u16],
    tls_wrapper: &'static [u16],
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

fn json(out: &mut dyn Write, items: &[Derived]) -> io::Result<()> {
    let rows: Vec<JsonItem<'_>> = items
        .iter()
        .map(|d| JsonItem {
            username: d.username.as_ref().map(AccessKeyId::as_str),
            password: d.password.expose(),
            region: &d.region.code,
            endpoint: d.host(),
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
pub(crate) fn sh_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

fn env(out: &mut dyn Write, d: &Derived) -> io::Result<()> {
    if let Some(id) = &d.username {
        writeln!(out, "SMTP_USERNAME={}", sh_quote(id.as_str()))?;
    }
    // The password is base64 (no quote inside), so it is written straight
    // into the buffer without an intermediate String.
    write!(out, "SMTP_PASSWORD='")?;
    out.write_all(d.password.expose().as_bytes())?;
    writeln!(out, "'")?;
    writeln!(out, "SMTP_HOST={}", sh_quote(&d.host()))?;
    writeln!(out, "SMTP_PORT={}", sh_quote(&d.port(false).to_string()))
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
