#!/usr/bin/env python3
"""The libvirt adapter against libvirt's own test driver (test:///default and test:///FILE,
which describes a host and its running domains): real libvirt client library, real
virNodeGetInfo and virConnectGetAllDomainStats, no daemon.

usage: test_libvirt.py ENTROPY_BINARY [unittest args]"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

ENTROPY = None

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


def monitor(*args, check=0):
    p = subprocess.run([ENTROPY, "monitor", *args], capture_output=True, text=True, timeout=60)
    if p.returncode != check:
        raise AssertionError(f"exit {p.returncode}, want {check}: {p.stderr}")
    return p


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

    def test_unreachable_host_fails_the_snapshot(self):
        bad = f"qemu+unix:///system?socket={self.dir.name}/no-such-socket"
        p = monitor("--libvirt", self.uri["h1"], "--libvirt", bad, check=2)
        self.assertIn(bad, p.stderr)
        self.assertIn("cannot connect", p.stderr)
        self.assertEqual(p.stdout, "")  # never half a cluster

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

    def test_same_node_twice(self):
        p = monitor("--libvirt", self.uri["h1"], "--libvirt", self.uri["h1"], check=2)
        self.assertIn("h1 given twice", p.stderr)


if __name__ == "__main__":
    ENTROPY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
