//! The command line's hints around the libraries' errors: the libraries say
//! what is wrong in their own words; the flags and subcommands that fix it
//! are added here (as rage adds its own around age's errors).

use ses_smtp_credentials::{InputError, RegionError, RenderError, SecretProblem, smtp_host};
use ses_smtp_rotation::{KmsProblem, PolicyError, RotationError};

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

/// A policy error, as the command line says it (naming its flags).
pub fn policy(e: &PolicyError) -> String {
    match e {
        PolicyError::BadArn => "--identity is not an SES identity ARN (arn:aws:ses:REGION:ACCOUNT:identity/NAME) nor a domain or address".into(),
        PolicyError::NeedsAccountAndRegion => {
            "an identity given by name needs --account-id and --region to build its ARN".into()
        }
        PolicyError::BadAccountId => "--account-id must be 12 digits".into(),
        PolicyError::RegionMismatch { arn_region } => format!(
            "--region differs from the identity ARN's region ({arn_region}); SES identities are per region"
        ),
        PolicyError::BadFromAddress { index } => format!(
            "--from-address number {index} is not an address or pattern such as noreply@example.com or *@example.com"
        ),
        PolicyError::BadConfigurationSet { .. } => format!("--{e}").replacen("--configuration set", "--configuration-set", 1),
        PolicyError::ConfigurationSetNeedsIdentity => "--configuration-set needs --identity: SES checks a send against the identity and its configuration set, and a policy whose identity is * already allows every configuration set".into(),
        _ => e.to_string(),
    }
}

/// A user name, store or operator-policy error, as the command line says
/// it (naming its flags).
pub fn rotation(e: &RotationError) -> String {
    match e {
        RotationError::StoreKind => {
            format!("{e}\n  hint: --store secretsmanager:prod/smtp or --store ssm:/prod/smtp")
        }
        RotationError::BadAccountId => "--account-id must be 12 digits".into(),
        RotationError::SecretElsewhere => {
            "--secret is an ARN of another region or account than --region and --account-id: \
             the function rotates a secret of its own region and account"
                .into()
        }
        RotationError::FunctionName => {
            "--function-name must be 1 to 64 letters, digits, hyphens and underscores".into()
        }
        RotationError::KmsKey(problem) => format!(
            "--kms-key {}",
            match problem {
                KmsProblem::NeedsRegion => {
                    "needs --region: the key is used through the stores' services in one region"
                        .to_string()
                }
                KmsProblem::NeedsStore =>
                    "needs a --store: the key is used only by the stores".into(),
                KmsProblem::OtherRegion => {
                    "is in another region than --region; KMS keys are regional".into()
                }
                other => other.to_string(),
            }
        ),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The command line's words for errors no trycmd case reaches: the
    /// texts these errors had when the libraries still named the flags.
    #[test]
    fn the_flags_come_back_around_the_libraries_words() {
        assert_eq!(
            policy(&PolicyError::BadAccountId),
            "--account-id must be 12 digits"
        );
        assert_eq!(
            rotation(&RotationError::BadAccountId),
            "--account-id must be 12 digits"
        );
        assert_eq!(
            rotation(&RotationError::KmsKey(KmsProblem::OtherRegion)),
            "--kms-key is in another region than --region; KMS keys are regional"
        );
        assert_eq!(
            rotation(&RotationError::KmsKey(KmsProblem::Alias)),
            "--kms-key names an alias; IAM authorizes KMS calls on the key itself: give the key's ARN (aws kms describe-key --key-id ALIAS shows it)"
        );
        assert!(!PolicyError::BadAccountId.to_string().contains("--"));
    }
}
