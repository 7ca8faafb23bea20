//! The settling step: clap's values, turned once into plain ones (fd's
//! `Opts → Config`). Everything that needs no secret is decided here, before
//! any secret is read: where the secret comes from, the regions asked for,
//! the output plan (format or template, destination, whether the user name
//! is required). Commands take these, never clap's types.

#[cfg(feature = "probe")]
use crate::cli::regions::NO_PROBE_REGION;
use crate::cli::regions::{Regions, one_region, regions};
use crate::cli::{self, Cli, Command, VerdictFormat};
use crate::error::{CliError, Result};
use ses_smtp_credentials::region::ResolvedRegion;
use ses_smtp_credentials::user_path;
use ses_smtp_credentials::{Format, SecretPolicy, Template, Version};
use std::path::PathBuf;

/// One run of the tool.
pub enum Invocation {
    Derive(Derive),
    Verify(Verify),
    VectorsCheck(Vec<PathBuf>),
    VectorsGenerate {
        count: usize,
        seed: Option<String>,
        v2: bool,
    },
    Regions(Report),
    Policy(Policy),
    #[cfg(feature = "probe")]
    Probe(Probe),
    #[cfg(feature = "aws")]
    Rotate(crate::cli::rotation::Rotate),
    #[cfg(feature = "aws")]
    Recover(crate::cli::rotation::Recover),
    #[cfg(feature = "aws")]
    Retire(crate::cli::rotation::Retire),
    #[cfg(feature = "aws")]
    Keys(crate::cli::rotation::Keys),
    Completions(clap_complete::Shell),
    Man,
}

/// What to scope the printed IAM policy to (see the library's `Scope`).
pub struct Policy {
    pub identity: Option<String>,
    pub account_id: Option<String>,
    pub region: Option<String>,
    pub from_addresses: Vec<String>,
    pub configuration_sets: Vec<String>,
    /// `--rotation`: the operator's policy for this user and these stores.
    pub rotation: Option<Operator>,
}

/// `policy --rotation`: whose keys, at which path, which stores, which key.
pub struct Operator {
    pub user: ses_smtp_rotation::UserName,
    pub path: ses_smtp_rotation::UserPath,
    pub stores: Vec<ses_smtp_rotation::Store>,
    pub kms_key: Option<String>,
}

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

/// Where the secret comes from.
pub enum Source {
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

pub struct Secret {
    pub source: Source,
    /// `--access-key-id`, as typed (checked once the input is read).
    pub access_key_id: Option<String>,
    pub policy: SecretPolicy,
}

fn secret(args: cli::SecretArgs) -> Secret {
    let source = match (args.secret_file, args.profile, args.from_env) {
        (Some(p), _, _) if p.as_os_str() == "-" => Source::Stdin,
        (Some(p), _, _) => Source::File(p),
        (None, Some(name), _) => Source::Profile(name),
        (None, None, true) => Source::Env,
        (None, None, false) => Source::Auto,
    };
    Secret {
        source,
        access_key_id: args.access_key_id,
        policy: SecretPolicy::default().allow_unusual(args.allow_unusual_secret),
    }
}

/// What the output is.
pub enum Shape {
    Format(Format),
    /// A parsed `--template`, with its path as messages show it.
    Template {
        shown: String,
        template: Template,
    },
}

impl Shape {
    /// The one rule for the user name: a format that is useless without it,
    /// or a template that uses `{username}`. Returns the message when the
    /// name is required.
    pub fn needs_username(&self) -> Option<String> {
        match self {
            Shape::Format(f) if f.needs_username() => Some(format!(
                "--format {f} needs the SMTP user name, and the access key ID is unknown\n  hint: pass --access-key-id AKIA… of this secret's key"
            )),
            Shape::Template { shown, template } if template.needs_username() => Some(format!(
                "--template {shown}: the template uses {{username}} but the access key ID is unknown\n  hint: pass --access-key-id"
            )),
            _ => None,
        }
    }
}

/// Where the output goes.
pub enum Destination {
    Stdout,
    File { path: PathBuf, force: bool },
}

pub struct Derive {
    pub secret: Secret,
    pub regions: Regions,
    pub version: Version,
    pub shape: Shape,
    pub to: Destination,
}

/// A template is a config snippet; anything larger is the wrong file.
const MAX_TEMPLATE: usize = 64 * 1024;

pub fn template(path: &std::path::Path) -> Result<Shape> {
    let shown = user_path(path);
    let label = format!("--template {shown}");
    let (mut bytes, _) = crate::files::read_small_file(
        path,
        &crate::files::SmallFile {
            label: &label,
            cap: MAX_TEMPLATE,
            not_a: "a template",
            too_large: CliError::Usage,
        },
    )?;
    let text = String::from_utf8(std::mem::take(&mut *bytes))
        .map_err(|_| CliError::Usage(format!("{label} is not UTF-8 text")))?;
    let template = Template::parse(text).map_err(|error| CliError::Template {
        path: shown.clone(),
        error,
    })?;
    Ok(Shape::Template { shown, template })
}

fn derive(args: cli::DeriveArgs) -> Result<Derive> {
    let regions = regions(args.regions)?;
    let several = regions.named.as_ref().is_some_and(|r| r.len() > 1);
    let what = match &args.output.template {
        Some(_) => Some("--template".to_string()),
        None if !args.output.format.holds_several() => {
            Some(format!("--format {}", args.output.format))
        }
        None => None,
    };
    if let (true, Some(what)) = (several, what) {
        return Err(CliError::Usage(format!(
            "{what} holds one region, and several were asked for\n  hint: use --format json or text for several regions"
        )));
    }
    let (shape, to) = output(args.output)?;
    Ok(Derive {
        secret: secret(args.secret),
        regions,
        version: if args.legacy_v2 {
            Version::V2
        } else {
            Version::V4
        },
        shape,
        to,
    })
}

/// The format or the parsed template, and `--out` (checked now, before
/// any secret exists) or standard output.
pub fn output(args: cli::OutputArgs) -> Result<(Shape, Destination)> {
    let shape = match &args.template {
        Some(path) => template(path)?,
        None => Shape::Format(args.format),
    };
    let to = match args.out {
        Some(path) => {
            crate::files::out::check_target(&path, args.force)?;
            Destination::File {
                path,
                force: args.force,
            }
        }
        None => Destination::Stdout,
    };
    Ok((shape, to))
}

/// Where verify's password comes from.
pub enum PasswordSource {
    File(PathBuf),
    Stdin,
    /// SES_SMTP_PASSWORD.
    Env,
    Prompt,
}

pub struct Verify {
    pub secret: Secret,
    pub region: Option<ResolvedRegion>,
    pub password: PasswordSource,
    pub report: Report,
}

fn verify(args: cli::VerifyArgs) -> Result<Verify> {
    let region = one_region(args.region, args.allow_unknown_region)?;
    let password = match args.password_file {
        Some(p) if p.as_os_str() == "-" => PasswordSource::Stdin,
        Some(p) => PasswordSource::File(p),
        None if std::env::var_os("SES_SMTP_PASSWORD").is_some() => PasswordSource::Env,
        None => PasswordSource::Prompt,
    };
    let secret = secret(args.secret);
    if matches!(password, PasswordSource::Stdin) && matches!(secret.source, Source::Stdin) {
        return Err(CliError::Usage(
            "standard input cannot carry both the secret and the password\n  hint: give one of them with a file".into(),
        ));
    }
    Ok(Verify {
        secret,
        region,
        password,
        report: args.format.into(),
    })
}

/// Settles parsed arguments into an invocation.
pub fn settle(cli: Cli) -> Result<Invocation> {
    Ok(match cli.command {
        None => Invocation::Derive(derive(cli.derive)?),
        Some(Command::Verify(args)) => Invocation::Verify(verify(args)?),
        Some(Command::Vectors(cli::VectorsCommand::Check { files })) => {
            Invocation::VectorsCheck(files)
        }
        Some(Command::Vectors(cli::VectorsCommand::Generate { count, seed, v2 })) => {
            Invocation::VectorsGenerate { count, seed, v2 }
        }
        Some(Command::Regions(args)) => Invocation::Regions(args.format.into()),
        Some(Command::Policy(args)) => Invocation::Policy(Policy {
            rotation: match (args.rotation, &args.user_name) {
                (true, Some(name)) => Some(Operator {
                    user: crate::cli::rotation::user_name(name)?,
                    path: crate::cli::rotation::user_path(args.user_path.as_deref())?,
                    stores: crate::cli::rotation::stores(&args.store)?,
                    kms_key: args.kms_key,
                }),
                _ => None,
            },
            identity: args.identity,
            account_id: args.account_id,
            region: args.region,
            from_addresses: args.from_address,
            configuration_sets: args.configuration_set,
        }),
        #[cfg(feature = "probe")]
        Some(Command::Probe(args)) => Invocation::Probe(probe(args)?),
        #[cfg(not(feature = "probe"))]
        Some(Command::Probe { .. }) => return Err(CliError::Usage(cli::NO_PROBE.into())),
        #[cfg(feature = "aws")]
        Some(Command::Rotate(args)) if args.recover => {
            Invocation::Recover(crate::cli::rotation::recover(&args)?)
        }
        #[cfg(feature = "aws")]
        Some(Command::Rotate(args)) => Invocation::Rotate(crate::cli::rotation::rotate(args)?),
        #[cfg(feature = "aws")]
        Some(Command::Retire(args)) => Invocation::Retire(crate::cli::rotation::retire(args)?),
        #[cfg(feature = "aws")]
        Some(Command::Keys(args)) => Invocation::Keys(crate::cli::rotation::keys(args)?),
        #[cfg(not(feature = "aws"))]
        Some(Command::NoAws { .. }) => return Err(CliError::Usage(cli::NO_AWS.into())),
        Some(Command::Completions { shell }) => Invocation::Completions(shell),
        Some(Command::Man) => Invocation::Man,
    })
}

#[cfg(feature = "probe")]
pub struct Probe {
    pub secret: Secret,
    /// The region named (flag or environment); else the profile's.
    pub region: Regions,
    pub connect: Connect,
    pub verbose: bool,
    pub report: Report,
}

/// Where and how to log in over SMTP.
#[cfg(feature = "probe")]
#[derive(Clone)]
pub struct Connect {
    /// `--endpoint`'s host, else the region's SMTP host.
    pub host: Option<String>,
    pub port: u16,
    pub tls: ses_smtp_login::TlsMode,
    pub timeout: std::time::Duration,
    pub ca_file: Option<PathBuf>,
}

/// The longest time any option may give, in seconds: an hour. Larger
/// values would overflow the deadlines built from them.
#[cfg(feature = "probe")]
pub const MAX_SECONDS: u64 = 3600;

/// A number of seconds from an option, range-checked when settling.
#[cfg(feature = "probe")]
pub fn seconds(option: &str, value: u64, min: u64) -> Result<u64> {
    if (min..=MAX_SECONDS).contains(&value) {
        Ok(value)
    } else {
        Err(CliError::Usage(format!(
            "{option} must be {min} to {MAX_SECONDS} seconds"
        )))
    }
}

#[cfg(feature = "probe")]
pub fn connect(args: cli::ConnectArgs) -> Result<Connect> {
    use crate::cli::endpoint;
    use ses_smtp_login::TlsMode;
    let (host, endpoint_port) = match &args.endpoint {
        Some(e) => {
            let (h, p) = endpoint::split(e)?;
            (Some(h), p)
        }
        None => (None, None),
    };
    if endpoint_port.is_some() && args.port.is_some() {
        return Err(CliError::Usage(
            "give the port in --endpoint or with --port, not both".into(),
        ));
    }
    let port = endpoint_port
        .or(args.port)
        .unwrap_or(ses_smtp_credentials::region::STARTTLS_PORTS[0]);
    let tls = match (args.tls, TlsMode::for_port(port)) {
        (Some(t), _) | (None, Some(t)) => t,
        (None, None) => {
            return Err(CliError::Usage(format!(
                "port {port} is not an SES SMTP port\n  hint: say how TLS starts there with --tls starttls or --tls implicit"
            )));
        }
    };
    Ok(Connect {
        host,
        port,
        tls,
        timeout: std::time::Duration::from_secs(seconds("--timeout", args.timeout, 1)?),
        ca_file: args.ca_file,
    })
}

#[cfg(feature = "probe")]
fn probe(args: cli::ProbeArgs) -> Result<Probe> {
    let connect = connect(args.connect)?;
    let allow_unknown = args.allow_unknown_region;
    Ok(Probe {
        region: Regions {
            named: one_region(args.region, allow_unknown)?.map(|r| vec![r]),
            allow_unknown,
            missing: NO_PROBE_REGION,
        },
        secret: secret(args.secret),
        connect,
        verbose: args.verbose,
        report: args.format.into(),
    })
}
