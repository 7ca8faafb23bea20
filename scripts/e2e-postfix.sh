#!/usr/bin/env bash
# End to end with a real mail server (tests/e2e_postfix): Debian's Postfix
# relays through the test's SMTP server (as SES, checking keys moto issued),
# `sync --then 'postmap … && postfix reload'` keeps its password map, and
# the built ses-smtp-rotator rotates the secret five times under a loopback
# Lambda Runtime API, the guard stopping the one that would delete the key
# Postfix still uses.
#
# Needs root, Debian's postfix and libsasl2-modules (.ci/run installs them),
# and moto in .venv (as `cargo test --features aws`). The test's Postfix is
# an instance of its own in a temporary folder, listening on no port: the
# machine's Postfix, if any, is not touched. Prints how long it took, and
# fails if anything of the run is left running.
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "e2e-postfix: $*" >&2; exit 1; }

started=$(date +%s)
[ "$(id -u)" = 0 ] || fail "needs root: Postfix's daemons run as the postfix user"
for p in postfix postconf postmap postqueue sendmail; do
  PATH="$PATH:/usr/sbin:/sbin" command -v "$p" >/dev/null ||
    fail "needs Postfix's $p: apt-get install postfix libsasl2-modules"
done
# Postfix's SMTP client needs Cyrus SASL's PLAIN/LOGIN modules for AUTH
# (the postfix package only suggests them).
compgen -G '/usr/lib/*/sasl2/libplain.so*' >/dev/null ||
  fail "needs the SASL modules Postfix's AUTH uses: apt-get install libsasl2-modules"

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
SES_SMTP_E2E_DIR=$dir MOTO_SERVER=${MOTO_SERVER:-$PWD/.venv/bin/moto_server} \
  cargo test --locked --features e2e-postfix --test e2e_postfix -- --nocapture

# Nothing of the run is left: no Postfix daemon of its instance (each has
# MAIL_CONFIG=$dir/etc in its environment), no rotation function.
left=$(grep -lsx "MAIL_CONFIG=$dir/etc" --null-data /proc/[0-9]*/environ || true)
[ -z "$left" ] || fail "left running: $left"
# (A process name is cut to 15 characters.)
! pgrep -x ses-smtp-rotato >/dev/null || fail "a ses-smtp-rotator is left running"
echo "e2e-postfix: passed in $(($(date +%s) - started)) s"
