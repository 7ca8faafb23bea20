//! `finishSecret`: moves `AWSCURRENT` to the new version, and with
//! `PREVIOUS_KEY=deactivate` deactivates the key `AWSPREVIOUS` names.

use super::{Done, Rotator, Say, read};
use crate::secret::{Described, SecretClient, username_of};
use crate::{PreviousKey, StepError};
use ses_smtp_rotation::sdk::iam;
use ses_smtp_rotation::stages;

impl Rotator {
    pub(super) fn finish(
        &self,
        secret: &SecretClient<'_>,
        d: &Described,
        token: &str,
        say: Say<'_, '_>,
    ) -> Result<Done, StepError> {
        let new = read(
            secret,
            Some(token),
            if d.has(token, stages::CURRENT) {
                stages::CURRENT
            } else {
                stages::PENDING
            },
        )?;
        let mut done = Done {
            outcome: "already current",
            new_key: Some(new.username.as_str().to_string()),
            ..Done::default()
        };
        // The version AWSPREVIOUS is on once AWSCURRENT has moved.
        let previous = if d.has(token, stages::CURRENT) {
            d.holding(stages::PREVIOUS).map(str::to_string)
        } else {
            let old = d.holding(stages::CURRENT).map(str::to_string);
            secret.move_label(stages::CURRENT, Some(token), old.as_deref())?;
            say.action("moved AWSCURRENT to the new version", |l| l);
            done.outcome = "finished";
            old
        };
        if d.has(token, stages::PENDING) {
            secret.move_label(stages::PENDING, None, Some(token))?;
        }
        if self.settings.previous_key == PreviousKey::Deactivate
            && let Some(v) = previous.as_deref().filter(|v| *v != token)
            && let Some(old) = secret
                .value(Some(v), stages::PREVIOUS)?
                .and_then(|t| username_of(&t))
            && old != new.username.as_str()
        {
            let keys = iam::keys(&self.aws, &new.iam_user)?;
            if keys.iter().any(|k| k.id == old && k.active) {
                iam::deactivate(&self.aws, &new.iam_user, &old)?;
                say.action(
                    "deactivated the key AWSPREVIOUS names (PREVIOUS_KEY=deactivate)",
                    |l| l.with("key", old.as_str()),
                );
                done.deactivated_key = Some(old);
            }
        }
        self.drop_claim(&new.iam_user, token, say);
        Ok(done)
    }
}
