#!/usr/bin/env bash
# Installs what building and testing otto needs on Debian (12 or newer) and
# Ubuntu. Idempotent and quiet: when everything is already installed it prints
# nothing and touches no network; otherwise it runs apt-get non-interactively
# (as root, or through sudo).
#
# usage: scripts/install-deps.sh [--check]
#   --check  only report missing packages (exit 1 if any), install nothing
set -euo pipefail

packages=(
    # toolchain and build
    gcc g++ cmake ninja-build pkg-config
    # libraries (libssh and libtelnet for the SSH and telnet hosts)
    libuv1-dev libssh-dev libcjson-dev libtelnet-dev libpcre2-dev
    # libcrypto (MD5 checks of files moved through shell commands)
    libssl-dev
    # the otto command's argument parser (header-only)
    libcli11-dev
    # test framework and checkers
    libgtest-dev valgrind
    # the style check (tests/style)
    clang-format
    # the lab loader's fuzzer (scripts/fuzz.sh): clang, and libFuzzer with
    # clang's sanitizer runtimes, which clang itself only recommends
    clang libclang-rt-dev
    # nm, objdump (packaging tests) and ldd
    binutils libc-bin
    # the shells and tools the session tests drive: bash, dash, busybox ash,
    # python3 (interactive programs), setsid (PTY shells), sleep, ps, timeout
    bash dash busybox python3 util-linux coreutils procps
    # an SSH server for the SSH host tests
    openssh-server
    # the peers the benchmark compares otto with (bench/compare.sh): the
    # OpenSSH client, pdsh and clush, and venv for the Python peers
    openssh-client pdsh clustershell python3-venv
    # the interactive program of the send/expect benchmark (M12)
    bc
    # counts the otto command's writes (tests/fleet/cli_test.cpp)
    strace
)

check_only=0
case ${1:-} in
    --check) check_only=1 ;;
    "") ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps: this script knows only Debian and Ubuntu (dpkg and apt-get)." >&2
    echo "install-deps: install the equivalents of: ${packages[*]}" >&2
    exit 1
fi

missing=()
for pkg in "${packages[@]}"; do
    # "ii " is installed; anything else (absent, half-installed, removed but
    # configured) needs apt-get.
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
    if [[ $status != ii* ]]; then
        missing+=("$pkg")
    fi
done

# The telnet tests need BusyBox's telnetd, which Debian ships only in
# busybox-static, a package that conflicts with busybox. Its binary is
# unpacked into a cache directory instead of being installed; the test lab
# looks for it there (OTTO_LAB_CACHE overrides the place).
if [[ $(id -u) -eq 0 ]]; then
    cache=${OTTO_LAB_CACHE:-/var/cache/otto-lab}
else
    cache=${OTTO_LAB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/otto-lab}
fi
telnetd_busybox=$cache/busybox-static/bin/busybox
need_telnetd=0
if ! [[ -x $telnetd_busybox ]] || ! "$telnetd_busybox" --list 2>/dev/null | grep -qx telnetd; then
    need_telnetd=1
fi

if [[ ${#missing[@]} -eq 0 && $need_telnetd -eq 0 ]]; then
    exit 0
fi

if [[ $check_only -eq 1 ]]; then
    [[ ${#missing[@]} -eq 0 ]] || echo "install-deps: missing packages: ${missing[*]}" >&2
    [[ $need_telnetd -eq 0 ]] || echo "install-deps: missing BusyBox telnetd in $cache" >&2
    exit 1
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        # -n: never prompt; fail instead when a password would be needed.
        as_root=(sudo -n)
    else
        echo "install-deps: missing packages: ${missing[*]}" >&2
        echo "install-deps: not root and no sudo: install them as root" >&2
        exit 1
    fi
fi

log=$(mktemp "${TMPDIR:-/tmp}/otto-install-deps.XXXXXX")
work=$(mktemp -d "${TMPDIR:-/tmp}/otto-install-deps.XXXXXX")
trap 'rm -rf "$log" "$work"' EXIT
apt_env=(env DEBIAN_FRONTEND=noninteractive)
apt_opts=(-q -y -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
updated=0
apt_update() {
    [[ $updated -eq 1 ]] && return 0
    updated=1
    "${as_root[@]}" "${apt_env[@]}" apt-get "${apt_opts[@]}" update </dev/null >>"$log" 2>&1
}

if [[ ${#missing[@]} -gt 0 ]]; then
    echo "install-deps: installing ${missing[*]}"
    if ! apt_update ||
        ! "${as_root[@]}" "${apt_env[@]}" apt-get "${apt_opts[@]}" install --no-install-recommends \
            "${missing[@]}" </dev/null >>"$log" 2>&1; then
        cat "$log" >&2
        echo "install-deps: apt-get failed" >&2
        exit 1
    fi
fi

if [[ $need_telnetd -eq 1 ]]; then
    echo "install-deps: unpacking BusyBox telnetd (busybox-static) into $cache"
    # apt-get download runs as the calling user and needs a writable place.
    chmod 0777 "$work"
    if ! (cd "$work" && apt-get download -q busybox-static >>"$log" 2>&1) &&
        ! { apt_update && (cd "$work" && apt-get download -q busybox-static >>"$log" 2>&1); }; then
        cat "$log" >&2
        echo "install-deps: cannot download busybox-static" >&2
        exit 1
    fi
    mkdir -p "$cache"
    rm -rf "$cache/busybox-static"
    dpkg-deb -x "$work"/busybox-static_*.deb "$cache/busybox-static"
    if ! "$telnetd_busybox" --list | grep -qx telnetd; then
        echo "install-deps: $telnetd_busybox has no telnetd" >&2
        exit 1
    fi
fi
echo "install-deps: done"
