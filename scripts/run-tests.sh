#!/usr/bin/env bash
# Every test: the unit and command-line suites in a -Werror build and again under ASan+UBSan, the
# integration suites under ASan+UBSan, the threaded code (unit suite, daemon, libvirt, lab and
# api integration) under TSan, the link-level dependency check (no cycles between folders or
# files), the code-shape check, the libFuzzer targets for a bounded time, and clang-format. Ends with one line
# "tests: N passed, N failed" and a non-zero exit when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS="${FUZZ_SECONDS:-30}"
# The real data the CLI suite runs on (PlanetLab traces, BtrPlace instances): the project's shared
# directory beside the checkout, or wherever ENTROPY_SHARED_DATA says.
ENTROPY_SHARED_DATA="${ENTROPY_SHARED_DATA:-$(cd .. && pwd)/shared/data}"
if [ ! -d "$ENTROPY_SHARED_DATA/btrplace/std-perf" ]; then
    echo "run-tests: no shared data at $ENTROPY_SHARED_DATA (expected btrplace/std-perf in it):" \
        "clone beside shared/ or set ENTROPY_SHARED_DATA" >&2
    echo "tests: 0 passed, 1 failed"
    exit 1
fi
export ENTROPY_SHARED_DATA
passed=0
failed=0
failures=()

step() { # name command...
    local name="$1"
    shift
    echo "=== $name"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "=== FAILED: $name"
    fi
}

# meson test; each of its tests counts in the totals (a failed run with no summary counts once).
suite() { # name build-dir "meson test selection" [env assignments...]
    local name="$1" dir="$2" selection="$3" out ok fail
    shift 3
    echo "=== $name"
    out=$(mktemp)
    # shellcheck disable=SC2086 # the selection is several words on purpose
    env "$@" meson test -C "$dir" --print-errorlogs $selection 2>&1 | tee "$out"
    local rc=${PIPESTATUS[0]}
    ok=$(awk '/^Ok:/ {print $2}' "$out")
    fail=$(awk '/^(Fail|Timeout|Unexpected Pass):/ {s += $NF} END {print s + 0}' "$out")
    rm -f "$out"
    passed=$((passed + ${ok:-0}))
    failed=$((failed + fail))
    if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
        failed=$((failed + 1))
    elif [ "${ok:-0}" -eq 0 ] && [ "$fail" -eq 0 ]; then # a selection that runs nothing fails
        echo "=== FAILED: $name ran no test"
        failed=$((failed + 1))
        rc=1
    fi
    [ "$rc" -eq 0 ] || failures+=("$name")
}

setup_dir() { # dir compiler meson-args... (applied to a directory set up before, too)
    local dir="$1" cc="$2"
    shift 2
    if [ -f "$dir/build.ninja" ]; then
        meson configure "$dir" "$@" >/dev/null || return 1
    else
        CC="$cc" meson setup "$dir" "$@" >/dev/null || return 1
    fi
    ninja -C "$dir"
}

step "build (gcc, -Werror)" setup_dir build gcc -Dtests=true
step "the package lists of scripts/setup.sh cover what the build and the tests call" \
    python3 scripts/check-packages.py
step "no dependency cycles between folders or files (nm over the objects)" \
    python3 scripts/check-deps.py build
step "code shape (file and function lengths, one cleanup: label at most, declarations, no ent__ in public headers)" \
    python3 scripts/check-shape.py
suite "unit tests" build "--suite unit"
suite "command-line tests" build "--suite cli"
step "build (ASan+UBSan)" setup_dir build-asan gcc -Dtests=true -Db_sanitize=address,undefined \
    -Db_lundef=false
SAN_ENV=(ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp)
suite "unit tests under ASan+UBSan" build-asan "--suite unit" "${SAN_ENV[@]}"
suite "command-line tests under ASan+UBSan" build-asan "--suite cli" "${SAN_ENV[@]}"
# Once, in the stricter build: real gmond, libvirtd and QEMU, an xend fixture (Xen cannot run here).
suite "integration tests under ASan+UBSan" build-asan "--suite integration" "${SAN_ENV[@]}"
step "build (TSan)" setup_dir build-tsan gcc -Dtests=true -Db_sanitize=thread -Db_lundef=false
TSAN_ENV=(TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1)
suite "unit tests under TSan" build-tsan "--suite unit" "${TSAN_ENV[@]}"
suite "threaded integration tests under TSan (daemon, libvirt, lab, api, ha)" build-tsan "daemon libvirt lab api ha" \
    "${TSAN_ENV[@]}"
step "build fuzz targets (clang, libFuzzer)" setup_dir build-fuzz clang -Dfuzz=true -Dtests=false \
    -Db_sanitize=address,undefined -Db_lundef=false

fuzz() { # target
    local corpus
    corpus=$(mktemp -d)
    cp tests/fuzz/corpus/"$1"/* "$corpus"/
    local log="build-fuzz/fuzz_$1.log"
    # Any sanitizer report fails the step: UBSan stops at its first (halt_on_error), and the
    # log is searched for reports a target survived.
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
        LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp" ./build-fuzz/tests/fuzz/fuzz_"$1" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build-fuzz/ "$corpus" >"$log" 2>&1
    local rc=$?
    if [ "$rc" -eq 0 ] && grep -qE 'runtime error:|Sanitizer' "$log"; then
        echo "fuzz_$1: a sanitizer reported (the run went on):"
        rc=1
    fi
    if [ "$rc" -eq 0 ]; then
        tail -n 4 "$log"
    else # the report, and the input that broke it (build-fuzz/crash-*) to add to the corpus
        grep -v '^#[0-9]' "$log" | tail -n 60
    fi
    rm -rf "$corpus"
    return "$rc"
}
step "fuzz BtrPlace instance reader (${FUZZ_SECONDS}s)" fuzz instance
step "fuzz plan reader and checker (${FUZZ_SECONDS}s)" fuzz plan
step "fuzz Ganglia XML reader (${FUZZ_SECONDS}s)" fuzz ganglia
step "fuzz SXP reader (${FUZZ_SECONDS}s)" fuzz sxp
step "fuzz entropy.properties reader (${FUZZ_SECONDS}s)" fuzz config
step "fuzz lab state files (${FUZZ_SECONDS}s)" fuzz lab
step "fuzz QMP client replies (${FUZZ_SECONDS}s)" fuzz qmp
step "fuzz VM definitions, Xen and libvirt (${FUZZ_SECONDS}s)" fuzz definition
step "fuzz trace CSV reader (${FUZZ_SECONDS}s)" fuzz trace
step "fuzz etcd range answers and the HA journal import (${FUZZ_SECONDS}s)" fuzz etcd

step "Debian package: dpkg-buildpackage, lintian, install, run without systemd, purge" \
    tests/package/test_package.sh

format_check() {
    git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror
}
step "clang-format" format_check

echo
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
