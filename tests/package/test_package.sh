#!/usr/bin/env bash
# The Debian package, end to end: built from the checkout with dpkg-buildpackage (Debian's own
# helpers, debian/), checked by lintian (no error), installed with dpkg on this machine, its
# layout and unit checked (systemd-analyze verify), the daemon started as the service would start
# it but without systemd (as its user, from the installed configuration), answering `entropy
# status` and writing its journal and log, the log rotated by the installed logrotate file, and
# the package purged: nothing of it may be left. Needs root (or sudo -n); one run at a time on a
# machine (a lock), and it refuses to touch a machine where the package is already installed.
#   tests/package/test_package.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(realpath -m "${1:-build/package}")

if [ "$(id -u)" -ne 0 ]; then
    exec sudo -n "$0" "$@" || { echo "test_package: needs root (or sudo -n)" >&2; exit 1; }
fi
exec 9>/run/lock/entropy-package-test.lock
flock -w 600 9 || { echo "test_package: another package test holds the lock" >&2; exit 1; }
if dpkg-query -W -f='${Status}' entropy 2>/dev/null | grep -q installed; then
    echo "test_package: the entropy package is installed on this machine already: not touching it" >&2
    exit 1
fi

fail() {
    echo "test_package: FAILED: $*" >&2
    exit 1
}
daemon_pid=
cleanup() {
    [ -n "$daemon_pid" ] && kill -KILL "$daemon_pid" 2>/dev/null
    if dpkg-query -W -f='${Status}' entropy 2>/dev/null | grep -q installed; then
        dpkg --purge entropy >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT

echo "--- dpkg-buildpackage in $work"
rm -rf "$work"
mkdir -p "$work/src"
git ls-files -co --exclude-standard | grep -v '^build' | tar -cf - -T - | tar -xf - -C "$work/src"
(cd "$work/src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 ||
    { tail -n 40 "$work/build.log"; fail "dpkg-buildpackage (log in $work/build.log)"; }
deb=$(ls "$work"/entropy_*_*.deb)

echo "--- lintian"
lintian --fail-on error --display-info "$work"/entropy_*.changes || fail "lintian reports errors"

echo "--- dpkg -i"
dpkg -i "$deb" || fail "dpkg -i"
for f in /usr/bin/entropy /etc/entropy/entropy.properties /etc/logrotate.d/entropy \
    /lib/systemd/system/entropy.service /usr/share/man/man1/entropy.1.gz \
    /usr/share/man/man5/entropy.properties.5.gz /usr/share/entropy/web/index.html; do
    [ -f "$f" ] || fail "$f is not installed"
done
getent passwd entropy >/dev/null || fail "no user entropy"
for d in /var/lib/entropy /var/log/entropy; do
    [ "$(stat -c %U:%a "$d")" = "entropy:750" ] || fail "$d is $(stat -c %U:%a "$d"), not entropy:750"
done
/usr/bin/entropy config /etc/entropy/entropy.properties >/dev/null ||
    fail "the installed configuration is refused"
grep -qx 'daemon.journal = /var/lib/entropy/journal.db' /etc/entropy/entropy.properties ||
    fail "the installed configuration does not keep the journal in /var/lib/entropy"
zcat /usr/share/man/man5/entropy.properties.5.gz | grep -q 'api.tls_cert' ||
    fail "entropy.properties(5) does not list every key"
if command -v systemd-analyze >/dev/null; then
    systemd-analyze verify /lib/systemd/system/entropy.service || fail "systemd-analyze verify"
    systemd-analyze security --offline=yes /lib/systemd/system/entropy.service | tail -n 1
fi

echo "--- the daemon as the service starts it, without systemd"
install -d -o entropy -g entropy -m 0755 /run/entropy # the unit's RuntimeDirectory
cd /var/lib/entropy                                   # the unit's WorkingDirectory
setpriv --reuid entropy --regid entropy --init-groups /usr/bin/entropy daemon --config /etc/entropy/entropy.properties \
    </dev/null >"$work/daemon.out" 2>&1 &
daemon_pid=$!
cd /
for _ in $(seq 300); do # the commands find the installed configuration by themselves
    if /usr/bin/entropy status --json 2>/dev/null | grep -q '"last_round":{'; then
        break
    fi
    kill -0 "$daemon_pid" 2>/dev/null || { cat "$work/daemon.out"; fail "the daemon died"; }
    sleep 0.2
done
/usr/bin/entropy status || fail "entropy status (default configuration) does not reach the daemon"
[ -s /var/lib/entropy/journal.db ] || fail "no journal in /var/lib/entropy"
grep -q "round 1" /var/log/entropy/entropy.log || fail "no round in /var/log/entropy/entropy.log"
[ "$(stat -c %U /var/lib/entropy/journal.db)" = entropy ] || fail "the journal is not entropy's"

echo "--- logrotate"
logrotate -f -s "$work/logrotate.state" /etc/logrotate.d/entropy || fail "logrotate"
[ -f /var/log/entropy/entropy.log.1 ] || fail "the log was not rotated"
kill -TERM "$daemon_pid"
status=0
wait "$daemon_pid" || status=$?
[ "$status" -eq 0 ] || { tail -n 5 "$work/daemon.out"; fail "the daemon ended with $status on SIGTERM"; }
daemon_pid=

echo "--- dpkg --purge"
dpkg --purge entropy || fail "dpkg --purge"
for f in /usr/bin/entropy /etc/entropy /etc/logrotate.d/entropy /lib/systemd/system/entropy.service \
    /usr/share/entropy /var/lib/entropy /var/log/entropy /run/entropy; do
    [ ! -e "$f" ] || fail "$f is left after purge"
done
! getent passwd entropy >/dev/null || fail "the user entropy is left after purge"
echo "test_package: the package builds, lints, installs, runs and purges cleanly"
