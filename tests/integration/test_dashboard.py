#!/usr/bin/env python3
"""The web dashboard in a real headless browser (Debian's Chromium): served at / by a daemon
running the simulated cluster, it shows the nodes (an enclosure grouped) with their VMs, and the
plan in progress moving between two looks; a screenshot is saved in the build directory
(dashboard.png) for a person to look at. The files are served from memory with a content
security policy; an unknown file is a JSON 404.

usage: test_dashboard.py ENTROPY_BINARY [unittest args]"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

WEB = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                   "web")


class Dashboard(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="entropy-dashboard-test-")
        self.port = harness.free_port()
        config = os.path.join(self.tmp, "entropy.properties")
        keys = {"daemon.log": os.path.join(self.tmp, "entropy.log"),
                "daemon.journal": os.path.join(self.tmp, "journal.db"),
                "daemon.socket": os.path.join(self.tmp, "entropy.sock"),
                "api.listen": f"127.0.0.1:{self.port}", "api.web_root": WEB,
                "loop.period": "2", "monitor.sim.action_seconds": "1",
                "enclosure.rack1": "node-001 node-002 node-003"}
        with open(config, "w") as f:
            for k, v in keys.items():
                f.write(f"{k} = {v}\n")
        self.daemon = subprocess.Popen([harness.ENTROPY, "daemon", "--config", config],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                       text=True)

    def tearDown(self):
        if self.daemon.poll() is None:
            self.daemon.terminate()
        _, err = self.daemon.communicate(timeout=60)
        for report in ("Sanitizer", "runtime error"):
            self.assertNotIn(report, err)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def browse(self, *mode):
        """Chromium, headless, on the dashboard for 5 s of virtual time (its timers run, its
        requests are waited for; polling only, an event stream never lets a page go idle); the
        page as its scripts left it, which must have drawn the status and the history."""
        p = subprocess.run(["chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                            "--no-first-run", "--disable-extensions",
                            "--disable-background-networking", "--disable-component-update",
                            f"--user-data-dir={self.tmp}/chromium", "--window-size=1400,1000",
                            "--virtual-time-budget=5000", *mode,
                            f"http://127.0.0.1:{self.port}/?nostream"],
                           capture_output=True, text=True, timeout=180, cwd=self.tmp)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        if "--dump-dom" in mode:
            self.assertIn('data-ready="1"', p.stdout, p.stdout[:3000])
        return p.stdout

    def curl(self, path):
        p = subprocess.run(["curl", "-sS", "-D", "-", f"http://127.0.0.1:{self.port}{path}"],
                           capture_output=True, text=True, timeout=30)
        return p.stdout

    def test_nodes_and_a_moving_plan_in_a_real_browser(self):
        end = time.monotonic() + 90  # a round ended (its history drawn), a plan under way
        while not re.search(r'"last_round":\s*\{', self.curl("/api/v1/status")) or \
                "migrateVM" not in self.curl("/api/v1/plan"):
            self.assertLess(time.monotonic(), end, "no round ended with a plan")
            time.sleep(0.2)
        page = self.curl("/")
        self.assertIn("Content-Security-Policy: default-src 'self'", page)
        self.assertIn("<title>Entropy</title>", page)
        missing = self.curl("/nothing.js")
        self.assertIn("404", missing.splitlines()[0])
        first = self.browse("--dump-dom")
        for i in range(1, 17):
            self.assertIn(f'data-node="node-{i:03d}"', first)
        self.assertRegex(first, r'data-enclosure="rack1"[^>]*>.*data-node="node-001"')
        self.assertIn('data-vm="vm-0001"', first)
        self.assertRegex(first, r'data-status="(pending|running|done|failed)"')
        self.assertIn('data-series="active_nodes"', first)
        second = self.browse("--dump-dom")

        def plan_of(dom):
            return (re.findall(r"round (\d+): \d+ action", dom),
                    re.findall(r'data-status="(\w+)"', dom))
        self.assertNotEqual(plan_of(first), plan_of(second), "the plan did not move")
        shot = os.path.join(os.path.dirname(harness.ENTROPY), "dashboard.png")
        self.browse(f"--screenshot={shot}")
        with open(shot, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        print(f"\nscreenshot: {shot}", file=sys.stderr)


if __name__ == "__main__":
    harness.main()
