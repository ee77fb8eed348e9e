#!/usr/bin/env bash
# Builds otto three ways and runs the whole test suite in each tree, then
# fuzzes what otto reads from outside for a bounded time:
#   build       RelWithDebInfo, no sanitizer: every test
#   build-asan  Debug, AddressSanitizer + LeakSanitizer + UBSan
#   build-tsan  RelWithDebInfo, ThreadSanitizer
#   fuzz        scripts/fuzz.sh: libFuzzer on each fuzz target (lab files,
#               a shell's bytes, a telnet login, SFTP replies) in turn,
#               seeded with tests/lab_corpus/ and tests/fuzz_corpus/ (tree
#               build-fuzz, clang, ASan + UBSan)
#   bench       a smoke run of the peer comparison (bench/compare.sh
#               --quick, in tree build): it asserts nothing about speed,
#               only that otto and every peer produced figures
#
# usage: scripts/test.sh [ctest arguments...]
#   Extra arguments go to every ctest run, e.g. `scripts/test.sh -L local`
#   or `scripts/test.sh -R unit.`. The sanitizer trees already pass -LE (see
#   below); a -LE given here replaces it there. A run with ctest arguments
#   selects tests and so skips the fuzz and bench steps, unless
#   OTTO_FUZZ_SECONDS or OTTO_BENCH_SMOKE is set.
# environment:
#   OTTO_TEST_TREES   the trees to use, in order (default "build build-asan build-tsan")
#   OTTO_SKIP_DEPS=1  do not run scripts/install-deps.sh
#   OTTO_TEST_JOBS    parallel tests per tree (default 2)
#   OTTO_FUZZ_SECONDS how long the fuzz step runs, in seconds (default 120,
#                     or 0 when ctest arguments are given); 0 skips it
#   OTTO_BENCH_SMOKE  1 runs the bench step, 0 skips it (default 1, or 0
#                     when ctest arguments are given)
# Exits non-zero when any tree fails to configure, build or pass its tests,
# or the fuzzer fails to build or finds anything.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if [[ ${1:-} == -h || ${1:-} == --help ]]; then
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$root/scripts/test.sh"
    exit 0
fi

if [[ ${OTTO_SKIP_DEPS:-0} != 1 ]]; then
    bash "$root/scripts/install-deps.sh"
fi

read -r -a trees <<<"${OTTO_TEST_TREES:-build build-asan build-tsan}"
jobs=${OTTO_TEST_JOBS:-2}
ctest_args=("$@")
if [[ -n ${OTTO_FUZZ_SECONDS:-} ]]; then
    fuzz_seconds=$OTTO_FUZZ_SECONDS
elif [[ ${#ctest_args[@]} -gt 0 ]]; then
    fuzz_seconds=0
else
    fuzz_seconds=120
fi
if ! [[ $fuzz_seconds =~ ^[0-9]+$ ]]; then
    echo "test.sh: OTTO_FUZZ_SECONDS must be a number of seconds (0 skips fuzzing), not '$fuzz_seconds'" >&2
    exit 2
fi
fuzz_seconds=$((10#$fuzz_seconds))
if [[ -n ${OTTO_BENCH_SMOKE:-} ]]; then
    bench_smoke=$OTTO_BENCH_SMOKE
elif [[ ${#ctest_args[@]} -gt 0 ]]; then
    bench_smoke=0
else
    bench_smoke=1
fi

# Sanitizer settings. Everything found is fatal (the trees are also built
# with -fno-sanitize-recover=all); options already in the environment come
# last and so take precedence.
#   detect_leaks            LeakSanitizer at exit of every test process
#   abort_on_error          abort (not _exit) so the failure is unmistakable
#   strict_string_checks, detect_stack_use_after_return,
#   check_initialization_order, strict_init_order: stricter checking
asan_options=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
asan_options+=:check_initialization_order=1:strict_init_order=1
ubsan_options=print_stacktrace=1:halt_on_error=1
tsan_options=halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/tsan.supp

# Labels left out of the sanitizer trees, where running them means nothing:
#   packaging  checks the installed product (symbols, SONAME, consumers
#              built without sanitizer flags against an instrumented library)
#   valgrind   valgrind cannot run sanitizer-instrumented programs
#   ffi        other runtimes load libotto.so without the sanitizer runtime
sanitizer_exclude='packaging|valgrind|ffi'

# ThreadSanitizer cannot map its shadow memory when the kernel randomizes
# mmap with more than 28 bits; then ASLR is turned off for that tree only.
tsan_wrapper=()
if [[ -r /proc/sys/vm/mmap_rnd_bits ]] && (($(cat /proc/sys/vm/mmap_rnd_bits) > 28)); then
    if setarch "$(uname -m)" -R true 2>/dev/null; then
        tsan_wrapper=(setarch "$(uname -m)" -R)
    fi
fi

declare -A summary=()
total_passed=0
total_failed=0
failed_steps=0

run_tree() {
    local tree=$1
    local build_type sanitize wrapper=() env=() exclude=()
    case $tree in
        build) build_type=RelWithDebInfo sanitize= ;;
        build-asan)
            build_type=Debug sanitize=address,undefined
            env=(ASAN_OPTIONS="$asan_options${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
                UBSAN_OPTIONS="$ubsan_options${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}")
            exclude=(-LE "$sanitizer_exclude")
            ;;
        build-tsan)
            build_type=RelWithDebInfo sanitize=thread
            env=(TSAN_OPTIONS="$tsan_options${TSAN_OPTIONS:+:$TSAN_OPTIONS}")
            exclude=(-LE "$sanitizer_exclude")
            wrapper=("${tsan_wrapper[@]}")
            ;;
        *)
            echo "test.sh: unknown tree '$tree' (build, build-asan, build-tsan)" >&2
            summary[$tree]="unknown tree"
            return 1
            ;;
    esac

    local start=$SECONDS
    echo
    echo "=== $tree: configure ($build_type${sanitize:+, -fsanitize=$sanitize})"
    if ! cmake -S "$root" -B "$root/$tree" -G Ninja \
        -DCMAKE_BUILD_TYPE="$build_type" -DOTTO_SANITIZE="$sanitize"; then
        summary[$tree]="configure FAILED"
        return 1
    fi
    echo "=== $tree: build"
    # The build runs test binaries too (gtest test discovery).
    if ! env "${env[@]}" "${wrapper[@]}" cmake --build "$root/$tree"; then
        summary[$tree]="build FAILED"
        return 1
    fi
    echo "=== $tree: test"
    # An unfiltered run must find tests; a filtered one may legitimately
    # select none in a sanitizer tree.
    local no_tests=error
    if [[ ${#ctest_args[@]} -gt 0 && ${#exclude[@]} -gt 0 ]]; then
        no_tests=ignore
    fi
    local log="$root/$tree/test-summary.log" rc=0
    (cd "$root/$tree" && env "${env[@]}" "${wrapper[@]}" ctest --output-on-failure -j"$jobs" \
        --timeout 300 --no-tests="$no_tests" "${exclude[@]}" "${ctest_args[@]}") 2>&1 |
        tee "$log" || rc=$?
    local line passed=0 failed=0 total=0
    line=$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n1 || true)
    if [[ $line =~ ([0-9]+)\ tests?\ failed\ out\ of\ ([0-9]+) ]]; then
        failed=${BASH_REMATCH[1]}
        total=${BASH_REMATCH[2]}
        passed=$((total - failed))
    fi
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    local took=$((SECONDS - start))
    if [[ $rc -ne 0 ]]; then
        summary[$tree]="tests FAILED: $passed passed, $failed failed of $total (${took}s)"
        # ctest's list of failures, one "  <number> - <name> (<why>)" a line,
        # shortened: parameterized test names can be very long.
        local names
        names=$(sed -n '/^The following tests FAILED:/,/^Errors while running CTest/{/^[[:space:]]*[0-9]\+ - /p}' "$log" |
            sed 's/^[[:space:]]*//' | cut -c1-110 | head -n 20)
        if [[ -n $names ]]; then
            summary[$tree]+=$'\n'$(sed 's/^/                  /' <<<"$names")
        fi
        return 1
    fi
    summary[$tree]="ok: $passed passed, $failed failed of $total (${took}s)"
}

# The fuzz step, after the trees: scripts/fuzz.sh builds its own tree and
# prints its outcome on a last "=== fuzz: " line.
run_fuzz() {
    local start=$SECONDS log="$root/build-fuzz/fuzz-summary.log" rc=0
    echo
    mkdir -p "$root/build-fuzz"
    OTTO_SKIP_DEPS=1 OTTO_FUZZ_SECONDS=$fuzz_seconds bash "$root/scripts/fuzz.sh" 2>&1 | tee "$log" || rc=$?
    local took=$((SECONDS - start))
    if [[ $rc -ne 0 ]]; then
        summary[fuzz]="FAILED (${took}s)"
        local findings
        findings=$(sed -n 's/^fuzz\.sh: //p' "$log" | head -n 5)
        if [[ -n $findings ]]; then
            summary[fuzz]+=$'\n'$(sed 's/^/                  /' <<<"$findings")
        fi
        return 1
    fi
    summary[fuzz]="$(sed -n 's/^=== fuzz: \(ok: .*\) ([0-9]*s)$/\1/p' "$log" | tail -n1) (${took}s)"
}

# The bench step: the peer comparison's quick profile, built in tree
# `build`; it fails only when otto or a peer produced no figures.
run_bench_smoke() {
    local start=$SECONDS log="$root/build/bench-smoke.log" rc=0
    echo
    echo "=== bench: bench/compare.sh --quick"
    mkdir -p "$root/build"
    OTTO_BENCH_BUILD_DIR="$root/build" OTTO_BENCH_TIMEOUT=1200 bash "$root/bench/compare.sh" --quick 2>&1 |
        tee "$log" || rc=$?
    local took=$((SECONDS - start))
    if [[ $rc -ne 0 ]]; then
        summary[bench]="FAILED (${took}s)"
        local missing
        missing=$(grep -E '^compare: no figures for|FAILED \(' "$log" | head -n 5 | cut -c1-150)
        if [[ -n $missing ]]; then
            summary[bench]+=$'\n'$(sed 's/^/                  /' <<<"$missing")
        fi
        return 1
    fi
    summary[bench]="ok: every peer produced figures (${took}s)"
}

start=$SECONDS
steps=0
for tree in "${trees[@]}"; do
    steps=$((steps + 1))
    if ! run_tree "$tree"; then
        failed_steps=$((failed_steps + 1))
    fi
done
if [[ $fuzz_seconds -gt 0 ]]; then
    steps=$((steps + 1))
    if ! run_fuzz; then
        failed_steps=$((failed_steps + 1))
    fi
elif [[ -n ${OTTO_FUZZ_SECONDS:-} ]]; then
    summary[fuzz]="skipped (OTTO_FUZZ_SECONDS=0)"
else
    summary[fuzz]="skipped (ctest arguments given; OTTO_FUZZ_SECONDS=120 runs it)"
fi
if [[ $bench_smoke == 1 ]]; then
    steps=$((steps + 1))
    if ! run_bench_smoke; then
        failed_steps=$((failed_steps + 1))
    fi
else
    summary[bench]="skipped (OTTO_BENCH_SMOKE=1 runs it)"
fi

echo
echo "=== summary ($((SECONDS - start))s)"
for step in "${trees[@]}" fuzz bench; do
    printf '  %-11s %s\n' "$step" "${summary[$step]:-not run}"
done
echo "total: $total_passed passed, $total_failed failed"
if [[ $failed_steps -ne 0 ]]; then
    echo "FAILED: $failed_steps of $steps steps" >&2
    exit 1
fi
