#!/usr/bin/env bash
# Checks that libotto.so records SONAME libotto.so.<major>, so programs bind to
# the ABI (the major version) rather than to one release.
#
# usage: check_soname.sh <libotto.so> <expected soname>
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 <libotto.so> <expected soname>" >&2
    exit 2
fi
lib=$1
expected=$2
OBJDUMP=${OBJDUMP:-objdump}

soname=$("$OBJDUMP" -p "$lib" | awk '$1 == "SONAME" { print $2 }')
if [[ $soname != "$expected" ]]; then
    echo "FAIL: $lib has SONAME '${soname:-<none>}', expected '$expected'" >&2
    exit 1
fi
echo "OK: $lib has SONAME $soname"
