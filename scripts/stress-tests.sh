#!/usr/bin/env bash
# Runs the whole suite 20 times, then the pty and probe tests 50 times each,
# idle and under CPU load (one busy loop per core), with --test-threads at
# its default; prints one line per batch. A flaky test is a failing test.
# With moto available ($MOTO_SERVER or .venv/bin/moto_server), also the
# `aws` feature's tests, 20 times idle and 15 under load, and the rotation
# function's (crates/ses-smtp-rotator/tests/rotation), 5 times each.
#   bash scripts/stress-tests.sh
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
cargo test --locked --no-run -q 2>&1 | tail -2
batch() { # label, runs, cargo test args...
  local label=$1 runs=$2; shift 2
  local pass=0 fail=0
  for i in $(seq 1 "$runs"); do
    if cargo test --locked -q "$@" > "$logs/$label-$i.log" 2>&1; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1)); echo "$label run $i FAILED (log: $logs/$label-$i.log)"
    fi
  done
  echo "$label: $pass passed, $fail failed of $runs"
}
batch "whole suite" 20
batch "pty (idle)" 50 --test cli -- pty::
batch "probe (idle)" 50 --test probe
aws=0
if [ -n "${MOTO_SERVER:-}" ] || [ -x .venv/bin/moto_server ]; then aws=1; fi
[ "$aws" = 1 ] && batch "aws (idle)" 20 --features aws --test aws
[ "$aws" = 1 ] && batch "rotator (idle)" 5 -p ses-smtp-rotator --features moto --test rotation
busy=()
for _ in $(seq 1 "$(nproc)"); do yes > /dev/null & busy+=($!); done
batch "pty (under load)" 50 --test cli -- pty::
batch "probe (under load)" 50 --test probe
[ "$aws" = 1 ] && batch "aws (under load)" 15 --features aws --test aws
[ "$aws" = 1 ] && batch "rotator (under load)" 5 -p ses-smtp-rotator --features moto --test rotation
kill "${busy[@]}"
