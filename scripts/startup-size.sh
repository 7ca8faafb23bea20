#!/usr/bin/env bash
# Binary size and start-up of the release builds, side by side in one run,
# against an empty `fn main(){}` built with the same profile and linking:
#   default (probe), --no-default-features, both linked statically, and
#   the Debian package's pair: `aws-front` (its ses-smtp-password, which
#   derives) and `aws` (its ses-smtp-password-aws, which the front execs
#   for the AWS commands; what `cargo install --features aws` builds).
#   bash scripts/startup-size.sh
# Needs hyperfine (apt-get install hyperfine). Prints the table of
# docs/performance.md ("Size and start-up").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
target=$(rustc -vV | sed -n 's/^host: //p')
static=(--config "target.$target.rustflags=['-C','target-feature=+crt-static']" --target "$target")

build() { # name, target dir, cargo args...
  local name=$1 dir=$2; shift 2
  cargo build --release --locked --quiet --target-dir "$dir" "$@"
}
build default "$tmp/t-default" -p ses-smtp-password
build minimal "$tmp/t-minimal" -p ses-smtp-password --no-default-features
build aws-front "$tmp/t-front" -p ses-smtp-password --features aws-front
build aws "$tmp/t-aws" -p ses-smtp-password --features aws
build static "$tmp/t-static" -p ses-smtp-password "${static[@]}"
build static-minimal "$tmp/t-static-min" -p ses-smtp-password --no-default-features "${static[@]}"

# The empty program, with the workspace's release profile.
mkdir -p "$tmp/empty/src"
printf 'fn main() {}\n' > "$tmp/empty/src/main.rs"
{ printf '[package]\nname = "empty"\nversion = "0.0.0"\nedition = "2024"\n\n[workspace]\n\n'
  sed -n '/^\[profile.release\]/,/^$/p' Cargo.toml; } > "$tmp/empty/Cargo.toml"
(cd "$tmp/empty" && cargo build --release --quiet --target-dir "$tmp/t-empty")
(cd "$tmp/empty" && cargo build --release --quiet --target-dir "$tmp/t-empty-static" "${static[@]}")

bins=(
  "default:$tmp/t-default/release/ses-smtp-password"
  "no-default-features:$tmp/t-minimal/release/ses-smtp-password"
  "aws-front:$tmp/t-front/release/ses-smtp-password"
  "aws:$tmp/t-aws/release/ses-smtp-password"
  "default, static:$tmp/t-static/$target/release/ses-smtp-password"
  "no-default-features, static:$tmp/t-static-min/$target/release/ses-smtp-password"
  "empty fn main:$tmp/t-empty/release/empty"
  "empty fn main, static:$tmp/t-empty-static/$target/release/empty"
)
# No shell in between (hyperfine -N): the secret comes from the
# environment, so nothing needs redirecting.
export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
cmds=()
for b in "${bins[@]}"; do
  path=${b#*:}
  case $path in
    */empty) cmds+=("$path") ;;
    *) cmds+=("$path --region us-east-1 --format password --from-env") ;;
  esac
done
# The tool warns on stderr that this is the documentation's example key.
hyperfine -N --warmup 50 --runs 1000 --export-json "$tmp/h.json" "${cmds[@]}" >/dev/null 2>&1

python3 - "$tmp/h.json" "${bins[@]}" <<'PY'
import json, os, sys
results = json.load(open(sys.argv[1]))["results"]
bins = [b.split(":", 1) for b in sys.argv[2:]]
mean = {name: r["mean"] for (name, _), r in zip(bins, results)}
print("| build | size | start-up, one derivation (mean of 1000) | vs empty `fn main` (same linking) |")
print("| --- | --- | --- | --- |")
for name, path in bins:
    size = os.path.getsize(path)
    base = mean["empty fn main, static" if "static" in name else "empty fn main"]
    print(f"| {name} | {size/1024/1024:.2f} MiB ({size} bytes) | {mean[name]*1e6:.0f} µs | {mean[name]/base:.2f}x |")
d, s = mean["default"], mean["default, static"]
print()
print(f"Static over dynamic (default build): {s/d:.2f}x the time.")
PY
