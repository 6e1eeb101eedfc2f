#!/usr/bin/env python3
"""The local lab: real QEMU micro-VMs live-migrated by the QMP driver. The test checks what
Entropy did with a QMP client of its own, and injects failures: a destination that dies
mid-migration, one that refuses, a migration that times out.

usage: test_lab.py ENTROPY_BINARY [unittest args]"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

ENTROPY = None
qmp = harness.qmp
alive = harness.qemu_alive
live_instances = harness.lab_instances


class LabTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="entropy-lab-test-")
        self.dir = os.path.join(self.tmp, "lab")

    def tearDown(self):
        self.entropy("lab", "down")
        shutil.rmtree(self.tmp, ignore_errors=True)

    def entropy(self, *args, check=None):
        p = subprocess.run([ENTROPY, *args, "--dir", self.dir], capture_output=True, text=True,
                           timeout=120)
        if check is not None:
            self.assertEqual(p.returncode, check, p.stdout + p.stderr)
        return p

    def up(self, *args):
        p = self.entropy("lab", "up", *args, check=0)
        return json.loads(p.stdout)

    def status(self):
        return {v["name"]: v for v in json.loads(self.entropy("lab", "status", check=0).stdout)["vms"]}

    def assert_running_once_on(self, vm, node):
        st = self.status()[vm]
        self.assertEqual(st["node"], node)
        self.assertEqual(qmp(st["qmp"], "query-status")["status"], "running")
        self.assertEqual(len(live_instances(self.dir, vm)), 1, f"{vm} runs more than once")

    def test_round_consolidates_with_live_migrations(self):
        lab = self.up("--nodes", "3", "--vms", "4", "--memory", "64", "--node-memory", "256")
        before = {v["name"]: v for v in lab["vms"]}
        self.assertEqual(len({v["node"] for v in before.values()}), 3)
        p = self.entropy("lab", "round", check=0)
        out = json.loads(p.stdout)
        self.assertEqual(out["active_nodes_before"], 3)
        self.assertEqual(out["target_nodes"], 1)
        self.assertEqual(out["active_nodes_after"], 1)
        ex = out["executed"]
        self.assertEqual(ex["failed"], 0)
        migrations = [a for a in ex["actions"] if a["kind"] == "migrateVM"]
        self.assertEqual(len(migrations), 2)  # two of the three nodes are emptied
        after = self.status()
        nodes = {v["node"] for v in after.values()}
        self.assertEqual(len(nodes), 1)
        for a in migrations:
            self.assertEqual(a["status"], "done")
            self.assertGreater(a["seconds"], 0)
            self.assertGreaterEqual(a["downtime_ms"], 0)
            self.assertGreater(a["bytes"], 0)
            old, new = before[a["vm"]], after[a["vm"]]
            self.assertEqual(new["node"], a["to"])
            self.assertEqual(new["generation"], old["generation"] + 1)
            # The source QEMU has ended; the destination, checked by this test's QMP, runs.
            self.assertFalse(alive(old["pid"], old["qmp"]), "the source still runs")
            self.assertEqual(qmp(new["qmp"], "query-status")["status"], "running")
        for name, v in after.items():
            self.assert_running_once_on(name, v["node"])
        # A second round finds nothing to do.
        again = json.loads(self.entropy("lab", "round", check=0).stdout)
        self.assertEqual(again["actions"], 0)

    def test_sequential_executor_runs_one_at_a_time(self):
        # 12 VMs, two per node, onto 2 nodes of room for 6: 8 migrations.
        self.up("--nodes", "6", "--vms", "12", "--memory", "32", "--node-memory", "192",
                "--node-cpus", "6")
        out = json.loads(self.entropy("lab", "round", "--sequential", check=0).stdout)
        self.assertEqual(out["executor"], "sequential")
        acts = sorted(out["executed"]["actions"], key=lambda a: a["started"])
        self.assertEqual(len(acts), 8)
        self.assertEqual(out["executed"]["done"], 8)
        for prev, nxt in zip(acts, acts[1:]):
            self.assertGreaterEqual(nxt["started"], prev["ended"])
        self.assertEqual(out["active_nodes_after"], out["target_nodes"])

    def test_destination_dies_mid_migration(self):
        self.up("--nodes", "2", "--vms", "1", "--memory", "64")
        proc, pid = self.start_slow_migration("0.1")
        time.sleep(0.5)  # well into the copy: 0.1 MB/s for ~0.6 MB
        os.kill(pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 1, out + err)
        res = json.loads(out)
        self.assertFalse(res["migrated"])
        self.assertIn("migration failed", res["error"])
        self.assertEqual(res["now"], {"node": "lab-1", "state": "running", "copies": 1})
        self.assert_running_once_on("vm-1", "lab-1")

    def start_slow_migration(self, bandwidth):
        """entropy lab migrate vm-1 lab-2 in the background, once its destination QEMU (g2)
        runs: the process and that QEMU's pid."""
        proc = subprocess.Popen([ENTROPY, "lab", "migrate", "vm-1", "lab-2", "--bandwidth",
                                 bandwidth, "--dir", self.dir], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        pidfile = os.path.join(self.dir, "run", "vm-1.g2.pid")
        sock = os.path.join(self.dir, "run", "vm-1.g2.sock")
        for _ in range(200):
            time.sleep(0.05)
            try:
                with open(pidfile) as f:
                    pid = int(f.read())
            except (OSError, ValueError):
                continue
            if alive(pid, sock):
                return proc, pid
        proc.kill()
        self.fail("the destination never started")

    def test_a_cut_migration_is_settled_and_its_generation_never_reused(self):
        self.up("--nodes", "2", "--vms", "1", "--memory", "64")
        proc, dest = self.start_slow_migration("0.05")
        time.sleep(0.5)
        proc.kill()  # kill -9 of entropy: QEMU's migration goes on, nobody journaled it
        proc.communicate()
        out = json.loads(self.entropy("lab", "migrate", "vm-1", "lab-2", check=0).stdout)
        self.assertTrue(out["migrated"], out)
        st = self.status()["vm-1"]
        self.assertEqual(st["generation"], 3)  # not g2 again: that one was the leftover's
        self.assertFalse(alive(dest, os.path.join(self.dir, "run", "vm-1.g2.sock")))
        self.assert_running_once_on("vm-1", "lab-2")

    def test_monitoring_makes_a_split_vm_whole(self):
        self.up("--nodes", "2", "--vms", "1", "--memory", "64")
        proc, dest = self.start_slow_migration("0.5")  # ~0.6 MB: about a second
        time.sleep(0.4)  # the copy under way
        proc.kill()  # QEMU completes the copy alone: the source postmigrate, the copy running
        proc.communicate()
        for _ in range(200):
            if len(live_instances(self.dir, "vm-1", running=True)) == 1 and \
                    self.status()["vm-1"]["status"] == "postmigrate":
                break
            time.sleep(0.05)
        self.assertEqual(self.status()["vm-1"]["status"], "postmigrate")
        p = self.entropy("lab", "round", "--dry-run", check=0)
        self.assertIn("made whole", p.stderr + p.stdout)
        self.assert_running_once_on("vm-1", "lab-2")  # recorded where it runs, the source ended

    def test_two_processes_never_migrate_one_vm_at_once(self):
        self.up("--nodes", "2", "--vms", "1", "--memory", "64")
        first, _ = self.start_slow_migration("1")
        second = self.entropy("lab", "migrate", "vm-1", "lab-2", check=1)
        self.assertIn("vm-1 is being migrated by another Entropy process",
                      json.loads(second.stdout)["error"])
        out, err = first.communicate(timeout=120)
        self.assertEqual(first.returncode, 0, out + err)
        self.assert_running_once_on("vm-1", "lab-2")

    def test_migration_timeout_cancels(self):
        self.up("--nodes", "2", "--vms", "1", "--memory", "64")
        p = self.entropy("lab", "migrate", "vm-1", "lab-2", "--bandwidth", "0.1", "--timeout", "1",
                         check=1)
        res = json.loads(p.stdout)
        self.assertIn("timeout", res["error"])
        self.assert_running_once_on("vm-1", "lab-1")

    def test_destination_refuses(self):
        self.up("--nodes", "2", "--vms", "2", "--memory", "64", "--node-memory", "100")
        p = self.entropy("lab", "migrate", "vm-1", "lab-2", check=1)
        res = json.loads(p.stdout)
        self.assertIn("destination refuses", res["error"])
        self.assertIn("36 MB free on lab-2", res["error"])
        self.assert_running_once_on("vm-1", "lab-1")
        self.assert_running_once_on("vm-2", "lab-2")
        p = self.entropy("lab", "migrate", "vm-1", "lab-9", check=1)
        self.assertIn("no lab node lab-9", json.loads(p.stdout)["error"])
        p = self.entropy("lab", "migrate", "vm-7", "lab-2", check=2)
        self.assertIn("vm-7.json", p.stderr)

    def test_vanished_vm_is_reported_not_moved(self):
        self.up("--nodes", "2", "--vms", "2", "--memory", "64")
        victim = self.status()["vm-2"]
        os.kill(victim["pid"], signal.SIGKILL)
        for _ in range(100):
            if not alive(victim["pid"], victim["qmp"]):
                break
            time.sleep(0.02)
        p = self.entropy("lab", "round", check=0)
        self.assertIn("vm-2: its QEMU", p.stderr)
        out = json.loads(p.stdout)
        self.assertEqual(out["vms"], 1)
        self.assertEqual(out["actions"], 0)  # vm-1 alone on lab-1 already uses one node
        self.assertEqual(self.status()["vm-2"]["status"], "gone")

    def test_bad_usage_and_input(self):
        p = self.entropy("lab", "status", check=2)
        self.assertIn(f"no lab in {self.dir}", p.stderr)
        self.assertIn("entropy lab up", p.stderr)
        self.entropy("lab", "up", "--nodes", "0", check=2)
        self.entropy("lab", "up", "--accel", "xen", check=2)
        p = self.entropy("lab", "up", "--nodes", "1", "--vms", "5", "--memory", "64",
                         "--node-memory", "128", check=2)
        self.assertIn("do not fit", p.stderr)
        self.up("--nodes", "1", "--vms", "1")
        p = self.entropy("lab", "up", check=2)
        self.assertIn("already up", p.stderr)
        with open(os.path.join(self.dir, "vms", "vm-1.json"), "w") as f:
            f.write("{not json")
        st = json.loads(self.entropy("lab", "status", check=0).stdout)
        self.assertIn("vm-1.json", st["vms"][0]["error"])


if __name__ == "__main__":
    harness.main()
