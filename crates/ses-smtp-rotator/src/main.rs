//! The Lambda function's start-up: the settings from the environment, then
//! the Lambda runtime, while the AWS session (the function's role, through
//! the SDK's standard chain) is made beside it; the runtime hands each
//! invocation to [`Rotator::run`] on a blocking thread (the rotation's
//! calls are synchronous, on the session's own runtime).
#![deny(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap,
    clippy::missing_panics_doc
)]

use aws_lambda_events::event::secretsmanager::SecretsManagerSecretRotationEvent;
use lambda_runtime::{Diagnostic, LambdaEvent, service_fn};
use ses_smtp_rotation::sdk::Session;
use ses_smtp_rotator::{Line, Request, Rotator, Settings, StepError};
use std::io::Write;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// What each AWS request (attempt) may take.
const AWS_TIMEOUT: Duration = Duration::from_secs(10);

fn main() -> std::process::ExitCode {
    match start() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            write_line(
                &Line::new("ERROR", "init", "")
                    .with("outcome", "failed")
                    .with("error", e),
            );
            std::process::ExitCode::FAILURE
        }
    }
}

fn start() -> Result<(), String> {
    // A panic's message may hold anything a step held: never printed.
    std::panic::set_hook(Box::new(|_| {
        write_line(
            &Line::new("ERROR", "panic", "")
                .with("outcome", "failed")
                .with(
                    "error",
                    "a bug stopped the step (a panic; its message is not shown)",
                ),
        );
    }));
    let settings = Settings::from_env(|k| std::env::var_os(k)).map_err(|e| e.to_string())?;
    let function = Function::start(settings);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("could not start the Lambda runtime: {e}"))?;
    let handler = service_fn(
        move |event: LambdaEvent<SecretsManagerSecretRotationEvent>| {
            Function::handle(function.clone(), event)
        },
    );
    runtime
        .block_on(lambda_runtime::run(handler))
        .map_err(|e| format!("the Lambda runtime stopped: {e}"))
}

/// The function as the runtime calls it: one value for the process,
/// shared by every invocation and never changed after it is made.
///
/// The AWS session (the SDK's configuration, and an HTTPS client that
/// loads the system's CA certificates) is made on a thread of its own while
/// the runtime starts and waits for the first event (start-up is measured:
/// docs/performance.md); the first invocation waits for it. A session that
/// cannot be made fails each invocation with the reason.
#[derive(Debug, Default)]
struct Function {
    rotator: OnceLock<Result<Rotator, String>>,
}

impl Function {
    fn start(settings: Settings) -> Arc<Function> {
        let function = Arc::new(Function::default());
        let made = function.clone();
        std::thread::spawn(move || {
            let session = Session::connect(None, AWS_TIMEOUT).map_err(|e| e.to_string());
            let _ = made.rotator.set(session.map(|s| Rotator::new(s, settings)));
        });
        function
    }

    /// One invocation: the event read, the step run on a blocking thread
    /// (the rotation's calls are synchronous, on the session's own
    /// runtime).
    async fn handle(
        self: Arc<Function>,
        event: LambdaEvent<SecretsManagerSecretRotationEvent>,
    ) -> Result<serde_json::Value, Failed> {
        let deadline = deadline_of(event.context.deadline);
        let secret = event.payload.secret_id.clone();
        let req = Request::from_event(event.payload).map_err(|e| {
            let text = e.to_string();
            write_line(
                &Line::new("ERROR", "request", &secret)
                    .with("outcome", "failed")
                    .with("error", text.as_str()),
            );
            Failed(text)
        })?;
        let ran = tokio::task::spawn_blocking(move || {
            let rotator = self.rotator.wait().as_ref().map_err(|e| {
                let e = StepError::Settings(format!(
                    "the function could not start its AWS session: {e}"
                ));
                write_line(
                    &Line::new("ERROR", req.step.name(), &req.secret_id)
                        .with("outcome", "failed")
                        .with("error", e.to_string()),
                );
                e
            })?;
            rotator.run(&req, deadline, &mut |line| write_line(line))
        })
        .await;
        match ran {
            Ok(Ok(done)) => Ok(serde_json::json!({ "outcome": done.outcome })),
            Ok(Err(e)) => Err(Failed(e.to_string())),
            Err(_) => Err(Failed(
                "a bug stopped the step (a panic; its message is not shown, it may hold a secret)"
                    .into(),
            )),
        }
    }
}

#[derive(Debug)]
struct Failed(String);

impl From<Failed> for Diagnostic {
    fn from(f: Failed) -> Diagnostic {
        Diagnostic {
            error_type: "SesSmtpRotatorError".into(),
            error_message: f.0,
        }
    }
}

/// The invocation's deadline (milliseconds since 1970) as an instant.
fn deadline_of(ms: u64) -> Instant {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    Instant::now() + Duration::from_millis(ms.saturating_sub(now))
}

/// One log line on standard output (CloudWatch Logs), flushed.
fn write_line(line: &Line) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", line.to_json());
    let _ = out.flush();
}
