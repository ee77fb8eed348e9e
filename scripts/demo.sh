#!/usr/bin/env bash
# Sets everything up and shows otto at work on a built-in demo lab: installs
# the dependencies, builds otto, its examples and the lab tool, starts three
# real OpenSSH servers and BusyBox telnet consoles on loopback (generated
# keys, stopped again at the end), then drives the local host, the SSH hosts
# and a console through persistent shells, command lists, concurrent
# one-shots, named sessions, send/expect, a fan-out with per-host error
# isolation, pipelined commands and rounds over open connections.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if [[ ${OTTO_SKIP_DEPS:-0} != 1 ]]; then
    bash scripts/install-deps.sh
fi
build=$root/build
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
local_examples=(run_single run_list concurrent_oneshot named_sessions send_expect)
ssh_examples=(ssh_fanout ssh_pipelined ssh_rounds)
telnet_examples=(telnet_send_expect)
cmake --build "$build" --target "${local_examples[@]}" "${ssh_examples[@]}" "${telnet_examples[@]}" otto-lab >/dev/null

lab_dir=$(mktemp -d /tmp/otto-demo-lab.XXXXXX)
stop_lab() {
    "$build/tests/lab/otto-lab" down --dir "$lab_dir" >/dev/null 2>&1 || true
    rm -rf "$lab_dir"
}
trap stop_lab EXIT
# A console with /bin/login needs the lab's own user, which only root can add.
telnet_login=0
if [[ $(id -u) == 0 ]]; then telnet_login=1; fi
"$build/tests/lab/otto-lab" up --dir "$lab_dir" --ssh 3 --telnet-shell 1 --telnet-login "$telnet_login" >/dev/null

for example in "${local_examples[@]}"; do
    echo
    echo "=== local: $example"
    "$build/examples/$example"
done
for example in "${ssh_examples[@]}"; do
    echo
    echo "=== ssh: $example"
    cmake -DMODE=run -DLAB_DIR="$lab_dir" -P examples/lab.cmake -- "$build/examples/$example" |
        grep -v '^-- running:' || exit 1
done
for example in "${telnet_examples[@]}"; do
    echo
    echo "=== telnet: $example"
    cmake -DMODE=run-telnet -DLAB_DIR="$lab_dir" -P examples/lab.cmake -- "$build/examples/$example" |
        grep -v '^-- running:' || exit 1
done
