#!/usr/bin/env bash
# Fuzzes with libFuzzer, for a bounded time, everything otto reads from
# outside: lab files, a shell's bytes after a command's frame, a telnet
# server's login, an SFTP server's replies (the targets of tests/fuzz/).
# Builds the fuzz targets in the tree build-fuzz with clang and
# AddressSanitizer + LeakSanitizer + UBSan, then runs each in turn on a
# fresh temporary corpus seeded with its seeds (tests/lab_corpus/ for lab
# files, tests/fuzz_corpus/<target>/ for the others). The inputs the
# fuzzers generate are thrown away at the end.
#
# usage: scripts/fuzz.sh [libFuzzer options...]
#   Extra arguments go to every fuzzer, e.g. `scripts/fuzz.sh -seed=1`.
# environment:
#   OTTO_FUZZ_SECONDS  how long all fuzzers run together, in seconds
#                      (default 120), shared evenly between the targets;
#                      scripts/test.sh skips this step when it is 0
#   OTTO_FUZZ_TARGETS  the targets to run, space-separated (default: all
#                      the build lists in build-fuzz/tests/fuzz/fuzz-targets.txt)
#   OTTO_SKIP_DEPS=1   do not run scripts/install-deps.sh
# Every input gets at most 10 s (-timeout) and each fuzzer at most 2048 MB
# (-rss_limit_mb). One line per target tells its inputs, coverage and
# findings; the last line, "=== fuzz: ok: ..." or "=== fuzz: FAILED", the
# outcome. Exits non-zero when the build fails or a fuzzer finds a crash, a
# broken invariant, a leak, a sanitizer report, a slow input or runaway
# memory use; the input that did it is kept in build-fuzz/findings/<target>/
# (the path is printed) and replays with
# `build-fuzz/tests/fuzz/otto_<target>_fuzzer FILE`, or without libFuzzer
# with `build-asan/tests/fuzz/otto_<target>_fuzz_replay FILE`. A fixed
# finding belongs in the target's seeds (and its unit test).
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
build_log=$tree/fuzz-build.log
mkdir -p "$tree"

start=$SECONDS
# The compilers are named rather than taken from CC/CXX, which a cache made
# with another compiler would override. The build's output goes to a log,
# shown only when something fails.
echo "=== fuzz: configure (clang, -fsanitize=fuzzer,address,undefined)"
if ! cmake -S "$root" -B "$tree" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOTTO_SANITIZE=address,undefined -DOTTO_BUILD_FUZZERS=ON \
    >"$build_log" 2>&1; then
    cat "$build_log" >&2
    echo "fuzz.sh: configure FAILED (log: $build_log)" >&2
    exit 1
fi

# What the build offers: "<target> <seed dir>" a line.
declare -A seeds=()
listed=()
while read -r name dir; do
    [[ -n $name ]] || continue
    seeds[$name]=$dir
    listed+=("$name")
done <"$tree/tests/fuzz/fuzz-targets.txt"
read -r -a targets <<<"${OTTO_FUZZ_TARGETS:-${listed[*]}}"
if [[ ${#targets[@]} -eq 0 ]]; then
    echo "fuzz.sh: the build lists no fuzz targets (is clang's libFuzzer installed?)" >&2
    exit 1
fi
for target in "${targets[@]}"; do
    if [[ -z ${seeds[$target]:-} ]]; then
        echo "fuzz.sh: no fuzz target '$target' (the build has: ${listed[*]})" >&2
        exit 2
    fi
done

fuzzers=()
for target in "${targets[@]}"; do fuzzers+=("otto_${target}_fuzzer"); done
echo "=== fuzz: build ${fuzzers[*]}"
if ! cmake --build "$tree" --target "${fuzzers[@]}" >>"$build_log" 2>&1; then
    cat "$build_log" >&2
    echo "fuzz.sh: build FAILED (log: $build_log)" >&2
    exit 1
fi
echo "=== fuzz: built in $((SECONDS - start))s"

# The time is shared evenly; every target gets at least a second.
share=$((seconds / ${#targets[@]}))
((share > 0)) || share=1

# A finding aborts a fuzzer at once (the fuzz build passes
# -fno-sanitize-recover=all); options already in the environment come last
# and so take precedence.
asan_options=detect_leaks=1:strict_string_checks=1:check_initialization_order=1:strict_init_order=1
ubsan_options=print_stacktrace=1:halt_on_error=1

corpora=$(mktemp -d --tmpdir otto-fuzz-corpus.XXXXXX)
trap 'rm -rf "$corpora"' EXIT

total_runs=0
failed=()
for target in "${targets[@]}"; do
    fuzzer=$tree/tests/fuzz/otto_${target}_fuzzer
    findings=$tree/findings/$target
    run_log=$tree/fuzz-run-$target.log
    corpus=$corpora/$target
    mkdir -p "$findings" "$corpus"
    # Every seed file; a lab file's .expect is what a test expects of it.
    find "${seeds[$target]}" -maxdepth 1 -type f ! -name '*.expect' -exec cp {} "$corpus/" \;
    seed_count=$(find "$corpus" -type f | wc -l)
    options=(-max_total_time="$share" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$findings/")

    echo "=== fuzz: $target for ${share}s on $seed_count seed inputs from ${seeds[$target]#"$root"/}"
    rc=0
    # libFuzzer stops itself after max_total_time; the outer timeout only
    # guards against a fuzzer that cannot (a hang outside any single input).
    (cd "$tree" && ASAN_OPTIONS="$asan_options${ASAN_OPTIONS:+:$ASAN_OPTIONS}" \
        UBSAN_OPTIONS="$ubsan_options${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}" \
        timeout --kill-after=30 $((share + 300)) "$fuzzer" "${options[@]}" "$@" "$corpus") \
        >"$run_log" 2>&1 </dev/null || rc=$?

    if [[ $rc -eq 0 ]]; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run_log" | tail -n1)
        cov=$(sed -n 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*cov: \([0-9]*\).*/\1/p' "$run_log" | tail -n1)
        total_runs=$((total_runs + ${runs:-0}))
        echo "=== fuzz: $target: ${runs:-?} inputs in ${share}s, coverage ${cov:-?} edges, no findings"
        continue
    fi

    # The fuzzer's progress lines ("#123 NEW cov: ...") stay in the log;
    # shown is what went wrong.
    failed+=("$target")
    grep -v -E '^#[0-9]+[[:space:]]+(INITED|NEW|REDUCE|RELOAD|pulse)|^[[:space:]]+NEW_FUNC' "$run_log" >&2 || true
    units=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$run_log")
    if [[ $rc -eq 124 || $rc -eq 137 ]]; then
        echo "fuzz.sh: $target: the fuzzer did not stop after ${share}s and was killed (log: $run_log)" >&2
    elif [[ -n $units ]]; then
        while IFS= read -r unit; do
            echo "fuzz.sh: $target: FINDING: the input is in $unit" >&2
            echo "fuzz.sh: $target: replay: $fuzzer $unit" >&2
        done <<<"$units"
        echo "fuzz.sh: $target: the fuzzer's log: $run_log" >&2
    else
        echo "fuzz.sh: $target: the fuzzer failed (exit $rc) without writing an input (log: $run_log)" >&2
    fi
    echo "=== fuzz: $target: FAILED"
done

if [[ ${#failed[@]} -eq 0 ]]; then
    echo "=== fuzz: ok: $total_runs inputs in $((share * ${#targets[@]}))s over ${#targets[@]} targets (${targets[*]}), no findings ($((SECONDS - start))s)"
    exit 0
fi
echo "=== fuzz: FAILED: ${failed[*]} ($((SECONDS - start))s)"
exit 1
