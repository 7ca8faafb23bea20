//! A secret's regions: each region's entry (`regions`, an object keyed by
//! region code), read and checked against the top-level members.

use super::write::MAX_REGIONS;
use ses_smtp_credentials::ResolvedRegion;
use ses_smtp_credentials::region::resolve;
use std::fmt;
use zeroize::Zeroizing;

/// One region's credentials in a secret: an entry of `regions`, or the
/// top-level members of a secret without it.
pub struct RegionEntry {
    /// The SES region the password is derived for.
    pub region: ResolvedRegion,
    /// The SMTP endpoint's host, if the secret names one.
    pub host: Option<String>,
    /// The SMTP endpoint's port, if the secret names one.
    pub port: Option<u16>,
    pub(super) password: Zeroizing<String>,
}

impl RegionEntry {
    /// The SMTP password for this region.
    pub fn password(&self) -> &str {
        &self.password
    }

    /// The host and port to log in to: the secret's, else SES's endpoint
    /// of the region on 587.
    pub fn endpoint(&self) -> (String, u16) {
        (
            self.host.clone().unwrap_or_else(|| self.region.host()),
            self.port
                .unwrap_or(ses_smtp_credentials::region::STARTTLS_PORTS[0]),
        )
    }
}

impl fmt::Debug for RegionEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RegionEntry")
            .field("region", &self.region.code)
            .field("password", &"[REDACTED]")
            .field("host", &self.host)
            .field("port", &self.port)
            .finish()
    }
}

/// A host the secret names: a DNS name or address, nothing a login could
/// be steered with.
pub(super) fn check_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// A port member: a number, or a number written as a string.
pub(super) fn port_of(v: &serde_json::Value) -> Option<u16> {
    match v {
        serde_json::Value::Number(n) => n.as_u64(),
        // A port written as a string ("587") is still a port.
        serde_json::Value::String(s) => s.parse::<u64>().ok(),
        _ => None,
    }
    .and_then(|p| u16::try_from(p).ok())
    .filter(|p| *p != 0)
}

/// The `regions` member: an object keyed by SES SMTP region code, in the
/// order written, at most [`MAX_REGIONS`], each entry `{"password", "host",
/// "port"}`; the first region is the top-level `region`, and its entry
/// says what the top-level members say. The error is why it is not (the
/// words after "the secret's \"regions\" member").
pub(super) fn regions(
    listed: &serde_json::Value,
    top: &RegionEntry,
) -> Result<Vec<RegionEntry>, String> {
    let bad = |why: String| why;
    let serde_json::Value::Object(listed) = listed else {
        return Err(bad(
            "is not an object keyed by region code, each {\"password\", \"host\", \"port\"}".into(),
        ));
    };
    if listed.is_empty() || listed.len() > MAX_REGIONS {
        return Err(bad(format!(
            "holds {} regions; it holds 1 to {MAX_REGIONS}",
            listed.len()
        )));
    }
    let mut out: Vec<RegionEntry> = Vec::with_capacity(listed.len());
    for (n, (code, entry)) in listed.iter().enumerate() {
        let at = n + 1;
        let region = resolve(code, false)
            .ok()
            .filter(|r| r.code == *code)
            .ok_or_else(|| {
                bad(format!(
                    "names, as its region {at}, what is not an SES SMTP region code"
                ))
            })?;
        let serde_json::Value::Object(entry) = entry else {
            return Err(bad(format!(
                "holds, for {code}, what is not an object {{\"password\", \"host\", \"port\"}}"
            )));
        };
        let password = match entry.get("password") {
            Some(serde_json::Value::String(p)) => Zeroizing::new(p.clone()),
            None | Some(serde_json::Value::Null) => {
                return Err(bad(format!("has no \"password\" for {code}")));
            }
            Some(_) => {
                return Err(bad(format!(
                    "holds, for {code}, a \"password\" that is not a string"
                )));
            }
        };
        let host = match entry.get("host") {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(h)) if check_host(h) => Some(h.clone()),
            Some(_) => {
                return Err(bad(format!(
                    "holds, for {code}, a \"host\" that is not a host name (letters, digits, dots and hyphens)"
                )));
            }
        };
        let port = match entry.get("port") {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => Some(port_of(v).ok_or_else(|| {
                bad(format!(
                    "holds, for {code}, a \"port\" that is not a TCP port (1 to 65535)"
                ))
            })?),
        };
        out.push(RegionEntry {
            region,
            host,
            port,
            password,
        });
    }
    let first = &out[0];
    if first.region.code != top.region.code {
        return Err(bad(format!(
            "starts with {}, and the top-level \"region\" is {}: the first region's entry is the top-level members'",
            first.region.code, top.region.code
        )));
    }
    // The top-level members are the first region's entry: a secret where
    // they disagree was edited half-way, and either could be the stale one.
    let same_password = first.password.as_bytes() == top.password.as_bytes();
    if !same_password
        || (first.host.is_some() && first.host != top.host)
        || (first.port.is_some() && first.port != top.port)
    {
        return Err(bad(format!(
            "has a {} entry that disagrees with the top-level members (password, host or port): \
             the first region's entry is the top-level members'",
            first.region.code
        )));
    }
    Ok(out)
}
