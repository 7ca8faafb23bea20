#!/usr/bin/env bash
# Independent V4 vectors made with the openssl command line (no Python, no
# code of ours). Run from the repository root:
#   bash crates/ses-smtp-credentials/tests/vectors/openssl_vectors.sh > crates/ses-smtp-credentials/tests/vectors/openssl.jsonl
set -euo pipefail
secret='pQ3/rS4+tU5vW6xY7zA8bC9dE0fG1hI2jK3lM4nO'
mac() { # mac HEXKEY MESSAGE -> hex
  printf '%s' "$2" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$1" -binary | xxd -p -c 256
}
for region in eu-central-1 ap-southeast-2 us-gov-west-1; do
  k=$(printf 'AWS4%s' "$secret" | xxd -p -c 256)
  for part in 11111111 "$region" ses aws4_request SendRawEmail; do
    k=$(mac "$k" "$part")
  done
  password=$( (printf '\004'; printf '%s' "$k" | xxd -r -p) | base64 -w0)
  printf '{"name": "openssl %s", "secret": "%s", "region": "%s", "version": 4, "password": "%s"}\n' \
    "$region" "$secret" "$region" "$password"
done
