#!/usr/bin/env python3
"""Busybox next to Linux: make bench's figures for Debian's busybox commands
on Sluice and on Debian's Linux kernel, in one run each (docs/benchmarks.md).

Both kernels boot the same initramfs on the same QEMU machine (virt, 1 hart,
256 MiB, -icount shift=0): the conformance suite's (Debian's static busybox
with a link per applet, /init its runner), with a case per figure; Linux's
also carries the modules its ext2 figure needs (LINUX_MODULES).  Each gets
a copy of the same fresh ext2 image as a virtio-blk disk.  Each case
sets up what it needs, then runs `bbtime -m K [-n N] COMMAND...`
(test/conformance/bbtime.c), which executes marker 2K, forks, execs and
waits for COMMAND N times, and executes marker 2K+1; every figure runs twice
and counts its lower result (see cases()).  QEMU's hartinsn plugin
(test/qemu/hartinsn.c) prints the instructions retired at each marker, so a
figure is every instruction the machine retired for the command, the kernel's
and the program's, divided by N.  "boot" is the count at the first marker:
from reset (OpenSBI included, the same for both) to the runner's first case.

Usage: bench_busybox.py --build-dir build/qemu-virt
"""
import argparse
import lzma
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "conformance"))
import conformance  # noqa: E402  (the initramfs, the runner's protocol, fetching)

LOOP = "i=0; while [ $i -lt %d ]; do i=$((i+1)); done"
# The tar figures' tree under directory %s: 10 directories of 10 files of
# 104,857 bytes each, 10 MiB.
TREE = ("mkdir -p %s/tree; for d in 0 1 2 3 4 5 6 7 8 9; do mkdir %s/tree/$d; "
        "for f in 0 1 2 3 4 5 6 7 8 9; do yes 0123456789abcdef | head -c 104857 "
        "> %s/tree/$d/$f; done; done")

# Debian's Linux has ext2 (served by ext4) and virtio-blk as modules: those
# the ext2 figure needs, in the order insmod must load them.  virtio and
# virtio_ring are built in (modules.builtin); ext4's and jbd2's softdep
# "pre: crypto-crc32c" is crc32c_generic.  Only Linux's initramfs carries
# them, xz-compressed as the package has them (busybox's insmod reads xz);
# linux_modules() checks each one's depends= against this order.
LINUX_MODULES = ["virtio_mmio", "virtio_blk", "crc32c_generic", "crc16", "mbcache", "jbd2",
                 "ext4"]
# The ext2 figure's set-up, the same script on both kernels and both
# passes: Linux loads its modules (Sluice has the disk at boot, /dev/vda
# there already), the disk is mounted at /mnt, the tree is made once; the
# last archive goes, and everything is on the disk before bbtime -d (see
# FIGURES) empties both kernels' caches.
EXT2_SETUP = (
    "[ -b /dev/vda ] || for m in %s; do insmod /lib/modules/$m.ko.xz || exit 1; done\n"
    "i=0; while [ ! -b /dev/vda ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done\n"
    "grep -q ' /mnt ' /proc/mounts || mount -t ext2 /dev/vda /mnt || exit 1\n"
    "[ -d /mnt/tree ] || { %s; }\n"
    "rm -f /mnt/t.tar; sync" % (" ".join(LINUX_MODULES), TREE % (("/mnt",) * 3)))

# (name, what, setup script, K, N, command): one figure each.  Setup runs
# before the first marker and is not counted.
FIGURES = [
    ("true", "busybox true: fork+exec+wait", "", 16, 20, ["/bin/true"]),
    ("ash-loop-0", "", "", 17, 1, ["/bin/sh", "-c", LOOP % 0]),
    ("ash-loop-1000", "", "", 18, 1, ["/bin/sh", "-c", LOOP % 1000]),
    ("echo-cat", "sh -c 'echo | cat'", "", 19, 10, ["/bin/sh", "-c", "echo | cat"]),
    ("tar", "tar cf of a 10 MiB tree (100 files) on the RAM root",
     TREE % (("/tmp",) * 3), 20, 1,
     ["/bin/tar", "cf", "/tmp/t.tar", "-C", "/tmp", "tree"]),
    # Issue 12's other half: the same tree on an ext2 disk (virtio-blk),
    # read from the disk: -d syncs and drops both kernels' caches first.
    # The archive's 10 MiB stay dirty in memory on both (neither writes
    # back below its threshold); the next figure writes them out.
    ("tar-ext2", "tar cf of the same tree on an ext2 disk, caches dropped first",
     EXT2_SETUP, 29, 1, ["-d", "/bin/tar", "cf", "/mnt/t.tar", "-C", "/mnt", "tree"]),
    ("sync-ext2", "sync after it: the 10 MiB archive written to the disk", "", 30, 1,
     ["/bin/sync"]),
    ("sort", "sort of a 1 MiB file (75,000 random lines)",
     "awk 'BEGIN { srand(1); for (i = 0; i < 75000; i++) "
     "printf \"%08d line\\n\", int(rand() * 100000000) }' > /tmp/in", 21, 1,
     ["/usr/bin/sort", "-o", "/tmp/out", "/tmp/in"]),
    ("md5sum", "md5sum of the same file (user code, nearly no system calls)", "", 22, 1,
     ["/usr/bin/md5sum", "/tmp/in"]),
    # Issue 11's polling and dynamic-exec figures (bbpoll runs its own loop).
    ("poll", "ppoll of one pipe with a byte in it, no timeout", "", 23, 1000,
     ["/bin/bbpoll", "poll"]),
    ("epoll", "epoll_wait on 100 pipes, one ready, no timeout", "", 24, 1000,
     ["/bin/bbpoll", "epoll"]),
    ("dash", "dash -c true (Debian's dynamic dash): fork+exec+wait", "", 25, 20,
     ["/usr/bin/dash", "-c", "true"]),
    # glibc-hello exits with status 3, so bbtime says it "failed": the count stands.
    ("glibc-hello", "glibc-hello (480 KiB static glibc): fork+exec+wait", "", 26, 20,
     ["/bin/glibc-hello"]),
    # Issue 10's precise sleep: virtual ns, which bbpoll prints, not instructions.
    ("sleep", "nanosleep(100 us): virtual time per call, ns (not instructions)", "", 28, 20,
     ["/bin/bbpoll", "sleep"]),
    ("read64k", "read of a cached 64 KiB file (one pread, RAM root)",
     "yes 0123456789abcdef | head -c 65536 > /tmp/f64k", 27, 100, ["-r", "/tmp/f64k"]),
    # Issue 10's thread and time figures (bbpoll loops between the marks).
    ("clock", "clock_gettime(CLOCK_MONOTONIC), the system call (no vDSO)", "", 8, 1000,
     ["/bin/bbpoll", "clock"]),
    ("sleep0", "nanosleep({0, 0})", "", 9, 1000, ["/bin/bbpoll", "sleep0"]),
    ("thread", "thread create + join (clone with pthread's flags, exit, the tid futex)", "",
     10, 200, ["/bin/bbpoll", "thread"]),
    ("wake", "futex wake with nobody waiting (uncontended)", "", 11, 1000,
     ["/bin/bbpoll", "wake"]),
    ("handoff", "futex handoff between two threads on one hart, per switch (contended)", "",
     12, 2000, ["/bin/bbpoll", "handoff"]),
    # Issue 11's file mapping fault: first touches of 256 cached pages.
    ("mmapfault", "file mmap fault per page: first load from a cached page (private, read-only)",
     "yes 0123456789abcdef | head -c 1048576 > /tmp/fmap; cat /tmp/fmap > /dev/null", 31, 256,
     ["/bin/bbpoll", "fault"]),
]

# bbpoll times its own loop of N calls: run it once, with -n N (see cases()).
SELF_TIMED = {"poll", "epoll", "sleep", "mmapfault", "clock", "sleep0", "thread", "wake",
              "handoff"}
# The disk's figures, in this order at the end of each pass (see cases()).
LAST = {"tar-ext2", "sync-ext2"}
# Debian's dynamically linked dash and the two files of libc6 it needs.
DYN_PACKAGES = ["libc6", "dash"]
DYN_FILES = [("dash", "usr/bin/dash"),
             ("libc6", "usr/lib/riscv64-linux-gnu/ld-linux-riscv64-lp64d.so.1"),
             ("libc6", "usr/lib/riscv64-linux-gnu/libc.so.6")]


def shell_quote(a):
    return "'" + a.replace("'", "'\\''") + "'"


def cases():
    """Every figure twice, with the same markers (the plugin prints a mark
    each time it runs, and run() keeps them all in order): Linux goes
    on with work of its own for a while after it starts init (the first
    pass's early figures came out up to three times the second's), so each
    figure is the lower of its two.  The disk's figures (LAST) run both
    their passes after every other figure's: once Linux has dropped its
    caches, its fork+exec+wait of a glibc program costs more for the rest
    of the boot (dash -c true 1.42 million against 1.24), and the figures
    before them should not carry that."""
    out = []
    for group in ([f for f in FIGURES if f[0] not in LAST], [f for f in FIGURES if f[0] in LAST]):
        for rnd in (0, 1):
            for name, _, setup, k, n, cmd in group:
                if name in SELF_TIMED:
                    line = "%s -m %d -n %d %s\n" % (cmd[0], k, n, " ".join(cmd[1:]))
                else:
                    line = "/bin/bbtime -m %d -n %d %s\n" % (
                        k, n, " ".join(shell_quote(a) for a in cmd))
                script = (setup + "\n" if setup else "") + line
                out.append(conformance.Case(name="bench/%s.%d" % (name, rnd + 1),
                                            script=script, timeout=600))
    return out


def linux_modules():
    """[(name, the .ko.xz's bytes)] of LINUX_MODULES from Debian's kernel
    package, after checking that each needs only modules before it (its
    .modinfo's depends=, read from the decompressed file)."""
    found = sorted((conformance.DEBS / "linux-image-riscv64").glob("usr/lib/modules/*/kernel"))
    if not found:
        sys.exit("bench_busybox: no usr/lib/modules in %s" % (conformance.DEBS /
                                                               "linux-image-riscv64"))
    out = []
    for name in LINUX_MODULES:
        ko = list(found[-1].rglob(name + ".ko*"))
        if len(ko) != 1 or not ko[0].name.endswith(".ko.xz"):
            sys.exit("bench_busybox: want one %s.ko.xz in %s, found %s (this packs xz ones, "
                     "which busybox's insmod reads)" % (name, found[-1], [p.name for p in ko]))
        data = ko[0].read_bytes()
        m = re.search(rb"(?:^|\0)depends=([^\0]*)\0", lzma.decompress(data))
        deps = [d for d in (m.group(1).decode().split(",") if m else []) if d]
        late = [d for d in deps if d.replace("-", "_") not in [n for n, _ in out]]
        if late:
            sys.exit("bench_busybox: %s needs %s: add to LINUX_MODULES before it" % (name, late))
        out.append((name, data))
    return out


def make_archive(init, bbtime, bbpoll, busybox, cs, hello=None, modules=()):
    a = conformance.Cpio()
    for d in ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "usr/lib", "usr/lib/riscv64-linux-gnu",
              "dev", "proc", "sys", "tmp", "root", "etc", "mnt", "conformance",
              "conformance/cases", "conformance/cases/bench"):
        a.dir(d)
    if modules:  # Linux's own: /lib is usr/lib
        a.dir("usr/lib/modules")
    for name, data in modules:
        a.file("usr/lib/modules/%s.ko.xz" % name, data)
    a.add("tmp", 0o041777)
    a.file("init", init.read_bytes(), 0o755)
    a.file("bin/busybox", busybox.read_bytes(), 0o755)
    a.file("bin/bbtime", bbtime.read_bytes(), 0o755)
    a.file("bin/bbpoll", bbpoll.read_bytes(), 0o755)
    for pkg, path in DYN_FILES:
        a.file(path, (conformance.DEBS / pkg / path).read_bytes(), 0o755)
    # Debian's merged /usr: dash's PT_INTERP is /lib/ld-linux-riscv64-lp64d.so.1.
    a.symlink("lib", "usr/lib")
    a.symlink("usr/lib/ld-linux-riscv64-lp64d.so.1", "riscv64-linux-gnu/ld-linux-riscv64-lp64d.so.1")
    if hello is not None and hello.exists():
        a.file("bin/glibc-hello", hello.read_bytes(), 0o755)
    for applet in conformance.busybox_applets(busybox):
        a.symlink(applet, "/bin/busybox")
    a.chardev("dev/console", 5, 1)
    a.chardev("dev/null", 1, 3, 0o666)
    a.file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
    a.file("etc/group", b"root:x:0:\n")
    a.file("conformance/list", "".join("%s %g\n" % (c.name, c.timeout) for c in cs).encode())
    for c in cs:
        a.file("conformance/cases/" + c.name, c.script.encode())
    return a.bytes()


def run(kernel, cpio, plugin, log, disk):
    """Boot kernel with the archive and the disk (virtio-blk on virtio-mmio,
    as make run attaches it); {mark: instructions}, and the console."""
    argv = ["qemu-system-riscv64", "-machine", "virt", "-smp", "1", "-m", "256M",
            "-nodefaults", "-display", "none", "-monitor", "none", "-serial", "stdio",
            "-icount", "shift=0", "-bios", conformance.FW_JUMP, "-kernel", str(kernel),
            "-initrd", str(cpio), "-append", conformance.APPEND + " conf_from=0",
            "-drive", "file=%s,format=raw,if=none,id=hd0" % disk,
            "-device", "virtio-blk-device,drive=hd0",
            "-plugin", plugin, "-d", "plugin", "-D", log]
    try:
        r = subprocess.run(argv, capture_output=True, text=True, errors="replace", timeout=int(os.environ.get("BB_TIMEOUT", "900")))
        console = r.stdout
    except subprocess.TimeoutExpired as e:
        console = (e.stdout or b"").decode(errors="replace") + "\n(timed out)"
    marks = {}  # mark: [count each time it ran], in order
    try:
        text = Path(log).read_text(errors="replace")
    except OSError:
        text = ""
    for m in re.finditer(r"hartinsn: mark (\d+) hart \d+: (\d+)", text):
        marks.setdefault(int(m.group(1)), []).append(int(m.group(2)))
    return marks, console


def figures(marks, console=""):
    out = {}
    for name, _, _, k, n, _ in FIGURES:
        got = [(b - a) / n for a, b in zip(marks.get(2 * k, []), marks.get(2 * k + 1, []))]
        out[name] = min(got) if got else None
    # The sleep is timed in virtual time by bbpoll itself: its printed lines.
    slept = [int(v) for v in re.findall(r"bbpoll: nanosleep\(100 us\): (\d+) ns", console)]
    out["sleep"] = min(slept) if slept else None
    if marks:
        out["boot"] = min(min(v) for v in marks.values())
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", required=True)
    args = ap.parse_args(argv)
    build = Path(args.build_dir).resolve()
    init = build / "test" / "conformance" / "init"
    bbtime = build / "test" / "conformance" / "bbtime"
    bbpoll = build / "test" / "conformance" / "bbpoll"
    print("busybox next to Linux: guest instructions, kernel and user, per command "
          "(QEMU virt, 1 hart, 256 MiB, -icount shift=0; one run each; bench_busybox.py)")
    for f in (init, bbtime, bbpoll):
        if not f.exists():
            print("  no %s: build first" % f)
            return False
    why = conformance.fetch_packages()
    if not why and subprocess.run(["sh", str(conformance.FETCH), "-q", "-d", str(conformance.DEBS)]
                                  + DYN_PACKAGES).returncode != 0:
        why = "Debian's archive cannot be reached to fetch " + ", ".join(DYN_PACKAGES)
    if why:
        print("  skipped: " + why)
        return True
    busybox = conformance.DEBS / "busybox-static" / "usr" / "bin" / "busybox"
    linux = conformance.linux_kernel(conformance.DEBS)
    sys.path.insert(0, str(HERE))
    import bench  # noqa: E402
    with tempfile.TemporaryDirectory() as tmp:
        plugin = bench.build_plugin(tmp)
        if not plugin:
            print("  no plugin: cc could not build test/qemu/hartinsn.c")
            return False
        hello = build / "userland" / "glibc-hello"
        # One empty ext2 (4 KiB blocks, as mke2fs gives any disk over 512
        # MiB; the suite's 1 KiB is for indirect blocks), fsgen's premade
        # /foo on it; each kernel gets a fresh copy of the same bytes.
        image = os.path.join(tmp, "ext2.img")
        subprocess.run([sys.executable, str(HERE.parents[1] / "tools" / "mk-ext2-image.py"),
                        image, "--block-size", "4096"], check=True)
        results = {}
        for label, kernel, mods in (("Sluice", build / "sluice", ()),
                                    ("Linux", linux, linux_modules())):
            cpio = Path(tmp) / ("%s.cpio" % label)
            cpio.write_bytes(make_archive(init, bbtime, bbpoll, busybox, cases(), hello, mods))
            disk = os.path.join(tmp, "%s.img" % label)
            shutil.copyfile(image, disk)
            marks, console = run(kernel, cpio, plugin, os.path.join(tmp, label + ".log"), disk)
            results[label] = figures(marks, console)
            for line in console.splitlines():
                if "bbtime:" in line or "=== status" in line and "exit 0" not in line:
                    print("  %s: %s" % (label, line.strip()))
    s, l = results["Sluice"], results["Linux"]
    rows = [("boot", "reset to the runner's first case (OpenSBI included)")]
    rows += [(name, what) for name, what, *_ in FIGURES if what]
    rows.insert(3, ("ash-loop", "ash: 1,000 turns of a loop of builtins "
                                "(sh -c with 1,000 less with 0)"))
    for d in (s, l):
        a, b = d.get("ash-loop-1000"), d.get("ash-loop-0")
        d["ash-loop"] = a - b if a is not None and b is not None else None
    print("  %-62s %14s %14s  %s" % ("", "Sluice", "Linux", "Sluice/Linux"))
    ok = True
    for name, what in rows:
        a, b = s.get(name), l.get(name)
        if a is None or b is None:
            ok = False
        print("  %-62s %14s %14s  %s" % (
            what, "-" if a is None else "{:,.0f}".format(a), "-" if b is None else "{:,.0f}".format(b),
            "%.2f" % (a / b) if a and b else "-"))
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
