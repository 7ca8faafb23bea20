//! Where the secret comes from, and in which order the sources are tried:
//! decided here from the flags and the [`Env`], read by `source`.

use super::env::Env;
use crate::cli;
use ses_smtp_credentials::SecretPolicy;
use std::path::PathBuf;

/// Where the flags say the secret comes from.
enum Source {
    /// `--secret-file PATH`.
    File(PathBuf),
    /// `--secret-file -`.
    Stdin,
    /// `--profile NAME`.
    Profile(String),
    /// `--from-env`.
    Env,
    /// The documented order: standard input, the environment, AWS_PROFILE,
    /// a prompt.
    Auto,
}

/// The one source the secret is read from (after standard input, when
/// [`Secret::stdin_first`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadFrom {
    /// `--secret-file PATH`.
    File(PathBuf),
    /// `--secret-file -`, or piped input: empty is an error.
    Stdin,
    /// AWS_SECRET_ACCESS_KEY (`--from-env`, or set).
    Env,
    /// `--profile NAME`, or AWS_PROFILE.
    Profile(String),
    /// A no-echo prompt on the terminal.
    Prompt,
    /// No source at all: the error that lists them.
    Nothing,
}

/// The settled secret: where from, the key ID typed, and how strictly the
/// secret is checked.
pub struct Secret {
    /// Standard input is read first and used unless it is empty (the
    /// documented order, when it is not a terminal and is free).
    pub stdin_first: bool,
    /// Then this.
    pub then: ReadFrom,
    /// `--access-key-id`, as typed (checked once the input is read).
    pub access_key_id: Option<String>,
    pub policy: SecretPolicy,
}

/// `stdin_free`: false when standard input carries something else
/// (verify's password).
pub(crate) fn secret(args: cli::SecretArgs, env: &Env, stdin_free: bool) -> Secret {
    let source = match (args.secret_file, args.profile, args.from_env) {
        (Some(p), _, _) if p.as_os_str() == "-" => Source::Stdin,
        (Some(p), _, _) => Source::File(p),
        (None, Some(name), _) => Source::Profile(name),
        (None, None, true) => Source::Env,
        (None, None, false) => Source::Auto,
    };
    let (stdin_first, then) = order(source, env, stdin_free);
    Secret {
        stdin_first,
        then,
        access_key_id: args.access_key_id,
        policy: SecretPolicy::default().allow_unusual(args.allow_unusual_secret),
    }
}

/// The documented order of sources (README, "Where the secret comes from").
fn order(source: Source, env: &Env, stdin_free: bool) -> (bool, ReadFrom) {
    let step = match source {
        Source::Profile(name) => ReadFrom::Profile(name),
        Source::File(path) => ReadFrom::File(path),
        // A terminal on standard input is asked, not read raw.
        Source::Stdin if env.stdin_is_tty => ReadFrom::Prompt,
        Source::Stdin => ReadFrom::Stdin,
        Source::Env => ReadFrom::Env,
        Source::Auto => {
            let stdin_first = stdin_free && !env.stdin_is_tty;
            let then = if env.var_os("AWS_SECRET_ACCESS_KEY").is_some() {
                ReadFrom::Env
            } else if let Ok(name) = env.var("AWS_PROFILE")
                && !name.trim().is_empty()
            {
                ReadFrom::Profile(name.trim().to_string())
            } else if env.stdin_is_tty || (!stdin_free && env.has_tty()) {
                ReadFrom::Prompt
            } else {
                ReadFrom::Nothing
            };
            return (stdin_first, then);
        }
    };
    (false, step)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One row per rule: the flags' source, the environment, whether
    /// standard input is a terminal, whether /dev/tty opens, whether
    /// standard input is free; the order that follows.
    #[test]
    fn the_order_of_sources() {
        let key = ("AWS_SECRET_ACCESS_KEY", "x");
        let profile = ("AWS_PROFILE", " smtp ");
        type Row<'a> = (
            &'a str,
            Source,
            Vec<(&'a str, &'a str)>,
            bool,
            bool,
            bool,
            (bool, ReadFrom),
        );
        let rows: Vec<Row> = vec![
            (
                "--profile wins over everything",
                Source::Profile("p".into()),
                vec![key],
                false,
                true,
                true,
                (false, ReadFrom::Profile("p".into())),
            ),
            (
                "--secret-file PATH",
                Source::File("k".into()),
                vec![key, profile],
                true,
                true,
                true,
                (false, ReadFrom::File("k".into())),
            ),
            (
                "--secret-file - on a terminal asks",
                Source::Stdin,
                vec![],
                true,
                true,
                true,
                (false, ReadFrom::Prompt),
            ),
            (
                "--secret-file - reads the pipe",
                Source::Stdin,
                vec![key],
                false,
                false,
                true,
                (false, ReadFrom::Stdin),
            ),
            (
                "--from-env",
                Source::Env,
                vec![],
                false,
                false,
                true,
                (false, ReadFrom::Env),
            ),
            (
                "piped input first, then the environment",
                Source::Auto,
                vec![key, profile],
                false,
                true,
                true,
                (true, ReadFrom::Env),
            ),
            (
                "set but empty still means the environment",
                Source::Auto,
                vec![("AWS_SECRET_ACCESS_KEY", ""), profile],
                false,
                false,
                true,
                (true, ReadFrom::Env),
            ),
            (
                "then AWS_PROFILE, trimmed",
                Source::Auto,
                vec![profile],
                false,
                false,
                true,
                (true, ReadFrom::Profile("smtp".into())),
            ),
            (
                "a blank AWS_PROFILE is unset",
                Source::Auto,
                vec![("AWS_PROFILE", "  ")],
                false,
                false,
                true,
                (true, ReadFrom::Nothing),
            ),
            (
                "a terminal on standard input: no pipe, a prompt",
                Source::Auto,
                vec![],
                true,
                true,
                true,
                (false, ReadFrom::Prompt),
            ),
            (
                "verify's password on the pipe: /dev/tty asks",
                Source::Auto,
                vec![],
                false,
                true,
                false,
                (false, ReadFrom::Prompt),
            ),
            (
                "verify's password on the pipe, no terminal",
                Source::Auto,
                vec![],
                false,
                false,
                false,
                (false, ReadFrom::Nothing),
            ),
            (
                "a pipe and no terminal: nothing after the pipe",
                Source::Auto,
                vec![],
                false,
                true,
                true,
                (true, ReadFrom::Nothing),
            ),
        ];
        for (rule, source, vars, stdin_tty, tty, stdin_free, want) in rows {
            let env = Env::fake(&vars, stdin_tty, tty);
            assert_eq!(order(source, &env, stdin_free), want, "{rule}");
        }
    }
}
