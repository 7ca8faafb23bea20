//! Errors from parsing credentials. Every message says what was wrong and
//! what to do; none quotes the input, because the input is secret.

use std::fmt;

mod text;

/// The broad class of a failure; the command line maps each to an exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input is malformed: not a usable secret or key ID.
    BadInput,
    /// Well-formed credentials that SES SMTP cannot use (temporary keys,
    /// IDs that are not access keys).
    Refused,
    /// Nothing to read: a missing profile or key.
    NoInput,
}

/// Which sign showed that credentials are temporary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TemporaryEvidence {
    /// An `ASIA…` access key ID.
    AsiaKeyId,
    /// A session token in the JSON or CSV (`SessionToken`, `sessionToken`,
    /// or `Token` beside `Expiration`).
    SessionTokenInInput,
    /// `AWS_SESSION_TOKEN` set beside `AWS_SECRET_ACCESS_KEY`.
    SessionTokenEnv,
    /// `AWS_SECURITY_TOKEN` (its older name, still honoured by the AWS CLI)
    /// set beside `AWS_SECRET_ACCESS_KEY`.
    SecurityTokenEnv,
}

/// What is wrong with a secret access key. Positions count characters from
/// 1; no variant holds the secret's text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretProblem {
    /// The secret field of a JSON or CSV record is empty.
    Empty,
    /// Fewer than 40 characters.
    TooShort {
        /// The length found, in characters.
        len: usize,
    },
    /// More than 40 characters.
    TooLong {
        /// The length found, in characters.
        len: usize,
    },
    /// 44 base64 characters decoding to 0x04/0x02 ‖ 32 bytes.
    IsSmtpPassword,
    /// 20 characters starting AKIA/ASIA.
    IsAccessKeyId,
    /// An access key ID, a space, then more.
    IdAndSecretOnOneLine,
    /// More than one non-empty line.
    MoreThanOneLine {
        /// The line (from 1) where the second one starts.
        line: usize,
    },
    /// `aws_secret_access_key = …` or `export AWS_SECRET_ACCESS_KEY=…`.
    AssignmentLine,
    /// A space or other whitespace inside the secret.
    Whitespace {
        /// Its position, from 1.
        position: usize,
    },
    /// A NUL byte.
    Nul {
        /// Its position, from 1.
        position: usize,
    },
    /// A control character.
    Control {
        /// Its position, from 1.
        position: usize,
    },
    /// Typographic quotes (a word processor's doing).
    SmartQuote {
        /// Where each one is, from 1.
        positions: Vec<usize>,
    },
    /// Plain quote marks around or in the secret.
    Quote {
        /// Where each one is, from 1.
        positions: Vec<usize>,
    },
    /// A character outside ASCII (also under `allow_unusual`).
    NonAscii {
        /// Its position, from 1.
        position: usize,
    },
    /// Bytes that are not UTF-8.
    NotUtf8 {
        /// The first bad byte, from 1.
        byte: usize,
    },
    /// A character outside `A-Z a-z 0-9 + /`.
    BadCharacter {
        /// Its position, from 1.
        position: usize,
    },
}

/// What is wrong with an access key ID.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyIdProblem {
    /// Nothing was given.
    Empty,
    /// A lower-case letter; IDs are upper case.
    LowerCase {
        /// Its position, from 1.
        position: usize,
    },
    /// A character outside `A-Z 0-9`.
    BadCharacter {
        /// Its position, from 1.
        position: usize,
    },
    /// Bytes that are not UTF-8.
    NotUtf8,
    /// Not 20 characters.
    Length {
        /// The length found.
        len: usize,
    },
    /// Does not start with an IAM prefix.
    Prefix,
    /// An IAM unique ID (`AIDA…`, `AROA…`…), not an access key.
    NotAnAccessKey {
        /// What the prefix says it is, e.g. "an IAM user's unique ID".
        what: &'static str,
    },
}

/// Why an input could not give a usable secret.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputError {
    /// Larger than [`crate::input::MAX_INPUT`].
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// Nothing but whitespace.
    Empty,
    /// UTF-16 text, as PowerShell writes it.
    Utf16,
    /// The secret itself is malformed.
    Secret(SecretProblem),
    /// The access key ID is malformed or not an access key.
    KeyId(KeyIdProblem),
    /// The credentials are temporary (STS).
    Temporary(TemporaryEvidence),
    /// JSON that does not parse, or does not have the expected shape.
    Json {
        /// Line of the problem, from 1.
        line: usize,
        /// Column of the problem, from 1.
        column: usize,
        /// A syntax error (else a shape error, such as a number for a string).
        syntax: bool,
    },
    /// JSON without a `SecretAccessKey`.
    JsonNoSecret,
    /// The output of `aws iam list-access-keys`, which holds no secret.
    JsonListAccessKeys,
    /// A CSV header without the access key columns.
    CsvHeader,
    /// The header names a column twice.
    CsvDuplicateColumn {
        /// The second of the two columns, from 1.
        column: usize,
    },
    /// A CSV header and no row.
    CsvNoRow,
    /// More than one key row.
    CsvManyRows {
        /// How many rows.
        rows: usize,
    },
    /// A row with fewer fields than the header.
    CsvShortRow {
        /// The row, from 1 (the header is row 1).
        row: usize,
    },
    /// More fields than any IAM console file has.
    CsvTooManyFields,
}

impl InputError {
    /// The broad class of the failure.
    pub fn kind(&self) -> ErrorKind {
        match self {
            InputError::Temporary(_) | InputError::KeyId(KeyIdProblem::NotAnAccessKey { .. }) => {
                ErrorKind::Refused
            }
            _ => ErrorKind::BadInput,
        }
    }
}

const LONG_TERM_HINT: &str = "SES SMTP needs an IAM user's long-term access key (AKIA…): \
     create one with `aws iam create-access-key --user-name USER` and grant that user only ses:SendRawEmail";

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::TooLarge { limit } => write!(
                f,
                "the input is larger than {limit} bytes, so it is not a key; reading stopped\n  \
                 hint: give the secret, the JSON of `aws iam create-access-key`, or the IAM console's CSV file"
            ),
            InputError::Empty => write!(
                f,
                "the input holds only whitespace\n  \
                 hint: if you piped a shell variable, it is empty or unset"
            ),
            InputError::Utf16 => write!(
                f,
                "the input is UTF-16 text (as PowerShell's `>` and Out-File write it)\n  \
                 hint: save it as UTF-8 or ASCII, e.g. `Out-File -Encoding ascii`, or convert it with `iconv -f UTF-16 -t UTF-8`"
            ),
            InputError::Secret(p) => p.fmt(f),
            InputError::KeyId(p) => p.fmt(f),
            InputError::Temporary(evidence) => {
                let why = match evidence {
                    TemporaryEvidence::AsiaKeyId => {
                        "the access key ID starts with ASIA: these are temporary (STS) credentials"
                    }
                    TemporaryEvidence::SessionTokenInInput => {
                        "the input carries a session token: these are temporary (STS) credentials"
                    }
                    TemporaryEvidence::SessionTokenEnv => {
                        "AWS_SESSION_TOKEN is set beside AWS_SECRET_ACCESS_KEY: these are temporary (STS) credentials"
                    }
                    TemporaryEvidence::SecurityTokenEnv => {
                        "AWS_SECURITY_TOKEN (the older name of AWS_SESSION_TOKEN) is set beside \
                         AWS_SECRET_ACCESS_KEY: these are temporary (STS) credentials"
                    }
                };
                write!(
                    f,
                    "{why}, and SES SMTP cannot use them (SMTP AUTH has no field for a session token)\n  hint: {LONG_TERM_HINT}"
                )
            }
            InputError::Json {
                line,
                column,
                syntax,
            } => {
                if *syntax {
                    write!(
                        f,
                        "the input starts with {{ but is not valid JSON (line {line}, column {column})"
                    )?;
                } else {
                    write!(
                        f,
                        "the JSON does not have the expected shape (line {line}, column {column}): a credential field is not a string"
                    )?;
                }
                write!(
                    f,
                    "\n  hint: pipe the unmodified output of `aws iam create-access-key`"
                )
            }
            InputError::JsonNoSecret => write!(
                f,
                "the JSON holds no SecretAccessKey\n  \
                 hint: pipe the output of `aws iam create-access-key` ({{\"AccessKey\": {{… \"SecretAccessKey\": …}}}})"
            ),
            InputError::JsonListAccessKeys => write!(
                f,
                "this is the output of `aws iam list-access-keys`, which never holds secrets\n  \
                 hint: a secret is shown only once, when the key is created; create a new key with `aws iam create-access-key`"
            ),
            InputError::CsvHeader => write!(
                f,
                "the CSV header has no 'Access key ID' and 'Secret access key' columns\n  \
                 hint: give the access key CSV file that the IAM console downloads"
            ),
            InputError::CsvDuplicateColumn { column } => write!(
                f,
                "the CSV header names column {column} the same as an earlier column\n  \
                 hint: give the unmodified file that the IAM console downloaded"
            ),
            InputError::CsvNoRow => write!(
                f,
                "the CSV has a header but no key row\n  \
                 hint: give the whole file that the IAM console downloaded"
            ),
            InputError::CsvManyRows { rows } => write!(
                f,
                "the CSV holds {rows} key rows; which one to use is ambiguous\n  \
                 hint: keep only the header and the row of the key to use"
            ),
            InputError::CsvShortRow { row } => write!(
                f,
                "CSV row {row} has fewer fields than the header\n  \
                 hint: give the unmodified file that the IAM console downloaded"
            ),
            InputError::CsvTooManyFields => write!(
                f,
                "the CSV has more fields than an IAM console file\n  \
                 hint: give the unmodified file that the IAM console downloaded"
            ),
        }
    }
}

impl std::error::Error for InputError {}
