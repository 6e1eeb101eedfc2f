#!/usr/bin/env python3
"""HTTP API under load: a daemon on a simulated cluster (500 nodes, 1,500 VMs by default), its
rounds timed from the journal (GET /api/v1/rounds) with no client, then with 200 clients at once,
each asking every --every seconds (status, nodes, metrics in turn: dashboards that poll; 0 asks
without a pause); prints each phase's mean round time, the requests served and the slowdown.
The clients run on the same machine. Prints, asserts nothing.

usage: bench_api.py ENTROPY_BINARY [--nodes N] [--vms N] [--rounds N] [--clients N] [--every S]"""
import argparse
import concurrent.futures
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body


def rounds(port):
    return json.loads(get(port, "/api/v1/rounds?last=1000")[1])["rounds"]


def wait_rounds(port, n):
    start = len([r for r in rounds(port) if r["ended"]])
    while len([r for r in rounds(port) if r["ended"]]) < start + n:
        time.sleep(0.5)
    done = [r for r in rounds(port) if r["ended"]]
    return [r["ended"] - r["started"] for r in done[start:start + n]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("entropy")
    ap.add_argument("--nodes", type=int, default=500)
    ap.add_argument("--vms", type=int, default=1500)
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--every", type=float, default=1.0)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="entropy-bench-api-")
    port = free_port()
    cfg = os.path.join(tmp, "entropy.properties")
    with open(cfg, "w") as f:
        f.write(f"daemon.log = {tmp}/log\ndaemon.journal = {tmp}/j.db\n"
                f"daemon.socket = {tmp}/s.sock\nloop.period = 1\nloop.time_limit = 1\n"
                f"monitor.sim.nodes = {a.nodes}\nmonitor.sim.vms = {a.vms}\n"
                f"api.listen = 127.0.0.1:{port}\n")
    daemon = subprocess.Popen([a.entropy, "daemon", "--config", cfg])
    try:
        while True:
            try:
                if get(port, "/api/v1/status")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        wait_rounds(port, 2)  # warm up
        quiet = wait_rounds(port, a.rounds)
        stop = threading.Event()
        served = [0] * a.clients

        def client(i):
            paths = ("/api/v1/status", "/api/v1/nodes", "/metrics")
            while not stop.is_set():
                t = time.monotonic()
                if get(port, paths[served[i] % 3])[0] == 200:
                    served[i] += 1
                stop.wait(max(0.0, a.every - (time.monotonic() - t)))

        with concurrent.futures.ThreadPoolExecutor(max_workers=a.clients) as pool:
            for i in range(a.clients):
                pool.submit(client, i)
            t0 = time.monotonic()
            loaded = wait_rounds(port, a.rounds)
            seconds = time.monotonic() - t0
            stop.set()
        q, l = statistics.mean(quiet), statistics.mean(loaded)
        print(f"api under load: {a.nodes} nodes, {a.vms} VMs, {a.rounds} rounds each, clients "
              f"asking every {a.every} s")
        print(f"  no client:        mean round {q:.3f} s (min {min(quiet):.3f}, max {max(quiet):.3f})")
        print(f"  {a.clients} clients:      mean round {l:.3f} s (min {min(loaded):.3f}, "
              f"max {max(loaded):.3f}); {sum(served)} requests in {seconds:.1f} s "
              f"({sum(served) / seconds:.0f}/s)")
        print(f"  slowdown: {100 * (l / q - 1):+.1f} %")
    finally:
        daemon.terminate()
        daemon.wait(timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
