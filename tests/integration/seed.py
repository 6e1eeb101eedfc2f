"""The seed documents' monitoring, as the tests play it: a real gmond of the test's own on
loopback (Debian's ganglia-monitor), and the seed's gmetric script, its text unchanged, run once
per Xen node with `xm`, `xenstore-read` and `xenstore-ls` replaced by stubs that answer like Xen
3.3's tools (FAKES: Xen cannot run here). A stub lists the VMs written in STATE/NODE.vms (one
name per line), so a fake xend can move them; `gmetric` publishes to the test's gmond, each node
spoofed as its own host (the addresses are only data: every packet stays on 127.0.0.1)."""
import os
import shutil
import socket
import subprocess
import tempfile
import time

import harness

SEED_SCRIPT = os.path.join(harness.REPO, "tests", "data", "seed", "gmetric-xen.sh")

XEN_STUBS = {
    "xm": """#!/bin/sh
[ "$1" = info ] || exit 1
printf 'host                   : %s\\nrelease                : 2.6.18-xen\\n' "$SEED_HOST"
printf 'nr_cpus                : %s\\ntotal_memory           : %s\\nfree_memory            : 100\\n' \\
    "$SEED_CPUS" "$SEED_MEMORY_MB"
""",
    "xenstore-read": """#!/bin/sh
[ "$1" = /local/domain/0/memory/target ] && echo "$SEED_DOM0_KB"
""",
    "xenstore-ls": """#!/bin/sh
[ "$1" = /local/domain ] || exit 1
echo '0 = ""'
echo ' name = "Domain-0"'
i=1
[ -f "$SEED_STATE/$SEED_HOST.vms" ] || exit 0
while read -r vm; do
    [ -n "$vm" ] || continue
    printf '%s = ""\\n vm = "/vm/%s"\\n name = "%s"\\n' "$i" "$i" "$vm"
    i=$((i + 1))
done < "$SEED_STATE/$SEED_HOST.vms"
""",
    "gmetric": """#!/bin/sh
shift 2  # -c /etc/ganglia/gmond.conf, as the seed script passes it
exec /usr/bin/gmetric -c "$SEED_GMOND_CONF" -S "$SEED_IP:$SEED_HOST" "$@"
""",
}


class Gmond:
    """A gmond of its own: UDP in and out on 127.0.0.1, XML on a TCP port."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="entropy-gmond-")
        self.udp, self.tcp = harness.free_port(), harness.free_port()
        self.conf = os.path.join(self.dir, "gmond.conf")
        with open(self.conf, "w") as f:
            f.write(f"""globals {{
  daemonize = no
  setuid = no
  debug_level = 0
  mute = no
  deaf = no
  allow_extra_data = yes
  host_dmax = 0
  cleanup_threshold = 300
  send_metadata_interval = 5
}}
cluster {{ name = "entropy-test" }}
udp_send_channel {{ host = 127.0.0.1  port = {self.udp}  ttl = 1 }}
udp_recv_channel {{ port = {self.udp}  bind = 127.0.0.1 }}
tcp_accept_channel {{ port = {self.tcp}  bind = 127.0.0.1 }}
""")
        self.proc = subprocess.Popen(["gmond", "-c", self.conf, "-f"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.tcp), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("gmond did not start")

    def metric(self, host, ip, name, value, kind="string", units="", tmax=None):
        cmd = ["gmetric", "-c", self.conf, "-n", name, "-v", str(value), "-t", kind,
               "-S", f"{ip}:{host}"]
        if units:
            cmd += ["-u", units]
        if tmax:
            cmd += ["-x", str(tmax)]
        subprocess.run(cmd, check=True)

    def node(self, name, ip, vms, mem_kb=16777216, cpus=8, kind="xen-3.3", tmax=None,
             skip=()):
        """What the seed script publishes for a node, by hand."""
        metrics = [("container.mem_total", mem_kb, "uint32", "KB"),
                   ("container.cpu_num", cpus, "uint8", ""),
                   ("container.type", kind, "string", ""),
                   ("container.driver.migration", "xen", "string", ""),
                   ("container.vms", " ".join(vms), "string", "")]
        for name_, value, kind_, units in metrics:
            if name_ not in skip:
                self.metric(name, ip, name_, value, kind_, units,
                            tmax if name_ == "container.vms" else None)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


class SeedScripts:
    """The seed script running for each node of {NAME: (memory MB, CPUs)}, listing the VMs of
    STATE/NAME.vms; Domain-0 holds dom0_mb of each node's memory."""

    def __init__(self, gmond, state, nodes, dom0_mb=512):
        self.stubs = os.path.join(gmond.dir, "xen-tools")
        os.makedirs(self.stubs, exist_ok=True)
        for name, text in XEN_STUBS.items():
            path = os.path.join(self.stubs, name)
            with open(path, "w") as f:
                f.write(text)
            os.chmod(path, 0o755)
        self.procs = []
        for i, (host, (memory_mb, cpus)) in enumerate(nodes.items(), 1):
            env = dict(os.environ, PATH=f"{self.stubs}:{os.environ['PATH']}", SEED_HOST=host,
                       SEED_IP=f"10.201.0.{i}", SEED_STATE=state, SEED_GMOND_CONF=gmond.conf,
                       SEED_CPUS=str(cpus), SEED_MEMORY_MB=str(memory_mb),
                       SEED_DOM0_KB=str(dom0_mb * 1024))
            self.procs.append(subprocess.Popen(["sh", SEED_SCRIPT], env=env,
                                               stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL))

    def stop(self):
        for p in self.procs:
            p.kill()
            p.wait()


def write_vms(state, node, names):
    """What xenstore lists on node: names, one per line (replaced at once, never half-written)."""
    path = os.path.join(state, node + ".vms")
    with open(path + ".new", "w") as f:
        f.write("".join(f"{n}\n" for n in names))
    os.replace(path + ".new", path)
