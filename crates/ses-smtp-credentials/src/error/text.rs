//! What the secret and key ID problems say: what is wrong, by position,
//! and what to do.

use crate::error::{KeyIdProblem, SecretProblem};
use std::fmt;

fn list(positions: &[usize]) -> String {
    let parts: Vec<String> = positions.iter().map(usize::to_string).collect();
    parts.join(", ")
}

impl fmt::Display for SecretProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use SecretProblem::*;
        match self {
            Empty => write!(
                f,
                "the secret access key in the input is empty\n  \
                 hint: the record lost its secret; give the file as IAM produced it, or create a new key"
            ),
            TooShort { len } => write!(
                f,
                "the secret is {len} characters long, not 40: it looks truncated\n  \
                 hint: copy the whole secret access key again"
            ),
            TooLong { len } => write!(
                f,
                "the secret is {len} characters long, not 40\n  \
                 hint: check that nothing was pasted twice or appended"
            ),
            IsSmtpPassword => write!(
                f,
                "this is an SES SMTP password, not a secret access key\n  \
                 hint: give the IAM user's secret access key; the SMTP password is what this tool derives from it"
            ),
            IsAccessKeyId => write!(
                f,
                "this is an access key ID (the SMTP user name), not the secret access key\n  \
                 hint: give the 40-character secret"
            ),
            IdAndSecretOnOneLine => write!(
                f,
                "the line holds an access key ID and then more, separated by a space\n  \
                 hint: give the secret alone"
            ),
            MoreThanOneLine { line } => write!(
                f,
                "the input holds more than one line (line {line} is not empty)\n  \
                 hint: give the secret alone on one line, or the JSON of `aws iam create-access-key`, or the IAM console's CSV file"
            ),
            AssignmentLine => write!(
                f,
                "the input is an assignment (a credentials-file or shell line), not the secret alone\n  \
                 hint: give only the value after `=`"
            ),
            Whitespace { position } => write!(
                f,
                "the secret has a space or tab at position {position}; secret access keys have none\n  \
                 hint: the paste was split or joined; copy the key again in one piece"
            ),
            Nul { position } => write!(
                f,
                "the secret has a NUL byte at position {position}\n  \
                 hint: the file is binary or UTF-16; save it as plain ASCII text"
            ),
            Control { position } => write!(
                f,
                "the secret has a control character at position {position}\n  \
                 hint: copy the key again as plain text"
            ),
            SmartQuote { positions } => write!(
                f,
                "the secret has typographic quotes at position {}\n  \
                 hint: an editor or chat replaced plain quotes; remove the quotes and keep the 40 characters between them",
                list(positions)
            ),
            Quote { positions } => write!(
                f,
                "the secret has quote marks at position {}\n  \
                 hint: the quotes are not part of the key; remove them",
                list(positions)
            ),
            NonAscii { position } => write!(
                f,
                "the secret has a non-ASCII character at position {position}\n  \
                 hint: secret access keys hold only A-Z, a-z, 0-9, + and /; copy the key again as plain text"
            ),
            NotUtf8 { byte } => write!(
                f,
                "the secret is not valid text (invalid UTF-8 at byte {byte})\n  \
                 hint: save the key as plain ASCII text"
            ),
            BadCharacter { position } => write!(
                f,
                "the secret has a character outside A-Z, a-z, 0-9, + and / at position {position}\n  \
                 hint: check the copy; a base64url key (- or _) or a stray symbol means it was altered"
            ),
        }
    }
}

impl fmt::Display for KeyIdProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use KeyIdProblem::*;
        match self {
            Empty => write!(f, "the access key ID is empty"),
            LowerCase { position } => write!(
                f,
                "the access key ID has a lower-case letter at position {position}; access key IDs are upper case (AKIA…)\n  \
                 hint: copy the ID again exactly as IAM shows it"
            ),
            BadCharacter { position } => write!(
                f,
                "the access key ID has a character other than A-Z and 0-9 at position {position}"
            ),
            NotUtf8 => write!(f, "the access key ID is not valid text"),
            Length { len } => write!(
                f,
                "the access key ID is {len} characters long, not 20\n  \
                 hint: copy the whole ID (AKIA followed by 16 characters)"
            ),
            Prefix => write!(
                f,
                "the access key ID does not start with AKIA\n  \
                 hint: IAM users' access key IDs start with AKIA; check that this is the ID, not the secret"
            ),
            NotAnAccessKey { what } => write!(
                f,
                "the access key ID is {what}, not an access key ID\n  \
                 hint: the SMTP user name is the IAM user's access key ID (AKIA…), from `aws iam list-access-keys --user-name USER`"
            ),
        }
    }
}
