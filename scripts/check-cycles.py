#!/usr/bin/env python3
"""Import cycles between the modules of a crate (SPEC/issue 21).

Every path a file names — `use crate::a::b`, `super::c::d(...)`, `self::e` —
is an edge from that file's module to the module the path reaches (the
longest prefix that is a module file). Strongly connected components with
more than one module are cycles; the script prints them and exits 1.
A name a module re-exports counts as an edge to where it is defined; a
module's use of its own children is not an edge (it contains them).

Usage: check-cycles.py core/src app/src ...
"""
import os
import re
import sys

PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")


def modules(src):
    mods = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            rel = os.path.relpath(os.path.join(root, f), src)[:-3].split(os.sep)
            if rel[-1] in ("lib", "main"):
                rel = rel[:-1]
            elif rel[-1] == "mod":
                rel = rel[:-1]
            mods[tuple(rel)] = os.path.join(root, f)
    return mods


def strip_comments(text):
    # A file's unit tests (`#[cfg(test)] mod tests { use super::*; … }`)
    # are inside the module: their `super` is the file itself.
    cut = re.search(r"#\[cfg\(test\)\]\s*mod tests", text)
    if cut:
        text = text[: cut.start()]
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return "\n".join(line.split("//")[0] for line in text.splitlines())


def resolve(mod, is_dir_mod, head, rest, mods):
    """The module a path names from `mod`, and what is left of the path."""
    if head == "crate":
        base = []
    elif head == "self":
        base = list(mod)
    elif head == "super":
        base = list(mod[:-1])
    else:  # a child module named bare (`use worker::X` in a mod.rs)
        base = list(mod)
        rest = [head] + rest
    while rest and rest[0] == "super":
        base = base[:-1]
        rest = rest[1:]
    full = base + rest
    for i in range(len(full), 0, -1):
        if tuple(full[:i]) in mods:
            return tuple(full[:i]), full[i:]
    return None, full


def reexports(mods):
    """`pub use` items: (module, name) -> the module that defines it."""
    out = {}
    for mod, path in mods.items():
        is_dir_mod = path.endswith(("mod.rs", "lib.rs", "main.rs"))
        text = strip_comments(open(path, encoding="utf-8").read())
        for m in re.finditer(r"pub use\s+([A-Za-z_][\w:]*)::(\{[^}]*\}|\w+)\s*;", text):
            parts = m.group(1).split("::")
            items = m.group(2).strip("{}").split(",")
            target, left = resolve(mod, is_dir_mod, parts[0], parts[1:], mods)
            if target is None or left:
                continue
            for item in items:
                item = item.strip().split(" as ")[-1].strip()
                if item and item != "self":
                    out[(mod, item)] = target
    return out


def edges(mods):
    graph = {m: set() for m in mods}
    exported = reexports(mods)
    for mod, path in mods.items():
        is_dir_mod = path.endswith(("mod.rs", "lib.rs", "main.rs"))
        text = strip_comments(open(path, encoding="utf-8").read())
        # `use x::{a, b::c}` groups: expand one level of braces.
        for m in re.finditer(r"\b(crate|super|self)((?:::\w+)*)::\{([^{}]*)\}", text):
            for item in m.group(3).split(","):
                item = item.strip().split(" as ")[0]
                if item:
                    text += f"\n{m.group(1)}{m.group(2)}::{item}"
        found = [(m.group(1), [p for p in m.group(2).split("::") if p]) for m in PATH.finditer(text)]
        if is_dir_mod:
            # `pub use child::X;` in a mod.rs or lib.rs names a child bare.
            for m in re.finditer(r"(?<!pub )\buse\s+([a-z_]\w*)::", text):
                if m.group(1) not in ("crate", "super", "self", "std") and tuple(list(mod) + [m.group(1)]) in mods:
                    found.append((m.group(1), []))
        for head, rest in found:
            target, left = resolve(mod, is_dir_mod, head, rest, mods)
            # A name a module re-exports (`channels::NewMessage` is
            # `feed::NewMessage`) is an edge to where it is defined.
            seen = set()
            while target is not None and left and (target, left[0]) in exported and target not in seen:
                seen.add(target)
                target = exported[(target, left[0])]
                left = left[1:]
            # A module contains its children: its use of them is not an
            # edge (a child using its parent's items is).
            if target and target[: len(mod)] == mod and len(mod) > 0:
                continue
            if target and target != mod and target != ():
                # A module naming its own child (`mod x; x::f`) is not a cycle edge upward.
                graph[mod].add(target)
    return graph


def cycles(graph):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(comp)

    for v in graph:
        if v not in index:
            visit(v)
    return out


def main():
    bad = 0
    for src in sys.argv[1:]:
        mods = modules(src)
        graph = edges(mods)
        found = cycles(graph)
        n_edges = sum(len(v) for v in graph.values())
        print(f"{src}: {len(mods)} modules, {n_edges} edges, {len(found)} cycles")
        for comp in found:
            names = sorted("::".join(c) or "(root)" for c in comp)
            print("  cycle:", " ↔ ".join(names))
            for a in comp:
                for b in sorted(graph[a]):
                    if b in comp:
                        print(f"    {'::'.join(a)} → {'::'.join(b)}")
        bad += len(found)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
