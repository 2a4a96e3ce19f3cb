#!/bin/sh
# mk-dyn-root.sh SRC BUILD: a root with Debian's dynamically linked
# userland (libc6: ld-linux-riscv64-lp64d.so.1 and libc.so.6; dash;
# coreutils and the libraries its programs need) over the staged initramfs tree BUILD/initramfs-root, packed
# both ways the kernel can boot it: BUILD/dynroot.cpio (QEMU's -initrd)
# and BUILD/dynroot.img (an ext2 disk, root=/dev/vda).  The packages come
# from Debian's archive through tools/fetch-debs.sh (kept in build/debs, or
# SLUICE_DEBS_DIR); its exit status 3 (archive unreachable) is passed on.
# Test script: /usr/share/sluice/dash-coreutils (userland/tests/load).
set -eu

[ $# -eq 2 ] || { echo "usage: $0 SRC BUILD" >&2; exit 2; }
src=$1
build=$2
debs=${SLUICE_DEBS_DIR:-$src/build/debs}
# Two QEMU cases prepare with this script, maybe at once (ctest -j): one
# at a time, each building aside and renaming into place, so that a case
# already booted keeps the image it opened.
exec 9>"$build/dynroot.lock"
flock 9
root=$build/dynroot.new.$$
trap 'rm -rf "$root" "$build/dynroot.cpio.$$" "$build/dynroot.img.$$"' EXIT

# What coreutils' programs need besides libc (readelf -d: DT_NEEDED),
# and what those need in turn.
pkgs="libc6 dash coreutils libacl1 libattr1 libcap2 libgmp10 libselinux1 libpcre2-8-0
 libssl3t64 libzstd1 zlib1g libsystemd0"
# shellcheck disable=SC2086 # one word per package
sh "$src/tools/fetch-debs.sh" -q -d "$debs" $pkgs
rm -rf "$root"
cp -a "$build/initramfs-root" "$root"
for p in $pkgs; do
	cp -a --remove-destination "$debs/$p/." "$root/"
	rm -f "$root/.fetched"
done
# Debian's merged /usr: PT_INTERP says /lib/ld-linux-riscv64-lp64d.so.1.
[ -e "$root/lib" ] || ln -s usr/lib "$root/lib"
# ld.so by a name a kernel command line can pass to init: Linux and Sluice
# take a word with a dot in it for a module's parameter.
ln -sf /lib/ld-linux-riscv64-lp64d.so.1 "$root/usr/bin/ld-so"
mkdir -p "$root/usr/share/sluice"
cp "$src/userland/tests/load/dash-coreutils" "$root/usr/share/sluice/"
sh "$src/tools/mkinitramfs.sh" "$root" "$build/dynroot.cpio.$$"
python3 "$src/tools/mk-ext2-image.py" --size-mib 128 --system "$root" "$build/dynroot.img.$$"
mv -f "$build/dynroot.cpio.$$" "$build/dynroot.cpio"
mv -f "$build/dynroot.img.$$" "$build/dynroot.img"
rm -rf "$build/dynroot"
mv "$root" "$build/dynroot"
