#!/usr/bin/env python3
"""check-ext2-image.py IMAGE [--sets premade,written] [--same PATH=HOSTFILE]:
check, from the host, an ext2 disk the guest has used.

1. `e2fsck -fn IMAGE` must find it clean (exit status 0), and its
   superblock must say "clean": the guest unmounted it, or made it
   read-only, before it stopped (--unclean-ok: it need not have).
2. Every file of the sets (fsgen.py) must be there, with its size and every
   byte as the generator says (extracted with debugfs's dump); for the
   written set also: the deleted and renamed-away names are gone, the hard
   links share an inode, and w/ holds nothing else.  --sets "" checks none.
3. Each --same PATH=HOSTFILE: the file at PATH on the disk holds exactly
   HOSTFILE's bytes.
Exit 0 if so; else 1, naming the first difference of each file.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fsgen  # noqa: E402



def fsck(image):
    """[] if e2fsck finds the file system clean, else its complaints."""
    r = subprocess.run([fsgen.find_tool("e2fsck"), "-fn", image], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if r.returncode == 0:
        return []
    return ["e2fsck -fn: exit status %d:" % r.returncode] + \
        ["  " + line for line in r.stdout.splitlines()]


def state(image):
    """[] if the superblock says the file system was cleanly unmounted."""
    r = subprocess.run([fsgen.find_tool("dumpe2fs"), "-h", image], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL, text=True)
    m = re.search(r"^Filesystem state:\s+(.*)$", r.stdout, re.M)
    if m and m.group(1).strip() == "clean":
        return []
    return ["superblock state %r, not 'clean': the guest left it mounted read-write"
            % (m.group(1).strip() if m else "unknown")]


def debugfs(image, commands):
    with tempfile.NamedTemporaryFile("w", suffix=".cmds") as f:
        f.write("\n".join(commands) + "\n")
        f.flush()
        r = subprocess.run([fsgen.find_tool("debugfs"), "-f", f.name, image], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    return r.stdout + r.stderr


def first_difference(got, want):
    if got == want:
        return None
    n = min(len(got), len(want))
    i = next((j for j in range(n) if got[j] != want[j]), n)
    if i < n:
        return "byte %d is %#04x, want %#04x" % (i, got[i], want[i])
    return "%d bytes long, want %d" % (len(got), len(want))


def check_files(image, files):
    """Dump every file in one debugfs run; one problem line per bad file."""
    problems = []
    with tempfile.TemporaryDirectory() as out:
        cmds = ["dump -p /%s %s/%d" % (f.path, out, i) for i, f in enumerate(files)]
        log = debugfs(image, cmds)
        for i, f in enumerate(files):
            path = os.path.join(out, str(i))
            if not os.path.exists(path):
                problems.append("/%s: missing (debugfs could not dump it)" % f.path)
                continue
            with open(path, "rb") as got:
                diff = first_difference(got.read(), f.contents())
            if diff:
                problems.append("/%s: %s" % (f.path, diff))
        if problems and "not found" not in log:
            problems.append("debugfs said: " + log.strip().replace("\n", "; ")[:300])
    return problems


class HostCopy:
    """A file the guest copied from one the host has: path on the disk, and
    the host file whose bytes it must hold."""

    def __init__(self, spec):
        path, sep, host = spec.partition("=")
        if not sep or not path.startswith("/"):
            raise argparse.ArgumentTypeError("--same wants /PATH=HOSTFILE, not %r" % spec)
        self.path, self.host = path.lstrip("/"), host

    def contents(self):
        with open(self.host, "rb") as f:
            return f.read()


def listing(image, directory):
    """{name: inode} of a directory, from debugfs's ls -p."""
    entries = {}
    for line in debugfs(image, ["ls -p %s" % directory]).splitlines():
        m = re.match(r"^/(\d+)/\d+/\d+/\d+/([^/]*)/", line)
        if m and m.group(2) not in (".", ".."):
            entries[m.group(2)] = int(m.group(1))
    return entries


def check_written_names(image):
    problems = []
    w = listing(image, "/w")
    for name in fsgen.GONE:
        if name.split("/", 1)[1] in w:
            problems.append("/%s: should not exist (deleted or renamed away)" % name)
    extra = sorted(set(w) - set(fsgen.W_ENTRIES) - {g.split("/", 1)[1] for g in fsgen.GONE})
    if extra:
        problems.append("/w holds unexpected entries: %s" % ", ".join(extra))
    for a, b in fsgen.LINKS:
        ia, ib = w.get(a.split("/", 1)[1]), w.get(b.split("/", 1)[1])
        if ia is not None and ib is not None and ia != ib:
            problems.append("/%s (inode %d) and /%s (inode %d) should be one inode" %
                            (a, ia, b, ib))
    return problems


def check_owned(image):
    """The owners, modes and times fsgen.OWNED lists, from debugfs's stat."""
    problems = []
    for path, (uid, gid, mode, atime, mtime) in fsgen.OWNED.items():
        out = debugfs(image, ["stat /%s" % path])
        got = (re.search(r"User:\s*(\d+)\s+Group:\s*(\d+)", out),
               re.search(r"Mode:\s*(\d+)", out),
               re.search(r"atime: 0x([0-9a-f]+)", out), re.search(r"mtime: 0x([0-9a-f]+)", out))
        if not all(got):
            problems.append("/%s: no stat from debugfs" % path)
            continue
        have = (int(got[0].group(1)), int(got[0].group(2)), int(got[1].group(1), 8),
                int(got[2].group(1), 16), int(got[3].group(1), 16))
        if have != (uid, gid, mode, atime, mtime):
            problems.append("/%s: uid, gid, mode, atime, mtime %s, want %s" %
                            (path, have, (uid, gid, mode, atime, mtime)))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("image")
    ap.add_argument("--sets", default="premade,written")
    ap.add_argument("--unclean-ok", action="store_true",
                    help="do not require the superblock's state to be clean")
    ap.add_argument("--same", type=HostCopy, action="append", default=[],
                    metavar="/PATH=HOSTFILE")
    args = ap.parse_args()
    sets = args.sets.split(",")
    files = (fsgen.PREMADE if "premade" in sets else []) + \
        (fsgen.WRITTEN if "written" in sets else []) + args.same
    problems = fsck(args.image) + check_files(args.image, files)
    if not args.unclean_ok:
        problems += state(args.image)
    if "written" in sets:
        problems += check_written_names(args.image) + check_owned(args.image)
    for p in problems:
        print("%s: %s" % (args.image, p))
    if problems:
        return 1
    print("%s: clean (e2fsck -fn) and %d files as generated (%s)" %
          (args.image, len(files), args.sets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
