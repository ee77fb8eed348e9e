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
me=bench/run.sh
# shellcheck source=bench/harness.sh
source "$repo/bench/harness.sh"

bench_build otto-bench otto-lab
run_id=$(date +%Y%m%d-%H%M%S)
out=$repo/bench/results/$run_id
mkdir -p "$out/samples"
bench_pinning
bench_lab_up --ssh 1 --max-sessions 64

say "running otto-bench (controller pinned: $pinned); results in bench/results/$run_id"
# The progress lines (stderr) show live, the table (stdout) at the end.
status=0
bench_run_bounded "${OTTO_BENCH_TIMEOUT:-900}" "${controller[@]}" "$build/bench/otto-bench" --lab "$lab_dir/lab.json" \
    --run-id "$run_id" --json "$out/results.json" --markdown "$out/results.md" --samples-dir "$out/samples" "$@" \
    >"$out/stdout.txt" || status=$?
cat "$out/stdout.txt"
gzip -f "$out"/samples/*.csv 2>/dev/null || true
say "wrote $out/results.json and $out/results.md (exit status $status)"
exit "$status"
