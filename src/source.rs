//! Where the secret comes from: a file, standard input, the environment, an
//! AWS CLI profile or a no-echo prompt. Exactly one source is used.

use crate::error::{CliError, CliResult};
use crate::files::{FileId, SmallFile, read_capped, read_small_file, read_stdin};
use crate::settle::{Env, ReadFrom, Secret};
use crate::terminal::prompt_hidden;
use ses_smtp_credentials::{
    AccessKeyId, Credentials, SecretPolicy, Shape, parse_access_key_id, parse_input,
    parse_raw_secret,
};
use ses_smtp_credentials::{InputError, KeyIdProblem, TemporaryEvidence};
use ses_smtp_credentials::{user_path, user_text};
use std::ffi::OsString;
use std::fs::File;
use std::path::Path;
use zeroize::Zeroizing;

/// Where the secret was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    File(String),
    Stdin,
    Env,
    Prompt,
    Profile { name: String, file: String },
}

impl Origin {
    /// How error messages name the source.
    pub fn label(&self) -> String {
        match self {
            Origin::Profile { name, file } => format!("profile {name} in {file}"),
            Origin::File(p) => format!("--secret-file {p}"),
            Origin::Stdin => "standard input".into(),
            Origin::Env => "AWS_SECRET_ACCESS_KEY".into(),
            Origin::Prompt => "the prompt".into(),
        }
    }
}

/// The secret, the key ID that came with it (if any), and where from.
pub struct Sourced {
    pub credentials: Credentials,
    pub origin: Origin,
    /// The profile's configured region, when the secret came from a profile.
    pub profile_region: Option<String>,
    /// Files the secret was read from, by device and inode (for --out's
    /// same-file check).
    pub input_ids: Vec<FileId>,
}

impl Sourced {
    /// For the text output: where the secret came from and in what shape.
    pub fn describe(&self) -> String {
        let place = match &self.origin {
            Origin::Profile { name, file } => format!("profile {name} ({file})"),
            Origin::File(p) => format!("file {p}"),
            Origin::Stdin => "standard input".into(),
            Origin::Env => "the environment (AWS_SECRET_ACCESS_KEY)".into(),
            Origin::Prompt => "the prompt".into(),
        };
        match self.credentials.shape {
            Shape::Raw => place,
            shape => format!("{place}, {}", shape.describe()),
        }
    }
}

pub const NO_INPUT: &str = "no secret access key was given
  Give it in one of these ways (never as a command-line argument):
    ... | ses-smtp-password ...     pipe the secret, the JSON of `aws iam create-access-key`,
                                    or the IAM console's CSV file on standard input
    --secret-file PATH              read it from a file
    --profile NAME (or AWS_PROFILE) read an AWS CLI profile's long-term key
    AWS_SECRET_ACCESS_KEY=...       set it (and AWS_ACCESS_KEY_ID) in the environment
    run it on a terminal            to be asked for it without echo";

/// A variable's bytes, in a zeroizing buffer.
pub fn env_bytes(env: &Env, name: &str) -> Option<Zeroizing<Vec<u8>>> {
    use std::os::unix::ffi::OsStringExt;
    env.var_os(name)
        .map(|v: OsString| Zeroizing::new(v.into_vec()))
}

fn parse(bytes: &[u8], policy: SecretPolicy, origin: Origin) -> CliResult<Sourced> {
    let credentials = parse_input(bytes, policy).map_err(CliError::input(origin.label()))?;
    Ok(Sourced {
        credentials,
        origin,
        profile_region: None,
        input_ids: Vec::new(),
    })
}

fn from_file(path: &Path, policy: SecretPolicy) -> CliResult<Sourced> {
    let shown = user_path(path);
    let file = File::open(path).map_err(CliError::io(format!(
        "could not open --secret-file {shown}"
    )))?;
    let meta = file.metadata().map_err(CliError::io(format!(
        "could not read --secret-file {shown}"
    )))?;
    if meta.is_dir() {
        return Err(CliError::Io(format!(
            "--secret-file {shown} is a directory; give the file that holds the secret"
        )));
    }
    let bytes = read_capped(file).map_err(CliError::io(format!(
        "could not read --secret-file {shown}"
    )))?;
    if bytes.is_empty() {
        return Err(CliError::NoInput(format!("--secret-file {shown} is empty")));
    }
    let mut found = parse(&bytes, policy, Origin::File(shown))?;
    found.input_ids.push(FileId::of(&meta));
    Ok(found)
}

fn from_env(policy: SecretPolicy, env: &Env) -> CliResult<Option<Sourced>> {
    let Some(secret) = env_bytes(env, "AWS_SECRET_ACCESS_KEY") else {
        return Ok(None);
    };
    if secret.trim_ascii().is_empty() {
        return Err(CliError::NoInput(
            "AWS_SECRET_ACCESS_KEY is set but empty\n  hint: check the variable or secret that should fill it".into(),
        ));
    }
    let set = |name: &str| env_bytes(env, name).is_some_and(|t| !t.trim_ascii().is_empty());
    for (name, evidence) in [
        ("AWS_SESSION_TOKEN", TemporaryEvidence::SessionTokenEnv),
        ("AWS_SECURITY_TOKEN", TemporaryEvidence::SecurityTokenEnv),
    ] {
        if set(name) {
            return Err(CliError::input("the environment")(InputError::Temporary(
                evidence,
            )));
        }
    }
    let secret =
        parse_raw_secret(&secret, policy).map_err(CliError::input("AWS_SECRET_ACCESS_KEY"))?;
    // The ID pairs with the secret only when both come from the environment.
    // Set but not UTF-8 is a malformed ID, not an unset one.
    let access_key_id = match env.var("AWS_ACCESS_KEY_ID") {
        Ok(id) if !id.trim().is_empty() => {
            Some(parse_access_key_id(&id).map_err(CliError::input("AWS_ACCESS_KEY_ID"))?)
        }
        Err(std::env::VarError::NotUnicode(_)) => {
            return Err(CliError::input("AWS_ACCESS_KEY_ID")(InputError::KeyId(
                KeyIdProblem::NotUtf8,
            )));
        }
        _ => None,
    };
    Ok(Some(Sourced {
        credentials: Credentials::raw(secret, access_key_id),
        origin: Origin::Env,
        profile_region: None,
        input_ids: Vec::new(),
    }))
}

fn from_prompt(policy: SecretPolicy) -> CliResult<Sourced> {
    let typed = prompt_hidden("IAM secret access key (input hidden): ")
        .map_err(CliError::io("could not read the secret from the terminal"))?;
    let secret =
        parse_raw_secret(typed.as_bytes(), policy).map_err(CliError::input("the prompt"))?;
    Ok(Sourced {
        credentials: Credentials::raw(secret, None),
        origin: Origin::Prompt,
        profile_region: None,
        input_ids: Vec::new(),
    })
}

/// AWS CLI profile files are larger than one key, but never this large.
const MAX_PROFILE_FILE: usize = 1 << 20;

/// Reads a profile file, if it exists, as UTF-8 text.
fn read_profile_file(path: &Path) -> CliResult<Option<(Zeroizing<String>, FileId)>> {
    if std::fs::metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return Ok(None);
    }
    let label = user_path(path);
    let (mut buf, id) = read_small_file(
        path,
        &SmallFile {
            label: &label,
            cap: MAX_PROFILE_FILE,
            not_a: "an AWS CLI file",
            too_large: CliError::BadInput,
        },
    )?;
    match String::from_utf8(std::mem::take(&mut *buf)) {
        Ok(text) => Ok(Some((Zeroizing::new(text), id))),
        Err(e) => {
            let mut bytes = e.into_bytes();
            zeroize::Zeroize::zeroize(&mut bytes);
            Err(CliError::BadInput(format!("{label} is not UTF-8 text")))
        }
    }
}

fn from_profile(name: &str, policy: SecretPolicy, env: &Env) -> CliResult<Sourced> {
    use ses_smtp_credentials::profile::{self, File as Which};
    let shown = user_text(name);
    let (creds_path, config_path) = profile::locations(|v| env.var(v).ok());
    let creds = read_profile_file(&creds_path)?;
    let config = read_profile_file(&config_path)?;
    let both = format!("{} nor {}", user_path(&creds_path), user_path(&config_path));
    if creds.is_none() && config.is_none() {
        return Err(CliError::NoInput(format!(
            "--profile {shown}: neither {both} exists\n  hint: set AWS_SHARED_CREDENTIALS_FILE or AWS_CONFIG_FILE if the files are elsewhere"
        )));
    }
    let got = profile::credentials(
        creds.as_ref().map(|(text, _)| text.as_str()),
        config.as_ref().map(|(text, _)| text.as_str()),
        name,
        policy,
    )
    .map_err(|error| {
        let file = match error.file() {
            Some(Which::Credentials) => user_path(&creds_path),
            Some(Which::Config) => user_path(&config_path),
            None => both.replace(" nor ", " or "),
        };
        CliError::Profile {
            at: format!("profile {shown} in {file}"),
            error,
        }
    })?;
    let file = match got.file {
        Which::Credentials => user_path(&creds_path),
        Which::Config => user_path(&config_path),
    };
    // Both files hold parts of the profile: --out replaces neither.
    let input_ids = creds.iter().chain(&config).map(|(_, id)| *id).collect();
    Ok(Sourced {
        credentials: Credentials::raw(got.secret, got.access_key_id),
        origin: Origin::Profile { name: shown, file },
        profile_region: got.region,
        input_ids,
    })
}

/// Reads the secret from the settled source: standard input first when
/// the order says so (used unless empty), then the one step.
pub fn find_secret(secret: &Secret, env: &Env) -> CliResult<Sourced> {
    let policy = secret.policy;
    if secret.stdin_first {
        let bytes = read_stdin()?;
        if !bytes.is_empty() {
            return parse(&bytes, policy, Origin::Stdin);
        }
    }
    match &secret.then {
        ReadFrom::Profile(name) => from_profile(name, policy, env),
        ReadFrom::File(path) => from_file(path, policy),
        ReadFrom::Prompt => from_prompt(policy),
        ReadFrom::Stdin => {
            let bytes = read_stdin()?;
            if bytes.is_empty() {
                return Err(CliError::NoInput(
                    "--secret-file -: standard input is empty".into(),
                ));
            }
            parse(&bytes, policy, Origin::Stdin)
        }
        ReadFrom::Env => from_env(policy, env)?.ok_or_else(|| {
            CliError::NoInput(
                "--from-env: AWS_SECRET_ACCESS_KEY is not set\n  hint: set it (and AWS_ACCESS_KEY_ID), or drop --from-env and pipe the secret".into(),
            )
        }),
        ReadFrom::Nothing => Err(CliError::NoInput(NO_INPUT.into())),
    }
}

/// Settles the SMTP user name: the record's or the environment's ID (same
/// source as the secret), or --access-key-id; they must agree.
pub fn settle_username(found: &Sourced, flag: Option<&str>) -> CliResult<Option<AccessKeyId>> {
    let flag = flag
        .map(|id| parse_access_key_id(id).map_err(CliError::input("--access-key-id")))
        .transpose()?;
    match (&found.credentials.access_key_id, flag) {
        (Some(a), Some(b)) if *a != b => Err(CliError::BadInput(format!(
            "--access-key-id differs from the access key ID that came with the secret ({})\n  \
             hint: the SMTP user name must be the ID of this secret's own key; drop --access-key-id or fix it",
            found.origin.label()
        ))),
        (Some(a), _) => Ok(Some(a.clone())),
        (None, b) => Ok(b),
    }
}
