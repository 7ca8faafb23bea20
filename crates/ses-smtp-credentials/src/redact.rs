//! The one way text a user typed (a path, a profile name, a host) is shown
//! in a message. Such text may be a secret pasted in the wrong place, with a
//! stray character or two around it, or may carry terminal escapes; so
//! secret-shaped runs are hidden and every invisible or control character
//! is written as a visible escape.

/// What replaces a run that could be a secret access key or a password.
pub const HIDDEN: &str = "[hidden: looks like a secret]";

/// Runs this long or longer are judged (an access key ID is 20).
const MIN_RUN: usize = 20;

fn base64_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}

/// Characters that draw nothing, move text around, or drive a terminal:
/// controls (C0, DEL, C1), Unicode format characters (zero-width, bidi
/// overrides and isolates, soft hyphen, BOM, tags) and line separators.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}'
            | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// A run of the base64 alphabet that mixes upper case, lower case and
/// digits over 20 characters or more: what a secret access key (40), an
/// SMTP password (44) or a piece of either looks like. Ordinary names and
/// paths (`/etc/ssl/certs/ca.pem`, `./smtp.env`, `smtp-user`) do not.
fn secret_shaped(run: &str) -> bool {
    run.len() >= MIN_RUN
        && run.bytes().any(|b| b.is_ascii_uppercase())
        && run.bytes().any(|b| b.is_ascii_lowercase())
        && run.bytes().any(|b| b.is_ascii_digit())
}

/// `text` as a message may show it: secret-shaped runs replaced by
/// [`HIDDEN`], invisible and control characters escaped (`\e`, `\r`,
/// `\u{202e}`…).
///
/// ```
/// use ses_smtp_credentials::redact::user_text;
/// assert_eq!(user_text("./smtp.env"), "./smtp.env");
/// assert_eq!(
///     user_text("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\r"),
///     "[hidden: looks like a secret]\\r"
/// );
/// assert_eq!(user_text("a\u{1b}]0;title\u{7}"), "a\\e]0;title\\a");
/// ```
pub fn user_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while !rest.is_empty() {
        let run_len = rest
            .char_indices()
            .find(|(_, c)| !base64_char(*c))
            .map_or(rest.len(), |(i, _)| i);
        if run_len > 0 {
            let (run, after) = rest.split_at(run_len);
            out.push_str(if secret_shaped(run) { HIDDEN } else { run });
            rest = after;
            continue;
        }
        let c = rest.chars().next().expect("rest is not empty");
        rest = &rest[c.len_utf8()..];
        if invisible(c) {
            match c {
                '\u{1b}' => out.push_str("\\e"),
                '\u{7}' => out.push_str("\\a"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\0' => out.push_str("\\0"),
                c => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A path as a message may show it (see [`user_text`]); bytes that are not
/// UTF-8 show as U+FFFD.
pub fn user_path(path: &std::path::Path) -> String {
    user_text(&path.to_string_lossy())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const PASSWORD: &str = "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9";

    #[test]
    fn ordinary_names_stay_readable() {
        for t in [
            "/etc/ssl/certs/ca.pem",
            "./smtp.env",
            "smtp-user",
            "~/.aws/credentials",
            "/var/lib/app/templates/postfix-sasl_passwd.tmpl",
            "email-smtp.eu-west-1.amazonaws.com",
            "AKIAIOSFODNN7EXAMPLE",
        ] {
            assert_eq!(user_text(t), t);
        }
    }

    #[test]
    fn secrets_are_hidden_whatever_surrounds_them() {
        for s in [SECRET, PASSWORD] {
            for (before, after) in [
                ("", ""),
                ("", "\r"),
                ("", " "),
                ("'", "'"),
                ("\"", "\"\n"),
                ("./", ".txt"),
                ("\u{200b}", "\u{feff}"),
            ] {
                let shown = user_text(&format!("{before}{s}{after}"));
                for i in 0..=s.len() - 8 {
                    assert!(!shown.contains(&s[i..i + 8]), "{shown:?}");
                }
                assert!(shown.contains(HIDDEN), "{shown:?}");
            }
        }
    }

    #[test]
    fn invisible_characters_are_escaped() {
        assert_eq!(user_text("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(user_text("x\u{1b}[31my"), "x\\e[31my");
        assert_eq!(user_text("soft\u{ad}hyphen"), "soft\\u{00ad}hyphen");
        assert_eq!(user_text("c1\u{85}"), "c1\\u{0085}");
        assert!(user_text("\u{7f}\u{0}\t").chars().all(|c| !c.is_control()));
    }
}
