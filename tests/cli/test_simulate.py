#!/usr/bin/env python3
"""entropy simulate: a slice of a real PlanetLab day replayed under every policy, its JSON (the
policies array and its fields), CSV (every interval) and SVG chart (valid XML, a line per policy
and panel); a no-migration run has zero PDM; the same seed gives the same figures; bad traces and
bad options are refused naming what and where.

usage: test_simulate.py ENTROPY_BINARY [unittest args]"""
import csv
import json
import os
import shutil
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

DATA = os.environ.get("ENTROPY_SHARED_DATA",
                      os.path.join(os.path.dirname(harness.REPO), "shared", "data"))
DAY = os.path.join(DATA, "planetlab", "20110303")
FIELDS = ["policy", "energy_kwh", "slatah", "pdm", "slav", "esv", "migrations", "wall_seconds"]


def day_slice(tmp, n):
    """The first n VMs of a real day, in a folder of their own."""
    out = os.path.join(tmp, "trace")
    os.mkdir(out)
    for name in sorted(os.listdir(DAY))[:n]:
        shutil.copy(os.path.join(DAY, name), out)
    return out


class Simulate(unittest.TestCase):
    def test_every_policy_side_by_side(self):
        with tempfile.TemporaryDirectory() as tmp:
            trace = day_slice(tmp, 120)
            out = {ext: os.path.join(tmp, "out." + ext) for ext in ("json", "csv", "svg")}
            args = ["simulate", "--trace", trace, "--hosts", "90"]
            for path in out.values():
                args += ["-o", path]
            p = harness.run(*args, check=0)
            with open(out["json"]) as f:
                doc = json.load(f)
            names = [pol["policy"] for pol in doc["policies"]]
            self.assertEqual(names, ["entropy", "entropy-energy", "lr-mmt-1.2", "thr-mmt-0.8",
                                     "none"])
            self.assertEqual((doc["vms"], doc["steps"], doc["hosts"]), (120, 288, 90))
            by_name = {pol["policy"]: pol for pol in doc["policies"]}
            for pol in doc["policies"]:
                for field in FIELDS:
                    self.assertIn(field, pol)
                self.assertAlmostEqual(pol["slav"], pol["slatah"] * pol["pdm"], places=12)
                self.assertAlmostEqual(pol["esv"], pol["energy_kwh"] * pol["slav"], places=12)
                self.assertIn(pol["policy"], p.stdout)
            self.assertEqual(by_name["none"]["migrations"], 0)
            self.assertEqual(by_name["none"]["pdm"], 0)
            for name in ("entropy", "lr-mmt-1.2", "thr-mmt-0.8"):
                self.assertGreater(by_name[name]["migrations"], 0)
                self.assertGreater(by_name[name]["pdm"], 0)
                # consolidating saves energy against keeping the start placement
                self.assertLess(by_name[name]["energy_kwh"], by_name["none"]["energy_kwh"])
            with open(out["csv"]) as f:
                rows = list(csv.DictReader(f))
            self.assertEqual(len(rows), 5 * 288)
            self.assertEqual(sum(int(r["migrations"]) for r in rows if r["policy"] == "entropy"),
                             by_name["entropy"]["migrations"])
            svg = ET.parse(out["svg"]).getroot()
            lines = svg.findall("{http://www.w3.org/2000/svg}polyline")
            self.assertEqual(len(lines), 3 * 5)
            for line in lines:
                self.assertEqual(len(line.get("points").split()), 288)

    def test_same_seed_same_figures(self):
        with tempfile.TemporaryDirectory() as tmp:
            trace = day_slice(tmp, 60)
            docs = []
            for i in range(2):
                path = os.path.join(tmp, f"run{i}.json")
                harness.run("simulate", "--trace", trace, "--hosts", "50", "--policy",
                            "entropy,lr-mmt-1.2", "--seed", "7", "-o", path, check=0)
                with open(path) as f:
                    docs.append([{k: v for k, v in pol.items() if k != "wall_seconds"}
                                 for pol in json.load(f)["policies"]])
            self.assertEqual(docs[0], docs[1])

    def test_bad_traces_and_options_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            trace = day_slice(tmp, 3)
            name = sorted(os.listdir(trace))[1]
            with open(os.path.join(trace, name)) as f:
                lines = f.read().splitlines()
            lines[40] = "12%"
            with open(os.path.join(trace, name), "w") as f:
                f.write("\n".join(lines) + "\n")
            p = harness.run("simulate", "--trace", trace, check=2)
            self.assertIn(f"{name}:41: not a utilisation", p.stderr)
            bad_csv = os.path.join(tmp, "t.csv")
            with open(bad_csv, "w") as f:
                f.write("time,vm,cpu,mem\n0,a,50,\n300,a,-1,\n")
            p = harness.run("simulate", "--trace", bad_csv, check=2)
            self.assertIn("t.csv:3: cpu -1 outside 0..100", p.stderr)
            p = harness.run("simulate", "--trace", os.path.join(tmp, "nowhere"), check=2)
            self.assertIn("nowhere", p.stderr)
            p = harness.run("simulate", "--trace", bad_csv, "--policy", "magic", check=2)
            self.assertIn("lr-mmt-1.2", p.stderr)
            p = harness.run("simulate", "--trace", bad_csv, "-o", os.path.join(tmp, "x.txt"),
                            check=2)
            self.assertIn(".json, .csv or .svg", p.stderr)
            harness.run("simulate", check=2)

    def test_demo_replays_a_trace(self):
        with tempfile.TemporaryDirectory() as tmp:
            trace = day_slice(tmp, 45)
            p = harness.run("demo", "--trace", trace, "--rounds", "3", "--log",
                            os.path.join(tmp, "demo.log"), check=0)
            self.assertIn("16 simulated nodes", p.stdout)
            self.assertIn("45 VMs, 3 rounds", p.stdout)
            self.assertEqual(p.stdout.count("round "), 3)
            with open(os.path.join(trace, sorted(os.listdir(trace))[0]), "a") as f:
                f.write("oops\n")
            p = harness.run("demo", "--trace", trace, "--log", os.path.join(tmp, "demo.log"),
                            check=2)
            self.assertIn(":289: not a utilisation", p.stderr)


if __name__ == "__main__":
    harness.main()
