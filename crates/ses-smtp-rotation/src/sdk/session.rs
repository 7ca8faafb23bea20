//! The operator's AWS session, and how a refused call is described.

use super::error::{DeniedUserPath, Error};
use crate::calls::{Call, Resource};
use aws_config::{BehaviorVersion, Region};
use aws_sdk_iam::config::http::HttpResponse;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use ses_smtp_credentials::user_text;
use std::future::Future;

/// IAM is global, but its endpoint is chosen by region (partition); this
/// is the region used when neither the command nor the SDK chain names one.
const FALLBACK_REGION: &str = "us-east-1";

/// The operator's AWS session: a runtime and the loaded configuration,
/// with the options given when it was made (what ends a call early, how
/// messages name a store). A session is a value: [`Session::stopping_when`]
/// and [`Session::to_completion`] make another one over the same runtime
/// and configuration, and nothing changes one once made, so it is shared
/// between threads as it is (`Send + Sync`).
#[derive(Clone)]
pub struct Session {
    shared: std::sync::Arc<Shared>,
    /// What ends the call under way early (a signal the caller noted), if
    /// anything does: a rotation's making, not its undo.
    stop: Option<fn() -> bool>,
    /// How messages name a store (see [`Session::naming_stores_as`]).
    store_prefix: &'static str,
}

/// What the sessions made from one [`Session::connect`] share.
struct Shared {
    runtime: tokio::runtime::Runtime,
    config: aws_config::SdkConfig,
    /// The IAM path of the user whose keys are handled, as the first
    /// `GetUser` told it (for the hint when AWS denies a call): written
    /// once, never changed.
    user_path: std::sync::OnceLock<String>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("region", &self.shared.config.region())
            .field("stops_early", &self.stop.is_some())
            .finish_non_exhaustive()
    }
}

/// How often a call under way asks whether to stop.
const SIGNAL_POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// The cause of a call ended early (see [`Session::run`]).
#[derive(Debug)]
struct Interrupted;

impl std::fmt::Display for Interrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

impl Session {
    /// Loads the SDK configuration. `region`: the command's region; without
    /// one, the chain's (AWS_REGION, the profile), else us-east-1.
    /// `timeout`: what each request (attempt) may take; a call, retries
    /// included, takes at most three times that, and connecting at most 10 s.
    ///
    /// # Errors
    /// [`Error::IoFrom`] when the runtime cannot start.
    pub fn connect(
        region: Option<&str>,
        timeout: std::time::Duration,
    ) -> super::error::Result<Session> {
        use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::io("could not start the AWS client's runtime"))?;
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https();
        // The loader's own region chain (AWS_REGION, the profile, IMDS) runs
        // with our HTTP client; a region provider built apart from it would
        // have none.
        let load = |region: Option<String>| {
            let timeouts = aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(timeout.min(std::time::Duration::from_secs(10)))
                .operation_attempt_timeout(timeout)
                .operation_timeout(timeout.saturating_mul(3))
                .build();
            let mut loader = aws_config::defaults(BehaviorVersion::latest())
                .http_client(http.clone())
                .timeout_config(timeouts);
            if let Some(r) = region {
                loader = loader.region(Region::new(r));
            }
            runtime.block_on(loader.load())
        };
        let mut config = load(region.map(str::to_string));
        if config.region().is_none() {
            config = load(Some(FALLBACK_REGION.to_string()));
        }
        Ok(Session::on(runtime, config))
    }

    fn on(runtime: tokio::runtime::Runtime, config: aws_config::SdkConfig) -> Session {
        Session {
            shared: std::sync::Arc::new(Shared {
                runtime,
                config,
                user_path: std::sync::OnceLock::new(),
            }),
            stop: None,
            store_prefix: "store ",
        }
    }

    /// This session, its messages naming a store as `prefix` followed by
    /// the store (`store NAME` otherwise; the command line names its
    /// option: `--store NAME`).
    #[must_use]
    pub fn naming_stores_as(self, prefix: &'static str) -> Session {
        Session {
            store_prefix: prefix,
            ..self
        }
    }

    /// A session over the same runtime and configuration whose calls end
    /// early when `stop` says so (see [`Session::run`]).
    #[must_use]
    pub fn stopping_when(&self, stop: fn() -> bool) -> Session {
        Session {
            stop: Some(stop),
            ..self.clone()
        }
    }

    /// A session over the same runtime and configuration whose calls run
    /// to completion (an undo's).
    #[must_use]
    pub fn to_completion(&self) -> Session {
        Session {
            stop: None,
            ..self.clone()
        }
    }

    /// A session on a configuration the caller loaded (a rotation
    /// function's, a test's own endpoint and credentials): nothing is read
    /// from the environment here.
    ///
    /// # Errors
    /// [`Error::IoFrom`] when the runtime cannot start.
    pub fn from_config(config: aws_config::SdkConfig) -> super::error::Result<Session> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::io("could not start the AWS client's runtime"))?;
        Ok(Session::on(runtime, config))
    }

    /// The loaded configuration (its region, credentials and endpoint).
    pub fn config(&self) -> &aws_config::SdkConfig {
        &self.shared.config
    }

    /// Runs one call to completion, or, on a session made by
    /// [`Session::stopping_when`], until its `stop` says stop: the call is
    /// then dropped (its request abandoned) and fails as interrupted, which
    /// [`Session::refused`] turns into [`Error::Interrupted`].
    ///
    /// # Errors
    /// the call's own error, or a timeout error when it was ended early.
    pub fn run<T, E, R>(
        &self,
        call: impl Future<Output = std::result::Result<T, SdkError<E, R>>>,
    ) -> std::result::Result<T, SdkError<E, R>> {
        let abort = self.stop;
        self.shared.runtime.block_on(async {
            let mut call = std::pin::pin!(call);
            let Some(stop) = abort else {
                return call.await;
            };
            loop {
                match tokio::time::timeout(SIGNAL_POLL, &mut call).await {
                    Ok(out) => return out,
                    Err(_) if stop() => {
                        return Err(SdkError::timeout_error(Interrupted));
                    }
                    Err(_) => {}
                }
            }
        })
    }

    /// A store as messages name it, made safe to show.
    pub fn store_name(&self, store: &crate::Store) -> String {
        format!("{}{}", self.store_prefix, shown(store))
    }

    /// An IAM client.
    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.shared.config)
    }

    /// A Secrets Manager client in `region` (a store's ARN may name one),
    /// else the configured one.
    pub fn secrets_manager(&self, region: Option<&str>) -> aws_sdk_secretsmanager::Client {
        let mut b = aws_sdk_secretsmanager::config::Builder::from(&self.shared.config);
        if let Some(r) = region {
            b = b.region(Region::new(r.to_string()));
        }
        aws_sdk_secretsmanager::Client::from_conf(b.build())
    }

    /// A Parameter Store client in the session's region.
    pub fn ssm(&self) -> aws_sdk_ssm::Client {
        aws_sdk_ssm::Client::new(&self.shared.config)
    }

    /// Remembers the user's IAM path, as the first `GetUser` returned it
    /// (a user's path does not change while it has keys).
    pub(crate) fn remember_user_path(&self, path: &str) {
        let _ = self.shared.user_path.set(path.to_string());
    }

    /// An AWS call failed: see `refused_with`; a denied call on a user whose
    /// path is not `/` also names `--user-path`.
    pub fn refused<E>(
        &self,
        call: &'static Call,
        doing: impl Into<String>,
    ) -> impl FnOnce(SdkError<E, HttpResponse>) -> Error + '_
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let doing = doing.into();
        move |err| {
            let path = self.shared.user_path.get().map(String::as_str);
            refused_with(call, doing, path, err)
        }
    }
}

/// A user name or store as messages show it: through `redact`, since a
/// valid IAM user name or secret name can also be a pasted secret.
pub fn shown(text: &impl std::fmt::Display) -> String {
    user_text(&text.to_string())
}

/// How long AWS's own message may be in an error (after escaping).
const MAX_AWS_MESSAGE: usize = 300;

/// An AWS call failed: what was being done, AWS's error code and message
/// only (shown through `redact`, as they can echo names the user typed, and
/// cut to [`MAX_AWS_MESSAGE`]), and what to do about access denied, naming
/// the action `call` needs. An answer without an error code is described
/// (its HTTP status and size), never quoted: it may echo the request.
fn refused_with<E>(
    call: &'static Call,
    doing: String,
    user_path: Option<&str>,
    err: SdkError<E, HttpResponse>,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let SdkError::TimeoutError(_) = &err
        && std::error::Error::source(&err).is_some_and(|s| s.is::<Interrupted>())
    {
        return Error::Interrupted;
    }
    let mut message = match (err.code(), err.message(), unanswered(&err)) {
        (Some(code), Some(message), _) => format!(
            "AWS refused {doing}: {}: {}",
            cut(&user_text(code), MAX_AWS_CODE),
            cut(&user_text(message), MAX_AWS_MESSAGE)
        ),
        (Some(code), None, _) => format!(
            "AWS refused {doing}: {}",
            cut(&user_text(code), MAX_AWS_CODE)
        ),
        // Never sent, or never answered: AWS refused nothing.
        (None, _, Some(why)) => format!("the call {doing} got no answer from AWS: {why}"),
        (None, _, None) => format!("AWS refused {doing}: {}", unreadable(&err)),
    };
    match err.code() {
        Some(c) if c.contains("AccessDenied") || c == "UnauthorizedOperation" => {
            return Error::Denied {
                message,
                action: call.action,
                user_path: match user_path {
                    _ if call.target != Resource::User => DeniedUserPath::NotAsked,
                    Some("/") => DeniedUserPath::Root,
                    Some(path) => DeniedUserPath::Path(user_text(path)),
                    None => DeniedUserPath::Unknown,
                },
            };
        }
        Some("NoSuchEntity") => {
            message.push_str("\n  hint: check the user name with `aws iam get-user --user-name NAME`")
        }
        Some(_) => {}
        None => message.push_str(
            "\n  hint: check the operator's AWS credentials (`aws sts get-caller-identity`) and network access to AWS",
        ),
    }
    Error::Refused(message)
}

/// How long AWS's error code may be in an error (real ones are short:
/// `LimitExceeded`, `AccessDenied`; an endpoint may send anything).
const MAX_AWS_CODE: usize = 64;

/// `text` cut to `max` characters, saying so.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!(
            "{}… (cut; {} characters in all)",
            &text[..i],
            text.chars().count()
        ),
        None => text.to_string(),
    }
}

/// Why a call got no answer at all, if it got none: it was never built or
/// sent, or nothing came back in time.
fn unanswered<E>(err: &SdkError<E, HttpResponse>) -> Option<&'static str> {
    match err {
        SdkError::ConstructionFailure(_) => Some("the request could not be built"),
        SdkError::TimeoutError(_) => Some("none came in time"),
        SdkError::DispatchFailure(d) if d.is_timeout() => Some("none came in time"),
        SdkError::DispatchFailure(d) if d.is_io() => {
            Some("it could not connect, or the connection broke")
        }
        SdkError::DispatchFailure(_) => Some(
            "the request could not be sent (no usable AWS credentials were found, or it could not be signed)",
        ),
        _ => None,
    }
}

/// What came back, when it carried no error code: described, not quoted.
fn unreadable<E>(err: &SdkError<E, HttpResponse>) -> String {
    match err.raw_response() {
        Some(r) => format!(
            "an answer it could not read (HTTP {}, {} bytes; not shown)",
            r.status().as_u16(),
            r.body().bytes().map_or(0, <[u8]>::len)
        ),
        None => "an answer it could not read".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_shared_between_threads_as_it_is() {
        fn shared<T: Send + Sync + 'static>() {}
        shared::<Session>();
    }

    #[test]
    fn a_denied_call_says_its_action_and_the_users_path_in_the_librarys_words() {
        let denied = Error::Denied {
            message: "AWS refused to list: AccessDenied".into(),
            action: "iam:ListAccessKeys",
            user_path: DeniedUserPath::Path("/division/mail/".into()),
        };
        let text = denied.to_string();
        assert!(text.contains("needs iam:ListAccessKeys"), "{text}");
        assert!(text.contains("path is /division/mail/, not /"), "{text}");
        assert!(
            !text.contains("--") && !text.contains("ses-smtp-password"),
            "{text}"
        );
    }
}
