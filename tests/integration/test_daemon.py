#!/usr/bin/env python3
"""The control-loop daemon: bin/controlLoop.sh start/status/stop on the simulated cluster; the
journal and its reconciliation after kill -9; end to end on the local lab (real QEMU, QMP
driver), with stop during a live migration; SIGHUP; bad configuration files.

usage: test_daemon.py ENTROPY_BINARY [unittest args]"""
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import bmc  # noqa: E402
import harness  # noqa: E402

ENTROPY = None
BASE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOOP = os.path.join(BASE, "bin", "controlLoop.sh")
DAEMON_OUT = os.path.join(BASE, "logs", "daemon.out")  # the daemons' stderr (controlLoop.sh)


def daemon_out_size():
    try:
        return os.path.getsize(DAEMON_OUT)
    except FileNotFoundError:
        return 0


class Daemon(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="entropy-daemon-test-")
        self.config = os.path.join(self.tmp, "entropy.properties")
        self.log = os.path.join(self.tmp, "entropy.log")
        self.journal = os.path.join(self.tmp, "journal.db")
        self.socket = os.path.join(self.tmp, "entropy.sock")
        self.pid_file = os.path.join(self.tmp, "entropy.pid")
        self.env = dict(os.environ, ENTROPY_CONFIG=self.config, ENTROPY_PID_FILE=self.pid_file,
                        ENTROPY_BIN=ENTROPY)
        self.lab = None
        self.out_seen = daemon_out_size()

    def tearDown(self):
        self.loop("stop", check=None)
        said = ""  # what this test's daemons wrote to stderr: ASan, UBSan, TSan reports
        if os.path.exists(DAEMON_OUT):
            with open(DAEMON_OUT, errors="replace") as f:
                f.seek(self.out_seen)
                said = f.read()
        if self.lab:
            subprocess.run([ENTROPY, "lab", "down", "--dir", self.lab], capture_output=True)
        if os.environ.get("KEEP"):
            print("kept", self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)
        for report in ("Sanitizer", "runtime error"):
            self.assertNotIn(report, said)

    def write_config(self, **keys):
        base = {"daemon.log": self.log, "daemon.journal": self.journal,
                "daemon.socket": self.socket, "loop.period": "1"}
        if keys.get("monitor.source") == "lab":  # the lab's nodes fit their VMs to the MB
            base["monitor.memory_reserve_mb"] = "0"
        base.update(keys)
        with open(self.config, "w") as f:
            for k, v in base.items():
                f.write(f"{k} = {v}\n")

    def loop(self, cmd, check=0):
        p = subprocess.run([LOOP, cmd], capture_output=True, text=True, env=self.env, timeout=180)
        if check is not None:
            self.assertEqual(p.returncode, check, p.stdout + p.stderr)
        return p

    def log_text(self):
        with open(self.log) as f:
            return f.read()

    def wait_log(self, words, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if os.path.exists(self.log) and words in self.log_text():
                return
            time.sleep(0.1)
        self.fail(f"the log never said {words!r}:\n{self.log_text()[-3000:]}")

    def status(self):
        p = subprocess.run([ENTROPY, "status", "--json", "--socket", self.socket],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        return json.loads(p.stdout)

    def journal_actions(self):
        with sqlite3.connect(self.journal) as db:
            return db.execute("SELECT round, idx, kind, vm, src, dst, state, detail FROM actions "
                              "ORDER BY round, idx").fetchall()

    def test_start_status_stop_on_the_simulation(self):
        self.write_config(**{"monitor.sim.action_seconds": "1.5"})
        out = self.loop("start").stdout
        self.assertIn("started (pid", out)
        with open(self.pid_file) as f:
            pid = int(f.read())
        os.kill(pid, 0)
        for path, mode in ((self.socket, 0o660), (self.log, 0o640), (self.journal, 0o640)):
            self.assertEqual(os.stat(path).st_mode & 0o777, mode, path)  # not the world's
        again = self.loop("start", check=1)
        self.assertIn("already running", again.stderr)
        # a round is executing: actions in flight
        self.wait_log("round 1: action 0: migrateVM")
        for _ in range(100):
            st = self.status()
            acts = (st.get("plan") or {}).get("actions", [])
            if any(a["status"] == "running" for a in acts):
                break
            time.sleep(0.05)
        self.assertEqual(st["state"], "executing")
        self.assertEqual(st["cluster"]["nodes_total"], 16)
        human = self.loop("status").stdout
        self.assertIn(f"entropy daemon: pid {pid}, executing", human)
        t0 = time.monotonic()
        out = self.loop("stop").stdout
        self.assertIn("stopped; the cluster is coherent", out)
        self.assertFalse(os.path.exists(self.pid_file))
        log = self.log_text()
        self.assertIn("not started: stop requested", log)
        self.assertIn("daemon: stop after 1 round(s) (stop requested)", log)
        # what was running when stop came finished (done), what was not started stayed so
        states = [a[6] for a in self.journal_actions()]
        self.assertIn("done", states)
        self.assertIn("not started", states)
        self.assertNotIn("running", states)
        self.assertNotIn("pending", states)
        self.assertGreater(time.monotonic() - t0, 0.3)  # it waited for the action in flight
        self.assertIn("not running", self.loop("status", check=3).stdout)

    def test_clients_that_never_read_do_not_block_the_status(self):
        # a status document larger than a socket's buffer, and 20 clients that never read it
        self.write_config(**{"monitor.sim.nodes": "8000", "monitor.sim.vms": "24000",
                             "loop.objective": "none", "loop.period": "600"})
        self.loop("start")
        for _ in range(600):
            if (self.status().get("cluster") or {}).get("vms") == 24000:
                break
            time.sleep(0.1)
        size = len(json.dumps(self.status()))
        with open("/proc/sys/net/core/wmem_default") as f:  # what a socket's buffer holds
            self.assertGreater(size, 2 * int(f.read()))
        idle = []
        for _ in range(20):
            s = socket.socket(socket.AF_UNIX)
            s.connect(self.socket)
            idle.append(s)
        try:
            time.sleep(0.5)
            st = self.status()  # within entropy status's 5 s, as if the 20 were not there
            self.assertEqual(st["cluster"]["vms"], 24000)
        finally:
            for s in idle:
                s.close()
        self.loop("stop")

    def test_a_failed_start_shows_its_own_errors_only(self):
        below = os.path.join(self.tmp, "plain-file")
        with open(below, "w") as f:
            f.write("x")
        self.write_config(**{"daemon.journal": os.path.join(below, "journal.db")})
        first = self.loop("start", check=1).stderr
        self.assertIn("Not a directory", first)  # the cause, not SQLite's words alone
        with open(self.journal, "wb") as f:  # then a damaged journal
            f.write(b"SQLite format 3\x00" + b"\xab" * 8192)
        self.write_config()
        second = self.loop("start", check=1).stderr
        self.assertIn(self.journal, second)
        self.assertNotIn("Not a directory", second)  # the earlier attempt's error is not shown

    def test_start_after_kill_9_and_a_stale_pid_that_names_another_process(self):
        """The script and the daemon judge liveness alike (the pid file's lock): a daemon killed
        with -9 does not block the next start, and a stale pid naming a live process that is not
        Entropy is neither taken for a daemon nor signalled."""
        self.write_config()
        self.loop("start")
        with open(self.pid_file) as f:
            pid = int(f.read())
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):  # gone (or a zombie): the lock is released at once
            try:
                os.kill(pid, 0)
                with open(f"/proc/{pid}/stat") as f:
                    if f.read().split(") ")[1].startswith("Z"):
                        break
            except OSError:
                break
            time.sleep(0.05)
        out = self.loop("start").stdout
        self.assertIn("started (pid", out)
        self.loop("stop")
        bystander = subprocess.Popen(["sleep", "60"])
        try:
            with open(self.pid_file, "w") as f:
                f.write(f"{bystander.pid}\n")
            self.assertIn("not running", self.loop("status", check=3).stdout)
            self.assertIn("not running", self.loop("stop").stdout)
            self.assertIsNone(bystander.poll(), "a process that is not Entropy was signalled")
            with open(self.pid_file, "w") as f:
                f.write(f"{bystander.pid}\n")
            self.assertIn("started (pid", self.loop("start").stdout)
            self.assertIsNone(bystander.poll())
        finally:
            bystander.kill()
            bystander.wait()

    def test_status_shows_the_cluster_as_the_round_left_it(self):
        """Between rounds entropy status shows the placement the round produced, not the
        snapshot taken before its migrations."""
        self.write_config(**{"loop.period": "600"})
        self.loop("start")
        for _ in range(200):
            st = self.status()
            if st["state"] == "idle" and st.get("last_round"):
                break
            time.sleep(0.1)
        last = st["last_round"]
        self.assertGreater(last["done"], 0)
        self.assertEqual(last["done"], last["actions"])
        self.assertEqual(st["cluster"]["active_nodes"], last["target_nodes"])
        self.assertLess(st["cluster"]["active_nodes"], last["active_nodes"])

    def test_a_round_that_overruns_is_not_stacked(self):
        # four migrations of 1.5 s, two at a time: round 1 takes 3 s, the period is 1 s
        self.write_config(**{"monitor.sim.nodes": "4", "monitor.sim.vms": "8",
                             "monitor.sim.action_seconds": "1.5", "loop.objective": "balance"})
        with open(self.config, "a") as f:
            f.write("loop.objective = consolidate\n")  # set twice: refused, naming line 9
        d = subprocess.run([ENTROPY, "daemon", "--config", self.config, "--rounds", "2"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(d.returncode, 2)
        self.assertIn(":9: loop.objective is already set on line 8", d.stderr)
        self.write_config(**{"monitor.sim.nodes": "4", "monitor.sim.vms": "8",
                             "monitor.sim.action_seconds": "1.5"})
        d = subprocess.run([ENTROPY, "daemon", "--config", self.config, "--rounds", "2"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(d.returncode, 0, d.stderr)
        log = self.log_text()
        self.assertRegex(log, r"round 1 took [0-9.]+ s, more than loop.period \(1 s\): the next "
                              r"starts now")
        self.assertLess(log.index("round 1: ended"), log.index("round 2: snapshot"))
        self.assertEqual(log.count("round 2: snapshot"), 1)
        self.assertNotIn("round 3", log)

    def test_bad_configuration_is_refused_naming_the_line(self):
        cases = [("monitor.source = sim\nloop.perod = 5\n", ":2: unknown key \"loop.perod\""),
                 ("loop.period = 0\n", ":1: loop.period"),
                 ("loop.objective = fastest\n", ":1: loop.objective"),
                 ("loop.dry_run = maybe\n", ":1: loop.dry_run"),
                 ("monitor.source = xend\n", "monitor.source = xend needs monitor.xend.urls")]
        for text, words in cases:
            with self.subTest(text=text):
                with open(self.config, "w") as f:
                    f.write(text)
                p = self.loop("start", check=None)
                self.assertNotEqual(p.returncode, 0)
                self.assertIn(words, p.stdout + p.stderr)
                self.assertFalse(os.path.exists(self.pid_file))
                d = subprocess.run([ENTROPY, "daemon", "--config", self.config, "--rounds", "1"],
                                   capture_output=True, text=True, timeout=60)
                self.assertEqual(d.returncode, 2)
                self.assertIn(words, d.stderr)

    def test_dry_run_and_sighup(self):
        self.write_config(**{"loop.dry_run": "yes", "loop.period": "1"})
        self.loop("start")
        self.wait_log("round 1: dry run: nothing executed")
        os.rename(self.log, self.log + ".1")  # rotation
        with open(self.config, "a") as f:
            f.write("loop.objective = none\nha.keep_rounds = 7\n")
        with open(self.pid_file) as f:
            pid = int(f.read())
        os.kill(pid, signal.SIGHUP)
        self.wait_log("configuration reloaded")  # in the new file
        self.assertIn("SIGHUP: log reopened", self.log_text())
        # a key read at start only is named, its running value kept, in the log and the status
        self.assertIn("reload: ha.keep_rounds changed: read when the daemon starts, the running "
                      "value is kept until it restarts", self.log_text())
        self.assertEqual(self.status()["restart_needed"], ["ha.keep_rounds"])
        p = subprocess.run([ENTROPY, "status", "--socket", self.socket], capture_output=True,
                           text=True, timeout=30)
        self.assertIn("restart needed for: ha.keep_rounds (changed in the file", p.stdout)
        with open(self.config, "a") as f:
            f.write("no.such.key = 1\n")
        os.kill(pid, signal.SIGHUP)
        self.wait_log("reload refused, the running configuration is kept")
        self.assertIn("no.such.key", self.log_text())
        self.loop("stop")
        self.assertEqual(self.journal_actions(), [])  # nothing was ever executed

    def plan_approve(self, *args):
        return subprocess.run([ENTROPY, "plan", "approve", *args, "--config", self.config],
                              capture_output=True, text=True, timeout=30)

    def test_recommend_mode_waits_for_approval(self):
        """loop.mode = recommend: a round's plan waits (state "awaiting approval", the plan shown,
        nothing executed), is superseded by the next round when nobody approves it, and is
        executed once approved with entropy plan approve; a bad round number is refused, and an
        approval when no plan waits says so."""
        self.write_config(**{"loop.mode": "recommend", "loop.period": "3",
                             "loop.time_limit": "0.2"})
        p = self.plan_approve("0")
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.loop("start")
        self.wait_log("round 1: plan of")
        st = self.status()
        self.assertEqual(st["state"], "awaiting approval", st)
        self.assertTrue(st["plan"]["actions"], st)
        self.assertTrue(st["plan"]["awaiting_approval"], st)
        self.wait_log("round 1: plan not approved: superseded by the next round", 30)
        self.assertEqual(self.journal_actions(), [])  # nothing ran of itself
        self.wait_log("round 2: plan of")
        p = self.plan_approve()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("plan approved", p.stdout)
        self.wait_log("round 2: plan approved: executing", 30)
        self.wait_log("round 2: executed in", 60)
        p = self.plan_approve("2")  # approved once, not twice
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.loop("stop")
        with sqlite3.connect(self.journal) as db:
            states = dict(db.execute("SELECT id, state FROM rounds").fetchall())
        self.assertEqual(states[1], "superseded")
        self.assertEqual(states[2], "done")
        acted = {a[0] for a in self.journal_actions()}
        self.assertEqual(acted - {2}, set(), acted)  # only the approved round acted
        self.assertTrue(self.journal_actions())

    def test_power_off_empty_nodes_then_boot_spares_on_the_simulation(self):
        """Nodes the loop has emptied are powered off once empty for power.min_idle, beyond the
        spare one; raising power.spare_nodes (SIGHUP) boots offline nodes again, which come back
        online; no VM stops (the simulator kills the VMs of a node cut while it hosts any)."""
        power = {"loop.power_off_empty": "yes", "power.nodes": "*=sim:", "power.min_idle": "1",
                 "power.spare_nodes": "1", "monitor.sim.power_seconds": "0.5",
                 "loop.time_limit": "0.2"}
        self.write_config(**power)
        self.loop("start")
        self.wait_log("off (empty for")
        for _ in range(100):
            st = self.status()
            nodes = (st.get("power") or {}).get("nodes") or []
            if any(n["state"] == "offline" for n in nodes):
                break
            time.sleep(0.2)
        off = [n["node"] for n in nodes if n["state"] == "offline"]
        self.assertTrue(off, st)
        self.assertEqual(st["cluster"]["vms"], 48)  # every VM runs
        self.assertLess(st["power"]["watts"], st["power"]["watts_all_on"])
        for n in st["cluster"]["nodes"]:
            if n["name"] in off:
                self.assertEqual((n["state"], n["vms"]), ("offline", []))
        self.assertIn("power: ", self.loop("status").stdout)
        power["power.spare_nodes"] = "6"
        self.write_config(**power)
        with open(self.pid_file) as f:
            os.kill(int(f.read()), signal.SIGHUP)
        self.wait_log("on (spare capacity)")
        self.wait_log("after it was booted")
        st = self.status()
        self.assertEqual(st["cluster"]["vms"], 48)
        self.loop("stop")
        self.assertNotIn("ERROR", self.log_text())
        power = [(a[2], a[5], a[6]) for a in self.journal_actions() if a[2].endswith("Node")]
        self.assertIn(("shutdownNode", off[0], "done"), power)  # journaled, write-ahead
        self.assertIn("bootNode", [p[0] for p in power])

    def test_enclosures_shown_and_a_typo_refused_at_start(self):
        keys = {"enclosure.rack1": "chassis1 chassis2", "enclosure.chassis1": "node-001 node-002",
                "enclosure.chassis2": "node-003 node-04"}
        self.write_config(**keys)
        p = subprocess.run([ENTROPY, "daemon", "--config", self.config, "--rounds", "1"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertRegex(p.stderr, r"entropy\.properties:7: node-04 \(in enclosure chassis2\) "
                                   r"is neither a node monitoring shows nor an enclosure")
        keys["enclosure.chassis2"] = "node-003 node-004"
        self.write_config(**keys)
        self.loop("start")
        for _ in range(200):
            st = self.status()
            if st.get("last_round"):
                break
            time.sleep(0.1)
        nodes = {n["name"]: n for n in st["cluster"]["nodes"]}
        self.assertEqual(nodes["node-001"]["enclosure"], "chassis1")
        self.assertEqual(nodes["node-004"]["enclosure"], "chassis2")
        self.assertIsNone(nodes["node-010"]["enclosure"])
        self.loop("stop")

    def maintenance(self, *args, check=0):
        p = subprocess.run([ENTROPY, "maintenance", *args, "--config", self.config],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, check, p.stdout + p.stderr)
        return p.stdout

    def wait_maintenance(self, target, state, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            st = self.status()
            got = (st.get("maintenance") or {}).get(target)
            if got and got["state"] == state:
                return st
            time.sleep(0.1)
        self.fail(f"{target} never {state}: {st.get('maintenance')}\n{self.log_text()[-2000:]}")

    def wait_any_blocked(self, targets, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            st = self.status()
            m = st.get("maintenance") or {}
            blocked = [t for t in targets if (m.get(t) or {}).get("state") == "blocked"]
            if blocked:
                return st, blocked[0]
            time.sleep(0.1)
        self.fail(f"none of {targets} blocked: {st.get('maintenance')}")

    def test_maintenance_of_an_enclosure_on_the_simulation(self):
        """A three-level enclosure in maintenance with power-off: exactly its nodes are emptied
        and powered off while the others keep every VM; a restart resumes from the journal; an
        evacuation the rest cannot take is refused with the reason; end brings the nodes back."""
        keys = {"enclosure.rack1": "chassis1 chassis2", "enclosure.chassis1": "node-001 node-002",
                "enclosure.chassis2": "node-003", "loop.power_off_empty": "no",
                "power.nodes": "*=sim:",
                "loop.time_limit": "0.2", "monitor.sim.action_seconds": "0.3"}
        self.write_config(**keys)
        self.assertIn("rack1: to be emptied",
                      self.maintenance("start", "rack1", "--power-off", "--reason", "PSU swap"))
        self.loop("start")
        self.wait_log("round 1: action 0: migrateVM")
        self.loop("stop")  # mid-evacuation: the journal keeps the maintenance
        self.assertIn("rack1: in maintenance, powered off once empty: PSU swap",
                      self.maintenance("status"))
        self.loop("start")
        st = self.wait_maintenance("rack1", "powered off")
        nodes = {n["name"]: n for n in st["cluster"]["nodes"]}
        for name, n in nodes.items():
            inside = name in ("node-001", "node-002", "node-003")
            self.assertEqual(n["maintenance"], inside, name)
            if inside:
                self.assertEqual((n["state"], n["vms"]), ("offline", []), name)
        self.assertEqual(st["cluster"]["vms"], 48)  # every VM still runs, elsewhere
        self.assertEqual(st["maintenance"]["rack1"]["vms_left_per_node"],
                         {"node-001": 0, "node-002": 0, "node-003": 0})
        self.assertEqual(nodes["node-001"]["enclosure"], "chassis1")
        # without --power-off the node is emptied and stays on
        self.maintenance("start", "node-004")
        st = self.wait_maintenance("node-004", "empty")
        node4 = {n["name"]: n for n in st["cluster"]["nodes"]}["node-004"]
        self.assertEqual((node4["state"], node4["vms"]), ("online", []))
        self.maintenance("end", "node-004")
        # the rest cannot take everything: refused with the reason, nothing lost
        every = [f"node-{i:03d}" for i in range(4, 17)]
        self.maintenance("start", *every)
        # which of them still hold VMs is the solver's say (a round under way may empty one
        # more): one that holds VMs is blocked, with the reason
        st, blocked = self.wait_any_blocked(every)
        self.assertGreater(st["maintenance"][blocked]["vms_left"], 0)
        self.assertRegex(st["maintenance"][blocked]["why"],
                         r"VM vm-\d+ (has no eligible node|must move or start, and no eligible)")
        self.assertEqual(st["cluster"]["vms"], 48)
        self.maintenance("end", *every)
        self.maintenance("end", "rack1")
        self.assertIn("not in maintenance", self.maintenance("end", "rack1", check=1))
        self.wait_log("on (maintenance ended)")
        for _ in range(100):
            st = self.status()
            states = {n["name"]: n["state"] for n in st["cluster"]["nodes"]}
            if states["node-001"] == "online" and not st.get("maintenance"):
                break
            time.sleep(0.1)
        self.assertEqual(states["node-001"], "online")
        self.assertEqual(st["cluster"]["vms"], 48)
        self.loop("stop")

    def test_disruption_caps_and_cooldown_over_fifty_rounds(self):
        """Fifty rounds on the simulator, whose loads flip between rounds around the
        consolidation threshold: no round starts more than loop.max_migrations migrations nor
        more than loop.max_migrations_per_node through one node, and no VM moves twice within
        loop.vm_cooldown_rounds (counted from the journal)."""
        self.write_config(**{"loop.max_migrations": "4", "loop.max_migrations_per_node": "2",
                             "loop.vm_cooldown_rounds": "5", "loop.time_limit": "0.2",
                             "monitor.sim.seed": "7"})
        p = subprocess.run([ENTROPY, "daemon", "--config", self.config, "--rounds", "50"],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        moves = [a for a in self.journal_actions() if a[2] == "migrateVM" and a[6] == "done"]
        self.assertGreater(len(moves), 4)
        per_round, per_node, last = {}, {}, {}
        for rnd, _, _, vm, src, dst, _, _ in moves:
            per_round[rnd] = per_round.get(rnd, 0) + 1
            for node in (src, dst):
                per_node[rnd, node] = per_node.get((rnd, node), 0) + 1
            if vm in last and last[vm] != rnd:  # twice in one round: through a pivot (bypass)
                self.assertGreater(rnd - last[vm], 5, f"{vm} moved in rounds {last[vm]}, {rnd}")
            last[vm] = rnd
        self.assertLessEqual(max(per_round.values()), 4, per_round)
        self.assertLessEqual(max(per_node.values()), 2)
        self.assertIn("left for later rounds", self.log_text())

    def test_outside_the_window_only_repairs(self):
        now = time.localtime()
        later = (now.tm_hour + 2) % 24  # a window that is not now
        self.write_config(**{"loop.window": f"{later:02d}:00-{later:02d}:30"})
        p = subprocess.run([ENTROPY, "daemon", "--config", self.config, "--rounds", "1"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("outside loop.window: repairs only", self.log_text())
        self.assertIn("decision (repair)", self.log_text())  # overloads only, no consolidation
        self.write_config(**{"loop.window": "Mon-Fri 22:00"})
        p = subprocess.run([ENTROPY, "daemon", "--config", self.config, "--rounds", "1"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 2)
        self.assertRegex(p.stderr, r"entropy\.properties:5: loop\.window: \"Mon-Fri 22:00\"")
        # a consolidation that frees too few nodes: repairs only (anti-oscillation)
        os.unlink(self.log)
        self.write_config(**{"loop.min_gain_nodes": "100"})
        p = subprocess.run([ENTROPY, "daemon", "--config", self.config, "--rounds", "1"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(self.log_text(), r"consolidate would free \d+ node\(s\) and save "
                                          r"[0-9.]+ W, less than loop\.min_gain_nodes or "
                                          r"loop\.min_gain_watts: repairs only")
        self.assertIn("decision (repair)", self.log_text())
        os.unlink(self.log)
        self.write_config(**{"loop.min_gain_watts": "1000"})  # 1 W a node without a model
        p = subprocess.run([ENTROPY, "daemon", "--config", self.config, "--rounds", "1"],
                           capture_output=True, text=True, timeout=120)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertRegex(self.log_text(), r"and save [0-9.]+ W, less than")
        self.assertIn("decision (repair)", self.log_text())

    def write_definitions(self):
        """A definitions directory: two autostart VMs (libvirt XML with Entropy's metadata, a Xen
        file linked from auto/ as /etc/xen/auto does), one not to start, one on a local disk, one
        larger than every node."""
        defs = os.path.join(self.tmp, "defs")
        os.makedirs(os.path.join(defs, "auto"))
        files = {
            "web.xml": "<domain type='kvm'><name>auto-web</name><memory unit='MiB'>512</memory>"
                       "<vcpu>1</vcpu><metadata><e:vm xmlns:e='urn:entropy:vm' autostart='yes' "
                       "priority='5'/></metadata><devices><disk type='file'><source "
                       "file='/srv/shared/web.img'/><target dev='vda'/></disk></devices></domain>",
            "batch.cfg": "name = 'auto-batch'\nmemory = 1024\nvcpus = 2\nroot = '/dev/nfs'\n"
                         "nfs_server = '10.0.0.1'\nnfs_root = '/exports/batch'\n",
            "manual.cfg": "name = 'manual'\nmemory = 256\ndisk = [ 'file:/srv/shared/m.img,xvda,w' ]\n",
            "pinned.xml": "<domain><name>pinned</name><memory unit='MiB'>256</memory><metadata>"
                          "<e:vm xmlns:e='urn:entropy:vm' autostart='yes'/></metadata><devices>"
                          "<disk type='block'><source dev='/dev/sdb'/></disk></devices></domain>",
            "huge.cfg": "name = 'huge'\nmemory = 900000\nentropy_autostart = 1\n"
                        "disk = [ 'file:/srv/shared/h.img,xvda,w' ]\n",
        }
        for name, text in files.items():
            with open(os.path.join(defs, name), "w") as f:
                f.write(text)
        os.symlink("../batch.cfg", os.path.join(defs, "auto", "batch.cfg"))
        return defs

    def test_autostart_boots_each_defined_vm_once_on_the_simulation(self):
        defs = self.write_definitions()
        self.write_config(**{"monitor.sim.nodes": "4", "monitor.sim.vms": "6",
                             "vm.definitions": defs, "vm.shared_storage": "/srv/shared"})
        self.loop("start")
        self.wait_log("round 6: decision")
        st = self.status()
        self.loop("stop")
        running = {vm for n in st["cluster"]["nodes"] for vm in n["vms"]}
        self.assertLessEqual({"auto-web", "auto-batch"}, running, st)
        self.assertEqual(set(st["cluster"]["ready_vms"]), {"manual", "pinned", "huge"}, st)
        # booted once each, through the sim driver from their definitions, never again
        boots = [a for a in self.journal_actions() if a[2] == "bootVM"]
        self.assertEqual(sorted(a[3] for a in boots), ["auto-batch", "auto-web"], boots)
        self.assertTrue(all(a[6] == "done" for a in boots), boots)
        log = self.log_text()
        self.assertIn("created from " + os.path.join(defs, "web.xml"), log)
        self.assertIn("VM pinned: disk /dev/sdb is not on shared storage", log)
        self.assertIn("autostart: VM huge is larger than every online node: not booted", log)
        self.assertEqual(log.count("VM pinned: disk /dev/sdb is not on shared storage"), 1, log)
        self.assertEqual(st["autostart"]["booting"], 0, st)  # all booted, seen, forgotten

    def lab_up(self, nodes, vms):
        self.lab = os.path.join(self.tmp, "lab")
        subprocess.run([ENTROPY, "lab", "up", "--nodes", str(nodes), "--vms", str(vms),
                        "--memory", "64", "--dir", self.lab], check=True, capture_output=True)

    def lab_with_bmcs(self, nodes, vms):
        """A lab whose nodes are each behind an ipmi_sim BMC (on while the process the BMC
        starts lives), stopped at the end of the test; the BMCs by node, and the power keys."""
        self.lab_up(nodes, vms)
        run = os.path.join(self.lab, "run")
        bmcs = {f"lab-{i}": bmc.Bmc(f"lab-{i}", on=True,
                                    pid_file=os.path.join(run, f"lab-{i}.power.pid"))
                for i in range(1, nodes + 1)}
        for b in bmcs.values():
            self.addCleanup(b.stop)
        keys = {"power.ipmi.off": "hard", "power.ipmi.password_file": bmcs["lab-1"].password_file,
                "power.nodes": " ".join(f"{n}={b.uri}" for n, b in bmcs.items())}
        return bmcs, keys

    def assert_each_vm_runs_once(self, vms):
        for v in range(1, vms + 1):
            self.assertEqual(len(harness.lab_instances(self.lab, f"vm-{v}", running=True)), 1, f"vm-{v}")

    def assert_no_vm_lost_or_doubled(self, vms):
        harness.assert_no_vm_lost_or_doubled(self, self.lab, vms)

    def test_autostart_starts_a_defined_vm_on_the_lab(self):
        """A defined autostart VM that runs nowhere becomes a real QEMU micro-VM on a lab node,
        booted by the daemon's round through the QMP driver, once."""
        self.lab_up(2, 2)
        defs = os.path.join(self.tmp, "defs")
        os.makedirs(defs)
        with open(os.path.join(defs, "boot-1.xml"), "w") as f:
            f.write("<domain><name>boot-1</name><memory unit='MiB'>64</memory><metadata><e:vm "
                    "xmlns:e='urn:entropy:vm' autostart='yes'/></metadata></domain>")
        self.write_config(**{"monitor.source": "lab", "monitor.lab.dir": self.lab,
                             "vm.definitions": defs})
        self.loop("start")
        self.wait_log("bootVM boot-1 on lab-", timeout=120)
        self.wait_log("round 4: snapshot", timeout=120)
        st = self.status()
        self.loop("stop")
        self.assertEqual(len(harness.lab_instances(self.lab, "boot-1", running=True)), 1)
        self.assertIn("boot-1", sum((n["vms"] for n in st["cluster"]["nodes"]), []), st)
        boots = [a for a in self.journal_actions() if a[2] == "bootVM"]
        self.assertEqual([(a[3], a[6]) for a in boots], [("boot-1", "done")], boots)
        self.assert_each_vm_runs_once(2)

    def test_failover_fences_through_a_real_bmc_and_restarts_each_vm_once_on_the_lab(self):
        """The node that runs the lab's VMs dies (its QEMUs and its power process killed, the BMC
        still saying on): lost for failover.after rounds, the daemon powers it off through its
        ipmi_sim BMC, confirms it off, and restarts each defined VM on the other node, once. The
        node coming back runs nothing twice and stays out until cleared."""
        bmcs, keys = self.lab_with_bmcs(2, 2)
        defs = os.path.join(self.tmp, "defs")
        os.makedirs(defs)
        for v in (1, 2):
            with open(os.path.join(defs, f"vm-{v}.xml"), "w") as f:
                f.write(f"<domain><name>vm-{v}</name><memory unit='MiB'>64</memory><metadata>"
                        f"<e:vm xmlns:e='urn:entropy:vm' priority='{v}'/></metadata></domain>")
        self.write_config(**{"monitor.source": "lab", "monitor.lab.dir": self.lab,
                             "vm.definitions": defs, "failover.after": "2", **keys})
        self.loop("start")
        # consolidated first: both VMs on one node
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            st = self.status()
            busy = [n for n in (st.get("cluster") or {}).get("nodes", []) if n["vms"]]
            if len(busy) == 1 and len(busy[0]["vms"]) == 2:
                break
            time.sleep(0.5)
        self.assertEqual(len(busy), 1, st)
        dead, alive = busy[0]["name"], ({"lab-1", "lab-2"} - {busy[0]["name"]}).pop()
        # the host dies: its guests and the node itself, the BMC still on
        for v in (1, 2):
            for pid in harness.lab_instances(self.lab, f"vm-{v}"):
                os.kill(pid, signal.SIGKILL)
        os.kill(bmcs[dead].node_pid(), signal.SIGKILL)
        self.wait_log(f"failover: node {dead} is fenced: powered off and confirmed off", 120)
        self.assertEqual(bmcs[dead].power(), "off")
        self.wait_log(f"failover: VM vm-1 of dead node {dead} to be restarted elsewhere", 60)
        self.wait_log("bootVM vm-1 on " + alive, 120)
        self.wait_log("bootVM vm-2 on " + alive, 120)
        self.assert_each_vm_runs_once(2)
        # held before the fence: nothing booted while it was only suspected
        log = self.log_text()
        self.assertLess(log.index(f"node {dead} is fenced"), log.index("bootVM vm-1 on"))
        self.assertLess(log.index(f"node {dead} is fenced"), log.index("bootVM vm-2 on"))
        node_status = subprocess.run([ENTROPY, "node", "status", "--json", "--config", self.config],
                                     capture_output=True, text=True, timeout=30)
        [entry] = json.loads(node_status.stdout)
        self.assertEqual((entry["node"], entry["health"]), (dead, "fenced"), entry)
        self.assertEqual(sorted(entry["vms"]), ["vm-1", "vm-2"])
        # the node comes back: runs nothing twice, stays out until cleared
        self.assertEqual(bmcs[dead].ipmitool("chassis", "power", "on").returncode, 0)
        self.wait_log(f"failover: node {dead} is returned", 120)
        self.assert_each_vm_runs_once(2)
        cleared = subprocess.run([ENTROPY, "node", "clear", dead, "--config", self.config],
                                 capture_output=True, text=True, timeout=30)
        self.assertEqual(cleared.returncode, 0, cleared.stderr)
        self.wait_log(f"failover: node {dead} cleared by an administrator", 60)
        self.loop("stop")
        boots = sorted((a[3], a[6]) for a in self.journal_actions() if a[2] == "bootVM")
        self.assertEqual(boots, [("vm-1", "done"), ("vm-2", "done")], boots)
        self.assert_each_vm_runs_once(2)

    def test_lab_end_to_end_stop_during_a_migration(self):
        self.lab_up(3, 4)
        # 0.2 MB/s: each ~0.6 MB migration takes about 3 s
        self.write_config(**{"monitor.source": "lab", "monitor.lab.dir": self.lab,
                             "migration.bandwidth": "0.2", "loop.period": "2"})
        self.loop("start")
        self.wait_log("round 1: action 0: migrateVM")
        time.sleep(1)
        st = self.status()
        self.assertIn("running", [a["status"] for a in st["plan"]["actions"]])
        t0 = time.monotonic()
        self.loop("stop")
        self.assertGreater(time.monotonic() - t0, 0.5)
        log = self.log_text()
        self.assertRegex(log, r"migrated vm-\d from lab-\d to lab-\d: [0-9.]+ s, downtime")
        self.assertNotIn("running", [a[6] for a in self.journal_actions()])
        self.assert_each_vm_runs_once(4)
        # started again, it finishes the consolidation: one node
        self.write_config(**{"monitor.source": "lab", "monitor.lab.dir": self.lab,
                             "loop.period": "1"})
        self.loop("start")
        for _ in range(300):
            st = self.status()
            if (st.get("last_round") or {}).get("actions") == 0 and \
                    st["cluster"]["active_nodes"] == 1:
                break
            time.sleep(0.1)
        self.assertEqual(st["cluster"]["active_nodes"], 1)
        self.loop("stop")
        self.assert_each_vm_runs_once(4)

    def test_power_through_real_bmcs_on_the_lab(self):
        """End to end through IPMI: three lab nodes behind ipmi_sim BMCs (a lab node is on while
        the process its BMC starts lives). The daemon consolidates the three VMs onto one node and
        powers the two emptied ones off (the BMCs report off, the processes are gone); then each
        node has less room (a larger memory reserve, SIGHUP): the VMs no longer fit, the daemon
        boots a node through IPMI, waits until monitoring sees it online and migrates VMs onto
        it. Every VM runs exactly once throughout."""
        bmcs, power_keys = self.lab_with_bmcs(3, 3)
        for b in bmcs.values():
            for _ in range(50):
                if b.node_pid():
                    break
                time.sleep(0.1)
            self.assertIsNotNone(b.node_pid())
        keys = {"monitor.source": "lab", "monitor.lab.dir": self.lab,
                "loop.power_off_empty": "yes", "power.min_idle": "1", "power.spare_nodes": "0",
                **power_keys}
        self.write_config(**keys)
        self.loop("start")
        for _ in range(600):  # both BMCs off: the second may still be switching when one is
            if len([n for n, b in bmcs.items() if b.power() == "off"]) == 2:
                break
            self.assert_no_vm_lost_or_doubled(3)
            time.sleep(0.2)
        off = sorted(n for n, b in bmcs.items() if b.power() == "off")
        self.assertEqual(len(off), 2, self.log_text()[-3000:])
        for n in off:
            for _ in range(50):
                if bmcs[n].node_pid() is None:
                    break
                time.sleep(0.1)
            self.assertIsNone(bmcs[n].node_pid(), n)  # the node's process is gone
        (on,) = set(bmcs) - set(off)
        self.assert_each_vm_runs_once(3)
        # room for two VMs a node (256 MB, 128 kept back): the three need a second node
        keys["monitor.memory_reserve_mb"] = "128"
        self.write_config(**keys)
        with open(self.pid_file) as f:
            os.kill(int(f.read()), signal.SIGHUP)
        self.wait_log("(the VMs no longer fit)", timeout=120)
        self.wait_log("after it was booted", timeout=120)
        booted = [n for n in off if bmcs[n].power() == "on"]
        self.assertEqual(len(booted), 1)
        for _ in range(600):
            st = self.status()
            used = [n["name"] for n in st["cluster"]["nodes"] if n["vms"]]
            if booted[0] in used:
                break
            self.assert_no_vm_lost_or_doubled(3)
            time.sleep(0.2)
        self.assertIn(booted[0], used, self.log_text()[-3000:])
        self.assertRegex(self.log_text(), rf"migrated vm-\d from {on} to {booted[0]}")
        self.loop("stop")
        self.assert_each_vm_runs_once(3)
        power = [(a[2], a[5], a[6]) for a in self.journal_actions() if a[2].endswith("Node")]
        self.assertIn(("bootNode", booted[0], "done"), power)

    def test_maintenance_on_the_lab(self):
        """Real QEMU and real BMCs: an enclosure three levels deep (rack > chassis > lab-1) in
        maintenance with power-off; the daemon live-migrates the VMs off lab-1 while lab-2 and
        lab-3 keep theirs, then powers lab-1 off through IPMI (and only it); every VM runs
        exactly once throughout; end boots lab-1 again."""
        bmcs, power_keys = self.lab_with_bmcs(3, 3)
        keys = {"monitor.source": "lab", "monitor.lab.dir": self.lab,
                "loop.objective": "repair", "enclosure.rack": "chassis",
                "enclosure.chassis": "lab-1", **power_keys}
        self.write_config(**keys)
        self.maintenance("start", "rack", "--power-off", "--reason", "BIOS update")
        self.loop("start")
        st = self.wait_maintenance("rack", "powered off", timeout=120)
        nodes = {n["name"]: n for n in st["cluster"]["nodes"]}
        self.assertEqual(nodes["lab-1"]["vms"], [])
        self.assertTrue(nodes["lab-1"]["maintenance"])
        self.assertEqual(nodes["lab-1"]["enclosure"], "chassis")
        self.assertEqual(sum(len(n["vms"]) for n in nodes.values()), 3)
        for _ in range(100):  # the BMC cuts the power after its poweroff_wait
            if bmcs["lab-1"].power() == "off":
                break
            time.sleep(0.1)
        self.assertEqual([b.power() for b in bmcs.values()], ["off", "on", "on"])
        self.assert_each_vm_runs_once(3)
        self.assertRegex(self.log_text(), r"migrated vm-\d from lab-1 to lab-[23]")
        self.maintenance("end", "rack")
        for _ in range(200):
            st = self.status()
            if not st.get("maintenance") and bmcs["lab-1"].power() == "on":
                break
            time.sleep(0.1)
        self.assertFalse(st["maintenance"])
        self.assertEqual(bmcs["lab-1"].power(), "on")  # booted again through IPMI
        self.wait_log("lab-1 is online")
        self.loop("stop")
        self.assert_each_vm_runs_once(3)

    def test_kill_9_during_a_plan_then_reconciliation(self):
        self.lab_up(3, 4)
        self.write_config(**{"monitor.source": "lab", "monitor.lab.dir": self.lab,
                             "migration.bandwidth": "0.2"})
        self.loop("start")
        self.wait_log("round 1: action 0: migrateVM")
        for _ in range(100):
            if "running" in [a[6] for a in self.journal_actions()]:
                break
            time.sleep(0.05)
        with open(self.pid_file) as f:
            os.kill(int(f.read()), signal.SIGKILL)
        time.sleep(0.5)
        in_flight = [a for a in self.journal_actions() if a[6] == "running"]
        self.assertTrue(in_flight, "nothing was in flight at the kill")
        # restarted for one round: reconciliation first
        d = subprocess.run([ENTROPY, "daemon", "--config", self.config, "--rounds", "1"],
                           capture_output=True, text=True, timeout=180)
        self.assertEqual(d.returncode, 0, d.stderr)
        log = self.log_text()
        self.assertIn("recovery: the journal holds", log)
        self.assertIn("replaying none", log)
        for a in in_flight:
            self.assertRegex(log, rf"recovery: round 1 action {a[1]} \(migrateVM {a[3]} .*: in "
                                  rf"flight; {a[3]} is on lab-\d: the migration "
                                  rf"(completed|did not happen)")
        states = {(a[0], a[1]): a[6] for a in self.journal_actions()}
        for a in in_flight:
            self.assertEqual(states[(a[0], a[1])], "reconciled")
        self.assertNotIn("running", states.values())
        self.assert_each_vm_runs_once(4)


if __name__ == "__main__":
    harness.main()
