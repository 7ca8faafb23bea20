#!/usr/bin/env bash
# docs/performance.md, "The rotation function": ses-smtp-rotator's start-up
# (exec to its first request for an invocation, median of seven) and peak
# memory over a whole rotation, beside a hello-world lambda_runtime function
# built the same way (cargo lambda build --release). Both run under the
# loopback Lambda Runtime API of crates/ses-smtp-rotator/tests/rotation, against moto (MOTO_SERVER or
# .venv) and the SMTP test server; the test asserts start-up <= 2x the
# hello-world's and peak memory <= 64 MiB.
# SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt makes the system's CA
# certificates one bundle, as on Amazon Linux 2023.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-rotator.sh --hello
MOTO_SERVER="${MOTO_SERVER:-$PWD/.venv/bin/moto_server}" \
SES_SMTP_ROTATOR_BIN="$PWD/target/lambda/ses-smtp-rotator/bootstrap" \
SES_SMTP_ROTATOR_HELLO="$PWD/target/lambda/hello/bootstrap" \
  cargo test --locked -p ses-smtp-rotator --features moto --test rotation start_up -- --nocapture 2>&1 | grep -E '^measured|test result'
