"""A real etcd cluster of three members on loopback (Debian's etcd-server), for the HA tests:
free ports, a fresh cluster token, data in a directory of the test's own; killed at the end."""
import base64
import json
import os
import signal
import subprocess
import time
import urllib.request

import harness


class EtcdCluster:
    def __init__(self, directory, members=3):
        self.dir = directory
        self.names = [f"m{i + 1}" for i in range(members)]
        self.client = {n: harness.free_port() for n in self.names}
        self.peer = {n: harness.free_port() for n in self.names}
        self.procs = {}
        token = f"entropy-test-{os.getpid()}-{time.monotonic_ns()}"
        initial = ",".join(f"{n}=http://127.0.0.1:{self.peer[n]}" for n in self.names)
        for n in self.names:
            with open(os.path.join(directory, f"{n}.log"), "w") as log:
                self.procs[n] = self.member(n, initial, token, log)
        end = time.monotonic() + 60
        while not all(self.healthy(n) for n in self.names):
            if time.monotonic() > end:
                raise AssertionError("etcd cluster not healthy in 60 s")
            time.sleep(0.2)

    def member(self, n, initial, token, log):
        return subprocess.Popen(
            ["etcd", "--name", n, "--data-dir", os.path.join(self.dir, f"{n}.etcd"),
             "--listen-client-urls", self.url(n), "--advertise-client-urls", self.url(n),
             "--listen-peer-urls", f"http://127.0.0.1:{self.peer[n]}",
             "--initial-advertise-peer-urls", f"http://127.0.0.1:{self.peer[n]}",
             "--initial-cluster", initial, "--initial-cluster-state", "new",
             "--initial-cluster-token", token], stdout=log, stderr=subprocess.STDOUT)

    def url(self, name):
        return f"http://127.0.0.1:{self.client[name]}"

    def endpoints(self):
        return " ".join(self.url(n) for n in self.names)

    def healthy(self, name):
        try:
            with urllib.request.urlopen(self.url(name) + "/health", timeout=2) as r:
                return b'"true"' in r.read()
        except OSError:
            return False

    def get(self, key):
        """The value of key (text), None when there is none: through the v3 JSON gateway."""
        body = json.dumps({"key": base64.b64encode(key.encode()).decode()}).encode()
        for n in self.names:
            try:
                with urllib.request.urlopen(self.url(n) + "/v3/kv/range", body, timeout=5) as r:
                    kvs = json.load(r).get("kvs", [])
                    return base64.b64decode(kvs[0]["value"]).decode() if kvs else None
            except OSError:
                continue
        raise AssertionError("no etcd member answers")

    def keys(self, prefix):
        """The keys that start with prefix."""
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        body = json.dumps({"key": base64.b64encode(prefix.encode()).decode(),
                           "range_end": base64.b64encode(end.encode()).decode(),
                           "keys_only": True}).encode()
        for n in self.names:
            try:
                with urllib.request.urlopen(self.url(n) + "/v3/kv/range", body, timeout=5) as r:
                    return [base64.b64decode(kv["key"]).decode()
                            for kv in json.load(r).get("kvs", [])]
            except OSError:
                continue
        raise AssertionError("no etcd member answers")

    def kill(self, name):
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait(timeout=30)

    def stop(self):
        for p in self.procs.values():
            if p.poll() is None:
                p.kill()
                p.wait(timeout=30)
