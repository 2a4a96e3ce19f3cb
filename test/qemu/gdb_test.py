#!/usr/bin/env python3
"""gdb_test.py KERNEL: the gdb helpers (tools/gdb/sluice.py) on a real kernel.

Boots KERNEL on QEMU virt (2 harts) stopped, attaches gdb-multiarch in batch
mode, loads the helpers, stops at the first system call (syscall_handle,
init's first write), and runs each command; their output must show what
the kernel holds there: init (pid 1) running on a hart, its trap frame from
user mode with a7 = 64 (write), and its sepc mapped by the page tables.
Exit 0 if so, 1 if not, 77 (skipped) if gdb-multiarch is missing.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FW = os.environ.get("SLUICE_FW_JUMP", "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf")

# What each command must print, as regular expressions.
EXPECT = [
    ("sluice-harts", r"hart index \d+  hart id \d+  runs 1 init"),
    ("sluice-procs", r"^\s+1\s+0 running\s+init\s+0x[0-9a-f]+"),
    ("sluice-frame", r"a7\s+0000000000000040"),
    ("sluice-frame", r"\(from user mode\)"),
    ("sluice-walk", r"^level 2: table 0x[0-9a-f]+ \[ *0\] = 0x[0-9a-f]+ V$"),
    ("sluice-walk", r"-> physical 0x[0-9a-f]+"),
    ("sluice-runq", r"hart index 0 \(\d+ queued\)"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    kernel = sys.argv[1]
    gdb = shutil.which("gdb-multiarch")
    if not gdb:
        print("gdb_test: gdb-multiarch not found (tools/ensure-deps.sh debug installs it): skipped")
        return 77
    port = free_port()
    qemu = subprocess.Popen(
        ["qemu-system-riscv64", "-machine", "virt", "-smp", "2", "-m", "128M", "-nographic",
         "-monitor", "none", "-bios", FW, "-kernel", kernel, "-append", "exit0",
         "-gdb", "tcp:127.0.0.1:%d" % port, "-S"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    script = """set pagination off
set confirm off
set architecture riscv:rv64
target remote 127.0.0.1:%d
source %s/tools/gdb/sluice.py
break syscall_handle
continue
echo ==== sluice-harts\\n
sluice-harts
echo ==== sluice-procs\\n
sluice-procs
echo ==== sluice-frame\\n
sluice-frame
echo ==== sluice-walk\\n
sluice-walk ((struct trap_frame *)$a0)->sepc
echo ==== sluice-runq\\n
sluice-runq
""" % (port, SRC)
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".gdb") as f:
            f.write(script)
            f.flush()
            r = subprocess.run([gdb, "-q", "-batch", "-nx", "-x", f.name, kernel],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=120)
    finally:
        qemu.kill()
        qemu.wait()
    out = r.stdout
    sections = {}
    for part in out.split("==== ")[1:]:
        name, _, body = part.partition("\n")
        sections[name.strip()] = body
    bad = 0
    for cmd, pattern in EXPECT:
        ok = re.search(pattern, sections.get(cmd, ""), re.M) is not None
        print("%s %s: /%s/" % ("ok  " if ok else "FAIL", cmd, pattern))
        bad += not ok
    if bad:
        print("---- gdb's output ----")
        print(out)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
