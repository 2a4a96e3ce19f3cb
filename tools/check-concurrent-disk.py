#!/usr/bin/env python3
"""check-concurrent-disk.py IMAGE: check a disk 'disktest -c' has run on.

The first half must still hold mk-pattern-disk.py's pattern; writer w
(0-3) rewrote its own eighth of the second half so that byte i of each 4 KiB
block is (16w) ^ i.  Exit 0 if so, else 1 with the first difference.
"""
import struct
import sys


def main(argv):
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    data = open(argv[1], "rb").read()
    size = len(data)
    for s in range(size // 2 // 512):
        want = struct.pack("<Q", s) + bytes(((s * 7 + i) & 0xFF) for i in range(504))
        if data[s * 512:(s + 1) * 512] != want:
            print("sector %d of the read-only half changed" % s)
            return 1
    region = size // 2 // 4
    for w in range(4):
        block = bytes(((16 * w) ^ i) & 0xFF for i in range(4096))
        base = size // 2 + w * region
        for off in range(0, region, 4096):
            if data[base + off:base + off + 4096] != block:
                print("writer %d's block at byte %d is wrong" % (w, base + off))
                return 1
    print("%s: the first half untouched, each writer's eighth as written" % argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
