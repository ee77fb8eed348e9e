#!/usr/bin/env bash
# Sets everything up and shows otto at work on a built-in demo lab: installs
# the dependencies, builds otto, the `otto` command, the examples and the lab
# tool, starts three real OpenSSH servers and BusyBox telnet consoles on
# loopback (generated keys, stopped again at the end) described by an otto
# lab file (lab "demo"), then
#   - runs `otto hosts`, `otto run` and `otto exec` over the whole lab and the
#     local host (the command's exit status is the worst host's status), and
#   - runs the example programs: persistent shells, command lists, concurrent
#     one-shots, named sessions, send/expect, a fan-out with per-host error
#     isolation, pipelined commands and rounds over open connections.
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
cmake --build "$build" --target otto_cli "${local_examples[@]}" "${ssh_examples[@]}" "${telnet_examples[@]}" \
    otto-lab >/dev/null

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

# The otto command on lab "demo" (written by otto-lab into $lab_dir/otto).
otto=("$build/tools/otto" --lab demo --lab-path "$lab_dir/otto")
echo "=== otto hosts"
"${otto[@]}" hosts
echo
echo "=== otto run --local 'echo \$(id -un)@\$(uname -s)' 'cd /tmp' 'pwd'"
"${otto[@]}" run --local 'echo $(id -un)@$(uname -s)' 'cd /tmp' 'pwd'
echo
echo "=== otto exec --hosts ssh 'echo stdout; echo stderr >&2'"
"${otto[@]}" exec --hosts ssh 'echo stdout; echo stderr >&2'

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
