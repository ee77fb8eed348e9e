#!/usr/bin/env bash
# Installs a built otto tree into a fresh prefix and builds a small C program
# against that install only, both ways a consumer would:
#   (a) a CMake project: find_package(otto) and otto::otto;
#   (b) a bare compiler command with `pkg-config --cflags --libs otto`.
# Both programs then run `echo hello` on the local host and must succeed.
#
# usage: install_and_consume.sh --build-dir DIR --consumer-dir DIR --version X.Y.Z
#                               [--header otto.h] [--generator NAME] [--c-compiler CC]
# --header: the source tree's otto.h, which the installed one must equal.
# OTTO_KEEP_TMP=1 keeps the temporary directory for inspection.
set -euo pipefail

build_dir=
consumer_dir=
version=
header=
generator=
cc=${CC:-cc}
while [[ $# -gt 0 ]]; do
    case $1 in
        --build-dir) build_dir=$2; shift 2 ;;
        --consumer-dir) consumer_dir=$2; shift 2 ;;
        --version) version=$2; shift 2 ;;
        --header) header=$2; shift 2 ;;
        --generator) generator=$2; shift 2 ;;
        --c-compiler) cc=$2; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
if [[ -z $build_dir || -z $consumer_dir || -z $version ]]; then
    echo "usage: $0 --build-dir DIR --consumer-dir DIR --version X.Y.Z [--header otto.h] [--generator NAME] [--c-compiler CC]" >&2
    exit 2
fi
CMAKE=${CMAKE:-cmake}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
major=${version%%.*}
# Every step is bounded: a hang becomes a failure, not a stuck CI job.
step_timeout=300
run_timeout=60

tmp=$(mktemp -d "${TMPDIR:-/tmp}/otto-packaging.XXXXXX")
cleanup() {
    if [[ ${OTTO_KEEP_TMP:-0} == 1 ]]; then
        echo "kept $tmp"
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT
prefix=$tmp/prefix

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
# Runs a step quietly; prints its output when it fails.
step() {
    local name=$1
    shift
    echo "-- $name"
    if ! timeout "$step_timeout" "$@" >"$tmp/step.log" 2>&1; then
        cat "$tmp/step.log" >&2
        fail "$name"
    fi
}

# The program must bind to the installed library, not to the build tree's.
check_loads_installed() {
    command -v ldd >/dev/null || return 0
    local deps
    deps=$(ldd "$1") || fail "ldd $1"
    [[ $deps == *"libotto.so.$major => $libdir/"* ]] || fail "$1 does not load libotto from $libdir: $deps"
}

# --- install ----------------------------------------------------------------
# DESTDIR would move the files away from the prefix the checks look at.
unset DESTDIR
step "install $build_dir into $prefix" "$CMAKE" --install "$build_dir" --prefix "$prefix"

pc=$(find "$prefix" -path '*/pkgconfig/otto.pc' -print -quit)
[[ -n $pc ]] || fail "no pkgconfig/otto.pc under $prefix"
libdir=$(dirname "$(dirname "$pc")")
echo "   libdir: ${libdir#"$prefix"/}"

[[ -f $prefix/include/otto.h ]] || fail "include/otto.h is not installed"
if [[ -n $header ]]; then
    cmp -s "$prefix/include/otto.h" "$header" || fail "the installed otto.h differs from $header"
fi
[[ -f $libdir/libotto.so.$version && ! -L $libdir/libotto.so.$version ]] ||
    fail "libotto.so.$version is not installed as a file"
[[ $(readlink "$libdir/libotto.so.$major") == "libotto.so.$version" ]] ||
    fail "libotto.so.$major is not a symlink to libotto.so.$version"
[[ -L $libdir/libotto.so ]] || fail "the namelink libotto.so is not installed"
[[ $(readlink -f "$libdir/libotto.so") == "$(readlink -f "$libdir/libotto.so.$version")" ]] ||
    fail "the namelink libotto.so does not lead to libotto.so.$version"
for f in ottoConfig.cmake ottoConfigVersion.cmake otto-targets.cmake; do
    [[ -f $libdir/cmake/otto/$f ]] || fail "cmake/otto/$f is not installed"
done
# The internal static library is folded into libotto.so and must stay out.
leaked=$(find "$prefix" \( -name '*.a' -o -name '*otto_core*' \) -print)
[[ -z $leaked ]] || fail "internal files were installed: $leaked"

# --- (a) CMake: find_package(otto) -----------------------------------------
cmake_args=(-S "$consumer_dir" -B "$tmp/cmake-consumer"
    -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_C_COMPILER="$cc"
    -DCMAKE_PREFIX_PATH="$prefix"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DOTTO_EXPECTED_VERSION="$version")
if [[ -n $generator ]]; then
    cmake_args+=(-G "$generator")
fi
step "configure the find_package consumer" "$CMAKE" "${cmake_args[@]}"
grep -q "otto $version from $libdir/cmake/otto" "$tmp/step.log" || {
    cat "$tmp/step.log" >&2
    fail "find_package(otto) did not find the package installed in $prefix"
}
step "build the find_package consumer" "$CMAKE" --build "$tmp/cmake-consumer"
check_loads_installed "$tmp/cmake-consumer/consumer"
echo "-- run the find_package consumer"
timeout "$run_timeout" "$tmp/cmake-consumer/consumer" || fail "the find_package consumer failed"

# --- (b) pkg-config ---------------------------------------------------------
export PKG_CONFIG_PATH="$libdir/pkgconfig"
pc_version=$("$PKG_CONFIG" --modversion otto) || fail "pkg-config cannot read otto.pc"
[[ $pc_version == "$version" ]] || fail "pkg-config reports otto $pc_version, expected $version"
read -r -a pc_flags <<<"$("$PKG_CONFIG" --cflags --libs otto)" || fail "pkg-config --cflags --libs otto"
echo "   pkg-config --cflags --libs otto: ${pc_flags[*]}"
# Only pkg-config's flags, plus an rpath so the program finds the library.
step "compile the pkg-config consumer" \
    "$cc" "$consumer_dir/consumer.c" -o "$tmp/pc-consumer" "${pc_flags[@]}" "-Wl,-rpath,$libdir"
check_loads_installed "$tmp/pc-consumer"
echo "-- run the pkg-config consumer"
timeout "$run_timeout" "$tmp/pc-consumer" || fail "the pkg-config consumer failed"

echo "OK: otto $version installs and is usable through find_package and pkg-config"
