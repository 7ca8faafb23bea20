#!/usr/bin/env bash
# Measures ses-smtp-password against a Python implementation of the same
# algorithm (scripts/reference.py), side by side in one run, and prints the
# tables of docs/performance.md.
#   bash scripts/perf-report.sh
# Needs hyperfine and GNU time (apt-get install hyperfine time).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
bin=target/release/ses-smtp-password
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
secret='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
printf '%s' "$secret" > "$tmp/secret"
"$bin" vectors generate --count 100000 --seed perf --v2 > "$tmp/v.jsonl"

# The two implementations must agree before they are timed.
a=$("$bin" --region us-east-1 --format password < "$tmp/secret" 2>/dev/null)
b=$(python3 scripts/reference.py derive us-east-1 < "$tmp/secret")
[ "$a" = "$b" ] || { echo "implementations disagree" >&2; exit 1; }
python3 scripts/reference.py check "$tmp/v.jsonl" >/dev/null

# The interpreter itself, not a version manager's shim in front of it.
py=$(python3 -c 'import sys; print(sys.executable)')

mean() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$1" "$2"; }
# Both through the same shell (for the redirection), so its cost cancels out.
hyperfine --warmup 20 --runs 200 --export-json "$tmp/one.json" \
  "$bin --region us-east-1 --format password < $tmp/secret" \
  "$py scripts/reference.py derive us-east-1 < $tmp/secret" >/dev/null 2>&1
hyperfine --warmup 1 --runs 5 --export-json "$tmp/check.json" \
  "$bin vectors check $tmp/v.jsonl" \
  "$py scripts/reference.py check $tmp/v.jsonl" >/dev/null 2>&1

t1=$(mean "$tmp/one.json" 0); p1=$(mean "$tmp/one.json" 1)
t2=$(mean "$tmp/check.json" 0); p2=$(mean "$tmp/check.json" 1)
bench=$(cargo run --release --locked --quiet --example bench)
hmac_ns=$(echo "$bench" | awk '/bare HMAC/ {print $(NF-1)}')
derive_ns=$(echo "$bench" | awk '/one V4 derivation/ {print $4}')
mem_tool=$(/usr/bin/time -f %M -o "$tmp/m1" "$bin" --region us-east-1 --format password < "$tmp/secret" >/dev/null 2>&1; cat "$tmp/m1")
mem_py=$(/usr/bin/time -f %M -o "$tmp/m2" "$py" scripts/reference.py derive us-east-1 < "$tmp/secret" >/dev/null 2>&1; cat "$tmp/m2")
mem_check=$(/usr/bin/time -f %M -o "$tmp/m3" "$bin" vectors check "$tmp/v.jsonl" >/dev/null 2>&1; cat "$tmp/m3")
size=$(stat -c %s "$bin")

python3 - "$t1" "$p1" "$t2" "$p2" "$hmac_ns" "$derive_ns" "$mem_tool" "$mem_py" "$mem_check" "$size" <<'PY'
import sys
t1, p1, t2, p2, h, d = map(float, sys.argv[1:7])
mt, mp, mc, size = map(int, sys.argv[7:11])
print("| measurement | ses-smtp-password | Python (stdlib hmac) | ratio |")
print("| --- | --- | --- | --- |")
print(f"| one derivation, whole process (mean of 200) | {t1*1e3:.2f} ms | {p1*1e3:.2f} ms | {p1/t1:.1f}x faster |")
print(f"| `vectors check`, 100,000 lines (mean of 5) | {t2*1e3:.0f} ms | {p2*1e3:.0f} ms | {p2/t2:.1f}x faster |")
print(f"| peak memory, one derivation | {mt/1024:.1f} MiB | {mp/1024:.1f} MiB | {mp/mt:.1f}x less |")
print()
print("| measurement | value |")
print("| --- | --- |")
print(f"| one bare HMAC-SHA256 | {h:.1f} ns |")
print(f"| floor: 5 HMAC-SHA256 | {5*h:.1f} ns |")
print(f"| one V4 derivation (in process) | {d:.1f} ns ({d/(5*h):.2f}x the floor) |")
print(f"| peak memory, `vectors check` of 100,000 lines | {mc/1024:.1f} MiB |")
print(f"| release binary size | {size/1024/1024:.2f} MiB ({size} bytes) |")
PY
