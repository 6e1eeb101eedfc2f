#!/usr/bin/env python3
"""The libvirt driver: real live migrations between two real libvirtd hosts (libvirt_pair.sh:
network namespaces, a blackhole route for their subnet), checked with virsh; failures (an
unreachable destination, a destination that refuses); error paths with libvirt's test driver,
which has no migration.

usage: test_libvirt_migration.py ENTROPY_BINARY [unittest args]"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bmc  # noqa: E402
import harness  # noqa: E402

ENTROPY = None
PAIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "libvirt_pair.sh")
MICRO_VM = """<domain type='{kind}'>
  <name>{name}</name><uuid>{uuid}</uuid><memory unit='MiB'>{mib}</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
</domain>"""
KIND = "kvm" if os.access("/dev/kvm", os.W_OK) else "qemu"


def entropy_migrate(*args):
    p = subprocess.run([ENTROPY, "migrate", *args], capture_output=True, text=True, timeout=120)
    return p.returncode, (json.loads(p.stdout) if p.stdout.strip() else None), p.stderr


class TwoHosts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.pair = os.path.join(cls.dir.name, "pair")
        subprocess.run([PAIR, "start", cls.pair], check=True, timeout=180)
        cls.uri = {h: f"qemu+unix:///system?socket={cls.pair}/{h}/run/libvirt-sock"
                   for h in ("h1", "h2")}
        cls.nodes = " ".join(f"{h}={u}" for h, u in cls.uri.items())
        with open(os.path.join(cls.pair, "subnet")) as f:
            cls.net = f.read().strip()  # this run's own, from libvirt_pair.sh
        cls.peers = f"h1=qemu+tcp://{cls.net}.1/system h2=qemu+tcp://{cls.net}.2/system"

    @classmethod
    def tearDownClass(cls):
        subprocess.run([PAIR, "stop", cls.pair], timeout=120)
        cls.dir.cleanup()

    def virsh(self, host, *args, check=True):
        return subprocess.run(["virsh", "-q", "-c", self.uri[host], *args], check=check,
                              capture_output=True, text=True, timeout=60).stdout.strip()

    def guest(self, host, name, start=True, mib=64):
        path = os.path.join(self.dir.name, f"{name}-{host}.xml")
        with open(path, "w") as f:
            f.write(MICRO_VM.format(kind=KIND, name=name, uuid=uuid.uuid4(), mib=mib))
        self.virsh(host, "define", path)
        if start:
            self.virsh(host, "start", name)
        for h in ("h1", "h2"):
            self.addCleanup(self.virsh, h, "destroy", name, check=False)
            self.addCleanup(self.virsh, h, "undefine", name, check=False)

    def where(self, name):
        """host -> state of name, for the hosts that know it."""
        out = {}
        for h in ("h1", "h2"):
            st = self.virsh(h, "domstate", name, check=False)
            if st:
                out[h] = st
        return out

    def test_live_migration(self):
        self.guest("h1", "mig-1")
        rc, out, err = entropy_migrate("mig-1", "h1", "h2", "--libvirt", self.nodes,
                                       "--migrate-uris", self.peers, "--max-downtime", "100",
                                       "--bandwidth", "200")
        self.assertEqual(rc, 0, err)
        self.assertTrue(out["migrated"])
        self.assertGreater(out["bytes"], 0)
        self.assertIsNotNone(out["downtime_ms"])
        self.assertGreater(out["seconds"], 0)
        # running on h2, persistent there, undefined on h1
        self.assertEqual(self.where("mig-1"), {"h2": "running"})
        self.assertIn("yes", [l.split()[-1] for l in self.virsh("h2", "dominfo", "mig-1").splitlines()
                              if l.startswith("Persistent")])

    def test_unreachable_destination_leaves_the_vm(self):
        self.guest("h1", "mig-2")
        rc, out, _ = entropy_migrate("mig-2", "h1", "h2", "--libvirt", self.nodes,
                                     "--migrate-uris", f"h2=qemu+tcp://{self.net}.3/system")
        self.assertEqual(rc, 1)
        self.assertIn(f"{self.net}.3", out["error"])
        self.assertEqual(out["now"], {"node": "h1", "state": "running", "copies": 1})
        self.assertEqual(self.where("mig-2"), {"h1": "running"})

    def test_destination_refuses(self):
        self.guest("h1", "mig-3")
        self.guest("h2", "mig-3", start=False)  # another domain of that name, other UUID
        rc, out, _ = entropy_migrate("mig-3", "h1", "h2", "--libvirt", self.nodes,
                                     "--migrate-uris", self.peers)
        self.assertEqual(rc, 1)
        self.assertIn("mig-3", out["error"])
        self.assertEqual(out["now"]["node"], "h1")
        self.assertEqual(out["now"]["copies"], 1)
        self.assertEqual(self.where("mig-3"), {"h1": "running", "h2": "shut off"})


class Failover(unittest.TestCase):
    """Failover on two real libvirt hosts: guests defined by XML in a shared definitions
    directory run on h2; h2 dies (every process of its namespace killed: libvirtd and QEMU); the
    daemon fences it through its ipmi_sim BMC and restarts each guest exactly once on h1 (virsh on
    both); h2 coming back does not run a guest twice."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.pair = os.path.join(self.dir.name, "pair")
        subprocess.run([PAIR, "start", self.pair], check=True, timeout=180)
        self.addCleanup(subprocess.run, [PAIR, "stop", self.pair], timeout=120)
        self.uri = {h: f"qemu+unix:///system?socket={self.pair}/{h}/run/libvirt-sock"
                    for h in ("h1", "h2")}
        self.bmc = bmc.Bmc("h2", on=True)
        self.addCleanup(self.bmc.stop)
        self.defs = os.path.join(self.dir.name, "defs")  # the shared directory
        os.makedirs(self.defs)
        for i, name in enumerate(("fo-1", "fo-2"), 1):
            path = os.path.join(self.defs, name + ".xml")
            xml = MICRO_VM.format(kind=KIND, name=name, uuid=uuid.uuid4(), mib=64)
            with open(path, "w") as f:
                f.write(xml.replace("<vcpu>", "<metadata><e:vm xmlns:e='urn:entropy:vm' "
                                    f"priority='{i}'/></metadata><vcpu>"))
            self.virsh("h2", "define", path)
            self.virsh("h2", "start", name)
        self.work = os.path.join(self.dir.name, "work")
        os.makedirs(self.work)
        self.config = os.path.join(self.work, "entropy.properties")
        nodes = " ".join(f"{h}={u}" for h, u in self.uri.items())
        with open(self.config, "w") as f:
            f.write(f"monitor.source = libvirt\nmonitor.libvirt.uris = {nodes}\n"
                    f"monitor.timeout = 3\nmonitor.memory_reserve_mb = 0\n"
                    f"loop.objective = repair\nloop.period = 1\nvm.definitions = {self.defs}\n"
                    f"failover.after = 2\npower.nodes = h2={self.bmc.uri}\n"
                    f"power.ipmi.password_file = {self.bmc.password_file}\n"
                    f"daemon.log = {self.work}/entropy.log\n"
                    f"daemon.journal = {self.work}/journal.db\n"
                    f"daemon.socket = {self.work}/entropy.sock\n")

    def virsh(self, host, *args, check=True):
        return subprocess.run(["virsh", "-q", "-c", self.uri[host], *args], check=check,
                              capture_output=True, text=True, timeout=60).stdout.strip()

    def log(self):
        with open(os.path.join(self.work, "entropy.log")) as f:
            return f.read()

    def wait_log(self, words, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.path.exists(os.path.join(self.work, "entropy.log")) and words in self.log():
                return
            time.sleep(0.2)
        self.fail(f"the log never said {words!r}:\n{self.log()[-4000:]}")

    def test_the_dead_host_is_fenced_and_each_guest_restarted_once(self):
        daemon = subprocess.Popen([ENTROPY, "daemon", "--config", self.config],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self.wait_log("round 2: snapshot")
            subprocess.run([PAIR, "kill", self.pair, "h2"], check=True, timeout=60)
            self.wait_log("failover: node h2 is fenced: powered off and confirmed off")
            self.assertEqual(self.bmc.power(), "off")
            self.wait_log("bootVM fo-1 on h1: created from", 180)
            self.wait_log("bootVM fo-2 on h1: created from", 180)
            log = self.log()
            self.assertLess(log.index("node h2 is fenced"), log.index("bootVM fo-2 on h1"))
            self.assertLess(log.index("node h2 is fenced"), log.index("bootVM fo-1 on h1"))
            for name in ("fo-1", "fo-2"):
                self.assertEqual(self.virsh("h1", "domstate", name), "running")
            # the dead host comes back: its guests are not running there, nothing twice
            self.assertEqual(self.bmc.ipmitool("chassis", "power", "on").returncode, 0)
            subprocess.run([PAIR, "revive", self.pair, "h2"], check=True, timeout=60)
            self.wait_log("failover: node h2 is returned", 120)
            time.sleep(3)  # a few more rounds with h2 back
            for name in ("fo-1", "fo-2"):
                self.assertEqual(self.virsh("h1", "domstate", name), "running")
                self.assertNotEqual(self.virsh("h2", "domstate", name, check=False), "running")
        finally:
            daemon.terminate()
            daemon.wait(timeout=60)
        with sqlite3.connect(os.path.join(self.work, "journal.db")) as db:
            boots = db.execute("SELECT vm, dst, state FROM actions WHERE kind = 'bootVM' "
                               "ORDER BY vm").fetchall()
        self.assertEqual(boots, [("fo-1", "h1", "done"), ("fo-2", "h1", "done")])
        for name in ("fo-1", "fo-2"):
            self.virsh("h1", "destroy", name, check=False)


class TestDriver(unittest.TestCase):
    """libvirt's test driver: a real client library, no daemon, no migration."""

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.empty = os.path.join(self.dir.name, "empty.xml")
        with open(self.empty, "w") as f:
            f.write("<node><cpu><mhz>2400</mhz><nodes>1</nodes><sockets>1</sockets><cores>4"
                    "</cores><threads>1</threads><active>4</active></cpu>"
                    "<memory>8388608</memory></node>")
        self.nodes = f"t1=test:///default t2=test://{self.empty}"

    def tearDown(self):
        self.dir.cleanup()

    def test_no_migration_in_the_test_driver(self):
        rc, out, _ = entropy_migrate("test", "t1", "t2", "--libvirt", self.nodes)
        self.assertEqual(rc, 1)
        self.assertIn("virDomainMigrateToURI3", out["error"])
        self.assertEqual(out["now"], {"node": "t1", "state": "running", "copies": 1})

    def test_unknown_domain_and_node(self):
        rc, out, _ = entropy_migrate("nosuch", "t1", "t2", "--libvirt", self.nodes)
        self.assertEqual(rc, 1)
        self.assertIn("nosuch", out["error"])
        rc, out, _ = entropy_migrate("test", "t1", "t9", "--libvirt", self.nodes)
        self.assertEqual(rc, 1)
        self.assertIn("no URI for node t9", out["error"])
        rc, out, err = entropy_migrate("test", "t1", "t2", "--libvirt", self.nodes,
                                       "--migrate-uris", "t7=test:///default")
        self.assertEqual(rc, 2)
        self.assertIn("t7", err)


if __name__ == "__main__":
    harness.main()
