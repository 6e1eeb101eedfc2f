#!/bin/bash
# Two real libvirt hosts on this machine, for live-migration tests (docs: LIBVIRT-PAIR.md of the
# shared docs). Host hN (N = 1, 2) runs virtlogd and libvirtd in network namespace NS-hN (NET.N/24
# on a veth pair), with its own UTS name and its own /etc/libvirt, /run/libvirt,
# /var/lib/libvirt, /var/log/libvirt, /var/cache/libvirt (bind mounts of DIR/hN/*). A blackhole
# route for NET.0/24 in the root namespace keeps any stray packet on this machine. NS and NET
# come from DIR, so that two test runs on one machine never share a namespace or a subnet; start
# writes NET to DIR/subnet.
# From the root namespace each host is reached by its UNIX socket:
#   qemu+unix:///system?socket=DIR/hN/run/libvirt-sock
# and the hosts reach each other by TCP: qemu+tcp://NET.N/system (peer-to-peer migration).
#
# kill DIR hN: the host dies (every process of its namespace killed: libvirtd, virtlogd, QEMU);
# revive DIR hN: its virtlogd and libvirtd started again, with what /var/lib/libvirt kept.
#
# usage: libvirt_pair.sh start DIR | stop DIR | kill DIR hN | revive DIR hN
#        | inside DIR HOST ADDR (used by start and revive)
set -euo pipefail
. "$(dirname "$(realpath "$0")")/daemon_util.sh"
cmd=$1
dir=$(realpath -m "$2")
id=$(printf '%s' "$dir" | cksum | cut -d' ' -f1)
NS=elp$((id % 100000))
NET=10.$((200 + id % 50)).$(((id / 50) % 254 + 1))

inside() {
    local host=$1 addr=$2 n=${1#h} h="$dir/$1"
    for d in etc run lib log cache; do mkdir -p "$h/$d"; done
    [ -d /var/cache/libvirt/qemu ] && cp -a /var/cache/libvirt/qemu "$h/cache/" 2>/dev/null || true
    cat >"$h/etc/libvirtd.conf" <<CONF
listen_tls = 0
listen_tcp = 1
listen_addr = "$addr"
auth_tcp = "none"
auth_unix_ro = "none"
auth_unix_rw = "none"
unix_sock_group = "root"
host_uuid = "00000000-0000-0000-0000-00000000000$n"
log_outputs = "3:file:$h/log/libvirtd.log"
CONF
    cat >"$h/etc/qemu.conf" <<CONF
user = "root"
group = "root"
security_driver = "none"
dynamic_ownership = 0
remember_owner = 0
cgroup_controllers = [ ]
namespaces = [ ]
migration_host = "$addr"
migration_address = "$addr"
migration_port_min = 49152
migration_port_max = 49215
CONF
    printf '127.0.0.1 localhost\n%s.1 h1\n%s.2 h2\n' "$NET" "$NET" >"$h/hosts"
    mount --bind "$h/etc" /etc/libvirt
    mount --bind "$h/run" /run/libvirt
    mount --bind "$h/lib" /var/lib/libvirt
    mount --bind "$h/log" /var/log/libvirt
    mount --bind "$h/cache" /var/cache/libvirt
    mount --bind "$h/hosts" /etc/hosts
    hostname "$host"
    virtlogd -d -p "$h/virtlogd.pid"
    libvirtd -d --listen -f /etc/libvirt/libvirtd.conf -p "$h/libvirtd.pid"
}


stop() {
    for n in 1 2; do
        destroy_domains "$dir/h$n/run/libvirt-sock"
        stop_pidfile "$dir/h$n/libvirtd.pid"
        stop_pidfile "$dir/h$n/virtlogd.pid"
        if ip netns list | grep -qw "$NS-h$n"; then
            for pid in $(ip netns pids "$NS-h$n"); do kill -KILL "$pid" 2>/dev/null || true; done
            ip netns del "$NS-h$n"
        fi
    done
    ip link del "$NS-v1" 2>/dev/null || true
    ip route del blackhole "$NET.0/24" 2>/dev/null || true
}

case $cmd in
start)
    ip route replace blackhole "$NET.0/24" # first: nothing for NET.x leaves this machine
    stop 2>/dev/null || true
    ip route replace blackhole "$NET.0/24"
    trap 'stop >/dev/null 2>&1 || true' EXIT # a start that fails leaves nothing behind
    for d in /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt; do
        mkdir -p "$d"
    done
    mkdir -p "$dir"
    echo "$NET" >"$dir/subnet"
    ip netns add "$NS-h1"
    ip netns add "$NS-h2"
    ip link add "$NS-v1" type veth peer name "$NS-v2"
    for n in 1 2; do
        ip link set "$NS-v$n" netns "$NS-h$n"
        ip -n "$NS-h$n" addr add "$NET.$n/24" dev "$NS-v$n"
        ip -n "$NS-h$n" link set lo up
        ip -n "$NS-h$n" link set "$NS-v$n" up
        ip netns exec "$NS-h$n" unshare --uts -- "$0" inside "$dir" "h$n" "$NET.$n"
    done
    for n in 1 2; do
        sock="$dir/h$n/run/libvirt-sock"
        other=$((3 - n))
        ok=
        for _ in $(seq 200); do
            if [ -S "$sock" ] && virsh -q -c "qemu+unix:///system?socket=$sock" version >/dev/null 2>&1 &&
                ip netns exec "$NS-h$other" virsh -q -c "qemu+tcp://$NET.$n/system" version >/dev/null 2>&1; then
                ok=1
                break
            fi
            sleep 0.1
        done
        if [ -z "$ok" ]; then
            echo "libvirt_pair: h$n does not answer; its log:" >&2
            tail -n 30 "$dir/h$n/log/libvirtd.log" >&2 || true
            exit 1
        fi
    done
    trap - EXIT
    ;;
inside) inside "$3" "$4" ;;
stop) stop ;;
kill)
    for pid in $(ip netns pids "$NS-$3"); do kill -KILL "$pid" 2>/dev/null || true; done
    ;;
revive)
    n=${3#h}
    ip netns exec "$NS-$3" unshare --uts -- "$0" inside "$dir" "$3" "$NET.$n"
    sock="$dir/$3/run/libvirt-sock"
    for _ in $(seq 200); do
        virsh -q -c "qemu+unix:///system?socket=$sock" version >/dev/null 2>&1 && exit 0
        sleep 0.1
    done
    echo "libvirt_pair: $3 does not answer after revive" >&2
    exit 1
    ;;
*) echo "usage: $0 start DIR | stop DIR | kill DIR hN | revive DIR hN" >&2; exit 2 ;;
esac
