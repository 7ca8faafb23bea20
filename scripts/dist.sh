#!/usr/bin/env bash
# Builds every release artifact this machine can build into target/dist/:
#
#   ses_smtp_password-<version>-py3-none-manylinux_2_28_x86_64.whl
#       the Python wheel (maturin, bindings = "bin"): pipx / uv tool install
#   ses-smtp-password-v<version>-x86_64-unknown-linux-gnu.tar.gz
#       the release archive (binary, README, LICENSE, CHANGELOG, man page,
#       completions), named as cargo binstall looks for it
#   ses-smtp-password_<version>-1_amd64.deb
#       the Debian package (cargo deb)
#   SHA256SUMS
#       the checksums of all three
#
# All three hold one binary: the default build (with probe), built once by
# maturin linking with Zig against glibc 2.28, so it runs on older systems
# than this one (RHEL 8, Debian 10, Ubuntu 18.10 and later). It is linked
# dynamically against glibc: see README, "Install".
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

# 2. The man page and the completions, from the binary itself.
"$bin" man > "$dist/assets/$name.1"
"$bin" completions bash > "$dist/assets/complete/$name.bash"
"$bin" completions zsh > "$dist/assets/complete/_$name"
"$bin" completions fish > "$dist/assets/complete/$name.fish"
"$bin" completions powershell > "$dist/assets/complete/_$name.ps1"

# 3. The archive (scripts/archive.sh, as the release workflow packs every
# target's).
bash scripts/archive.sh "$target" "$bin" "$dist/assets" "$dist" >/dev/null

# 4. The Debian package, around the same binary.
cargo deb --no-build --target "$target" --output "$dist"

(cd "$dist" && sha256sum -- *.whl *.tar.gz *.deb > SHA256SUMS)
echo "built in $dist:"
(cd "$dist" && ls -1 -- *.whl *.tar.gz *.deb SHA256SUMS)
