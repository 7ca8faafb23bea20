#!/usr/bin/env bash
# Builds every release artifact this machine can build into target/dist/:
#
#   ses_smtp_password-<version>-py3-none-manylinux_2_28_x86_64.whl
#       the Python wheel (maturin, bindings = "bin"): pipx / uv tool install
#   ses-smtp-password-v<version>-x86_64-unknown-linux-gnu.tar.gz
#       the release archive (binary, README, LICENSE, CHANGELOG, man page,
#       completions), named as cargo binstall looks for it
#   ses-smtp-password_<version>-1_amd64.deb
#       the Debian package (cargo deb): the `aws` build (a mail host needs
#       `sync`), its man page and completions, the sync units
#       (deploy/systemd) and docs/recipes.md
#   SHA256SUMS
#       the checksums of all three
#
# The wheel and the archive hold the default build (with probe); the .deb
# the `aws` build. Both are built by maturin linking with Zig against
# glibc 2.28, so they run on older systems than this one (RHEL 8, Debian 10,
# Ubuntu 18.10 and later), linked dynamically against glibc: see README,
# "Install".
#
# Tools: maturin and ziglang in .venv-dist (.ci/dist-requirements.txt),
# cargo-deb from crates.io (pinned below).
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-unknown-linux-gnu
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
name=ses-smtp-password
dist=target/dist
venv=.venv-dist
cargo_deb_version=3.8.0

if [ ! -x "$venv/bin/maturin" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r .ci/dist-requirements.txt
fi
if ! cargo deb --version 2>/dev/null | grep -q "$cargo_deb_version"; then
  cargo install cargo-deb --locked --version "$cargo_deb_version"
fi

rm -rf "$dist"
mkdir -p "$dist/assets/complete"

# 1. The wheel, and with it the binary (target/<target>/release).
PATH="$PWD/$venv/bin:$PATH" "$venv/bin/maturin" build --release --locked \
  --zig --compatibility manylinux_2_28 --target "$target" --out "$dist"
bin="${CARGO_TARGET_DIR:-target}/$target/release/$name"

# 2. The `aws` build for the .deb, the same way, in a target directory of
# its own (the default binary stays where it is); its wheel is not shipped.
aws_target="${CARGO_TARGET_DIR:-target}/aws"
CARGO_TARGET_DIR="$aws_target" PATH="$PWD/$venv/bin:$PATH" "$venv/bin/maturin" build \
  --release --locked --features aws --zig --compatibility manylinux_2_28 \
  --target "$target" --out "$aws_target/wheel"
mkdir -p "$dist/aws/complete"
cp "$aws_target/$target/release/$name" "$dist/aws/$name"

# 3. The man page and the completions, from each binary itself (the `aws`
# build's document its AWS subcommands).
pages() { # binary, folder
  "$1" man > "$2/$name.1"
  "$1" completions bash > "$2/complete/$name.bash"
  "$1" completions zsh > "$2/complete/_$name"
  "$1" completions fish > "$2/complete/$name.fish"
  "$1" completions powershell > "$2/complete/_$name.ps1"
}
pages "$bin" "$dist/assets"
pages "$dist/aws/$name" "$dist/aws"

# 4. The archive (scripts/archive.sh, as the release workflow packs every
# target's).
bash scripts/archive.sh "$target" "$bin" "$dist/assets" "$dist" >/dev/null

# 5. The Debian package, around the `aws` build (Cargo.toml's
# package.metadata.deb names target/dist/aws).
cargo deb --no-build --target "$target" --output "$dist"

(cd "$dist" && sha256sum -- *.whl *.tar.gz *.deb > SHA256SUMS)
echo "built in $dist:"
(cd "$dist" && ls -1 -- *.whl *.tar.gz *.deb SHA256SUMS)
