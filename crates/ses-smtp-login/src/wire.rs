//! The wire under the SMTP dialogue: the connection (plain, then TLS),
//! replies, why a step stopped, and how a server's text is made safe to show.

use super::tls::describe_tls;
use rustls::{ClientConnection, StreamOwned};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

pub(super) enum Conn {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
    /// Only while the plain stream moves into TLS.
    Moving,
}

pub(super) fn moving() -> io::Error {
    io::Error::other("the connection is being upgraded")
}

impl Conn {
    pub(super) fn set_read_timeout(&self, timeout: Duration) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.set_read_timeout(Some(timeout)),
            Conn::Tls(s) => s.sock.set_read_timeout(Some(timeout)),
            Conn::Moving => Err(moving()),
        }
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
            Conn::Moving => Err(moving()),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
            Conn::Moving => Err(moving()),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
            Conn::Moving => Err(moving()),
        }
    }
}

/// One SMTP reply: its code, its lines as sent (for reading capabilities),
/// and its text as it may be shown (credentials masked, controls replaced,
/// cut to a display length).
pub(super) struct Reply {
    pub code: u16,
    pub lines: Vec<String>,
    pub text: String,
}

/// Why a step stopped early.
pub(super) enum Stop {
    Io(io::Error),
    Tls(String),
    Protocol(String),
    Reply(Reply),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        // rustls reports certificate and handshake failures as I/O errors
        // that wrap a rustls::Error.
        if let Some(inner) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
            return Stop::Tls(describe_tls(inner));
        }
        Stop::Io(e)
    }
}

pub(super) fn timed_out() -> Stop {
    Stop::Io(io::Error::new(
        io::ErrorKind::TimedOut,
        "no answer within the timeout",
    ))
}

/// A reply longer than this is not from an SMTP server we can talk to.
pub(super) const MAX_REPLY: usize = 16 * 1024;
/// How much of a reply a message shows.
const DISPLAY_CHARS: usize = 300;
/// The whole session's bound, in multiples of --timeout: connect, two TLS
/// handshakes and up to seven replies.
pub const SESSION_TIMEOUTS: u32 = 10;

/// Masks every run of 8 or more bytes that also occurs in one of `secrets`,
/// across the reply's line breaks (the lines are joined first), before any
/// cutting, and likewise every 8 of its characters with other characters
/// between them: a server that echoes the password, whole or in pieces,
/// split over lines or spread apart, never gets it printed.
fn mask(lines: &[String], secrets: &[Zeroizing<String>]) -> Vec<String> {
    const W: usize = 8;
    let joined = Zeroizing::new(lines.concat().into_bytes());
    let mut hide = vec![false; joined.len()];
    let echoed = |window: &[u8]| {
        secrets
            .iter()
            .any(|s| s.as_bytes().windows(W).any(|w| w == window))
    };
    for i in 0..joined.len().saturating_sub(W - 1) {
        if echoed(&joined[i..i + W]) {
            hide[i..i + W].iter_mut().for_each(|h| *h = true);
        }
    }
    // The same over the base64 characters alone, so that a password
    // echoed with spaces (or anything else) between its characters is
    // found too; everything from a match's first character to its last is
    // hidden.
    let kept: Vec<usize> = (0..joined.len())
        .filter(|&i| joined[i].is_ascii_alphanumeric() || b"+/=".contains(&joined[i]))
        .collect();
    let squeezed = Zeroizing::new(kept.iter().map(|&i| joined[i]).collect::<Vec<u8>>());
    for i in 0..squeezed.len().saturating_sub(W - 1) {
        if echoed(&squeezed[i..i + W]) {
            hide[kept[i]..=kept[i + W - 1]]
                .iter_mut()
                .for_each(|h| *h = true);
        }
    }
    let mut out = Vec::with_capacity(lines.len());
    let mut at = 0;
    for line in lines {
        let bytes = &joined[at..at + line.len()];
        let flags = &hide[at..at + line.len()];
        at += line.len();
        let mut shown = Vec::with_capacity(line.len());
        let mut i = 0;
        while i < bytes.len() {
            if flags[i] {
                shown.extend_from_slice(b"[credentials hidden]");
                while i < bytes.len() && flags[i] {
                    i += 1;
                }
            } else {
                shown.push(bytes[i]);
                i += 1;
            }
        }
        out.push(String::from_utf8_lossy(&shown).into_owned());
    }
    out
}

/// Server text made safe to print: credentials masked (see [`mask`]),
/// control and invisible characters escaped (a hostile server could drive
/// the terminal), then cut to a display length.
pub(super) fn shown_reply(lines: &[String], secrets: &[Zeroizing<String>]) -> String {
    let shown = ses_smtp_credentials::user_text(&mask(lines, secrets).join(" / "));
    if shown.chars().count() <= DISPLAY_CHARS {
        return shown;
    }
    let mut cut: String = shown.chars().take(DISPLAY_CHARS).collect();
    cut.push('…');
    cut
}

/// `now + d`, saturating: a duration too long for the clock gives a
/// deadline a year away, never a panic.
pub(crate) fn after(d: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(d)
        .or_else(|| now.checked_add(Duration::from_secs(365 * 86_400)))
        .unwrap_or(now)
}
