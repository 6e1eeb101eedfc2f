#!/usr/bin/env python3
"""The daemon's HTTP API over real HTTP (curl): every endpoint on a daemon running the simulated
cluster, the metrics checked by Prometheus' own promtool, the token (missing, wrong, right) on
what changes something, bad requests answered with a JSON error and never a crash, 200 clients at
once while rounds run, HTTPS when a certificate is configured (one openssl makes), and a bad
api.listen, token file, certificate or key refused at start.

usage: test_api.py ENTROPY_BINARY [unittest args]"""
import concurrent.futures
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

TOKEN = "s3cret-token-of-the-test-0123456789"


class Api(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="entropy-api-test-")
        self.port = harness.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.token_file = os.path.join(self.tmp, "token")
        with open(os.open(self.token_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(TOKEN + "\n")
        self.daemon = None
        self.cacert = None

    def tearDown(self):
        if self.daemon:
            if self.daemon.poll() is None:
                self.daemon.terminate()
            _, err = self.daemon.communicate(timeout=60)
            for report in ("Sanitizer", "runtime error"):  # ASan, UBSan, TSan in the test run
                self.assertNotIn(report, err)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def config(self, **keys):
        base = {"daemon.log": os.path.join(self.tmp, "entropy.log"),
                "daemon.journal": os.path.join(self.tmp, "journal.db"),
                "daemon.socket": os.path.join(self.tmp, "entropy.sock"), "loop.period": "1",
                "api.listen": f"127.0.0.1:{self.port}", "api.token_file": self.token_file}
        base.update(keys)
        path = os.path.join(self.tmp, "entropy.properties")
        with open(path, "w") as f:
            for k, v in base.items():
                f.write(f"{k} = {v}\n")
        return path

    def start(self, **keys):
        self.daemon = subprocess.Popen([harness.ENTROPY, "daemon", "--config", self.config(**keys)],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       text=True)
        end = time.monotonic() + 60
        while time.monotonic() < end:
            code, doc = self.curl("/api/v1/status")
            if code == 200 and doc.get("totals", {}).get("rounds", 0) >= 1:
                return doc
            time.sleep(0.2)
        self.fail("the API never showed a round")

    def curl(self, path, method="GET", token=None, data=None, raw=False):
        args = ["curl", "-sS", "-m", "20", "-X", method, "-o", "-", "-w", "\n%{http_code}"]
        if self.cacert:
            args += ["--cacert", self.cacert]
        if token is not None:
            args += ["-H", f"Authorization: Bearer {token}"]
        if data is not None:
            args += ["--data-binary", "@-"]
        p = subprocess.run(args + [self.base + path], input=data, capture_output=True, text=True,
                           timeout=60)
        if p.returncode != 0:
            return 0, p.stderr
        body, _, code = p.stdout.rpartition("\n")
        return int(code), (body if raw else json.loads(body))

    def test_every_read_endpoint_and_the_metrics(self):
        status = self.start()
        self.assertEqual(status["paused"], False)
        self.assertEqual(status["cluster"]["nodes_total"], 16)
        code, nodes = self.curl("/api/v1/nodes")
        self.assertEqual(code, 200)
        self.assertEqual(len(nodes["nodes"]), 16)
        self.assertTrue(all({"name", "state", "vms", "enclosure"} <= set(n) for n in nodes["nodes"]))
        code, vms = self.curl("/api/v1/vms")
        self.assertEqual(code, 200)
        self.assertEqual(len(vms["vms"]), 48)
        names = {n["name"] for n in nodes["nodes"]}
        self.assertTrue(all(v["node"] in names for v in vms["vms"]))
        end = time.monotonic() + 60  # a migration ended: its duration is counted
        while self.curl("/api/v1/status")[1]["totals"]["done"] < 1:
            self.assertLess(time.monotonic(), end, "no action done")
            time.sleep(0.2)
        code, text = self.curl("/metrics", raw=True)
        self.assertEqual(code, 200)
        for metric in ("entropy_round ", "entropy_active_nodes ", "entropy_rounds_total ",
                       'entropy_actions_total{outcome="done"} ',
                       "entropy_monitoring_failures_total 0", "entropy_last_round_gap_nodes ",
                       'entropy_last_round_phase_seconds{phase="decide"} ',
                       "# TYPE entropy_action_duration_seconds histogram",
                       'entropy_action_duration_seconds_bucket{kind="migrateVM",le="+Inf"} ',
                       'entropy_action_duration_seconds_count{kind="migrateVM"} '):
            self.assertIn(metric, text)
        p = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)

    def test_plan_and_rounds_history(self):
        self.start()
        end = time.monotonic() + 60
        while self.curl("/api/v1/status")[1]["totals"]["rounds"] < 3:
            self.assertLess(time.monotonic(), end, "fewer than 3 rounds")
            time.sleep(0.2)
        code, doc = self.curl("/api/v1/rounds?last=2")
        self.assertEqual(code, 200)
        self.assertEqual(len(doc["rounds"]), 2)
        first, second = doc["rounds"]
        self.assertLess(first["round"], second["round"])  # oldest first
        ended = [r for r in doc["rounds"] if r["ended"] is not None]  # the last may run still
        self.assertGreaterEqual(len(ended), 1)
        for r in ended:
            for key in ("started", "state", "summary", "nodes", "active_nodes", "watts", "done",
                        "failed"):
                self.assertIn(key, r)
            self.assertEqual(r["nodes"], 16)
        code, doc = self.curl("/api/v1/rounds")
        self.assertEqual(code, 200)
        self.assertGreaterEqual(len(doc["rounds"]), 3)
        for bad in ("0", "abc", "1001", "-5", "3x"):
            code, doc = self.curl("/api/v1/rounds?last=" + bad)
            self.assertEqual(code, 400, bad)
            self.assertIn("error", doc)
        code, doc = self.curl("/api/v1/plan")
        self.assertEqual(code, 200)
        self.assertIn("plan", doc)
        if doc["plan"]:
            for a in doc["plan"]["actions"]:
                self.assertIn(a["status"], ("pending", "running", "done", "failed", "dropped",
                                            "not started", "not_started"))

    def test_events_stream_phases_actions_and_rounds(self):
        self.start()
        p = subprocess.run(["curl", "-sS", "-N", "-m", "4", self.base + "/api/v1/events"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 28, p.stderr)  # cut by -m: the stream goes on
        events = [json.loads(line[6:]) for line in p.stdout.splitlines()
                  if line.startswith("data: ")]
        ids = [int(line[4:]) for line in p.stdout.splitlines() if line.startswith("id: ")]
        self.assertTrue(p.stdout.startswith(": entropy events"))
        self.assertEqual(ids, sorted(ids))
        self.assertEqual(len(ids), len(events))
        kinds = {e["type"] for e in events}
        self.assertIn("phase", kinds)
        self.assertIn("round", kinds)  # a round a second, four seconds
        phases = {e["phase"] for e in events if e["type"] == "phase"}
        self.assertTrue({"monitoring", "idle"} <= phases, phases)
        for e in events:
            if e["type"] == "action":
                self.assertIn(e["status"], ("running", "done", "failed", "dropped", "not started"))
        # a stream open while the daemon stops: it ends, the daemon does not hang on it
        follower = subprocess.Popen(["curl", "-sS", "-N", self.base + "/api/v1/events"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1)
        self.daemon.terminate()
        self.daemon.wait(timeout=30)
        out, _ = follower.communicate(timeout=30)
        self.assertTrue(out.startswith(": entropy events"))

    def test_token_guards_what_changes(self):
        self.start()
        for token, want in ((None, 401), ("wrong", 401), (TOKEN + "x", 401), ("", 401)):
            code, doc = self.curl("/api/v1/loop/pause", "POST", token=token)
            self.assertEqual(code, want, (token, doc))
            self.assertIn("error", doc)
        self.assertFalse(self.curl("/api/v1/status")[1]["paused"])
        code, doc = self.curl("/api/v1/loop/pause", "POST", token=TOKEN)
        self.assertEqual((code, doc), (200, {"paused": True}))
        time.sleep(1.5)  # a round under way ends; then none starts
        before = self.curl("/api/v1/status")[1]
        self.assertEqual(before["state"], "paused")
        time.sleep(2.5)
        after = self.curl("/api/v1/status")[1]
        self.assertEqual(after["totals"]["rounds"], before["totals"]["rounds"])
        code, doc = self.curl("/api/v1/loop/resume", "POST", token=TOKEN)
        self.assertEqual((code, doc), (200, {"paused": False}))
        end = time.monotonic() + 30
        while self.curl("/api/v1/status")[1]["totals"]["rounds"] == after["totals"]["rounds"]:
            self.assertLess(time.monotonic(), end, "no round after resume")
            time.sleep(0.2)

    def test_approve_a_recommended_plan(self):
        """loop.mode = recommend over the API: the plan shown waits for approval; approving needs
        the token; a bad round is refused; the approved plan is executed; approving again says
        no plan waits (409)."""
        self.start(**{"loop.mode": "recommend", "loop.period": "4", "loop.time_limit": "0.2"})
        end = time.monotonic() + 60
        while True:
            plan = self.curl("/api/v1/plan")[1].get("plan") or {}
            if plan.get("awaiting_approval"):
                break
            self.assertLess(time.monotonic(), end, plan)
            time.sleep(0.2)
        self.assertTrue(plan["actions"])
        self.assertEqual(self.curl("/api/v1/plan/approve", "POST")[0], 401)
        code, doc = self.curl("/api/v1/plan/approve?round=x", "POST", token=TOKEN)
        self.assertEqual((code, "error" in doc), (400, True))
        code, doc = self.curl("/api/v1/plan/approve", "POST", token=TOKEN)
        self.assertEqual(code, 200, doc)
        self.assertTrue(doc["approved"])
        end = time.monotonic() + 60
        while True:
            st = self.curl("/api/v1/status")[1]
            if (st.get("last_round") or {}).get("done", 0) > 0:
                break
            self.assertLess(time.monotonic(), end, st)
            time.sleep(0.2)
        code, doc = self.curl(f"/api/v1/plan/approve?round={doc['round']}", "POST", token=TOKEN)
        self.assertEqual(code, 409, doc)

    def test_dry_run_and_maintenance_verbs(self):
        """The command line's verbs over the API, behind the token: a dry run of the next round
        (its plan shown, nothing executed), maintenance start and end through the journal as
        entropy maintenance does, bad names and reasons refused with a JSON error."""
        self.start(**{"loop.period": "2"})
        self.assertEqual(self.curl("/api/v1/loop/dry-run", "POST")[0], 401)
        code, doc = self.curl("/api/v1/loop/dry-run", "POST", token=TOKEN)
        self.assertEqual((code, doc), (202, {"dry_run": "next round"}))
        log = os.path.join(self.tmp, "entropy.log")
        end = time.monotonic() + 30
        while "dry run: nothing executed" not in open(log).read():
            self.assertLess(time.monotonic(), end, "no dry run")
            time.sleep(0.2)
        for query in ("target=../etc", "target=node-001&power_off=maybe",
                      "target=node-001&reason=a%0Ab", "power_off=yes",
                      "target=node-001&reason=" + "x" * 201):
            code, doc = self.curl("/api/v1/maintenance/start?" + query, "POST", token=TOKEN)
            self.assertEqual((code, "error" in doc), (400, True), query)
        code, doc = self.curl("/api/v1/maintenance/start?target=node-001&reason=disk", "POST",
                              token=TOKEN)
        self.assertEqual((code, doc), (200, {"target": "node-001", "maintenance": True}))
        end = time.monotonic() + 60
        while True:
            st = self.curl("/api/v1/status")[1]
            progress = (st.get("maintenance") or {}).get("node-001") or {}
            if progress.get("state") == "empty":
                break
            self.assertLess(time.monotonic(), end, st.get("maintenance"))
            time.sleep(0.2)
        nodes = {n["name"]: n for n in self.curl("/api/v1/nodes")[1]["nodes"]}
        self.assertEqual(nodes["node-001"]["vms"], [])
        self.assertEqual(self.curl("/api/v1/maintenance/end?target=node-001", "POST",
                                   token=TOKEN)[0], 200)
        code, doc = self.curl("/api/v1/maintenance/end?target=node-001", "POST", token=TOKEN)
        self.assertEqual((code, "error" in doc), (409, True))

    def test_bad_requests_get_a_json_error(self):
        self.start()
        for path, method, want in (("/nowhere", "GET", 404), ("/api/v1/status", "DELETE", 405),
                                   ("/api/v1/loop/pause", "GET", 405),
                                   ("/api/v1/status/../../etc/passwd", "GET", 404)):
            code, doc = self.curl(path, method)
            self.assertEqual(code, want, (path, method))
            self.assertIn("error", doc)
        code, doc = self.curl("/api/v1/loop/pause", "POST", token=TOKEN, data="x" * 200000)
        self.assertEqual(code, 413)
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(b"GARBAGE \x00\xff\r\n\r\n")
            s.recv(4096)  # an answer or a close, not a crash
        code, doc = self.curl("/api/v1/status")
        self.assertEqual(code, 200)
        self.assertFalse(doc["paused"])
        self.assertIsNone(self.daemon.poll())

    def test_two_hundred_clients_at_once(self):
        self.start()
        rounds = self.curl("/api/v1/status")[1]["totals"]["rounds"]

        def get(i):
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            c.request("GET", ("/api/v1/status", "/api/v1/nodes", "/metrics")[i % 3])
            r = c.getresponse()
            r.read()
            c.close()
            return r.status

        with concurrent.futures.ThreadPoolExecutor(max_workers=200) as pool:
            codes = list(pool.map(get, range(600)))
        self.assertEqual(codes, [200] * 600)
        end = time.monotonic() + 30
        while self.curl("/api/v1/status")[1]["totals"]["rounds"] <= rounds:
            self.assertLess(time.monotonic(), end, "rounds stopped")
            time.sleep(0.2)

    def test_bad_listen_or_token_file_refused_at_start(self):
        os.chmod(self.token_file, 0o644)
        p = subprocess.run([harness.ENTROPY, "daemon", "--config", self.config()],
                           capture_output=True, text=True, timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("api.token_file", p.stderr)
        self.assertIn("mode 644", p.stderr)
        self.assertNotIn(TOKEN, p.stderr)
        os.chmod(self.token_file, 0o600)
        for listen, words in (("127.0.0.1:99999", "not a port"), ("example.org:80", "not an IPv4"),
                              (":80", "no host")):
            p = subprocess.run([harness.ENTROPY, "daemon", "--config",
                                self.config(**{"api.listen": listen})],
                               capture_output=True, text=True, timeout=60)
            self.assertNotEqual(p.returncode, 0, listen)
            self.assertIn(words, p.stderr, listen)

    def make_certificate(self):
        """A self-signed certificate for 127.0.0.1 and its key (mode 0600), by openssl."""
        cert, key = os.path.join(self.tmp, "api.pem"), os.path.join(self.tmp, "api.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", key, "-out", cert], check=True, capture_output=True,
                       timeout=120)
        os.chmod(key, 0o600)
        return cert, key

    def test_https_when_a_certificate_is_configured(self):
        cert, key = self.make_certificate()
        self.base = f"https://127.0.0.1:{self.port}"
        self.cacert = cert
        self.start(**{"api.tls_cert": cert, "api.tls_key": key})
        code, status = self.curl("/api/v1/status")
        self.assertEqual(code, 200)
        self.assertEqual(status["cluster"]["nodes_total"], 16)
        self.assertEqual(self.curl("/api/v1/loop/pause", "POST", token=TOKEN)[0], 200)
        self.assertEqual(self.curl("/api/v1/loop/pause", "POST", token="wrong")[0], 401)
        self.cacert = None  # a client that does not trust it is refused by its own TLS check
        self.assertEqual(self.curl("/api/v1/status")[0], 0)
        self.base = f"http://127.0.0.1:{self.port}"  # plain HTTP gets no answer on that port
        self.assertNotEqual(self.curl("/api/v1/status")[0], 200)
        with open(key) as f:
            secret = f.read().splitlines()[1]
        with open(os.path.join(self.tmp, "entropy.log")) as f:
            log = f.read()
        self.assertIn("HTTPS", log)
        self.assertNotIn(secret, log)

    def test_bad_certificate_or_key_refused_at_start(self):
        cert, key = self.make_certificate()
        garbage = os.path.join(self.tmp, "garbage.pem")
        with open(garbage, "w") as f:
            f.write("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
        os.chmod(key, 0o640)
        cases = (({"api.tls_cert": cert, "api.tls_key": key}, ["api.tls_key", "mode 640"]),
                 ({"api.tls_cert": cert}, ["api.tls_cert is set without api.tls_key"]),
                 ({"api.tls_key": key}, ["api.tls_key is set without api.tls_cert"]),
                 ({"api.tls_cert": os.path.join(self.tmp, "none.pem"), "api.tls_key": key},
                  ["api.tls_cert", "none.pem"]),
                 ({"api.tls_cert": garbage, "api.tls_key": "KEY"}, ["not a PEM certificate"]))
        with open(key) as f:
            secret = f.read().splitlines()[1]
        for keys, words in cases:
            if keys.get("api.tls_key") == "KEY":
                os.chmod(key, 0o600)
                keys["api.tls_key"] = key
            p = subprocess.run([harness.ENTROPY, "daemon", "--config", self.config(**keys)],
                               capture_output=True, text=True, timeout=60)
            self.assertNotEqual(p.returncode, 0, keys)
            for w in words:
                self.assertIn(w, p.stderr, keys)
            self.assertNotIn(secret, p.stderr)


if __name__ == "__main__":
    harness.main()
