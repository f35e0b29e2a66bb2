#!/usr/bin/env python3
"""Writes a deterministic DR1 draw input (JSON) for benchmarks to stdout.

    python3 scripts/bench_input.py N [--strata 4] [--inspectors 40] [--seed S]

The input mimics a large joint inspection (部门联合抽查):
- N pool entries with unique 18-character unified social credit codes
  (GB 32100 alphabet and a correct check character);
- strata A-D (credit-risk classes) split 40/35/18/7 %, with ratios
  A:100 B:200 C:500 D:1000 basis points (riskier enterprises are drawn more often);
- team_size 2, departments ["swj-sctx", "scjgj"], the inspectors split evenly between them;
- about N/5000 conflicts (at most one per enterprise, so refusal 6 cannot occur);
- max_per_inspector 0 (no cap);
- a secret derived from the seed, its correct commitment and 20 dice digits of entropy.

Same arguments, same bytes. Python 3 standard library only.
"""

import argparse
import hashlib
import json
import random
import sys

# GB 32100-2015: the 31 characters (no I, O, S, V, Z) and the weights of positions 1-17.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
VALUE = {c: i for i, c in enumerate(ALPHABET)}

STRATA = ["A", "B", "C", "D"]
SHARES = [40, 35, 18, 7]  # percent of the pool per stratum
RATIOS_BP = [100, 200, 500, 1000]
DEPARTMENTS = ["swj-sctx", "scjgj"]
TEAM_SIZE = 2

# Administrative division codes (Hebei, Handan city and its districts/counties).
REGIONS = [
    "130400", "130402", "130403", "130404", "130406", "130407", "130408",
    "130423", "130424", "130425", "130426", "130427", "130430", "130431",
    "130432", "130433", "130434", "130435", "130481",
]
# 3**18 is coprime with 10**9: i -> (i * MULT + offset) mod 10**9 never repeats for i < 10**9.
MULT = 387_420_489
ORG_SPACE = 10**9


def check_character(first17):
    total = sum(VALUE[c] * w for c, w in zip(first17, WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def make_codes(n, rng, offset):
    """n unique credit codes: 91 (enterprise) + division + 9-digit organisation code + check."""
    # Partial check sums of the fixed prefixes, so each code costs 9 multiplications.
    prefix_sums = []
    for region in REGIONS:
        head = "91" + region
        prefix_sums.append((head, sum(VALUE[c] * w for c, w in zip(head, WEIGHTS))))
    tail_weights = WEIGHTS[8:]
    codes = []
    for i in range(n):
        head, head_sum = prefix_sums[rng.randrange(len(REGIONS))]
        org = "%09d" % ((i * MULT + offset) % ORG_SPACE)
        total = head_sum + sum((ord(c) - 48) * w for c, w in zip(org, tail_weights))
        codes.append(head + org + ALPHABET[(31 - total % 31) % 31])
    assert not codes or codes[0][17] == check_character(codes[0][:17])
    return codes


def stratum_counts(n, k):
    shares = SHARES[:k]
    scale = sum(shares)
    counts = [n * s // scale for s in shares]
    counts[0] += n - sum(counts)  # rounding remainder to the first (largest) stratum
    return counts


def build(n, strata, n_inspectors, seed):
    rng = random.Random(seed)
    offset = rng.randrange(ORG_SPACE)
    codes = make_codes(n, rng, offset)
    labels = []
    for label, count in zip(STRATA, stratum_counts(n, strata)):
        labels.extend([label] * count)
    rng.shuffle(labels)

    # Certificate numbers: 12 digits, unique (sampled without replacement).
    numbers = rng.sample(range(10**8), n_inspectors)
    inspectors = [
        {"id": "1304%08d" % num, "department": DEPARTMENTS[i % len(DEPARTMENTS)]}
        for i, num in enumerate(numbers)
    ]

    # About N/5000 conflicts, on distinct enterprises: one conflict per enterprise leaves at
    # least one inspector of each department and >= team_size inspectors (refusal 6 avoided).
    n_conflicts = min(n, n // 5000)
    conflicts = [
        {"entity": codes[e], "inspector": inspectors[rng.randrange(n_inspectors)]["id"]}
        for e in sorted(rng.sample(range(n), n_conflicts))
    ]

    secret = hashlib.sha256(("shuangsui-bench-secret:%d" % seed).encode()).digest()
    entropy = " ".join(str(rng.randint(1, 6)) for _ in range(20))
    head = {
        "task_id": "2025001-001",
        "ratios_bp": dict(zip(STRATA[:strata], RATIOS_BP[:strata])),
        "team_size": TEAM_SIZE,
        "departments": DEPARTMENTS,
        "inspectors": inspectors,
        "conflicts": conflicts,
        "max_per_inspector": 0,
        "commitment": hashlib.sha256(secret).hexdigest(),
        "secret": secret.hex(),
        "public_entropy": entropy,
    }
    return codes, labels, head


def write(out, codes, labels, head):
    out.write('{\n "task_id": %s,\n "pool": [\n' % json.dumps(head["task_id"]))
    last = len(codes) - 1
    out.write("".join(
        '  {"code":"%s","stratum":"%s"}%s\n' % (c, s, "," if i < last else "")
        for i, (c, s) in enumerate(zip(codes, labels))
    ))
    out.write(" ]")
    for key, value in head.items():
        if key == "task_id":
            continue
        out.write(",\n %s: %s" % (json.dumps(key), json.dumps(value, ensure_ascii=False)))
    out.write("\n}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="pool size")
    parser.add_argument("--strata", type=int, default=4, help="number of strata, 1-4 (default 4)")
    parser.add_argument("--inspectors", type=int, default=40, help="inspectors, >= 4 (default 40)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    args = parser.parse_args()
    if args.n < 1:
        parser.error("N must be at least 1")
    if not 1 <= args.strata <= len(STRATA):
        parser.error("--strata must be between 1 and %d" % len(STRATA))
    if args.inspectors < 2 * len(DEPARTMENTS):
        parser.error("--inspectors must be at least %d (two per department)" % (2 * len(DEPARTMENTS)))
    if args.n >= ORG_SPACE:
        parser.error("N too large")
    codes, labels, head = build(args.n, args.strata, args.inspectors, args.seed)
    write(sys.stdout, codes, labels, head)


if __name__ == "__main__":
    main()
