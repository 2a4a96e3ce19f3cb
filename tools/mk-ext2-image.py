#!/usr/bin/env python3
"""mk-ext2-image.py: an ext2 disk image for fstests and story.

  mk-ext2-image.py OUT [--size-mib N] [--block-size B] [--written] [--from DIR]
                       [--system ROOT]
  mk-ext2-image.py --tree DIR

The image (mke2fs -t ext2 -d, default 64 MiB with 1 KiB blocks, so files
soon need indirect and double-indirect blocks) holds the premade set of
fsgen.py: /foo, file 1, 300000 bytes, which story reads.  --written adds
the set `fstests -w` writes, generated here (to test check-ext2-image.py);
--from DIR adds DIR's contents (say, what `fstests -l -w DIR` wrote on a
Linux host).  --tree DIR only writes the premade set into DIR (for story's
reference run on Linux).
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fsgen  # noqa: E402


def make_image(out, tree, size_mib, block_size):
    with open(out, "wb") as f:  # a file of the size: mke2fs then says nothing
        f.truncate(size_mib * fsgen.MIB)
    subprocess.run([fsgen.find_tool("mke2fs"), "-q", "-F", "-t", "ext2", "-b", str(block_size),
                    "-L", "sluice-fstests", "-d", tree, out], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", nargs="?")
    ap.add_argument("--size-mib", type=int, default=64)
    ap.add_argument("--block-size", type=int, default=1024)
    ap.add_argument("--written", action="store_true")
    ap.add_argument("--from", dest="src")
    ap.add_argument("--tree")
    ap.add_argument("--system", metavar="ROOT",
                    help="also ROOT's files (the staged initramfs: /init, /bin) and empty "
                         "/dev, /proc, /mnt, /tmp, so the disk can be the root (root=/dev/vda)")
    args = ap.parse_args()
    if args.tree:
        fsgen.write_tree(args.tree, fsgen.PREMADE)
        return 0
    if not args.out:
        ap.error("OUT or --tree is needed")
    with tempfile.TemporaryDirectory() as tree:
        fsgen.write_tree(tree, fsgen.PREMADE)
        if args.written:
            fsgen.write_written(tree)
        if args.src:
            # cp -a keeps hard links as links (shutil.copytree would not).
            subprocess.run(["cp", "-a", os.path.join(args.src, "."), tree], check=True)
        if args.system:
            subprocess.run(["cp", "-a", os.path.join(args.system, "."), tree], check=True)
            for d in ("dev", "proc", "mnt", "tmp"):
                os.makedirs(os.path.join(tree, d), exist_ok=True)
        make_image(args.out, tree, args.size_mib, args.block_size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
