#!/usr/bin/env python3
"""mk-pattern-disk.py OUT [SECTORS]: a raw disk image for disktest.

Sector s holds s as 8 little-endian bytes, then the bytes (7s + i) & 0xff
for i = 0..503, so a reader can check every sector it gets (and where it
came from).  Default: 8192 sectors (4 MiB).
"""
import struct
import sys


def main(argv):
    if len(argv) not in (2, 3):
        sys.stderr.write(__doc__)
        return 2
    sectors = int(argv[2]) if len(argv) == 3 else 8192
    with open(argv[1], "wb") as f:
        for s in range(sectors):
            f.write(struct.pack("<Q", s) + bytes(((s * 7 + i) & 0xFF) for i in range(504)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
