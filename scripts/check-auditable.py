#!/usr/bin/env python3
"""Checks that release binaries carry cargo auditable's dependency list.

    check-auditable.py BINARY [BINARY ...]

Each BINARY (ELF) must have the `.dep-v0` section cargo auditable embeds:
zlib-compressed JSON whose `packages` name every crate in the binary. It
must list ses-smtp-credentials (the derivation every binary holds). Prints
each binary's crate count; exit 1, naming what is wrong, otherwise.
Standard library only.
"""
import json
import struct
import sys
import zlib


def fail(message):
    print(f"check-auditable: {message}", file=sys.stderr)
    sys.exit(1)


def section(path, wanted):
    """The bytes of the ELF64 little-endian section named `wanted`, or None."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        fail(f"{path}: not a 64-bit little-endian ELF file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)

    def header(i):
        base = shoff + i * shentsize
        name, = struct.unpack_from("<I", data, base)
        offset, size = struct.unpack_from("<QQ", data, base + 0x18)
        return name, offset, size

    _, names_at, _ = header(shstrndx)
    for i in range(shnum):
        name, offset, size = header(i)
        end = data.index(b"\0", names_at + name)
        if data[names_at + name:end].decode() == wanted:
            return data[offset:offset + size]
    return None


def main(paths):
    if not paths:
        fail("usage: check-auditable.py BINARY [BINARY ...]")
    for path in paths:
        raw = section(path, ".dep-v0")
        if raw is None:
            fail(f"{path}: no .dep-v0 section (not built with cargo auditable)")
        packages = json.loads(zlib.decompress(raw))["packages"]
        names = {p["name"] for p in packages}
        if "ses-smtp-credentials" not in names:
            fail(f"{path}: .dep-v0 does not list ses-smtp-credentials")
        root = [p["name"] for p in packages if p.get("root")]
        print(f"{path}: .dep-v0 lists {len(packages)} crates (root {', '.join(root)})")


if __name__ == "__main__":
    main(sys.argv[1:])
