//! SMTP servers for the probe's and the login's tests, started inside the test process on
//! 127.0.0.1, with a throwaway CA made in-process (rcgen).
//!
//! The well-behaved servers speak SMTP through `mailin`, a third-party SMTP
//! server state machine (the one under `mailin-embedded`); this file only
//! moves its lines over TCP and rustls, so the transport can tell the
//! handler, per connection, whether TLS was up when AUTH arrived. mailin
//! itself refuses AUTH before TLS unless told otherwise.
//!
//! The broken and hostile servers are written here on purpose: they exist to
//! misbehave (hang up, say nothing, inject after STARTTLS, trickle, echo).
//!
//! Every AUTH attempt and every MAIL FROM is recorded in [`Servers::log`];
//! tests tell their attempts apart by user name.

use mailin::{Action, AuthMechanism, Handler, Response, SessionBuilder};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// What a server saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Auth {
        user: String,
        mechanism: &'static str,
        /// TLS was up on this connection when AUTH arrived (set by the
        /// transport below, not by the SMTP engine).
        tls: bool,
        /// The password was the one expected.
        matched: bool,
    },
    Mail,
    /// A message a relay (`relay`) took, and the user its connection
    /// logged in as.
    Delivered {
        user: String,
        message: String,
    },
}

type EventLog = Arc<Mutex<Vec<Event>>>;

/// Whether (user, password) is a login the server accepts.
pub type Check = Arc<dyn Fn(&str, &str) -> bool + Send + Sync>;

pub struct Servers {
    pub ports: HashMap<&'static str, u16>,
    /// The throwaway CA's certificate, for `--ca-file`.
    pub ca_file: PathBuf,
    pub log: EventLog,
    _dir: tempfile::TempDir,
}

impl Servers {
    /// The AUTH attempts of `user`: (mechanism, tls, matched).
    pub fn auths(&self, user: &str) -> Vec<(&'static str, bool, bool)> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                Event::Auth {
                    user: u,
                    mechanism,
                    tls,
                    matched,
                } if u == user => Some((*mechanism, *tls, *matched)),
                _ => None,
            })
            .collect()
    }

    pub fn port(&self, name: &str) -> u16 {
        *self
            .ports
            .get(name)
            .unwrap_or_else(|| panic!("no test server named {name}"))
    }
}

/// How a mailin server answers AUTH.
#[derive(Clone)]
enum AuthAnswer {
    /// 235 for the expected password, 535 otherwise.
    Check,
    /// This reply whatever the credentials.
    Fixed(u16, &'static str),
}

#[derive(Clone)]
struct Recorder {
    tls: Arc<AtomicBool>,
    answer: AuthAnswer,
    check: Check,
    log: EventLog,
    /// A relay: takes mail after a login (mailin asks for one first).
    relay: bool,
    /// The user this connection logged in as, and the message so far.
    user: String,
    message: Vec<u8>,
}

impl Recorder {
    fn auth(&mut self, user: &str, password: &str, mechanism: &'static str) -> Response {
        let matched = (self.check)(user, password);
        self.log.lock().unwrap().push(Event::Auth {
            user: user.to_string(),
            mechanism,
            tls: self.tls.load(Ordering::SeqCst),
            matched,
        });
        if matched {
            self.user = user.to_string();
        }
        match &self.answer {
            AuthAnswer::Check if matched => {
                Response::custom(235, "Authentication successful.".into())
            }
            AuthAnswer::Check => Response::custom(535, "Authentication Credentials Invalid".into()),
            AuthAnswer::Fixed(code, text) => Response::custom(*code, (*text).into()),
        }
    }
}

impl Handler for Recorder {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, _from: &str) -> Response {
        // The probe must never get here.
        self.log.lock().unwrap().push(Event::Mail);
        if self.relay {
            return Response::custom(250, "OK".into());
        }
        Response::custom(550, "the probe must not send mail".into())
    }
    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        self.message.extend_from_slice(buf);
        Ok(())
    }
    fn data_end(&mut self) -> Response {
        let message = String::from_utf8_lossy(&std::mem::take(&mut self.message)).into_owned();
        self.log.lock().unwrap().push(Event::Delivered {
            user: self.user.clone(),
            message,
        });
        Response::custom(250, "OK: queued".into())
    }
    fn auth_plain(&mut self, _authz: &str, user: &str, password: &str) -> Response {
        self.auth(user, password, "PLAIN")
    }
    fn auth_login(&mut self, user: &str, password: &str) -> Response {
        self.auth(user, password, "LOGIN")
    }
}

/// How a mailin server is set up.
#[derive(Clone)]
struct Setup {
    tls: Option<Arc<ServerConfig>>,
    implicit: bool,
    mechanisms: Vec<AuthMechanism>,
    answer: AuthAnswer,
    /// Offer AUTH without TLS (a hostile or misconfigured server).
    plaintext_auth: bool,
    /// Take mail after a login.
    relay: bool,
}

/// A stream read line by line through our own buffer, so that after
/// STARTTLS nothing read ahead is lost or carried into TLS.
struct Lines<S> {
    s: S,
    buf: Vec<u8>,
}

impl<S: Read + Write> Lines<S> {
    fn line(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(i) = self.buf.iter().position(|&b| b == b'\n') {
                return Ok(Some(self.buf.drain(..=i).collect()));
            }
            let mut chunk = [0u8; 4096];
            let n = self.s.read(&mut chunk)?;
            if n == 0 {
                return Ok(None);
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Writes a whole reply in one write.
    fn reply(&mut self, r: &Response) -> io::Result<()> {
        self.s.write_all(&r.buffer()?)?;
        self.s.flush()
    }
}

enum End {
    Closed,
    UpgradeTls,
}

fn converse<S: Read + Write, H: Handler>(
    session: &mut mailin::Session<H>,
    conn: &mut Lines<S>,
) -> io::Result<End> {
    while let Some(line) = conn.line()? {
        let r = session.process(&line);
        match r.action {
            Action::Reply => conn.reply(&r)?,
            Action::Close => {
                conn.reply(&r)?;
                return Ok(End::Closed);
            }
            Action::UpgradeTls => {
                conn.reply(&r)?;
                return Ok(End::UpgradeTls);
            }
            Action::NoReply => {}
        }
    }
    Ok(End::Closed)
}

fn tls_accept(
    config: &Arc<ServerConfig>,
    mut tcp: TcpStream,
) -> io::Result<StreamOwned<ServerConnection, TcpStream>> {
    let mut conn = ServerConnection::new(config.clone()).map_err(io::Error::other)?;
    while conn.is_handshaking() {
        conn.complete_io(&mut tcp)?;
    }
    Ok(StreamOwned::new(conn, tcp))
}

fn serve_mailin(tcp: TcpStream, setup: &Setup, check: &Check, log: &EventLog) -> io::Result<()> {
    let tls = Arc::new(AtomicBool::new(false));
    let handler = Recorder {
        tls: tls.clone(),
        answer: setup.answer.clone(),
        check: check.clone(),
        log: log.clone(),
        relay: setup.relay,
        user: String::new(),
        message: Vec::new(),
    };
    let mut builder = SessionBuilder::new("mailin.test");
    if setup.tls.is_some() && !setup.implicit {
        builder.enable_start_tls();
    }
    for m in &setup.mechanisms {
        builder.enable_auth(m.clone());
    }
    if setup.plaintext_auth {
        builder.insecure_enable_plaintext_auth();
    }
    let ip = tcp.peer_addr()?.ip();
    let mut session = builder.build(ip, handler);
    if setup.implicit {
        let config = setup
            .tls
            .as_ref()
            .expect("implicit TLS needs a certificate");
        let stream = tls_accept(config, tcp)?;
        tls.store(true, Ordering::SeqCst);
        session.tls_active();
        let mut conn = Lines {
            s: stream,
            buf: Vec::new(),
        };
        conn.reply(&session.greeting())?;
        converse(&mut session, &mut conn)?;
        return Ok(());
    }
    let mut conn = Lines {
        s: tcp,
        buf: Vec::new(),
    };
    conn.reply(&session.greeting())?;
    if let End::UpgradeTls = converse(&mut session, &mut conn)? {
        if !conn.buf.is_empty() {
            // The client pipelined past STARTTLS: not our client's way.
            return Ok(());
        }
        let config = setup.tls.as_ref().expect("STARTTLS needs a certificate");
        let stream = tls_accept(config, conn.s)?;
        tls.store(true, Ordering::SeqCst);
        session.tls_active();
        let mut conn = Lines {
            s: stream,
            buf: Vec::new(),
        };
        converse(&mut session, &mut conn)?;
    }
    Ok(())
}

/// Accepts connections for ever on a thread; each is served on its own.
fn listen(serve: impl Fn(TcpStream) + Send + Sync + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().unwrap().port();
    let serve = Arc::new(serve);
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let serve = serve.clone();
            std::thread::spawn(move || serve(tcp));
        }
    });
    port
}

/// Reads until the peer has sent a whole line (or gone), so that closing
/// afterwards leaves nothing unread: the kernel then ends the connection
/// with FIN, not with a reset.
fn read_line(tcp: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\n") {
        if tcp.read(&mut byte)? == 0 {
            break;
        }
        line.push(byte[0]);
    }
    Ok(line)
}

/// Waits until the client closes its side.
fn drain(tcp: &mut TcpStream) {
    let mut sink = [0u8; 1024];
    while matches!(tcp.read(&mut sink), Ok(n) if n > 0) {}
}

/// A purpose-written server's whole conversation.
type Misbehaviour = fn(TcpStream) -> io::Result<()>;

fn closing(mut tcp: TcpStream) -> io::Result<()> {
    tcp.write_all(b"220 closing.test ESMTP\r\n")?;
    read_line(&mut tcp)?; // EHLO
    tcp.shutdown(std::net::Shutdown::Both)
}

fn injecting(mut tcp: TcpStream) -> io::Result<()> {
    tcp.write_all(b"220 injecting.test ESMTP\r\n")?;
    read_line(&mut tcp)?;
    tcp.write_all(b"250-injecting.test\r\n250 STARTTLS\r\n")?;
    read_line(&mut tcp)?;
    // The STARTTLS answer and, in the same write, a forged reply that a
    // careless client would take as coming over TLS.
    tcp.write_all(b"220 go ahead\r\n250 AUTH PLAIN\r\n")?;
    drain(&mut tcp);
    Ok(())
}

fn silent(mut tcp: TcpStream) -> io::Result<()> {
    drain(&mut tcp);
    Ok(())
}

/// How a scripted (hostile or broken) server misbehaves. It speaks just
/// enough SMTP and TLS to get the probe where the misbehaviour matters.
#[derive(Clone, Copy, Debug)]
pub enum Script {
    /// The greeting arrives one byte at a time, for ever.
    TrickleBanner,
    /// A continuation line of the greeting trickles.
    TrickleContinuation,
    /// The answer to AUTH trickles.
    TrickleAuthReply,
    /// Implicit TLS: the answer to the ClientHello is a handshake record
    /// that trickles in a byte at a time.
    TrickleHandshake,
    /// EHLO replies far longer than the display cut, STARTTLS and AUTH last.
    LongEhlo,
    /// AUTH answered with 334 (a challenge nobody asked for).
    Auth334,
    /// AUTH answered with 250.
    Auth250,
    /// A 535 that echoes the password split over two lines.
    EchoSplit,
    /// A 535 that echoes the password after 400 characters of padding.
    EchoPastCut,
    /// A 535 that echoes the password with a space between its characters.
    EchoSpaced,
}

/// Sends one byte every 200 ms until the client goes (bounded: a minute).
fn trickle<W: Write>(w: &mut W) {
    for _ in 0..300 {
        if w.write_all(b"x").and_then(|()| w.flush()).is_err() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

fn ehlo_reply(long: bool, last: &str) -> Vec<u8> {
    let mut r = b"250-scripted.test\r\n".to_vec();
    if long {
        for i in 0..12 {
            r.extend_from_slice(format!("250-X-FILLER-{i:02}-{}\r\n", "F".repeat(30)).as_bytes());
        }
    }
    r.extend_from_slice(format!("250 {last}\r\n").as_bytes());
    r
}

/// The password from an `AUTH PLAIN <base64>` line.
fn plain_password(line: &[u8]) -> String {
    use base64::Engine as _;
    let text = String::from_utf8_lossy(line);
    let blob = text.trim().rsplit(' ').next().unwrap_or("");
    let raw = base64::engine::general_purpose::STANDARD
        .decode(blob)
        .unwrap_or_default();
    let pass = raw.split(|&b| b == 0).nth(2).unwrap_or(&[]);
    String::from_utf8_lossy(pass).into_owned()
}

fn scripted(tcp: TcpStream, config: &Arc<ServerConfig>, script: Script) -> io::Result<()> {
    let mut plain = Lines {
        s: tcp,
        buf: Vec::new(),
    };
    match script {
        Script::TrickleBanner => {
            plain.s.write_all(b"220 ")?;
            trickle(&mut plain.s);
            return Ok(());
        }
        Script::TrickleContinuation => {
            plain.s.write_all(b"220-scripted.test\r\n220-")?;
            trickle(&mut plain.s);
            return Ok(());
        }
        Script::TrickleHandshake => {
            // The ClientHello's record header, then a handshake record of
            // 16 KiB announced and sent a byte at a time.
            let mut header = [0u8; 5];
            plain.s.read_exact(&mut header)?;
            plain.s.write_all(&[0x16, 0x03, 0x03, 0x40, 0x00])?;
            trickle(&mut plain.s);
            return Ok(());
        }
        _ => {}
    }
    let long = matches!(script, Script::LongEhlo);
    plain.s.write_all(b"220 scripted.test ESMTP\r\n")?;
    plain.line()?; // EHLO
    plain.s.write_all(&ehlo_reply(long, "STARTTLS"))?;
    plain.line()?; // STARTTLS
    plain.s.write_all(b"220 go ahead\r\n")?;
    let mut tls = Lines {
        s: tls_accept(config, plain.s)?,
        buf: Vec::new(),
    };
    tls.line()?; // EHLO
    tls.s.write_all(&ehlo_reply(long, "AUTH PLAIN LOGIN"))?;
    tls.s.flush()?;
    let auth = tls.line()?.unwrap_or_default();
    let password = plain_password(&auth);
    let (half1, half2) = password.split_at(password.len() / 2);
    let answer = match script {
        Script::TrickleAuthReply => {
            tls.s.write_all(b"235")?;
            trickle(&mut tls.s);
            return Ok(());
        }
        Script::LongEhlo => "235 Authentication successful.\r\n".to_string(),
        Script::Auth334 => "334 \r\n".to_string(),
        Script::Auth250 => "250 OK\r\n".to_string(),
        Script::EchoSplit => format!("535-you sent {half1}\r\n535 {half2}, which is wrong\r\n"),
        Script::EchoPastCut => format!("535-{}\r\n535 you sent {password}\r\n", "p".repeat(400)),
        Script::EchoSpaced => {
            let spaced: Vec<String> = password.chars().map(String::from).collect();
            format!("535 you sent {}, which is wrong\r\n", spaced.join(" "))
        }
        Script::TrickleBanner | Script::TrickleContinuation | Script::TrickleHandshake => {
            unreachable!()
        }
    };
    tls.s.write_all(answer.as_bytes())?;
    tls.s.flush()?;
    while let Some(line) = tls.line()? {
        if line.starts_with(b"QUIT") {
            tls.s.write_all(b"221 bye\r\n")?;
            tls.s.flush()?;
            break;
        }
    }
    Ok(())
}

struct Certs {
    ca_pem: String,
    localhost: Arc<ServerConfig>,
    wrong_host: Arc<ServerConfig>,
}

fn certs() -> Certs {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.distinguished_name
        .push(DnType::CommonName, "ses-smtp-password test CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let server = |name: &str| {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(vec![name.to_string()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let cert = params.signed_by(&key, &issuer).unwrap();
        let chain = vec![CertificateDer::from(cert.der().to_vec())];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let config =
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(chain, key)
                .unwrap();
        Arc::new(config)
    };
    Certs {
        ca_pem: ca_cert.pem(),
        localhost: server("localhost"),
        wrong_host: server("wrong.example"),
    }
}

/// One set of servers for the whole test binary, expecting `password`.
pub fn start(password: &str) -> Servers {
    let expected: Arc<str> = Arc::from(password);
    start_checking(Arc::new(move |_, p| p == &*expected))
}

/// The same servers, accepting what `check` accepts.
pub fn start_checking(check: Check) -> Servers {
    let dir = tempfile::tempdir().unwrap();
    let certs = certs();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &certs.ca_pem).unwrap();
    let log: EventLog = Arc::default();
    let both = vec![AuthMechanism::Plain, AuthMechanism::Login];
    let starttls = Setup {
        tls: Some(certs.localhost.clone()),
        implicit: false,
        mechanisms: both.clone(),
        answer: AuthAnswer::Check,
        plaintext_auth: false,
        relay: false,
    };
    let mailin = |setup: Setup| {
        let (check, log) = (check.clone(), log.clone());
        listen(move |tcp| {
            let _ = serve_mailin(tcp, &setup, &check, &log);
        })
    };
    let mut ports = HashMap::new();
    ports.insert("starttls", mailin(starttls.clone()));
    ports.insert(
        "implicit",
        mailin(Setup {
            implicit: true,
            ..starttls.clone()
        }),
    );
    ports.insert(
        "login_only",
        mailin(Setup {
            mechanisms: vec![AuthMechanism::Login],
            ..starttls.clone()
        }),
    );
    ports.insert(
        "rejecting",
        mailin(Setup {
            answer: AuthAnswer::Fixed(535, "Authentication Credentials Invalid"),
            ..starttls.clone()
        }),
    );
    ports.insert(
        "throttled",
        mailin(Setup {
            answer: AuthAnswer::Fixed(454, "Temporary service failure"),
            ..starttls.clone()
        }),
    );
    ports.insert(
        "no_auth",
        mailin(Setup {
            mechanisms: vec![],
            ..starttls.clone()
        }),
    );
    // No STARTTLS, and AUTH offered in the clear: the probe must still
    // never send credentials.
    ports.insert(
        "no_starttls",
        mailin(Setup {
            tls: None,
            plaintext_auth: true,
            ..starttls.clone()
        }),
    );
    ports.insert(
        "wrong_host",
        mailin(Setup {
            tls: Some(certs.wrong_host.clone()),
            ..starttls.clone()
        }),
    );
    let raw: [(&'static str, Misbehaviour); 3] = [
        ("closing", closing),
        ("injecting", injecting),
        ("silent", silent),
    ];
    for (name, f) in raw {
        ports.insert(
            name,
            listen(move |tcp| {
                let _ = f(tcp);
            }),
        );
    }
    let scripts = [
        ("trickle_banner", Script::TrickleBanner),
        ("trickle_continuation", Script::TrickleContinuation),
        ("trickle_auth_reply", Script::TrickleAuthReply),
        ("trickle_handshake", Script::TrickleHandshake),
        ("long_ehlo", Script::LongEhlo),
        ("auth_334", Script::Auth334),
        ("auth_250", Script::Auth250),
        ("echo_split", Script::EchoSplit),
        ("echo_past_cut", Script::EchoPastCut),
        ("echo_spaced", Script::EchoSpaced),
    ];
    for (name, script) in scripts {
        let config = certs.localhost.clone();
        ports.insert(
            name,
            listen(move |tcp| {
                let _ = scripted(tcp, &config, script);
            }),
        );
    }
    Servers {
        ports,
        ca_file,
        log,
        _dir: dir,
    }
}

/// One relay, `relay`: STARTTLS with the throwaway CA's certificate for
/// localhost, AUTH PLAIN or LOGIN as `check` says, then mail taken and
/// recorded ([`Event::Delivered`]) with the user its connection logged in
/// as.
pub fn relay(check: Check) -> Servers {
    let dir = tempfile::tempdir().unwrap();
    let certs = certs();
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, &certs.ca_pem).unwrap();
    let log: EventLog = Arc::default();
    let setup = Setup {
        tls: Some(certs.localhost),
        implicit: false,
        mechanisms: vec![AuthMechanism::Plain, AuthMechanism::Login],
        answer: AuthAnswer::Check,
        plaintext_auth: false,
        relay: true,
    };
    let port = {
        let log = log.clone();
        listen(move |tcp| {
            let _ = serve_mailin(tcp, &setup, &check, &log);
        })
    };
    Servers {
        ports: HashMap::from([("relay", port)]),
        ca_file,
        log,
        _dir: dir,
    }
}

impl Servers {
    /// The messages a relay took so far: (user, message).
    pub fn delivered(&self) -> Vec<(String, String)> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter_map(|e| match e {
                Event::Delivered { user, message } => Some((user.clone(), message.clone())),
                _ => None,
            })
            .collect()
    }
}

/// The servers of this test binary, started on first use.
pub fn servers(password: &str) -> &'static Servers {
    static S: OnceLock<Servers> = OnceLock::new();
    S.get_or_init(|| start(password))
}
