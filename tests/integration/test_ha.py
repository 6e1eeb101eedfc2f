#!/usr/bin/env python3
"""High availability on a real etcd cluster (three etcd-server members on loopback) with two
daemons on the simulated cluster: one leader, one standby that runs no round; the leader
killed with -9, the standby takes over; the leader paused (SIGSTOP) beyond its lease, the
standby takes over, and the old leader, let go again, starts no action (its own journal says);
an etcd member killed, the loop goes on; etcd gone, the leader starts nothing.

usage: test_ha.py ENTROPY_BINARY [unittest args]"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
from etcd_cluster import EtcdCluster  # noqa: E402

TTL = 2


class Ha(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="entropy-ha-test-")
        # cleanups run after tearDown, the last registered first: the lab goes down (lab_up)
        # while its directory, with the pid files of its QEMUs, is still there
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.etcd = EtcdCluster(self.tmp)
        self.daemons = {}

    def tearDown(self):
        for p in self.daemons.values():
            if p.poll() is None:
                p.send_signal(signal.SIGCONT)
                p.kill()
            p.wait(timeout=60)
            err = p.stderr.read()
            p.stderr.close()
            for report in ("Sanitizer", "runtime error"):
                self.assertNotIn(report, err)
        self.etcd.stop()

    def config(self, name, **keys):
        d = os.path.join(self.tmp, name)
        os.makedirs(d, exist_ok=True)
        base = {"daemon.log": f"{d}/entropy.log", "daemon.journal": f"{d}/journal.db",
                "daemon.socket": f"{d}/entropy.sock", "loop.period": "1",
                "monitor.sim.action_seconds": "1", "ha.etcd.endpoints": self.etcd.endpoints(),
                "ha.lease_ttl": str(TTL), "ha.name": name,
                "ha.etcd.prefix": f"/entropy-test-{os.getpid()}/"}
        base.update(keys)
        path = os.path.join(d, "entropy.properties")
        with open(path, "w") as f:
            f.writelines(f"{k} = {v}\n" for k, v in base.items())
        return path

    def start(self, name, **keys):
        self.daemons[name] = subprocess.Popen(
            [harness.ENTROPY, "daemon", "--config", self.config(name, **keys)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def status(self, name):
        p = subprocess.run([harness.ENTROPY, "status", "--json", "--config",
                            os.path.join(self.tmp, name, "entropy.properties")],
                           capture_output=True, text=True, timeout=30)
        return json.loads(p.stdout) if p.returncode == 0 else None

    def wait_for(self, what, test, seconds=60):
        return harness.poll(test, seconds) or self.fail(f"{what}: not within {seconds} s")

    def role(self, name):
        doc = self.status(name)
        return doc and doc.get("ha", {}).get("role")

    def rounds(self, name, what="rounds"):
        doc = self.status(name)
        return doc.get("totals", {}).get(what, 0) if doc else 0

    def leader_and_standby(self):
        self.leader_and_standby_with()

    def leader_and_standby_with(self, **keys):
        self.start("a", **keys)
        self.wait_for("a leads", lambda: self.role("a") == "leader")
        self.start("b", **keys)
        self.wait_for("b stands by", lambda: self.role("b") == "standby")
        self.wait_for("a sees b", lambda: "b" in self.status("a")["ha"]["standbys"])
        ha = self.status("b")["ha"]
        self.assertEqual(ha["leader"], "a")
        self.assertEqual(ha["lease"]["ttl"], TTL)

    def test_a_standby_runs_no_round_and_takes_over_from_a_killed_leader(self):
        self.leader_and_standby()
        self.wait_for("a runs rounds", lambda: self.rounds("a") >= 3)
        self.assertEqual(self.rounds("b"), 0)
        text = subprocess.run([harness.ENTROPY, "status", "--config",
                               os.path.join(self.tmp, "b", "entropy.properties")],
                              capture_output=True, text=True, timeout=30).stdout
        self.assertIn("ha: b is standby; leader a;", text)
        self.daemons["a"].kill()
        t0 = time.monotonic()
        self.wait_for("b leads", lambda: self.role("b") == "leader")
        took = time.monotonic() - t0
        self.wait_for("b runs rounds", lambda: self.rounds("b") >= 2)
        print(f"takeover after kill -9: b leads {took:.1f} s after (lease {TTL} s)")
        self.assertEqual(self.status("b")["ha"]["leader"], "b")
        self.assertTrue(self.status("b")["ha"]["leading"])
        # b's starts are written ahead to etcd, under its own term
        self.wait_for("b starts an action", lambda: self.rounds("b", "done") >= 1)
        started = json.loads(self.etcd.get(f"/entropy-test-{os.getpid()}/started/b"))
        self.assertEqual(self.etcd.get(f"/entropy-test-{os.getpid()}/leader"), "b")
        self.assertRegex(started["what"], r"^migrateVM vm-")

    def started_after(self, name, t):
        return self.journal_rows(name, "SELECT count(*) FROM actions WHERE started >= ?",
                                 (t,))[0][0]

    def test_a_paused_leader_starts_nothing_once_let_go(self):
        self.leader_and_standby()
        self.wait_for("a executes", lambda: self.rounds("a", "done") >= 1)
        self.daemons["a"].send_signal(signal.SIGSTOP)
        self.wait_for("b leads", lambda: self.role("b") == "leader")
        self.wait_for("b runs rounds", lambda: self.rounds("b") >= 2)
        resumed = time.time()
        self.daemons["a"].send_signal(signal.SIGCONT)
        self.wait_for("a stands by", lambda: self.role("a") == "standby")
        time.sleep(3 * TTL)  # rounds a would have run, had it not known
        self.assertEqual(self.started_after("a", resumed), 0)
        self.assertEqual(self.role("b"), "leader")
        with open(os.path.join(self.tmp, "a", "entropy.log")) as f:
            self.assertIn("is no longer the leader", f.read())

    def test_the_loop_goes_on_without_one_etcd_member(self):
        self.start("a")
        self.wait_for("a leads", lambda: self.role("a") == "leader")
        endpoint = self.status("a")["ha"]["etcd"]["endpoint"]
        victim = next(n for n in self.etcd.names if self.etcd.url(n) == endpoint)
        self.etcd.kill(victim)  # the member a talks to
        before = self.rounds("a")
        self.wait_for("rounds go on", lambda: self.rounds("a") >= before + 3)
        self.assertEqual(self.role("a"), "leader")
        self.assertNotEqual(self.status("a")["ha"]["etcd"]["endpoint"], endpoint)

    def test_without_etcd_the_leader_starts_nothing(self):
        self.start("a")
        self.wait_for("a executes", lambda: self.rounds("a", "done") >= 1)
        for n in self.etcd.names:
            self.etcd.kill(n)
        self.wait_for("a stands by", lambda: self.role("a") == "standby", 30)
        stood = time.time()
        self.assertIn("no etcd endpoint answers", self.status("a")["ha"]["etcd"]["error"])
        time.sleep(3 * TTL)
        self.assertEqual(self.started_after("a", stood), 0)
        with open(os.path.join(self.tmp, "a", "entropy.log")) as f:
            self.assertIn("etcd does not renew its lease", f.read())

    def test_etcd_keeps_the_last_rounds_and_carries_the_commands_words(self):
        """The leader's journal rows in etcd stop at ha.keep_rounds rounds; a command run against
        the standby's configuration (another machine) reaches the leader through etcd."""
        prefix = f"/entropy-test-{os.getpid()}/journal/"
        self.leader_and_standby_with(**{"ha.keep_rounds": "3"})
        self.wait_for("a runs rounds", lambda: self.rounds("a") >= 8)
        rounds = [k for k in self.etcd.keys(prefix) if k.startswith(prefix + "rounds/")]
        self.assertLessEqual(len(rounds), 3 + 2, rounds)  # and the last seen, and the one under way
        self.assertTrue(rounds)
        p = subprocess.run([harness.ENTROPY, "maintenance", "start", "node-003", "--reason",
                            "disk", "--config", os.path.join(self.tmp, "b", "entropy.properties")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(prefix + "maintenance/node-003", self.etcd.keys(prefix))
        self.wait_for("a empties node-003", lambda: "node-003" in (
            self.status("a").get("maintenance") or {}))
        p = subprocess.run([harness.ENTROPY, "maintenance", "end", "node-003", "--config",
                            os.path.join(self.tmp, "b", "entropy.properties")],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.wait_for("a lets node-003 go", lambda: "node-003" not in (
            self.status("a").get("maintenance") or {}))

    def lab_up(self, nodes, vms):
        self.lab = os.path.join(self.tmp, "lab")
        subprocess.run([harness.ENTROPY, "lab", "up", "--nodes", str(nodes), "--vms", str(vms),
                        "--memory", "64", "--dir", self.lab], check=True, capture_output=True,
                       timeout=120)
        self.addCleanup(subprocess.run, [harness.ENTROPY, "lab", "down", "--dir", self.lab],
                        capture_output=True, timeout=120)

    def running_action(self, name):
        plan = (self.status(name) or {}).get("plan") or {}
        running = [a for a in plan.get("actions", []) if a.get("status") == "running"]
        return running[0] if running else None

    def assert_no_vm_lost_or_doubled(self, vms):
        harness.assert_no_vm_lost_or_doubled(self, self.lab, vms)

    def lab_leader_migrating(self):
        """A lab of 3 nodes and 3 VMs with slow migrations, a leading and b standing by: the
        action a has running once one runs."""
        self.lab_up(3, 3)
        self.leader_and_standby_with(**{"monitor.source": "lab", "monitor.lab.dir": self.lab,
                                        "loop.period": "2", "migration.bandwidth": "0.05"})
        return self.wait_for("a migrates", lambda: self.running_action("a"), 120)

    def wait_consolidated_by_b(self, polls, also=lambda: True):
        """Until b has the lab on one node and nothing running (and also() holds), every VM
        checked to run at most once, and to run somewhere, at each look."""
        for _ in range(polls):
            self.assert_no_vm_lost_or_doubled(3)
            doc = self.status("b") or {}
            if (doc.get("cluster") or {}).get("active_nodes") == 1 and \
                    not self.running_action("b") and also():
                return
            time.sleep(0.2)

    def journal_rows(self, name, sql, args=()):
        db = sqlite3.connect(f"file:{self.tmp}/{name}/journal.db?mode=ro", uri=True)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def test_a_leader_paused_mid_migration_on_the_lab_starts_nothing_once_let_go(self):
        """The same lab: the leader stopped (SIGSTOP) while a live migration runs, beyond its
        lease; the standby takes over (the VMs whose migration the stopped leader holds stay
        locked to it); the old leader let go (SIGCONT) finishes what it had running, starts no
        action (its journal), stands by, and the new leader consolidates; every VM runs once
        throughout."""
        self.lab_leader_migrating()
        self.daemons["a"].send_signal(signal.SIGSTOP)
        self.wait_for("b leads", lambda: self.role("b") == "leader")
        self.wait_for("b runs rounds", lambda: self.rounds("b") >= 2)
        self.assert_no_vm_lost_or_doubled(3)
        resumed = time.time()
        self.daemons["a"].send_signal(signal.SIGCONT)
        self.wait_for("a stands by", lambda: self.role("a") == "standby")
        # a's migrations end; b consolidates the VMs they released
        self.wait_consolidated_by_b(900, lambda: not self.running_action("a"))
        self.assertEqual(self.started_after("a", resumed), 0)
        self.assertEqual(self.role("b"), "leader")
        self.assertEqual(self.status("b")["cluster"]["active_nodes"], 1)
        for v in range(1, 4):
            self.assertEqual(len(harness.lab_instances(self.lab, f"vm-{v}", running=True)), 1)

    def test_the_successor_finishes_the_plan_of_a_leader_killed_mid_migration(self):
        """Two daemons on one lab of real QEMU micro-VMs: the leader is killed with -9 while a
        live migration runs; the standby takes over, imports the journal the leader kept in etcd
        (the plan, the action running), reconciles it as after a crash (nothing replayed) and
        consolidates; every VM runs once throughout, and the migration the old leader started is
        never started again."""
        action = self.lab_leader_migrating()
        self.assert_no_vm_lost_or_doubled(3)
        self.daemons["a"].kill()
        (round_, idx, started) = self.journal_rows(
            "a", "SELECT round, idx, started FROM actions WHERE state = 'running'")[0]
        self.wait_for("b leads", lambda: self.role("b") == "leader")
        # b knows a's plan: the action a had running is in b's journal, from etcd
        self.wait_for("b imports a's plan", lambda: self.journal_rows(
            "b", "SELECT state FROM actions WHERE round = ? AND idx = ?", (round_, idx)))
        self.wait_consolidated_by_b(600)
        self.assertEqual(self.status("b")["cluster"]["active_nodes"], 1)
        for v in range(1, 4):
            self.assertEqual(len(harness.lab_instances(self.lab, f"vm-{v}", running=True)), 1)
        (state, again) = self.journal_rows(
            "b", "SELECT state, started FROM actions WHERE round = ? AND idx = ?", (round_, idx))[0]
        self.assertNotEqual(state, "running")  # settled by b's reconciliation
        self.assertEqual(again, started)  # and never started again
        with open(os.path.join(self.tmp, "b", "entropy.log")) as f:
            log = f.read()
        if os.environ.get("ENTROPY_TEST_SHOW_LOG"):
            print(log)
        self.assertIn("journal row(s) from etcd (a new term)", log)
        self.assertNotRegex(log, rf"migrated {action['vm']} from {action['from']} to "
                                 rf"{action['to']}\b.*\n(?s:.*)migrated {action['vm']} from "
                                 rf"{action['from']} to {action['to']}\b")


if __name__ == "__main__":
    harness.main()
