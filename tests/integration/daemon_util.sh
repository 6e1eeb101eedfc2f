# Shell helpers shared by the test harnesses that start daemons (sourced, not run).

# Stops the process of a pid file: SIGTERM, then SIGKILL after 10 s. Never by name.
stop_pidfile() {
    local pidfile=$1 pid
    [ -s "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# Destroys every running domain of the libvirtd behind a UNIX socket.
destroy_domains() {
    local uri="qemu+unix:///system?socket=$1" d
    [ -S "$1" ] || return 0
    for d in $(virsh -q -c "$uri" list --name 2>/dev/null); do
        virsh -q -c "$uri" destroy "$d" >/dev/null 2>&1 || true
    done
}
