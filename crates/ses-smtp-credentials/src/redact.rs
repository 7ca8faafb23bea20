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

/// Runs this long are judged by their balance of cases alone (a secret
/// with no digit, about 1 in 900; two pieces of one rejoined).
const MIN_BALANCED: usize = 24;

/// At least a fifth upper case and a fifth lower case: random base64 has
/// about two fifths of each, while names, words and CamelCase identifiers
/// are mostly lower case.
fn balanced(run: &str) -> bool {
    let n = run.len();
    let upper = run.bytes().filter(u8::is_ascii_uppercase).count();
    let lower = run.bytes().filter(u8::is_ascii_lowercase).count();
    n >= MIN_BALANCED && upper * 5 >= n && lower * 5 >= n
}

/// Both cases, and a change of kind (upper, lower, digit) at more than 45
/// letters and digits in 100: random base64 changes kind at about two in
/// three, names and paths (`/Users/JohnSmith/Documents2024/smtp`) at about
/// one in three.
fn random_looking(run: &str) -> bool {
    let kind = |b: u8| match b {
        b'A'..=b'Z' => 0,
        b'a'..=b'z' => 1,
        b'0'..=b'9' => 2,
        _ => 3,
    };
    // Symbols (a path's `/`) are passed over: CamelCase folders between
    // slashes (`/work/MyOrgRepo/MyOrgRepo/`) are no random text.
    let alnum: Vec<u8> = run.bytes().filter(u8::is_ascii_alphanumeric).collect();
    let bytes = run.as_bytes();
    let changes = alnum
        .windows(2)
        .filter(|w| kind(w[0]) != kind(w[1]))
        .count();
    bytes.len() >= MIN_BALANCED
        && bytes.iter().any(u8::is_ascii_uppercase)
        && bytes.iter().any(u8::is_ascii_lowercase)
        && changes * 20 >= alnum.len() * 9
}

/// How many runs, each apart by a stray character, are judged together: a
/// JSON-escaped password (`\/` for each `/`) comes in as many pieces as it
/// has slashes, plus one.
const JOINED_RUNS: usize = 6;

/// One character that a paste or a wrapped line may put inside a secret:
/// a line break, white space, `-`, `.`, `_`, `,`, `:`, `;`, `%`, `\` (a JSON
/// echo writes `/` as `\/`), or an invisible character (a zero-width space).
fn stray(c: char) -> bool {
    c.is_whitespace() || "-._,:;%\\".contains(c) || invisible(c)
}

/// A stretch of the base64 alphabet, where `%2F`, `%2B` and `%3D` (URL
/// encoding) count as the characters they stand for: its byte range, and
/// those characters.
struct Run {
    start: usize,
    end: usize,
    chars: String,
}

fn percent_escape(bytes: &[u8]) -> Option<char> {
    match bytes {
        [b'%', a, b, ..] => match (a.to_ascii_uppercase(), b.to_ascii_uppercase()) {
            (b'2', b'F') => Some('/'),
            (b'2', b'B') => Some('+'),
            (b'3', b'D') => Some('='),
            _ => None,
        },
        _ => None,
    }
}

fn runs(text: &str) -> Vec<Run> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let mut chars = String::new();
        loop {
            if i < bytes.len() && base64_char(bytes[i] as char) {
                chars.push(bytes[i] as char);
                i += 1;
            } else if let Some(c) = percent_escape(&bytes[i..]) {
                chars.push(c);
                i += 3;
            } else {
                break;
            }
        }
        if i > start {
            out.push(Run {
                start,
                end: i,
                chars,
            });
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// A line wrapped inside a secret: a line break (CR LF too) with the
/// next line's indentation or quoting (`\n    `, `\r\n  `, `\n> `), as a
/// mail client or a log wraps a long line; at most 16 characters.
fn wrapped(between: &str) -> bool {
    let Some((before, after)) = between.split_once('\n') else {
        return false;
    };
    between.len() <= 16
        && before.chars().all(|c| c == '\r' || c == ' ' || c == '\t')
        && after.chars().all(|c| matches!(c, ' ' | '\t' | '>'))
}

/// A run that is a secret or a password echoed in lower case (an SMTP
/// server that folds case): long, with digits, and too many distinct
/// characters for a word or a path.
fn lowered(run: &str) -> bool {
    let distinct = {
        let mut seen = [false; 128];
        run.bytes().for_each(|b| seen[usize::from(b & 0x7f)] = true);
        seen.iter().filter(|s| **s).count()
    };
    run.len() >= 40 && run.bytes().any(|b| b.is_ascii_digit()) && distinct >= 18
}

/// A run of hexadecimal digits long enough to be a secret or a password
/// hex-encoded (a password's 44 characters are 88 hex digits; its 33
/// bytes, 66), with letters and digits both: a SHA-1 (40) stays readable.
fn hex_encoded(run: &str) -> bool {
    run.len() >= 48
        && run.bytes().all(|b| b.is_ascii_hexdigit())
        && run.bytes().any(|b| b.is_ascii_digit())
        && run.bytes().any(|b| b.is_ascii_alphabetic())
}

/// The byte ranges of the ARNs in `text` (`arn:` to the next white space
/// or quote): their fields are joined by `:` and `/`, which are no stray
/// characters inside a secret there, so the pieces are judged one by one
/// (a principal's ARN in an AccessDenied message stays readable; a
/// secret-shaped piece of one is still hidden).
fn arn_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find("arn:").map(|i| i + from) {
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let end = text[i..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ')' | '>' | '<'))
            .map_or(text.len(), |e| i + e);
        if boundary {
            out.push((i, end));
        }
        from = end.max(i + 4);
    }
    out
}

/// The byte ranges to hide: each run that looks like a secret, and two or
/// three runs that do once rejoined across single stray characters (a
/// secret with a `-` or a line break, CR LF too, inside it) or a wrapped
/// line.
fn secret_spans(text: &str) -> Vec<(usize, usize)> {
    let runs = runs(text);
    let arns = arn_spans(text);
    let mut spans = Vec::new();
    for r in &runs {
        if secret_shaped(&r.chars)
            || balanced(&r.chars)
            || lowered(&r.chars)
            || hex_encoded(&r.chars)
        {
            spans.push((r.start, r.end));
        }
    }
    // Runs i..=j (up to JOINED_RUNS of them) with one stray character (or
    // a CR LF, or a wrapped line) between each two, never inside an ARN.
    let one_stray = |a: &Run, b: &Run| {
        let between = &text[a.end..b.start];
        let in_arn = arns.iter().any(|&(s, e)| s <= a.end && b.start <= e);
        !in_arn
            && ((between.chars().count() <= 2 && between.chars().all(stray)) || wrapped(between))
    };
    for i in 0..runs.len() {
        let mut joined = runs[i].chars.clone();
        // Backslashes alone between the pieces: a JSON echo's `\/`.
        let mut escaped = true;
        for j in i + 1..runs.len().min(i + JOINED_RUNS) {
            if !one_stray(&runs[j - 1], &runs[j]) {
                break;
            }
            escaped &= &text[runs[j - 1].end..runs[j].start] == "\\";
            // Past three pieces only a JSON echo is followed: words in a
            // row (`This Is Plain Text`) would balance their cases too.
            if j >= i + 3 && !escaped {
                break;
            }
            joined.push_str(&runs[j].chars);
            if balanced(&joined) || random_looking(&joined) {
                spans.push((runs[i].start, runs[j].end));
            }
        }
    }
    // A piece of a secret beside one that is hidden, across one stray
    // character, goes with it (`kqfocpfrvpjlsz-2/Rlk1xsgFyd7rCnivDzYppltz`:
    // the first piece alone looks like a word).
    let widened: Vec<(usize, usize)> = spans
        .iter()
        .map(|&(start, end)| {
            let first = runs.iter().position(|r| r.start == start);
            let last = runs.iter().position(|r| r.end == end);
            let start = match first {
                Some(i) if i > 0 && one_stray(&runs[i - 1], &runs[i]) => runs[i - 1].start,
                _ => start,
            };
            let end = match last {
                Some(i) if i + 1 < runs.len() && one_stray(&runs[i], &runs[i + 1]) => {
                    runs[i + 1].end
                }
                _ => end,
            };
            (start, end)
        })
        .collect();
    let mut spans = widened;
    spans.sort_unstable();
    spans
}

/// `text` as a message may show it: secret-shaped runs replaced by
/// `[hidden: looks like a secret]` (also when a stray character sits inside one, when it is
/// URL-encoded, and when it has no digit), invisible and control characters
/// escaped (`\e`, `\r`, `\u{202e}`…).
///
/// ```
/// use ses_smtp_credentials::user_text;
/// assert_eq!(user_text("./smtp.env"), "./smtp.env");
/// assert_eq!(
///     user_text("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\r"),
///     "[hidden: looks like a secret]\\r"
/// );
/// assert_eq!(
///     user_text("wJalrXUtnFEMI/K7MDENG-bPxRfiCYEXAMPLEKEY"),
///     "[hidden: looks like a secret]"
/// );
/// assert_eq!(user_text("a\u{1b}]0;title\u{7}"), "a\\e]0;title\\a");
/// ```
pub fn user_text(text: &str) -> String {
    let spans = secret_spans(text);
    let mut out = String::with_capacity(text.len() + 8);
    let mut next_span = spans.iter().peekable();
    let mut i = 0;
    while i < text.len() {
        // A span that starts here (or overlaps what was hidden already).
        let mut hide_to = None;
        while let Some(&&(start, end)) = next_span.peek() {
            if start > i {
                break;
            }
            if end > i {
                hide_to = Some(hide_to.map_or(end, |h: usize| h.max(end)));
            }
            next_span.next();
        }
        if let Some(end) = hide_to {
            out.push_str(HIDDEN);
            i = end;
            continue;
        }
        // `i` is always a char boundary below the end.
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
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

    /// A small deterministic generator (xorshift64*), for random secrets.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).expect("below n, a usize")
        }
    }

    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    fn random_secret(rng: &mut Rng, digits: bool) -> String {
        let alphabet: Vec<u8> = ALPHABET
            .iter()
            .copied()
            .filter(|b| digits || !b.is_ascii_digit())
            .collect();
        (0..40)
            .map(|_| alphabet[rng.below(alphabet.len())] as char)
            .collect()
    }

    /// No 8 characters of `secret` in a row in what is shown.
    fn assert_hidden(secret: &str, variant: &str) {
        let shown = user_text(variant);
        for i in 0..=secret.len() - 8 {
            assert!(
                !shown.contains(&secret[i..i + 8]),
                "{variant:?} showed {:?}: {shown:?}",
                &secret[i..i + 8]
            );
        }
    }

    /// Thousands of random secrets and passwords, each with a stray
    /// character inside it (every kind, at random places), URL-encoded,
    /// and without digits: none shows eight characters in a row.
    #[test]
    fn a_stray_character_an_encoding_or_no_digit_does_not_beat_the_redaction() {
        let mut rng = Rng(0x5EC2_E7AB_1E5E_ED01);
        let strays = ["\n", "\r\n", "-", ".", " ", "\t", "\u{200b}", "%", "_"];
        for n in 0..2_000 {
            let secret = random_secret(&mut rng, n % 10 != 0);
            let password = crate::derive_v4(
                &crate::SecretKey::from_bytes(secret.as_bytes()),
                "eu-west-1",
            );
            for s in [secret.as_str(), password.expose()] {
                assert_hidden(s, s);
                for stray in strays {
                    let at = 1 + rng.below(s.len() - 1);
                    assert_hidden(s, &format!("{}{stray}{}", &s[..at], &s[at..]));
                    assert_hidden(s, &format!("./{}{stray}{}.txt", &s[..at], &s[at..]));
                }
                let encoded = s
                    .replace('/', "%2F")
                    .replace('+', "%2B")
                    .replace('=', "%3D");
                assert_hidden(s, &encoded);
                // Echoed inside JSON, every `/` written `\/`.
                let json = format!("{{\"password\":\"{}\"}}", s.replace('/', "\\/"));
                assert_hidden(s, &json);
                let lower = s.replace('/', "%2f").replace('+', "%2b");
                assert_hidden(s, &lower);
            }
        }
        // Every position, for one secret and every stray character.
        for stray in strays {
            for at in 1..SECRET.len() {
                assert_hidden(
                    SECRET,
                    &format!("{}{stray}{}", &SECRET[..at], &SECRET[at..]),
                );
            }
        }
    }

    /// What users type still reads as typed: paths, names, hosts, words.
    #[test]
    fn ordinary_text_is_not_taken_for_a_secret() {
        for t in [
            "/home/alice/Documents/Projects/smtp-credentials.env",
            "/Users/John Smith/Documents 2024/smtp.env",
            "C:/Users/Administrator/AppData/Local/smtp.txt",
            "AbstractSingletonProxyFactoryBean",
            "prod-eu-west-1-smtp-relay.example.com",
            "My Profile Name",
            "smtp_password_2024-11-27.backup",
            "ses-smtp-password_0.1.0-1_amd64.deb",
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/smtp-AbCdEf",
            "250-mailin.test / 250-PIPELINING / 250-8BITMIME / 250-ENHANCEDSTATUSCODES / 250 AUTH PLAIN LOGIN",
            "Hello World, This Is Plain Text With Words In It",
        ] {
            assert_eq!(user_text(t), t);
        }
    }

    /// A secret or a password wrapped across lines with indentation or
    /// mail quoting, echoed in lower case, or hex-encoded: hidden.
    #[test]
    fn wrapped_lowered_and_hex_echoes_are_hidden() {
        for s in [SECRET, PASSWORD] {
            for wrap in ["\n    ", "\r\n  ", "\n> ", "\n\t", "\n>> "] {
                for at in [10, 20, 30] {
                    assert_hidden(s, &format!("{}{wrap}{}", &s[..at], &s[at..]));
                    assert_hidden(s, &format!("535 {}{wrap}{} rejected", &s[..at], &s[at..]));
                }
            }
            let lower = s.to_ascii_lowercase();
            assert!(
                user_text(&format!("535 {lower}")).contains(HIDDEN),
                "{lower}"
            );
            assert_hidden(&lower, &format!("535 {lower}"));
            let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
            assert_hidden(&hex, &format!("535 5.7.8 {hex}"));
        }
        let mut rng = Rng(0x10E5_C0DE_0000_0001);
        for _ in 0..500 {
            let secret = random_secret(&mut rng, true);
            let password = crate::derive_v4(
                &crate::SecretKey::from_bytes(secret.as_bytes()),
                "eu-west-1",
            );
            let lower = password.expose().to_ascii_lowercase();
            assert_hidden(&lower, &lower);
            let hex: String = password
                .expose()
                .bytes()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_hidden(&hex, &hex);
        }
    }

    /// A path without digits, and the principal AWS names in an
    /// AccessDenied message, stay readable; a secret inside such a message
    /// is still hidden.
    #[test]
    fn paths_and_the_denied_principals_arn_stay_readable() {
        for t in [
            "/home/runner/work/MyOrgRepo/MyOrgRepo/smtp.env",
            "User: arn:aws:iam::123456789012:user/operator is not authorized to perform: iam:CreateAccessKey on resource: arn:aws:iam::123456789012:user/smtp-legacy",
            "User: arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/john.doe@example.com is not authorized to perform: iam:TagUser",
            "arn:aws:sts::123456789012:assumed-role/GitHubActionsDeployRole/GitHubActions",
            "0123456789abcdef0123456789abcdef01234567",
        ] {
            assert_eq!(user_text(t), t);
        }
        let denied = format!(
            "User: arn:aws:iam::123456789012:user/operator is not authorized to perform: iam:TagUser with {SECRET}"
        );
        let shown = user_text(&denied);
        assert!(
            shown.contains("arn:aws:iam::123456789012:user/operator"),
            "{shown}"
        );
        assert_hidden(SECRET, &denied);
        let in_arn = format!("arn:aws:iam::123456789012:user/{SECRET}");
        assert_hidden(SECRET, &in_arn);
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
