#!/usr/bin/env python3
"""entropy power through real parts: IPMI against Debian's ipmi_sim (a BMC whose chassis power
starts and kills a node process), checked with ipmitool as an independent client and by the
process itself; Wake-on-LAN against a UDP listener on loopback that checks the magic packet's
bytes; the command driver with scripts of the test's own. Bad and hostile input: wrong
password, a password file others may read, a BMC that does not answer, malformed URIs, a
command that hangs or prints control bytes.

usage: test_power.py ENTROPY_BINARY [unittest args]"""
import os
import socket
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bmc  # noqa: E402
import harness  # noqa: E402


def config(directory, lines):
    path = os.path.join(directory, "entropy.properties")
    with open(path, "w") as f:
        f.write("".join(f"{x}\n" for x in lines))
    return path


def read(path):
    with open(path) as f:
        return f.read()


def power(path, *args, check=None):
    p = harness.run("power", *args, "--config", path, check=check, timeout=120)
    return p.returncode, p.stdout, p.stderr


class Ipmi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.bmc = bmc.Bmc("n1")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.cfg = config(cls.tmp.name, [f"power.nodes = n1={cls.bmc.uri}",
                                        f"power.ipmi.password_file = {cls.bmc.password_file}",
                                        "power.ipmi.off = hard", "power.timeout = 20"])

    @classmethod
    def tearDownClass(cls):
        cls.bmc.stop()
        cls.tmp.cleanup()

    def test_on_off_status_seen_by_ipmitool_and_the_node(self):
        rc, out, _ = power(self.cfg, "n1", "status", check=0)
        self.assertEqual(out, "n1: off\n")
        self.assertIsNone(self.bmc.node_pid())
        rc, out, _ = power(self.cfg, "n1", "on", check=0)
        self.assertEqual(out, "n1: on\n")
        self.assertEqual(self.bmc.power(), "on")
        for _ in range(50):  # startcmd runs the node
            if self.bmc.node_pid():
                break
            time.sleep(0.1)
        self.assertIsNotNone(self.bmc.node_pid())
        rc, out, _ = power(self.cfg, "n1", "status", check=0)
        self.assertEqual(out, "n1: on\n")
        rc, out, _ = power(self.cfg, "n1", "off", check=0)
        self.assertEqual(out, "n1: off\n")
        self.assertEqual(self.bmc.power(), "off")
        for _ in range(50):
            if not self.bmc.node_pid():
                break
            time.sleep(0.1)
        self.assertIsNone(self.bmc.node_pid())

    def test_wrong_password_refused_and_never_shown(self):
        with tempfile.TemporaryDirectory() as tmp:
            wrong = os.path.join(tmp, "password")
            fd = os.open(wrong, os.O_WRONLY | os.O_CREAT, 0o600)
            os.write(fd, b"Wr0ng-Secret-77\n")
            os.close(fd)
            cfg = config(tmp, [f"power.nodes = n1={self.bmc.uri}",
                               f"power.ipmi.password_file = {wrong}", "power.timeout = 20"])
            rc, out, err = power(cfg, "n1", "status")
            self.assertEqual(rc, 1, out + err)
            self.assertTrue(out.startswith("n1: unknown ("), out)
            self.assertIn("RMCP+", out)
            self.assertNotIn("Wr0ng-Secret-77", out + err)

    def test_password_file_others_may_read_is_refused(self):
        with tempfile.TemporaryDirectory() as tmp:
            loose = os.path.join(tmp, "password")
            with open(loose, "w") as f:
                f.write(self.bmc.password + "\n")
            os.chmod(loose, 0o640)
            cfg = config(tmp, [f"power.nodes = n1={self.bmc.uri}",
                               f"power.ipmi.password_file = {loose}"])
            rc, out, err = power(cfg, "n1", "status")
            self.assertEqual(rc, 2, out + err)
            self.assertIn("mode 640", out)
            self.assertIn("chmod 600", out)
            self.assertNotIn(self.bmc.password, out + err)
            os.chmod(loose, 0o600)
            rc, out, err = power(cfg, "n1", "status", check=0)
            self.assertIn(out, ("n1: on\n", "n1: off\n"))

    def test_no_password_file_configured(self):
        with tempfile.TemporaryDirectory() as tmp:
            cfg = config(tmp, [f"power.nodes = n1={self.bmc.uri}"])
            rc, out, err = power(cfg, "n1", "status", check=2)
            self.assertIn("power.ipmi.password_file", out)

    def test_a_bmc_that_does_not_answer(self):
        with tempfile.TemporaryDirectory() as tmp:
            port = bmc.free_udp_port()
            cfg = config(tmp, [f"power.nodes = gone=ipmi://admin@127.0.0.1:{port} n1={self.bmc.uri}",
                               f"power.ipmi.password_file = {self.bmc.password_file}",
                               "power.timeout = 4"])
            t0 = time.monotonic()
            rc, out, err = power(cfg, "gone", "n1", "status")
            self.assertLess(time.monotonic() - t0, 60)
            self.assertEqual(rc, 1, out + err)
            lines = out.splitlines()
            self.assertTrue(lines[0].startswith("gone: unknown ("), out)
            self.assertIn(lines[1], ("n1: on", "n1: off"))  # the next node still answered


class WakeOnLan(unittest.TestCase):
    def test_magic_packet_bytes_and_off_through_the_second_uri(self):
        with tempfile.TemporaryDirectory() as tmp, \
                socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as listener:
            listener.bind(("127.0.0.1", 0))
            listener.settimeout(20)
            port = listener.getsockname()[1]
            calls = os.path.join(tmp, "calls")
            script = os.path.join(tmp, "node-power")
            with open(script, "w") as f:
                f.write(f"#!/bin/sh\necho \"$@\" >> {calls}\necho off\n")
            os.chmod(script, 0o755)
            cfg = config(tmp, [f"power.nodes = w1=wol://52:54:00:AB:cd:0f@127.0.0.1:{port},"
                               f"command://{script}", "power.timeout = 2"])
            got = []
            thread = threading.Thread(target=lambda: got.append(listener.recvfrom(1024)[0]))
            thread.start()
            # the state comes from the second URI: the script says off, so on is not reached
            rc, out, err = power(cfg, "w1", "on", check=1)
            thread.join()
            self.assertEqual(out, "w1: unknown (still off after 2 s)\n")
            mac = bytes([0x52, 0x54, 0x00, 0xAB, 0xCD, 0x0F])
            self.assertEqual(got[0], b"\xff" * 6 + mac * 16)
            self.assertNotIn("on w1", read(calls))  # on went by Wake-on-LAN
            os.unlink(calls)
            rc, out, err = power(cfg, "w1", "status", check=0)
            self.assertEqual(out, "w1: off\n")
            rc, out, err = power(cfg, "w1", "off", check=0)
            self.assertEqual(out, "w1: off\n")
            self.assertEqual(read(calls), "status w1\noff w1\nstatus w1\n")

    def test_wol_alone_cannot_tell_the_state_or_power_off(self):
        with tempfile.TemporaryDirectory() as tmp:
            port = bmc.free_udp_port()
            cfg = config(tmp, [f"power.nodes = w2=wol://52:54:00:00:00:01@127.0.0.1:{port}"])
            rc, out, err = power(cfg, "w2", "on", check=0)
            self.assertEqual(out, "w2: unknown (asked to power on; its driver cannot tell the "
                                  "state)\n")
            rc, out, err = power(cfg, "w2", "off", check=1)
            self.assertIn("cannot power off", out)


class Command(unittest.TestCase):
    def script(self, tmp, body):
        path = os.path.join(tmp, "power-script")
        with open(path, "w") as f:
            f.write("#!/bin/sh\n" + body)
        os.chmod(path, 0o755)
        return path

    def test_arguments_without_a_shell_and_the_exit_status(self):
        with tempfile.TemporaryDirectory() as tmp:
            args = os.path.join(tmp, "args")
            s = self.script(tmp, f'for a in "$@"; do echo "[$a]" >> {args}; done\n'
                                 'case "$1" in status) echo ON;; off) exit 3;; esac\n')
            cfg = config(tmp, [f"power.nodes = c1=command://{s} node:x@y=command://{s}"])
            rc, out, err = power(cfg, "node:x@y", "status", check=0)
            self.assertEqual(out, "node:x@y: on\n")
            self.assertEqual(read(args), "[status]\n[node:x@y]\n")
            rc, out, err = power(cfg, "c1", "off", check=1)
            self.assertIn("exit status 3", out)

    def test_a_command_that_hangs_is_killed(self):
        with tempfile.TemporaryDirectory() as tmp:
            s = self.script(tmp, "exec sleep 300\n")
            cfg = config(tmp, [f"power.nodes = c1=command://{s}", "power.timeout = 1"])
            t0 = time.monotonic()
            rc, out, err = power(cfg, "c1", "status", check=1)
            self.assertLess(time.monotonic() - t0, 30)
            self.assertIn("killed after 1.0 s", out)

    def test_hostile_output_is_escaped(self):
        with tempfile.TemporaryDirectory() as tmp:
            s = self.script(tmp, "printf 'maybe\\033[2J\\007 on\\n'\n")
            cfg = config(tmp, [f"power.nodes = c1=command://{s}"])
            rc, out, err = power(cfg, "c1", "status", check=1)
            self.assertNotIn("\033", out)
            self.assertIn("\\x1b[2J\\x07", out)


class BadInput(unittest.TestCase):
    def test_malformed_uris_name_the_entry(self):
        cases = {"n=ipmi://@127.0.0.1": "USER@HOST",
                 "n=ipmi://admin@127.0.0.1:70000": "PORT",
                 "n=ipmi://admin@bad;host": "plain",
                 "n=wol://52:54:00:12:34": "MAC",
                 "n=wol://zz:54:00:12:34:56": "MAC",
                 "n=command://relative/path": "absolute",
                 "n=redfish://x": "not a power URI",
                 "n": "NODE=URI",
                 "n=wol://52:54:00:12:34:56 n=wol://52:54:00:12:34:57": "twice",
                 "n=wol://52:54:00:12:34:56,wol://52:54:00:12:34:57,wol://52:54:00:12:34:58":
                     "at most"}
        with tempfile.TemporaryDirectory() as tmp:
            for spec, why in cases.items():
                with self.subTest(spec=spec):
                    cfg = config(tmp, [f"power.nodes = {spec}"])
                    rc, out, err = power(cfg, "n", "status", check=2)
                    self.assertIn("power.nodes entry", err)
                    self.assertIn(why, err)

    def test_usage_errors(self):
        with tempfile.TemporaryDirectory() as tmp:
            cfg = config(tmp, ["power.nodes = n=command:///bin/true"])
            self.assertIn("on, off or status", power(cfg, "n", "reboot", check=2)[2])
            self.assertIn("NODE...", power(cfg, "status", check=2)[2])
            rc, out, err = power(cfg, "other", "status", check=2)
            self.assertIn("no power driver", out)
            rc, out, err = power(cfg, "bad\x1bname", "status", check=2)
            self.assertNotIn("\x1b", out)
            p = harness.run("power", "n", "status", "--config", cfg, "--timeout", "0", check=2)
            self.assertIn("--timeout", p.stderr)


if __name__ == "__main__":
    harness.main()
