#!/usr/bin/env python3
"""The seed documents' deployment played end to end: a real gmond, the seed's gmetric script
(its text unchanged) for each of 4 Xen nodes, a FAKE cluster of xend 3.3 servers with live
migration between them (xen33.py: Xen cannot run here), and `bin/controlLoop.sh start` running
`entropy daemon` on it: Ganglia says where the VMs are, xend sizes them and migrates them.

- it consolidates (the VMs are small: sized by xend they fit on one node; sized by the 1024 MB
  default they would need three);
- with the node it would pack onto refusing every migration, the loop converges without that
  node within 3 rounds of the first refusal;
- with a migration that outlasts migration.timeout (xend goes on with it: migrating-NAME on its
  source, then the VM on the destination), there is no phantom VM and every VM runs exactly
  once at the end.

usage: test_seed_deployment.py ENTROPY_BINARY [unittest args]"""
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
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import seed  # noqa: E402
import xen33  # noqa: E402

LOOP = os.path.join(harness.REPO, "bin", "controlLoop.sh")
SUBNET = 100 + os.getpid() % 100  # loopback addresses 127.0.SUBNET.N, apart from another run's


class SeedDeployment(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="entropy-seed-test-")
        self.gmond = seed.Gmond()
        self.cluster = self.scripts = None
        self.config = os.path.join(self.tmp, "entropy.properties")
        self.journal = os.path.join(self.tmp, "journal.db")
        self.socket = os.path.join(self.tmp, "entropy.sock")
        self.log = os.path.join(self.tmp, "entropy.log")
        self.env = dict(os.environ, ENTROPY_CONFIG=self.config, ENTROPY_BIN=harness.ENTROPY,
                        ENTROPY_PID_FILE=os.path.join(self.tmp, "entropy.pid"))

    def tearDown(self):
        self.loop("stop", check=None)
        if self.scripts:
            self.scripts.stop()
        if self.cluster:
            self.cluster.stop()
        self.gmond.stop()
        if os.environ.get("KEEP"):
            print("kept", self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def loop(self, cmd, check=0):
        p = subprocess.run([LOOP, cmd], capture_output=True, text=True, env=self.env, timeout=180)
        if check is not None:
            self.assertEqual(p.returncode, check, p.stdout + p.stderr + self.log_tail())
        return p

    def log_tail(self):
        if not os.path.exists(self.log):
            return ""
        with open(self.log) as f:
            return "\nlog:\n" + f.read()[-4000:]

    def deploy(self, nodes, vms, refusing=(), delay=None, first_delay=None, frozen=False,
               **keys):
        """The fake Xen nodes (refusing: nodes that refuse incoming migrations; delay: seconds
        the first migrations take; first_delay: the first migration alone), the seed script on
        each, Ganglia seeing all of them (frozen: the scripts stopped then, so that Ganglia lags
        behind whatever happens next); then the daemon, started by the seed's control-loop
        script."""
        self.cluster = xen33.Cluster(self.tmp, nodes, vms, SUBNET)
        self.cluster.refusing.update(refusing)
        if delay:
            self.cluster.delays.update({vm: delay for vm in vms})
        self.scripts = seed.SeedScripts(self.gmond, self.tmp, nodes)
        deadline = time.monotonic() + 30
        while True:
            snap = json.loads(harness.monitor("--ganglia", f"127.0.0.1:{self.gmond.tcp}").stdout)
            if len(snap["nodes"]) == len(nodes) and len(snap["vms"]) == len(vms):
                break
            self.assertLess(time.monotonic(), deadline, snap)
            time.sleep(0.3)
        self.cluster.first_delay = first_delay
        for p in self.scripts.procs if frozen else ():
            os.kill(p.pid, signal.SIGSTOP)
        settings = {
            "monitor.source": "ganglia", "monitor.ganglia.host": "127.0.0.1",
            "monitor.ganglia.port": self.gmond.tcp, "monitor.timeout": 5,
            "driver.xend.urls": " ".join(f"{n}={u}" for n, u in self.cluster.url.items()),
            "loop.period": 2, "loop.time_limit": 1, "daemon.log": self.log,
            "daemon.journal": self.journal, "daemon.socket": self.socket}
        settings.update(keys)
        with open(self.config, "w") as f:
            f.writelines(f"{k} = {v}\n" for k, v in settings.items())
        self.loop("start")

    def status(self):
        p = subprocess.run([harness.ENTROPY, "status", "--json", "--socket", self.socket],
                           capture_output=True, text=True, timeout=30)
        return json.loads(p.stdout) if p.returncode == 0 else {}

    def actions(self):
        """(round, kind, vm, src, dst, state, detail) of every action the journal holds."""
        if not os.path.exists(self.journal):
            return []
        with sqlite3.connect(self.journal) as db:
            return db.execute("SELECT round, kind, vm, src, dst, state, detail FROM actions "
                              "ORDER BY round, idx").fetchall()

    def wait_until(self, what, test, timeout=90):
        found = harness.poll(test, timeout, 0.5)
        if found:
            return found
        self.fail(f"{what}: not within {timeout} s\ncluster: {self.cluster.placement()}\n"
                  f"actions: {self.actions()}{self.log_tail()}")

    def hosts(self):
        """The nodes that hold VMs, when every VM runs exactly once (else None)."""
        where = self.cluster.placement()
        if any(len(nodes) != 1 for nodes in where.values()):
            return None
        return {nodes[0] for nodes in where.values()}

    def settled(self):
        """The last round: it planned nothing, and every VM runs once (its round number)."""
        last = self.status().get("last_round") or {}
        if last.get("skipped") is False and last.get("actions") == 0 and self.hosts():
            return last["round"]
        return None

    def assert_never_a_phantom(self):
        for _, kind, vm, *_ in self.actions():
            self.assertFalse(vm.startswith("migrating-"), f"{kind} of a transient domain {vm}")
        for node, name, _ in self.cluster.posts:
            self.assertFalse(name.startswith("migrating-"), f"POST for {name} on {node}")

    def stop_coherent(self):
        out = self.loop("stop").stdout
        self.assertIn("the cluster is coherent", out)

    NODES = {f"hv{i}": (4096, 4) for i in range(1, 5)}
    # 8 VMs of 384 MB, 2 per node: 3 GiB in all, one node's worth once xend has sized them
    VMS = {f"vm0{i}": (f"hv{(i - 1) // 2 + 1}", 384, 1) for i in range(1, 9)}

    def test_consolidates_the_seed_deployment(self):
        self.deploy(self.NODES, self.VMS)
        self.wait_until("the VMs on one node", lambda: self.hosts() and len(self.hosts()) == 1)
        self.wait_until("a round with nothing to do", self.settled)
        st = self.status()
        self.assertEqual(st["cluster"]["active_nodes"], 1)
        self.assertEqual(st["cluster"]["vms"], 8)
        moved = [a for a in self.actions() if a[1] == "migrateVM"]
        self.assertTrue(moved)
        self.assertTrue(all(a[5] == "done" for a in moved), moved)
        self.assert_never_a_phantom()
        self.stop_coherent()

    def test_autostart_creates_the_seed_domain_through_xend(self):
        """The seed's DVD Store domain file in vm.definitions, linked from auto/ as /etc/xen/auto
        does: the daemon creates it through xend (op=create with the SXP xm create would send,
        then op=unpause) on one node, once; Ganglia then sees it through the seed script."""
        defs = os.path.join(self.tmp, "xen")
        os.makedirs(os.path.join(defs, "auto"))
        with open(os.path.join(harness.REPO, "tests", "data", "definitions", "dvdstore.cfg")) as f:
            text = f.read()
        with open(os.path.join(defs, "dvdstore.cfg"), "w") as f:
            f.write(text)
        os.symlink("../dvdstore.cfg", os.path.join(defs, "auto", "dvdstore.cfg"))
        self.deploy(self.NODES, self.VMS, **{"vm.definitions": defs})
        self.wait_until("the DVD Store domain running once",
                        lambda: self.cluster.placement().get("NFS-DVDStore") and
                        len(self.cluster.placement()["NFS-DVDStore"]) == 1 and
                        "NFS-DVDStore" not in self.cluster.paused)
        self.wait_until("a round with nothing to do", self.settled)
        [(node, config)] = self.cluster.created
        vm = xen33.parse_sxp(config)
        self.assertEqual(xen33.sxp_value(vm, "name"), "NFS-DVDStore")
        self.assertEqual(xen33.sxp_value(vm, "memory"), "512")
        linux = [i for i in vm if isinstance(i, list) and i[0] == "image"][0][1]
        self.assertEqual(xen33.sxp_value(linux, "kernel"), "/boot/vmlinuz-2.6-xenU")
        self.assertEqual(xen33.sxp_value(linux, "root"), "/dev/nfs")
        self.assertIn("nfsroot=192.168.1.1:/dvdstore", xen33.sxp_value(linux, "args"))
        creates = [p for p in self.cluster.posts if p[2].get("op") == "create"]
        self.assertEqual(len(creates), 1, creates)
        boots = [a for a in self.actions() if a[1] == "bootVM"]
        self.assertEqual([(a[2], a[5]) for a in boots], [("NFS-DVDStore", "done")])
        self.assertIn("NFS-DVDStore", sum((n["vms"] for n in self.status()["cluster"]["nodes"]), []))
        self.stop_coherent()

    def test_a_node_that_refuses_migrations_is_avoided(self):
        # hv1 is the big node everything would go to, and it refuses every incoming relocation
        nodes = dict(self.NODES, hv1=(8192, 8))
        vms = {f"vm0{i}": ("hv1" if i <= 4 else f"hv{i - 3}", 384, 1) for i in range(1, 9)}
        vms["vm08"] = ("hv4", 384, 1)
        self.deploy(nodes, vms, refusing={"hv1"})
        refused = self.wait_until("a migration to hv1 refused", lambda: [
            a for a in self.actions() if a[4] == "hv1" and a[5] == "failed"])
        first = refused[0][0]
        settled = self.wait_until("a round with nothing to do", self.settled)
        # rounds that decided something (a round skipped because Ganglia had not caught up with
        # the last migrations yet decides nothing, so it moves nothing back either)
        with sqlite3.connect(self.journal) as db:
            deciding = db.execute("SELECT COUNT(*) FROM rounds WHERE id > ? AND id <= ? AND "
                                  "state != 'skipped'", (first, settled)).fetchone()[0]
        self.assertLessEqual(deciding, 3, self.actions())
        self.assertFalse([a for a in self.actions() if a[4] == "hv1" and a[5] == "done"])
        # and it stays so: no round after the first refusal's avoidance tries hv1 and fails again
        time.sleep(5)
        later = [a for a in self.actions() if a[0] > first + 3 and a[5] == "failed"]
        self.assertEqual(later, [])
        self.assertIn("hv1", self.log_tail())  # the avoidance is logged
        self.assert_never_a_phantom()
        self.stop_coherent()

    def test_a_migration_that_times_out_leaves_no_phantom(self):
        # whichever VMs move first take 6 s: past the driver's 2 s
        self.deploy(self.NODES, self.VMS, delay=6, **{"migration.timeout": 2})
        gave_up = self.wait_until("a migration given up", lambda: [
            a for a in self.actions() if a[1] == "migrateVM" and a[5] == "failed"])
        self.cluster.delays.clear()
        self.assertIn("gave up", gave_up[0][6] or "", gave_up)
        self.wait_until("the VMs on one node", lambda: self.hosts() and len(self.hosts()) == 1)
        self.wait_until("a round with nothing to do", self.settled)
        where = self.cluster.placement()
        self.assertEqual(sorted(where), sorted(self.VMS))  # every VM, none new
        self.assertTrue(all(len(n) == 1 for n in where.values()), where)
        self.assertEqual(self.status()["cluster"]["vms"], 8)
        self.assert_never_a_phantom()
        self.stop_coherent()

    def test_stop_while_xend_goes_on_with_a_migration_says_so(self):
        # the first migration outlasts migration.timeout by far: stopping while xend goes on with
        # it is not "coherent", even though monitoring lags (the seed scripts frozen: Ganglia
        # never shows migrating-NAME, and the rounds after it are skipped as stale)
        self.deploy(self.NODES, self.VMS, first_delay=20, frozen=True,
                    **{"migration.timeout": 2})
        gave_up = self.wait_until("a migration given up", lambda: [
            a for a in self.actions() if a[1] == "migrateVM" and a[5] == "failed"])
        self.wait_until("a round that saw it in flight", lambda: (
            self.status().get("last_round") or {}).get("round", 0) > gave_up[0][0])
        out = self.loop("stop").stdout
        for p in self.scripts.procs:
            os.kill(p.pid, signal.SIGCONT)
        self.assertIn("may still be running", out)
        self.assertNotIn("coherent", out)
        self.wait_until("xend finishing the migration", lambda: all(
            len(n) == 1 for n in self.cluster.placement().values()), timeout=60)
        self.assert_never_a_phantom()


if __name__ == "__main__":
    harness.main()
