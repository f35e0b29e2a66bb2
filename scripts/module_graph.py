#!/usr/bin/env python3
"""Which files of a Rust crate import which, and whether any import each other in a ring.

    python3 scripts/module_graph.py [--dot] [CRATE_SRC ...]   (default: app/src server/src dr1/src)

For every .rs file it collects the paths it names (`use` trees, and `crate::`, `super::`,
`self::` paths anywhere in its code; comments, literals and test modules left out), resolves
each to the file that defines the longest module prefix, and prints the rings (strongly
connected groups of two or more files). Exit 1 when there is one. Declaring a child
module (`mod x;`) is not an import; naming an item of it is.
"""
import os
import re
import sys

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def module_files(src):
    """{module path tuple: file} for every file of a crate's src folder."""
    mods = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(root, f), src)
            parts = rel[:-3].split(os.sep)
            if parts[-1] in ("mod", "lib", "main"):
                parts = parts[:-1]
            # main.rs and lib.rs are both roots of the package; keep lib.rs as the root.
            if rel == "main.rs" and os.path.exists(os.path.join(src, "lib.rs")):
                parts = ["<main>"]
            mods[tuple(parts)] = os.path.join(src, rel)
    return mods


def strip(text):
    """`text` without comments, string literals (raw ones too) or char literals."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif c == "r" and re.match(r'r#*"', text[i:]) and not re.match(r"\w", text[i - 1 : i] or " "):
            hashes = re.match(r"r(#*)\"", text[i:]).group(1)
            j = text.find('"' + hashes, i + 2 + len(hashes))
            out.append('""')
            i = n if j < 0 else j + 1 + len(hashes)
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""')
            i = j + 1
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i : i + 4] + "   "):
            m = re.match(r"'(\\[^']*|[^\\'])'", text[i:])
            i += len(m.group(0)) if m else 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def code_of(path):
    """A file's code without comments, literals or `#[cfg(test)] mod … { … }` blocks."""
    text = strip(open(path, encoding="utf-8").read())
    while True:
        m = re.search(r"#\[cfg\(test\)\]\s*(pub\s+)?mod\s+\w+\s*\{", text)
        if not m:
            return text
        depth, i = 0, m.end() - 1
        while i < len(text):
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
            if depth == 0:
                break
        text = text[: m.start()] + text[i:]


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']."""
    tree = re.sub(r"\s+", "", tree)
    out = []

    def walk(prefix, s):
        depth, start, parts = 0, 0, []
        for i, ch in enumerate(s):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif ch == "," and depth == 0:
                parts.append(s[start:i])
                start = i + 1
        parts.append(s[start:])
        for p in parts:
            if not p:
                continue
            if "{" in p:
                head, rest = p.split("{", 1)
                walk(prefix + head, rest[: rest.rfind("}")])
            else:
                out.append(prefix + re.sub(r"\bas\b.*$", "", p.replace("as", " as ")).strip())

    walk("", tree)
    return out


def paths_in(code):
    paths = []
    for m in re.finditer(r"\buse\s+([^;]+);", code):
        paths.extend(expand_use(m.group(1)))
    paths.extend(re.findall(rf"\b(?:crate|super|self)(?:::{IDENT})+", code))
    return paths


def resolve(path, here, mods):
    """The module (tuple) that `path`, written in module `here`, lands in; None outside."""
    segs = [s for s in path.split("::") if s and s != "*"]
    if not segs:
        return None
    if segs[0] == "crate":
        base, segs = [], segs[1:]
    elif segs[0] in ("super", "self"):
        base = list(here)
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                base = base[:-1]
            segs = segs[1:]
    else:
        return None  # another crate, or a name in scope
    full = base + segs
    for n in range(len(full), -1, -1):
        if tuple(full[:n]) in mods:
            return tuple(full[:n])
    return None


def graph(src):
    mods = module_files(src)
    edges = {m: set() for m in mods}
    for mod, path in mods.items():
        here = mod if not path.endswith(("lib.rs", "main.rs", "mod.rs")) else mod
        # A file's own module is `mod`; `super` from a.rs (module a) is the parent.
        for p in paths_in(code_of(path)):
            target = resolve(p, here, mods)
            if target is not None and target != mod:
                edges[mod].add(target)
    return mods, edges


def rings(edges):
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in edges:
        if v not in index:
            strong(v)
    return out


def main(argv):
    dot = "--dot" in argv
    srcs = [a for a in argv if not a.startswith("--")] or ["app/src", "server/src", "dr1/src"]
    found = 0
    for src in srcs:
        mods, edges = graph(src)
        if dot:
            print(f"digraph \"{src}\" {{")
            for a, bs in sorted(edges.items()):
                for b in sorted(bs):
                    print(f'  "{mods[a]}" -> "{mods[b]}";')
            print("}")
        groups = rings(edges)
        n_edges = sum(len(b) for b in edges.values())
        print(f"{src}: {len(mods)} files, {n_edges} imports between them, {len(groups)} rings")
        for g in groups:
            found += 1
            print("  ring: " + " <-> ".join(mods[m] for m in g))
            for a in g:
                for b in sorted(edges[a] & set(g)):
                    print(f"    {mods[a]} -> {mods[b]}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
