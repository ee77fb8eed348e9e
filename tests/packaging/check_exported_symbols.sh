#!/usr/bin/env bash
# Checks the dynamic symbols that libotto.so defines:
#   - every one of them starts with otto_ (nothing internal or third-party
#     leaks out of the version script);
#   - together they are exactly the committed list, so removing or adding a
#     public function is always a deliberate change of that list.
#
# usage: check_exported_symbols.sh <libotto.so> <exported_symbols.txt>
#        check_exported_symbols.sh --update <libotto.so> <exported_symbols.txt>
# --update rewrites the list from the library instead of checking it.
set -euo pipefail

update=0
if [[ ${1:-} == --update ]]; then
    update=1
    shift
fi
if [[ $# -ne 2 ]]; then
    echo "usage: $0 [--update] <libotto.so> <exported_symbols.txt>" >&2
    exit 2
fi
lib=$1
list=$2
NM=${NM:-nm}

if [[ ! -f $lib ]]; then
    echo "FAIL: no library at $lib" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/otto-symbols.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# "<address> <type> <name>[@version]" -> name, one per line, sorted.
"$NM" -D --defined-only "$lib" >"$tmp/nm"
awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' "$tmp/nm" | LC_ALL=C sort -u >"$tmp/all"
if [[ ! -s $tmp/all ]]; then
    echo "FAIL: $NM found no defined dynamic symbol in $lib" >&2
    exit 1
fi

status=0
if grep -v '^otto_' "$tmp/all" >"$tmp/foreign"; then
    echo "FAIL: $lib exports symbols outside the otto_ namespace:" >&2
    sed 's/^/    /' "$tmp/foreign" >&2
    echo "Only otto_* may be exported (see src/capi/otto.map and OTTO_API)." >&2
    status=1
fi
grep '^otto_' "$tmp/all" >"$tmp/exported" || true

if [[ $update -eq 1 ]]; then
    {
        echo "# The dynamic symbols of libotto.so, sorted; packaging.exported_symbols"
        echo "# checks that the library exports exactly these. After an intended change"
        echo "# of the public API, regenerate from a fresh build with"
        echo "#   tests/packaging/check_exported_symbols.sh --update <build>/src/libotto.so tests/packaging/$(basename "$list")"
        cat "$tmp/exported"
    } >"$list"
    echo "wrote $(wc -l <"$tmp/exported") symbols to $list"
    exit $status
fi

if [[ ! -f $list ]]; then
    echo "FAIL: no symbol list at $list" >&2
    exit 1
fi
# The committed list, without comments or blank lines, sorted the same way.
grep -v -e '^#' -e '^[[:space:]]*$' "$list" | LC_ALL=C sort -u >"$tmp/expected"

LC_ALL=C comm -23 "$tmp/expected" "$tmp/exported" >"$tmp/dropped"
LC_ALL=C comm -13 "$tmp/expected" "$tmp/exported" >"$tmp/added"
if [[ -s $tmp/dropped ]]; then
    echo "FAIL: symbols in $(basename "$list") that $lib no longer exports (an ABI break, which needs a new major version):" >&2
    sed 's/^/    /' "$tmp/dropped" >&2
    status=1
fi
if [[ -s $tmp/added ]]; then
    echo "FAIL: $lib exports symbols missing from $(basename "$list"):" >&2
    sed 's/^/    /' "$tmp/added" >&2
    status=1
fi
if [[ -s $tmp/dropped || -s $tmp/added ]]; then
    echo "diff (committed list -> library):" >&2
    diff -u --label "$(basename "$list")" --label "$(basename "$lib")" "$tmp/expected" "$tmp/exported" >&2 || true
    echo "If the change of the public API is intended, update the list:" >&2
    echo "    $0 --update $lib $list" >&2
fi

if [[ $status -eq 0 ]]; then
    echo "OK: $lib exports exactly the $(wc -l <"$tmp/exported") symbols of $(basename "$list")"
fi
exit $status
