#!/usr/bin/env bash
# Prints the crates one release binary holds: `cargo tree -e normal` of its
# package, as resolved for the cargo run that built it, one
# `NAME vVERSION [(PATH)]` line each.
#
#   scripts/build-tree.sh PACKAGE TARGET [CARGO-ARGS...]
#
# CARGO-ARGS are that run's packages and features (default: -p PACKAGE).
# Cargo resolves features across all the packages one run builds, so a
# binary built beside another (scripts/build-rotator.sh --with-aws-helper)
# can hold crates that a run of its package alone would not; only
# PACKAGE's own tree is printed. scripts/sbom.sh and scripts/dist-check.sh
# read it; exit 1 when PACKAGE is not among the run's packages.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 PACKAGE TARGET [CARGO-ARGS...]" >&2; exit 2; }
package=$1 target=$2
shift 2
[ $# -gt 0 ] || set -- -p "$package"
cd "$(dirname "$0")/.."
# One paragraph per package of the run, its root line first; each whole
# (--no-dedupe: cargo tree would not descend again into a crate an earlier
# package's tree showed, and the second package's paragraph would miss its
# dependencies).
cargo tree --locked --quiet -e normal --no-dedupe --prefix none --format '{p}' --target "$target" "$@" |
  awk -v p="$package" 'BEGIN { RS = "" } $1 == p { print; found = 1 } END { exit !found }'
