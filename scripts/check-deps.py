#!/usr/bin/env python3
"""Link-level dependency check over the built objects of libentropy and the CLI.

Reads the symbols every object defines and uses (nm), draws an edge from a .c file to each .c file
whose symbols it uses, and from its folder to theirs, then reports the cycles: strongly connected
groups of more than one file, and of more than one folder. Exits 1 when there is any, naming them.

  scripts/check-deps.py BUILD_DIR [--dot] [--summary]

--dot prints the folder graph in Graphviz form; --summary prints the counts only.
"""
import os
import subprocess
import sys
from collections import defaultdict

DEFINED = set("TDBRCGSVW")


def source_of(obj, build):
    """src/FOLDER/FILE.c for an object meson named after it."""
    name = os.path.basename(obj)[: -len(".c.o")]
    if os.path.dirname(obj).endswith("libentropy.a.p"):
        folder, _, rest = name.partition("_")
        return f"{folder}/{rest}.c"
    if name.startswith("src_"):
        name = name[len("src_"):]
    folder, _, rest = name.partition("_")
    return f"{folder}/{rest}.c"


def objects(build):
    dirs = [os.path.join(build, "src", "libentropy.a.p"), os.path.join(build, "entropy.p")]
    found = []
    for d in dirs:
        if not os.path.isdir(d):
            sys.exit(f"check-deps: no {d}: build first (ninja -C {build})")
        found += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".c.o")]
    return found


def symbols(obj):
    out = subprocess.run(["nm", "--defined-only", "-g", obj], capture_output=True, text=True,
                         check=True).stdout
    defined = {l.split()[-1] for l in out.splitlines() if len(l.split()) == 3
               and l.split()[1] in DEFINED}
    out = subprocess.run(["nm", "-u", obj], capture_output=True, text=True, check=True).stdout
    used = {l.split()[-1] for l in out.splitlines() if l.strip()}
    return defined, used


def strongly_connected(nodes, edges):
    """Tarjan's algorithm, iterative; returns the groups of more than one node."""
    index, low, on_stack, stack, groups = {}, {}, set(), [], []
    counter = [0]

    def visit(root):
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))

    for n in sorted(nodes):
        if n not in index:
            visit(n)
    return groups


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    build = args[0]
    owner, uses = {}, {}
    for obj in objects(build):
        src = source_of(obj, build)
        defined, used = symbols(obj)
        uses[src] = used
        for s in defined:
            owner[s] = src
    file_edges, folder_edges = defaultdict(set), defaultdict(set)
    why = {}
    for src, used in uses.items():
        for s in used:
            dst = owner.get(s)
            if dst is None or dst == src:
                continue
            file_edges[src].add(dst)
            a, b = src.split("/")[0], dst.split("/")[0]
            if a != b:
                folder_edges[a].add(b)
                why.setdefault((a, b), f"{src} uses {s} from {dst}")
    files = set(uses)
    folders = {f.split("/")[0] for f in files}
    for f in files:
        file_edges[f]
    for f in folders:
        folder_edges[f]
    file_cycles = strongly_connected(files, file_edges)
    folder_cycles = strongly_connected(folders, folder_edges)
    if "--dot" in sys.argv:
        print("digraph folders {")
        for a in sorted(folder_edges):
            for b in sorted(folder_edges[a]):
                print(f'  "{a}" -> "{b}";')
        print("}")
        return 0
    print(f"check-deps: {len(files)} files in {len(folders)} folders; "
          f"{len(folder_cycles)} folder cycles, {len(file_cycles)} file cycles")
    if "--summary" in sys.argv:
        return 1 if file_cycles or folder_cycles else 0
    for group in folder_cycles:
        print("folder cycle: " + " <-> ".join(group))
        for a in group:
            for b in group:
                if (a, b) in why:
                    print(f"  {a} -> {b}: {why[(a, b)]}")
    for group in file_cycles:
        print("file cycle: " + " <-> ".join(group))
    return 1 if file_cycles or folder_cycles else 0


if __name__ == "__main__":
    sys.exit(main())
