//! The process's environment and terminal, as a value: settling and the
//! secret's sources read them only through it (as smithy-rs's aws-config
//! passes `Env` and `Fs` into its profile loading), so tests build one.

use std::ffi::OsString;

/// How a variable is looked up.
type Lookup = Box<dyn Fn(&str) -> Option<OsString>>;

/// The environment variables, and the facts about standard input and the
/// terminal that the rules depend on.
pub struct Env {
    var: Lookup,
    /// Whether standard input is a terminal.
    pub stdin_is_tty: bool,
    /// Whether a controlling terminal can be opened for a prompt (asked
    /// only when a rule needs it: it opens /dev/tty).
    has_tty: Box<dyn Fn() -> bool>,
}

impl Env {
    /// This process's.
    pub fn of_process() -> Env {
        use std::io::IsTerminal;
        Env {
            var: Box::new(|name: &str| std::env::var_os(name)),
            stdin_is_tty: std::io::stdin().is_terminal(),
            has_tty: Box::new(crate::terminal::has_tty),
        }
    }

    /// A made-up one, for tests: these variables, these terminal facts.
    #[cfg(test)]
    pub fn fake(vars: &[(&str, &str)], stdin_is_tty: bool, has_tty: bool) -> Env {
        let vars: Vec<(String, OsString)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        Env {
            var: Box::new(move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())),
            stdin_is_tty,
            has_tty: Box::new(move || has_tty),
        }
    }

    /// A variable, as the OS holds it.
    pub fn var_os(&self, name: &str) -> Option<OsString> {
        (self.var)(name)
    }

    /// A variable that is set, UTF-8 and not blank.
    pub fn non_empty(&self, name: &str) -> Option<String> {
        self.var_os(name)
            .and_then(|v| v.into_string().ok())
            .filter(|v| !v.trim().is_empty())
    }

    /// A variable as UTF-8 (`Err` when set but not UTF-8).
    pub fn var(&self, name: &str) -> Result<String, std::env::VarError> {
        match self.var_os(name) {
            None => Err(std::env::VarError::NotPresent),
            Some(v) => v.into_string().map_err(std::env::VarError::NotUnicode),
        }
    }

    /// Whether a controlling terminal can be opened.
    pub fn has_tty(&self) -> bool {
        (self.has_tty)()
    }
}
