"""Check a draw's public summary against its manifest and stratum salts, stdlib only.

    python3 stratum_digests.py MANIFEST.json SALTS.json SUMMARY.json

What an observer holding the manifest and the salts does after `dr1_verify.py` says the
manifest is valid (docs/verify.md, "What it cannot check, and why"): recompute each
stratum's count and salted digest, H(salt + "\\n" + the stratum's lines sorted by code,
each `code + "\\t" + stratum + "\\n"`), and compare them, and the public fields, with
the published summary. Written from the documentation, not from the Rust code.
Prints "valid" (exit 0) or "invalid: WHY" (exit 1).
"""
import hashlib
import json
import sys


def H(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def differences(manifest, salts, summary):
    """Every way the summary does not follow from the manifest and salts."""
    out = []
    strata = {}
    for entry in manifest["pool"]:
        strata.setdefault(entry["stratum"], []).append(entry["code"])
    published = {s["stratum"]: s for s in summary["strata"]}
    if set(published) != set(strata):
        out.append(f"strata {sorted(published)} published, {sorted(strata)} in the pool")
    if len(strata) > 1 and set(salts) != set(strata):
        out.append(f"salts for {sorted(salts)}, strata {sorted(strata)}")
    for stratum, codes in sorted(strata.items()):
        lines = "".join(f"{code}\t{stratum}\n" for code in sorted(codes))
        salt = salts.get(stratum)
        digest = H(salt + "\n" + lines) if salt is not None else H(lines)
        shown = published.get(stratum)
        if shown is None:
            continue
        if shown["count"] != len(codes):
            out.append(f"stratum {stratum}: {shown['count']} published, {len(codes)} in the pool")
        if shown["digest"] != digest:
            out.append(f"stratum {stratum}: digest {shown['digest']} published, {digest} computed")
        if bool(shown.get("salted", False)) != (salt is not None):
            out.append(f"stratum {stratum}: salted flag")
    if summary["pool_count"] != len(manifest["pool"]):
        out.append("pool_count")
    for field in ("task_id", "pool_digest", "commitment", "secret", "public_entropy", "seed", "ratios_bp"):
        if summary.get(field) != manifest.get(field):
            out.append(field)
    mine = [(s["code"], s["key"]) for s in manifest["selected"]]
    theirs = [(s["code"], s["key"]) for s in summary["selected"]]
    if mine != theirs:
        out.append("selected")
    return out


def main(argv):
    if len(argv) != 4:
        print("usage: python3 stratum_digests.py MANIFEST.json SALTS.json SUMMARY.json")
        return 2
    manifest, salts, summary = (json.load(open(p, encoding="utf-8")) for p in argv[1:])
    found = differences(manifest, salts, summary)
    print("invalid: " + "; ".join(found) if found else "valid")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
