//! `setSecret`: nothing to set anywhere (SES reads the key from IAM):
//! checks that the key the pending version names exists and is active.

use super::{Done, Rotator, read};
use crate::StepError;
use crate::secret::SecretClient;
use ses_smtp_credentials::user_text;
use ses_smtp_rotation::sdk::iam;
use ses_smtp_rotation::stages;

impl Rotator {
    pub(super) fn set(&self, secret: &SecretClient<'_>, token: &str) -> Result<Done, StepError> {
        let pending = read(secret, Some(token), stages::PENDING)?;
        let keys = iam::keys(&self.aws, &pending.iam_user)?;
        let id = pending.username.as_str();
        let abandon = format!(
            "\n  hint: this rotation cannot finish: cancel it (aws secretsmanager cancel-rotate-secret --secret-id SECRET, \
             then aws secretsmanager update-secret-version-stage --secret-id SECRET --version-stage AWSPENDING \
             --remove-from-version-id {}) and rotate again",
            user_text(token)
        );
        match keys.iter().find(|k| k.id == id) {
            Some(k) if k.active => Ok(Done {
                outcome: "pending key active",
                new_key: Some(id.to_string()),
                ..Done::default()
            }),
            Some(_) => Err(StepError::Refused(format!(
                "the pending version's key {id} is inactive: someone deactivated it{abandon}"
            ))),
            None => Err(StepError::Refused(format!(
                "the pending version names key {id}, which IAM user {} does not have (deleted){abandon}",
                user_text(pending.iam_user.as_str())
            ))),
        }
    }
}
