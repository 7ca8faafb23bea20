#!/usr/bin/env bash
# Builds ses-smtp-rotator for Lambda's provided.al2023 runtime (x86_64) with
# cargo-lambda and its Zig, from PyPI into .venv-deploy (pinned by
# .ci/deploy-requirements.txt), and checks that the binary needs no glibc
# symbol newer than Amazon Linux 2023's (2.34), or is static.
# Gives target/lambda/ses-smtp-rotator/bootstrap and bootstrap.zip.
# With --hello, also the hello-world yardstick (target/lambda/hello).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-deploy/bin/cargo-lambda ]; then
  python3 -m venv .venv-deploy
  .venv-deploy/bin/pip install -q -r .ci/deploy-requirements.txt
fi
export PATH="$PWD/.venv-deploy/bin:$PATH"
cargo lambda build --release --locked -p ses-smtp-rotator --bin ses-smtp-rotator --output-format zip
cargo lambda build --release --locked -p ses-smtp-rotator --bin ses-smtp-rotator
if [ "${1:-}" = "--hello" ]; then
  cargo lambda build --release --locked -p ses-smtp-rotator --example hello
fi
bin=target/lambda/ses-smtp-rotator/bootstrap
max=2.34
# objdump -T lists the dynamic symbols with the glibc version each needs;
# a static binary has none.
newest=$( (objdump -T "$bin" 2>/dev/null || true) | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
if [ -z "$newest" ]; then
  echo "$bin: needs no glibc symbol (static)"
elif [ "$(printf '%s\n%s\n' "$newest" "$max" | sort -V | tail -1)" != "$max" ]; then
  echo "$bin needs glibc $newest; Amazon Linux 2023 has $max" >&2
  exit 1
else
  echo "$bin: needs glibc $newest at most (Amazon Linux 2023: $max)"
fi
ls -l target/lambda/ses-smtp-rotator/
