//! The command line's hints around the libraries' errors: the libraries say
//! what is wrong in their own words; the flags and subcommands that fix it
//! are added here (as rage adds its own around age's errors).

use ses_smtp_credentials::{InputError, RegionError, RenderError, SecretProblem, smtp_host};

/// What follows an input error's own text.
pub fn input(e: &InputError) -> String {
    match e {
        InputError::Secret(SecretProblem::TooShort { .. }) => {
            " (pass --allow-unusual-secret only for a key that really is this short)".into()
        }
        InputError::Secret(SecretProblem::TooLong { .. }) => {
            " (pass --allow-unusual-secret only for a key that really is this long)".into()
        }
        InputError::Secret(SecretProblem::IsAccessKeyId) => {
            "; pass the ID with --access-key-id".into()
        }
        InputError::Secret(SecretProblem::IdAndSecretOnOneLine) => {
            " and pass the ID with --access-key-id".into()
        }
        _ => String::new(),
    }
}

/// What follows a region error's own text.
pub fn region(e: &RegionError) -> String {
    match e {
        RegionError::Unknown { code, .. } => format!(
            "\n  hint: `ses-smtp-password regions` lists the table; if AWS has opened SES SMTP \
             in {code} since, pass --allow-unknown-region"
        ),
        RegionError::NoSmtp { code, .. } => format!(
            "\n  hint: send from an SMTP region (see `ses-smtp-password regions`), or call the SES API \
             from {code}; if AWS now lists {}, pass --allow-unknown-region to derive anyway",
            smtp_host(code)
        ),
        _ => String::new(),
    }
}

/// What follows a rendering error's own text.
pub fn render(e: &RenderError) -> &'static str {
    match e {
        RenderError::NeedsUsername => "\n  hint: pass --access-key-id",
        _ => "",
    }
}
