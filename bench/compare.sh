#!/usr/bin/env bash
# otto side by side with its peers (PLAN 3, 4.2): builds otto-peer, the
# raw-libssh floor (libssh-floor) and otto-lab, installs the Python peers
# (bench/peers/requirements.txt) and matplotlib into a throwaway virtual
# environment, starts a loopback lab of two sshd and a BusyBox telnetd
# giving a shell without a login (PLAN 1.4), runs bench/compare.py
# and writes bench/results/peers-<run-id>/:
#   results.json  every figure    results.md  the table    m*.png  the charts
# The lab is always stopped (by pid) on exit. OpenSSH's client, pdsh and
# clush must be installed (Debian: openssh-client pdsh clustershell).
#
#   bench/compare.sh [--snapshot] [compare.py options]   e.g. --quick, --only M3,M6
#
# --snapshot names the directory bench/results/snapshot-<run-id>/, which git
# does not ignore: the results to commit.
#
# Environment: OTTO_BENCH_BUILD_DIR (default <repo>/build-bench),
# OTTO_BENCH_NO_PIN=1 to run unpinned, OTTO_BENCH_TIMEOUT (seconds, 5400),
# OTTO_BENCH_VENV (default: a fresh one in the lab's directory).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${OTTO_BENCH_BUILD_DIR:-$repo/build-bench}
me=bench/compare.sh
# shellcheck source=bench/harness.sh
source "$repo/bench/harness.sh"

for tool in ssh pdsh clush python3; do
    command -v "$tool" >/dev/null || { say "$tool is missing (Debian: openssh-client pdsh clustershell python3-venv)"; exit 1; }
done
kind=peers
if [[ ${1:-} == --snapshot ]]; then
    kind=snapshot
    shift
fi
bench_build otto-peer libssh-floor otto-lab
run_id=$(date +%Y%m%d-%H%M%S)
out=$repo/bench/results/$kind-$run_id
mkdir -p "$out"
bench_pinning
# The telnet server serves M3's and M12's telnet rows; otto-lab takes its
# BusyBox from the cache scripts/install-deps.sh fills.
bench_lab_up --ssh 2 --max-sessions 64 --telnet-shell 1

venv=${OTTO_BENCH_VENV:-$lab_dir/venv}
if [[ ! -x $venv/bin/python ]]; then
    say "installing the Python peers into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$repo/bench/peers/requirements.txt" >&2
fi

say "running the peers (controller pinned: $pinned); results in bench/results/$kind-$run_id"
status=0
bench_run_bounded "${OTTO_BENCH_TIMEOUT:-5400}" "${controller[@]}" "$venv/bin/python" "$repo/bench/compare.py" \
    --lab "$lab_dir/lab.json" --otto-peer "$build/bench/otto-peer" \
    --floor-peer "$build/bench/libssh-floor" --out "$out" --run-id "$run_id" "$@" || status=$?
say "wrote $out (exit status $status)"
exit "$status"
