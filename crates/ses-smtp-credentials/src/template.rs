//! User templates: text with `{placeholder}`s, checked when parsed (before
//! any secret is read) and rendered into a fixed, zeroizing buffer.

use crate::credential::{Derived, FixedBuf, RenderError};
use crate::output::{username, write_urlencoded};
use std::fmt;
use std::io::{self, Write};

/// Why a `--template` could not be used. Positions only: the template may
/// be a credentials file passed by mistake, so its text is never shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TemplateError {
    /// `{name}` with a name that is not a placeholder.
    Unknown {
        /// Its line, from 1.
        line: usize,
        /// Its column (in characters), from 1.
        column: usize,
    },
    /// A `{` with no `}` on the same line.
    Unclosed {
        /// Its line, from 1.
        line: usize,
        /// Its column (in characters), from 1.
        column: usize,
    },
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TemplateError::Unknown { line, column } => write!(
                f,
                "unknown placeholder at line {line}, column {column}\n  hint: the placeholders are {{username}}, {{password}}, {{password_urlencoded}}, {{host}}, {{port}} and {{region}}; write {{{{ and }}}} for literal braces"
            ),
            TemplateError::Unclosed { line, column } => write!(
                f,
                "the {{ at line {line}, column {column} is not closed on its line\n  hint: write {{{{ for a literal brace"
            ),
        }
    }
}

impl std::error::Error for TemplateError {}

/// A placeholder of a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placeholder {
    Username,
    Password,
    PasswordUrlencoded,
    Host,
    Port,
    Region,
}

/// A piece of a parsed template: literal text (by range) or a placeholder.
#[derive(Clone, Debug)]
enum Piece {
    Text(std::ops::Range<usize>),
    Placeholder(Placeholder),
}

/// A user template, checked when parsed (before any secret is read):
/// `{username}`, `{password}`, `{password_urlencoded}`, `{host}`, `{port}`
/// (587) and `{region}`; `{{` and `}}` are literal braces.
///
/// ```
/// use ses_smtp_credentials::{derive_v4, region, Derived, SecretKey, Template, Version};
/// let t = Template::parse("MAIL_HOST={host}\nMAIL_PASSWORD={password}\n".into()).unwrap();
/// assert!(!t.needs_username());
/// let secret = SecretKey::from_bytes(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
/// let region = region::resolve("us-east-1", false).unwrap();
/// let item = Derived::new(None, derive_v4(&secret, "us-east-1"), region, Version::V4);
/// let out = t.render(&item).unwrap();
/// assert!(out.as_bytes().starts_with(b"MAIL_HOST=email-smtp.us-east-1.amazonaws.com\n"));
/// ```
#[derive(Clone, Debug)]
pub struct Template {
    text: String,
    pieces: Vec<Piece>,
}

impl Template {
    /// Parses a template; an unknown placeholder or an unclosed `{` is an
    /// error naming its line and column.
    ///
    /// # Errors
    /// [`TemplateError`], naming the line and column.
    pub fn parse(text: String) -> Result<Template, TemplateError> {
        let mut pieces = Vec::new();
        let (mut line, mut column) = (1, 1);
        let mut at = 0;
        let bytes = text.as_bytes();
        let mut literal_from = 0;
        let close_literal = |pieces: &mut Vec<Piece>, from: usize, to: usize| {
            if to > from {
                pieces.push(Piece::Text(from..to));
            }
        };
        while at < bytes.len() {
            // `at` is always a char boundary below the end.
            let Some(c) = text[at..].chars().next() else {
                break;
            };
            let rest = &text[at..];
            if rest.starts_with("{{") || rest.starts_with("}}") {
                close_literal(&mut pieces, literal_from, at + 1);
                at += 2;
                column += 2;
                literal_from = at;
                continue;
            }
            if c == '{' {
                let end = rest
                    .find(['}', '\n'])
                    .filter(|&e| rest.as_bytes()[e] == b'}')
                    .ok_or(TemplateError::Unclosed { line, column })?;
                let placeholder = match &rest[1..end] {
                    "username" => Placeholder::Username,
                    "password" => Placeholder::Password,
                    "password_urlencoded" => Placeholder::PasswordUrlencoded,
                    "host" => Placeholder::Host,
                    "port" => Placeholder::Port,
                    "region" => Placeholder::Region,
                    _ => return Err(TemplateError::Unknown { line, column }),
                };
                close_literal(&mut pieces, literal_from, at);
                pieces.push(Piece::Placeholder(placeholder));
                column += rest[..=end].chars().count();
                at += end + 1;
                literal_from = at;
                continue;
            }
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
            at += c.len_utf8();
        }
        close_literal(&mut pieces, literal_from, bytes.len());
        Ok(Template { text, pieces })
    }

    /// Whether the template uses `{username}`.
    pub fn needs_username(&self) -> bool {
        self.pieces
            .iter()
            .any(|p| matches!(p, Piece::Placeholder(Placeholder::Username)))
    }

    fn write(&self, out: &mut dyn Write, d: &Derived) -> io::Result<()> {
        for piece in &self.pieces {
            match piece {
                Piece::Text(range) => out.write_all(&self.text.as_bytes()[range.clone()])?,
                Piece::Placeholder(p) => match p {
                    Placeholder::Username => out.write_all(username(d).as_bytes())?,
                    Placeholder::Password => out.write_all(d.password.expose().as_bytes())?,
                    Placeholder::PasswordUrlencoded => write_urlencoded(out, d.password.expose())?,
                    Placeholder::Host => out.write_all(d.host().as_bytes())?,
                    Placeholder::Port => write!(out, "{}", d.port(false))?,
                    Placeholder::Region => out.write_all(d.region.code.as_bytes())?,
                },
            }
        }
        Ok(())
    }

    /// Fills the template for one item. The buffer is sized exactly by a
    /// first pass: it grows with the output, never with the braces.
    ///
    /// # Errors
    /// [`RenderError::NeedsUsername`] when the template uses `{username}` and
    /// the item has none.
    pub fn render(&self, d: &Derived) -> Result<FixedBuf, RenderError> {
        if self.needs_username() && d.username.is_none() {
            return Err(RenderError::NeedsUsername);
        }
        FixedBuf::render(|out| self.write(out, d))
    }
}
