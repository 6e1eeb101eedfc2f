#!/bin/bash
# A real libvirtd (QEMU driver) in its own mount namespace, for the libvirt adapter's tests:
# its /etc/libvirt, /run/libvirt, /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt are
# directories under DIR, so it touches nothing of the machine's and its socket is
# DIR/run/libvirt-sock (qemu+unix:///system?socket=DIR/run/libvirt-sock). No TCP listener.
#
# usage: libvirt_lab.sh start DIR | stop DIR | inside DIR (used by start)
set -euo pipefail
. "$(dirname "$(realpath "$0")")/daemon_util.sh"
cmd=$1
dir=$(realpath -m "$2")

inside() {
    for d in etc run lib log cache; do mkdir -p "$dir/$d"; done
    cat >"$dir/etc/libvirtd.conf" <<CONF
listen_tls = 0
listen_tcp = 0
auth_unix_ro = "none"
auth_unix_rw = "none"
unix_sock_group = "root"
log_outputs = "3:file:$dir/log/libvirtd.log"
CONF
    cat >"$dir/etc/qemu.conf" <<CONF
user = "root"
group = "root"
security_driver = "none"
dynamic_ownership = 0
remember_owner = 0
cgroup_controllers = [ ]
namespaces = [ ]
CONF
    mount --bind "$dir/etc" /etc/libvirt
    mount --bind "$dir/run" /run/libvirt
    mount --bind "$dir/lib" /var/lib/libvirt
    mount --bind "$dir/log" /var/log/libvirt
    mount --bind "$dir/cache" /var/cache/libvirt
    virtlogd -d -p "$dir/virtlogd.pid"
    libvirtd -d -f /etc/libvirt/libvirtd.conf -p "$dir/libvirtd.pid"
}


case $cmd in
start)
    for d in /run/libvirt /var/lib/libvirt /var/log/libvirt /var/cache/libvirt; do
        mkdir -p "$d" # mount points in the machine's tree, left empty
    done
    mkdir -p "$dir"
    trap '"$0" stop "$dir" >/dev/null 2>&1 || true' EXIT # a start that fails leaves nothing
    unshare --mount --propagation private -- "$0" inside "$dir"
    sock="$dir/run/libvirt-sock"
    for _ in $(seq 200); do
        if [ -S "$sock" ] && virsh -q -c "qemu+unix:///system?socket=$sock" version >/dev/null 2>&1
        then
            trap - EXIT
            exit 0
        fi
        sleep 0.1
    done
    echo "libvirt_lab: libvirtd did not answer on $sock; its log:" >&2
    tail -n 30 "$dir/log/libvirtd.log" >&2 || true
    exit 1
    ;;
inside) inside ;;
stop)
    destroy_domains "$dir/run/libvirt-sock"
    stop_pidfile "$dir/libvirtd.pid"
    stop_pidfile "$dir/virtlogd.pid"
    ;;
*) echo "usage: $0 start DIR | stop DIR" >&2; exit 2 ;;
esac
