"""A real BMC for the tests: Debian's ipmi_sim (package openipmi) serving IPMI 2.0 lanplus on a
loopback UDP port, its chassis power tied to a "node" process (startcmd: started on power on,
killed on power off), so that a power action has an effect the tests see without Entropy: the
process, and ipmitool as an independent client."""
import os
import signal
import socket
import subprocess
import tempfile
import time

LAN_CONF = """name "{name}"
set_working_mc 0x20
  startlan 1
    addr 127.0.0.1 {port}
    priv_limit admin
    allowed_auths_callback md5
    allowed_auths_user md5
    allowed_auths_operator md5
    allowed_auths_admin md5
    guid {guid}
  endlan
  serial 15 127.0.0.1 {vm_port} codec VM
  startcmd "{node}"
  startnow {start_on}
  poweroff_wait 1
  kill_wait 1
  user 1 false "" "" user 1 md5
  user 2 true "{user}" "{password}" admin 10 md5
"""

SIM_EMU = """mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02
mc_enable 0x20
"""


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bmc:
    """One BMC and its node. The node is a shell script that records its pid (in pid_file: a lab
    node is on while the process named in LAB/run/NODE.power.pid lives) and sleeps; the command
    it runs can be replaced (node_command) to start something real."""

    def __init__(self, name, user="admin", password="s3cret-pw", on=False, node_command=None,
                 pid_file=None):
        self.name, self.user, self.password = name, user, password
        self.dir = tempfile.mkdtemp(prefix=f"entropy-bmc-{name}-")
        os.makedirs(os.path.join(self.dir, "state"))
        self.pid_file = pid_file or os.path.join(self.dir, "node.pid")
        node = os.path.join(self.dir, "node.sh")
        with open(node, "w") as f:
            f.write(f"#!/bin/sh\necho $$ > {self.pid_file}\n"
                    f"exec {node_command or 'sleep 1000000'}\n")
        os.chmod(node, 0o755)
        self.port = free_udp_port()
        with open(os.path.join(self.dir, "lan.conf"), "w") as f:
            f.write(LAN_CONF.format(name=name, port=self.port, vm_port=free_tcp_port(),
                                    guid=os.urandom(16).hex(), node=node, user=user,
                                    password=password, start_on="true" if on else "false"))
        with open(os.path.join(self.dir, "sim.emu"), "w") as f:
            f.write(SIM_EMU)
        self.password_file = os.path.join(self.dir, "password")
        fd = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, (password + "\n").encode())
        os.close(fd)
        self.log = open(os.path.join(self.dir, "ipmi_sim.log"), "w")
        self.proc = subprocess.Popen(
            ["ipmi_sim", "-c", "lan.conf", "-f", "sim.emu", "-s", "state", "-n"], cwd=self.dir,
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        for _ in range(100):  # until it answers
            if self.ipmitool("chassis", "power", "status").returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"ipmi_sim {name} does not answer on port {self.port}")

    @property
    def uri(self):
        return f"ipmi://{self.user}@127.0.0.1:{self.port}"

    def ipmitool(self, *args):
        """ipmitool as an independent client (the password from the environment, -E)."""
        return subprocess.run(["ipmitool", "-I", "lanplus", "-C", "3", "-N", "1", "-R", "2",
                               "-H", "127.0.0.1", "-p", str(self.port), "-U", self.user, "-E",
                               *args], capture_output=True, text=True, timeout=30,
                              env={**os.environ, "IPMI_PASSWORD": self.password})

    def power(self):
        """'on' or 'off' as ipmitool reads it."""
        out = self.ipmitool("chassis", "power", "status").stdout
        return "on" if "is on" in out else "off" if "is off" in out else "unknown: " + out

    def node_pid(self):
        """The node process's pid while it runs, else None."""
        try:
            with open(self.pid_file) as f:
                pid = int(f.read())
            os.kill(pid, 0)
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split(")")[-1].split()[0] == "Z":
                    return None
            return pid
        except (OSError, ValueError):
            return None

    def stop(self):
        pid = self.node_pid()
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()
