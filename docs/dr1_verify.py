"""Re-verify a DR1 draw (spec/draw-protocol.md), stdlib only: python3 dr1_verify.py MANIFEST.json"""
import collections, hashlib, json, re, sys

def need(ok, why):  # a refusal: say why and exit 2
    if not ok: print("refused:", why); sys.exit(2)
def H(s): return hashlib.sha256(s.encode()).hexdigest()
def ident(s): return isinstance(s, str) and re.fullmatch("[!-~]{1,64}", s) is not None
def integer(v, lo, hi=None): return type(v) is int and v >= lo and (hi is None or v <= hi)  # no float/bool
def quota(n, bp): return 0 if n == 0 or bp == 0 else min(n, max(1, (n * bp + 9999) // 10000))
def no_dup_keys(pairs): need(len({k for k, _ in pairs}) == len(pairs), "duplicate JSON key"); return dict(pairs)

def derive(m):  # refusals 1-7, derived fields 1-9 from the inputs only -> the first differing field or None
    T, cap, deps, ratios = m["team_size"], m["max_per_inspector"], m["departments"], m["ratios_bp"]
    pool, dept = {e["code"]: e["stratum"] for e in m["pool"]}, {i["id"]: i["department"] for i in m["inspectors"]}
    bad = collections.defaultdict(set)  # entity -> inspectors in conflict with it (absent ids never matter)
    for c in m["conflicts"]: bad[c["entity"]].add(c["inspector"])
    ids = [m["task_id"], *pool, *pool.values(), *ratios, *dept, *dept.values(), *bad, *set().union(*bad.values())]
    need(type(deps) is list and all(map(ident, ids + deps)), "an identifier breaks the identifier rule")
    need(len(pool) == len(m["pool"]) and len(dept) == len(m["inspectors"]), "duplicate entity code or inspector id")
    need(len(set(deps)) == len(deps), "a department is listed twice")
    need(pool and all(s in ratios for s in pool.values()), "the pool is empty or a pool stratum has no ratio")
    need(all(integer(v, 0, 10000) for v in ratios.values()), "a ratio is not an integer 0..10000")
    need(integer(T, 2) and integer(cap, 0) and len(deps) <= T, "bad team_size, max_per_inspector or departments")
    need(all(re.fullmatch("[0-9a-f]{64}", m[k]) for k in ("secret", "commitment")), "secret/commitment not hex")
    commitment = hashlib.sha256(bytes.fromhex(m["secret"])).hexdigest()  # of the 32 raw bytes
    need(commitment == m["commitment"], "SHA-256 of the secret is not the commitment")
    entropy = re.sub("[ \t\n\r]", "", m["public_entropy"])
    need(re.fullmatch("[!-~]{1,256}", entropy), "entropy empty, over 256 characters or not printable ASCII")
    for code, free in ((c, dept.keys() - bad[c]) for c in pool):  # refusal 6, ignoring the cap
        need(len(free) >= T and {dept[i] for i in free} >= set(deps), "no full team possible for " + code)
    digest = H("".join(c + "\t" + pool[c] + "\n" for c in sorted(pool)))
    seed = H("DR1\n" + m["task_id"] + "\n" + digest + "\n" + m["secret"] + "\n" + entropy + "\n")
    key = {c: H(seed + "\nentity\n" + c) for c in pool}
    by_key = lambda c: (key[c], c)  # smallest key first, ties by code
    strata = {s: sorted((c for c in pool if pool[c] == s), key=by_key) for s in ratios}
    chosen = sorted((c for s, bp in ratios.items() for c in strata[s][:quota(len(strata[s]), bp)]), key=by_key)
    top = {"protocol": "DR1", "pool_digest": digest, "commitment": commitment, "seed": seed}
    sel = [{"code": c, "stratum": pool[c], "key": key[c]} for c in chosen]  # teams are added below
    if "seed" in m and (early := first_diff(m, top, selected=sel)): return early  # a recorded draw differs
    load, teams, lifted, recused, recs = {i: 0 for i in dept}, {}, {}, {}, []
    def walk(code, start, skip):  # the walk under the cap, else again ignoring it -> (team, met, cap_lifted)
        for capped in (True, False):
            team, met, uncovered = list(start), [], set(deps) - {dept[i] for i in start}
            for i in sorted(dept, key=lambda i: (H(seed + "\ninspector\n" + code + "\n" + i), i)):  # ranking
                if len(team) == T: break
                if i in team: continue
                if i in skip: met.append(i); continue  # a conflict (recorded as "pre" by the first walks only)
                if capped and cap and load[i] >= cap: continue
                if dept[i] in uncovered or T - len(team) > len(uncovered): team.append(i); uncovered.discard(dept[i])
            if len(team) == T and not uncovered: return team, met, not capped
        need(False, "post recusal: the team of " + code + " cannot be completed even ignoring the cap")
    for c in chosen:
        teams[c], met, lifted[c] = walk(c, [], bad[c])
        recs += [{"entity": c, "inspector": i, "stage": "pre"} for i in met]
        for i in teams[c]: load[i] += 1
    for c, i in ((p["entity"], p["inspector"]) for p in m.get("post_recusals") or []):
        need(c in teams and i in teams[c], "post recusal: entity not selected or inspector not on its team")
        teams[c].remove(i); load[i] -= 1; recused.setdefault(c, []).append(i)
        teams[c], _, lift = walk(c, teams[c], bad[c] | set(recused[c]))
        lifted[c] |= lift; load[teams[c][-1]] += 1; recs.append({"entity": c, "inspector": i, "stage": "post"})
    for c, s in zip(chosen, sel): s.update(inspectors=teams[c], cap_lifted=lifted[c], recused=recused.get(c, []))
    return first_diff(m, top, selected=sel, recusals=recs)

def first_diff(m, top, **tables):  # name of the first derived field that differs from the manifest's, or None
    same = lambda a, b: json.dumps(a) == json.dumps(b)  # exact: true != 1, list order matters
    for k in (k for k in top if not same(top[k], m.get(k))): return k
    for name, mine in tables.items():
        if type(m.get(name)) is not list or len(m[name]) != len(mine): return name
        for n, (a, b) in enumerate(zip(mine, m[name])):
            for k in (k for k in a if not same(a[k], b.get(k, [] if k == "recused" else None))):
                return f"{name}[{n}].{k}"
if __name__ == "__main__":  # prints valid (exit 0), invalid: FIELD (exit 1) or refused: WHY (exit 2)
    need(len(sys.argv) == 2, "usage: python3 dr1_verify.py MANIFEST.json")
    try:
        m = json.load(open(sys.argv[1], encoding="utf-8"), object_pairs_hook=no_dup_keys,
                      parse_constant=lambda s: need(False, "not a JSON number: " + s))
        field = derive(m)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e: need(False, f"malformed manifest ({e!r})")
    print("invalid: " + field if field else "valid"); sys.exit(1 if field else 0)
