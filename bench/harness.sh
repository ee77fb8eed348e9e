# What bench/run.sh and bench/compare.sh share: the build, the pinning of
# PLAN 2 and the loopback lab, always stopped (by pid) on exit. Sourced;
# the caller sets `repo`, `build` and `me` first.

say() { printf '%s: %s\n' "$me" "$*" >&2; }

# Configures (RelWithDebInfo) and builds the given targets into $build.
bench_build() {
    local generator=()
    if [[ ! -f $build/CMakeCache.txt ]] && command -v ninja >/dev/null; then generator=(-G Ninja); fi
    mkdir -p "$build"
    local log=$build/bench-build.log
    say "building $* in $build"
    if ! { cmake -S "$repo" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOTTO_BUILD_BENCH=ON \
        -DOTTO_BUILD_TESTS=ON && cmake --build "$build" --target "$@" -j "$(nproc)"; } >"$log" 2>&1; then
        cat "$log" >&2
        say "the build failed"
        exit 1
    fi
    lab_bin=$build/tests/lab/otto-lab
}

# PLAN 2: the controller on core 0, the servers on core 1, when taskset
# exists and there are two cores (OTTO_BENCH_NO_PIN=1: unpinned).
bench_pinning() {
    controller=()
    server=()
    pinned=no
    if [[ ${OTTO_BENCH_NO_PIN:-0} != 1 ]] && command -v taskset >/dev/null && (($(nproc) >= 2)); then
        controller=(taskset -c 0)
        server=(taskset -c 1)
        pinned=yes
    fi
}

# Starts `otto-lab up` with the given options in a fresh directory
# ($lab_dir), its servers pinned; stopped on exit.
bench_lab_up() {
    lab_dir=$(mktemp -d "${TMPDIR:-/tmp}/otto-bench-lab.XXXXXX")
    trap bench_lab_down EXIT
    trap 'exit 130' INT TERM
    # Enough descriptors for hundreds of connections (PLAN 1.1).
    ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    say "starting the lab in $lab_dir (servers pinned: $pinned)"
    "${server[@]}" "$lab_bin" up --dir "$lab_dir" "$@" >/dev/null
}

bench_lab_down() {
    trap '' INT TERM  # let the cleanup finish
    if [[ -f $lab_dir/lab.json ]]; then
        "$lab_bin" down --dir "$lab_dir" || say "otto-lab down failed; see $lab_dir/lab.json"
    fi
    rm -rf "$lab_dir"
}

# Runs a command under `timeout`, in the background so that an interruption
# reaches the trap at once; returns its status.
bench_run_bounded() {
    local cap=$1
    shift
    timeout -k 5 "$cap" "$@" &
    local pid=$!
    trap "kill -TERM $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; exit 130" INT TERM
    local status=0
    wait "$pid" || status=$?
    trap 'exit 130' INT TERM
    return "$status"
}
