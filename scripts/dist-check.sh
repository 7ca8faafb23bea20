#!/usr/bin/env bash
# Installs each artifact of target/dist (scripts/dist.sh) into a clean place
# and runs README's first command through it, as a user would get it:
#
#   the wheel     into a fresh virtual environment; its manylinux tag and the
#                 binary's glibc symbols are no newer than glibc 2.28
#   the archive   checksum verified first (SHA256SUMS), unpacked into a
#                 temporary folder; its man page opens with `man -l`
#   the .deb      `dpkg -i` (root): the front and the `aws` build it execs
#                 for the AWS commands, glibc 2.28 at most, man page and bash completion loaded, the sync units
#                 verified where it installed them, `dpkg -r` again
#   the action    scripts/action-install.sh against the archive (file://),
#                 then `vectors check` through the installed tool
#   the zip       the rotation function's: checksum, one executable
#                 `bootstrap`
#   every binary  cargo auditable's dependency list in it (.dep-v0)
#   every SBOM    in SHA256SUMS, valid CycloneDX 1.5, exactly the crates
#                 of its build's `cargo tree -e normal`
#   the hook      .pre-commit-hooks.yaml under pre-commit, in a temporary git
#                 repository using this checkout as its hook repository
#
# The archive is packed again under umasks 022 and 002 (and another
# clock): the same bytes each time, modes 0755/0644, owner root.
# Then actionlint checks the release workflow and a use of the action, and
# zizmor audits the workflows and the action.
# Tools: .venv-dist (.ci/dist-requirements.txt); man-db and
# bash-completion from Debian (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
dist=$root/target/dist
venv=$root/.venv-dist
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
target=x86_64-unknown-linux-gnu
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "dist-check: $*" >&2; exit 1; }
pass() { echo "dist-check: $*"; }

# The archive is the same bytes whatever the builder's umask and clock.
bin="${CARGO_TARGET_DIR:-target}/$target/release/ses-smtp-password"
archive="ses-smtp-password-v$version-$target.tar.gz"
for mask in 022 002; do
  mkdir -p "$work/umask-$mask"
  (umask "$mask" && bash scripts/archive.sh "$target" "$bin" "$dist/assets" "$work/umask-$mask" >/dev/null)
done
cmp "$work/umask-022/$archive" "$work/umask-002/$archive" ||
  fail "the archive differs between umasks 022 and 002"
cmp "$dist/$archive" "$work/umask-022/$archive" ||
  fail "the archive packed again is not the one dist.sh packed"
# (The listing is read whole first: grep -q stopping early would break
# the pipe under pipefail.)
listing=$(tar -tvzf "$dist/$archive")
modes=$(awk '{ print $1, $2 }' <<<"$listing" | sort -u)
if grep -qvE '^(-rw-r--r--|-rwxr-xr-x|drwxr-xr-x) 0/0$' <<<"$modes"; then
  fail "the archive holds other modes or owners than 0644/0755 root: $modes"
fi
grep -qE '^-rwxr-xr-x 0/0 .*/ses-smtp-password$' <<<"$listing" ||
  fail "the archive's binary is not mode 0755"
pass "the archive is the same bytes under umasks 022 and 002 (modes 0644/0755, owner root)"

# README's first command and the output README shows for it.
expected=$(awk '/^## First two commands/ { on = 1 }
  on && /^```text/ { print_it = 1; next }
  print_it && /^```/ { exit }
  print_it { print }' README.md)
[ -n "$expected" ] || fail "README has no expected output for its first command"
first_command() {
  printf '%s' 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' |
    "$1" --region us-east-1 --access-key-id AKIAIOSFODNN7EXAMPLE 2>/dev/null
}
check_first_command() {
  local got
  got=$(first_command "$1") || fail "$2: README's first command failed"
  [ "$got" = "$expected" ] || {
    diff <(echo "$expected") <(echo "$got") >&2 || true
    fail "$2: README's first command printed something else"
  }
}
newest_glibc() {
  objdump -T "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1
}

# ---- the wheel --------------------------------------------------------------
wheel=$(ls "$dist"/*.whl)
[ "$(echo "$wheel" | wc -l)" = 1 ] || fail "expected one wheel, found: $wheel"
tag=$(basename "$wheel" .whl | awk -F- '{ print $NF }')
case "$tag" in
  manylinux_2_*_x86_64*) minor=${tag#manylinux_2_}; minor=${minor%%_*} ;;
  *) fail "the wheel's platform tag is $tag, not manylinux_2_N_x86_64" ;;
esac
[ "$minor" -le 28 ] || fail "the wheel's tag $tag is newer than manylinux_2_28"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --no-index "$wheel"
installed="$work/venv/bin/ses-smtp-password"
glibc=$(newest_glibc "$installed")
[ "$(printf '%s\n2.28\n' "$glibc" | sort -V | tail -1)" = 2.28 ] ||
  fail "the wheel's binary needs glibc $glibc, newer than 2.28"
check_first_command "$installed" "the wheel"
pass "wheel $(basename "$wheel"): tag $tag, glibc $glibc at most, first command as README shows"

# ---- the archive --------------------------------------------------------------
stem="ses-smtp-password-v$version-$target"
(cd "$dist" && grep -E "  $stem\.tar\.gz$" SHA256SUMS | sha256sum --check --quiet) ||
  fail "$stem.tar.gz does not match SHA256SUMS"
mkdir "$work/archive"
tar -xzf "$dist/$stem.tar.gz" -C "$work/archive"
unpacked="$work/archive/$stem"
for f in ses-smtp-password README.md LICENSE CHANGELOG.md ses-smtp-password.1 \
  complete/ses-smtp-password.bash complete/_ses-smtp-password complete/ses-smtp-password.fish; do
  [ -e "$unpacked/$f" ] || fail "the archive lacks $f"
done
check_first_command "$unpacked/ses-smtp-password" "the archive"
MANPAGER=cat MANWIDTH=80 man -l "$unpacked/ses-smtp-password.1" 2>/dev/null | grep -q "ses-smtp-password" ||
  fail "the archive's man page does not open with man -l"
pass "archive $stem.tar.gz: checksum, contents, man page, first command as README shows"

# ---- the Debian package -------------------------------------------------------
deb=$(ls "$dist"/*.deb)
if dpkg -s ses-smtp-password >/dev/null 2>&1; then
  fail "a ses-smtp-password package is installed already; remove it first (dpkg -r ses-smtp-password)"
fi
dpkg -i "$deb" >/dev/null
trap 'dpkg -r ses-smtp-password >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
listing=$(dpkg -L ses-smtp-password)
for f in /usr/bin/ses-smtp-password /usr/share/man/man1/ses-smtp-password.1.gz \
  /usr/share/bash-completion/completions/ses-smtp-password \
  /usr/share/zsh/vendor-completions/_ses-smtp-password \
  /usr/share/fish/vendor_completions.d/ses-smtp-password.fish \
  /usr/share/doc/ses-smtp-password/copyright \
  /usr/share/doc/ses-smtp-password/recipes.md \
  /usr/lib/systemd/system/ses-smtp-password-sync@.service \
  /usr/lib/systemd/system/ses-smtp-password-sync@.timer; do
  grep -qx "$f" <<<"$listing" || fail "the .deb lacks $f"
done
dpkg-deb -f "$deb" Depends | grep -q 'libc6' || fail "the .deb does not depend on libc6: $(dpkg-deb -f "$deb" Depends)"
grep -qx /usr/bin/ses-smtp-password-aws <<<"$listing" || fail "the .deb lacks /usr/bin/ses-smtp-password-aws"
# The AWS commands: a mail host runs sync. The front parses them and execs
# the `aws` build beside it, which answers (no credentials here: the SDK's
# chain finds none, or no network; either way the helper ran: exit 10).
/usr/bin/ses-smtp-password sync --help | grep -q -- '--then' || fail "the .deb's binary has no sync"
set +e
AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
  /usr/bin/ses-smtp-password keys --user-name smtp --aws-timeout 5 >/dev/null 2>"$work/keys.err"
code=$?
set -e
[ "$code" = 10 ] || fail "the .deb's keys did not reach the aws build (exit $code): $(cat "$work/keys.err")"
for b in /usr/bin/ses-smtp-password /usr/bin/ses-smtp-password-aws; do
  glibc=$(newest_glibc "$b")
  [ "$(printf '%s\n2.28\n' "$glibc" | sort -V | tail -1)" = 2.28 ] ||
    fail "the .deb's $b needs glibc $glibc, newer than 2.28"
done
# The front holds no AWS SDK: less than half the aws build's size.
front_size=$(stat -c %s /usr/bin/ses-smtp-password)
aws_size=$(stat -c %s /usr/bin/ses-smtp-password-aws)
[ $((front_size * 2)) -lt "$aws_size" ] ||
  fail "the .deb's front ($front_size bytes) is not much smaller than its aws build ($aws_size bytes)"
MANPAGER=cat MANWIDTH=80 man -l /usr/share/man/man1/ses-smtp-password.1.gz 2>/dev/null |
  grep -q "sync" || fail "the .deb's man page does not document sync"
# The units where the package put them, as an instance of each template,
# their ExecStart's binary now installed.
mkdir "$work/units"
for kind in service timer; do
  cp "/usr/lib/systemd/system/ses-smtp-password-sync@.$kind" "$work/units/ses-smtp-password-sync@postfix.$kind"
done
(cd "$work/units" && systemd-analyze verify --man=no \
  ./ses-smtp-password-sync@postfix.service ./ses-smtp-password-sync@postfix.timer) ||
  fail "systemd-analyze verify failed on the .deb's units"
grep -q "MIT" /usr/share/doc/ses-smtp-password/copyright || fail "the .deb's copyright has no licence"
check_first_command /usr/bin/ses-smtp-password "the .deb"
MANPAGER=cat MANWIDTH=80 man -l /usr/share/man/man1/ses-smtp-password.1.gz 2>/dev/null |
  grep -q "ses-smtp-password" || fail "the .deb's man page does not open with man -l"
# An interactive bash loads the completion (bash-completion would load it
# on first use; sourcing it is the same file).
bash -i -c 'source /usr/share/bash-completion/completions/ses-smtp-password && complete -p ses-smtp-password' \
  </dev/null 2>/dev/null | grep -q "ses-smtp-password" ||
  fail "the .deb's bash completion does not load in bash -i"
dpkg -r ses-smtp-password >/dev/null
[ ! -e /usr/bin/ses-smtp-password ] || fail "dpkg -r left /usr/bin/ses-smtp-password"
trap 'rm -rf "$work"' EXIT
pass "deb $(basename "$deb"): installed, the front and its aws build (keys reached it; glibc $glibc at most), first command as README shows, man page, bash completion, sync units verified, removed"

# ---- the rotation function's zip -------------------------------------------------
zip="ses-smtp-rotator-v$version-x86_64-lambda.zip"
(cd "$dist" && grep -E "  $zip$" SHA256SUMS | sha256sum --check --quiet) ||
  fail "$zip does not match SHA256SUMS"
# Lambda's provided.al2023 runs the zip's executable `bootstrap`.
python3 - "$dist/$zip" <<'PY' || fail "$zip is not a Lambda provided.al2023 zip holding an executable bootstrap"
import stat, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
assert names == ["bootstrap"], names
mode = z.getinfo("bootstrap").external_attr >> 16
assert mode & stat.S_IXUSR, oct(mode)
PY
pass "zip $zip: checksum, one executable bootstrap"

# ---- what each artifact holds: cargo auditable's list and the SBOMs --------------
# Every binary of every artifact has its crates in its .dep-v0 section, and
# names the derivation's crate there.
mkdir "$work/deb-files" "$work/zip-files"
dpkg-deb -x "$deb" "$work/deb-files"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
  "$dist/$zip" "$work/zip-files"
python3 scripts/check-auditable.py "$installed" "$unpacked/ses-smtp-password" \
  "$work/deb-files/usr/bin/ses-smtp-password" "$work/deb-files/usr/bin/ses-smtp-password-aws" \
  "$work/zip-files/bootstrap" >&2 || fail "a release binary lacks cargo auditable's dependency list"
pass "cargo auditable: the wheel's, the archive's, the .deb's two and the zip's binaries list their crates"
"$venv/bin/python" -c 'import cyclonedx.validation.json' 2>/dev/null ||
  "$venv/bin/pip" install -q -r .ci/dist-requirements.txt
# Each artifact's SBOM: in SHA256SUMS, valid CycloneDX 1.5, and listing
# exactly the crates `cargo tree -e normal` gives for the builds in the
# artifact (scripts/build-tree.sh: the rotation function and the .deb's
# `aws` build come from one cargo run, scripts/build-rotator.sh).
mapfile -t lambda_build < <(bash scripts/build-rotator.sh --with-aws-helper --cargo-args)
tree() { # package, cargo run's packages and features
  bash scripts/build-tree.sh "$1" "$target" "${@:2}"
}
tree ses-smtp-password > "$work/tree-default"
tree ses-smtp-password -p ses-smtp-password --features aws-front > "$work/tree-front"
tree ses-smtp-password "${lambda_build[@]}" > "$work/tree-aws"
tree ses-smtp-rotator "${lambda_build[@]}" > "$work/tree-rotator"
# Each tree is its binary's whole: the function's names the SDK it calls
# through (reached by way of crates the `aws` build's tree shows too).
grep -q '^aws-sdk-secretsmanager ' "$work/tree-rotator" ||
  fail "scripts/build-tree.sh left the AWS SDK out of the rotation function's crates"
check_sbom() { # artifact, cargo tree outputs
  local artifact=$1
  shift
  (cd "$dist" && grep -E "  $artifact\.cdx\.json$" SHA256SUMS | sha256sum --check --quiet) ||
    fail "$artifact.cdx.json is not in SHA256SUMS, or does not match it"
  "$venv/bin/python" scripts/check-sbom.py "$dist/$artifact.cdx.json" "$@" >&2 ||
    fail "$artifact.cdx.json is not the SBOM of its build"
}
check_sbom "$(basename "$wheel")" "$work/tree-default"
check_sbom "$stem.tar.gz" "$work/tree-default"
check_sbom "$(basename "$deb")" "$work/tree-front" "$work/tree-aws"
check_sbom "$zip" "$work/tree-rotator"
# The check can fail: an SBOM of another build, or not CycloneDX, is refused.
if "$venv/bin/python" scripts/check-sbom.py "$dist/$zip.cdx.json" "$work/tree-aws" 2>/dev/null; then
  fail "check-sbom.py passed the rotation function's SBOM for the aws build"
fi
python3 -c 'import json, sys
bom = json.load(open(sys.argv[1]))
bom["components"][0]["scope"] = "sometimes"
json.dump(bom, open(sys.argv[2], "w"))' "$dist/$zip.cdx.json" "$work/broken.cdx.json"
if "$venv/bin/python" scripts/check-sbom.py "$work/broken.cdx.json" "$work/tree-rotator" 2>/dev/null; then
  fail "check-sbom.py passed an SBOM that is not valid CycloneDX"
fi
pass "SBOMs: one per artifact, in SHA256SUMS, valid CycloneDX 1.5, exactly the crates of its build"

# ---- the action's install step --------------------------------------------------
mkdir -p "$work/releases/v$version" "$work/runner"
cp "$dist/$stem.tar.gz" "$dist/SHA256SUMS" "$work/releases/v$version/"
: > "$work/runner/path"
: > "$work/runner/output"
VERSION="v$version" RELEASES_URL="file://$work/releases" RUNNER_TEMP="$work/runner" \
  GITHUB_PATH="$work/runner/path" GITHUB_OUTPUT="$work/runner/output" \
  bash scripts/action-install.sh >/dev/null
action_bin=$(sed -n 's/^path=//p' "$work/runner/output")
[ "$(cat "$work/runner/path")" = "$(dirname "$action_bin")" ] || fail "the action put the wrong folder on PATH"
check_first_command "$action_bin" "the action"
"$action_bin" vectors check crates/ses-smtp-credentials/tests/vectors/*.jsonl >/dev/null ||
  fail "the action's tool failed vectors check on this project's vectors"
# A tampered archive is refused before it is unpacked.
printf 'x' >> "$work/releases/v$version/$stem.tar.gz"
if VERSION="$version" RELEASES_URL="file://$work/releases" RUNNER_TEMP="$work/runner2" \
  bash scripts/action-install.sh >/dev/null 2>"$work/tampered.err"; then
  fail "the action installed an archive that does not match SHA256SUMS"
fi
grep -q "does not match its SHA-256" "$work/tampered.err" || fail "the action's checksum refusal says: $(cat "$work/tampered.err")"
pass "action: installs v$version with its checksum checked, refuses a tampered archive"

# ---- the pre-commit hook ---------------------------------------------------------
repo="$work/hook-user"
mkdir "$repo"
good_line=$(head -1 crates/ses-smtp-credentials/tests/vectors/openssl.jsonl)
printf '%s\n' "$good_line" > "$repo/smtp-vectors.jsonl"
# The same vector with its password's first character changed, on line 2.
bad_line=$(python3 -c 'import json, sys
v = json.loads(sys.argv[1]); p = v["password"]
v["password"] = ("C" if p[0] != "C" else "D") + p[1:]
print(json.dumps(v))' "$good_line")
[ "$bad_line" != "$good_line" ] || fail "could not make a broken vector"
printf '%s\n%s\n' "$good_line" "$bad_line" > "$repo/broken-vectors.jsonl"
(
  cd "$repo"
  git init -q
  git add smtp-vectors.jsonl broken-vectors.jsonl
  export PRE_COMMIT_HOME="$work/pre-commit-home"
  "$venv/bin/pre-commit" try-repo "$root" ses-smtp-vectors --files smtp-vectors.jsonl \
    > "$work/hook-good.log" 2>&1 || { cat "$work/hook-good.log" >&2; fail "the hook failed a good vector file"; }
  if "$venv/bin/pre-commit" try-repo "$root" ses-smtp-vectors --files broken-vectors.jsonl \
    > "$work/hook-bad.log" 2>&1; then
    cat "$work/hook-bad.log" >&2
    fail "the hook passed a broken vector file"
  fi
  grep -q "broken-vectors.jsonl:2: FAILED" "$work/hook-bad.log" ||
    { cat "$work/hook-bad.log" >&2; fail "the hook's failure does not name the line"; }
)
pass "pre-commit hook ses-smtp-vectors: a good file passes, a broken one fails naming broken-vectors.jsonl:2"

# ---- actionlint ---------------------------------------------------------------------
"$venv/bin/actionlint" .github/workflows/release.yml .ci/action-usage.yml
pass "actionlint: the release workflow and a use of action.yml"

# ---- zizmor ---------------------------------------------------------------------------
# No finding at its default level: actions pinned by commit, least
# permissions, no persisted checkout credentials, no template injection.
# (--offline: the audits that ask GitHub's API need a token and a network.)
[ -x "$venv/bin/zizmor" ] || "$venv/bin/pip" install -q -r .ci/dist-requirements.txt
"$venv/bin/zizmor" --offline .github/workflows/ action.yml
pass "zizmor: the workflows and action.yml"
