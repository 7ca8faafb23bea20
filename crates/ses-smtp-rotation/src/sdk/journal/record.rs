//! What a journal records.

use crate::Store;
use crate::sdk::error::{Error, Result};
use crate::sdk::iam::Timestamp;

/// What a rotation had found, and made, as far as it got.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Journal {
    /// The IAM user.
    pub user: String,
    /// The region the stores were written in (the first region).
    pub region: String,
    /// Every region the new key sends from, first first, when it is more
    /// than one (their parameters are the stores' too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    /// The process that wrote it.
    pub pid: u32,
    /// The machine's boot ID when it was written: the pid names the
    /// process on that boot only.
    #[serde(default)]
    pub boot_id: Option<String>,
    /// When it started, in seconds since 1970.
    pub started: u64,
    /// The user's access key IDs before the rotation.
    pub keys_before: Vec<String>,
    /// The token of the claim the run set on the user, once it did.
    #[serde(default)]
    pub claim: Option<String>,
    /// The `CreateAccessKey` call, once it was about to be sent.
    #[serde(default)]
    pub create: Option<CreateCall>,
    /// The key the rotation made, once IAM returned it.
    pub created_key: Option<String>,
    /// Every store as it was before.
    pub stores: Vec<StoreBefore>,
    /// What each store write made, as AWS returned it, in the order done.
    #[serde(default)]
    pub made: Vec<Made>,
    /// Every store was written: the run was delivering the credentials.
    #[serde(default)]
    pub stored: bool,
    /// The rotation was delivered (stores and `--out` written): nothing is
    /// to be undone, the journal only not yet removed.
    #[serde(default)]
    pub committed: bool,
}

impl Journal {
    /// Whether everything it names is of its own stores: the parameters of
    /// each `ssm:` store's prefix, the secret each `secretsmanager:` store
    /// names (a created secret's ARN is that secret's). A journal that
    /// names anything else would steer an undo elsewhere.
    pub(crate) fn check(&self) -> std::result::Result<(), &'static str> {
        let mut parameters: Vec<String> = Vec::new();
        let mut secrets: Vec<(&str, Store)> = Vec::new();
        for before in &self.stores {
            let store = before
                .store()
                .map_err(|_| "names a store that is not one")?;
            match (before, &store) {
                (StoreBefore::Ssm { parameters: ps, .. }, Store::Ssm(_)) => {
                    let own = store.parameter_names_for(&self.regions);
                    if ps.iter().any(|(n, _)| !own.contains(n)) {
                        return Err("names a parameter outside its store's prefix");
                    }
                    parameters.extend(own);
                }
                (StoreBefore::SecretsManager { store: text, .. }, Store::SecretsManager(_)) => {
                    secrets.push((text, store));
                }
                _ => return Err("names a store of the wrong kind"),
            }
        }
        for m in &self.made {
            let ok = match m {
                Made::Parameter { name, .. } => parameters.contains(name),
                Made::Version { store, .. } => secrets.iter().any(|(t, _)| t == store),
                Made::Secret { store, arn } => secrets.iter().any(|(t, s)| {
                    t == store
                        && match s {
                            Store::SecretsManager(id) if id.starts_with("arn:") => arn == id,
                            Store::SecretsManager(name) => arn
                                .rsplit_once(":secret:")
                                .and_then(|(_, rest)| rest.rsplit_once('-'))
                                .is_some_and(|(n, suffix)| n == name && suffix.len() == 6),
                            Store::Ssm(_) => false,
                        }
                }),
            };
            if !ok {
                return Err("names something its stores do not hold");
            }
        }
        Ok(())
    }
}

/// The `CreateAccessKey` call of a rotation: when it was sent, the latest
/// it can have ended, and how it ended, as far as the run saw.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct CreateCall {
    /// Just before it was sent, in seconds since 1970.
    pub sent: i64,
    /// The latest it could end (the SDK's operation timeout): a run killed
    /// during the call left no `ended`.
    pub deadline: i64,
    /// When it ended without an answer (a timeout, a cut connection, a
    /// signal), if the run saw it end.
    #[serde(default)]
    pub ended: Option<i64>,
    /// IAM answered with an error: it made nothing.
    #[serde(default)]
    pub refused: bool,
}

impl CreateCall {
    /// The window in which a key IAM made for this call was created: from
    /// `sent` to `ended` (or the deadline, when the run did not see it end).
    pub fn window(&self) -> (Timestamp, Timestamp) {
        (
            Timestamp::from_secs(self.sent),
            Timestamp::from_secs(self.ended.unwrap_or(self.deadline)),
        )
    }
}

/// One thing a store write made, as AWS returned it: the proof an undo
/// needs before it touches the thing.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Made {
    /// A secret `CreateSecret` created, and the ARN it returned.
    Secret {
        /// The store, as `Store` displays it.
        store: String,
        /// The ARN `CreateSecret` returned.
        arn: String,
    },
    /// A version `PutSecretValue` put, and the ID it returned.
    Version {
        /// The store, as `Store` displays it.
        store: String,
        /// The version ID `PutSecretValue` returned.
        version_id: String,
    },
    /// A parameter `PutParameter` wrote, and the version it returned.
    Parameter {
        /// The parameter's name.
        name: String,
        /// The version `PutParameter` returned.
        version: i64,
    },
}

/// A store as it was before the rotation: version IDs and numbers only.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum StoreBefore {
    /// A Secrets Manager secret: whether it existed, and the versions that
    /// held `AWSCURRENT` and `AWSPREVIOUS`.
    SecretsManager {
        /// The store, as `Store` displays it.
        store: String,
        /// Whether the secret existed.
        exists: bool,
        /// The version that held `AWSCURRENT`.
        current: Option<String>,
        /// The version that held `AWSPREVIOUS`.
        previous: Option<String>,
    },
    /// Parameter Store parameters: each one's version, or none where it
    /// did not exist.
    Ssm {
        /// The store, as `Store` displays it.
        store: String,
        /// Each parameter's name and version.
        parameters: Vec<(String, Option<i64>)>,
    },
}

impl StoreBefore {
    /// The store it describes.
    ///
    /// # Errors
    /// [`Error::Io`] when the journal names no store.
    pub fn store(&self) -> Result<Store> {
        let text = match self {
            StoreBefore::SecretsManager { store, .. } | StoreBefore::Ssm { store, .. } => store,
        };
        Store::parse(text).map_err(|e| {
            Error::Io(format!(
                "the rotation journal names a store that is not one: {e}"
            ))
        })
    }
}

/// "an unfinished rotation of U (process P, started …) left a journal".
pub fn unfinished(j: &Journal) -> String {
    format!(
        "a rotation of IAM user {} did not finish (process {}, started {} s after 1970; {}): it may have left a new access key or half-written stores",
        ses_smtp_credentials::user_text(&j.user),
        j.pid,
        j.started,
        match &j.created_key {
            Some(k) => format!("it created {}", ses_smtp_credentials::user_text(k)),
            None => "no key recorded yet".into(),
        }
    )
}

/// "a rotation of U is under way (process P)": a journal whose run holds it.
pub fn running(j: &Journal) -> String {
    format!(
        "a rotation of IAM user {} is under way on this machine (process {}, started {} s after 1970): one rotation of a user at a time",
        ses_smtp_credentials::user_text(&j.user),
        j.pid,
        j.started,
    )
}

/// Seconds since 1970, for `started`.
pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
