"""A FAKE Xen 3.3 cluster (Xen cannot run here): one HTTP server per node, each on a loopback
address of its own (127.0.X.Y), answering like xend 3.3's HTTP interface on port 8000 over one
shared, stateful cluster:

- GET /xend/node, GET /xend/domain?detail=1 (Domain-0 first, each domain's memory, vcpus and a
  cpu_time that grows as the domain runs), GET /xend/domain/NAME; SXP bodies, (xend.err '...')
  errors as xend sends them;
- POST /xend/domain/NAME with op=migrate&destination=ADDRESS&live=1: while the migration runs
  the source domain is named migrating-NAME (xend renames it so, in its list and in xenstore);
  the destination's balloon refuses a domain it has no room for ("I need N KiB but only have
  M"); a node in `refusing` refuses incoming relocations (connection refused); a migration may
  take longer than the client waits (`delays`): it goes on after the client gave up, as xend's
  does, and lands on the destination later.

What each node's xenstore lists is written to STATE/NODE.vms for the seed script's stubs
(seed.py), so the seed's Ganglia metrics follow the fake's migrations."""
import http.server
import threading
import time
import urllib.parse

import seed


class Cluster:
    def __init__(self, state, nodes, vms, subnet, dom0_mb=512, cpu_rate=0.05, migration_s=0.3):
        """nodes: {NAME: (memory MB, CPUs)}; vms: {NAME: (node, memory MB, vCPUs)}; the nodes
        listen on 127.0.SUBNET.1, .2, ...; each domain uses cpu_rate CPU seconds a second."""
        self.lock = threading.Lock()
        self.state, self.dom0_mb, self.cpu_rate = state, dom0_mb, cpu_rate
        self.migration_s = migration_s
        self.nodes = dict(nodes)
        self.vms = {v: {"memory": m, "vcpus": c, "started": time.monotonic()}
                    for v, (_, m, c) in vms.items()}
        self.domains = {n: [v for v, (node, _, _) in vms.items() if node == n] for n in nodes}
        self.refusing, self.delays, self.posts = set(), {}, []
        self.first_delay = None  # seconds the next migration takes, whichever VM it moves
        self.addr, self.url, self.servers = {}, {}, []
        for i, node in enumerate(nodes, 1):
            addr = f"127.0.{subnet}.{i}"
            srv = http.server.ThreadingHTTPServer((addr, 0), Handler)
            srv.cluster, srv.node = self, node
            srv.daemon_threads = True
            threading.Thread(target=srv.serve_forever, daemon=True).start()
            self.addr[node], self.url[node] = addr, f"http://{addr}:{srv.server_port}"
            self.servers.append(srv)
        for node in nodes:
            self.publish(node)

    def stop(self):
        for s in self.servers:
            s.shutdown()
            s.server_close()

    def publish(self, node):
        """xenstore's names on node, for the seed script (called with the lock held or alone)."""
        seed.write_vms(self.state, node, self.domains[node])

    def placement(self):
        """{VM: [nodes it runs on]}: each VM should be on exactly one."""
        with self.lock:
            where = {v: [] for v in self.vms}
            for node, names in self.domains.items():
                for name in names:
                    where[name.removeprefix("migrating-")].append(node)
            return where

    def free_mb(self, node):
        used = sum(self.vms[d.removeprefix("migrating-")]["memory"] for d in self.domains[node])
        return self.nodes[node][0] - self.dom0_mb - used

    def domain_sxp(self, domid, name):
        vm = self.vms[name.removeprefix("migrating-")]
        cpu_time = (time.monotonic() - vm["started"]) * self.cpu_rate
        return (f"(domain (domid {domid}) (uuid 0000-{domid}) (vcpus {vm['vcpus']}) "
                f"(name {name}) (memory {vm['memory']}) (maxmem {vm['memory']}) "
                f"(state -b----) (cpu_time {cpu_time:.3f}) (online_vcpus {vm['vcpus']}))")


class Handler(http.server.BaseHTTPRequestHandler):
    def answer(self, status, body):
        data = body.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the client gave up waiting

    def do_GET(self):
        c, node = self.server.cluster, self.server.node
        with c.lock:
            names = list(c.domains[node])
            memory, cpus = c.nodes[node]
            if self.path == "/xend/node":
                return self.answer(200, f"(node (host {node}) (nr_cpus {cpus}) (total_memory "
                                        f"{memory}) (free_memory {c.free_mb(node)}) "
                                        f"(xen_major 3) (xen_minor 3))")
            if self.path == "/xend/domain?detail=1":
                dom0 = (f"(domain (domid 0) (name Domain-0) (memory {c.dom0_mb}) (vcpus "
                        f"{cpus}) (state r-----) (cpu_time 100.0))")
                doms = " ".join(c.domain_sxp(i, n) for i, n in enumerate(names, 1))
                return self.answer(200, f"({dom0} {doms})")
            if self.path.startswith("/xend/domain/"):
                name = urllib.parse.unquote(self.path.split("/")[3])
                if name in names:
                    return self.answer(200, c.domain_sxp(names.index(name) + 1, name))
                return self.answer(404, f"(xend.err 'Domain {name} does not exist.')")
        return self.answer(404, "(xend.err 'No such path')")

    def do_POST(self):
        c, node = self.server.cluster, self.server.node
        length = int(self.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(length).decode()).items()}
        name = urllib.parse.unquote(self.path.split("/")[3])
        with c.lock:
            c.posts.append((node, name, form))
            if form.get("op") != "migrate":
                return self.answer(500, "(xend.err 'op not faked')")
            if name not in c.domains[node]:
                return self.answer(500, f"(xend.err 'Domain {name} does not exist.')")
            dest = next((n for n, a in c.addr.items() if a == form.get("destination")), None)
            if dest is None or dest in c.refusing:
                return self.answer(500, "(xend.err \"can't connect: (111, 'Connection "
                                        "refused')\")")
            need = c.vms[name]["memory"]
            if c.free_mb(dest) < need:
                return self.answer(500, f"(xend.err 'I need {need * 1024} KiB, but dom0_min_mem "
                                        f"is 0 and shrinking to 0 KiB would leave only "
                                        f"{max(c.free_mb(dest), 0) * 1024} KiB free.')")
            doms = c.domains[node]
            doms[doms.index(name)] = "migrating-" + name
            c.publish(node)
            delay = c.delays.pop(name, c.migration_s)
            if c.first_delay is not None:
                delay, c.first_delay = c.first_delay, None
        time.sleep(delay)  # the copy; the client may stop waiting, xend goes on
        with c.lock:
            c.domains[node].remove("migrating-" + name)
            c.domains[dest].append(name)
            c.publish(node)
            c.publish(dest)
        self.answer(200, "")

    def log_message(self, *args):
        pass
