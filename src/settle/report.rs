//! How a verdict or report is printed.

use crate::cli::VerdictFormat;

/// How a verdict or report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Report {
    Text,
    Json,
}

impl From<VerdictFormat> for Report {
    fn from(f: VerdictFormat) -> Report {
        match f {
            VerdictFormat::Text => Report::Text,
            VerdictFormat::Json => Report::Json,
        }
    }
}
