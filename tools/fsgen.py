"""fsgen.py: the file contents and file sets of userland/tests/fsgen.[ch], in Python.

Byte i of file number k is (i*31 + k*7 + (i >> 8)) & 0xff.  For i = 256q + r
that is (31r + q + 7k) & 0xff (31 * 256q vanishes mod 256), so the stream
repeats every 64 KiB and each 256-byte run is one row shifted: gen() builds
the period once per file number with bytes.translate and slices it.

PREMADE is what tools/mk-ext2-image.py puts on the disk; WRITTEN, GONE and
LINKS are what `fstests -w DIR` leaves under DIR/w (fsgen.c's gen_write_set:
keep the two in step).
"""
import os
import shutil
import sys

KIB = 1024
MIB = 1024 * KIB
PERIOD = 65536

_ROW = bytes((31 * r) & 0xFF for r in range(256))
_periods = {}


def _period(k):
    p = _periods.get(k & 0xFF)
    if p is None:
        rows = []
        for q in range(256):
            s = (q + 7 * k) & 0xFF
            rows.append(_ROW.translate(bytes((j + s) & 0xFF for j in range(256))))
        p = _periods[k & 0xFF] = b"".join(rows)
    return p


def gen(k, off, n):
    """Bytes off..off+n of file k."""
    p = _period(k)
    start = off % PERIOD
    reps = (start + n + PERIOD - 1) // PERIOD
    return (p * reps)[start:start + n]


def gen_byte(k, i):
    return (i * 31 + k * 7 + (i >> 8)) & 0xFF


class File:
    """path (relative to the set's root), number k, size; extents: (off, len)
    runs of file k's bytes with zeros between (a sparse file), or None."""

    def __init__(self, path, k, size, extents=None):
        self.path, self.k, self.size, self.extents = path, k, size, extents

    def contents(self):
        if self.extents is None:
            return gen(self.k, 0, self.size)
        data = bytearray(self.size)
        for off, n in self.extents:
            data[off:off + n] = gen(self.k, off, n)
        return bytes(data)


PREMADE = [File("foo", 1, 300000)]

WRITTEN = [
    File("w/empty", 20, 0),
    File("w/one", 21, 1),
    File("w/b1023", 22, 1023),
    File("w/b1024", 23, 1024),
    File("w/b1025", 24, 1025),
    File("w/direct", 25, 12 * KIB),
    File("w/ind", 26, 100000),
    File("w/dind", 27, 3 * MIB + 4321),
    File("w/sparse", 28, 5 * MIB + 17,
         [(0, 3000), (1 * MIB + 100, 2000), (5 * MIB + 17 - 50, 50)]),
    File("w/sub/a/b/deep", 29, 5000),
    File("w/owned", 30, 3000),
] + [File("w/many/file-with-a-longer-name-%03d" % j, 100 + j, 37 * j) for j in range(100)] + [
    File("w/renamed", 40, 7000),
    File("w/trunc", 41, 5000),
    File("w/link", 24, 1025),
]

# Names that must not exist afterwards (deleted, renamed away).
GONE = ["w/gone", "w/tmp-name"]
# (a, b): two names of one inode.
LINKS = [("w/link", "w/b1025")]
# Attributes fsgen.c's put_owned gives (chown, chmod, utimensat), which the
# disk inode must keep: path: (uid, gid, mode bits, atime, mtime).
OWNED = {"w/owned": (1000, 1001, 0o4750, 999999999, 1000000000)}
# Every name directly in w/, nothing more.
W_ENTRIES = sorted({f.path.split("/")[1] for f in WRITTEN})


def write_tree(root, files):
    """Write files under root as the guest would (holes left unwritten)."""
    for f in files:
        path = os.path.join(root, f.path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as out:
            if f.extents is None:
                out.write(f.contents())
            else:
                for off, n in f.extents:
                    out.seek(off)
                    out.write(gen(f.k, off, n))
                out.truncate(f.size)


def write_written(root):
    """The WRITTEN set under root, as `fstests -w root` leaves it."""
    links = dict(LINKS)
    write_tree(root, [f for f in WRITTEN if f.path not in links])
    for a, b in LINKS:
        os.link(os.path.join(root, b), os.path.join(root, a))
    for path, (uid, gid, mode, atime, mtime) in OWNED.items():
        os.chown(os.path.join(root, path), uid, gid)  # root only, as the guest's
        os.chmod(os.path.join(root, path), mode)
        os.utime(os.path.join(root, path), (atime, mtime))


def find_tool(name):
    """name on PATH, else in /sbin or /usr/sbin (not on a user's PATH on Debian)."""
    path = shutil.which(name)
    for d in ("/sbin", "/usr/sbin"):
        if not path and os.access(os.path.join(d, name), os.X_OK):
            path = os.path.join(d, name)
    if not path:
        sys.exit("%s not found (Debian package e2fsprogs)" % name)
    return path
