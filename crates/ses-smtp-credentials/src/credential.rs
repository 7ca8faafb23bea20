//! A derived password with what it was derived for, and the fixed,
//! zeroizing buffer every output is rendered into.

use crate::derive::{SmtpPassword, Version};
use crate::input::AccessKeyId;
use crate::region::ResolvedRegion;
use std::fmt;
use std::io::{self, Write};
use zeroize::Zeroizing;

/// One derived credential pair, with what it is for.
#[derive(Debug)]
#[non_exhaustive]
pub struct Derived {
    /// The SMTP user name (the access key ID), when known.
    pub username: Option<AccessKeyId>,
    /// The SMTP password.
    pub password: SmtpPassword,
    /// The region it is for.
    pub region: ResolvedRegion,
    /// How it was derived.
    pub version: Version,
    /// Where to log in, when a store names it (a VPC endpoint, a relay);
    /// otherwise SES's endpoint of the region, on the standard ports.
    pub endpoint: Option<(String, u16)>,
}

impl Derived {
    /// Puts the pieces together.
    pub fn new(
        username: Option<AccessKeyId>,
        password: SmtpPassword,
        region: ResolvedRegion,
        version: Version,
    ) -> Self {
        Derived {
            username,
            password,
            region,
            version,
            endpoint: None,
        }
    }

    /// The same, to be used at `host` and `port` (what a store names).
    pub fn at(mut self, host: String, port: u16) -> Self {
        self.endpoint = Some((host, port));
        self
    }

    /// The SMTP host: the endpoint's, else the region's.
    pub fn host(&self) -> String {
        match &self.endpoint {
            Some((host, _)) => host.clone(),
            None => self.region.host(),
        }
    }

    /// The SMTP port: the endpoint's, else the first standard one
    /// (implicit TLS, or STARTTLS).
    pub fn port(&self, implicit_tls: bool) -> u16 {
        match (&self.endpoint, implicit_tls) {
            (Some((_, port)), _) => *port,
            (None, true) => crate::region::TLS_WRAPPER_PORTS[0],
            (None, false) => crate::region::STARTTLS_PORTS[0],
        }
    }
}

/// Why rendering failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RenderError {
    /// The format or template needs the SMTP user name, and it is unknown.
    NeedsUsername,
    /// The output did not fit the buffer sized for it: a bug.
    Overflow,
    /// Items that must be one key's passwords for several regions are not
    /// (user names that differ, a region twice, none at all): a bug.
    NotOneKey,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::NeedsUsername => {
                f.write_str("the SMTP user name is needed, and the access key ID is unknown")
            }
            RenderError::Overflow => {
                f.write_str("the output outgrew its buffer (a bug; please report it)")
            }
            RenderError::NotOneKey => f.write_str(
                "the passwords to write are not one access key's, one per region (a bug; please report it)",
            ),
        }
    }
}

impl std::error::Error for RenderError {}

/// Counts what would be written, to size the buffer exactly.
pub(crate) struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A write-only buffer of fixed capacity that wipes itself on drop.
pub struct FixedBuf(Zeroizing<Vec<u8>>);

impl FixedBuf {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        FixedBuf(Zeroizing::new(Vec::with_capacity(capacity)))
    }

    /// Renders what `write` writes into a buffer sized up front: `write`
    /// runs twice, once to count, once into a buffer of exactly that size,
    /// so the buffer never grows (growing would leave a copy unwiped).
    ///
    /// # Errors
    /// [`RenderError::Overflow`] when `write` fails, or writes more the
    /// second time than the first.
    pub fn render(
        write: impl Fn(&mut dyn Write) -> io::Result<()>,
    ) -> Result<FixedBuf, RenderError> {
        let mut count = Counter(0);
        write(&mut count).map_err(|_| RenderError::Overflow)?;
        let mut out = FixedBuf::with_capacity(count.0);
        write(&mut out).map_err(|_| RenderError::Overflow)?;
        Ok(out)
    }

    /// What was rendered. Keep the borrow short: it holds the password.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for FixedBuf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FixedBuf({} bytes, redacted)", self.0.len())
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
