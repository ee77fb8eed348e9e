#!/usr/bin/env bash
# Builds otto-bench and otto-lab, starts a one-sshd loopback lab, runs the
# benchmark against it and writes bench/results/<run-id>/:
#   results.json   every figure, the machine, versions, sample counts
#   results.md     the same table in Markdown
#   stdout.txt     the printed table
#   samples/*.csv.gz  raw latencies (µs), one file per series
# The lab is always stopped (by pid) on exit.
#
#   bench/run.sh [otto-bench options]     e.g. --quick, --rtt 20000
#
# Environment: OTTO_BENCH_BUILD_DIR (default <repo>/build-bench),
# OTTO_BENCH_NO_PIN=1 to run unpinned, OTTO_BENCH_TIMEOUT (seconds, 900).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${OTTO_BENCH_BUILD_DIR:-$repo/build-bench}
cap=${OTTO_BENCH_TIMEOUT:-900}

say() { printf 'bench/run.sh: %s\n' "$*" >&2; }

# --- build -------------------------------------------------------------------
generator=()
if [[ ! -f $build/CMakeCache.txt ]] && command -v ninja >/dev/null; then generator=(-G Ninja); fi
mkdir -p "$build"
build_log=$build/otto-bench-build.log
say "building otto-bench and otto-lab in $build"
if ! { cmake -S "$repo" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOTTO_BUILD_BENCH=ON \
    -DOTTO_BUILD_TESTS=ON && cmake --build "$build" --target otto-bench otto-lab -j "$(nproc)"; } >"$build_log" 2>&1; then
    cat "$build_log" >&2
    say "the build failed"
    exit 1
fi
bench_bin=$build/bench/otto-bench
lab_bin=$build/tests/lab/otto-lab

# --- results directory -------------------------------------------------------
run_id=$(date +%Y%m%d-%H%M%S)
out=$repo/bench/results/$run_id
mkdir -p "$out/samples"

# --- pinning (PLAN 2): controller on core 0, servers on core 1 -----------------
controller=()
server=()
pinned=no
if [[ ${OTTO_BENCH_NO_PIN:-0} != 1 ]] && command -v taskset >/dev/null && (($(nproc) >= 2)); then
    controller=(taskset -c 0)
    server=(taskset -c 1)
    pinned=yes
fi

# --- the lab -----------------------------------------------------------------
lab_dir=$(mktemp -d "${TMPDIR:-/tmp}/otto-bench-lab.XXXXXX")
stop_lab() {
    trap '' INT TERM  # let the cleanup finish
    if [[ -f $lab_dir/lab.json ]]; then
        "$lab_bin" down --dir "$lab_dir" || say "otto-lab down failed; see $lab_dir/lab.json"
    fi
    rm -rf "$lab_dir"
}
trap stop_lab EXIT
trap 'exit 130' INT TERM

# Enough descriptors for the M9 hosts (PLAN 1.1).
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

say "starting the lab in $lab_dir (sshd pinned: $pinned)"
"${server[@]}" "$lab_bin" up --dir "$lab_dir" --ssh 1 --max-sessions 64 >/dev/null

say "running otto-bench (controller pinned: $pinned); results in bench/results/$run_id"
# In the background, so that an interruption reaches the trap at once; the
# progress lines (stderr) show live, the table (stdout) is printed at the end.
timeout -k 5 "$cap" "${controller[@]}" "$bench_bin" --lab "$lab_dir/lab.json" --run-id "$run_id" \
    --json "$out/results.json" --markdown "$out/results.md" --samples-dir "$out/samples" "$@" >"$out/stdout.txt" &
bench_pid=$!
interrupted() {
    kill -TERM "$bench_pid" 2>/dev/null || true
    wait "$bench_pid" 2>/dev/null || true
    exit 130
}
trap interrupted INT TERM
status=0
wait "$bench_pid" || status=$?
trap 'exit 130' INT TERM
cat "$out/stdout.txt"
gzip -f "$out"/samples/*.csv 2>/dev/null || true
say "wrote $out/results.json and $out/results.md (exit status $status)"
exit "$status"
