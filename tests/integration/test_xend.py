#!/usr/bin/env python3
"""The xend adapter against a FAKE xend: Xen cannot run here, so a small HTTP server answers
like xend 3.x's (paths /xend/node and /xend/domain?detail=1, SXP bodies, (xend.err '...') on
error). It is a fake and says so; everything else is the real adapter, over real HTTP on
loopback.

usage: test_xend.py ENTROPY_BINARY [unittest args]"""
import http.server
import json
import os
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

ENTROPY = None
monitor = harness.monitor


def node_sxp(host, cpus, memory):
    return (f"(node (host {host}) (release 2.6.18-xen) (version '#1 SMP') (machine x86_64) "
            f"(nr_cpus {cpus}) (nr_nodes 1) (cores_per_socket 4) (threads_per_core 1) "
            f"(cpu_mhz 2400) (hw_caps 'bfebfbff:20100800') (total_memory {memory}) "
            f"(free_memory 512) (xen_major 3) (xen_minor 2) (xen_extra .1))")


def domain_sxp(domid, name, memory, vcpus, cpu_time):
    return (f"(domain (domid {domid}) (on_crash restart) (uuid 0000-{domid}) (vcpus {vcpus}) "
            f"(name {name}) (memory {memory}) (maxmem {memory}) (state -b----) "
            f"(cpu_time {cpu_time}) (online_vcpus {vcpus}) (image (linux (kernel '/boot/x'))))")


class FakeXend(http.server.BaseHTTPRequestHandler):
    """FAKE xend (see the module's docstring): one instance serves one node."""
    routes = {}

    def do_GET(self):
        key = (self.server.server_port, self.path)
        body, status, delay = self.routes.get(key, ("(xend.err 'No such path')", 404, 0))
        time.sleep(delay)
        data = body.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass

    def log_message(self, *args):
        pass


def serve():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeXend)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


class Xend(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = [serve() for _ in range(9)]
        ports = [s.server_port for s in cls.servers]
        cls.urls = [f"http://127.0.0.1:{p}" for p in ports]
        cls.twin = ports[6]
        r = FakeXend.routes
        domains = [
            "(" + domain_sxp(0, "Domain-0", 1024, 4, 900.5) + " " +
            domain_sxp(3, "web-1", 2048, 2, 40.25) + " " +
            domain_sxp(4, "db-1", 4096, 4, 12.0) + ")",
            "(" + domain_sxp(0, "Domain-0", 512, 2, 100.0) + " " +
            domain_sxp(7, "cache-1", 1024, 1, 3.5) + ")",
        ]
        for i in range(2):
            r[(ports[i], "/xend/node")] = (node_sxp(f"xen-{i + 1}", 8 - 4 * i, 16384 - 8192 * i),
                                           200, 0)
            r[(ports[i], "/xend/domain?detail=1")] = (domains[i], 200, 0)
        # broken nodes
        r[(ports[2], "/xend/node")] = ("(xend.err 'Xend has not been started')", 500, 0)
        r[(ports[3], "/xend/node")] = ("(node (host broken) (nr_cpus 4", 200, 0)
        r[(ports[4], "/xend/node")] = (node_sxp("slow", 4, 4096), 200, 5)
        r[(ports[5], "/xend/node")] = ("Internal error", 500, 0)
        # absurd figures: NaN CPUs; a domain of 1e300 MB
        r[(ports[7], "/xend/node")] = (node_sxp("nan-1", "nan", 8192), 200, 0)
        r[(ports[7], "/xend/domain?detail=1")] = ("(" + domain_sxp(5, "x-1", 512, 1, 1.0) + ")",
                                                  200, 0)
        r[(ports[8], "/xend/node")] = (node_sxp("huge-1", 4, 8192), 200, 0)
        r[(ports[8], "/xend/domain?detail=1")] = ("(" + domain_sxp(6, "y-1", "1e300", 1, 1.0) +
                                                  ")", 200, 0)

    @classmethod
    def tearDownClass(cls):
        for s in cls.servers:
            s.shutdown()

    def test_nodes_vms_and_domain0(self):
        snap = json.loads(monitor("--xend", f"{self.urls[0]},{self.urls[1]}").stdout)
        nodes = {n["name"]: n for n in snap["nodes"]}
        self.assertEqual(set(nodes), {"xen-1", "xen-2"})
        self.assertEqual(nodes["xen-1"]["memory_mb"], 16384 - 1024)  # less Domain-0's
        self.assertEqual(nodes["xen-1"]["cpu"], 800)
        self.assertEqual(nodes["xen-2"]["memory_mb"], 8192 - 512)
        self.assertEqual(nodes["xen-1"]["driver"], "xen")
        vms = {v["name"]: v for v in snap["vms"]}
        self.assertEqual(set(vms), {"web-1", "db-1", "cache-1"})
        self.assertEqual((vms["web-1"]["node"], vms["web-1"]["memory_mb"]), ("xen-1", 2048))
        self.assertEqual(vms["db-1"]["cpu"], 400)  # first round: vCPUs x 100

    def test_vm_on_two_nodes_is_pinned_and_reported(self):
        # the first node again under another name, as in a migration caught half-way
        r = FakeXend.routes
        r[(self.twin, "/xend/node")] = (node_sxp("xen-3", 4, 8192), 200, 0)
        r[(self.twin, "/xend/domain?detail=1")] = (
            "(" + domain_sxp(5, "web-1", 2048, 2, 1.0) + ")", 200, 0)
        snap = json.loads(monitor("--xend", f"{self.urls[0]},http://127.0.0.1:{self.twin}").stdout)
        self.assertEqual([v["node"] for v in snap["vms"] if v["name"] == "web-1"], ["xen-1"])
        self.assertIn("VM web-1 is listed on nodes xen-1 and xen-3: kept on xen-1 and left alone "
                      "this round", snap["issues"])
        doc = json.loads(monitor("--xend", f"{self.urls[0]},http://127.0.0.1:{self.twin}",
                                 "--btrplace").stdout)
        self.assertEqual([c["id"] for c in doc["constraints"]], ["root"])

    def test_hostile_names_are_left_alone(self):
        """Names from xend are checked like every monitored name: a hostile domain is counted on
        its node under a placeholder, pinned and reported; a hostile host is left out."""
        r = FakeXend.routes
        evil = "'evil;touch${IFS}/tmp/pwned;#'"
        r[(self.twin, "/xend/node")] = (node_sxp("xen-9", 4, 8192), 200, 0)
        r[(self.twin, "/xend/domain?detail=1")] = (
            "(" + domain_sxp(5, evil, 2048, 2, 1.0) + " " + domain_sxp(6, "ok-1", 512, 1, 1.0)
            + ")", 200, 0)
        snap = json.loads(monitor("--xend", f"http://127.0.0.1:{self.twin}").stdout)
        vms = {v["name"]: v for v in snap["vms"]}
        self.assertEqual(set(vms), {"vm#0", "ok-1"})
        self.assertEqual(vms["vm#0"]["memory_mb"], 2048)  # its memory still counts
        self.assertEqual(len(snap["issues"]), 1)
        self.assertIn("is not a valid name", snap["issues"][0])
        doc = json.loads(monitor("--xend", f"http://127.0.0.1:{self.twin}", "--btrplace").stdout)
        self.assertEqual([c["id"] for c in doc["constraints"]], ["root"])
        r[(self.twin, "/xend/node")] = (node_sxp("'bad host;reboot'", 4, 8192), 200, 0)
        snap = json.loads(monitor("--xend", f"http://127.0.0.1:{self.twin}").stdout)
        self.assertEqual(snap["nodes"], [])
        self.assertEqual(snap["vms"], [])
        self.assertIn("it and its VMs are left out", snap["issues"][0])

    def test_a_vm_in_a_migration_is_not_a_new_vm(self):
        """xend shows the source domain as migrating-NAME during a migration and after one it
        gave up on: it is that VM, counted where it is, pinned and reported, never a new VM."""
        r = FakeXend.routes
        r[(self.twin, "/xend/node")] = (node_sxp("xen-8", 4, 8192), 200, 0)
        r[(self.twin, "/xend/domain?detail=1")] = (
            "(" + domain_sxp(5, "migrating-vm04", 2048, 2, 1.0) + ")", 200, 0)
        snap = json.loads(monitor("--xend", f"http://127.0.0.1:{self.twin}").stdout)
        self.assertEqual([(v["name"], v["node"], v["memory_mb"]) for v in snap["vms"]],
                         [("vm04", "xen-8", 2048)])
        self.assertIn("VM vm04 is in a migration on node xen-8 (xend shows migrating-vm04): left "
                      "where it is this round", snap["issues"])
        doc = json.loads(monitor("--xend", f"http://127.0.0.1:{self.twin}", "--btrplace").stdout)
        self.assertEqual([c["id"] for c in doc["constraints"]], ["root"])

    def test_credentials_in_urls_are_never_shown(self):
        url = self.urls[0].replace("http://", "http://admin:s3cret@")
        snap = json.loads(monitor("--xend", url).stdout)
        self.assertNotIn("s3cret", json.dumps(snap))
        self.assertIn("admin@", snap["source"])
        broken = f"http://admin:s3cret@127.0.0.1:{self.servers[2].server_port}"
        p = monitor("--xend", broken, check=2)
        self.assertIn("admin@", p.stderr)
        self.assertNotIn("s3cret", p.stderr)

    def test_same_node_twice(self):
        p = monitor("--xend", f"{self.urls[0]},{self.urls[0]}", check=2)
        self.assertIn("node xen-1 reported twice", p.stderr)

    def test_btrplace(self):
        doc = json.loads(monitor("--xend", self.urls[0], "--btrplace").stdout)
        self.assertEqual(len(doc["model"]["mapping"]["onlineNodes"]), 1)

    def test_a_broken_node_is_lost_and_none_readable_fails(self):
        """A node whose xend cannot be read (down, garbage, slow, an HTTP error) is lost for the
        round and reported, the others read (failover watches lost nodes); when no xend can be
        read, the snapshot fails, naming it."""
        cases = {2: "Xend has not been started", 3: "unclosed '('", 4: "Timeout",
                 5: "HTTP 500"}
        for i, words in cases.items():
            with self.subTest(node=i):
                snap = json.loads(monitor("--xend", f"{self.urls[0]},{self.urls[i]}",
                                          "--timeout", "1").stdout)
                self.assertEqual([n["name"] for n in snap["nodes"]], ["xen-1"])
                [issue] = [x for x in snap["issues"] if self.urls[i] in x]
                self.assertIn("lost this round", issue)
                self.assertIn(words, issue)
                p = monitor("--xend", self.urls[i], "--timeout", "1", check=2)
                self.assertIn(self.urls[i], p.stderr)
                self.assertIn(words, p.stderr)
                self.assertEqual(p.stdout, "")  # nothing read at all

    def test_ganglia_vms_sized_by_their_xend(self):
        """The seed's deployment: Ganglia names the VMs, each node's xend sizes them."""
        dump = harness.ganglia_dump({"xen-1": ["web-1", "db-1", "ghost-1"],
                                     "xen-2": ["migrating-cache-1"]})
        with tempfile.TemporaryDirectory() as tmp:
            with open(os.path.join(tmp, "dump.xml"), "w") as f:
                f.write(dump)

            def snapshot(*lines):
                snap = harness.monitor_config(tmp, ["monitor.source = ganglia",
                                                    "monitor.ganglia.file = dump.xml",
                                                    "monitor.timeout = 2", *lines])
                return {v["name"]: v for v in snap["vms"]}, "\n".join(snap["issues"])

            down = "http://127.0.0.1:1"
            vms, issues = snapshot(f"driver.xend.urls = xen-1={self.urls[0]} "
                                   f"xen-2={self.urls[1]} xen-9={down}")
            self.assertEqual((vms["web-1"]["memory_mb"], vms["web-1"]["cpu"]), (2048, 200))
            self.assertEqual(vms["web-1"]["sized_by"].rstrip("/"), f"xend {self.urls[0]}")
            self.assertEqual(vms["db-1"]["memory_mb"], 4096)
            self.assertEqual(vms["cache-1"]["memory_mb"], 1024)  # xend's, in flight on xen-2
            self.assertEqual(vms["cache-1"]["node"], "xen-2")
            self.assertIn("VM cache-1 is in a migration on node xen-2", issues)
            self.assertEqual((vms["ghost-1"]["memory_mb"], vms["ghost-1"]["sized_by"]),
                             (1024, "default"))
            self.assertIn("1 VMs sized by default (monitor.vm_memory_mb = 1024 MB, "
                          "monitor.vm_cpu = 100): neither Ganglia nor a hypervisor "
                          "(monitor.ganglia.sizing) describes ghost-1", issues)
            self.assertIn(f"VM sizes: xend {down}/ does not answer", issues)
            # the monitor's own URLs serve when the driver has none; sizing can be turned off
            vms, _ = snapshot(f"monitor.xend.urls = {self.urls[0]}")
            self.assertEqual(vms["db-1"]["sized_by"].rstrip("/"), f"xend {self.urls[0]}")
            vms, issues = snapshot(f"monitor.xend.urls = {self.urls[0]}",
                                   "monitor.ganglia.sizing = defaults")
            self.assertEqual((vms["db-1"]["memory_mb"], vms["db-1"]["sized_by"]),
                             (1024, "default"))
            self.assertIn("4 VMs sized by default", issues)

    def test_absurd_figures_leave_their_node_out(self):
        snap = json.loads(monitor("--xend", ",".join(self.urls[i] for i in (0, 7, 8))).stdout)
        self.assertEqual([n["name"] for n in snap["nodes"]], ["xen-1"])  # the rest is kept
        self.assertEqual({v["name"] for v in snap["vms"]}, {"web-1", "db-1"})
        issues = "\n".join(snap["issues"])
        self.assertIn(f"xend {self.urls[7]}/: (nr_cpus nan) is not a number from 1 to 100000: "
                      "the node is left out with its domains this round", issues)
        self.assertIn(f"xend {self.urls[8]}/: (memory 1e300) is not a number", issues)

    def test_down(self):
        p = monitor("--xend", "http://127.0.0.1:1", "--timeout", "1", check=2)
        self.assertIn("http://127.0.0.1:1/xend/node", p.stderr)


if __name__ == "__main__":
    harness.main()
