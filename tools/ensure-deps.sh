#!/bin/sh
# ensure-deps.sh - install the Debian packages Sluice's build and tests need.
#
# Usage: tools/ensure-deps.sh [-n|--check] [-v] [--list] SET...
#   SET     run    what `make run` needs (cross compiler, picolibc and cpio for the
#                  initramfs the kernel embeds, QEMU, OpenSBI, dtc, python3;
#                  qemu-user to list busybox's applets, Debian's keyring to
#                  check the busybox package tools/fetch-debs.sh fetches)
#           test   run + host compilers, libFuzzer, U-Boot, disk-image tools, gdb,
#                  glibc cross compiler
#           debug  run + gdb-multiarch
#   -n, --check   only check: list missing packages, exit 1 if any, install nothing
#   -v            show apt-get's output (default: kept in a log, shown on failure)
#   --list        print the packages of the given sets, one a line, and exit
#
# Prints nothing and exits 0 when every package is already installed (one
# dpkg-query call, no apt-get, no network). Otherwise prints one line naming
# what it installs, runs `apt-get update` once and `apt-get install -y
# --no-install-recommends` on the missing packages: as root directly, else via
# sudo (non-interactive, or interactive when a terminal is present), else it
# prints the command to run and exits 1.
#
# An entry "a|b" means: either package is fine; install the first one the
# archive has (e.g. libclang-rt-14-dev on Debian 12, libclang-rt-dev later).

set -eu

prog=ensure-deps

PKGS_RUN="gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf cmake make
qemu-system-misc opensbi device-tree-compiler python3
picolibc-riscv64-unknown-elf cpio qemu-user debian-archive-keyring gpgv"
PKGS_TEST="gcc clang clang-format libclang-rt-14-dev|libclang-rt-dev u-boot-qemu mtools
dosfstools u-boot-tools e2fsprogs gdb-multiarch
gcc-riscv64-linux-gnu libc6-dev-riscv64-cross"
PKGS_DEBUG="gdb-multiarch"

usage() {
    sed -n '2,22s/^# \{0,1\}//p' "$0" >&2
    exit 2
}

check_only=0
verbose=${ENSURE_DEPS_VERBOSE:-0}
list_only=0
want=""
sets=""
for arg in "$@"; do
    case $arg in
    -n | --check) check_only=1 ;;
    -v | --verbose) verbose=1 ;;
    --list) list_only=1 ;;
    -h | --help) usage ;;
    run) want="$want $PKGS_RUN" sets="$sets run" ;;
    test) want="$want $PKGS_RUN $PKGS_TEST" sets="$sets test" ;;
    debug) want="$want $PKGS_RUN $PKGS_DEBUG" sets="$sets debug" ;;
    *)
        echo "$prog: unknown package set or option '$arg' (sets: run, test, debug)" >&2
        exit 2
        ;;
    esac
done
[ -n "$want" ] || usage

# Remove duplicates, keep the order.
entries=""
for e in $want; do
    case " $entries " in
    *" $e "*) ;;
    *) entries="$entries $e" ;;
    esac
done

if [ "$list_only" = 1 ]; then
    for e in $entries; do echo "$e"; done
    exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "$prog: dpkg-query not found: this script knows Debian only; install the" >&2
    echo "$prog: equivalents of: $(echo "$entries" | tr '|' '/' | tr -s ' ')" >&2
    exit 1
fi

# All package names mentioned (alternatives split), for one dpkg-query call.
names=$(echo "$entries" | tr '|' ' ')
# shellcheck disable=SC2086 # word splitting of the name list is wanted
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $names 2>/dev/null |
    awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }') || true

is_installed() {
    case " $(echo "$installed" | tr '\n' ' ') " in
    *" $1 "*) return 0 ;;
    esac
    return 1
}

missing=""
for e in $entries; do
    ok=0
    for p in $(echo "$e" | tr '|' ' '); do
        if is_installed "$p"; then ok=1; break; fi
    done
    [ "$ok" = 1 ] || missing="$missing $e"
done
missing=${missing# }

[ -n "$missing" ] || exit 0

# What a person would type (alternatives shown as the first choice).
first_choices=$(for e in $missing; do echo "${e%%|*}"; done | tr '\n' ' ')
first_choices=${first_choices% }

if [ "$check_only" = 1 ]; then
    echo "$prog: missing packages: $first_choices" >&2
    echo "$prog: install them with: sudo $0$sets" >&2
    exit 1
fi

# How to become root.
if [ "$(id -u)" = 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root="sudo -n"
elif command -v sudo >/dev/null 2>&1 && [ -t 0 ]; then
    as_root="sudo"
else
    echo "$prog: missing Debian packages: $first_choices" >&2
    echo "$prog: not root and no usable sudo; as root, run:" >&2
    echo "    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $first_choices" >&2
    exit 1
fi

log=$(mktemp "${TMPDIR:-/tmp}/ensure-deps.XXXXXX")
trap 'rm -f "$log"' EXIT

run_apt() {
    # shellcheck disable=SC2086 # $as_root is empty or "sudo [-n]"
    if [ "$verbose" = 1 ]; then
        $as_root env DEBIAN_FRONTEND=noninteractive apt-get "$@"
    else
        $as_root env DEBIAN_FRONTEND=noninteractive apt-get -q "$@" >>"$log" 2>&1
    fi
}

fail() {
    echo "$prog: $1" >&2
    if [ "$verbose" != 1 ] && [ -s "$log" ]; then
        echo "$prog: last lines of apt-get's output:" >&2
        tail -n 30 "$log" >&2
    fi
    exit 1
}

if ! run_apt update; then
    fail "apt-get update failed"
fi

# Resolve alternatives now that the package lists are fresh: the first
# alternative with an installation candidate wins.
has_candidate() {
    cand=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')
    [ -n "$cand" ] && [ "$cand" != "(none)" ]
}
to_install=""
for e in $missing; do
    case $e in
    *"|"*)
        pick=""
        for p in $(echo "$e" | tr '|' ' '); do
            if has_candidate "$p"; then pick=$p; break; fi
        done
        [ -n "$pick" ] || fail "none of '$e' is available from the archive"
        to_install="$to_install $pick"
        ;;
    *) to_install="$to_install $e" ;;
    esac
done
to_install=${to_install# }

echo "$prog: installing $to_install"
# shellcheck disable=SC2086 # one argument per package
if ! run_apt install -y --no-install-recommends $to_install; then
    fail "apt-get install failed"
fi

# Confirm.
# shellcheck disable=SC2086
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $to_install 2>/dev/null |
    awk '$NF == "installed" && $(NF-1) == "ok" { print $1 }') || true
still=""
for p in $to_install; do
    is_installed "$p" || still="$still $p"
done
[ -z "$still" ] || fail "still not installed after apt-get:$still"
exit 0
