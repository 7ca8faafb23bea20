//! The syntax of the AWS CLI's shared files, as the SDKs' conformance suite
//! pins it: sections, properties, comments, continuation lines.

use crate::profile::{File, ParseProblem, Profile, ProfileError, ProfileSet, Value};
use std::collections::HashMap;

impl ProfileSet {
    /// Parses the credentials and config files (either may be absent) and
    /// merges them: config first, then credentials, so the credentials
    /// file wins for a property both define.
    ///
    /// # Errors
    /// [`ProfileError::Parse`] where a file does not parse as the SDKs parse
    /// it.
    pub fn parse(credentials: Option<&str>, config: Option<&str>) -> Result<Self, ProfileError> {
        let mut set = ProfileSet::default();
        let config = config.map(|t| raw_sections(t, File::Config)).transpose()?;
        let credentials = credentials
            .map(|t| raw_sections(t, File::Credentials))
            .transpose()?;
        if let Some(sections) = config {
            set.merge(sections, File::Config);
        }
        if let Some(sections) = credentials {
            set.merge(sections, File::Credentials);
        }
        Ok(set)
    }

    /// The profile of that name, merged from both files.
    pub fn profile(&self, name: &str) -> Option<&Profile> {
        self.profiles
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p)
    }

    /// The `[sso-session NAME]` section of that name.
    pub fn sso_session(&self, name: &str) -> Option<&Profile> {
        self.sso_sessions
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p)
    }

    /// Profile names, in the order first defined.
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.iter().map(|(n, _)| n.as_str())
    }

    /// sso-session names, in the order first defined.
    pub fn sso_session_names(&self) -> impl Iterator<Item = &str> {
        self.sso_sessions.iter().map(|(n, _)| n.as_str())
    }

    fn merge(&mut self, sections: Vec<RawSection<'_>>, file: File) {
        let headers: Vec<Header<'_>> = sections.iter().map(|s| Header::parse(s.name)).collect();
        // In the config file, `[profile default]` hides `[default]`.
        let prefixed_default = file == File::Config
            && headers
                .iter()
                .any(|h| h.prefix == Some("profile") && h.name == "default");
        // Where each name is, so that many sections merge in linear time.
        let index = |list: &Vec<(String, Profile)>| -> HashMap<String, usize> {
            list.iter()
                .enumerate()
                .map(|(i, (n, _))| (n.clone(), i))
                .collect()
        };
        let mut profile_index = index(&self.profiles);
        let mut session_index = index(&self.sso_sessions);
        for (section, header) in sections.iter().zip(headers) {
            let (target, names) = match (file, header.prefix, header.name) {
                (_, _, name) if !valid_identifier(name) => continue,
                (File::Config, None, "default") if !prefixed_default => {
                    (&mut self.profiles, &mut profile_index)
                }
                (File::Config, Some("profile"), _) => (&mut self.profiles, &mut profile_index),
                (File::Config, Some("sso-session"), _) => {
                    (&mut self.sso_sessions, &mut session_index)
                }
                (File::Credentials, None, _) => (&mut self.profiles, &mut profile_index),
                // Other sections ([services x], [default] beside [profile
                // default], [profile x] in the credentials file…) are no
                // profiles.
                _ => continue,
            };
            let at = match names.get(header.name) {
                Some(&i) => i,
                None => {
                    names.insert(header.name.to_string(), target.len());
                    target.push((header.name.to_string(), Profile::default()));
                    target.len() - 1
                }
            };
            let profile = &mut target[at].1;
            for (key, pieces) in &section.properties {
                if valid_identifier(key) {
                    profile.set(key.clone(), Value::join(pieces), file);
                }
            }
        }
    }
}

/// A section header split as the SDKs split it: an optional prefix word,
/// then the name, both trimmed.
struct Header<'a> {
    prefix: Option<&'a str>,
    name: &'a str,
}

impl<'a> Header<'a> {
    fn parse(inside: &'a str) -> Self {
        let inside = inside.trim_matches(WS);
        match inside.split_once(WS) {
            Some((prefix, name)) => Header {
                prefix: Some(prefix.trim()),
                name: name.trim(),
            },
            None => Header {
                prefix: None,
                name: inside,
            },
        }
    }
}

fn valid_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c))
}

const WS: &[char] = &[' ', '\t'];

/// A section as written in one file: its header text and its properties,
/// each value as borrowed lines (joined later, once).
struct RawSection<'a> {
    name: &'a str,
    properties: Vec<(String, Vec<&'a str>)>,
}

/// Strips a comment and surrounding whitespace. In property lines a
/// comment starts only after whitespace (`a#b` is a value); in headers,
/// anywhere.
fn strip_comment(line: &str, needs_space: bool) -> &str {
    let line = line.trim_matches(WS);
    let mut after_space = false;
    for (i, c) in line.char_indices() {
        if (c == '#' || c == ';') && (after_space || !needs_space) {
            return line[..i].trim_matches(WS);
        }
        after_space = c == ' ' || c == '\t';
    }
    line
}

/// `name = value` → (lower-case name, value), both trimmed.
fn property(line: &str, sub_property: bool) -> Result<(String, &str), ParseProblem> {
    let (k, v) = strip_comment(line, true)
        .split_once('=')
        .ok_or(ParseProblem::NoEquals { sub_property })?;
    let k = k.trim_matches(WS);
    if k.is_empty() {
        return Err(ParseProblem::NoName { sub_property });
    }
    Ok((k.to_ascii_lowercase(), v.trim_matches(WS)))
}

/// Splits one file into sections, merging sections whose header text is
/// the same (properties: the last definition wins).
fn raw_sections(text: &str, file: File) -> Result<Vec<RawSection<'_>>, ProfileError> {
    let mut sections: Vec<RawSection<'_>> = Vec::new();
    // Where each header is, and each section's properties by name: linear
    // time whatever the file holds.
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    let mut keys: Vec<HashMap<String, usize>> = Vec::new();
    // The section being read, and the property a continuation extends.
    let mut current: Option<usize> = None;
    let mut property_at: Option<usize> = None;
    for (n, line) in text.lines().enumerate() {
        let fail = |problem| ProfileError::Parse {
            file,
            line: n + 1,
            problem,
        };
        if line.trim_matches(WS).is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if line.starts_with('[') {
            let inside = strip_comment(line, false)
                .strip_prefix('[')
                .and_then(|l| l.strip_suffix(']'))
                .ok_or_else(|| fail(ParseProblem::SectionNotClosed))?;
            let at = match by_name.get(inside) {
                Some(&i) => i,
                None => {
                    by_name.insert(inside, sections.len());
                    sections.push(RawSection {
                        name: inside,
                        properties: Vec::new(),
                    });
                    keys.push(HashMap::new());
                    sections.len() - 1
                }
            };
            current = Some(at);
            property_at = None;
        } else if line.starts_with(WS) {
            let section =
                &mut sections[current.ok_or_else(|| fail(ParseProblem::OutsideSection))?];
            let at = property_at.ok_or_else(|| fail(ParseProblem::ContinuationWithoutProperty))?;
            let pieces = &mut section.properties[at].1;
            // A property with an empty value opens sub-properties, whose
            // lines must each be `name = value`.
            if pieces.first() == Some(&"") {
                property(line, true).map_err(fail)?;
            }
            pieces.push(line.trim_matches(WS));
        } else {
            let index = current.ok_or_else(|| fail(ParseProblem::OutsideSection))?;
            let section = &mut sections[index];
            let (key, value) = property(line, false).map_err(fail)?;
            let at = match keys[index].get(&key) {
                Some(&i) => {
                    section.properties[i].1 = vec![value];
                    i
                }
                None => {
                    keys[index].insert(key.clone(), section.properties.len());
                    section.properties.push((key, vec![value]));
                    section.properties.len() - 1
                }
            };
            property_at = Some(at);
        }
    }
    Ok(sections)
}
