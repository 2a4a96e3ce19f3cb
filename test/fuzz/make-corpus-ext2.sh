#!/bin/sh
# Make the ext2 fuzzer's seed images (corpus-ext2/) from a small tree:
# files of several sizes (one past the direct blocks), a directory, fast and
# slow symlinks, a hard link, in five layouts.  Run from test/fuzz:
#   sh make-corpus-ext2.sh
set -e
MKE2FS=${MKE2FS:-$(command -v mke2fs || echo /sbin/mke2fs)}
tree=$(mktemp -d)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree/dir/sub" "$tree/empty-dir"
echo 'hello, ext2' > "$tree/hello"
seq 1 3000 > "$tree/dir/numbers"       # about 13 KiB: the indirect block with 1 KiB blocks
: > "$tree/dir/sub/empty"
ln "$tree/hello" "$tree/dir/hard"
ln -s hello "$tree/fast-link"
ln -s "$(printf '%070d' 0)" "$tree/slow-link"
mk() { # name size options...
	name=$1 size=$2; shift 2
	rm -f "corpus-ext2/$name"
	"$MKE2FS" -q -F -t ext2 -E root_owner=0:0 "$@" -d "$tree" "corpus-ext2/$name" "$size" >/dev/null
	truncate -s "$size" "corpus-ext2/$name" # mke2fs leaves unwritten blocks off the end
}
mkdir -p corpus-ext2
mk b1024-i128 64k -b 1024 -I 128 -N 32 -m 0
mk b1024-i256-nofiletype 96k -b 1024 -I 256 -N 32 -m 0 -O ^filetype,^resize_inode
mk rev0 64k -r 0 -b 1024 -N 32 -m 0
mk b2048 128k -b 2048 -I 128 -N 32 -m 0
mk b4096 256k -b 4096 -I 256 -N 32 -m 0
