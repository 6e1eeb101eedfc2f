#!/usr/bin/env python3
"""Real live migrations in the local lab: per-migration total time, downtime and bytes, and the
makespan of one consolidation round executed in parallel and then sequentially (the same lab
brought up afresh for each, so both start from the same placement). Prints figures, asserts
nothing.

usage: bench_lab.py [ENTROPY_BINARY] [--nodes N] [--vms M] [--memory MB]"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile


def run(entropy, lab_dir, *args):
    p = subprocess.run([entropy, "lab", *args, "--dir", lab_dir], capture_output=True, text=True,
                       timeout=600)
    if p.returncode not in (0, 1):
        raise SystemExit(f"entropy lab {args[0]}: {p.stderr.strip()}")
    return json.loads(p.stdout) if p.stdout.strip() else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("entropy", nargs="?", default="build/entropy")
    ap.add_argument("--nodes", type=int, default=6)
    ap.add_argument("--vms", type=int, default=12)
    ap.add_argument("--memory", type=int, default=64)
    a = ap.parse_args()
    per_node = -(-a.vms // a.nodes)
    node_memory = a.memory * a.vms // 2  # the VMs fit on two nodes
    cpus = max(per_node, a.vms // 2)
    print(f"lab: {a.nodes} nodes of {node_memory} MB / {cpus} CPUs, {a.vms} VMs of {a.memory} MB")
    with tempfile.TemporaryDirectory(prefix="entropy-bench-lab-") as tmp:
        lab_dir = os.path.join(tmp, "lab")
        for mode in ("parallel", "sequential"):
            run(a.entropy, lab_dir, "up", "--nodes", str(a.nodes), "--vms", str(a.vms),
                "--memory", str(a.memory), "--node-memory", str(node_memory),
                "--node-cpus", str(cpus))
            try:
                extra = ["--sequential"] if mode == "sequential" else []
                out = run(a.entropy, lab_dir, "round", *extra)
            finally:
                run(a.entropy, lab_dir, "down")
            ex = out["executed"]
            migs = [x for x in ex["actions"] if x["kind"] == "migrateVM" and x["status"] == "done"]
            print(f"\n{mode}: {out['active_nodes_before']} -> {out['active_nodes_after']} active "
                  f"nodes, {len(migs)} migrations done, {ex['failed']} failed; "
                  f"makespan {ex['wall_seconds']:.3f} s (planned {out['planned_makespan']} s)")
            print(f"  {'vm':6} {'from':6} {'to':6} {'total s':>8} {'downtime ms':>12} "
                  f"{'bytes':>10} {'wall s':>7}")
            for x in sorted(migs, key=lambda x: x["started"]):
                print(f"  {x['vm']:6} {x['from']:6} {x['to']:6} {x['seconds']:8.3f} "
                      f"{x['downtime_ms']:12.1f} {x['bytes']:10d} "
                      f"{x['ended'] - x['started']:7.3f}")
            if migs:
                print(f"  median total {statistics.median(x['seconds'] for x in migs):.3f} s, "
                      f"median downtime {statistics.median(x['downtime_ms'] for x in migs):.1f} "
                      f"ms, max downtime {max(x['downtime_ms'] for x in migs):.1f} ms")


if __name__ == "__main__":
    main()
