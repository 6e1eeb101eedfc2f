#!/usr/bin/env python3
"""The xend and xl migration drivers against FAKES: Xen cannot run here. The fake xend is an HTTP
server per node (on 127.0.0.1 and 127.0.0.2) answering like xend 3.x's (SrvDomain op=migrate
form, SXP, (xend.err '...') errors) over a shared, stateful fake cluster; the fake ssh+xl is
fake_ssh.py. Everything else is Entropy's real driver code, over real HTTP and real processes.

usage: test_xen_drivers.py ENTROPY_BINARY [unittest args]"""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

ENTROPY = None
HERE = os.path.dirname(os.path.abspath(__file__))


class Cluster:
    """The FAKE Xen cluster behind the fake xends."""

    def __init__(self):
        self.lock = threading.Lock()
        self.domains = {"xen-1": ["web-1", "db-1"], "xen-2": []}
        self.addr = {}  # node -> loopback address
        self.posts = []
        self.fail = None
        self.delay = 0
        self.broken_get = False  # every GET answered with an HTTP 500 page, not SXP


CLUSTER = Cluster()


class FakeXend(http.server.BaseHTTPRequestHandler):
    """FAKE xend: the node is chosen by the address it listens on."""

    def node(self):
        host = self.server.server_address[0]
        return next(n for n, a in CLUSTER.addr.items() if a == host)

    def answer(self, status, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        node = self.node()
        if CLUSTER.broken_get and self.path != "/xend/node":
            return self.answer(500, "<html>Internal Server Error</html>")
        with CLUSTER.lock:
            doms = list(CLUSTER.domains[node])
        if self.path == "/xend/node":
            return self.answer(200, f"(node (host {node}) (nr_cpus 4) (total_memory 8192))")
        if self.path.startswith("/xend/domain/"):
            name = urllib.parse.unquote(self.path.split("/")[3])
            if name in doms:
                return self.answer(200, f"(domain (name {name}) (state -b----) (memory 512))")
            return self.answer(404, f"(xend.err 'Domain {name} does not exist')")
        return self.answer(404, "(xend.err 'No such path')")

    def do_POST(self):
        node = self.node()
        form = urllib.parse.parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        form = {k: v[0] for k, v in form.items()}
        name = urllib.parse.unquote(self.path.split("/")[3])
        with CLUSTER.lock:
            CLUSTER.posts.append((node, name, form))
            fail, delay = CLUSTER.fail, CLUSTER.delay
            migrating = form.get("op") == "migrate" and name in CLUSTER.domains[node]
            if migrating:  # as xend 3.x: the source domain is migrating-NAME while it goes
                doms = CLUSTER.domains[node]
                doms[doms.index(name)] = "migrating-" + name
        time.sleep(delay)
        with CLUSTER.lock:
            if migrating:
                doms = CLUSTER.domains[node]
                doms[doms.index("migrating-" + name)] = name
        if form.get("op") != "migrate":
            return self.answer(500, "(xend.err 'op not faked')")
        dest = next((n for n, a in CLUSTER.addr.items() if a == form.get("destination")), None)
        with CLUSTER.lock:
            if name not in CLUSTER.domains[node]:
                return self.answer(500, f"(xend.err 'Domain {name} does not exist')")
            if fail or dest is None:
                return self.answer(500, f"(xend.err '{fail or 'Failed to relocate'}')")
            CLUSTER.domains[node].remove(name)
            CLUSTER.domains[dest].append(name)
        self.answer(200, "")

    def log_message(self, *args):
        pass


class XendDriver(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.servers = []
        for i, node in enumerate(("xen-1", "xen-2")):
            srv = http.server.ThreadingHTTPServer((f"127.0.0.{i + 1}", 0), FakeXend)
            CLUSTER.addr[node] = f"127.0.0.{i + 1}"
            threading.Thread(target=srv.serve_forever, daemon=True).start()
            cls.servers.append(srv)
        cls.nodes = " ".join(f"http://127.0.0.{i + 1}:{s.server_port}"
                             for i, s in enumerate(cls.servers))

    @classmethod
    def tearDownClass(cls):
        for s in cls.servers:
            s.shutdown()

    def setUp(self):
        CLUSTER.domains = {"xen-1": ["web-1", "db-1"], "xen-2": []}
        CLUSTER.posts, CLUSTER.fail, CLUSTER.delay, CLUSTER.broken_get = [], None, 0, False

    def migrate(self, vm, src, dst, *extra, check=0):
        p = subprocess.run([ENTROPY, "migrate", vm, src, dst, "--xend", self.nodes, *extra],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, check, p.stdout + p.stderr)
        return json.loads(p.stdout) if p.stdout else p

    def test_live_migration_form(self):
        out = self.migrate("web-1", "xen-1", "xen-2", "--relocation-port", "8003")
        self.assertTrue(out["migrated"])
        self.assertIsNone(out["downtime_ms"])  # xend does not say
        self.assertGreater(out["seconds"], 0)
        node, name, form = CLUSTER.posts[0]
        self.assertEqual((node, name), ("xen-1", "web-1"))
        self.assertEqual(form, {"op": "migrate", "destination": "127.0.0.2", "live": "1",
                                "resource": "0", "port": "8003", "node": "-1", "ssl": "0"})
        self.assertEqual(CLUSTER.domains, {"xen-1": ["db-1"], "xen-2": ["web-1"]})

    def test_credentials_in_urls_name_no_destination_and_are_never_shown(self):
        nodes = self.nodes.replace("http://", "http://admin:s3cret@")
        p = subprocess.run([ENTROPY, "migrate", "web-1", "xen-1", "xen-2", "--xend", nodes],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        _, _, form = CLUSTER.posts[0]
        self.assertEqual(form["destination"], "127.0.0.2")  # not "admin"
        self.assertNotIn("s3cret", p.stdout + p.stderr)
        CLUSTER.fail = "Failed to relocate"
        p = subprocess.run([ENTROPY, "migrate", "web-1", "xen-2", "xen-1", "--xend", nodes],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("Failed to relocate", p.stdout)
        self.assertNotIn("s3cret", p.stdout + p.stderr)

    def test_a_monitored_node_the_driver_cannot_reach_is_refused_at_start(self):
        urls = self.nodes.split()
        with tempfile.TemporaryDirectory() as tmp:
            config = os.path.join(tmp, "entropy.properties")
            with open(config, "w") as f:
                f.write(f"monitor.source = xend\nmonitor.xend.urls = {urls[0]} {urls[1]}\n"
                        f"driver.xend.urls = xen-1={urls[0]}\n"
                        f"daemon.log = {tmp}/log\ndaemon.journal = {tmp}/j.db\n"
                        f"daemon.socket = {tmp}/s.sock\n")
            p = subprocess.run([ENTROPY, "daemon", "--config", config], capture_output=True,
                               text=True, timeout=60)
            self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
            self.assertIn(f"node {urls[1]} (monitor.xend.urls) is not in driver.xend.urls",
                          p.stderr)
            self.assertEqual(CLUSTER.posts, [])  # nothing was tried

    def test_same_node_is_refused(self):
        out = self.migrate("web-1", "xen-1", "xen-1", check=1)
        self.assertIn("web-1 is already on xen-1: a migration needs another node", out["error"])
        self.assertEqual(CLUSTER.posts, [])  # xend was never asked (it would say success)

    def test_a_vm_xend_cannot_be_asked_about_is_not_nowhere(self):
        CLUSTER.fail, CLUSTER.broken_get = "Failed to relocate", True
        out = self.migrate("web-1", "xen-1", "xen-2", check=1)
        self.assertNotIn("now", out)  # not "on neither xen-1 nor xen-2"
        self.assertIn("HTTP 500", out["now_unknown"])

    def test_xend_error_leaves_the_vm(self):
        CLUSTER.fail = "Failed to relocate: no space on target"
        out = self.migrate("web-1", "xen-1", "xen-2", check=1)
        self.assertFalse(out["migrated"])
        self.assertIn("Failed to relocate: no space on target", out["error"])
        self.assertEqual(out["now"], {"node": "xen-1", "state": "-b----", "copies": 1})

    def test_timeout(self):
        CLUSTER.delay = 3
        out = self.migrate("web-1", "xen-1", "xen-2", "--timeout", "1", check=1)
        self.assertIn("gave up after 1.0 s (timeout", out["error"])
        # still migrating-web-1 on its source: found there, in flight, never "nowhere"
        self.assertEqual(out["now"], {"node": "xen-1", "state": "migrating", "copies": 1})

    def test_unknown_node_and_unreachable_xend(self):
        out = self.migrate("web-1", "xen-1", "xen-9", check=1)
        self.assertIn("no xend URL for node xen-9", out["error"])
        p = subprocess.run([ENTROPY, "migrate", "web-1", "xen-1", "xen-2", "--xend",
                            "http://127.0.0.1:1"], capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2)
        self.assertIn("http://127.0.0.1:1/xend/node", p.stderr)


class XlDriver(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.state = os.path.join(self.tmp.name, "xl.json")
        self.write({"hosts": {"h1": ["web-1"], "h2": []}, "fail": None, "delay": 0})
        os.environ["FAKE_XL_STATE"] = self.state

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, state):
        with open(self.state, "w") as f:
            json.dump(state, f)

    def read(self):
        with open(self.state) as f:
            return json.load(f)

    def calls(self):
        with open(self.state + ".calls") as f:
            return [json.loads(line) for line in f]

    def migrate(self, *extra, check=0, vm="web-1"):
        p = subprocess.run([ENTROPY, "migrate", vm, "xen-1", "xen-2", "--xl",
                            "xen-1=h1 xen-2=h2", "--ssh",
                            f"{sys.executable} {HERE}/fake_ssh.py -o BatchMode=yes", *extra],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, check, p.stdout + p.stderr)
        return json.loads(p.stdout)

    def test_migrate_over_ssh(self):
        out = self.migrate()
        self.assertTrue(out["migrated"])
        self.assertEqual(self.calls()[0], ["h1", "xl", "migrate", "web-1", "h2"])
        self.assertEqual(self.read()["hosts"], {"h1": [], "h2": ["web-1"]})

    def test_failure_quotes_xl_and_finds_the_vm(self):
        st = self.read()
        st["fail"] = "libxl: error: domain did not start on the target"
        self.write(st)
        out = self.migrate(check=1)
        self.assertIn("xl migrate on xen-1 exited with 1", out["error"])
        self.assertIn("domain did not start on the target", out["error"])
        self.assertEqual(out["now"], {"node": "xen-1", "state": "present", "copies": 1})
        self.assertEqual(self.calls()[1], ["h1", "xl", "domid", "web-1"])

    def test_timeout_kills_the_command(self):
        st = self.read()
        st["delay"] = 5
        self.write(st)
        t0 = time.monotonic()
        out = self.migrate("--timeout", "1", check=1)
        self.assertIn("killed after 1.0 s", out["error"])
        self.assertLess(time.monotonic() - t0, 4.5)  # killed, not waited for
        self.assertEqual(self.read()["hosts"]["h1"], ["web-1"])

    def test_hostile_name_never_reaches_the_remote_shell(self):
        """ssh hands its words to a shell on the node: a name outside the name rule is refused
        before any ssh, and every word is quoted for that shell anyway (fake_ssh.py parses the
        line as sh would and records any operator left bare)."""
        evil = "evil;touch${IFS}/tmp/pwned;#"
        self.write({"hosts": {"h1": [evil, "web-1"], "h2": []}, "fail": None, "delay": 0})
        p = subprocess.run([ENTROPY, "migrate", evil, "xen-1", "xen-2", "--xl",
                            "xen-1=h1 xen-2=h2", "--ssh", f"{sys.executable} {HERE}/fake_ssh.py"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("is not a valid name", p.stderr)
        self.assertFalse(os.path.exists(self.state + ".calls"), "ssh was called")
        out = self.migrate()  # a good name, quoted: the remote shell sees plain words
        self.assertTrue(out["migrated"], out)
        self.assertEqual(self.calls(), [["h1", "xl", "migrate", "web-1", "h2"]])

if __name__ == "__main__":
    harness.main()
