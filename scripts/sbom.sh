#!/usr/bin/env bash
# Writes the CycloneDX SBOM of one release binary: every crate in it, with
# its version and licence, as CycloneDX 1.5 JSON (cargo cyclonedx,
# crates.io, pinned in scripts/cargo-tools.sh).
#
#   scripts/sbom.sh PACKAGE TARGET FEATURES OUT [CARGO-ARGS...]
#
# PACKAGE is ses-smtp-password or ses-smtp-rotator; FEATURES the build's
# cargo features, comma-separated ("" for the default ones); OUT the file to
# write, named after its artifact (`….tar.gz.cdx.json`); CARGO-ARGS the
# packages and features of the cargo run that built it, when that run built
# more than PACKAGE (scripts/build-tree.sh). Build-time
# dependencies (build scripts, proc macros) are left out: they are not in
# the binary, and so are crates of other builds of the workspace
# (scripts/sbom-prune.py). scripts/check-sbom.py checks the result against
# `cargo tree`.
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 PACKAGE TARGET FEATURES OUT [CARGO-ARGS...]" >&2; exit 2; }
package=$1 target=$2 features=$3 out=$4
shift 4
[ $# -gt 0 ] || set -- -p "$package" ${features:+--features "$features"}
case $out in /*) ;; *) out=$PWD/$out ;; esac
cd "$(dirname "$0")/.."
case $package in
  ses-smtp-password) written=ses-smtp-password_bin.cdx.json ;;
  ses-smtp-rotator) written=crates/ses-smtp-rotator/ses-smtp-rotator_bin.cdx.json ;;
  *) echo "sbom.sh: $package is not a package with a release binary" >&2; exit 2 ;;
esac
# cargo cyclonedx writes one file beside each package's manifest that has a
# binary: this script keeps the one asked for and removes the others.
others=(ses-smtp-password_bin.cdx.json crates/ses-smtp-rotator/ses-smtp-rotator_bin.cdx.json)
trap 'rm -f "${others[@]}"' EXIT
# The time in the SBOM is the commit's, so two builds of it write the same.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
args=(--format json --spec-version 1.5 --describe binaries --no-build-deps --target "$target" --quiet)
[ -z "$features" ] || args+=(--features "$features")
cargo cyclonedx "${args[@]}"
mkdir -p "$(dirname "$out")"
mv "$written" "$out"
# cargo cyclonedx resolves the workspace's features together (the rotation
# function turns the AWS SDK on): only the crates this build holds stay
# (scripts/sbom-prune.py), as `cargo tree` resolves its cargo run.
tree=$(mktemp)
trap 'rm -f "${others[@]}" "$tree"' EXIT
bash scripts/build-tree.sh "$package" "$target" "$@" >"$tree"
# (Windows' runners name their Python `python`.)
"$(command -v python3 || command -v python)" scripts/sbom-prune.py "$out" "$tree"
echo "$out"
