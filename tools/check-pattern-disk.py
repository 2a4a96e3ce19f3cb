#!/usr/bin/env python3
"""check-pattern-disk.py IMAGE: check a disk disktest has run on, from the host.

Every sector but the last 128 must still hold mk-pattern-disk.py's pattern
(s as 8 little-endian bytes, then (7s + i) & 0xff); the last 64 KiB must
hold what disktest wrote there: byte i of each 4 KiB block is 0xa5 ^ i.
Exit 0 if so, else 1 with the first difference.
"""
import struct
import sys


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    data = open(argv[1], "rb").read()
    sectors = len(data) // 512
    tail = sectors - 128
    for s in range(tail):
        want = struct.pack("<Q", s) + bytes(((s * 7 + i) & 0xFF) for i in range(504))
        if data[s * 512:(s + 1) * 512] != want:
            print("sector %d changed" % s)
            return 1
    block = bytes((0xA5 ^ i) & 0xFF for i in range(4096))
    for k in range(16):
        off = tail * 512 + k * 4096
        if data[off:off + 4096] != block:
            print("written block %d (at byte %d) is not what disktest wrote" % (k, off))
            return 1
    print("%s: %d sectors as expected, the last 64 KiB as written" % (argv[1], sectors))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
