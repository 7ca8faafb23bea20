//! An HTTP client that loses one answer: the request reaches moto and is
//! carried out, and the function sees a failure instead of the answer (a
//! timeout, a crash, a network break after the fact).

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

/// Which answer to lose (counting from 1; 0: none), and the count so far.
#[derive(Clone, Debug, Default)]
pub struct Losses {
    count: Arc<AtomicUsize>,
    lose: Arc<AtomicUsize>,
    /// Loses the answer to the next request whose body holds this.
    matching: Arc<std::sync::Mutex<Option<&'static str>>>,
    /// Runs before the next request whose body holds this is sent (another
    /// actor acting in between).
    before: Arc<std::sync::Mutex<Option<Before>>>,
    /// The creation time (seconds since 1970) every GetSecretValue answer
    /// reports: pinned by the test to the second it made the version, so
    /// that a use one second later is after it whatever moto rounds.
    created: Arc<std::sync::Mutex<Option<i64>>>,
}

/// Something to do before a request goes out.
struct Before(&'static str, Box<dyn FnOnce() + Send>);

impl std::fmt::Debug for Before {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "before {}", self.0)
    }
}

impl Losses {
    /// The requests sent so far.
    pub fn calls(&self) -> usize {
        self.count.load(SeqCst)
    }

    /// Loses the answer to the next request whose body holds `text`
    /// (`Action=CreateAccessKey`).
    pub fn lose_next(&self, text: &'static str) {
        *self.matching.lock().unwrap() = Some(text);
    }

    /// Runs `act` (on a thread of its own, as another actor would) just
    /// before the next request whose body holds `text` is sent.
    pub fn before_next(&self, text: &'static str, act: impl FnOnce() + Send + 'static) {
        *self.before.lock().unwrap() = Some(Before(text, Box::new(act)));
    }

    /// Makes every GetSecretValue answer report `secs` as the version's
    /// creation time (see `created`).
    pub fn created_at(&self, secs: i64) {
        *self.created.lock().unwrap() = Some(secs);
    }

    /// Loses the answer to the `n`th request from now (0: none).
    pub fn lose(&self, n: usize) {
        self.count.store(0, SeqCst);
        self.lose.store(n, SeqCst);
    }
}

#[derive(Debug)]
pub struct Flaky {
    pub inner: SharedHttpClient,
    pub losses: Losses,
}

impl HttpClient for Flaky {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(FlakyConnector {
            inner: self.inner.http_connector(settings, components),
            losses: self.losses.clone(),
        })
    }
}

#[derive(Debug)]
struct FlakyConnector {
    inner: SharedHttpConnector,
    losses: Losses,
}

impl HttpConnector for FlakyConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let n = self.losses.count.fetch_add(1, SeqCst) + 1;
        let mut lose = self.losses.lose.load(SeqCst) == n;
        let mut matching = self.losses.matching.lock().unwrap();
        let body = request.body().bytes().unwrap_or_default();
        if let Some(text) = *matching
            && body.windows(text.len()).any(|w| w == text.as_bytes())
        {
            lose = true;
            *matching = None;
        }
        drop(matching);
        let mut before = self.losses.before.lock().unwrap();
        if before
            .as_ref()
            .is_some_and(|b| body.windows(b.0.len()).any(|w| w == b.0.as_bytes()))
            && let Some(Before(_, act)) = before.take()
        {
            std::thread::spawn(act).join().unwrap();
        }
        drop(before);
        let created = *self.losses.created.lock().unwrap();
        let get_value = request
            .headers()
            .get("x-amz-target")
            .is_some_and(|t| t.ends_with(".GetSecretValue"));
        let rewrite = created.filter(|_| get_value);
        let answer = self.inner.call(request);
        HttpConnectorFuture::new(async move {
            let mut response = answer.await?;
            if let Some(secs) = rewrite
                && let Some(body) = response.body().bytes()
                && let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(body)
                && v.get("CreatedDate").is_some()
            {
                v["CreatedDate"] = serde_json::json!(secs);
                *response.body_mut() = serde_json::to_vec(&v).unwrap().into();
            }
            if lose {
                return Err(ConnectorError::user(
                    "the answer was lost (injected by the test)".into(),
                ));
            }
            Ok(response)
        })
    }
}
