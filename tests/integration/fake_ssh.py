#!/usr/bin/env python3
"""FAKE ssh + xl, for the xl driver's tests: Xen cannot run here. Called as the driver calls ssh:
fake_ssh.py [ssh options] HOST xl COMMAND ARGS...; like the real ssh it joins the words after
HOST into one command line for a remote shell, which it parses as sh would (and never runs):
a shell operator left unquoted (;, &&, |, $(...), a backquote) is an injection, recorded in the
calls file as ["INJECTED", line] and refused. The cluster is a JSON file named by
$FAKE_XL_STATE: {"hosts": {HOST: [domains]}, "fail": message or null, "delay": seconds}. Every
call is appended to $FAKE_XL_STATE.calls. It is a fake and says so on every error it prints."""
import json
import os
import shlex
import sys
import time

state_path = os.environ["FAKE_XL_STATE"]
args = sys.argv[1:]
while args and args[0].startswith("-"):  # ssh options: -o X
    args = args[2:] if args[0] == "-o" else args[1:]
host, line = args[0], " ".join(args[1:])
lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
lexer.whitespace_split = True
words = list(lexer)
operators = [w for w in words if w and all(c in "();<>|&" for c in w)]


def substitutes(text):
    """Whether sh would run a command substitution: $( or a backquote outside single quotes."""
    quote = None
    for i, c in enumerate(text):
        if quote == "'":
            quote = None if c == "'" else quote
        elif c == "'" and quote is None:
            quote = "'"
        elif c == '"':
            quote = None if quote == '"' else '"'
        elif c == "`" or (c == "$" and text[i + 1:i + 2] == "("):
            return True
    return False


if operators or substitutes(line):
    with open(state_path + ".calls", "a") as f:
        f.write(json.dumps(["INJECTED", line]) + "\n")
    print(f"FAKE ssh: the remote shell would run more than xl: {line}", file=sys.stderr)
    sys.exit(126)
cmd = words
with open(state_path + ".calls", "a") as f:
    f.write(json.dumps([host, *cmd]) + "\n")
with open(state_path) as f:
    state = json.load(f)
if host not in state["hosts"]:
    print(f"ssh: Could not resolve hostname {host} (FAKE ssh)", file=sys.stderr)
    sys.exit(255)
if cmd[:1] != ["xl"]:
    sys.exit(127)
doms = state["hosts"][host]
if cmd[1] == "domid":
    if cmd[2] in doms:
        print(len(doms))
        sys.exit(0)
    print(f"{cmd[2]} is an invalid domain identifier (FAKE xl)", file=sys.stderr)
    sys.exit(1)
if cmd[1] == "migrate":
    vm, dest = cmd[2], cmd[3]
    time.sleep(state.get("delay", 0))
    if vm not in doms:
        print(f"{vm} is an invalid domain identifier (FAKE xl)", file=sys.stderr)
        sys.exit(1)
    if state.get("fail"):
        print("migration sender: Target reported startup failure (FAKE xl)", file=sys.stderr)
        print(state["fail"], file=sys.stderr)
        sys.exit(1)
    doms.remove(vm)
    state["hosts"][dest].append(vm)
    with open(state_path, "w") as f:
        json.dump(state, f)
    print("migration target: Transfer complete, requesting permission to start domain.")
    sys.exit(0)
print(f"xl {cmd[1]}: not faked", file=sys.stderr)
sys.exit(1)
