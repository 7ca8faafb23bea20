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
}

impl Format {
    /// Whether the format can hold more than one region.
    pub fn holds_several(self) -> bool {
        matches!(self, Format::Text | Format::Json)
    }
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
    let mut out = FixedBuf::with_capacity(PER_REGION * (items.len() + 1));
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
    }
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
