//! ses-smtp-password: parse, run, map the error to an exit code.

mod clap_errors;
mod cli;
mod commands;
mod exit_codes;
mod hygiene;
mod out_file;
#[cfg(feature = "probe")]
mod probe;
mod run;
mod source;

use clap::Parser;
use std::io::Write;

fn main() -> std::process::ExitCode {
    hygiene::harden();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return clap_errors::report(err).into(),
    };
    let result = match cli.command {
        None => run::run(cli.derive),
        Some(cli::Command::Verify(args)) => commands::verify(args),
        Some(cli::Command::Vectors(cmd)) => commands::vectors(cmd),
        Some(cli::Command::Regions(args)) => commands::regions(args),
        Some(cli::Command::Policy(args)) => commands::policy(args),
        #[cfg(feature = "probe")]
        Some(cli::Command::Probe(args)) => commands::probe(args),
        Some(cli::Command::Completions { shell }) => commands::completions(shell),
        Some(cli::Command::Man) => commands::man(),
    };
    match result {
        Ok(code) => code.into(),
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            exit_codes::for_error(&err).into()
        }
    }
}
