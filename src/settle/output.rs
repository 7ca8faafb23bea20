//! The output plan: the format or template, where it goes, and whether the
//! SMTP user name is required.

use super::env::Env;
use super::regions::RegionPlan;
use super::secret::{Secret, secret};
use crate::cli;
use crate::error::{CliError, CliResult};
use ses_smtp_credentials::user_path;
use ses_smtp_credentials::{Format, Template, Version};
use std::path::PathBuf;

/// What the output is.
pub enum OutputShape {
    Format(Format),
    /// A parsed `--template`, with its path as messages show it.
    Template {
        shown: String,
        template: Template,
    },
}

/// Whether the SMTP user name is required: the one rule, settled before
/// any secret is read and applied once it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Username {
    /// The output is useless without it.
    Required(Needs),
    /// Optional; with `env_warning`, its absence is said (the env format
    /// leaves SMTP_USERNAME out).
    Optional { env_warning: bool },
}

/// What needs the user name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Needs {
    /// A format without it is useless.
    Format(Format),
    /// A template that uses `{username}`, with its path as shown.
    Template(String),
    /// probe logs in with it.
    #[cfg(feature = "probe")]
    Probe,
}

impl Username {
    /// The rule for a settled output shape.
    pub fn for_shape(shape: &OutputShape) -> Username {
        match shape {
            OutputShape::Format(f) if f.needs_username() => Username::Required(Needs::Format(*f)),
            OutputShape::Template { shown, template } if template.needs_username() => {
                Username::Required(Needs::Template(shown.clone()))
            }
            OutputShape::Format(Format::Env) => Username::Optional { env_warning: true },
            _ => Username::Optional { env_warning: false },
        }
    }

    /// Applies the rule once the input is read: `known` is the user name
    /// settled from the input and `--access-key-id`.
    pub fn apply<T>(&self, known: Option<T>) -> CliResult<Option<T>> {
        if known.is_some() {
            return Ok(known);
        }
        match self {
            Username::Required(needs) => Err(CliError::Usage(match needs {
                Needs::Format(f) => format!(
                    "--format {f} needs the SMTP user name, and the access key ID is unknown\n  hint: pass --access-key-id AKIA… of this secret's key"
                ),
                Needs::Template(shown) => format!(
                    "--template {shown}: the template uses {{username}} but the access key ID is unknown\n  hint: pass --access-key-id"
                ),
                #[cfg(feature = "probe")]
                Needs::Probe => "probe needs the SMTP user name, and the access key ID is unknown\n  hint: pass --access-key-id AKIA… of this secret's key".into(),
            })),
            Username::Optional { env_warning: true } => {
                crate::terminal::warn(
                    "the access key ID is unknown, so SMTP_USERNAME is left out; pass --access-key-id",
                );
                Ok(None)
            }
            Username::Optional { env_warning: false } => Ok(None),
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
    pub regions: RegionPlan,
    pub username: Username,
    pub version: Version,
    pub shape: OutputShape,
    pub to: Destination,
}

/// A template is a config snippet; anything larger is the wrong file.
const MAX_TEMPLATE: usize = 64 * 1024;

pub fn template(path: &std::path::Path) -> CliResult<OutputShape> {
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
    Ok(OutputShape::Template { shown, template })
}

pub(crate) fn derive(args: cli::DeriveArgs, env: &Env) -> CliResult<Derive> {
    let regions = super::regions::regions(args.regions, env)?;
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
        secret: secret(args.secret, env, true),
        regions,
        username: Username::for_shape(&shape),
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
pub fn output(args: cli::OutputArgs) -> CliResult<(OutputShape, Destination)> {
    let shape = match &args.template {
        Some(path) => template(path)?,
        None => OutputShape::Format(args.format),
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
