#!/usr/bin/env python3
"""Make the ext2 fuzzer's hand-made hostile images (regressions-ext2/),
each a copy of corpus-ext2/b1024-i128 with one structure broken, named after
what it attacks.  Run from test/fuzz: python3 make-regressions-ext2.py"""
import struct

base = bytearray(open("corpus-ext2/b1024-i128", "rb").read())
BS = 1024
SB = 1024


def u32(img, off):
    return struct.unpack_from("<I", img, off)[0]


def inode_off(img, ino):
    ipg = u32(img, SB + 40)
    isz = struct.unpack_from("<H", img, SB + 88)[0]
    g, i = (ino - 1) // ipg, (ino - 1) % ipg
    table = u32(img, 2 * BS + g * 32 + 8)
    return table * BS + i * isz


def block_of(img, ino, n):
    return u32(img, inode_off(img, ino) + 40 + 4 * n)


def find(img, dir_ino, name):
    blk = block_of(img, dir_ino, 0) * BS
    off = 0
    while off < BS:
        ino, rec, nl = struct.unpack_from("<IHB", img, blk + off)
        if img[blk + off + 8:blk + off + 8 + nl] == name:
            return ino, blk + off
        off += rec
    raise KeyError(name)


def save(name, img):
    open("regressions-ext2/" + name, "wb").write(img)


img = bytearray(base)  # "." of the root with rec_len 0: a walk that never ends
struct.pack_into("<H", img, block_of(img, 2, 0) * BS + 4, 0)
save("root-dirent-reclen-0", img)

img = bytearray(base)  # an entry running past its block
_, at = find(img, 2, b"hello")
struct.pack_into("<H", img, at + 4, 4000)
save("dirent-reclen-past-block", img)

img = bytearray(base)  # a name longer than its entry
_, at = find(img, 2, b"hello")
img[at + 6] = 250
save("dirent-name-past-reclen", img)

img = bytearray(base)  # a subdirectory that is the root again: a loop
dir_ino, _ = find(img, 2, b"dir")
_, at = find(img, dir_ino, b"sub")
struct.pack_into("<I", img, at, 2)
save("dir-loop-to-root", img)

img = bytearray(base)  # an indirect block whose every entry is itself
dir_ino, _ = find(img, 2, b"dir")
num, _ = find(img, dir_ino, b"numbers")
ind = block_of(img, num, 12)
struct.pack_into("<256I", img, ind * BS, *([ind] * 256))
save("indirect-points-to-itself", img)

img = bytearray(base)  # file blocks in the inode table and past the end
dir_ino, _ = find(img, 2, b"dir")
num, _ = find(img, dir_ino, b"numbers")
struct.pack_into("<I", img, inode_off(img, num) + 40, u32(img, 2 * BS + 8))
struct.pack_into("<I", img, inode_off(img, num) + 44, 0xFFFFFFF0)
save("file-blocks-in-metadata", img)

img = bytearray(base)  # a directory entry naming inode 0xffffffff
_, at = find(img, 2, b"hello")
struct.pack_into("<I", img, at, 0xFFFFFFFF)
save("dirent-inode-out-of-range", img)

img = bytearray(base)  # more blocks than the disk, and 8 blocks per group
struct.pack_into("<I", img, SB + 4, 0x7FFFFFFF)
save("blocks-count-huge", img)
img = bytearray(base)
struct.pack_into("<I", img, SB + 32, 8)
save("blocks-per-group-8", img)

img = bytearray(base)  # inode table outside its group
struct.pack_into("<I", img, 2 * BS + 8, 0xFFFF)
save("inode-table-outside", img)

img = bytearray(base)  # the root is a regular file
struct.pack_into("<H", img, inode_off(img, 2), 0o100644)
save("root-not-a-directory", img)

img = bytearray(base)  # free counts claiming everything free: allocation meets used bits
struct.pack_into("<HH", img, 2 * BS + 12, 60, 30)
img[u32(img, 2 * BS) * BS:u32(img, 2 * BS) * BS + BS] = b"\xff" * BS
save("bitmaps-full-counts-free", img)

img = bytearray(base)  # every bitmap bit clear: allocation hands out metadata
img[u32(img, 2 * BS) * BS:u32(img, 2 * BS) * BS + BS] = bytes(BS)
img[u32(img, 2 * BS + 4) * BS:u32(img, 2 * BS + 4) * BS + BS] = bytes(BS)
save("bitmaps-all-free", img)

img = bytearray(base)  # a directory size not in whole blocks, and a huge file size
dir_ino, _ = find(img, 2, b"dir")
struct.pack_into("<I", img, inode_off(img, dir_ino) + 4, 1000)
save("dir-size-not-blocks", img)
img = bytearray(base)
struct.pack_into("<II", img, inode_off(img, find(img, 2, b"hello")[0]) + 4, 0xFFFFFFFF, 0)
struct.pack_into("<I", img, inode_off(img, find(img, 2, b"hello")[0]) + 108, 0xFFFF)
save("file-size-huge", img)

save("truncated-disk", bytearray(base[:40 * BS]))
