#!/bin/sh
# mk-uboot-disk.sh - make a disk image U-Boot's distro boot can boot Sluice from.
#
# Usage: tools/mk-uboot-disk.sh [options] KERNEL_IMAGE OUT.img [BOOTARGS]
#   KERNEL_IMAGE  the kernel's raw boot image (with the Linux/RISC-V image header)
#   OUT.img       the disk image to write (replaced atomically)
#   BOOTARGS      kernel command line for extlinux.conf's `append` line (default: none)
# Options:
#   -s MIB        disk size in MiB (default 32; grown if the files need more)
#   -f FILE       also copy FILE as /sluice.dtb and add `fdt /sluice.dtb`
#                 (default: U-Boot passes its own device tree)
#   -r FILE       also copy FILE as /initrd and add `initrd /initrd`
#
# Layout: an MBR partition table with one bootable FAT partition (type 0x0e,
# FAT16 LBA) starting at 1 MiB and filling the disk, holding /Image and
# /extlinux/extlinux.conf. Needs no root and no loop device: python3 writes
# the MBR, mtools (mformat/mmd/mcopy with IMG@@OFFSET) writes the file system.
#
# Check (U-Boot on QEMU virt reads it from a virtio disk):
#   qemu-system-riscv64 -machine virt -m 256M -nographic \
#     -bios /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf \
#     -kernel /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin \
#     -drive file=OUT.img,format=raw,if=none,id=hd0 -device virtio-blk-device,drive=hd0

set -eu

prog=mk-uboot-disk

usage() {
    sed -n '2,24s/^# \{0,1\}//p' "$0" >&2
    exit 2
}

die() {
    echo "$prog: $*" >&2
    exit 1
}

size_mib=32
fdt=""
initrd=""
while getopts s:f:r:h opt; do
    case $opt in
    s) size_mib=$OPTARG ;;
    f) fdt=$OPTARG ;;
    r) initrd=$OPTARG ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
if [ $# -lt 2 ] || [ $# -gt 3 ]; then usage; fi

kernel=$1
out=$2
bootargs=${3:-}

case $size_mib in
'' | *[!0-9]*) die "bad size '$size_mib' (MiB, a whole number)" ;;
esac
[ -f "$kernel" ] || die "no such kernel image: $kernel"
[ -z "$fdt" ] || [ -f "$fdt" ] || die "no such device tree: $fdt"
[ -z "$initrd" ] || [ -f "$initrd" ] || die "no such initrd: $initrd"
for tool in python3 mformat mmd mcopy; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "$tool not found (Debian packages: python3 mtools; see tools/ensure-deps.sh test)"
done
case $bootargs in
*'
'*) die "BOOTARGS must be one line" ;;
esac

# Grow the disk if the files need it: their size + 1 MiB before the
# partition + 25% for the FAT and slack, at least 8 MiB free.
bytes=0
for f in "$kernel" $fdt $initrd; do
    b=$(wc -c <"$f")
    bytes=$((bytes + b))
done
need_mib=$((1 + bytes * 5 / 4 / 1048576 + 8))
[ "$size_mib" -ge "$need_mib" ] || size_mib=$need_mib

out_dir=$(dirname "$out")
mkdir -p "$out_dir"
tmp=$(mktemp "$out_dir/.mk-uboot-disk.XXXXXX")
conf=$(mktemp "${TMPDIR:-/tmp}/extlinux.XXXXXX")
trap 'rm -f "$tmp" "$conf"' EXIT

start=2048                              # partition start, in 512-byte sectors (1 MiB)
total=$((size_mib * 2048))              # disk size in sectors
psize=$((total - start))                # the partition fills the rest

# The disk and its MBR: one partition entry, bootable (U-Boot's distro boot
# scans bootable partitions first), CHS fields set to the LBA-only marker.
python3 - "$tmp" "$total" "$start" "$psize" <<'EOF'
import struct, sys
path, total, start, psize = sys.argv[1], *map(int, sys.argv[2:])
entry = struct.pack("<B3sB3sII", 0x80, b"\xfe\xff\xff", 0x0E, b"\xfe\xff\xff",
                    start, psize)
mbr = bytearray(512)
mbr[440:444] = struct.pack("<I", 0x534C4345)   # disk signature ("ECLS")
mbr[446:462] = entry
mbr[510:512] = b"\x55\xaa"
with open(path, "wb") as f:
    f.truncate(total * 512)
    f.write(mbr)
EOF

{
    echo "# Written by tools/mk-uboot-disk.sh"
    echo "default sluice"
    echo ""
    echo "label sluice"
    echo "    kernel /Image"
    [ -z "$fdt" ] || echo "    fdt /sluice.dtb"
    [ -z "$initrd" ] || echo "    initrd /initrd"
    [ -z "$bootargs" ] || echo "    append $bootargs"
} >"$conf"

part="$tmp@@$((start * 512))"
export MTOOLS_SKIP_CHECK=1
mformat -i "$part" -T "$psize" -H "$start" -v SLUICE :: ||
    die "mformat failed"
mmd -i "$part" ::/extlinux || die "mmd failed"
mcopy -i "$part" "$conf" ::/extlinux/extlinux.conf || die "mcopy failed"
mcopy -i "$part" "$kernel" ::/Image || die "mcopy of the kernel failed"
[ -z "$fdt" ] || mcopy -i "$part" "$fdt" ::/sluice.dtb || die "mcopy of the tree failed"
[ -z "$initrd" ] || mcopy -i "$part" "$initrd" ::/initrd || die "mcopy of the initrd failed"

chmod 0644 "$tmp"
mv -f "$tmp" "$out"
trap 'rm -f "$conf"' EXIT
