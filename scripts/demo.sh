#!/usr/bin/env bash
# Sets everything up and shows otto at work: installs the dependencies,
# builds the library and its examples, then drives the local host through
# a persistent shell, a command list, concurrent one-shots, named sessions
# and a send/expect conversation with a Python REPL.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
if [[ ${OTTO_SKIP_DEPS:-0} != 1 ]]; then
    bash scripts/install-deps.sh
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target run_single run_list concurrent_oneshot named_sessions send_expect >/dev/null

for example in run_single run_list concurrent_oneshot named_sessions send_expect; do
    echo
    echo "=== $example"
    "build/examples/$example"
done
