//! What Secrets Manager asks: a step, the secret, the rotation's token.

use crate::StepError;
use aws_lambda_events::event::secretsmanager::SecretsManagerSecretRotationEvent;

/// One of the four steps of a rotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// `createSecret`.
    Create,
    /// `setSecret`.
    Set,
    /// `testSecret`.
    Test,
    /// `finishSecret`.
    Finish,
}

impl Step {
    /// The step's name, as Secrets Manager spells it.
    pub fn name(self) -> &'static str {
        match self {
            Step::Create => "createSecret",
            Step::Set => "setSecret",
            Step::Test => "testSecret",
            Step::Finish => "finishSecret",
        }
    }

    /// The four steps, in the order Secrets Manager runs them.
    pub const ALL: &'static [Step] = &[Step::Create, Step::Set, Step::Test, Step::Finish];
}

/// An invocation's request, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The step.
    pub step: Step,
    /// The secret's ARN (or name).
    pub secret_id: String,
    /// The rotation's token: the new version's ID.
    pub token: String,
    /// Passed back to `PutSecretValue` when Secrets Manager sends one.
    pub rotation_token: Option<String>,
}

impl Request {
    /// The request of a Secrets Manager rotation event.
    ///
    /// # Errors
    /// [`StepError::Request`] for an unknown step or an empty secret ID or
    /// token.
    pub fn from_event(event: SecretsManagerSecretRotationEvent) -> Result<Request, StepError> {
        let step = Step::ALL
            .iter()
            .copied()
            .find(|s| s.name() == event.step)
            .ok_or_else(|| {
                StepError::Request(format!(
                    "unknown step {} (expected createSecret, setSecret, testSecret or finishSecret)",
                    ses_smtp_credentials::user_text(&event.step)
                ))
            })?;
        if event.secret_id.is_empty() || event.client_request_token.is_empty() {
            return Err(StepError::Request(
                "the event has no SecretId or no ClientRequestToken".into(),
            ));
        }
        let rotation_token = event
            .other
            .get("RotationToken")
            .and_then(|v| v.as_str())
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        Ok(Request {
            step,
            secret_id: event.secret_id,
            token: event.client_request_token,
            rotation_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_secrets_managers_event() {
        // The shape of docs.aws.amazon.com/secretsmanager/latest/userguide/
        // rotate-secrets_lambda-functions.html, with RotationToken.
        let event: SecretsManagerSecretRotationEvent = serde_json::from_str(
            r#"{"Step":"createSecret","SecretId":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:smtp-AbCdEf","ClientRequestToken":"7a0b0c1d-0000-4000-8000-000000000001","RotationToken":"rt-1"}"#,
        )
        .unwrap();
        let r = Request::from_event(event).unwrap();
        assert_eq!(r.step, Step::Create);
        assert_eq!(r.rotation_token.as_deref(), Some("rt-1"));
        let bad: SecretsManagerSecretRotationEvent = serde_json::from_str(
            r#"{"Step":"rotateSecret\u001b[2J","SecretId":"s","ClientRequestToken":"t"}"#,
        )
        .unwrap();
        let e = Request::from_event(bad).unwrap_err().to_string();
        assert!(e.contains("unknown step") && !e.contains('\u{1b}'), "{e}");
    }
}
