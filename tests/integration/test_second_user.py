#!/usr/bin/env python3
"""A second, unprivileged local user (nobody, through setpriv) against Entropy run as root: it
plants symbolic links, pre-creates directories and pid files in a shared, world-writable
directory (as /tmp is), and Entropy must refuse each with a clear error, touch nothing outside
its own files, and never signal a process on a pid file's say-so.

usage: test_second_user.py ENTROPY_BINARY [unittest args]"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

LOOP = os.path.join(harness.REPO, "bin", "controlLoop.sh")
NOBODY = 65534


def as_nobody(*cmd, **kwargs):
    """cmd run as the second user (uid and gid 65534, no supplementary groups)."""
    return subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                           "--clear-groups", *cmd], check=True, **kwargs)


class SecondUser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if os.geteuid() != 0:
            raise RuntimeError("this test plays root against a second user: run it as root")

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="entropy-2nd-user-")
        os.chmod(self.tmp, 0o755)
        self.shared = os.path.join(self.tmp, "shared")  # as /tmp: anyone writes, sticky
        os.mkdir(self.shared)
        os.chmod(self.shared, 0o1777)
        self.victim = os.path.join(self.tmp, "victim")  # root's, what the attacker aims at
        os.mkdir(self.victim, 0o700)
        self.precious = os.path.join(self.victim, "precious")
        with open(self.precious, "w") as f:
            f.write("root's data\n")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def assert_victim_untouched(self):
        self.assertEqual(os.listdir(self.victim), ["precious"])
        with open(self.precious) as f:
            self.assertEqual(f.read(), "root's data\n")
        self.assertEqual(os.stat(self.precious).st_uid, 0)

    def entropy(self, *args, check=2):
        return harness.run(*args, check=check, timeout=120)

    # --- the lab ----------------------------------------------------------------------------

    def test_a_lab_directory_the_other_user_made_is_refused(self):
        lab = os.path.join(self.shared, "lab")
        as_nobody("mkdir", "-p", os.path.join(lab, "run"), os.path.join(lab, "vms"))
        as_nobody("ln", "-s", self.precious, os.path.join(lab, "run", "vm-1.g1.node"))
        p = self.entropy("lab", "up", "--nodes", "1", "--vms", "1", "--dir", lab)
        self.assertIn(f"{lab} belongs to uid {NOBODY}, not to this user (uid 0): refused",
                      p.stderr)
        self.assertNotIn("lab.json", os.listdir(lab))
        self.assert_victim_untouched()

    def test_lab_down_never_deletes_through_a_link(self):
        lab = os.path.join(self.shared, "lab")
        as_nobody("mkdir", lab)
        as_nobody("ln", "-s", self.victim, os.path.join(lab, "run"))
        as_nobody("sh", "-c", 'echo \'{"nodes": [{"name": "lab-1", "memory_mb": 256, '
                              f'"cpus": 1}}], "accel": "tcg"}}\' > {lab}/lab.json')
        p = self.entropy("lab", "down", "--dir", lab)
        self.assertIn("refused", p.stderr)
        self.assert_victim_untouched()
        # root's own directory with run/ a link: refused as well (a link is never followed)
        mine = os.path.join(self.tmp, "mine")
        os.mkdir(mine, 0o700)
        os.mkdir(os.path.join(mine, "vms"), 0o700)
        os.symlink(self.victim, os.path.join(mine, "run"))
        shutil.copy(os.path.join(lab, "lab.json"), mine)
        p = self.entropy("lab", "down", "--dir", mine)
        self.assertIn(f"{mine}/run is a symbolic link: refused", p.stderr)
        self.assert_victim_untouched()

    def test_a_lab_directory_that_is_a_link_or_open_to_all_is_refused(self):
        link = os.path.join(self.shared, "lab")
        as_nobody("ln", "-s", self.victim, link)
        p = self.entropy("lab", "up", "--nodes", "1", "--vms", "1", "--dir", link)
        self.assertIn(f"{link} is a symbolic link: refused", p.stderr)
        self.assert_victim_untouched()
        open_dir = os.path.join(self.tmp, "open")
        os.mkdir(open_dir)
        os.chmod(open_dir, 0o777)
        p = self.entropy("lab", "up", "--nodes", "1", "--vms", "1", "--dir", open_dir)
        self.assertIn("is writable by others (mode 777): refused", p.stderr)
        p = self.entropy("lab", "status", "--dir", open_dir)
        self.assertIn("refused", p.stderr)

    def test_the_default_lab_directory_is_the_users_own(self):
        env = dict(os.environ)
        env.pop("ENTROPY_LAB_DIR", None)
        env["XDG_RUNTIME_DIR"] = self.tmp
        p = subprocess.run([harness.ENTROPY, "lab", "status"], capture_output=True, text=True,
                           env=env, timeout=60)
        self.assertIn(f"no lab in {self.tmp}/entropy-lab", p.stderr)
        env.pop("XDG_RUNTIME_DIR")
        p = subprocess.run([harness.ENTROPY, "lab", "status"], capture_output=True, text=True,
                           env=env, timeout=60)
        self.assertIn("/tmp/entropy-lab-0", p.stderr)  # per user, never a shared name

    # --- the daemon ------------------------------------------------------------------------

    def daemon_config(self, **paths):
        config = os.path.join(self.tmp, "entropy.properties")
        keys = {"daemon.log": os.path.join(self.tmp, "entropy.log"),
                "daemon.journal": os.path.join(self.tmp, "journal.db"),
                "daemon.socket": os.path.join(self.tmp, "entropy.sock"), "loop.period": 1,
                "monitor.sim.nodes": 4, "monitor.sim.vms": 6}
        keys.update(paths)
        with open(config, "w") as f:
            f.writelines(f"{k} = {v}\n" for k, v in keys.items())
        return config

    def loop(self, cmd, config, pid_file, check):
        env = dict(os.environ, ENTROPY_CONFIG=config, ENTROPY_PID_FILE=pid_file,
                   ENTROPY_BIN=harness.ENTROPY)
        p = subprocess.run([LOOP, cmd], capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(p.returncode, check, p.stdout + p.stderr)
        return p

    def daemon(self, config, pid_file):
        return self.entropy("daemon", "--config", config, "--pid-file", pid_file, check=2)

    def test_planted_pid_files_logs_and_journals_are_refused(self):
        # not sticky: the kernel's protected_symlinks does not guard it, Entropy must
        os.chmod(self.shared, 0o777)
        config = self.daemon_config()
        link = os.path.join(self.shared, "entropy.pid")
        as_nobody("ln", "-s", self.precious, link)
        p = self.daemon(config, link)
        self.assertIn("it is a symbolic link: refused", p.stderr)
        self.assert_victim_untouched()
        theirs = os.path.join(self.shared, "theirs.pid")
        as_nobody("sh", "-c", f"echo 1 > {theirs}")
        p = self.daemon(config, theirs)
        self.assertIn(f"{theirs} belongs to uid {NOBODY}", p.stderr)
        mine = os.path.join(self.tmp, "entropy.pid")
        for key, words in (("daemon.log", "cannot open log: it is a symbolic link"),
                           ("daemon.journal", "journal")):
            planted = os.path.join(self.shared, key)
            as_nobody("ln", "-s", self.precious, planted)
            p = self.daemon(self.daemon_config(**{key: planted}), mine)
            self.assertIn(words, p.stderr)
            self.assert_victim_untouched()
        planted = os.path.join(self.shared, "their.log")
        as_nobody("touch", planted)
        p = self.daemon(self.daemon_config(**{"daemon.log": planted}), mine)
        self.assertIn(f"{planted} belongs to uid {NOBODY}", p.stderr)

    def test_modes_whatever_the_umask(self):
        config, pid_file = self.daemon_config(), os.path.join(self.tmp, "entropy.pid")
        env = dict(os.environ, ENTROPY_CONFIG=config, ENTROPY_PID_FILE=pid_file,
                   ENTROPY_BIN=harness.ENTROPY)
        p = subprocess.run([LOOP, "start"], capture_output=True, text=True, env=env, timeout=120,
                           preexec_fn=lambda: os.umask(0))  # a careless service manager
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        try:
            for name, mode in (("entropy.pid", 0o644), ("entropy.sock", 0o660),
                               ("entropy.log", 0o640), ("journal.db", 0o640)):
                path = os.path.join(self.tmp, name)
                self.assertEqual(os.stat(path).st_mode & 0o777, mode, name)  # never writable
        finally:
            self.loop("stop", config, pid_file, check=0)

    def test_no_process_is_signalled_on_a_pid_files_say_so(self):
        # the second user's process, named by a pid file it locks, and by a stale one of ours
        victim = subprocess.Popen(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                                   "--clear-groups", "sleep", "600"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            config = self.daemon_config()
            theirs = os.path.join(self.shared, "locked.pid")
            as_nobody("sh", "-c", f"echo {victim.pid} > {theirs}")
            holder = subprocess.Popen(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                                       "--clear-groups", "flock", theirs, "sleep", "600"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True)
            time.sleep(0.5)
            out = self.loop("stop", config, theirs, check=0).stdout
            self.assertIn("not running", out)  # another user's file is no daemon of ours
            self.assertTrue(os.path.exists(theirs))  # nor ours to delete
            os.killpg(holder.pid, signal.SIGKILL)  # flock and its sleep
            holder.wait()
            mine = os.path.join(self.tmp, "entropy.pid")
            with open(mine, "w") as f:  # stale: names the other user's live process
                f.write(f"{victim.pid}\n")
            self.loop("start", config, mine, check=0)
            with open(mine) as f:
                daemon_pid = int(f.read())
            self.assertNotEqual(daemon_pid, victim.pid)
            self.assertIn("the cluster is coherent", self.loop("stop", config, mine, 0).stdout)
            self.assertIsNone(victim.poll())  # never signalled
            os.kill(victim.pid, 0)
        finally:
            victim.send_signal(signal.SIGKILL)
            victim.wait()
        self.assertEqual(json.dumps(os.listdir(self.victim)), '["precious"]')


if __name__ == "__main__":
    harness.main()
