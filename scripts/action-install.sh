#!/usr/bin/env bash
# The install step of action.yml: downloads the release archive for this
# runner, checks its SHA-256 against the release's SHA256SUMS, unpacks it
# and puts the tool on PATH.
#
# Environment: VERSION (required); REPOSITORY and SERVER_URL, from the
# action; RELEASES_URL, the folder that holds v<version>/ (default
# SERVER_URL/REPOSITORY/releases/download; a file:// URL in this project's
# CI); TARGET, to pick another archive than this runner's; RUNNER_TEMP,
# GITHUB_PATH and GITHUB_OUTPUT, from the runner.
set -euo pipefail
fail() { echo "::error::ses-smtp-password: $*" >&2; exit 1; }

version=${VERSION:?the action needs a version, as 0.1.0}
version=${version#v}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$ ]] ||
  fail "version is not a release version such as 0.1.0"
if [ -z "${RELEASES_URL:-}" ]; then
  repository=${REPOSITORY:-}
  if [ -z "$repository" ]; then
    # Inside a composite action github.action_repository can be empty; the
    # action's own folder is .../_actions/OWNER/NAME/REF.
    ref_dir=$(dirname "$(cd "$(dirname "$0")/.." && pwd)")
    repository="$(basename "$(dirname "$ref_dir")")/$(basename "$ref_dir")"
  fi
  RELEASES_URL="${SERVER_URL:-https://github.com}/$repository/releases/download"
fi

if [ -z "${TARGET:-}" ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) TARGET=x86_64-unknown-linux-gnu ;;
    Linux-aarch64 | Linux-arm64) TARGET=aarch64-unknown-linux-gnu ;;
    Darwin-x86_64) TARGET=x86_64-apple-darwin ;;
    Darwin-arm64) TARGET=aarch64-apple-darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows*) TARGET=x86_64-pc-windows-msvc ;;
    *) fail "no release archive for $(uname -s) $(uname -m)" ;;
  esac
fi
case "$TARGET" in *windows*) exe=.exe ;; *) exe= ;; esac

stem="ses-smtp-password-v$version-$TARGET"
dir="${RUNNER_TEMP:-$(mktemp -d)}/ses-smtp-password-v$version"
mkdir -p "$dir"
cd "$dir"
curl --fail --silent --show-error --location --retry 3 \
  -o SHA256SUMS "$RELEASES_URL/v$version/SHA256SUMS" ||
  fail "could not download SHA256SUMS of release v$version"
curl --fail --silent --show-error --location --retry 3 \
  -o "$stem.tar.gz" "$RELEASES_URL/v$version/$stem.tar.gz" ||
  fail "could not download $stem.tar.gz"
grep -E "^[0-9a-f]{64}  $stem\.tar\.gz$" SHA256SUMS > expected.sha256 ||
  fail "SHA256SUMS of v$version lists no $stem.tar.gz"
if command -v sha256sum >/dev/null; then
  sha256sum --check --quiet expected.sha256
else
  shasum -a 256 --check --quiet expected.sha256
fi || fail "$stem.tar.gz does not match its SHA-256 in SHA256SUMS"
tar -xzf "$stem.tar.gz"
bin="$dir/$stem/ses-smtp-password$exe"
[ -x "$bin" ] || fail "the archive holds no ses-smtp-password$exe"
"$bin" --version
echo "$dir/$stem" >> "${GITHUB_PATH:-/dev/null}"
echo "path=$bin" >> "${GITHUB_OUTPUT:-/dev/null}"
