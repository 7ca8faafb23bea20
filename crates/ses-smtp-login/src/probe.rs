//! The login from start to end: connect, TLS, EHLO, AUTH, QUIT, and the
//! outcome.

use crate::outcome::{Facts, Login, Outcome};
use crate::session::SmtpSession;
use crate::target::{Target, TlsMode};
use crate::tls::{SetupError, tls_config};
use crate::wire::{Conn, Reply, SESSION_TIMEOUTS, Stop, after};
use std::io;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Instant;
use zeroize::Zeroizing;

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

/// Logs in: EHLO, STARTTLS (or TLS from the first byte), EHLO, AUTH, QUIT.
/// Never MAIL FROM or DATA, so no mail is sent. Everything the network
/// and the server do is an [`Outcome`].
///
/// # Errors
/// [`SetupError`] only when TLS cannot be set up on this machine (a bug or
/// an unusable root), before any connection.
pub fn probe(target: &Target, login: &Login<'_>) -> Result<(Outcome, Facts), SetupError> {
    let config = tls_config(&target.roots)?;
    let mut facts = Facts::default();
    if let Some(transcript) = target.transcript {
        transcript(&format!(
            "connecting to {}:{} ({})",
            ses_smtp_credentials::user_text(&target.host),
            target.port,
            match target.tls {
                TlsMode::Starttls => "STARTTLS",
                TlsMode::Implicit => "TLS from the first byte",
            }
        ));
    }
    let session_deadline = after(target.timeout.saturating_mul(SESSION_TIMEOUTS));
    let tcp = match connect(target, session_deadline) {
        Ok(s) => s,
        Err(e) => return Ok((io_outcome(e), facts)),
    };
    let ehlo_name = match tcp.local_addr() {
        Ok(std::net::SocketAddr::V4(a)) => format!("[{}]", a.ip()),
        Ok(std::net::SocketAddr::V6(a)) => format!("[IPv6:{}]", a.ip()),
        Err(_) => "[127.0.0.1]".into(),
    };
    let mut s = SmtpSession {
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
