#!/usr/bin/env python3
"""Make the kernel's symbol table (an assembly file) from `nm -n` output.

Usage:
  gen_ksyms.py NM_OUTPUT OUT.S          write the table
  gen_ksyms.py --empty OUT.S            write an empty table (first link pass)
  gen_ksyms.py --same-text NM1 NM2      check two links put every text symbol
                                        at the same address (exit 1 if not)
"""
import sys


def text_symbols(path):
    syms = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3 or parts[1] not in "tTW":
                continue
            addr, name = int(parts[0], 16), parts[2]
            if name.startswith(".L") or name.startswith("$"):
                continue
            syms.append((addr, name))
    syms.sort()
    return syms


def write_table(syms, out):
    lines = ['\t.section .ksyms, "a"', "\t.balign 8",
             "\t.globl ksyms_count, ksyms_addrs, ksyms_name_offsets, ksyms_names",
             "ksyms_count:", "\t.dword %d" % len(syms), "ksyms_addrs:"]
    lines += ["\t.dword 0x%x" % a for a, _ in syms]
    lines.append("ksyms_name_offsets:")
    off = 0
    for _, name in syms:
        lines.append("\t.word %d" % off)
        off += len(name) + 1
    lines.append("ksyms_names:")
    lines += ['\t.asciz "%s"' % name for _, name in syms]
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


def main(argv):
    if len(argv) == 3 and argv[1] == "--empty":
        write_table([], argv[2])
    elif len(argv) == 4 and argv[1] == "--same-text":
        a, b = text_symbols(argv[2]), text_symbols(argv[3])
        # ksyms_lookup() is in the text; its address must not move either.
        if a != b:
            diff = sorted(set(a) ^ set(b))[:5]
            sys.stderr.write("gen_ksyms: text moved between link passes: %s\n" % diff)
            return 1
    elif len(argv) == 3:
        write_table(text_symbols(argv[1]), argv[2])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
