#!/usr/bin/env bash
# Packs one release archive: scripts/archive.sh TARGET BINARY ASSETS OUT
#
#   TARGET  the Rust target triple the binary was built for
#   BINARY  the built binary (ses-smtp-password, or .exe on Windows)
#   ASSETS  a folder holding ses-smtp-password.1 and complete/ (the man page
#           and completions the binary prints: the same for every target)
#   OUT     the folder the archive is written to
#
# Writes OUT/ses-smtp-password-v<version>-TARGET.tar.gz, one top-level
# folder of that name holding the binary, README.md, LICENSE, CHANGELOG.md,
# the man page and complete/, the name `cargo binstall` looks for
# ([package.metadata.binstall] in Cargo.toml). Files are in a fixed order,
# with modes normalised (0755 for the binary and folders, 0644 for the
# rest, whatever the builder's umask), owner root and times fixed
# (SOURCE_DATE_EPOCH, else the last commit's), so a commit gives the same
# bytes on any machine. Used by scripts/dist.sh and
# .github/workflows/release.yml; CI packs twice, under umasks 022 and 002,
# and compares (scripts/dist-check.sh).
set -euo pipefail
[ $# -eq 4 ] || { echo "usage: $0 TARGET BINARY ASSETS OUT" >&2; exit 2; }
target=$1 binary=$2 assets=$3 out=$4
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
stem="ses-smtp-password-v$version-$target"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$stem" "$out"
cp "$binary" README.md LICENSE CHANGELOG.md "$assets/ses-smtp-password.1" "$stage/$stem/"
cp -r "$assets/complete" "$stage/$stem/"
find "$stage/$stem" -type d -exec chmod 0755 {} +
find "$stage/$stem" -type f -exec chmod 0644 {} +
chmod 0755 "$stage/$stem/$(basename "$binary")"
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
tar --format=gnu --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
  -C "$stage" -cf - "$stem" | gzip -n9 > "$out/$stem.tar.gz"
echo "$out/$stem.tar.gz"
