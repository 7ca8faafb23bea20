//! The least-privilege IAM policies the tool prints, one module per
//! principal: the SMTP user's (`sending`), the operator's who runs
//! `rotate`, `retire` and `keys` (`operator`), the reader's who runs `sync`
//! (`reader`) and the rotation function's (`rotator`). Every action in
//! them comes from the one list of calls (`crate::calls`).

use serde_json::Value;
pub use ses_smtp_credentials::region::{dns_suffix, partition};
use std::fmt;

pub(crate) mod operator;
pub(crate) mod reader;
pub(crate) mod rotator;
pub(crate) mod sending;

/// An IAM policy document, as IAM reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDocument(pub(crate) Value);

impl PolicyDocument {
    /// The document as JSON, indented two spaces, without a final newline.
    pub fn to_json(&self) -> String {
        // A `Value` of maps, arrays and strings always serializes.
        serde_json::to_string_pretty(&self.0).unwrap_or_default()
    }
}

impl fmt::Display for PolicyDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}

/// Whether `text` is 12 digits.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}
