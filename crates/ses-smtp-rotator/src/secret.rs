//! The Secrets Manager calls of a rotation: the secret's versions and
//! labels, a version's value, the pending version, and the labels moved.

use crate::StepError;
use ses_smtp_credentials::FixedBuf;
use ses_smtp_rotation::calls;
use ses_smtp_rotation::sdk::Session;
use ses_smtp_rotation::sdk::aws_sdk_secretsmanager::Client;
use ses_smtp_rotation::stages;
use std::collections::HashMap;
use zeroize::Zeroizing;

/// The secret as `DescribeSecret` tells it.
#[derive(Debug)]
pub struct Described {
    /// Its ARN.
    pub arn: String,
    /// Whether rotation is enabled on it.
    pub rotation_enabled: bool,
    /// Each version's labels.
    pub stages: HashMap<String, Vec<String>>,
}

impl Described {
    /// The version that holds `label`.
    pub fn holding(&self, label: &str) -> Option<&str> {
        self.stages
            .iter()
            .find(|(_, s)| s.iter().any(|s| s == label))
            .map(|(v, _)| v.as_str())
    }

    /// Whether `version` holds `label`.
    pub fn has(&self, version: &str, label: &str) -> bool {
        self.stages
            .get(version)
            .is_some_and(|s| s.iter().any(|s| s == label))
    }
}

/// A version's value (zeroizing) and when it was made (seconds since 1970).
type ReadVersion = (Zeroizing<String>, Option<i64>);

/// ListSecretVersionIds pages read at most (Secrets Manager keeps about
/// 100 versions, 100 a page).
const MAX_VERSION_PAGES: usize = 5;

/// The secret's calls, in the secret's own region.
pub struct SecretClient<'a> {
    aws: &'a Session,
    client: Client,
    id: String,
    shown: String,
}

impl<'a> SecretClient<'a> {
    /// The secret `id` (its ARN, or its name).
    pub fn new(aws: &'a Session, id: &str) -> SecretClient<'a> {
        let region = ses_smtp_rotation::Store::parse(&format!("secretsmanager:{id}"))
            .ok()
            .and_then(|s| s.arn_region().map(str::to_string));
        SecretClient {
            aws,
            client: aws.secrets_manager(region.as_deref()),
            id: id.to_string(),
            shown: ses_smtp_credentials::user_text(id),
        }
    }

    /// Its versions and labels.
    pub fn describe(&self) -> Result<Described, StepError> {
        let d = self
            .aws
            .run(self.client.describe_secret().secret_id(&self.id).send())
            .map_err(self.aws.refused(
                &calls::SM_DESCRIBE_SECRET,
                format!("to describe secret {}", self.shown),
            ))?;
        Ok(Described {
            arn: d.arn.unwrap_or_else(|| self.id.clone()),
            rotation_enabled: d.rotation_enabled == Some(true),
            stages: d.version_ids_to_stages.unwrap_or_default(),
        })
    }

    /// The value of the version `version` (with `label`), or of the one
    /// holding `label`; `None` when there is none, or it has no value yet.
    pub fn value(
        &self,
        version: Option<&str>,
        label: &str,
    ) -> Result<Option<Zeroizing<String>>, StepError> {
        Ok(self.read(version, label)?.map(|(text, _)| text))
    }

    /// When the version holding `label` was made (seconds since 1970), as
    /// `GetSecretValue` tells it (its value is wiped at once).
    pub fn created(&self, label: &str) -> Result<Option<i64>, StepError> {
        Ok(self.read(None, label)?.and_then(|(_, created)| created))
    }

    /// `GetSecretValue`: the value and when the version was made; `None`
    /// when there is no such version.
    fn read(&self, version: Option<&str>, label: &str) -> Result<Option<ReadVersion>, StepError> {
        let call = self
            .client
            .get_secret_value()
            .secret_id(&self.id)
            .set_version_id(version.map(str::to_string))
            .version_stage(label);
        match self.aws.run(call.send()) {
            Ok(mut out) => Ok(Some((
                Zeroizing::new(out.secret_string.take().unwrap_or_default()),
                out.created_date.map(|d| d.secs()),
            ))),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(self.aws.refused(
                &calls::SM_GET_SECRET_VALUE,
                format!("to read the {label} version of secret {}", self.shown),
            )(e)
            .into()),
        }
    }

    /// Whether any version of the secret, labelled or not (a routine edit
    /// leaves the older key on a version no label names), names `key`.
    pub fn names_key(&self, key: &str) -> Result<bool, StepError> {
        let mut token: Option<String> = None;
        for _ in 0..MAX_VERSION_PAGES {
            let page = self
                .aws
                .run(
                    self.client
                        .list_secret_version_ids()
                        .secret_id(&self.id)
                        .include_deprecated(true)
                        .set_next_token(token.take())
                        .send(),
                )
                .map_err(self.aws.refused(
                    &calls::SM_LIST_SECRET_VERSION_IDS,
                    format!("to list the versions of secret {}", self.shown),
                ))?;
            for v in page.versions.unwrap_or_default() {
                let Some(id) = v.version_id else { continue };
                let call = self
                    .client
                    .get_secret_value()
                    .secret_id(&self.id)
                    .version_id(&id);
                let text = match self.aws.run(call.send()) {
                    Ok(mut out) => Zeroizing::new(out.secret_string.take().unwrap_or_default()),
                    Err(e)
                        if e.as_service_error()
                            .is_some_and(|s| s.is_resource_not_found_exception()) =>
                    {
                        continue;
                    }
                    Err(e) => {
                        return Err(self.aws.refused(
                            &calls::SM_GET_SECRET_VALUE,
                            format!("to read a version of secret {}", self.shown),
                        )(e)
                        .into());
                    }
                };
                if username_of(&text).as_deref() == Some(key) {
                    return Ok(true);
                }
            }
            match page.next_token {
                Some(t) => token = Some(t),
                None => return Ok(false),
            }
        }
        Ok(false)
    }

    /// Puts `payload` as version `token`, labelled `AWSPENDING`.
    pub fn put_pending(
        &self,
        token: &str,
        rotation_token: Option<&str>,
        payload: &FixedBuf,
    ) -> Result<(), StepError> {
        // An owned copy for the SDK, which takes the request's strings by
        // value and frees them unwiped (docs/security.md).
        let text = String::from_utf8_lossy(payload.as_bytes()).into_owned();
        let call = self
            .client
            .put_secret_value()
            .secret_id(&self.id)
            .client_request_token(token)
            .secret_string(text)
            .version_stages(stages::PENDING)
            .set_rotation_token(rotation_token.map(str::to_string));
        self.aws.run(call.send()).map_err(self.aws.refused(
            &calls::SM_PUT_SECRET_VALUE,
            format!("to put the pending version of secret {}", self.shown),
        ))?;
        Ok(())
    }

    /// Moves `label` to `to` (when given) from `from` (when given).
    pub fn move_label(
        &self,
        label: &str,
        to: Option<&str>,
        from: Option<&str>,
    ) -> Result<(), StepError> {
        let call = self
            .client
            .update_secret_version_stage()
            .secret_id(&self.id)
            .version_stage(label)
            .set_move_to_version_id(to.map(str::to_string))
            .set_remove_from_version_id(from.map(str::to_string));
        self.aws.run(call.send()).map_err(self.aws.refused(
            &calls::SM_ROTATOR_VERSION_STAGE,
            format!("to move {label} on secret {}", self.shown),
        ))?;
        Ok(())
    }
}

/// The user name a version holds, if it holds one: older versions may
/// lack the members rotation needs, and only the key ID matters here.
pub(crate) fn username_of(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let id = v.get("username")?.as_str()?;
    ses_smtp_credentials::parse_access_key_id(id)
        .ok()
        .map(|k| k.as_str().to_string())
}
