//! The SMTP dialogue. Every reply (all its lines) must arrive within the
//! timeout and the whole session within ten; the server's text is shown
//! only with our credentials masked and controls escaped.

use crate::outcome::{Facts, Login};
use crate::target::Target;
use crate::tls::describe_tls;
use crate::wire::{Conn, MAX_REPLY, Reply, Stop, after, shown_reply, timed_out};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};
use std::io::{self, Read, Write};
use std::sync::Arc;
use std::time::Instant;
use zeroize::Zeroizing;

pub(crate) struct SmtpSession<'t> {
    pub(crate) conn: Conn,
    pub(crate) buf: Vec<u8>,
    pub(crate) target: &'t Target,
    /// Strings that must never be printed (the password and the AUTH
    /// blobs), masked in the server's replies.
    pub(crate) secrets: Vec<Zeroizing<String>>,
    /// The whole session ends by then, whatever the server does.
    pub(crate) session_deadline: Instant,
}

impl SmtpSession<'_> {
    fn say(&self, line: &str) {
        if let Some(transcript) = self.target.transcript {
            transcript(line);
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
    pub(crate) fn reply(&mut self) -> Result<Reply, Stop> {
        let deadline = after(self.target.timeout);
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

    pub(crate) fn expect(&mut self, want: u16) -> Result<Reply, Stop> {
        let r = self.reply()?;
        if r.code == want {
            Ok(r)
        } else {
            Err(Stop::Reply(r))
        }
    }

    pub(crate) fn send(&mut self, line: &str) -> Result<(), Stop> {
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

    pub(crate) fn ehlo(&mut self, name: &str) -> Result<Vec<String>, Stop> {
        self.send(&format!("EHLO {name}"))?;
        let r = self.expect(250)?;
        Ok(r.lines
            .iter()
            .map(|l| l.trim().to_ascii_uppercase())
            .collect())
    }

    pub(crate) fn start_tls(
        &mut self,
        config: &Arc<ClientConfig>,
        facts: &mut Facts,
    ) -> Result<(), Stop> {
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
                ses_smtp_credentials::user_text(&self.target.host)
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
        // slowly the server sends it: one read or write at a time, the
        // deadline checked between them (rustls' `complete_io` keeps
        // reading as long as bytes trickle in).
        let deadline = after(self.target.timeout).min(self.session_deadline);
        while tls.conn.is_handshaking() || tls.conn.wants_write() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(timed_out());
            }
            if tls.conn.wants_write() {
                tls.sock.set_write_timeout(Some(left))?;
                tls.conn.write_tls(&mut tls.sock)?;
                continue;
            }
            tls.sock.set_read_timeout(Some(left))?;
            if tls.conn.read_tls(&mut tls.sock)? == 0 {
                return Err(Stop::Io(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection during the TLS handshake",
                )));
            }
            if let Err(e) = tls.conn.process_new_packets() {
                // The alert that says why, best effort.
                let _ = tls.conn.write_tls(&mut tls.sock);
                return Err(Stop::Tls(describe_tls(&e)));
            }
        }
        // Back to the per-reply timeouts for what follows.
        tls.sock.set_read_timeout(Some(self.target.timeout))?;
        tls.sock.set_write_timeout(Some(self.target.timeout))?;
        let version = match tls.conn.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLS 1.3",
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLS 1.2",
            _ => "TLS",
        };
        self.say(&format!(
            "{version} established; certificate verified for {}",
            ses_smtp_credentials::user_text(&self.target.host)
        ));
        facts.tls_version = Some(version.to_string());
        self.conn = Conn::Tls(Box::new(tls));
        Ok(())
    }

    pub(crate) fn auth(
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
