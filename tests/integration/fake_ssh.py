#!/usr/bin/env python3
"""FAKE ssh + xl, for the xl driver's tests: Xen cannot run here. Called as the driver calls ssh:
fake_ssh.py [ssh options] HOST xl COMMAND ARGS...; the cluster is a JSON file named by
$FAKE_XL_STATE: {"hosts": {HOST: [domains]}, "fail": message or null, "delay": seconds}. Every
call is appended to $FAKE_XL_STATE.calls. It is a fake and says so on every error it prints."""
import json
import os
import sys
import time

state_path = os.environ["FAKE_XL_STATE"]
args = sys.argv[1:]
while args and args[0].startswith("-"):  # ssh options: -o X
    args = args[2:] if args[0] == "-o" else args[1:]
host, cmd = args[0], args[1:]
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
