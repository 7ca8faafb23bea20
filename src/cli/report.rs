//! Reports argument errors without echoing argument values: a user who
//! puts a secret on the command line must not see it printed back (or have
//! it land in a CI log).

use crate::error::ExitCode;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use std::io::Write;

const NO_SECRETS: &str = "hint: no option takes a secret (argv shows in `ps` and shell history); \
pipe it on standard input, use --secret-file, or set AWS_SECRET_ACCESS_KEY";

fn context(err: &clap::Error, kind: ContextKind) -> Option<String> {
    match err.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        _ => None,
    }
}

/// Prints the error (help and version go to stdout, as clap does) and
/// returns the exit code.
pub fn clap_error(err: clap::Error) -> ExitCode {
    let message = match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Written and flushed explicitly: a closed standard output or a
            // full disk is an error here too.
            let text = err.render().to_string();
            return match crate::terminal::write_stdout(text.as_bytes()) {
                Ok(()) => ExitCode::Success,
                Err(e) => e.report(),
            };
        }
        // A bare word beside flags is reported as a conflict with a
        // subcommand of that name: it may be a secret, so it is not shown.
        ErrorKind::ArgumentConflict
            if err.context().any(|(_, v)| match v {
                ContextValue::String(a) => !a.starts_with('-'),
                ContextValue::Strings(v) => v.iter().any(|a| !a.starts_with('-')),
                _ => false,
            }) =>
        {
            format!(
                "error: unexpected argument (not shown, in case it is a secret)\n\n{NO_SECRETS}\n\nFor more information, try '--help'.\n"
            )
        }
        // These name arguments, never values.
        ErrorKind::ArgumentConflict
        | ErrorKind::MissingRequiredArgument
        | ErrorKind::MissingSubcommand
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => err.render().to_string(),
        // A mistyped subcommand: the word may be a secret, so it is not
        // shown; clap's suggestion (a subcommand's own name) is.
        ErrorKind::InvalidSubcommand => {
            let tip = context(&err, ContextKind::SuggestedSubcommand)
                .map(|s| format!("\n  tip: a similar subcommand exists: '{s}'"))
                .unwrap_or_default();
            format!(
                "error: unrecognized subcommand (not shown, in case it is a secret){tip}\n\n{NO_SECRETS}\n\nFor more information, try '--help'.\n"
            )
        }
        ErrorKind::UnknownArgument => {
            // Show an unknown flag's name, never a bare word or a value.
            let shown = context(&err, ContextKind::InvalidArg)
                .filter(|a| a.starts_with("--"))
                .map(|a| a.split('=').next().unwrap_or_default().to_string());
            match shown {
                Some(flag) => format!(
                    "error: unexpected argument '{}'\n\n{NO_SECRETS}\n\nFor more information, try '--help'.\n",
                    ses_smtp_credentials::user_text(&flag)
                ),
                None => format!(
                    "error: unexpected argument (not shown, in case it is a secret)\n\n{NO_SECRETS}\n\nFor more information, try '--help'.\n"
                ),
            }
        }
        _ => {
            let arg =
                context(&err, ContextKind::InvalidArg).unwrap_or_else(|| "an argument".into());
            let valid = context(&err, ContextKind::ValidValue)
                .map(|v| format!("\n  [possible values: {v}]"))
                .unwrap_or_default();
            format!(
                "error: invalid value for '{arg}' (not shown){valid}\n\nFor more information, try '--help'.\n"
            )
        }
    };
    let _ = std::io::stderr().write_all(message.as_bytes());
    ExitCode::Usage
}
