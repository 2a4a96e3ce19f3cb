#!/bin/sh
# mkinitramfs.sh ROOT OUT: pack the directory tree ROOT into OUT, a cpio
# archive in the "newc" format (Linux initramfs; the kernel reads it with
# src/lib/cpio.c).
#
# The archive depends only on the files' names, contents and permission
# bits, so that rebuilding the same programs gives the same bytes (and the
# kernel image does not change for nothing): members are sorted by name,
# every file's mtime is fixed, owners are root, and GNU cpio's
# --reproducible drops inode and device numbers where it knows the option.
set -eu

if [ $# -ne 2 ] || [ ! -d "$1" ]; then
    echo "usage: $0 ROOT-DIR OUT.cpio" >&2
    exit 2
fi
root=$1
out=$2
case $out in
/*) ;;
*) out=$(pwd)/$out ;;
esac

# 2000-01-01: any fixed time would do.  Permissions as a umask of 022
# would make them, whatever the builder's umask.
touch_time=200001010000
find "$root" -exec touch -h -t "$touch_time" {} +
chmod -R go-w,a+rX "$root"

repro=""
if cpio --help 2>/dev/null | grep -q -- '--reproducible'; then
    repro="--reproducible"
fi

tmp="$out.tmp"
# Names relative to ROOT ("init", "bin/usertests"), without ".": the kernel
# ignores a leading "./" anyway (<sluice/cpio.h>).  LC_ALL=C sorts bytewise.
# shellcheck disable=SC2086 # $repro is empty or one option
(cd "$root" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort |
    cpio -o -H newc -R 0:0 --quiet $repro) >"$tmp"
mv "$tmp" "$out"
