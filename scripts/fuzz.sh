#!/usr/bin/env bash
# Fuzzes the lab-file loader (src/lab/) with libFuzzer for a bounded time:
# builds the fuzz target otto_lab_fuzzer (tests/fuzz/) in the tree build-fuzz
# with clang and AddressSanitizer + LeakSanitizer + UBSan, then runs it on a
# fresh temporary corpus seeded with the real and malformed labs of
# tests/lab_corpus/. The inputs it generates are thrown away at the end.
#
# usage: scripts/fuzz.sh [libFuzzer options...]
#   Extra arguments go to the fuzzer, e.g. `scripts/fuzz.sh -seed=1`.
# environment:
#   OTTO_FUZZ_SECONDS  how long the fuzzer runs, in seconds (default 120);
#                      scripts/test.sh skips this step when it is 0
#   OTTO_SKIP_DEPS=1   do not run scripts/install-deps.sh
# Every input gets at most 10 s (-timeout) and the fuzzer at most 2048 MB
# (-rss_limit_mb). Exits non-zero when the build fails or the fuzzer finds a
# crash, a leak, a sanitizer report, a slow input or runaway memory use; the
# input that did it is kept in build-fuzz/findings/ (the path is printed) and
# replays with `build-fuzz/tests/fuzz/otto_lab_fuzzer FILE`, or without
# libFuzzer with `build-asan/tests/fuzz/otto_lab_fuzz_replay FILE`. A fixed
# finding belongs in tests/lab_corpus/ with its .expect file.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$root/scripts/fuzz.sh"
    exit 0
fi

seconds=${OTTO_FUZZ_SECONDS:-120}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((10#$seconds == 0)); then
    echo "fuzz.sh: OTTO_FUZZ_SECONDS must be a positive number of seconds, not '$seconds'" >&2
    exit 2
fi
seconds=$((10#$seconds))

if [[ ${OTTO_SKIP_DEPS:-0} != 1 ]]; then
    bash "$root/scripts/install-deps.sh"
fi
for tool in clang clang++; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "fuzz.sh: $tool not found: install clang and libclang-rt-dev (scripts/install-deps.sh)" >&2
        exit 1
    fi
done

tree=$root/build-fuzz
findings=$tree/findings
build_log=$tree/fuzz-build.log
run_log=$tree/fuzz-run.log
fuzzer=$tree/tests/fuzz/otto_lab_fuzzer
mkdir -p "$tree" "$findings"

start=$SECONDS
# The compilers are named rather than taken from CC/CXX, which a cache made
# with another compiler would override. The build's output goes to a log,
# shown only when something fails.
echo "=== fuzz: configure and build otto_lab_fuzzer (clang, -fsanitize=fuzzer,address,undefined)"
if ! cmake -S "$root" -B "$tree" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOTTO_SANITIZE=address,undefined -DOTTO_BUILD_FUZZERS=ON \
    >"$build_log" 2>&1; then
    cat "$build_log" >&2
    echo "fuzz.sh: configure FAILED (log: $build_log)" >&2
    exit 1
fi
if ! cmake --build "$tree" --target otto_lab_fuzzer >>"$build_log" 2>&1; then
    cat "$build_log" >&2
    echo "fuzz.sh: build FAILED (log: $build_log)" >&2
    exit 1
fi
echo "=== fuzz: built in $((SECONDS - start))s"

corpus=$(mktemp -d --tmpdir otto-fuzz-corpus.XXXXXX)
trap 'rm -rf "$corpus"' EXIT
cp "$root"/tests/lab_corpus/*.json "$corpus/"

# A finding aborts the run at once (the fuzz build passes
# -fno-sanitize-recover=all); options already in the environment come last
# and so take precedence.
asan_options=detect_leaks=1:strict_string_checks=1:check_initialization_order=1:strict_init_order=1
ubsan_options=print_stacktrace=1:halt_on_error=1
fuzzer_options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
    -artifact_prefix="$findings/")

echo "=== fuzz: otto_lab_fuzzer for ${seconds}s on $(find "$corpus" -type f | wc -l) seed inputs from tests/lab_corpus"
rc=0
# libFuzzer stops itself after max_total_time; the outer timeout only guards
# against a fuzzer that cannot (a hang outside any single input).
(cd "$tree" && ASAN_OPTIONS="$asan_options${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
    UBSAN_OPTIONS="$ubsan_options${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
    timeout --kill-after=30 $((seconds + 300)) "$fuzzer" "${fuzzer_options[@]}" "$@" "$corpus") \
    >"$run_log" 2>&1 </dev/null || rc=$?

# The fuzzer's progress lines ("#123 NEW cov: ...") and its recommended
# dictionary are left in the log; shown are the seed corpus, the last status
# line, the final statistics and anything that went wrong.
if [[ $rc -eq 0 ]]; then
    grep -E '^INFO: seed corpus:|^#[0-9]+[[:space:]]+DONE|^Done [0-9]+ runs|^stat::' "$run_log" || true
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run_log" | tail -n1)
    cov=$(sed -n 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*cov: \([0-9]*\).*/\1/p' "$run_log" | tail -n1)
    echo "=== fuzz: ok: ${runs:-?} inputs in ${seconds}s, coverage ${cov:-?} edges, no findings ($((SECONDS - start))s)"
    exit 0
fi

grep -v -E '^#[0-9]+[[:space:]]+(INITED|NEW|REDUCE|RELOAD|pulse)|^[[:space:]]+NEW_FUNC' "$run_log" >&2 || true
units=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$run_log")
if [[ $rc -eq 124 || $rc -eq 137 ]]; then
    echo "fuzz.sh: the fuzzer did not stop after ${seconds}s and was killed (log: $run_log)" >&2
elif [[ -n $units ]]; then
    while IFS= read -r unit; do
        echo "fuzz.sh: FINDING: the input is in $unit" >&2
        echo "fuzz.sh: replay: $fuzzer $unit" >&2
    done <<<"$units"
    echo "fuzz.sh: the fuzzer's log: $run_log" >&2
else
    echo "fuzz.sh: the fuzzer failed (exit $rc) without writing an input (log: $run_log)" >&2
fi
echo "=== fuzz: FAILED ($((SECONDS - start))s)"
exit 1
