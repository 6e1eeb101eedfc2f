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
  does, and lands on the destination later;
- POST /xend/domain with op=create&config=SXP (xm create's configuration: (vm (name ..) (memory
  ..) (image (linux (kernel ..) ...)) (device ...)), parsed as xend's sxp reader does): the domain
  is built paused, refused when the name exists on that node or the balloon has no room; POST
  /xend/domain/NAME op=unpause runs it.

What each node's xenstore lists is written to STATE/NODE.vms for the seed script's stubs
(seed.py), so the seed's Ganglia metrics follow the fake's migrations."""
import http.server
import re
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
        self.paused, self.created = set(), []  # created: (node, SXP configuration) of each create
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
                f"(state {'--p---' if name in self.paused else '-b----'}) "
                f"(cpu_time {cpu_time:.3f}) (online_vcpus {vm['vcpus']}))")


def parse_sxp(text):
    """xend's S-expressions: lists, bare atoms, '...' or "..." strings with backslash escapes.
    Raises ValueError on malformed input (xend answers it with an error)."""
    token = re.compile(r"""\s*(\(|\)|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s()'"]+)""")
    tokens, at = [], 0
    while text[at:].strip():
        m = token.match(text, at)
        if not m:
            raise ValueError(f"offset {at}: unreadable")
        tokens.append(m.group(1))
        at = m.end()
    pos = 0

    def read():
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError("unterminated")
        tok = tokens[pos]
        pos += 1
        if tok == "(":
            items = []
            while pos < len(tokens) and tokens[pos] != ")":
                items.append(read())
            if pos >= len(tokens):
                raise ValueError("unterminated list")
            pos += 1
            return items
        if tok == ")":
            raise ValueError("unexpected )")
        if tok[0] in "'\"":
            return re.sub(r"\\(.)", r"\1", tok[1:-1])
        return tok

    value = read()
    if pos != len(tokens):
        raise ValueError("trailing input")
    return value


def sxp_value(lst, key):
    """The value after key in (key value) among lst's sub-lists, or None."""
    for item in lst[1:] if isinstance(lst, list) else []:
        if isinstance(item, list) and len(item) > 1 and item[0] == key:
            return item[1]
    return None


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
        parts = self.path.split("/")
        name = urllib.parse.unquote(parts[3]) if len(parts) > 3 and parts[3] else None
        with c.lock:
            c.posts.append((node, name, form))
            if name is None and form.get("op") == "create":
                return self.create(c, node, form.get("config", ""))
            if form.get("op") == "unpause" and name in c.domains[node]:
                c.paused.discard(name)
                return self.answer(200, "")
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

    def create(self, c, node, config):
        """SrvDomainDir.op_create: the configuration parsed, the domain built paused."""
        try:
            vm = parse_sxp(config)
        except ValueError as e:
            return self.answer(500, f"(xend.err 'Error parsing config: {e}')")
        image = next((i for i in vm[1:] if isinstance(i, list) and i[0] == "image"), None)
        name, memory = sxp_value(vm, "name"), sxp_value(vm, "memory")
        if vm[0] != "vm" or not name or not memory or not image:
            return self.answer(500, "(xend.err 'Invalid configuration')")
        if name in c.domains[node]:
            return self.answer(500, f"(xend.err \"VM name '{name}' already in use by domain "
                                    f"1\")")
        if c.free_mb(node) < int(memory):
            return self.answer(500, f"(xend.err 'I need {int(memory) * 1024} KiB, but only have "
                                    f"{max(c.free_mb(node), 0) * 1024} KiB free.')")
        c.vms[name] = {"memory": int(memory), "vcpus": int(sxp_value(vm, "vcpus") or 1),
                       "started": time.monotonic()}
        c.domains[node].append(name)
        c.paused.add(name)
        c.created.append((node, config))
        c.publish(node)
        return self.answer(200, c.domain_sxp(len(c.domains[node]), name))

    def log_message(self, *args):
        pass
