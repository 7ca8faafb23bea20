#!/usr/bin/env python3
"""Keeps in a CycloneDX SBOM only the crates one build holds.

    sbom-prune.py SBOM TREE

cargo cyclonedx (like cargo auditable) reads `cargo metadata`, which
resolves the features of the whole workspace at once: the rotation
function turns on the AWS SDK of `ses-smtp-rotation`, so the SBOM of the
default build (which has no SDK) would list the SDK's crates too. TREE is
`cargo tree -e normal --prefix none --format '{p}'` for the build itself
(cargo resolves the features of only the packages it builds): the
components not in it, and their dependency entries, are removed, in place.
Standard library only.
"""
import json
import sys


def main(path, tree):
    keep = set()
    with open(tree, encoding="utf-8") as f:
        for line in f:
            words = line.split()
            if len(words) >= 2 and words[1].startswith("v"):
                keep.add((words[0], words[1][1:]))
    if not keep:
        sys.exit(f"sbom-prune: {tree}: no crate read from cargo tree's output")
    with open(path, encoding="utf-8") as f:
        bom = json.load(f)
    bom["components"] = [
        c for c in bom.get("components", []) if (c["name"], c["version"]) in keep
    ]
    # A dependency entry names a package by its bom-ref: `SOURCE#NAME@VERSION`.
    def kept(ref):
        name, _, version = ref.rsplit("#", 1)[-1].partition("@")
        return (name, version) in keep

    bom["dependencies"] = [
        {**d, "dependsOn": [r for r in d.get("dependsOn", []) if kept(r)]}
        for d in bom.get("dependencies", [])
        if kept(d["ref"])
    ]
    with open(path, "w", encoding="utf-8") as f:
        json.dump(bom, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: sbom-prune.py SBOM TREE")
    main(sys.argv[1], sys.argv[2])
