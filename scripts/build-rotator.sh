#!/usr/bin/env bash
# Builds ses-smtp-rotator for Lambda's provided.al2023 runtime (x86_64) with
# cargo-lambda and its Zig, from PyPI into .venv-deploy (pinned by
# .ci/deploy-requirements.txt), linked against glibc 2.28 (Amazon Linux
# 2023 has 2.34), and checks the binary needs no newer glibc symbol.
# Gives target/lambda/ses-smtp-rotator/bootstrap and bootstrap.zip.
#
# The release profile is the one in Cargo.toml, as for every other
# artifact: cargo-lambda's own defaults (panic=abort, target-cpu=haswell)
# are turned off (--disable-optimizations).
#
#   --with-aws-helper  also build the CLI's `aws` build (the .deb's
#                      ses-smtp-password-aws) in the same cargo run, so the
#                      AWS SDK is compiled once for both:
#                      target/lambda/ses-smtp-password/bootstrap. Cargo then
#                      resolves the two packages' features together: the
#                      SBOMs follow `cargo tree` for that run (scripts/dist.sh).
#   --hello            also the hello-world yardstick (target/lambda/hello).
#   --cargo-args       build nothing: print the run's package and feature
#                      arguments, one a line, as `cargo tree` takes them
#                      (scripts/build-tree.sh), for its SBOMs.
set -euo pipefail
cd "$(dirname "$0")/.."
with_aws=no hello=no print=no
for arg in "$@"; do
  case $arg in
    --with-aws-helper) with_aws=yes ;;
    --hello) hello=yes ;;
    --cargo-args) print=yes ;;
    *) echo "usage: $0 [--with-aws-helper] [--hello] [--cargo-args]" >&2; exit 2 ;;
  esac
done
packages=(-p ses-smtp-rotator)
[ "$with_aws" = no ] || packages+=(-p ses-smtp-password --features ses-smtp-password/aws)
if [ "$print" = yes ]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi
if [ ! -x .venv-deploy/bin/cargo-lambda ]; then
  python3 -m venv .venv-deploy
  .venv-deploy/bin/pip install -q -r .ci/deploy-requirements.txt
fi
export PATH="$PWD/.venv-deploy/bin:$PATH"
common=(--release --locked --disable-optimizations --target x86_64-unknown-linux-gnu.2.28)
build=("${packages[@]}" --bin ses-smtp-rotator)
[ "$with_aws" = no ] || build+=(--bin ses-smtp-password)
cargo lambda build "${common[@]}" "${build[@]}" --output-format zip
cargo lambda build "${common[@]}" "${build[@]}"
if [ "$hello" = yes ]; then
  cargo lambda build "${common[@]}" -p ses-smtp-rotator --example hello
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
