#!/usr/bin/env python3
"""The code-shape rules of docs/development.md, over src/: no source file over 600 lines, no
function over 80 lines, at most one label in a function (its `cleanup:`, where what it owns is
released on every path), no `ent__` name in a public header (a folder's internals live in its internal.h), no `volatile` but
sig_atomic_t for signal handlers (threads share _Atomic values), and every public function or
ops table a .c defines declared in a header of its own folder (its own header, the folder's
module header or its internal.h), and every public release/free/close accepting NULL. Prints
each breach with its place
and exits 1 when there is any.

  scripts/check-shape.py [--report]   --report: the counts only, never fails
"""
import os
import re
import sys

MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 80


def sources(root="src"):
    for folder, _, files in sorted(os.walk(root)):
        for f in sorted(files):
            if f.endswith((".c", ".h")):
                yield os.path.join(folder, f)


def functions(lines):
    """(name, first line, length) of each function definition: clang-format puts the opening
    brace of a function alone in column 0 and its closing brace alone in column 0."""
    start = None
    for i, line in enumerate(lines):
        if line.rstrip("\n") == "{" and i > 0:
            j = i - 1
            while j > 0 and not re.match(r"^[A-Za-z_]", lines[j]):
                j -= 1
            m = re.search(r"(\w+)\s*\(", lines[j])
            start = (m.group(1) if m else "?", j + 1, i)
        elif line.rstrip("\n") == "}" and start:
            yield start[0], start[1], i - start[2] + 1
            start = None


def undeclared(path, text):
    """Public names path defines that no header of its folder declares."""
    folder = os.path.dirname(path)
    headers = "".join(open(os.path.join(folder, h), encoding="utf-8").read()
                      for h in os.listdir(folder) if h.endswith(".h"))
    names = [m.group(2) for m in re.finditer(
        r"^(?!static)([a-z][^;{}()]*?\b(ent_\w+))\((?:[^;{}]*?)\)\n\{", text, re.M)]
    names += re.findall(r"^const struct \w+ (ent_\w+) = \{", text, re.M)
    return [n for n in names if not re.search(r"\b" + n + r"\b", headers)]


def release_without_null_check(text):
    """Public release/free/close functions whose body does not first look at their argument."""
    found = []
    for m in re.finditer(r"^void (ent_\w+_(?:release|free|close))\((?:const )?(?:struct )?\w+ "
                         r"\*(\w+)\)\n\{\n(.*?)\n\}", text, re.M | re.S):
        name, param, body = m.groups()
        head = body[:200]
        if not re.search(r"if \(!?" + param + r"\)|\b" + param + r" &&|!" + param + r" \|\||"
                         + param + r" == NULL", head):
            found.append(name)
    return found


def main():
    breaches = []
    counts = {"files over 600 lines": 0, "functions over 80 lines": 0, "functions with a cleanup: label": 0, "functions with two labels": 0,
              "ent__ in public headers": 0, "volatile outside signal flags": 0,
              "public names no folder header declares": 0,
              "release functions refusing NULL": 0}
    for path in sources():
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
        if path.endswith(".c"):
            for name in release_without_null_check("".join(lines)):
                counts["release functions refusing NULL"] += 1
                breaches.append(f"{path}: {name}(NULL) must do nothing (STYLE.md)")
            for name in undeclared(path, "".join(lines)):
                counts["public names no folder header declares"] += 1
                breaches.append(f"{path}: {name} is declared in no header of its folder")
        if len(lines) > MAX_FILE_LINES:
            counts["files over 600 lines"] += 1
            breaches.append(f"{path}: {len(lines)} lines (at most {MAX_FILE_LINES})")
        for name, first, length in functions(lines):
            if length > MAX_FUNCTION_LINES:
                counts["functions over 80 lines"] += 1
                breaches.append(f"{path}:{first}: {name}() is {length} lines (at most "
                                f"{MAX_FUNCTION_LINES})")
            body = lines[first - 1:first - 1 + length + 2]
            labels = [l for l in body if re.match(r"^[a-z_]+:\s*$", l)]
            counts["functions with a cleanup: label"] += any(l.startswith("cleanup:") for l in labels)
            if len(labels) > 1:
                counts["functions with two labels"] += 1
                breaches.append(f"{path}:{first}: {name}() has {len(labels)} labels (one cleanup:)")
        for n, line in enumerate(lines, 1):
            if path.endswith(".h") and not path.endswith("internal.h") and "ent__" in line:
                counts["ent__ in public headers"] += 1
                breaches.append(f"{path}:{n}: ent__ in a public header")
            if re.search(r"\bvolatile\b", line) and "sig_atomic_t" not in line:
                counts["volatile outside signal flags"] += 1
                breaches.append(f"{path}:{n}: volatile (use _Atomic between threads)")
    for key, value in counts.items():
        print(f"check-shape: {key}: {value}")
    if "--report" in sys.argv:
        return 0
    for b in breaches:
        print(b)
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
