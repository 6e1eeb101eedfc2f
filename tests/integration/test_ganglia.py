#!/usr/bin/env python3
"""The Ganglia adapter against a real gmond (Debian's ganglia-monitor) on loopback, with no
metric modules: a cluster is published with gmetric exactly as the seed documents' script does
(container.* metrics, spoofed hosts with -S ip:name; the addresses are only data, every packet
stays on 127.0.0.1), and `entropy monitor` must see it right.

usage: test_ganglia.py ENTROPY_BINARY [unittest args]"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import seed  # noqa: E402

ENTROPY = None
free_port = harness.free_port
monitor = harness.monitor


Gmond = seed.Gmond


class Cluster(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.g = Gmond()
        g = cls.g
        g.node("node-1", "10.200.0.1", ["vm-a", "vm-b"])
        g.node("node-2", "10.200.0.2", ["Domain-0", "vm-c", "vm-a"])  # vm-a on two nodes
        g.node("node-3", "10.200.0.3", ["vm-d"], skip=("container.type",))
        g.node("node-4", "10.200.0.4", ["vm-e"], kind="kvm", mem_kb=8388608, cpus=4)
        g.node("node-5", "10.200.0.5", ["vm-f"], tmax=1)  # will fall silent
        # vm-b runs its own gmond: its demand comes from there
        g.metric("vm-b", "10.200.1.1", "mem_total", 2097152, "uint32", "KB")
        g.metric("vm-b", "10.200.1.1", "cpu_num", 2, "uint8")
        g.metric("vm-b", "10.200.1.1", "cpu_idle", 25, "float")
        time.sleep(0.5)
        cls.port = g.tcp

    @classmethod
    def tearDownClass(cls):
        cls.g.stop()

    def snapshot(self, *extra):
        return json.loads(monitor("--ganglia", f"127.0.0.1:{self.port}", *extra).stdout)

    def test_nodes_vms_and_domain0(self):
        snap = self.snapshot()
        nodes = {n["name"]: n for n in snap["nodes"]}
        self.assertIn("node-1", nodes)
        self.assertEqual(nodes["node-1"]["memory_mb"], 16384)
        self.assertEqual(nodes["node-1"]["cpu"], 800)
        self.assertEqual(nodes["node-1"]["driver"], "xen")
        self.assertEqual(nodes["node-4"]["type"], "kvm")
        self.assertEqual(nodes["node-4"]["memory_mb"], 8192)
        vms = {v["name"]: v for v in snap["vms"]}
        self.assertNotIn("Domain-0", vms)
        self.assertEqual(vms["vm-c"]["node"], "node-2")
        self.assertEqual((vms["vm-b"]["memory_mb"], vms["vm-b"]["cpu"]), (2048, 150))
        self.assertTrue(vms["vm-b"]["reported"])
        self.assertEqual(vms["vm-a"]["memory_mb"], 1024)  # the default
        self.assertFalse(vms["vm-a"]["reported"])

    def test_dom0_memory_subtracted_when_asked(self):
        nodes = {n["name"]: n for n in self.snapshot("--dom0-mb", "1024")["nodes"]}
        self.assertEqual(nodes["node-1"]["memory_mb"], 15360)  # xen: less Domain-0
        self.assertEqual(nodes["node-4"]["memory_mb"], 8192)  # kvm: untouched

    def test_missing_metric_and_duplicate_reported(self):
        snap = self.snapshot()
        issues = "\n".join(snap["issues"])
        self.assertNotIn("node-3", {n["name"] for n in snap["nodes"]})
        self.assertIn("node-3 is not a node: it does not report container.type", issues)
        # gmond lists hosts in no set order: the first one read keeps the VM
        found = re.search(r"VM vm-a is listed on nodes (node-[12]) and (node-[12]): kept on "
                          r"(node-[12]) and left alone this round", issues)
        self.assertIsNotNone(found, issues)
        self.assertEqual({found[1], found[2]}, {"node-1", "node-2"})
        self.assertEqual(found[3], found[1])
        [vm_a] = [v for v in snap["vms"] if v["name"] == "vm-a"]
        self.assertEqual(vm_a["node"], found[1])

    def test_silent_host_is_lost(self):
        # container.vms of node-5 was sent with TMAX 1: after 4 s more it is stale
        time.sleep(5.5)
        snap = self.snapshot()
        self.assertNotIn("node-5", {n["name"] for n in snap["nodes"]})
        self.assertNotIn("vm-f", {v["name"] for v in snap["vms"]})
        self.assertIn("node node-5 is lost", "\n".join(snap["issues"]))

    def test_btrplace_output_solves(self):
        with tempfile.TemporaryDirectory() as tmp:
            inst, plan = os.path.join(tmp, "i.json"), os.path.join(tmp, "p.json")
            with open(inst, "w") as f:
                f.write(monitor("--ganglia", f"127.0.0.1:{self.port}", "--btrplace").stdout)
            subprocess.run([ENTROPY, "solve", inst, "-o", plan], check=True,
                           capture_output=True)
            report = json.loads(subprocess.run([ENTROPY, "check", inst, plan],
                                               capture_output=True, text=True).stdout)
            self.assertTrue(report["valid"])
            root = report["constraints"]["root"]  # the VM on two nodes is left alone
            self.assertEqual(root["present"], 1)


class SeedScript(unittest.TestCase):
    """The seed documents' gmetric script, its text unchanged, run for 4 nodes against a real gmond,
    with xm, xenstore-read and xenstore-ls answering like Xen 3.3 (fakes)."""

    def test_the_seed_script_as_written(self):
        g = Gmond()
        scripts = None
        try:
            cluster = {"hv1": ["vm01", "vm02", "vm03"], "hv2": ["vm04"], "hv3": [],
                       "hv4": ["vm05", "vm06"]}
            for host, vms in cluster.items():
                seed.write_vms(g.dir, host, vms)
            scripts = seed.SeedScripts(g, g.dir, {h: (4096, 4) for h in cluster})
            deadline = time.monotonic() + 30
            while True:
                snap = json.loads(monitor("--ganglia", f"127.0.0.1:{g.tcp}").stdout)
                if len(snap["nodes"]) == 4 or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            nodes = {n["name"]: n for n in snap["nodes"]}
            self.assertEqual(sorted(nodes), sorted(cluster), snap)
            for host, vms in cluster.items():
                # (4096 MB x 1024 - Domain-0's 524288 KB) / 1024, as the script computes it
                self.assertEqual(nodes[host]["memory_mb"], 3584)
                self.assertEqual(nodes[host]["cpu"], 400)
                self.assertEqual(nodes[host]["driver"], "xen")
                self.assertEqual(sorted(nodes[host]["vms"]), vms)  # one per line, each its own
            self.assertEqual(len(snap["vms"]), 6)
            # the seed's metrics name the VMs, never size them: with no hypervisor configured
            # the round says so
            [issue] = snap["issues"]
            self.assertIn("6 VMs sized by default", issue)
        finally:
            if scripts:
                scripts.stop()
            g.stop()


class BadSources(unittest.TestCase):
    def serve(self, payload, delay=0):
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)

        def run():
            conn, _ = srv.accept()
            time.sleep(delay)
            try:
                conn.sendall(payload)
            except OSError:
                pass
            conn.close()
            srv.close()

        threading.Thread(target=run, daemon=True).start()
        return srv.getsockname()[1]

    def test_down(self):
        p = monitor("--ganglia", f"127.0.0.1:{free_port()}", "--timeout", "2", check=2)
        self.assertIn("cannot connect", p.stderr)

    def test_garbage(self):
        port = self.serve(b"<GANGLIA_XML><HOST NAME='x'><METRIC></HOST>")
        p = monitor("--ganglia", f"127.0.0.1:{port}", check=2)
        self.assertIn(f"ganglia 127.0.0.1:{port}: line 1", p.stderr)

    def test_slow(self):
        # the answer comes after 5 s: waiting for it would exit 0
        port = self.serve(b"<GANGLIA_XML></GANGLIA_XML>", delay=5)
        p = monitor("--ganglia", f"127.0.0.1:{port}", "--timeout", "1", check=2)
        self.assertIn("no complete answer within 1.0 s", p.stderr)

    def test_a_flood_is_refused(self):
        # a peer that never stops sending: refused past 256 MiB, not read into memory
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)

        def flood():
            conn, _ = srv.accept()
            chunk = b"<GANGLIA_XML>" + b" " * (1 << 20)
            try:
                conn.sendall(chunk)
                while True:
                    conn.sendall(b" " * (1 << 20))
            except OSError:
                pass
            conn.close()
            srv.close()

        threading.Thread(target=flood, daemon=True).start()
        p = monitor("--ganglia", f"127.0.0.1:{srv.getsockname()[1]}", "--timeout", "60",
                    check=2)
        self.assertIn("more than 256 MiB: refused", p.stderr)

    def test_too_many_hosts_or_too_long_a_value(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "dump.xml")
            with open(path, "w") as f:
                f.write("<GANGLIA_XML>" + '<HOST NAME="h"/>' * 200001 + "</GANGLIA_XML>")
            p = monitor("--ganglia-file", path, check=2)
            self.assertIn("more than 200000 hosts: refused", p.stderr)
            with open(path, "w") as f:
                f.write('<GANGLIA_XML><HOST NAME="h"><METRIC NAME="container.vms" VAL="' +
                        "v " * (3 << 20) + '"/></HOST></GANGLIA_XML>')
            p = monitor("--ganglia-file", path, check=2)
            self.assertIn("a METRIC VAL longer than 4 MiB: refused", p.stderr)

    def test_a_web_page_is_no_empty_cluster(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "page.html")
            with open(path, "w") as f:
                f.write("<html><head><title>gmond</title></head><body>It works</body></html>")
            p = monitor("--ganglia-file", path, check=2)
            self.assertIn("not a Ganglia dump: the document is <html>, not <GANGLIA_XML>",
                          p.stderr)

    def test_a_fifo_meets_the_timeout(self):
        with tempfile.TemporaryDirectory() as tmp:
            fifo = os.path.join(tmp, "dump.fifo")
            os.mkfifo(fifo)
            writer = os.open(fifo, os.O_RDWR)  # a writer that never writes
            try:
                p = monitor("--ganglia-file", fifo, "--timeout", "1", check=2)
                self.assertIn("no complete answer within 1.0 s", p.stderr)
            finally:
                os.close(writer)

    def test_malformed_dumps(self):
        base = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data",
                            "malformed-ganglia")
        expected = {"truncated.xml": "line 1", "host-without-name.xml": "line 3: HOST without NAME",
                    "not-xml.xml": "line 1", "nested-host.xml": "HOST inside HOST",
                    "external-entity.xml": "line 1"}
        self.assertEqual(sorted(os.listdir(base)), sorted(expected))
        for name, words in expected.items():
            with self.subTest(dump=name):
                path = os.path.join(base, name)
                p = monitor("--ganglia-file", path, check=2)
                self.assertIn(path, p.stderr)
                self.assertIn(words, p.stderr)

    def test_host_twice_in_a_grid(self):
        # gmetad's grid can hold one host in two clusters: the second is ignored, not a twin node
        host = ('<HOST NAME="n1" IP="10.200.0.1" REPORTED="1" TN="1" TMAX="20">'
                '<METRIC NAME="container.mem_total" VAL="{mem}" TYPE="uint32"/>'
                '<METRIC NAME="container.cpu_num" VAL="4" TYPE="uint8"/>'
                '<METRIC NAME="container.type" VAL="kvm" TYPE="string"/>'
                '<METRIC NAME="container.driver.migration" VAL="libvirt" TYPE="string"/>'
                '<METRIC NAME="container.vms" VAL="{vms}" TYPE="string"/></HOST>')
        dump = ('<GANGLIA_XML VERSION="3.7.2" SOURCE="gmetad"><GRID NAME="g">'
                '<CLUSTER NAME="a">' + host.format(mem=8388608, vms="vm-1") + '</CLUSTER>'
                '<CLUSTER NAME="b">' + host.format(mem=4194304, vms="vm-2") + '</CLUSTER>'
                '</GRID></GANGLIA_XML>')
        with tempfile.NamedTemporaryFile("w", suffix=".xml") as f:
            f.write(dump)
            f.flush()
            snap = json.loads(monitor("--ganglia-file", f.name).stdout)
        self.assertEqual([(n["name"], n["memory_mb"], n["vms"]) for n in snap["nodes"]],
                         [("n1", 8192, ["vm-1"])])
        self.assertIn("host n1 reported twice: the second is ignored", snap["issues"])

    def test_missing_file(self):
        p = monitor("--ganglia-file", "/no/such/dump.xml", check=2)
        self.assertIn("/no/such/dump.xml", p.stderr)


if __name__ == "__main__":
    harness.main()
