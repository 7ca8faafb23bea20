#!/usr/bin/env python3
"""The documented SES SMTP password algorithm in Python's standard library,
written the way AWS's published script does it: the comparison point for
scripts/perf-report.sh.

    printf '%s' "$SECRET" | python3 scripts/reference.py derive us-east-1
    python3 scripts/reference.py check vectors.jsonl
"""
import hmac
import json
import os
import sys


# The algorithm itself is the one that made crates/ses-smtp-credentials/tests/vectors/regions.jsonl.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "ses-smtp-credentials", "tests", "vectors"))
from make_region_vectors import v2, v4  # noqa: E402


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
