//! The stored secret's writer: what `rotate` and the rotation function put
//! in a Secrets Manager secret (the reader is this module's parent).

use ses_smtp_credentials::region::STARTTLS_PORTS;
use ses_smtp_credentials::{Derived, FixedBuf, RenderError};

/// What a Secrets Manager secret holds besides the credentials.
#[derive(Clone, Copy, Debug, Default)]
pub struct SecretFields<'a> {
    /// The IAM user whose key it is (`iam_user`): what scheduled rotation
    /// rotates.
    pub iam_user: Option<&'a str>,
    /// The SMTP endpoint of a region, when not the region's own on port
    /// 587 (a VPC endpoint, a TLS-wrapper port), as `(region, host,
    /// port)`: kept from the secret's earlier version.
    pub endpoints: &'a [(&'a str, &'a str, u16)],
    /// Write the `regions` member even for one region (the secret had it).
    pub list_regions: bool,
    /// Other members the secret held, kept as they were (never one of
    /// [`SECRET_MEMBERS`]: those are written from the fields above).
    pub others: Option<&'a serde_json::Map<String, serde_json::Value>>,
}

impl SecretFields<'_> {
    /// Where a region's entry says to log in.
    fn endpoint(&self, d: &Derived) -> (String, u16) {
        self.endpoints
            .iter()
            .find(|(r, _, _)| *r == d.region.code)
            .map_or_else(
                || (d.region.host(), STARTTLS_PORTS[0]),
                |(_, h, p)| ((*h).to_string(), *p),
            )
    }
}

/// The members [`secret_string`] writes itself, in order.
pub const SECRET_MEMBERS: &[&str] = &[
    "username", "password", "host", "port", "region", "iam_user", "regions",
];

/// The most regions one secret holds.
pub const MAX_REGIONS: usize = 10;

/// What a Secrets Manager store receives: one JSON object
/// `{"username","password","host","port","region","iam_user"}` for the
/// first of `items` (by default the region's host on port 587, STARTTLS;
/// `iam_user` when known); with several items (or
/// [`SecretFields::list_regions`]) `regions`, an object keyed by region
/// code, each `{"password","host","port"}`, in the items' order, the first
/// included; then any other members `fields` keeps; in a fixed, zeroizing
/// buffer.
///
/// # Errors
/// [`RenderError::NeedsUsername`] when the first item has no user name;
/// [`RenderError::NotOneKey`] when the items are not one key's (none, more
/// than [`MAX_REGIONS`], user names that differ, a region twice).
pub fn secret_string(
    items: &[Derived],
    fields: &SecretFields<'_>,
) -> Result<FixedBuf, RenderError> {
    use serde::ser::{SerializeMap, Serializer};
    let Some(first) = items.first() else {
        return Err(RenderError::NotOneKey);
    };
    let Some(username) = &first.username else {
        return Err(RenderError::NeedsUsername);
    };
    let one_key = items.len() <= MAX_REGIONS
        && items.iter().enumerate().all(|(i, d)| {
            d.username.as_ref().map(|u| u.as_str()) == Some(username.as_str())
                && items[..i].iter().all(|e| e.region.code != d.region.code)
        });
    if !one_key {
        return Err(RenderError::NotOneKey);
    }
    let endpoints: Vec<(String, u16)> = items.iter().map(|d| fields.endpoint(d)).collect();
    FixedBuf::render(|out| {
        let io = std::io::Error::other;
        let mut json = serde_json::Serializer::new(out);
        let mut map = json.serialize_map(None).map_err(io)?;
        map.serialize_entry("username", username.as_str())
            .map_err(io)?;
        map.serialize_entry("password", first.password.expose())
            .map_err(io)?;
        map.serialize_entry("host", &endpoints[0].0).map_err(io)?;
        map.serialize_entry("port", &endpoints[0].1).map_err(io)?;
        map.serialize_entry("region", &first.region.code)
            .map_err(io)?;
        if let Some(user) = fields.iam_user {
            map.serialize_entry("iam_user", user).map_err(io)?;
        }
        if items.len() > 1 || fields.list_regions {
            map.serialize_entry("regions", &Regions(items, &endpoints))
                .map_err(io)?;
        }
        for (k, v) in fields.others.into_iter().flatten() {
            if !SECRET_MEMBERS.contains(&k.as_str()) {
                map.serialize_entry(k, v).map_err(io)?;
            }
        }
        map.end().map_err(io)
    })
}

/// The `regions` member, written straight into the buffer (no copy of a
/// password on the way).
struct Regions<'a>(&'a [Derived], &'a [(String, u16)]);

impl serde::Serialize for Regions<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (d, (host, port)) in self.0.iter().zip(self.1) {
            map.serialize_entry(&d.region.code, &Entry(d, host, *port))?;
        }
        map.end()
    }
}

struct Entry<'a>(&'a Derived, &'a str, u16);

impl serde::Serialize for Entry<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("password", self.0.password.expose())?;
        map.serialize_entry("host", self.1)?;
        map.serialize_entry("port", &self.2)?;
        map.end()
    }
}
