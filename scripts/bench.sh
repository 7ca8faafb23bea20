#!/usr/bin/env bash
# Performance figures for this machine: derivation against the HMAC floor,
# and `vectors check` on 100,000 lines (target: under one second).
#   bash scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
cargo run --release --locked --quiet --example bench
bin=target/release/ses-smtp-password
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$bin" vectors generate --count 100000 --seed bench --v2 > "$tmp/v.jsonl"
start=$(date +%s%N)
"$bin" vectors check "$tmp/v.jsonl"
end=$(date +%s%N)
echo "vectors check, 100000 lines: $(( (end - start) / 1000000 )) ms"
start=$(date +%s%N)
for _ in $(seq 100); do
  printf '%s' 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' | "$bin" --region eu-west-1 --format password >/dev/null 2>&1
done
end=$(date +%s%N)
echo "whole process, one derivation: $(( (end - start) / 100000 )) us (mean of 100 runs)"
