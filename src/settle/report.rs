//! How a verdict or report is printed.

use crate::cli::VerdictFormat;

/// How a verdict or report is printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Json,
}

impl From<VerdictFormat> for ReportFormat {
    fn from(f: VerdictFormat) -> ReportFormat {
        match f {
            VerdictFormat::Text => ReportFormat::Text,
            VerdictFormat::Json => ReportFormat::Json,
        }
    }
}
