"""What the command-line and integration tests share: the entropy binary under test, running
it with an expected exit status, free loopback ports, a QMP client of the tests' own, and the
live QEMU processes of a lab VM (read independently of Entropy, to check what it did).

A test module calls harness.main() under __main__: the first argument is the binary
(meson passes it), the rest go to unittest.
"""
import json
import os
import socket
import subprocess
import time
import sys
import unittest

ENTROPY = None  # the binary under test, set by main()
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, check=None, timeout=600, **kwargs):
    """entropy ARGS; with check, the exit status it must end with (the output in the failure)."""
    p = subprocess.run([ENTROPY, *args], capture_output=True, text=True, timeout=timeout, **kwargs)
    if check is not None and p.returncode != check:
        raise AssertionError(f"entropy {' '.join(args)}: exit {p.returncode}, want {check}\n"
                             f"stdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-2000:]}")
    return p


def monitor(*args, check=0):
    """entropy monitor ARGS, which must exit with check."""
    return run("monitor", *args, check=check, timeout=60)


GANGLIA_NODE = (
    '<HOST NAME="{name}" IP="10.9.0.1" REPORTED="0" TN="1" TMAX="20" DMAX="0">'
    '<METRIC NAME="container.mem_total" VAL="16777216" TYPE="uint32" TN="1" TMAX="60"/>'
    '<METRIC NAME="container.cpu_num" VAL="8" TYPE="uint8" TN="1" TMAX="60"/>'
    '<METRIC NAME="container.type" VAL="{kind}" TYPE="string" TN="1" TMAX="60"/>'
    '<METRIC NAME="container.driver.migration" VAL="{driver}" TYPE="string" TN="1" TMAX="60"/>'
    '<METRIC NAME="container.vms" VAL="{vms}" TYPE="string" TN="1" TMAX="60"/></HOST>')


def ganglia_dump(nodes, kind="xen-3.3", driver="xen"):
    """A gmond XML dump of nodes {NAME: [VM, ...]} publishing what the seed script does (16 GiB,
    8 CPUs, the VM names one per line)."""
    hosts = "".join(GANGLIA_NODE.format(name=n, kind=kind, driver=driver, vms="&#10;".join(v))
                    for n, v in nodes.items())
    return f'<GANGLIA_XML VERSION="3.7.2" SOURCE="gmond"><CLUSTER NAME="c">{hosts}</CLUSTER>' \
        '</GANGLIA_XML>'


def monitor_config(directory, lines):
    """entropy monitor --config on a file of lines written in directory: the snapshot."""
    path = os.path.join(directory, "entropy.properties")
    with open(path, "w") as f:
        f.write("".join(f"{x}\n" for x in lines))
    return json.loads(monitor("--config", path).stdout)


def poll(test, timeout, interval=0.1):
    """test() until it gives something true (returned), or None after timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = test()
        if found:
            return found
        time.sleep(interval)
    return None


def free_port():
    """A TCP port free on 127.0.0.1 now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qmp(path, command, timeout=5, **args):
    """One QMP command on the socket at path, by the tests' own client (not Entropy's)."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(timeout)
        s.connect(path)
        f = s.makefile("rw")
        json.loads(f.readline())  # greeting
        for cmd in ({"execute": "qmp_capabilities"},
                    {"execute": command, **({"arguments": args} if args else {})}):
            f.write(json.dumps(cmd) + "\n")
            f.flush()
            while True:
                msg = json.loads(f.readline())
                if "event" not in msg:
                    break
        if "error" in msg:
            raise RuntimeError(msg["error"])
        return msg["return"]


def qemu_alive(pid, sock):
    """Whether pid is a live QEMU serving sock (the lab's own check, done independently)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return sock.encode() in f.read()
    except OSError:
        return False


def lab_vm_states(lab_dir, vm, ask=True, timeout=1):
    """The live QEMU processes of lab VM vm (from run/'s pid files, each checked against /proc)
    as {pid: QMP status}; the status None where QMP did not answer in timeout seconds (QEMU
    serves one QMP client at a time: during a migration the driver holds it), or without ask."""
    run_dir, states = os.path.join(lab_dir, "run"), {}
    for name in os.listdir(run_dir):
        if not (name.startswith(vm + ".g") and name.endswith(".pid")):
            continue
        sock = os.path.join(run_dir, name[:-4] + ".sock")
        try:
            with open(os.path.join(run_dir, name)) as f:
                pid = int(f.read())
        except (OSError, ValueError):
            continue
        if not qemu_alive(pid, sock):
            continue
        try:
            states[pid] = qmp(sock, "query-status", timeout=timeout)["status"] if ask else None
        except (OSError, ValueError, RuntimeError):
            states[pid] = None
    return states


def lab_instances(lab_dir, vm, running=False):
    """Pids of the live QEMU processes of lab VM vm; with running, only those that answer QMP
    with "running"."""
    states = lab_vm_states(lab_dir, vm, ask=running, timeout=5)
    return [pid for pid, status in states.items() if not running or status == "running"]


def assert_no_vm_lost_or_doubled(test, lab_dir, vms):
    """While a daemon may be migrating: each lab VM has a live QEMU and at most one runs. (A VM
    in its migration's switch-over runs nowhere for its downtime, and a QEMU whose QMP the
    driver holds does not answer; neither is a loss. A loss is no QEMU at all, twice in a
    row: the look at run/ is not atomic against a migration that ends meanwhile.)"""
    for v in range(1, vms + 1):
        states = lab_vm_states(lab_dir, f"vm-{v}")
        if not states:
            time.sleep(0.2)
            states = lab_vm_states(lab_dir, f"vm-{v}")
        test.assertTrue(states, f"vm-{v} has no QEMU")
        test.assertLessEqual(list(states.values()).count("running"), 1, f"vm-{v}: {states}")


def main():
    """Runs the calling module's tests on the binary given as the first argument."""
    global ENTROPY
    ENTROPY = os.path.abspath(sys.argv.pop(1))
    sys.modules["__main__"].ENTROPY = ENTROPY  # modules that still read their own ENTROPY
    unittest.main(verbosity=2)
