#!/usr/bin/env python3
"""mkpattern.py OUT: write usertests' initramfs_file data: 10,000 bytes, byte i = i * 7 % 251."""
import sys

with open(sys.argv[1], "wb") as f:
    f.write(bytes(i * 7 % 251 for i in range(10000)))
