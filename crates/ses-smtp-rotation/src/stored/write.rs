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
    /// The SMTP endpoint, when not the region's own on port 587 (a VPC
    /// endpoint, a TLS-wrapper port): kept from the secret's earlier version.
    pub endpoint: Option<(&'a str, u16)>,
    /// Other members the secret held, kept as they were (never `username`,
    /// `password`, `host`, `port`, `region` or `iam_user`: those are
    /// written from the fields above).
    pub others: Option<&'a serde_json::Map<String, serde_json::Value>>,
}

/// The members [`secret_string`] writes itself, in order.
pub const SECRET_MEMBERS: &[&str] = &["username", "password", "host", "port", "region", "iam_user"];

/// What a Secrets Manager store receives: one JSON object
/// `{"username","password","host","port","region","iam_user"}` (by default
/// the region's host on port 587, STARTTLS; `iam_user` when known), then
/// any other members `fields` keeps, in a fixed, zeroizing buffer.
///
/// # Errors
/// [`RenderError::NeedsUsername`] when the item has no user name.
pub fn secret_string(d: &Derived, fields: &SecretFields<'_>) -> Result<FixedBuf, RenderError> {
    use serde::ser::{SerializeMap, Serializer};
    let Some(username) = &d.username else {
        return Err(RenderError::NeedsUsername);
    };
    let default_host = d.region.host();
    let (host, port) = fields
        .endpoint
        .unwrap_or((default_host.as_str(), STARTTLS_PORTS[0]));
    FixedBuf::render(|out| {
        let io = std::io::Error::other;
        let mut json = serde_json::Serializer::new(out);
        let mut map = json.serialize_map(None).map_err(io)?;
        map.serialize_entry("username", username.as_str())
            .map_err(io)?;
        map.serialize_entry("password", d.password.expose())
            .map_err(io)?;
        map.serialize_entry("host", host).map_err(io)?;
        map.serialize_entry("port", &port).map_err(io)?;
        map.serialize_entry("region", &d.region.code).map_err(io)?;
        if let Some(user) = fields.iam_user {
            map.serialize_entry("iam_user", user).map_err(io)?;
        }
        for (k, v) in fields.others.into_iter().flatten() {
            if !SECRET_MEMBERS.contains(&k.as_str()) {
                map.serialize_entry(k, v).map_err(io)?;
            }
        }
        map.end().map_err(io)
    })
}
