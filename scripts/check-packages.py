#!/usr/bin/env python3
"""Checks that the package lists of scripts/setup.sh cover every command the build and the tests
call and every library the build links: each is traced to the Debian package that ships it
(dpkg -S), which must be in the lists, be pulled in by one of them (their dependencies, read
recursively from apt-cache), or be part of a minimal Debian (priority required). The Debian
package's Build-Depends (debian/control) must be installed by the lists too, so that the test
run can build it.

  scripts/check-packages.py      prints what it found; exits 1 naming what is not covered
"""
import glob
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"  # what Debian's packages install
SHELL_WORDS = {"if", "then", "else", "elif", "fi", "for", "while", "do", "done", "case", "esac",
               "in", "function", "local", "export", "return", "exit", "set", "shift", "echo",
               "printf", "read", "cd", "test", "true", "false", "trap", "wait", "eval", "exec",
               "source", "declare", "unset", "break", "continue", "command", "type", "kill"}


def listed_packages():
    text = open(os.path.join(ROOT, "scripts", "setup.sh")).read()
    found = set()
    for m in re.finditer(r"^[A-Z_]*PACKAGES=\(([^)]*)\)", text, re.M | re.S):
        found |= set(m.group(1).split())
    return found


def closure(packages):
    """The packages and everything they depend on, recursively."""
    out = subprocess.run(["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests",
                          "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances",
                          *sorted(packages)], capture_output=True, text=True).stdout
    deps = set(packages)
    for line in out.splitlines():
        m = re.match(r"^\s*(?:\|)?(?:Pre)?Depends: <?([^>\s:]+)", line)
        if m:
            deps.add(m.group(1))
        elif line and not line.startswith(" "):
            deps.add(line.strip().split(":")[0])
    return deps


def required_packages():
    out = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${Priority}\\n"],
                         capture_output=True, text=True).stdout
    return {l.split()[0] for l in out.splitlines() if l.endswith(" required")}


def owner(path):
    real = os.path.realpath(path)
    for p in (path, real, real.replace("/usr/", "/", 1)):
        out = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        if out.returncode == 0:
            return out.stdout.split(":")[0].split(",")[0].strip()
    return None


def called_commands():
    """Words in command position in the tests, scripts and meson files."""
    words = {}
    files = (glob.glob(os.path.join(ROOT, "tests", "**", "*.py"), recursive=True) +
             glob.glob(os.path.join(ROOT, "tests", "**", "*.sh"), recursive=True) +
             glob.glob(os.path.join(ROOT, "scripts", "*.sh")) +
             glob.glob(os.path.join(ROOT, "bin", "*.sh")) +
             glob.glob(os.path.join(ROOT, "src", "**", "*.c"), recursive=True) +
             glob.glob(os.path.join(ROOT, "**", "meson.build"), recursive=True))
    for f in files:
        text = open(f, encoding="utf-8").read()
        rel = os.path.relpath(f, ROOT)
        if f.endswith(".c"):  # programs Entropy itself runs in the tests: the lab's QEMU
            found = re.findall(r"\"(qemu-system-[\w]+)\"", text)
        elif f.endswith(".py"):  # subprocess argument lists: ["cmd", ...]
            found = re.findall(r"\[\s*\"([a-z][\w.+-]*)\"\s*,", text)
        elif f.endswith("meson.build"):
            found = re.findall(r"find_program\('([\w.+-]+)'", text)
        else:  # the first word of a command, after a pipe, && or $(
            found = re.findall(r"(?:^\s*|[|;]\s*|&&\s*|\$\(\s*)([a-z][\w.+-]*)(?=\s|$)", text,
                               re.M)
        for w in found:
            words.setdefault(w, rel)
    return {w: where for w, where in words.items() if w not in SHELL_WORDS}


def libraries():
    text = open(os.path.join(ROOT, "meson.build")).read()
    libs = {}
    for name in re.findall(r"dependency\('([\w.+-]+)'", text):
        if name == "threads":
            continue
        pcdir = subprocess.run(["pkg-config", "--variable=pcfiledir", name],
                               capture_output=True, text=True).stdout.strip()
        libs[name] = os.path.join(pcdir, name + ".pc") if pcdir else None
    for header in re.findall(r"has_headers : \['([\w./]+)'\]", text):
        libs[header] = os.path.join("/usr/include", header)
    return libs


def build_depends():
    """debian/control's Build-Depends, as package names (debhelper-compat is debhelper's), and
    build-essential, which dpkg-buildpackage asks for without its being listed."""
    text = open(os.path.join(ROOT, "debian", "control")).read()
    m = re.search(r"^Build-Depends:(.*?)^(?=\S)", text, re.M | re.S)
    names = {re.split(r"[\s(]", d.strip())[0] for d in m.group(1).split(",") if d.strip()}
    return {"debhelper" if n == "debhelper-compat" else n for n in names} | {"build-essential"}


def main():
    listed = listed_packages()
    covered = closure(listed) | required_packages()
    missing = []
    for cmd, where in sorted(called_commands().items()):
        path = shutil.which(cmd, path=SYSTEM_PATH)
        if not path:
            continue  # a shell function or a variable: not a program
        pkg = owner(path)
        print(f"check-packages: {cmd} ({where}): {pkg or 'no package'}")
        if pkg and pkg not in covered:
            missing.append(f"{cmd} (called in {where}) comes from {pkg}, which scripts/setup.sh "
                           "does not install")
    for name, path in sorted(libraries().items()):
        pkg = owner(path) if path and os.path.exists(path) else None
        print(f"check-packages: library {name}: {pkg or 'not found'}")
        if not pkg:
            missing.append(f"library {name}: not installed (no {path})")
        elif pkg not in covered:
            missing.append(f"library {name} comes from {pkg}, which scripts/setup.sh does not "
                           "install")
    for dep in sorted(build_depends()):
        if dep not in covered:
            missing.append(f"{dep} (Build-Depends of debian/control) is not installed by "
                           "scripts/setup.sh")
    for m in missing:
        print("check-packages: " + m)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
