#!/usr/bin/env python3
"""Prints every AWS region code that botocore's partition data lists, one a
line, after a header naming the botocore version it came from. CI diffs the
output against crates/ses-smtp-credentials/src/aws_regions.txt, which the
tool uses to know which codes are real AWS regions (no "did you mean" for
them). Run with the Python that has botocore (moto's virtual environment):

    .venv/bin/python scripts/aws-regions.py > crates/ses-smtp-credentials/src/aws_regions.txt
"""
import json
import os

import botocore

data = os.path.join(os.path.dirname(botocore.__file__), "data", "partitions.json")
with open(data, encoding="utf-8") as f:
    partitions = json.load(f)["partitions"]
codes = sorted(
    code
    for p in partitions
    for code in p.get("regions", {})
    if not code.endswith("-global")
)
print(f"# AWS region codes: botocore {botocore.__version__}, data/partitions.json (Apache-2.0)")
for code in codes:
    print(code)
