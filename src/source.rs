//! Where the secret comes from: a file, standard input, the environment or a
//! no-echo prompt. Exactly one source is used.

use crate::cli::SecretArgs;
use crate::exit_codes::{ExitCode, Failure};
use crate::out_file::FileId;
use anyhow::{Context, Result};
use ses_smtp_credentials::error::{InputError, TemporaryEvidence};
use ses_smtp_credentials::input::{
    self, AccessKeyId, Credentials, MAX_INPUT, SecretPolicy, Shape, parse_access_key_id,
};
use ses_smtp_credentials::redact::{user_path, user_text};
use std::ffi::OsString;
use std::fs::File;
use std::io::{IsTerminal, Read};
use std::os::fd::AsFd;
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
pub struct Found {
    pub credentials: Credentials,
    pub origin: Origin,
    /// The profile's configured region, when the secret came from a profile.
    pub profile_region: Option<String>,
    /// Files the secret was read from, by device and inode (for --out's
    /// same-file check).
    pub input_ids: Vec<FileId>,
}

impl Found {
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

/// Reads at most `MAX_INPUT + 1` bytes into a buffer sized once, so the
/// secret is never copied by a reallocation. The reader must be unbuffered.
pub fn read_capped(mut reader: impl Read) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut buf = Zeroizing::new(vec![0u8; MAX_INPUT + 1]);
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(filled);
    Ok(buf)
}

/// Standard input as an unbuffered file, so no copy lands in std's buffer.
fn stdin_file() -> std::io::Result<File> {
    Ok(File::from(std::io::stdin().as_fd().try_clone_to_owned()?))
}

/// Standard input's file, when it is one (`< key.txt`), by device and
/// inode.
pub fn stdin_id() -> Option<FileId> {
    let meta = stdin_file().ok()?.metadata().ok()?;
    meta.is_file().then(|| FileId::of(&meta))
}

pub fn read_stdin() -> Result<Zeroizing<Vec<u8>>> {
    match stdin_file() {
        Ok(f) => read_capped(f).context("could not read standard input"),
        // A closed descriptor 0 is the same as no input.
        Err(_) => Ok(Zeroizing::new(Vec::new())),
    }
}

pub fn env_bytes(name: &str) -> Option<Zeroizing<Vec<u8>>> {
    use std::os::unix::ffi::OsStringExt;
    std::env::var_os(name).map(|v: OsString| Zeroizing::new(v.into_vec()))
}

fn parse(bytes: &[u8], policy: SecretPolicy, origin: Origin) -> Result<Found> {
    let credentials = input::parse_input(bytes, policy).with_context(|| origin.label())?;
    Ok(Found {
        credentials,
        origin,
        profile_region: None,
        input_ids: Vec::new(),
    })
}

fn from_file(path: &Path, policy: SecretPolicy) -> Result<Found> {
    let shown = user_path(path);
    let file = File::open(path).with_context(|| format!("could not open --secret-file {shown}"))?;
    let meta = file
        .metadata()
        .with_context(|| format!("could not read --secret-file {shown}"))?;
    if meta.is_dir() {
        return Err(Failure::new(
            ExitCode::Io,
            format!("--secret-file {shown} is a directory; give the file that holds the secret"),
        )
        .into());
    }
    let bytes =
        read_capped(file).with_context(|| format!("could not read --secret-file {shown}"))?;
    if bytes.is_empty() {
        return Err(
            Failure::new(ExitCode::NoInput, format!("--secret-file {shown} is empty")).into(),
        );
    }
    let mut found = parse(&bytes, policy, Origin::File(shown))?;
    found.input_ids.push(FileId::of(&meta));
    Ok(found)
}

fn from_env(policy: SecretPolicy) -> Result<Option<Found>> {
    let Some(secret) = env_bytes("AWS_SECRET_ACCESS_KEY") else {
        return Ok(None);
    };
    if secret.trim_ascii().is_empty() {
        return Err(Failure::new(
            ExitCode::NoInput,
            "AWS_SECRET_ACCESS_KEY is set but empty\n  hint: check the variable or secret that should fill it",
        )
        .into());
    }
    let set = |name: &str| env_bytes(name).is_some_and(|t| !t.trim_ascii().is_empty());
    for (name, evidence) in [
        ("AWS_SESSION_TOKEN", TemporaryEvidence::SessionTokenEnv),
        ("AWS_SECURITY_TOKEN", TemporaryEvidence::SecurityTokenEnv),
    ] {
        if set(name) {
            return Err(
                anyhow::Error::new(InputError::Temporary(evidence)).context("the environment")
            );
        }
    }
    let secret = input::parse_raw_secret(&secret, policy).context("AWS_SECRET_ACCESS_KEY")?;
    // The ID pairs with the secret only when both come from the environment.
    let access_key_id = match std::env::var("AWS_ACCESS_KEY_ID") {
        Ok(id) if !id.trim().is_empty() => {
            Some(parse_access_key_id(&id).context("AWS_ACCESS_KEY_ID")?)
        }
        _ => None,
    };
    Ok(Some(Found {
        credentials: Credentials {
            secret,
            access_key_id,
            shape: Shape::Raw,
        },
        origin: Origin::Env,
        profile_region: None,
        input_ids: Vec::new(),
    }))
}

static INTERRUPTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

extern "C" fn note_interrupt(_: libc::c_int) {
    INTERRUPTED.store(true, std::sync::atomic::Ordering::SeqCst);
}

/// Asks on /dev/tty with echo off (rpassword). rpassword answers Ctrl-C by
/// raising SIGINT before it restores the terminal, which would leave the
/// user's terminal raw. So while it reads, SIGINT only sets a flag (and
/// interrupts the read); once rpassword has restored the terminal, the
/// default action is put back and SIGINT raised again.
pub fn prompt_hidden(prompt: &str) -> std::io::Result<Zeroizing<String>> {
    INTERRUPTED.store(false, std::sync::atomic::Ordering::SeqCst);
    // SAFETY: sigaction with a handler that only stores to an atomic; the
    // previous action is saved and put back below.
    let mut previous: libc::sigaction = unsafe { std::mem::zeroed() };
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = note_interrupt as *const () as libc::sighandler_t;
        // No SA_RESTART: a signal interrupts the blocking read.
        action.sa_flags = 0;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGINT, &action, &mut previous);
    }
    let typed = rpassword::prompt_password(prompt).map(Zeroizing::new);
    unsafe { libc::sigaction(libc::SIGINT, &previous, std::ptr::null_mut()) };
    if INTERRUPTED.load(std::sync::atomic::Ordering::SeqCst) {
        drop(typed);
        // The terminal is restored now: end as an interrupted process does.
        unsafe { libc::raise(libc::SIGINT) };
        return Err(std::io::Error::from(std::io::ErrorKind::Interrupted));
    }
    typed
}

fn from_prompt(policy: SecretPolicy) -> Result<Found> {
    let typed = prompt_hidden("IAM secret access key (input hidden): ")
        .context("could not read the secret from the terminal")?;
    let secret = input::parse_raw_secret(typed.as_bytes(), policy).context("the prompt")?;
    Ok(Found {
        credentials: Credentials {
            secret,
            access_key_id: None,
            shape: Shape::Raw,
        },
        origin: Origin::Prompt,
        profile_region: None,
        input_ids: Vec::new(),
    })
}

/// A file the tool reads whole: what it is called in messages, how large
/// it may be, what it is not when larger, and the exit code for that.
pub struct SmallFile<'a> {
    pub label: &'a str,
    pub cap: usize,
    pub not_a: &'a str,
    pub too_large: ExitCode,
}

/// Reads a whole file into a zeroizing buffer sized once from its length.
/// Only a regular file is read: a FIFO, a device (`/dev/zero`) or a
/// directory is refused before it can block or stream without end, and a
/// file over the cap before it is read.
pub fn read_small_file(path: &Path, f: &SmallFile<'_>) -> Result<(Zeroizing<Vec<u8>>, FileId)> {
    use std::os::unix::fs::OpenOptionsExt;
    let label = f.label;
    let not_regular = || {
        anyhow::Error::from(Failure::new(
            ExitCode::Io,
            format!("{label} is not a regular file (a directory, FIFO or device)"),
        ))
    };
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(not_regular());
    }
    // O_NONBLOCK: should the path be swapped for a FIFO after the check,
    // opening it does not wait for a writer; the check below refuses it.
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .with_context(|| format!("could not open {label}"))?;
    let meta = file
        .metadata()
        .with_context(|| format!("could not read {label}"))?;
    if !meta.is_file() {
        return Err(not_regular());
    }
    let too_large = || {
        anyhow::Error::from(Failure::new(
            f.too_large,
            format!(
                "{label} is larger than {} bytes; it is not {}",
                f.cap, f.not_a
            ),
        ))
    };
    let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
    if len > f.cap {
        return Err(too_large());
    }
    // One byte more than the file's size: filling it means the file grew
    // while being read.
    let mut buf = Zeroizing::new(vec![0u8; len + 1]);
    let mut filled = 0;
    let mut reader = &file;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e).with_context(|| format!("could not read {label}")),
        }
    }
    if filled > len {
        return Err(Failure::new(
            ExitCode::Io,
            format!("{label} changed while it was read; try again"),
        )
        .into());
    }
    buf.truncate(filled);
    Ok((buf, FileId::of(&meta)))
}

/// AWS CLI profile files are larger than one key, but never this large.
const MAX_PROFILE_FILE: usize = 1 << 20;

/// Reads a profile file, if it exists, as UTF-8 text.
fn read_profile_file(path: &Path) -> Result<Option<(Zeroizing<String>, FileId)>> {
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
            too_large: ExitCode::BadInput,
        },
    )?;
    match String::from_utf8(std::mem::take(&mut *buf)) {
        Ok(text) => Ok(Some((Zeroizing::new(text), id))),
        Err(e) => {
            let mut bytes = e.into_bytes();
            zeroize::Zeroize::zeroize(&mut bytes);
            Err(Failure::new(ExitCode::BadInput, format!("{label} is not UTF-8 text")).into())
        }
    }
}

fn from_profile(name: &str, policy: SecretPolicy) -> Result<Found> {
    use ses_smtp_credentials::profile::{self, File as Which};
    let shown = user_text(name);
    let (creds_path, config_path) = profile::locations(|v| std::env::var(v).ok());
    let creds = read_profile_file(&creds_path)?;
    let config = read_profile_file(&config_path)?;
    let both = format!("{} nor {}", user_path(&creds_path), user_path(&config_path));
    if creds.is_none() && config.is_none() {
        return Err(Failure::new(
            ExitCode::NoInput,
            format!("--profile {shown}: neither {both} exists\n  hint: set AWS_SHARED_CREDENTIALS_FILE or AWS_CONFIG_FILE if the files are elsewhere"),
        )
        .into());
    }
    let result = profile::credentials(
        creds.as_ref().map(|(text, _)| text.as_str()),
        config.as_ref().map(|(text, _)| text.as_str()),
        name,
        policy,
    );
    let got = match result {
        Ok(got) => got,
        Err(e) => {
            let file = match e.file() {
                Some(Which::Credentials) => user_path(&creds_path),
                Some(Which::Config) => user_path(&config_path),
                None => both.replace(" nor ", " or "),
            };
            return Err(anyhow::Error::new(e).context(format!("profile {shown} in {file}")));
        }
    };
    let file = match got.file {
        Which::Credentials => user_path(&creds_path),
        Which::Config => user_path(&config_path),
    };
    // Both files hold parts of the profile: --out replaces neither.
    let input_ids = creds.iter().chain(&config).map(|(_, id)| *id).collect();
    Ok(Found {
        credentials: Credentials {
            secret: got.secret,
            access_key_id: got.access_key_id,
            shape: Shape::Raw,
        },
        origin: Origin::Profile { name: shown, file },
        profile_region: got.region,
        input_ids,
    })
}

/// Whether a controlling terminal can be opened for a prompt.
pub fn has_tty() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_ok_and(|t| t.is_terminal())
}

/// Finds the secret by the documented order of sources. `stdin_free` is
/// false when standard input carries something else (verify's password).
pub fn find_secret(args: &SecretArgs, stdin_free: bool) -> Result<Found> {
    let policy = SecretPolicy {
        allow_unusual: args.allow_unusual_secret,
    };
    let stdin_is_tty = std::io::stdin().is_terminal();
    if let Some(name) = &args.profile {
        return from_profile(name, policy);
    }
    if let Some(path) = &args.secret_file {
        if path.as_os_str() != "-" {
            return from_file(path, policy);
        }
        if !stdin_free {
            return Err(Failure::new(
                ExitCode::Usage,
                "standard input cannot carry both the secret and the password\n  hint: give one of them with a file",
            )
            .into());
        }
        if stdin_is_tty {
            return from_prompt(policy);
        }
        let bytes = read_stdin()?;
        if bytes.is_empty() {
            return Err(Failure::new(
                ExitCode::NoInput,
                "--secret-file -: standard input is empty",
            )
            .into());
        }
        return parse(&bytes, policy, Origin::Stdin);
    }
    if args.from_env {
        return from_env(policy)?.ok_or_else(|| {
            Failure::new(
                ExitCode::NoInput,
                "--from-env: AWS_SECRET_ACCESS_KEY is not set\n  hint: set it (and AWS_ACCESS_KEY_ID), or drop --from-env and pipe the secret",
            )
            .into()
        });
    }
    if stdin_free && !stdin_is_tty {
        let bytes = read_stdin()?;
        if !bytes.is_empty() {
            return parse(&bytes, policy, Origin::Stdin);
        }
    }
    if let Some(found) = from_env(policy)? {
        return Ok(found);
    }
    if let Ok(name) = std::env::var("AWS_PROFILE")
        && !name.trim().is_empty()
    {
        return from_profile(name.trim(), policy);
    }
    if std::io::stdin().is_terminal() || (!stdin_free && has_tty()) {
        return from_prompt(policy);
    }
    Err(Failure::new(ExitCode::NoInput, NO_INPUT).into())
}

/// Settles the SMTP user name: the record's or the environment's ID (same
/// source as the secret), or --access-key-id; they must agree.
pub fn settle_username(found: &Found, flag: Option<&str>) -> Result<Option<AccessKeyId>> {
    let flag = flag
        .map(|id| parse_access_key_id(id).context("--access-key-id"))
        .transpose()?;
    match (&found.credentials.access_key_id, flag) {
        (Some(a), Some(b)) if *a != b => Err(Failure::new(
            ExitCode::BadInput,
            format!(
                "--access-key-id differs from the access key ID that came with the secret ({})\n  \
                 hint: the SMTP user name must be the ID of this secret's own key; drop --access-key-id or fix it",
                found.origin.label()
            ),
        )
        .into()),
        (Some(a), _) => Ok(Some(a.clone())),
        (None, b) => Ok(b),
    }
}
