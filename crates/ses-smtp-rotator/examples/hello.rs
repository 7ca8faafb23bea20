//! The yardstick for docs/performance.md: the smallest `lambda_runtime`
//! function, built the same way as `ses-smtp-rotator`, whose start-up time
//! and memory the rotator's are measured against
//! (scripts/measure-rotator.sh).

use lambda_runtime::{Error, LambdaEvent, service_fn};

fn main() -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(lambda_runtime::run(service_fn(
        |event: LambdaEvent<serde_json::Value>| async move {
            Ok::<_, Error>(serde_json::json!({ "hello": event.context.request_id }))
        },
    )))
}
