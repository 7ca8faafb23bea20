//! `--endpoint HOST[:PORT]`: a host must be an IP address, `localhost` or a
//! dotted DNS name, checked before any lookup (a secret pasted here must not
//! travel to a DNS resolver).

use crate::error::{CliError, CliResult};
use ses_smtp_credentials::user_text;

/// HOST, HOST:PORT or [IPv6]:PORT. The host must be an IP address,
/// `localhost` or a dotted DNS name, checked before any lookup: a secret
/// pasted here must not travel to a DNS resolver.
pub fn split(endpoint: &str) -> CliResult<(String, Option<u16>)> {
    let (host, port) = split_host_port(endpoint)?;
    if !is_host(&host) {
        return Err(CliError::Usage(format!(
            "--endpoint {} is not a host name\n  hint: give an IP address, localhost, or a dotted name such as \
             vpce-0abc.email-smtp.us-east-1.vpce.amazonaws.com, optionally with :PORT",
            user_text(&host)
        )));
    }
    Ok((host, port))
}

/// An IP literal, `localhost`, or a DNS name of two labels or more.
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

fn split_host_port(endpoint: &str) -> CliResult<(String, Option<u16>)> {
    let bad = || {
        CliError::Usage(format!(
            "--endpoint {} must be HOST or HOST:PORT",
            user_text(endpoint)
        ))
    };
    if let Some(rest) = endpoint.strip_prefix('[') {
        let (host, after) = rest.split_once(']').ok_or_else(bad)?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().map_err(|_| bad())?),
            None if after.is_empty() => None,
            None => return Err(bad()),
        };
        return Ok((host.to_string(), port));
    }
    match endpoint.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => {
            Ok((host.to_string(), Some(port.parse().map_err(|_| bad())?)))
        }
        _ if endpoint.is_empty() || endpoint.contains(char::is_whitespace) => Err(bad()),
        _ => Ok((endpoint.to_string(), None)),
    }
}
