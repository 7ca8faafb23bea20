//! The function's log: one JSON object per line, whatever the function's
//! log-format setting, with the step, the secret's ARN, key IDs, the
//! outcome, tries and duration. Never a secret or a password: values come
//! from the function's own words, key IDs and `user_text`.

/// Where log lines go (standard output in the function; a test's vector).
pub type Log<'a> = &'a mut dyn FnMut(&Line);

/// One log line under construction.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Line(serde_json::Map<String, serde_json::Value>);

impl Line {
    /// A line at `level` (`INFO`, `ERROR`) about `step` of `secret`.
    pub fn new(level: &str, step: &str, secret: &str) -> Line {
        let mut m = serde_json::Map::new();
        m.insert("level".into(), level.into());
        m.insert("step".into(), step.into());
        m.insert(
            "secret".into(),
            ses_smtp_credentials::user_text(secret).into(),
        );
        Line(m)
    }

    /// Adds a member.
    pub fn with(mut self, key: &str, value: impl Into<serde_json::Value>) -> Line {
        self.0.insert(key.into(), value.into());
        self
    }

    /// A member's value.
    pub fn get(&self, key: &str) -> Option<&serde_json::Value> {
        self.0.get(key)
    }

    /// The line as written: compact JSON, no newline.
    pub fn to_json(&self) -> String {
        serde_json::Value::Object(self.0.clone()).to_string()
    }
}
