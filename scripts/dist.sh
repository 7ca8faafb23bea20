#!/usr/bin/env bash
# Builds every release artifact this machine can build into target/dist/:
#
#   ses_smtp_password-<version>-py3-none-manylinux_2_28_x86_64.whl
#       the Python wheel (maturin, bindings = "bin"): pipx / uv tool install
#   ses-smtp-password-v<version>-x86_64-unknown-linux-gnu.tar.gz
#       the release archive (binary, README, LICENSE, CHANGELOG, man page,
#       completions), named as cargo binstall looks for it
#   ses-smtp-password_<version>-1_amd64.deb
#       the Debian package (cargo deb): the AWS commands (a mail host needs
#       `sync`) as a pair, the `aws-front` build and the `aws` build it
#       execs for them, their man page and completions, the sync units
#       (deploy/systemd) and docs/recipes.md
#   ses-smtp-rotator-v<version>-x86_64-lambda.zip
#       the rotation function for Lambda's provided.al2023 (x86_64), as
#       scripts/build-rotator.sh builds it (cargo-lambda and its Zig)
#   <each of the four>.cdx.json
#       its CycloneDX SBOM: every crate in its binaries, with version and
#       licence (scripts/sbom.sh)
#   SHA256SUMS
#       the checksums of all eight
#
# Every binary is built with `cargo auditable`: its dependency list is in
# its `.dep-v0` section (scripts/auditable/cargo stands in for cargo while
# maturin and cargo-lambda build).
#
# The wheel and the archive hold the default build (with probe); the .deb
# the pair. All are linked with Zig against glibc 2.28 (maturin's, and
# cargo-lambda's for the rotation function and the .deb's `aws` build), so they run on older systems than this one (RHEL 8, Debian 10,
# Ubuntu 18.10 and later), linked dynamically against glibc: see README,
# "Install".
#
# Tools: maturin and ziglang in .venv-dist (.ci/dist-requirements.txt),
# cargo-deb, cargo-auditable and cargo-cyclonedx from crates.io into .tools
# (scripts/cargo-tools.sh pins them).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 0 ] || { echo "usage: $0" >&2; exit 2; }

target=x86_64-unknown-linux-gnu
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
name=ses-smtp-password
dist=target/dist
venv=.venv-dist

if [ ! -x "$venv/bin/maturin" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r .ci/dist-requirements.txt
fi
bash scripts/cargo-tools.sh cargo-deb cargo-auditable cargo-cyclonedx
# Every cargo that maturin, cargo-lambda and cargo-zigbuild start is
# `cargo auditable` (scripts/auditable/cargo).
export SES_REAL_CARGO
SES_REAL_CARGO=$(command -v cargo)
export PATH="$PWD/scripts/auditable:$PWD/.tools/bin:$PATH"

rm -rf "$dist"
mkdir -p "$dist/assets/complete"

# 0. The rotation function's zip and the .deb's `aws` build, in one cargo
# run (scripts/build-rotator.sh --with-aws-helper: cargo-lambda and its
# Zig, glibc 2.28), so the AWS SDK is compiled once. First: the maturin
# builds below share its target directory with other flags.
# (aarch64 would need that target's standard library, which this machine
# cannot fetch.)
bash scripts/build-rotator.sh --with-aws-helper >&2
# The cargo packages and features of that run, as `cargo tree` takes them:
# the SBOMs of its two binaries list what it resolved (step 7).
mapfile -t lambda_build < <(bash scripts/build-rotator.sh --with-aws-helper --cargo-args)

# 1. The .deb's pair: `ses-smtp-password`, the `aws-front` build (the AWS
# commands' syntax without the SDK, so a derivation starts as fast as the
# default build's), and `ses-smtp-password-aws`, the `aws` build it execs
# for rotate, retire, keys and sync (src/front.rs), from step 0. The front
# is built the same way as the wheel below (its wheel is not shipped), in
# the default build's target directory first (its dependencies are the
# default build's, so step 2 rebuilds only this crate).
mkdir -p "$dist/deb/complete"
PATH="$PWD/$venv/bin:$PATH" "$venv/bin/maturin" build --release --locked \
  --features aws-front --zig --compatibility manylinux_2_28 --target "$target" \
  --out "${CARGO_TARGET_DIR:-target}/deb-wheel" >&2
cp "${CARGO_TARGET_DIR:-target}/$target/release/$name" "$dist/deb/$name"
cp target/lambda/ses-smtp-password/bootstrap "$dist/deb/$name-aws"

# 2. The wheel, and with it the default binary (target/<target>/release).
PATH="$PWD/$venv/bin:$PATH" "$venv/bin/maturin" build --release --locked \
  --zig --compatibility manylinux_2_28 --target "$target" --out "$dist"
bin="${CARGO_TARGET_DIR:-target}/$target/release/$name"

# 3. The man page and the completions, from each binary itself (the .deb's
# document the AWS commands).
pages() { # binary, folder
  "$1" man > "$2/$name.1"
  "$1" completions bash > "$2/complete/$name.bash"
  "$1" completions zsh > "$2/complete/_$name"
  "$1" completions fish > "$2/complete/$name.fish"
  "$1" completions powershell > "$2/complete/_$name.ps1"
}
pages "$bin" "$dist/assets"
pages "$dist/deb/$name" "$dist/deb"

# 4. The archive (scripts/archive.sh, as the release workflow packs every
# target's).
bash scripts/archive.sh "$target" "$bin" "$dist/assets" "$dist" >/dev/null

# 5. The Debian package, around the pair (Cargo.toml's package.metadata.deb
# names target/dist/deb).
cargo deb --no-build --target "$target" --output "$dist"

# 6. The rotation function's zip, built in step 0.
zip="ses-smtp-rotator-v$version-x86_64-lambda.zip"
cp target/lambda/ses-smtp-rotator/bootstrap.zip "$dist/$zip"

# 7. An SBOM per artifact, named after it. The .deb's is the `aws` build's
# (built in step 0's run), whose crates include every crate of its front
# (`aws-front` adds none).
sbom() { # package, features, artifact, [the cargo run's packages and features]
  bash scripts/sbom.sh "$1" "$target" "$2" "$dist/$3.cdx.json" "${@:4}" >/dev/null
}
sbom ses-smtp-password "" "$(basename "$(ls "$dist"/*.whl)")"
sbom ses-smtp-password "" "$name-v$version-$target.tar.gz"
sbom ses-smtp-password aws "$(basename "$(ls "$dist"/*.deb)")" "${lambda_build[@]}"
sbom ses-smtp-rotator "" "$zip" "${lambda_build[@]}"

(
  cd "$dist"
  sha256sum -- *.whl *.tar.gz *.deb *.zip *.cdx.json > SHA256SUMS
)
echo "built in $dist:"
(cd "$dist" && ls -1 -- *.whl *.tar.gz *.deb *.zip *.cdx.json SHA256SUMS)
