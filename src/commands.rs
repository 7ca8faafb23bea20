//! The subcommands: verify, vectors check/generate, regions.

use crate::cli::{Cli, PolicyArgs, RegionsArgs, VectorsCommand, VerdictFormat, VerifyArgs};
use crate::exit_codes::{ExitCode, Failure};
use crate::run::{named_region, write_stdout};
use crate::source;
use anyhow::{Context, Result};
use clap::CommandFactory;
use ses_smtp_credentials::input::MAX_INPUT;
use ses_smtp_credentials::region::{self, REGIONS, STARTTLS_PORTS, TLS_WRAPPER_PORTS};
use ses_smtp_credentials::vectors::{self, Stream};
use ses_smtp_credentials::verify::{self, Malformed, Verdict};
use std::fs::File;
use std::io::{BufWriter, Write};
use zeroize::Zeroizing;

/// The password to verify: --password-file, SES_SMTP_PASSWORD, or a prompt.
fn read_password(args: &VerifyArgs) -> Result<Zeroizing<Vec<u8>>> {
    let mut bytes = if let Some(path) = &args.password_file {
        let shown = ses_smtp_credentials::redact::user_path(path);
        let mut b = if path.as_os_str() == "-" {
            source::read_stdin()?
        } else {
            let f = File::open(path)
                .with_context(|| format!("could not open --password-file {shown}"))?;
            source::read_capped(f)
                .with_context(|| format!("could not read --password-file {shown}"))?
        };
        // A text file's one final newline is not part of the password.
        if b.last() == Some(&b'\n') {
            let keep = b.len() - 1;
            b.truncate(keep);
        }
        b
    } else if let Some(b) = source::env_bytes("SES_SMTP_PASSWORD") {
        b
    } else if source::has_tty() {
        let typed = source::prompt_hidden("SES SMTP password to verify (input hidden): ")
            .context("could not read the password from the terminal")?;
        let mut b = Zeroizing::new(Vec::with_capacity(typed.len()));
        b.extend_from_slice(typed.as_bytes());
        b
    } else {
        return Err(Failure::new(
            ExitCode::NoInput,
            "no SMTP password to verify was given\n  hint: use --password-file PATH, or set SES_SMTP_PASSWORD, or run on a terminal to be asked",
        )
        .into());
    };
    if bytes.len() > MAX_INPUT {
        bytes.truncate(0);
        return Err(Failure::new(
            ExitCode::BadInput,
            format!("the password input is larger than {MAX_INPUT} bytes"),
        )
        .into());
    }
    Ok(bytes)
}

fn reason(v: &Verdict) -> &'static str {
    match v {
        Verdict::Match { .. } => "match",
        Verdict::OtherRegion { .. } => "other_region",
        Verdict::V2 => "version_2",
        Verdict::NoMatch { .. } => "no_match",
        Verdict::Malformed(m) => match m {
            Malformed::Empty => "malformed_empty",
            Malformed::UrlEncoded { .. } => "malformed_url_encoded",
            Malformed::LineBreak { .. } => "malformed_line_break",
            Malformed::Whitespace { .. } => "malformed_whitespace",
            Malformed::Length { .. } => "malformed_length",
            Malformed::NotBase64 { .. } => "malformed_not_base64",
            Malformed::VersionByte => "malformed_version_byte",
        },
    }
}

pub fn verify(args: VerifyArgs) -> Result<ExitCode> {
    let region = match named_region(args.region.as_deref()) {
        Some((name, from)) => {
            Some(region::resolve(&name, args.allow_unknown_region).context(from)?)
        }
        None => None,
    };
    let stdin_free = args
        .password_file
        .as_ref()
        .is_none_or(|p| p.as_os_str() != "-");
    let password = read_password(&args)?;
    let found = source::find_secret(&args.secret, stdin_free)?;
    source::settle_username(&found, args.secret.access_key_id.as_deref())?;
    let verdict = verify::verify(
        &found.credentials.secret,
        &password,
        region.as_ref().map(|r| r.code.as_str()),
    );
    let out = match args.format {
        VerdictFormat::Text => format!("{verdict}\n"),
        VerdictFormat::Json => {
            let v = serde_json::json!({
                "match": verdict.is_match(),
                "version": verdict.version(),
                "region": verdict.region(),
                "reason": reason(&verdict),
                "message": verdict.to_string(),
            });
            format!("{v}\n")
        }
    };
    write_stdout(out.as_bytes())?;
    Ok(if verdict.is_match() {
        ExitCode::Success
    } else {
        ExitCode::Mismatch
    })
}

/// A vector line is a few hundred bytes; one longer than this is reported
/// and skipped.
const MAX_LINE: usize = 64 * 1024;
/// A file with no line end in this many bytes (`/dev/zero`) is not read on.
const MAX_SKIP: usize = 1 << 20;

enum LineRead {
    Line,
    End,
    /// Longer than [`MAX_LINE`]; the rest of it was skipped.
    TooLong,
    /// No line end within [`MAX_SKIP`] bytes.
    NoLineEnd,
}

/// Reads one line into `line` (at most [`MAX_LINE`] bytes held), so that
/// memory stays bounded whatever the file holds.
fn next_line(reader: &mut dyn std::io::BufRead, line: &mut Vec<u8>) -> std::io::Result<LineRead> {
    use std::io::{BufRead, Read};
    let n = (&mut *reader)
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', line)?;
    if n == 0 {
        return Ok(LineRead::End);
    }
    if line.len() <= MAX_LINE || line.ends_with(b"\n") {
        return Ok(LineRead::Line);
    }
    line.clear();
    let mut skipped = 0;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(LineRead::TooLong);
        }
        if let Some(i) = buf.iter().position(|&b| b == b'\n') {
            reader.consume(i + 1);
            return Ok(LineRead::TooLong);
        }
        let len = buf.len();
        reader.consume(len);
        skipped += len;
        if skipped > MAX_SKIP {
            return Ok(LineRead::NoLineEnd);
        }
    }
}

/// A vector file, read line by line so that a large file is never held
/// whole in memory.
fn open_vector_file(path: &std::path::Path) -> Result<Box<dyn std::io::BufRead>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::BufReader::new(std::io::stdin())));
    }
    let f = File::open(path).with_context(|| {
        format!(
            "could not read {}",
            ses_smtp_credentials::redact::user_path(path)
        )
    })?;
    Ok(Box::new(std::io::BufReader::new(f)))
}

pub fn vectors(cmd: VectorsCommand) -> Result<ExitCode> {
    crate::run::check_stdout_open()?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let code = match cmd {
        VectorsCommand::Check { files } => {
            let (mut passed, mut failed) = (0usize, 0usize);
            for path in &files {
                let mut reader = open_vector_file(path)?;
                let name = ses_smtp_credentials::redact::user_path(path);
                let mut raw = Vec::new();
                let mut number = 0usize;
                loop {
                    raw.clear();
                    let read = next_line(&mut reader, &mut raw)
                        .with_context(|| format!("could not read {name}"))?;
                    number += 1;
                    match read {
                        LineRead::End => break,
                        LineRead::Line => {}
                        LineRead::TooLong => {
                            failed += 1;
                            writeln!(
                                out,
                                "{name}:{number}: MALFORMED: the line is longer than {MAX_LINE} bytes"
                            )?;
                            continue;
                        }
                        LineRead::NoLineEnd => {
                            failed += 1;
                            writeln!(
                                out,
                                "{name}:{number}: MALFORMED: no line end within {MAX_SKIP} bytes; \
                                 not a vector file, stopped reading it"
                            )?;
                            break;
                        }
                    }
                    let Ok(line) = std::str::from_utf8(&raw) else {
                        failed += 1;
                        writeln!(out, "{name}:{number}: MALFORMED: not UTF-8 text")?;
                        continue;
                    };
                    match vectors::check_line(line.trim_end_matches(['\n', '\r'])) {
                        Ok(None) => {}
                        Ok(Some(c)) if c.ok => passed += 1,
                        Ok(Some(c)) => {
                            failed += 1;
                            let region = c.region.as_deref().unwrap_or("(none)");
                            writeln!(
                                out,
                                "{name}:{number}: FAILED: version {} region {region}: the password does not match the secret",
                                c.version
                            )?;
                        }
                        Err(e) => {
                            failed += 1;
                            writeln!(out, "{name}:{number}: MALFORMED: {e}")?;
                        }
                    }
                }
            }
            writeln!(out, "{passed} passed, {failed} failed")?;
            if failed > 0 || passed == 0 {
                ExitCode::Mismatch
            } else {
                ExitCode::Success
            }
        }
        VectorsCommand::Generate { count, seed, v2 } => {
            let mut stream = match &seed {
                Some(s) => Stream::from_seed(s),
                None => {
                    let mut key = [0u8; 32];
                    getrandom::fill(&mut key).map_err(|e| {
                        Failure::new(ExitCode::Io, format!("could not get random bytes: {e}"))
                    })?;
                    Stream::from_key(key)
                }
            };
            for i in 0..count {
                writeln!(out, "{}", vectors::generate_line(&mut stream, i, v2))?;
            }
            ExitCode::Success
        }
    };
    out.flush().context("could not write to standard output")?;
    Ok(code)
}

pub fn regions(args: RegionsArgs) -> Result<ExitCode> {
    let text = match args.format {
        VerdictFormat::Json => {
            let rows: Vec<serde_json::Value> = REGIONS
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "region": r.code,
                        "name": r.name,
                        "smtp": r.smtp,
                        "host": r.smtp_host(),
                        "fips_host": r.fips_host(),
                        "ports": r.smtp.then(|| serde_json::json!({
                            "starttls": STARTTLS_PORTS,
                            "tls_wrapper": TLS_WRAPPER_PORTS,
                        })),
                    })
                })
                .collect();
            format!("{}\n", serde_json::to_string_pretty(&rows)?)
        }
        VerdictFormat::Text => {
            let mut s = format!(
                "SES SMTP regions (source: {}; checked {})\n\n{:<16}{:<28}{:<44}{}\n",
                region::TABLE_SOURCE,
                region::TABLE_DATE,
                "REGION",
                "NAME",
                "SMTP HOST",
                "FIPS HOST"
            );
            for r in REGIONS {
                let host = r
                    .smtp_host()
                    .unwrap_or_else(|| "no SMTP endpoint (SES API only)".into());
                let fips = r.fips_host().unwrap_or_else(|| "-".into());
                let row = format!("{:<16}{:<28}{:<44}{}", r.code, r.name, host, fips);
                s.push_str(row.trim_end());
                s.push('\n');
            }
            s.push_str("\nPorts: STARTTLS 587, 25, 2587; TLS wrapper (implicit TLS) 465, 2465\n");
            s
        }
    };
    write_stdout(text.as_bytes())?;
    Ok(ExitCode::Success)
}

pub fn policy(args: PolicyArgs) -> Result<ExitCode> {
    use ses_smtp_credentials::policy::{Scope, policy};
    if let Some(r) = &args.region {
        region::resolve(r, true).context("--region")?;
    }
    let doc = policy(&Scope {
        identity: args.identity.as_deref(),
        account_id: args.account_id.as_deref(),
        region: args.region.as_deref(),
        from_addresses: &args.from_address,
    })
    .map_err(|e| Failure::new(ExitCode::Usage, e.to_string()))?;
    write_stdout(format!("{}\n", serde_json::to_string_pretty(&doc)?).as_bytes())?;
    Ok(ExitCode::Success)
}

pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "ses-smtp-password", &mut buf);
    write_stdout(&buf)?;
    Ok(ExitCode::Success)
}

pub fn man() -> Result<ExitCode> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .context("could not render the man page")?;
    write_stdout(&buf)?;
    Ok(ExitCode::Success)
}

/// HOST, HOST:PORT or [IPv6]:PORT. The host must be an IP address,
/// `localhost` or a dotted DNS name, checked before any lookup: a secret
/// pasted here must not travel to a DNS resolver.
#[cfg(feature = "probe")]
fn split_endpoint(endpoint: &str) -> Result<(String, Option<u16>)> {
    let (host, port) = split_host_port(endpoint)?;
    if !is_host(&host) {
        return Err(Failure::new(
            ExitCode::Usage,
            format!(
                "--endpoint {} is not a host name\n  hint: give an IP address, localhost, or a dotted name such as \
                 vpce-0abc.email-smtp.us-east-1.vpce.amazonaws.com, optionally with :PORT",
                ses_smtp_credentials::redact::user_text(&host)
            ),
        )
        .into());
    }
    Ok((host, port))
}

/// An IP literal, `localhost`, or a DNS name of two labels or more.
#[cfg(feature = "probe")]
fn is_host(host: &str) -> bool {
    if host.parse::<std::net::IpAddr>().is_ok() || host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    let labels: Vec<&str> = name.split('.').collect();
    name.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(feature = "probe")]
fn split_host_port(endpoint: &str) -> Result<(String, Option<u16>)> {
    let bad = || {
        Failure::new(
            ExitCode::Usage,
            format!(
                "--endpoint {} must be HOST or HOST:PORT",
                ses_smtp_credentials::redact::user_text(endpoint)
            ),
        )
    };
    if let Some(rest) = endpoint.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(bad)?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().map_err(|_| bad())?),
            None if after.is_empty() => None,
            None => return Err(bad().into()),
        };
        return Ok((host.to_string(), port));
    }
    match endpoint.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => {
            Ok((host.to_string(), Some(port.parse().map_err(|_| bad())?)))
        }
        _ if endpoint.is_empty() || endpoint.contains(char::is_whitespace) => Err(bad().into()),
        _ => Ok((endpoint.to_string(), None)),
    }
}

#[cfg(feature = "probe")]
pub fn probe(args: crate::cli::ProbeArgs) -> Result<ExitCode> {
    use crate::probe::{Login, Outcome, Target, TlsMode, diagnosis};
    use ses_smtp_credentials::derive::derive_v4;

    let (host, endpoint_port) = match &args.endpoint {
        Some(e) => {
            let (h, p) = split_endpoint(e)?;
            (Some(h), p)
        }
        None => (None, None),
    };
    if endpoint_port.is_some() && args.port.is_some() {
        return Err(Failure::new(
            ExitCode::Usage,
            "give the port in --endpoint or with --port, not both",
        )
        .into());
    }
    let port = endpoint_port.or(args.port).unwrap_or(587);
    let tls = match (args.tls, TlsMode::for_port(port)) {
        (Some(t), _) | (None, Some(t)) => t,
        (None, None) => {
            return Err(Failure::new(
                ExitCode::Usage,
                format!("port {port} is not an SES SMTP port\n  hint: say how TLS starts there with --tls starttls or --tls implicit"),
            )
            .into());
        }
    };
    let named = named_region(args.region.as_deref());
    if let Some((name, from)) = &named {
        region::resolve(name, args.allow_unknown_region).context(*from)?;
    }
    let found = source::find_secret(&args.secret, true)?;
    let username = source::settle_username(&found, args.secret.access_key_id.as_deref())?.ok_or_else(|| {
        Failure::new(
            ExitCode::Usage,
            "probe needs the SMTP user name, and the access key ID is unknown\n  hint: pass --access-key-id AKIA… of this secret's key",
        )
    })?;
    let region = match named {
        Some((name, from)) => region::resolve(&name, args.allow_unknown_region).context(from)?,
        None => match &found.profile_region {
            Some(r) => {
                region::resolve(r, args.allow_unknown_region).context("the profile's region")?
            }
            None => {
                return Err(Failure::new(
                    ExitCode::Usage,
                    "no region given\n  hint: pass --region REGION (the password and the endpoint depend on it)",
                )
                .into());
            }
        },
    };
    let password = derive_v4(&found.credentials.secret, &region.code);
    let target = Target {
        host: host.unwrap_or_else(|| region.host()),
        port,
        tls,
        timeout: std::time::Duration::from_secs(args.timeout.max(1)),
        ca_file: args.ca_file.clone(),
        verbose: args.verbose,
    };
    let login = Login {
        username: username.as_str(),
        password: password.expose(),
    };
    let (outcome, facts) = crate::probe::probe(&target, &login)?;
    let advice = diagnosis(&outcome, &region.code, port);
    let text = match args.format {
        VerdictFormat::Json => {
            let v = serde_json::json!({
                "accepted": matches!(outcome, Outcome::Accepted { .. }),
                "outcome": outcome.kind(),
                "code": outcome.code(),
                "reply": outcome.reply(),
                "detail": outcome.detail(),
                "host": target.host,
                "port": target.port,
                "tls": tls.name(),
                "tls_version": facts.tls_version,
                "mechanism": facts.mechanism,
                "username": username.as_str(),
                "region": region.code,
                "diagnosis": advice,
            });
            format!("{v}\n")
        }
        VerdictFormat::Text => {
            let place = format!(
                "{}:{}",
                ses_smtp_credentials::redact::user_text(&target.host),
                target.port
            );
            let mut t = match &outcome {
                Outcome::Accepted { code, reply } => {
                    format!("accepted: {place} answered {code} {reply} to {username}\n")
                }
                Outcome::Rejected { code, reply } => {
                    format!("rejected: {place} answered {code} {reply}\n")
                }
                Outcome::Temporary { code, reply } => {
                    format!("temporary failure: {place} answered {code} {reply}\n")
                }
                Outcome::Tls { detail } => format!("TLS failure with {place}: {detail}\n"),
                Outcome::Network { detail, .. } => {
                    format!("network failure with {place}: {detail}\n")
                }
                Outcome::Protocol { detail } => {
                    format!("protocol failure with {place}: {detail}\n")
                }
            };
            if matches!(outcome, Outcome::Accepted { .. }) {
                t.push_str(&format!("  {}\n", advice[0]));
            } else {
                t.push_str("  likely causes, most likely first:\n");
                for (i, a) in advice.iter().enumerate() {
                    t.push_str(&format!("  {}. {a}\n", i + 1));
                }
            }
            t
        }
    };
    write_stdout(text.as_bytes())?;
    Ok(match outcome {
        Outcome::Accepted { .. } => ExitCode::Success,
        Outcome::Rejected { .. } => ExitCode::Rejected,
        Outcome::Temporary { .. } => ExitCode::Temporary,
        _ => ExitCode::Network,
    })
}
