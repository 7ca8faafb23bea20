#!/usr/bin/env bash
# Installs the cargo tools CI and the release builds use, each from
# crates.io at the version pinned here (with its own Cargo.lock: --locked),
# into .tools/ (a folder of the project, never ~/.cargo), and only those
# not already there at that version.
#
#   scripts/cargo-tools.sh TOOL...     then PATH=".tools/bin:$PATH"
#
#   cargo-auditable  embeds each release binary's dependency list (.dep-v0)
#   cargo-cyclonedx  writes each release artifact's SBOM (scripts/sbom.sh)
#   cargo-deny       the dependency policy (deny.toml)
#   cargo-deb        packs the Debian package (scripts/dist.sh)
#   cargo-fuzz       the fuzz smoke run (fuzz/run.sh)
#
# All but cargo-deb are built without optimisation (`cargo install
# --debug`): each runs for seconds, and building them optimised took CI
# minutes on two cores. cargo-deb compresses the package (xz, C code
# the build compiles at the profile's level): it is built optimised.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD/.tools
for tool in "$@"; do
  case $tool in
    cargo-auditable) version=0.7.7 profile=(--debug) ;;
    cargo-cyclonedx) version=0.5.9 profile=(--debug) ;;
    cargo-deny) version=0.20.2 profile=(--debug) ;;
    cargo-deb) version=3.8.0 profile=() ;;
    cargo-fuzz) version=0.13.2 profile=(--debug) ;;
    *) echo "cargo-tools.sh: no pinned version for $tool" >&2; exit 2 ;;
  esac
  if grep -q "^\"$tool $version " "$root/.crates.toml" 2>/dev/null; then
    continue
  fi
  # Built in a folder of their own: never in (nor waiting for) the
  # project's target directory, which CI builds in at the same time.
  CARGO_TARGET_DIR="$root/build" cargo install --quiet --locked "${profile[@]}" --root "$root" --version "$version" "$tool"
done
