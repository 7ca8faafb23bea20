#!/usr/bin/env python3
"""Independent SES SMTP password vectors for every SMTP region in the table.

Uses only Python's standard library (hmac, hashlib, base64): no code of
ses-smtp-password is involved. Run from the repository root:

    python3 tests/vectors/make_region_vectors.py > tests/vectors/regions.jsonl
"""
import base64
import hashlib
import hmac
import json

# The SMTP regions of src/region/table.rs, typed out again here on purpose.
REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1",
    "sa-east-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
    "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2",
    "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "us-gov-west-1",
    "us-gov-east-1",
]

# Regions derived only through --allow-unknown-region: one outside the table,
# and one the table lists without SMTP (AWS's own credential script lists it).
OUTSIDE_TABLE = ["ap-southeast-7", "eu-south-1"]

# The AWS documentation example secret, and a made-up one with + and /.
SECRETS = [
    ("aws-example", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("made-up", "Zq9+/0aB1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV/+"),
]


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
    for label, secret in SECRETS:
        for region in REGIONS + (OUTSIDE_TABLE if label == "aws-example" else []):
            print(json.dumps({"name": f"python-hmac {label} {region}", "secret": secret,
                              "region": region, "version": 4, "password": v4(secret, region)}))
        print(json.dumps({"name": f"python-hmac {label} v2", "secret": secret,
                          "version": 2, "password": v2(secret)}))


if __name__ == "__main__":
    main()
