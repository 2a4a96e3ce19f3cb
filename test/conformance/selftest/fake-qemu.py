#!/usr/bin/env python3
"""fake-qemu.py - stands in for qemu-system-riscv64 (and qemu-riscv64) in the
conformance driver's own test (selftest.py). As qemu-system it reads the
initramfs given by -initrd, and for each case from the command line's
conf_from=N prints what conformance-init would, acting out the case's
`# fake:` line: differs (Sluice's output is not Linux's), panic (Sluice
prints a panic and stops answering), hang (Sluice stops answering), stop
(Sluice's machine powers off in the middle of the case), broken (the case
fails on Linux too), tty (a prompt, then what the driver types, up to a
carriage return, is the output). The kernel is Linux when its file name starts with
vmlinux. As qemu-riscv64 running `busybox --list-full` it lists two applets.
"""
import os
import re
import sys
import time


def members(cpio: bytes):
    off, out = 0, {}
    while off + 110 <= len(cpio):
        h = cpio[off:off + 110]
        size, namesize = int(h[54:62], 16), int(h[94:102], 16)
        name = cpio[off + 110:off + 110 + namesize - 1].decode()
        off = (off + 110 + namesize + 3) & ~3
        out[name] = cpio[off:off + size]
        off = (off + size + 3) & ~3
        if name == "TRAILER!!!":
            break
    return out


def main(argv):
    if "--list-full" in argv:
        print("bin/sh\nusr/bin/cat")
        return 0
    opt = {argv[i]: argv[i + 1] for i in range(len(argv) - 1) if argv[i].startswith("-")}
    linux = opt["-kernel"].rsplit("/", 1)[-1].startswith("vmlinux")
    start = int(re.search(r"conf_from=(\d+)", opt["-append"]).group(1))
    files = members(open(opt["-initrd"], "rb").read())
    names = [line.split()[0] for line in files["conformance/list"].decode().splitlines()]
    say = lambda s: (sys.stdout.write(s + "\r\n"), sys.stdout.flush())
    say("fake kernel booting")
    say("=== uname %s|1.0|#1|host" % ("Linux" if linux else "Sluice"))
    say("=== start %d" % start)
    for i, name in enumerate(names[start:], start):
        m = re.search(r"^# fake: (\w+)", files["conformance/cases/" + name].decode(), re.M)
        act = m.group(1) if m else "same"
        say("=== begin %d %s" % (i, name))
        if not linux and act in ("panic", "hang", "stop"):
            if act == "panic":
                say("panic: fake_panic: the fake kernel gives up")
            if act != "stop":
                time.sleep(600)
            return 0
        typed = b""
        if act == "tty":
            sys.stdout.write("fake$ ")
            sys.stdout.flush()
            while not typed.endswith(b"\r"):
                typed += os.read(0, 1)
        say("=== output %s" % name)
        if act == "tty":
            say("typed: " + typed.decode().strip())
        else:
            say("linux" if act == "differs" and linux else
                "sluice" if act == "differs" else "same")
        say("=== status %s exit %d" % (name, 1 if act == "broken" else 0))
    say("=== done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
