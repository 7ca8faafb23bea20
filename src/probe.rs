//! `probe`: log in to the SES SMTP endpoint with the derived credentials and
//! report whether the server accepts them. EHLO, STARTTLS (or TLS from the
//! first byte), EHLO, AUTH, QUIT: never MAIL FROM or DATA, so no mail is
//! sent. TLS is rustls (1.2+) with certificate and host-name verification;
//! there is no option to turn verification off.

use crate::exit_codes::{ExitCode, Failure};
use anyhow::{Context, Result};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

/// How TLS starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TlsMode {
    /// Plain connection upgraded with STARTTLS (ports 25, 587, 2587)
    Starttls,
    /// TLS from the first byte, the "TLS wrapper" (ports 465, 2465)
    Implicit,
}

impl TlsMode {
    pub fn name(self) -> &'static str {
        match self {
            TlsMode::Starttls => "starttls",
            TlsMode::Implicit => "implicit",
        }
    }

    /// The mode SES uses on a port, if the port says.
    pub fn for_port(port: u16) -> Option<TlsMode> {
        match port {
            25 | 587 | 2587 => Some(TlsMode::Starttls),
            465 | 2465 => Some(TlsMode::Implicit),
            _ => None,
        }
    }
}

pub struct Target {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    pub timeout: Duration,
    pub ca_file: Option<PathBuf>,
    pub verbose: bool,
}

/// Where the probe ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 235: the server accepted the login.
    Accepted { code: u16, reply: String },
    /// 5xx to AUTH: the credentials were refused.
    Rejected { code: u16, reply: String },
    /// 4xx (454, 421…): try again later.
    Temporary { code: u16, reply: String },
    /// The TLS handshake or certificate check failed.
    Tls { detail: String },
    /// Could not connect, or the connection broke or timed out.
    Network { detail: String, timed_out: bool },
    /// The server spoke, but not as an SES SMTP endpoint would (no
    /// STARTTLS, no AUTH, an unexpected reply).
    Protocol { detail: String },
}

impl Outcome {
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Accepted { .. } => "accepted",
            Outcome::Rejected { .. } => "rejected",
            Outcome::Temporary { .. } => "temporary",
            Outcome::Tls { .. } => "tls",
            Outcome::Network {
                timed_out: true, ..
            } => "timeout",
            Outcome::Network { .. } => "network",
            Outcome::Protocol { .. } => "protocol",
        }
    }

    pub fn code(&self) -> Option<u16> {
        match self {
            Outcome::Accepted { code, .. }
            | Outcome::Rejected { code, .. }
            | Outcome::Temporary { code, .. } => Some(*code),
            _ => None,
        }
    }

    pub fn reply(&self) -> Option<&str> {
        match self {
            Outcome::Accepted { reply, .. }
            | Outcome::Rejected { reply, .. }
            | Outcome::Temporary { reply, .. } => Some(reply),
            _ => None,
        }
    }

    pub fn detail(&self) -> Option<&str> {
        match self {
            Outcome::Tls { detail }
            | Outcome::Network { detail, .. }
            | Outcome::Protocol { detail } => Some(detail),
            _ => None,
        }
    }
}

/// What the probe learned besides the outcome.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub tls_version: Option<String>,
    pub mechanism: Option<&'static str>,
}

/// The credentials as the probe needs them. The password is borrowed from
/// its zeroizing buffer.
pub struct Login<'a> {
    pub username: &'a str,
    pub password: &'a str,
}

enum Conn {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
    /// Only while the plain stream moves into TLS.
    Moving,
}

fn moving() -> io::Error {
    io::Error::other("the connection is being upgraded")
}

impl Conn {
    fn set_read_timeout(&self, timeout: Duration) -> io::Result<()> {
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
struct Reply {
    code: u16,
    lines: Vec<String>,
    text: String,
}

/// Why a step stopped early.
enum Stop {
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

fn timed_out() -> Stop {
    Stop::Io(io::Error::new(
        io::ErrorKind::TimedOut,
        "no answer within the timeout",
    ))
}

fn describe_tls(e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                "the server's certificate is not valid for this host name".into()
            }
            C::UnknownIssuer => {
                "the server's certificate is issued by a CA that is not trusted".into()
            }
            C::Expired | C::ExpiredContext { .. } => "the server's certificate has expired".into(),
            C::NotValidYet | C::NotValidYetContext { .. } => {
                "the server's certificate is not valid yet".into()
            }
            C::Revoked => "the server's certificate is revoked".into(),
            other => format!("the server's certificate was refused ({other:?})"),
        },
        rustls::Error::PeerIncompatible(_) | rustls::Error::AlertReceived(_) => {
            format!("the TLS handshake failed ({e}); SES needs TLS 1.2 or newer")
        }
        other => format!("the TLS handshake failed ({other})"),
    }
}

struct Session<'t> {
    conn: Conn,
    buf: Vec<u8>,
    target: &'t Target,
    /// Strings that must never be printed (the password and the AUTH
    /// blobs), masked in the server's replies.
    secrets: Vec<Zeroizing<String>>,
    /// The whole session ends by then, whatever the server does.
    session_deadline: Instant,
}

/// A reply longer than this is not from an SMTP server we can talk to.
const MAX_REPLY: usize = 16 * 1024;
/// How much of a reply a message shows.
const DISPLAY_CHARS: usize = 300;
/// The whole session's bound, in multiples of --timeout: connect, two TLS
/// handshakes and up to seven replies.
pub const SESSION_TIMEOUTS: u32 = 10;

/// Masks every run of 8 or more bytes that also occurs in one of `secrets`,
/// across the reply's line breaks (the lines are joined first), before any
/// cutting: a server that echoes the password, whole or in pieces, split
/// over lines or not, never gets it printed.
fn mask(lines: &[String], secrets: &[Zeroizing<String>]) -> Vec<String> {
    const W: usize = 8;
    let joined = Zeroizing::new(lines.concat().into_bytes());
    let mut hide = vec![false; joined.len()];
    for i in 0..joined.len().saturating_sub(W - 1) {
        let window = &joined[i..i + W];
        let found = secrets
            .iter()
            .any(|s| s.as_bytes().windows(W).any(|w| w == window));
        if found {
            hide[i..i + W].iter_mut().for_each(|h| *h = true);
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
fn shown_reply(lines: &[String], secrets: &[Zeroizing<String>]) -> String {
    let shown = ses_smtp_credentials::redact::user_text(&mask(lines, secrets).join(" / "));
    if shown.chars().count() <= DISPLAY_CHARS {
        return shown;
    }
    let mut cut: String = shown.chars().take(DISPLAY_CHARS).collect();
    cut.push('…');
    cut
}

impl Session<'_> {
    fn say(&self, line: &str) {
        if self.target.verbose {
            let _ = writeln!(io::stderr(), "probe: {line}");
        }
    }

    /// Reads one line; `deadline` is when the whole reply must be in.
    fn read_line(&mut self, deadline: Instant) -> Result<String, Stop> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line: Vec<u8> = self.buf.drain(..i + 2).collect();
                return Ok(String::from_utf8_lossy(&line[..i]).into_owned());
            }
            if self.buf.len() > 4096 {
                return Err(Stop::Protocol(
                    "the server sent a line longer than 4096 bytes".into(),
                ));
            }
            // Each read may wait only for what is left of the reply's time:
            // a server that trickles a byte at a time cannot stretch it.
            let left = deadline
                .min(self.session_deadline)
                .saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(timed_out());
            }
            self.conn.set_read_timeout(left)?;
            let mut chunk = [0u8; 1024];
            let n = match self.conn.read(&mut chunk) {
                Ok(n) => n,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Err(timed_out());
                }
                Err(e) => return Err(e.into()),
            };
            if n == 0 {
                return Err(Stop::Io(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection",
                )));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Reads a whole (possibly multi-line) reply, which must arrive within
    /// the timeout.
    fn reply(&mut self) -> Result<Reply, Stop> {
        let deadline = Instant::now() + self.target.timeout;
        let mut lines = Vec::new();
        let mut size = 0;
        loop {
            let line = self.read_line(deadline)?;
            let code = line.get(..3).and_then(|c| c.parse::<u16>().ok());
            let Some(code) = code.filter(|c| (200..600).contains(c)) else {
                return Err(Stop::Protocol("the server's reply is not SMTP".into()));
            };
            let more = line.as_bytes().get(3) == Some(&b'-');
            size += line.len();
            if size > MAX_REPLY || lines.len() >= 100 {
                return Err(Stop::Protocol(format!(
                    "the server's reply is longer than {MAX_REPLY} bytes or 100 lines"
                )));
            }
            lines.push(line.get(4..).unwrap_or("").to_string());
            if !more {
                let reply = Reply {
                    code,
                    text: shown_reply(&lines, &self.secrets),
                    lines,
                };
                self.say(&format!("< {} {}", reply.code, reply.text));
                return Ok(reply);
            }
        }
    }

    fn expect(&mut self, want: u16) -> Result<Reply, Stop> {
        let r = self.reply()?;
        if r.code == want {
            Ok(r)
        } else {
            Err(Stop::Reply(r))
        }
    }

    fn send(&mut self, line: &str) -> Result<(), Stop> {
        self.say(&format!("> {line}"));
        self.send_quiet(line.as_bytes())
    }

    /// Sends a line without logging it (credentials).
    fn send_quiet(&mut self, bytes: &[u8]) -> Result<(), Stop> {
        self.conn.write_all(bytes)?;
        self.conn.write_all(b"\r\n")?;
        self.conn.flush()?;
        Ok(())
    }

    fn ehlo(&mut self, name: &str) -> Result<Vec<String>, Stop> {
        self.send(&format!("EHLO {name}"))?;
        let r = self.expect(250)?;
        Ok(r.lines
            .iter()
            .map(|l| l.trim().to_ascii_uppercase())
            .collect())
    }

    fn start_tls(&mut self, config: &Arc<ClientConfig>, facts: &mut Facts) -> Result<(), Stop> {
        // Bytes that arrived before the handshake would be read as if they
        // came over TLS (STARTTLS command injection): refuse them.
        if !self.buf.is_empty() {
            return Err(Stop::Protocol(
                "the server sent data before the TLS handshake (STARTTLS injection); refusing to continue".into(),
            ));
        }
        let name = ServerName::try_from(self.target.host.clone()).map_err(|_| {
            Stop::Tls(format!(
                "{} is not a valid TLS server name",
                ses_smtp_credentials::redact::user_text(&self.target.host)
            ))
        })?;
        let tcp = match std::mem::replace(&mut self.conn, Conn::Moving) {
            Conn::Plain(tcp) => tcp,
            _ => return Err(Stop::Protocol("TLS is already up".into())),
        };
        let client =
            ClientConnection::new(config.clone(), name).map_err(|e| Stop::Tls(describe_tls(&e)))?;
        let mut tls = StreamOwned::new(client, tcp);
        // The handshake, too, must be over within the timeout, however
        // slowly the server sends it.
        let deadline = (Instant::now() + self.target.timeout).min(self.session_deadline);
        while tls.conn.is_handshaking() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(timed_out());
            }
            tls.sock.set_read_timeout(Some(left))?;
            tls.conn.complete_io(&mut tls.sock)?;
        }
        let version = match tls.conn.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3",
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2",
            _ => "TLS",
        };
        self.say(&format!(
            "{version} established; certificate verified for {}",
            ses_smtp_credentials::redact::user_text(&self.target.host)
        ));
        facts.tls_version = Some(version.to_string());
        self.conn = Conn::Tls(Box::new(tls));
        Ok(())
    }

    fn auth(
        &mut self,
        login: &Login<'_>,
        offered: &[String],
        facts: &mut Facts,
    ) -> Result<Reply, Stop> {
        let mechanisms: Vec<&str> = offered
            .iter()
            .filter_map(|l| l.strip_prefix("AUTH ").or_else(|| l.strip_prefix("AUTH=")))
            .flat_map(|m| m.split_whitespace())
            .collect();
        let (user, pass) = (login.username.as_bytes(), login.password.as_bytes());
        if mechanisms.contains(&"PLAIN") {
            facts.mechanism = Some("PLAIN");
            // "\0user\0pass", base64, in buffers sized once and wiped.
            let mut raw = Zeroizing::new(Vec::with_capacity(2 + user.len() + pass.len()));
            raw.push(0);
            raw.extend_from_slice(user);
            raw.push(0);
            raw.extend_from_slice(pass);
            let mut line = Zeroizing::new(String::with_capacity(11 + raw.len().div_ceil(3) * 4));
            line.push_str("AUTH PLAIN ");
            STANDARD.encode_string(&raw[..], &mut line);
            self.secrets.push(Zeroizing::new(line[11..].to_string()));
            self.say("> AUTH PLAIN (credentials not shown)");
            self.send_quiet(line.as_bytes())?;
            return self.reply();
        }
        if mechanisms.contains(&"LOGIN") {
            facts.mechanism = Some("LOGIN");
            // Any answer but 334 ends the exchange and is judged as AUTH's.
            self.send("AUTH LOGIN")?;
            let r = self.reply()?;
            if r.code != 334 {
                return Ok(r);
            }
            let user_b64 = Zeroizing::new(STANDARD.encode(user));
            self.say("> (user name, base64)");
            self.send_quiet(user_b64.as_bytes())?;
            let r = self.reply()?;
            if r.code != 334 {
                return Ok(r);
            }
            let pass_b64 = Zeroizing::new(STANDARD.encode(pass));
            self.secrets.push(Zeroizing::new(pass_b64.to_string()));
            self.say("> (password, base64; not shown)");
            self.send_quiet(pass_b64.as_bytes())?;
            return self.reply();
        }
        Err(Stop::Protocol(if mechanisms.is_empty() {
            "the server offers no AUTH after TLS; it is not an SES SMTP endpoint, or a proxy in between strips AUTH"
                .into()
        } else {
            "the server offers neither AUTH PLAIN nor AUTH LOGIN".into()
        }))
    }
}

/// A CA file is a few certificates; a bundle of every public CA is about
/// 250 KiB.
const MAX_CA_FILE: usize = 1 << 20;

fn tls_config(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let shown = ses_smtp_credentials::redact::user_path(path);
        let bad = |what: &str| Failure::new(ExitCode::Usage, format!("--ca-file {shown} {what}"));
        let label = format!("--ca-file {shown}");
        let (bytes, _) = crate::source::read_small_file(
            path,
            &crate::source::SmallFile {
                label: &label,
                cap: MAX_CA_FILE,
                not_a: "a CA certificate file",
                too_large: ExitCode::Usage,
            },
        )?;
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(&bytes) {
            let cert = cert.map_err(|_| bad("is not a PEM certificate file"))?;
            roots
                .add(cert)
                .map_err(|_| bad("holds a certificate that cannot be used as a trust anchor"))?;
            added += 1;
        }
        if added == 0 {
            return Err(bad("holds no PEM certificate").into());
        }
    }
    let config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .context("could not set up TLS")?
            .with_root_certificates(roots)
            .with_no_client_auth();
    Ok(Arc::new(config))
}

fn connect(target: &Target, session_deadline: Instant) -> io::Result<TcpStream> {
    let addrs: Vec<_> = (target.host.as_str(), target.port)
        .to_socket_addrs()?
        .collect();
    let mut last = io::Error::new(
        io::ErrorKind::NotFound,
        "the host name resolved to no address",
    );
    for addr in addrs {
        let left = session_deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "connect timed out"));
        }
        match TcpStream::connect_timeout(&addr, target.timeout.min(left)) {
            Ok(s) => {
                s.set_read_timeout(Some(target.timeout))?;
                s.set_write_timeout(Some(target.timeout))?;
                return Ok(s);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

fn io_outcome(e: io::Error) -> Outcome {
    let timed_out = matches!(
        e.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    );
    Outcome::Network {
        detail: if timed_out {
            "no answer within the timeout".into()
        } else {
            e.to_string()
        },
        timed_out,
    }
}

fn stop_outcome(stop: Stop) -> Outcome {
    match stop {
        Stop::Io(e) => io_outcome(e),
        Stop::Tls(detail) => Outcome::Tls { detail },
        Stop::Protocol(detail) => Outcome::Protocol { detail },
        Stop::Reply(r) if (400..500).contains(&r.code) => Outcome::Temporary {
            code: r.code,
            reply: r.text,
        },
        Stop::Reply(r) => Outcome::Protocol {
            detail: format!("unexpected reply {} {}", r.code, r.text),
        },
    }
}

/// Runs the probe. Setup errors (a bad --ca-file) are errors; everything
/// the network does is an [`Outcome`].
pub fn probe(target: &Target, login: &Login<'_>) -> Result<(Outcome, Facts)> {
    let config = tls_config(target.ca_file.as_deref())?;
    let mut facts = Facts::default();
    if target.verbose {
        let _ = writeln!(
            io::stderr(),
            "probe: connecting to {}:{} ({})",
            ses_smtp_credentials::redact::user_text(&target.host),
            target.port,
            match target.tls {
                TlsMode::Starttls => "STARTTLS",
                TlsMode::Implicit => "TLS from the first byte",
            }
        );
    }
    let session_deadline = Instant::now() + target.timeout * SESSION_TIMEOUTS;
    let tcp = match connect(target, session_deadline) {
        Ok(s) => s,
        Err(e) => return Ok((io_outcome(e), facts)),
    };
    let ehlo_name = match tcp.local_addr() {
        Ok(std::net::SocketAddr::V4(a)) => format!("[{}]", a.ip()),
        Ok(std::net::SocketAddr::V6(a)) => format!("[IPv6:{}]", a.ip()),
        Err(_) => "[127.0.0.1]".into(),
    };
    let mut s = Session {
        conn: Conn::Plain(tcp),
        buf: Vec::new(),
        target,
        secrets: vec![Zeroizing::new(login.password.to_string())],
        session_deadline,
    };
    let result = (|| -> Result<Reply, Stop> {
        if target.tls == TlsMode::Implicit {
            s.start_tls(&config, &mut facts)?;
        }
        s.expect(220)?;
        let mut offered = s.ehlo(&ehlo_name)?;
        if target.tls == TlsMode::Starttls {
            if !offered.iter().any(|l| l == "STARTTLS") {
                return Err(Stop::Protocol(
                    "the server does not offer STARTTLS; credentials are never sent without TLS"
                        .into(),
                ));
            }
            s.send("STARTTLS")?;
            s.expect(220)?;
            s.start_tls(&config, &mut facts)?;
            offered = s.ehlo(&ehlo_name)?;
        }
        let r = s.auth(login, &offered, &mut facts)?;
        Ok(r)
    })();
    // Only 235 accepts and only 5xx rejects; anything else in answer to
    // AUTH (334 left hanging, 250…) is a server not speaking SMTP AUTH.
    let outcome = match result {
        Ok(r) if r.code == 235 => Outcome::Accepted {
            code: r.code,
            reply: r.text,
        },
        Ok(r) if (400..500).contains(&r.code) => Outcome::Temporary {
            code: r.code,
            reply: r.text,
        },
        Ok(r) if (500..600).contains(&r.code) => Outcome::Rejected {
            code: r.code,
            reply: r.text,
        },
        Ok(r) => Outcome::Protocol {
            detail: format!(
                "the server answered AUTH with {} {}, which neither accepts nor rejects",
                r.code, r.text
            ),
        },
        Err(stop) => stop_outcome(stop),
    };
    // Say goodbye where the conversation still stands; its answer does not
    // change the outcome.
    if !matches!(outcome, Outcome::Network { .. } | Outcome::Tls { .. }) {
        let _ = s.send("QUIT").and_then(|()| s.reply().map(|_| ()));
    }
    Ok((outcome, facts))
}

/// The likely causes, most likely first, with the commands that check each.
pub fn diagnosis(outcome: &Outcome, region: &str, port: u16) -> Vec<String> {
    match outcome {
        Outcome::Accepted { .. } => vec![
            "SES accepted the login. This proves the credentials, not that the sender identity is verified \
             or that the account is out of the sandbox."
                .into(),
        ],
        Outcome::Rejected { .. } => vec![
            format!(
                "the password was made for another region than the endpoint's: check with \
                 `ses-smtp-password verify --region {region}` against the password the application uses"
            ),
            "a version 2 password is configured somewhere: `ses-smtp-password verify` names one".into(),
            "the access key is wrong, inactive or deleted: `aws iam list-access-keys --user-name USER` \
             (Status must be Active, the ID must match)"
                .into(),
            "the IAM user may not send: it needs ses:SendRawEmail (`ses-smtp-password policy`; check with \
             `aws iam simulate-principal-policy --policy-source-arn USER_ARN --action-names ses:SendRawEmail`)"
                .into(),
        ],
        Outcome::Temporary { .. } => vec![
            "a temporary refusal (454/421): throttling, or a service problem; wait and probe again".into(),
            "if it persists, check the account's SES sending quota and the AWS Health Dashboard".into(),
        ],
        Outcome::Tls { .. } => vec![
            "the certificate or host name did not verify: connect to the SES host name itself \
             (email-smtp.REGION.amazonaws.com or the VPC endpoint's DNS name), not an IP address or alias"
                .into(),
            "a TLS-inspecting proxy in between presents its own certificate: pass its CA with --ca-file".into(),
        ],
        Outcome::Network { timed_out, .. } => {
            let mut d = Vec::new();
            if port == 25 {
                d.push("EC2 throttles outbound port 25: use 587 or 2587 (or ask AWS to lift the limit)".into());
            }
            d.push(if *timed_out {
                "no answer in time: a security group, network ACL or firewall drops outbound traffic to this port".into()
            } else {
                "the connection failed: check the host name, the port and outbound rules".into()
            });
            d.push(
                "with a VPC endpoint for SES SMTP, its security group must allow this port from this host; \
                 use --endpoint with the endpoint's DNS name"
                    .into(),
            );
            d.push("an HTTP proxy does not carry SMTP: this host needs direct outbound access".into());
            d
        }
        Outcome::Protocol { .. } => vec![
            "the server is not behaving as an SES SMTP endpoint: check --endpoint and --port, and whether a \
             proxy or mail filter sits in between"
                .into(),
        ],
    }
}
