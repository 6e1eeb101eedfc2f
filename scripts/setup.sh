#!/usr/bin/env bash
# Sets up a Debian 12 machine for Entropy and runs it.
#   scripts/setup.sh demo   install build packages, build, run `entropy demo` (the default)
#   scripts/setup.sh test   install build and test packages, build, run every test
#   scripts/setup.sh deps [--test]   only install packages
# Runs apt-get as root, or through sudo; `apt-get update` only when a package is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_PACKAGES=(gcc pkg-config meson ninja-build libjansson-dev zlib1g-dev libglpk-dev libexpat1-dev libcurl4-openssl-dev libssl-dev libvirt-dev libsqlite3-dev libxen-dev libxml2-dev libmicrohttpd-dev python3)
# Programs Entropy itself runs: ipmitool for the IPMI power driver.
RUNTIME_PACKAGES=(ipmitool)
TEST_PACKAGES=(libcmocka-dev clang libclang-rt-14-dev clang-format ganglia-monitor libvirt-clients openipmi
    libvirt-daemon-system libvirt-daemon-driver-qemu qemu-system-x86 iproute2 git curl openssl prometheus
    chromium build-essential dpkg-dev debhelper lintian logrotate systemd etcd-server)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "setup: installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

# The program alone (the demo needs no test framework); a failure prints why.
build() {
    mkdir -p build
    local log=build/setup-build.log
    if [ -f build/build.ninja ]; then
        meson configure build -Dtests=false >"$log" 2>&1 || { tail -n 40 "$log" >&2; return 1; }
    elif ! meson setup build -Dtests=false >"$log" 2>&1; then
        echo "setup: configuring the build failed:" >&2
        tail -n 40 "$log" >&2
        return 1
    fi
    if ! ninja -C build entropy >>"$log" 2>&1; then
        echo "setup: the build failed (whole log in $log):" >&2
        grep -E "error|FAILED" "$log" | head -n 20 >&2
        tail -n 20 "$log" >&2
        return 1
    fi
}

mode="${1:-demo}"
case "$mode" in
deps)
    install_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}"
    [ "${2:-}" = "--test" ] && install_packages "${TEST_PACKAGES[@]}"
    ;;
demo)
    shift || true
    install_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}"
    build
    ./build/entropy demo "$@"
    echo
    echo "The control-loop daemon on the same kind of simulated cluster (config/entropy.properties):"
    if bin/controlLoop.sh start; then
        for _ in $(seq 100); do # until its first round has ended
            ./build/entropy status --json 2>/dev/null | grep -q '"last_round":{' && break
            sleep 0.2
        done
        bin/controlLoop.sh status
        bin/controlLoop.sh stop
    fi
    ;;
test)
    install_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    exec scripts/run-tests.sh
    ;;
*)
    echo "usage: scripts/setup.sh [demo|test|deps [--test]]" >&2
    exit 2
    ;;
esac
