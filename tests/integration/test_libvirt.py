#!/usr/bin/env python3
"""The libvirt adapter against libvirt's own test driver (test:///default and test:///FILE,
which describes a host and its running domains): real libvirt client library, real
virNodeGetInfo and virConnectGetAllDomainStats, no daemon; then against a real libvirtd with
a real QEMU guest (libvirt_lab.sh: its own mount namespace, UNIX socket only).

usage: test_libvirt.py ENTROPY_BINARY [unittest args]"""
import json
import os
import signal
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

ENTROPY = None
monitor = harness.monitor

HOST = """<node>
  <cpu><mhz>2400</mhz><model>x86_64</model><nodes>1</nodes><sockets>1</sockets>
    <cores>{cores}</cores><threads>1</threads><active>{cores}</active></cpu>
  <memory>{memory_kib}</memory>
{domains}
</node>"""

DOMAIN = """  <domain type="test">
    <name>{name}</name><uuid>{uuid}</uuid>
    <memory unit="MiB">{max_mib}</memory><currentMemory unit="MiB">{mib}</currentMemory>
    <vcpu>{vcpus}</vcpu><os><type>hvm</type></os>
  </domain>"""


def domain(name, n, mib, vcpus, max_mib=None):
    return DOMAIN.format(name=name, uuid=f"00000000-0000-0000-0000-{n:012d}", mib=mib,
                         max_mib=max_mib or mib, vcpus=vcpus)


class Libvirt(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        hosts = {
            "h1": HOST.format(cores=8, memory_kib=16 << 20, domains="\n".join([
                domain("web-1", 1, 1536, 2, max_mib=2048),  # ballooned down to 1536
                domain("db-1", 2, 4096, 4)])),
            "h2": HOST.format(cores=4, memory_kib=8 << 20, domains="\n".join([
                domain("cache-1", 3, 1024, 1)])),
            # a Xen host as libvirt shows it: Domain-0 among the domains
            "x1": HOST.format(cores=4, memory_kib=8 << 20, domains="\n".join([
                domain("Domain-0", 9, 1024, 4), domain("mail-1", 4, 2048, 2)])),
            # web-1 again: running on two hosts at once
            "h3": HOST.format(cores=4, memory_kib=8 << 20, domains=domain("web-1", 1, 1536, 2)),
            # a guest named to break out of a shell, a URL or a log line
            "h4": HOST.format(cores=4, memory_kib=8 << 20, domains="\n".join([
                domain("evil;touch${IFS}$(id)", 5, 1024, 1), domain("fine-1", 6, 512, 1)])),
        }
        cls.uri = {}
        for name, xml in hosts.items():
            path = os.path.join(cls.dir.name, name + ".xml")
            with open(path, "w") as f:
                f.write(xml)
            cls.uri[name] = f"{name}=test://{path}"

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def snapshot(self, *hosts, extra=()):
        args = [a for h in hosts for a in ("--libvirt", self.uri[h])]
        return json.loads(monitor(*args, *extra).stdout)

    def test_default_test_driver(self):
        snap = json.loads(monitor("--libvirt", "test:///default").stdout)
        [node] = snap["nodes"]
        self.assertEqual((node["memory_mb"], node["cpu"], node["vms"]), (3072, 1600, ["test"]))
        self.assertEqual(node["driver"], "libvirt")

    def test_capacity_placement_and_balloon(self):
        snap = self.snapshot("h1", "h2")
        nodes = {n["name"]: n for n in snap["nodes"]}
        self.assertEqual((nodes["h1"]["memory_mb"], nodes["h1"]["cpu"]), (16384, 800))
        self.assertEqual((nodes["h2"]["memory_mb"], nodes["h2"]["cpu"]), (8192, 400))
        vms = {v["name"]: v for v in snap["vms"]}
        self.assertEqual({v: vms[v]["node"] for v in vms},
                         {"web-1": "h1", "db-1": "h1", "cache-1": "h2"})
        self.assertEqual(vms["web-1"]["memory_mb"], 1536)  # balloon, not the maximum
        self.assertEqual(vms["db-1"]["cpu"], 400)  # first round: vCPUs x 100
        self.assertEqual(snap["issues"], [])

    def test_domain0(self):
        snap = self.snapshot("x1")
        self.assertEqual([v["name"] for v in snap["vms"]], ["mail-1"])
        self.assertEqual(snap["nodes"][0]["memory_mb"], 8192 - 1024)

    def test_cpu_use_from_cpu_time_deltas(self):
        # The test driver's cpu.time grows by one second per second whatever the vCPUs.
        snap = self.snapshot("h1", extra=("--sample", "1"))
        for vm in snap["vms"]:
            with self.subTest(vm=vm["name"]):
                self.assertGreater(vm["cpu"], 50)
                self.assertLess(vm["cpu"], 150)

    def test_vm_on_two_hosts_is_pinned_and_reported(self):
        snap = self.snapshot("h1", "h3")
        self.assertEqual(len(snap["issues"]), 1)
        self.assertIn("web-1", snap["issues"][0])
        self.assertEqual([v["node"] for v in snap["vms"] if v["name"] == "web-1"], ["h1"])
        doc = json.loads(monitor("--libvirt", self.uri["h1"], "--libvirt", self.uri["h3"],
                                 "--btrplace").stdout)
        roots = [c for c in doc["constraints"] if c["id"] == "root"]
        self.assertEqual(len(roots), 1)

    def test_unreachable_host_is_lost_and_none_readable_fails(self):
        """A host that cannot be read is lost this round (failover watches such nodes): offline
        in the snapshot when its name is known, reported; when no host can be read, monitoring
        itself is down and the snapshot fails."""
        bad = f"qemu+unix:///system?socket={self.dir.name}/no-such-socket"
        snap = json.loads(monitor("--libvirt", self.uri["h1"], "--libvirt", f"h9={bad}").stdout)
        nodes = {n["name"]: n for n in snap["nodes"]}
        self.assertEqual(set(nodes), {"h1", "h9"})
        self.assertEqual(nodes["h9"]["vms"], [])
        [issue] = [i for i in snap["issues"] if "h9" in i]
        self.assertIn("lost this round", issue)
        self.assertIn("cannot connect", issue)
        doc = json.loads(monitor("--libvirt", self.uri["h1"], "--libvirt", f"h9={bad}",
                                 "--btrplace").stdout)
        self.assertEqual(len(doc["model"]["mapping"]["offlineNodes"]), 1)
        p = monitor("--libvirt", bad, check=2)
        self.assertIn(bad, p.stderr)
        self.assertIn("cannot connect", p.stderr)
        self.assertEqual(p.stdout, "")  # no view at all: nothing to decide on

    def test_sources_from_the_configuration_file(self):
        path = os.path.join(self.dir.name, "entropy.properties")
        with open(path, "w") as f:
            f.write("monitor.source = libvirt\n"
                    f"monitor.libvirt.uris = {self.uri['h1']}  {self.uri['h2']}\n"
                    "monitor.vm_cpu = 50\n")
        snap = json.loads(monitor("--config", path).stdout)
        self.assertEqual([n["name"] for n in snap["nodes"]], ["h1", "h2"])
        vms = {v["name"]: v for v in snap["vms"]}
        self.assertEqual(vms["db-1"]["cpu"], 4 * 50)  # first round: vCPUs x monitor.vm_cpu

    def test_vm_cpu_option_sets_the_unmeasured_share(self):
        snap = self.snapshot("h1", extra=("--vm-cpu", "30"))
        vms = {v["name"]: v for v in snap["vms"]}
        self.assertEqual((vms["db-1"]["cpu"], vms["web-1"]["cpu"]), (4 * 30, 2 * 30))

    def test_hostile_guest_name_is_left_alone(self):
        snap = self.snapshot("h4")
        vms = {v["name"]: v for v in snap["vms"]}
        # the placeholder is vm#INDEX; libvirt lists domains in no set order
        hidden = [n for n in vms if n != "fine-1"]
        self.assertEqual(len(vms), 2)
        self.assertIn("fine-1", vms)
        self.assertRegex(hidden[0], r"^vm#[0-9]+$")
        self.assertEqual(vms[hidden[0]]["memory_mb"], 1024)
        self.assertEqual(len(snap["issues"]), 1)
        self.assertIn("is not a valid name", snap["issues"][0])

    def test_ganglia_vms_sized_by_their_libvirtd(self):
        # Ganglia names the VMs of KVM nodes; their libvirtd (here the test driver) sizes them
        with open(os.path.join(self.dir.name, "dump.xml"), "w") as f:
            f.write(harness.ganglia_dump({"h1": ["web-1", "db-1"], "h2": ["cache-1", "new-1"]},
                                         kind="kvm", driver="kvm"))
        snap = harness.monitor_config(self.dir.name, [
            "monitor.source = ganglia", "monitor.ganglia.file = dump.xml",
            f"driver.libvirt.uris = {self.uri['h1']} {self.uri['h2']}"])
        vms = {v["name"]: v for v in snap["vms"]}
        self.assertEqual((vms["web-1"]["memory_mb"], vms["web-1"]["cpu"]), (1536, 200))
        self.assertEqual(vms["cache-1"]["memory_mb"], 1024)
        self.assertEqual(vms["cache-1"]["sized_by"], "libvirt " + self.uri["h2"].split("=", 1)[1])
        self.assertEqual(vms["new-1"]["sized_by"], "default")
        self.assertIn("1 VMs sized by default", "\n".join(snap["issues"]))

    def test_same_node_twice(self):
        p = monitor("--libvirt", self.uri["h1"], "--libvirt", self.uri["h1"], check=2)
        self.assertIn("h1 given twice", p.stderr)


LAB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "libvirt_lab.sh")
MICRO_VM = """<domain type='qemu'>
  <name>{name}</name><memory unit='MiB'>{mib}</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
</domain>"""


class RealLibvirtd(unittest.TestCase):
    """libvirtd 9 and QEMU from Debian (scripts/setup.sh installs them): a guest with no disk
    idles in its firmware, which is all monitoring needs."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.lab = os.path.join(cls.dir.name, "lab")
        subprocess.run([LAB, "start", cls.lab], check=True, timeout=60)
        cls.uri = f"qemu+unix:///system?socket={cls.lab}/run/libvirt-sock"

    @classmethod
    def tearDownClass(cls):
        subprocess.run([LAB, "stop", cls.lab], timeout=60)
        cls.dir.cleanup()

    def virsh(self, *args):
        return subprocess.run(["virsh", "-q", "-c", self.uri, *args], check=True,
                              capture_output=True, text=True, timeout=60).stdout

    def guest(self, name, mib, start=True):
        path = os.path.join(self.dir.name, name + ".xml")
        with open(path, "w") as f:
            f.write(MICRO_VM.format(name=name, mib=mib))
        self.virsh("create" if start else "define", path)
        self.addCleanup(subprocess.run,
                        ["virsh", "-q", "-c", self.uri, "destroy" if start else "undefine", name],
                        capture_output=True, timeout=60)

    def test_node_and_running_guests(self):
        self.guest("micro-1", 64)
        self.guest("micro-2", 96)
        self.guest("stopped-1", 128, start=False)  # defined, not running: not placed
        info = dict(line.split(":", 1) for line in self.virsh("nodeinfo").splitlines() if ":" in line)
        snap = json.loads(monitor("--libvirt", f"lab={self.uri}", "--sample", "1").stdout)
        [node] = snap["nodes"]
        self.assertEqual(node["name"], "lab")
        self.assertEqual(node["cpu"], int(info["CPU(s)"]) * 100)
        self.assertEqual(node["memory_mb"], int(info["Memory size"].split()[0]) // 1024)
        self.assertEqual(node["type"], "QEMU")
        self.assertEqual(sorted(node["vms"]), ["micro-1", "micro-2"])
        vms = {v["name"]: v for v in snap["vms"]}
        self.assertEqual((vms["micro-1"]["memory_mb"], vms["micro-2"]["memory_mb"]), (64, 96))
        for vm in vms.values():  # measured over the second: one vCPU at most
            self.assertGreaterEqual(vm["cpu"], 0)
            self.assertLessEqual(vm["cpu"], 110)

    def test_hung_libvirtd_fails_the_round_and_recovers(self):
        with open(os.path.join(self.lab, "libvirtd.pid")) as f:
            pid = int(f.read())
        os.kill(pid, signal.SIGSTOP)  # accepts connections, answers nothing
        try:
            p = monitor("--libvirt", self.uri, "--timeout", "2", check=2)
        finally:
            os.kill(pid, signal.SIGCONT)
        self.assertIn(f"libvirt {self.uri}: no answer within 2 s", p.stderr)
        self.assertEqual(p.stdout, "")
        again = json.loads(monitor("--libvirt", self.uri).stdout)  # answering again
        self.assertEqual(len(again["nodes"]), 1)

    def test_guest_that_stops_leaves_the_snapshot(self):
        self.guest("micro-3", 64)
        first = json.loads(monitor("--libvirt", self.uri).stdout)
        self.assertIn("micro-3", [v["name"] for v in first["vms"]])
        self.virsh("destroy", "micro-3")
        second = json.loads(monitor("--libvirt", self.uri).stdout)
        self.assertNotIn("micro-3", [v["name"] for v in second["vms"]])

    def test_autostart_defines_and_starts_a_guest_once(self):
        """A guest defined by XML in vm.definitions, marked autostart, running nowhere: the
        daemon's round boots it through the libvirt driver (virDomainDefineXML + create), once."""
        work = tempfile.mkdtemp(dir=self.dir.name)
        defs = os.path.join(work, "defs")
        os.makedirs(defs)
        xml = MICRO_VM.format(name="auto-1", mib=64).replace(
            "<vcpu>", "<metadata><e:vm xmlns:e='urn:entropy:vm' autostart='yes'/></metadata><vcpu>")
        with open(os.path.join(defs, "auto-1.xml"), "w") as f:
            f.write(xml)
        config = os.path.join(work, "entropy.properties")
        with open(config, "w") as f:
            f.write(f"monitor.source = libvirt\nmonitor.libvirt.uris = lab={self.uri}\n"
                    f"monitor.memory_reserve_mb = 0\nvm.definitions = {defs}\n"
                    f"loop.period = 1\ndaemon.log = {work}/entropy.log\n"
                    f"daemon.journal = {work}/journal.db\ndaemon.socket = {work}/entropy.sock\n")
        self.addCleanup(subprocess.run, ["virsh", "-q", "-c", self.uri, "undefine", "auto-1"],
                        capture_output=True, timeout=60)
        self.addCleanup(subprocess.run, ["virsh", "-q", "-c", self.uri, "destroy", "auto-1"],
                        capture_output=True, timeout=60)
        p = subprocess.run([ENTROPY, "daemon", "--config", config, "--rounds", "4"],
                           capture_output=True, text=True, timeout=240)
        with open(os.path.join(work, "entropy.log")) as f:
            log = f.read()
        self.assertEqual(p.returncode, 0, p.stderr + log[-3000:])
        self.assertIn("running", self.virsh("domstate", "auto-1"), log[-3000:])
        self.assertEqual(log.count("bootVM auto-1 on lab: created from"), 1, log[-3000:])
        # seen running afterwards: a VM of the snapshot, never booted again
        snap = json.loads(monitor("--libvirt", f"lab={self.uri}").stdout)
        self.assertIn("auto-1", snap["nodes"][0]["vms"])


if __name__ == "__main__":
    harness.main()
