#!/usr/bin/env python3
"""The engine on mixed hardware (random clusters of uneven node types, mixed.py): it never ends
with more nodes than first-fit or best-fit decreasing from scratch (computed here, independently);
on tiny clusters with a power model it finds the fewest nodes and (--objective energy) the least
watts that a brute force over every placement finds, and its bounds on the change stay below the
least change the brute force finds; every plan is valid under entropy check.

usage: test_mixed.py ENTROPY_BINARY [unittest args]"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import mixed  # noqa: E402


class MixedHardware(unittest.TestCase):
    def test_never_worse_than_first_or_best_fit_decreasing(self):
        with tempfile.TemporaryDirectory() as tmp:
            for seed, nodes in [(s, 30 + 15 * (s % 4)) for s in range(16)]:
                inst, caps, vms = mixed.cluster(seed, nodes)
                path, plan = os.path.join(tmp, "i.json"), os.path.join(tmp, "p.json")
                with open(path, "w") as f:
                    json.dump(inst, f)
                out = json.loads(harness.run("solve", path, "-o", plan, "--time-limit", "2",
                                             check=0).stdout)
                baseline = min(mixed.first_fit(caps, vms), mixed.best_fit(caps, vms))
                with self.subTest(seed=seed, nodes=nodes, vms=len(vms)):
                    self.assertLessEqual(out["nodes"], baseline, out)
                    self.assertGreaterEqual(out["nodes"], out["lower_bound"])
                    report = json.loads(harness.run("check", path, plan).stdout)
                    self.assertTrue(report["valid"], report)

    def test_small_mixed_clusters_fewest_nodes_and_least_watts_optimal(self):
        with tempfile.TemporaryDirectory() as tmp:
            for seed in range(10):
                inst, caps, demands, power = mixed.small_cluster(seed, 5, 7)
                nodes, watts = mixed.optimum(caps, demands, power)
                path, plan = os.path.join(tmp, "i.json"), os.path.join(tmp, "p.json")
                with open(path, "w") as f:
                    json.dump(inst, f)
                fewest = json.loads(harness.run("solve", path, check=0).stdout)
                energy = json.loads(harness.run("solve", path, "--objective", "energy", "-o",
                                                plan, check=0).stdout)
                with self.subTest(seed=seed):
                    self.assertEqual(fewest["nodes"], nodes)
                    self.assertAlmostEqual(energy["watts"], watts, delta=0.006)  # to 0.01 W
                    self.assertLessEqual(energy["watts"], fewest["watts"])
                    self.assertLessEqual(energy["watts_bound"], energy["watts"])
                    report = json.loads(harness.run("check", path, plan).stdout)
                    self.assertTrue(report["valid"], report)
                    self.assertAlmostEqual(report["watts"], energy["watts"], delta=0.011)

    def assert_bounds_on_the_change(self, tmp, inst, caps, demands):
        """vms_moved_bound and moved_memory_bound at most the least change on as many nodes
        (mixed.fewest_moves), the engine's change at least that."""
        path = os.path.join(tmp, "i.json")
        with open(path, "w") as f:
            json.dump(inst, f)
        out = json.loads(harness.run("solve", path, check=0).stdout)
        hosts = mixed.hosts_of(inst, len(demands))
        moves, moved = mixed.fewest_moves(caps, demands, hosts, out["nodes"])
        self.assertLessEqual(out["vms_moved_bound"], moves, out)
        self.assertLessEqual(out["moved_memory_bound"], moved, out)
        self.assertLessEqual(moves, out["vms_moved"], out)
        self.assertLessEqual(moved, out["moved_memory"], out)

    def test_bounds_on_the_change_never_exceed_the_least_change(self):
        """On tiny mixed clusters, against a brute force over every placement."""
        with tempfile.TemporaryDirectory() as tmp:
            for seed in range(10, 22):
                inst, caps, demands, _ = mixed.small_cluster(seed, 5, 7)
                with self.subTest(seed=seed):
                    self.assert_bounds_on_the_change(tmp, inst, caps, demands)

    def test_pattern_bounds_on_the_change_on_packed_clusters(self):
        """On packed clusters of few VM sizes the bounds come from the pattern relaxation (how
        much each node can keep); against an exact branch and bound."""
        with tempfile.TemporaryDirectory() as tmp:
            checked = 0
            for seed in range(26):
                packed = mixed.packed_cluster(seed, 8, 16)
                if packed is None:
                    continue
                with self.subTest(seed=seed):
                    self.assert_bounds_on_the_change(tmp, *packed)
                checked += 1
            self.assertGreaterEqual(checked, 10)

class Evacuate(unittest.TestCase):
    def test_evacuate_nodes_and_enclosures(self):
        """--evacuate empties the nodes named and those of an enclosure (node attribute), the
        plan valid under entropy check (which checks the offline constraints); a target that is
        nothing is refused, and an evacuation the rest cannot take says why."""
        with tempfile.TemporaryDirectory() as tmp:
            inst, caps, vms = mixed.cluster(3, 12, load=0.3)
            for n in ("0", "1", "2"):
                inst["model"]["attributes"]["nodes"][n] = {"enclosure": "chassis9"}
            path, plan, seen = (os.path.join(tmp, f) for f in ("i.json", "p.json", "s.json"))
            with open(path, "w") as f:
                json.dump(inst, f)
            out = json.loads(harness.run("solve", path, "--evacuate", "chassis9,11", "-o", plan,
                                         "--write-instance", seen, check=0).stdout)
            self.assertEqual(out["evacuated_nodes"], 4)
            report = json.loads(harness.run("check", seen, plan).stdout)
            self.assertTrue(report["valid"], report)
            with open(plan) as f:
                doc = json.load(f)
            host = mixed.hosts_of(inst, len(vms))
            for a in doc["actions"]:
                if a["id"] == "migrateVM":
                    host[a["vm"]] = a["to"]
            self.assertFalse([v for v, h in enumerate(host) if h in (0, 1, 2, 11)])
            p = harness.run("solve", path, "--evacuate", "nosuch", check=2)
            self.assertIn('no node or enclosure named "nosuch"', p.stderr)
            every = ",".join(str(n) for n in range(11))  # one node left cannot take them all
            p = harness.run("solve", path, "--evacuate", every, check=1)
            self.assertRegex(p.stderr, r"VM vm#\d+ (is larger than every one of its 1 eligible "
                                       r"nodes|must move or start, and no eligible node has room)")

if __name__ == "__main__":
    harness.main()
