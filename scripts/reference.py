#!/usr/bin/env python3
"""The documented SES SMTP password algorithm in Python's standard library,
written the way AWS's published script does it: the comparison point for
scripts/perf-report.sh.

    printf '%s' "$SECRET" | python3 scripts/reference.py derive us-east-1
    python3 scripts/reference.py check vectors.jsonl
"""
import base64
import hashlib
import hmac
import json
import sys


def sign(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def v4(secret, region):
    k = sign(("AWS4" + secret).encode("utf-8"), "11111111")
    for part in (region, "ses", "aws4_request", "SendRawEmail"):
        k = sign(k, part)
    return base64.b64encode(b"\x04" + k).decode("ascii")


def v2(secret):
    return base64.b64encode(b"\x02" + sign(secret.encode("utf-8"), "SendRawEmail")).decode("ascii")


def main():
    if sys.argv[1] == "derive":
        print(v4(sys.stdin.read().strip(), sys.argv[2]))
        return 0
    passed = failed = 0
    with open(sys.argv[2], encoding="utf-8") as f:
        for line in f:
            v = json.loads(line)
            got = v4(v["secret"], v["region"]) if v["version"] == 4 else v2(v["secret"])
            if hmac.compare_digest(got, v["password"]):
                passed += 1
            else:
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


sys.exit(main())
