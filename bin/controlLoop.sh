#!/bin/bash
# Starts and stops Entropy's control loop, as the original distribution did:
#   bin/controlLoop.sh start|stop|status|restart
# from any directory; it works in the base directory (the one holding bin/ and config/).
# start detaches `entropy daemon --config config/entropy.properties` (the configuration may be
# named by $ENTROPY_CONFIG) with its pid in run/entropy.pid ($ENTROPY_PID_FILE), and refuses to
# start twice.
# stop asks the daemon to finish (SIGTERM): it starts no new action, lets those in flight end,
# and only then exits; stop waits for that and says so.
set -euo pipefail
base=$(cd "$(dirname "$(realpath "$0")")/.." && pwd)
cd "$base"
config=${ENTROPY_CONFIG:-config/entropy.properties}
pidfile=${ENTROPY_PID_FILE:-run/entropy.pid}
entropy=${ENTROPY_BIN:-$base/build/entropy}
log=$(sed -n 's/^[[:space:]]*daemon\.log[[:space:]]*=[[:space:]]*//p' "$config" 2>/dev/null | tail -n 1)
log=${log:-logs/entropy.log}

# The daemon holds an exclusive lock on its pid file for its whole life: it runs when the lock
# is held, whatever the file says (a daemon killed with -9 leaves the file, not the lock).
running_pid() {
    local pid
    # ours alone: a pid file another user made (and locks) could name any process to signal
    [ -s "$pidfile" ] && [ ! -L "$pidfile" ] && [ -O "$pidfile" ] || return 1
    if flock -n -s "$pidfile" true 2>/dev/null; then # a shared probe: never blocks the daemon long
        return 1
    fi
    pid=$(cat "$pidfile")
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    echo "$pid"
}

start() {
    local pid
    if pid=$(running_pid); then
        echo "entropy: already running (pid $pid)" >&2
        return 1
    fi
    if [ ! -x "$entropy" ]; then
        echo "entropy: $entropy not built (scripts/setup.sh demo builds it)" >&2
        return 1
    fi
    # refused here, naming the line, rather than in the background
    "$entropy" config "$config" >/dev/null || return 2
    mkdir -p run logs
    local seen # what logs/daemon.out held before: earlier attempts' errors are not this one's
    seen=$(stat -c %s logs/daemon.out 2>/dev/null || echo 0)
    setsid "$entropy" daemon --config "$config" --pid-file "$pidfile" \
        </dev/null >>logs/daemon.out 2>&1 &
    local child=$!
    for _ in $(seq 100); do
        if pid=$(running_pid) && "$entropy" status --config "$config" >/dev/null 2>&1; then
            echo "entropy: started (pid $pid), log in $log"
            return 0
        fi
        if ! kill -0 "$child" 2>/dev/null; then
            echo "entropy: the daemon did not start:" >&2
            tail -c +"$((seen + 1))" logs/daemon.out | tail -n 5 >&2 || true
            return 1
        fi
        sleep 0.1
    done
    echo "entropy: the daemon does not answer yet (pid $child); see $log" >&2
    return 1
}

stop() {
    local pid
    if ! pid=$(running_pid); then
        echo "entropy: not running"
        if [ -O "$pidfile" ] || [ -L "$pidfile" ]; then
            rm -f "$pidfile" # a dead daemon's (a link is removed, never what it points to)
        fi
        return 0
    fi
    echo "entropy: stopping (pid $pid): actions in flight finish, none starts"
    kill -TERM "$pid"
    while kill -0 "$pid" 2>/dev/null; do
        sleep 0.2
    done
    # what the daemon said as it stopped: the cluster coherent, or migrations still in flight
    local said
    said=$({ grep 'daemon: stop' "$log" 2>/dev/null || true; } | tail -n 1 | sed 's/.*daemon: stop/stop/' |
        cut -c 1-240) # none when the daemon died without a word (then: see the log)
    case $said in
    *"the cluster is coherent"*) echo "entropy: stopped; the cluster is coherent ($said)" ;;
    *) echo "entropy: stopped; ${said:-see $log}" ;;
    esac
}

status() {
    local pid
    if pid=$(running_pid); then
        "$entropy" status --config "$config"
        return $?
    fi
    echo "entropy: not running"
    return 3
}

case ${1:-} in
start) start ;;
stop) stop ;;
status) status ;;
restart)
    stop
    start
    ;;
*)
    echo "usage: $0 start|stop|status|restart" >&2
    exit 2
    ;;
esac
