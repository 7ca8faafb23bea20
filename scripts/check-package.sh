#!/usr/bin/env bash
# Packages every crate as crates.io would get them, unpacks the .crate files
# and builds their tests from there (the binary's and the rotation
# library's: type-checks them): what
# is left out of a package (a file a test includes, a data file) shows up
# here, not after publishing.
set -euo pipefail
cd "$(dirname "$0")/.."
# --no-verify: cargo's own check builds the binary against the library
# unpacked under ~/.cargo/registry/src/<hash of this checkout's path>/, and
# it never unpacks again over an older copy of the same version. On a CI
# machine that keeps ~/.cargo and always clones to the same path, that was
# the library of an earlier run. The checks below unpack into a new
# directory every time.
# ses-smtp-rotator is deployed (scripts/build-rotator.sh) and
# ses-smtp-test-support is the tests' harness: neither is published.
cargo package --workspace --exclude ses-smtp-rotator --exclude ses-smtp-test-support --locked --quiet --no-verify
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
packages="${CARGO_TARGET_DIR:-target}/package"
for c in "$packages"/ses-smtp-{credentials,login,rotation,password}-"$version".crate; do
  # -m: the files get today's time, so cargo rebuilds the crates from this
  # directory instead of keeping test binaries built from an earlier one
  # (they carry that directory's path in env!("CARGO_MANIFEST_DIR")).
  tar -xzmf "$c" -C "$dir"
done
lib="$dir/ses-smtp-credentials-$version"
login="$dir/ses-smtp-login-$version"
rotation="$dir/ses-smtp-rotation-$version"
bin="$dir/ses-smtp-password-$version"
export CARGO_TARGET_DIR="$PWD/target/packaged"
# The workspace's [profile.dev] (no debug info for dependencies) does not
# travel with a library's package: the same setting, for every crate here.
export CARGO_PROFILE_DEV_DEBUG=line-tables-only
# The library carries its vectors and suites: every test builds from the
# package, and the two that read those files run (the rest are the
# workspace's own tests, which .ci/run runs from the checkout).
(cd "$lib" && cargo test --quiet --tests --no-run &&
  cargo test --quiet --test known_answers --test profile_conformance)
# None is on crates.io yet: each builds against the packaged others.
patch=(--config "patch.crates-io.ses-smtp-credentials.path='$lib'"
  --config "patch.crates-io.ses-smtp-login.path='$login'"
  --config "patch.crates-io.ses-smtp-rotation.path='$rotation'")
(cd "$login" && cargo test --quiet "${patch[@]}")
# The rotation library's tests read no file of the package: they are
# type-checked here, with the AWS calls (its default), and run from the
# checkout (compiling the SDK a second time took CI minutes).
(cd "$rotation" && cargo check --quiet --tests "${patch[@]}")
# The binary and its unit tests are type-checked, not built: a file left
# out of the package (a module, an include_str!) fails the check as it
# would fail the build. Its integration tests and the login's protocol
# tests are not packaged: they run over the workspace's unpublished
# test-support crate, which a package's manifest drops; .ci/run runs them
# from the checkout. Not with `aws`: checking the AWS SDK once more in this
# target directory took minutes CI does not have.
(cd "$bin" && cargo check --quiet --tests "${patch[@]}")
echo "packaged crates: the libraries' tests pass and the binary's tests check from the .crate files"
