#!/usr/bin/env python3
"""Counts the SHA-256 compressions a DR1 draw requires, from its input and manifest.

    python3 scripts/dr1_compressions.py INPUT.json MANIFEST.json

Prints one integer. A compression processes one 64-byte block; a message of n bytes
takes ceil((n + 9) / 64) of them (the padding adds at least 9 bytes). Counted:
- the commitment (SHA-256 of the 32 secret bytes) and the seed;
- the pool digest over the lines `code + TAB + stratum + LF` of the whole pool;
- one key per pool entity in a stratum with a non-zero quota (`seed + "\\nentity\\n" + code`)
  and one per selected entity and inspector (`seed + "\\ninspector\\n" + code + "\\n" + id`).
  A key's seed is 64 hex bytes, exactly one block, the same for every key: its state is
  computed once, so a key costs the blocks of its tail alone (one while the tail, with
  its padding, fits 64 bytes: up to 55 bytes; two beyond).
Python 3 standard library only.
"""

import json
import sys


def blocks(n):
    """Compressions for a message of n bytes."""
    return (n + 9 + 63) // 64


def keyed(tail):
    """Compressions for a key `seed + tail`, the seed's block computed once for all keys."""
    return blocks(64 + tail) - 1


def count(inp, manifest):
    pool = inp["pool"]
    members = {}
    for p in pool:
        members[p["stratum"]] = members.get(p["stratum"], 0) + 1
    keyed_strata = {s for s, n in members.items() if n > 0 and inp["ratios_bp"].get(s, 0) > 0}
    enc = lambda s: len(s.encode())
    total = 1  # the commitment: 32 bytes
    entropy = "".join(c for c in inp["public_entropy"] if c not in " \t\n\r")
    total += blocks(len("DR1\n") + enc(inp["task_id"]) + 1 + 64 + 1 + 64 + 1 + enc(entropy) + 1)
    total += blocks(sum(enc(p["code"]) + enc(p["stratum"]) + 2 for p in pool))
    total += sum(keyed(8 + enc(p["code"])) for p in pool if p["stratum"] in keyed_strata)
    ids = [enc(i["id"]) for i in inp["inspectors"]]
    total += sum(keyed(11 + enc(s["code"]) + 1 + i) for s in manifest["selected"] for i in ids)
    return total


def main():
    with open(sys.argv[1]) as f:
        inp = json.load(f)
    with open(sys.argv[2]) as f:
        manifest = json.load(f)
    print(count(inp, manifest))


if __name__ == "__main__":
    main()
