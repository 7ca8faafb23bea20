#!/usr/bin/env python3
"""Checks a release artifact's CycloneDX SBOM (scripts/sbom.sh wrote it).

    check-sbom.py SBOM TREE [TREE ...]

SBOM must be valid against the CycloneDX 1.5 JSON schema (the validator
of cyclonedx-python-lib, PyPI, in .venv-dist), every component must have a
version and a licence, and the components must be exactly the crates of
the TREEs (the output of `cargo tree -e normal --prefix none --format '{p}'`
for each binary in the artifact), each with its version. Exit 1, naming what is
wrong, otherwise.
"""
import json
import sys

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator


def fail(message):
    print(f"check-sbom: {message}", file=sys.stderr)
    sys.exit(1)


def main(argv):
    if len(argv) < 3:
        fail("usage: check-sbom.py SBOM TREE [TREE ...]")
    path = argv[1]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    bom = json.loads(text)
    if bom.get("specVersion") != "1.5":
        fail(f"{path}: specVersion {bom.get('specVersion')!r}, expected '1.5'")
    error = JsonStrictValidator(SchemaVersion.V1_5).validate_str(text)
    if error is not None:
        fail(f"{path}: not valid CycloneDX 1.5: {error}")

    components = bom.get("components", [])
    listed = set()
    for component in components:
        name = component.get("name")
        if not component.get("version"):
            fail(f"{path}: component {name} has no version")
        if not component.get("licenses"):
            fail(f"{path}: component {name} {component['version']} has no licence")
        listed.add((name, component["version"]))
    # The artifact's own package is the SBOM's subject, not a component.
    subject = bom["metadata"]["component"]
    listed.add((subject["name"], subject["version"]))

    wanted = set()
    for tree in argv[2:]:
        with open(tree, encoding="utf-8") as f:
            for line in f:
                words = line.split()
                if len(words) < 2 or not words[1].startswith("v"):
                    continue
                wanted.add((words[0], words[1][1:]))
    if not wanted:
        fail(f"{' '.join(argv[2:])}: no crate read from cargo tree's output")
    missing = sorted(wanted - listed)
    if missing:
        shown = ", ".join(f"{n} {v}" for n, v in missing)
        fail(f"{path}: {len(missing)} crate(s) of the build are not in it: {shown}")
    extra = sorted(listed - wanted)
    if extra:
        shown = ", ".join(f"{n} {v}" for n, v in extra)
        fail(f"{path}: {len(extra)} crate(s) it lists are not in the build: {shown}")
    print(f"{path}: valid CycloneDX 1.5, {len(components)} components, "
          f"exactly the build's {len(wanted)} crates")


if __name__ == "__main__":
    main(sys.argv)
