#!/usr/bin/env bash
# Checks deploy/systemd's units (copied to /etc/systemd/system, or
# installed by the Debian package; scripts/dist-check.sh verifies them
# there too):
# `systemd-analyze verify` on an instance of each template (no man page
# lookup), and the service's ExecStart line run with
# a stand-in binary, so that the arguments of a sample
# /etc/ses-smtp-password/sync/INSTANCE.conf, shell quoting included, reach
# `sync` as the words they are. Needs systemd-analyze (Debian's systemd).
set -euo pipefail
cd "$(dirname "$0")/.."
units=deploy/systemd
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for kind in service timer; do
  cp "$units/ses-smtp-password-sync@.$kind" "$work/ses-smtp-password-sync@postfix.$kind"
done
(cd "$work" && systemd-analyze verify --man=no \
  ./ses-smtp-password-sync@postfix.service ./ses-smtp-password-sync@postfix.timer)

# The ExecStart line, with the binary replaced by one that prints its
# arguments one a line.
exec_start=$(sed -n 's/^ExecStart=//p' "$units/ses-smtp-password-sync@.service")
stub="$work/ses-smtp-password"
printf '#!/bin/sh\nfor a in "$@"; do printf "%%s\\n" "$a"; done\n' > "$stub"
chmod 755 "$stub"
command=$(printf '%s' "$exec_start" | sed "s|/usr/bin/ses-smtp-password|$stub|")
SYNC_ARGS="--from secretsmanager:prod/smtp --out /etc/postfix/sasl_passwd --then 'postmap /etc/postfix/sasl_passwd && postfix reload'"
export SYNC_ARGS
got=$(eval "$command")
want=$(printf '%s\n' sync --from secretsmanager:prod/smtp --out /etc/postfix/sasl_passwd --then 'postmap /etc/postfix/sasl_passwd && postfix reload')
if [ "$got" != "$want" ]; then
  printf 'the unit passes these arguments:\n%s\nnot:\n%s\n' "$got" "$want" >&2
  exit 1
fi
echo "systemd units: verified; ExecStart passes the .conf's arguments as written"
