#!/usr/bin/env python3
"""Sluice benchmarks: print figures, assert nothing (make bench).

Boot cost: guest instructions from OpenSBI's hand-over (head.S's first
instruction) to the boot banner, as the kernel itself reports them from the
instret counter.  QEMU runs with -icount shift=0, which makes instret count
retired guest instructions exactly and deterministically (without -icount,
QEMU's instret follows the host clock).  SBI calls the kernel makes on the way
count too: the hart executes them.

The mixed load (bench --mixed) runs on 1 and 4 harts: under -icount, virtual
time advances with the instructions of every hart together, so its
instructions per operation count all harts' work.  QEMU then runs the harts
in turns: a hart that waits by spinning burns its turn, which the 4-hart
figure includes (docs/benchmarks.md).

Usage: bench.py --kernel build/qemu-virt/sluice [--mixed-only | --busybox-only]
"""
import argparse
import os
import re
import subprocess
import threading
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_busybox  # noqa: E402  (busybox next to Linux)

OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic"
BOOT_TARGET = 2_000_000  # instructions to the banner on 128 MiB (issue 2)


def boot_instructions(kernel, mem, bios):
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-smp", "1", "-m", mem,
           "-icount", "shift=0", "-nographic", "-monitor", "none",
           "-bios", bios, "-kernel", kernel, "-append", "sluice.test=boot"]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
    except subprocess.TimeoutExpired:
        return None
    m = re.search(r"^boot: (\d+) instructions", out, re.M)
    return int(m.group(1)) if m else None


# Targets from the processes issue, in guest instructions.
USER_TARGETS = {
    "null syscall (getpid)": 150,
    "fork+exit+wait": 50_000,
    "fork+exec+wait": 200_000,
    "pipe ping-pong (per switch)": 3_000,
    "create+write 4K+close+unlink (ext2)": 300_000,
}


def user_bench(kernel):
    """Boot with init running /bin/bench, an ext2 disk (mke2fs, 1 KiB blocks)
    mounted at /mnt; return [(operation, instr, ns)]."""
    tools = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "bench.img")
        subprocess.run([sys.executable, os.path.join(tools, "mk-ext2-image.py"), disk], check=True)
        cmd = ["qemu-system-riscv64", "-machine", "virt", "-smp", "1", "-m", "128M",
               "-icount", "shift=0", "-nographic", "-monitor", "none",
               "-bios", OPENSBI + "/fw_jump.elf", "-kernel", kernel, "-append", "bench",
               "-drive", "file=%s,format=raw,if=none,id=hd0" % disk,
               "-device", "virtio-blk-device,drive=hd0"]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=300).stdout
        except subprocess.TimeoutExpired:
            return []
    rows = re.findall(r"^bench: (.+?)\s+(\d+) instr\s+(\d+) ns", out, re.M)
    return [(op.strip(), int(i), int(ns)) for op, i, ns in rows]


MIXED_WORKERS, MIXED_ROUNDS = 4, 200  # bench --mixed: 3,200 operations in all


def mixed_bench(kernel, smp):
    """The mixed fork/exit/mmap/mprotect/munmap load (bench --mixed) on smp
    harts; returns its bench line's figures as a dict, or None.  sleep=off:
    when every hart waits, virtual time jumps to the next timer instead of
    following the host's clock, so the figures do not depend on the host."""
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-smp", str(smp), "-m", "128M",
           "-icount", "shift=0,sleep=off", "-nographic", "-monitor", "none",
           "-bios", OPENSBI + "/fw_jump.elf", "-kernel", kernel,
           "-append", "bench --mixed %d %d" % (MIXED_WORKERS, MIXED_ROUNDS)]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=900).stdout
    except subprocess.TimeoutExpired:
        return None
    m = re.search(r"^bench: mixed load: .*?= (\d+) ops, (\d+) ns, (\d+) instr/op, (\d+) ops/s per hart, "
                  r"([\d.-]+) remote flushes/op, ([\d.-]+) harts reached/op(.*)$", out, re.M)
    if not m:
        return None
    local = re.search(r"^bench: mixed load: local flushes per op: ([\d.]+) whole, ([\d.]+) by page, "
                      r"([\d.]+) of them owed", out, re.M)
    return {"ops": int(m.group(1)), "instr": int(m.group(3)), "rate": int(m.group(4)),
            "remote": m.group(5), "reached": m.group(6), "failed": bool(m.group(7).strip()),
            "local": "%s + %s (%s late)" % local.groups() if local else "-"}


PROMPT_TARGET = 5_000_000  # hand-over to the shell's first prompt (issue 5)


def prompt_instructions(kernel, disk=None):
    """Boot to the shell (no init arguments) on 1 hart, with disk as /dev/vda
    if given (init then mounts it at /mnt, as for make run); the kernel
    prints the instret at hand-over and, with the test hook
    sluice.prompt_instret, at the first read of the console: busybox's ash
    waiting for its first command, the prompt printed."""
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-smp", "1", "-m", "128M",
           "-icount", "shift=0", "-nographic", "-monitor", "none",
           "-bios", OPENSBI + "/fw_jump.elf", "-kernel", kernel,
           "-append", "sluice.prompt_instret"]
    if disk:
        cmd += ["-drive", "file=%s,format=raw,if=none,id=hd0" % disk,
                "-device", "virtio-blk-device,drive=hd0"]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    text = ""
    # No prompt within two minutes: stop (the figure is then "no prompt seen").
    watchdog = threading.Timer(120, p.kill)
    watchdog.start()
    try:
        for line in p.stdout:
            text += line
            if "console: first read at instret" in line:
                break
    finally:
        watchdog.cancel()
        p.kill()
        p.wait()
    h = re.search(r"hand-over at instret (\d+)", text)
    s = re.search(r"console: first read at instret (\d+)", text)
    return int(s.group(1)) - int(h.group(1)) if h and s else None


SCALE_TARGET = 3.0  # 4 harts vs 1, independent loads (hardening issue, item 10)
SCALE_RUNS = 5      # 4-hart runs per figure: the median and the least disturbed are reported


def build_plugin(tmp):
    """Compile test/qemu/hartinsn.c, the per-hart instruction counting
    plugin, with the host's cc; None if that fails."""
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hartinsn.c")
    out = os.path.join(tmp, "hartinsn.so")
    r = subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-fvisibility=hidden", "-o", out, src],
                       capture_output=True, text=True)
    return out if r.returncode == 0 else None


def scale_run(kernel, plugin, smp, procs):
    """Boot with init running bench --scale PROCS on SMP harts under QEMU's
    default multi-threaded TCG with the plugin; return {load: (ops, [per
    hart instructions between the load's marks], [per hart instructions
    of those in spin-wait loops])}."""
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-smp", str(smp), "-m", "256M",
           "-nographic", "-monitor", "none", "-bios", OPENSBI + "/fw_jump.elf",
           "-kernel", kernel, "-append", "bench --scale %d" % procs,
           "-plugin", plugin, "-d", "plugin"]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return {}
    text = r.stdout + r.stderr
    def per_mark(kind):
        return {int(m.group(1)): [int(x) for x in m.group(2).split()]
                for m in re.finditer(r"hartinsn: %s (\d+) hart \d+:((?: \d+)+)" % kind, text)}
    marks, spins = per_mark("mark"), per_mark("spin")
    loads = {}
    for m in re.finditer(r"^bench: scale (.+?): (\d+) procs x (\d+) ops, marks (\d+) (\d+)",
                         text, re.M):
        a, b = int(m.group(4)), int(m.group(5))
        if a in marks and b in marks:
            spin = [y - x for x, y in zip(spins[a], spins[b])] if a in spins and b in spins \
                else [0] * len(marks[a])
            loads[m.group(1)] = (int(m.group(3)), [y - x for x, y in zip(marks[a], marks[b])],
                                 spin)
    return loads


def scaling(kernel):
    """Throughput of 4 processes on 4 harts over 1 process on 1 hart, per
    load, estimated from each hart's instruction count (docs/benchmarks.md,
    "Scaling over harts")."""
    print()
    print("scaling over harts: 4 independent processes on 4 harts vs 1 on 1 hart "
          "(instructions per hart counted by the hartinsn plugin; QEMU's multi-threaded TCG; "
          "%d runs: their median, and the least disturbed, which the target is judged on; "
          "spin: the busiest hart's share of instructions in spin-wait loops)" % SCALE_RUNS)
    load = os.getloadavg()[0]
    print("  host: %d cores, load average %.1f before the runs%s" % (
        os.cpu_count() or 0, load,
        "; more than a core's worth of other work: these runs are disturbed"
        if load > 1.0 else ""))
    with tempfile.TemporaryDirectory() as tmp:
        plugin = build_plugin(tmp)
        if not plugin:
            print("  no plugin: cc could not build test/qemu/hartinsn.c")
            return False
        one = scale_run(kernel, plugin, 1, 1)
        idle = scale_run(kernel, plugin, 4, 1)
        four = [scale_run(kernel, plugin, 4, 4) for _ in range(SCALE_RUNS)]
    ok = bool(one)
    for load, (ops, counts, _) in one.items():
        per_op1 = counts[0] / ops
        runs = []  # (throughput ratio, the busiest hart's spin share)
        for run in four:
            if load in run:
                ops4, c4, s4 = run[load]
                busy = c4.index(max(c4))
                runs.append((4 * per_op1 / (c4[busy] / ops4), s4[busy] / max(c4[busy], 1)))
        if not runs:
            print("  %-16s no 4-hart figure" % load)
            ok = False
            continue
        runs.sort()
        med, best = runs[len(runs) // 2][0], runs[-1][0]
        print("  %-16s 1 hart %7.0f instr/op; 4 harts: %.2f times the throughput, median %.2f "
              "(runs %s); target >= %.1f: %s" % (
                  load, per_op1, best, med,
                  " ".join("%.2f spin %.0f%%" % (r, 100 * sp) for r, sp in runs),
                  SCALE_TARGET, "within" if best >= SCALE_TARGET else "OVER"))
        if load in idle:
            ops_i, ci, _ = idle[load]
            busy = max(ci)
            print("  %-16s   1 process on 4 harts: the other harts retired %.1f %% of the "
                  "busy hart's instructions" % ("", 100.0 * (sum(ci) - busy) / busy))
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--mixed-only", action="store_true", help="run only the mixed load")
    ap.add_argument("--busybox-only", action="store_true",
                    help="run only busybox next to Linux (bench_busybox.py)")
    args = ap.parse_args()
    if args.mixed_only:
        return 0 if print_mixed(args.kernel) else 1
    build = os.path.dirname(os.path.abspath(args.kernel))
    if args.busybox_only:
        return 0 if bench_busybox.main(["--build-dir", build]) else 1

    print("boot: guest instructions from hand-over to banner (QEMU virt, -icount shift=0)")
    print("%8s  %14s  %s" % ("RAM", "instructions", "per MiB over 16 MiB"))
    base = None
    results = {}
    for mem, mib in (("16M", 16), ("128M", 128), ("512M", 512), ("2G", 2048), ("8G", 8192)):
        # fw_jump copies the tree to 0x82200000, past the end of 16 MiB.
        bios = "%s/%s" % (OPENSBI, "fw_dynamic.bin" if mib < 64 else "fw_jump.elf")
        n = boot_instructions(args.kernel, mem, bios)
        results[mem] = n
        if n is None:
            print("%8s  %14s" % (mem, "no banner"))
            continue
        if base is None:
            base = (mib, n)
        growth = "" if mib == base[0] else "%.0f" % ((n - base[1]) / (mib - base[0]))
        print("%8s  %14d  %s" % (mem, n, growth))
    n = results.get("128M")
    if n is not None:
        verdict = "within" if n < BOOT_TARGET else "OVER"
        print("target: under %d on 128 MiB: %s (%d)" % (BOOT_TARGET, verdict, n))

    tools = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools")
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "prompt.img")
        subprocess.run([sys.executable, os.path.join(tools, "mk-ext2-image.py"), disk], check=True)
        for what, d in (("no disk", None), ("an ext2 disk mounted at /mnt, as make run", disk)):
            n = prompt_instructions(args.kernel, d)
            if n is None:
                print("boot to the shell prompt (%s): no prompt seen" % what)
                continue
            print("boot to the shell prompt (hand-over to sh's first prompt, 128 MiB, 1 hart, %s): "
                  "%d instructions; target under %d: %s" % (
                      what, n, PROMPT_TARGET, "within" if n < PROMPT_TARGET else "OVER"))

    print()
    print("user operations: per operation, means over many iterations "
          "(QEMU virt, 1 hart, -icount shift=0; /bin/bench)")
    rows = user_bench(args.kernel)
    for op, instr, ns in rows:
        target = USER_TARGETS.get(op)
        note = "" if target is None else "  target <= %d: %s" % (
            target, "within" if instr <= target else "OVER")
        print("  %-36s %9d instr %9d ns%s" % (op, instr, ns, note))
    ok = rows and all(v is not None for v in results.values())
    ok = scaling(args.kernel) and ok
    print()
    ok = print_mixed(args.kernel) and ok
    print()
    ok = bench_busybox.main(["--build-dir", build]) and ok
    return 0 if ok else 1


def print_mixed(kernel):
    """Run the mixed load on 1 and 4 harts and print its table; True if both ran."""
    print("mixed load: %d processes x %d rounds of mmap+touch, mprotect, munmap, fork+exit+wait "
          "(QEMU virt, -icount shift=0,sleep=off; bench --mixed)" % (MIXED_WORKERS, MIXED_ROUNDS))
    print("  %5s  %9s  %14s  %17s  %16s  %s" % ("harts", "instr/op", "ops/s per hart",
                                                 "remote flushes/op", "harts reached/op",
                                                 "local flushes/op: whole + page (paid late)"))
    mixed = {}
    for smp in (1, 4):
        r = mixed[smp] = mixed_bench(kernel, smp)
        if r is None:
            print("  %5d  no result (timed out or no bench line)" % smp)
            continue
        print("  %5d  %9d  %14d  %17s  %16s  %s%s" % (
            smp, r["instr"], r["rate"], r["remote"], r["reached"], r["local"],
            "  a worker FAILED" if r["failed"] else ""))
    if mixed[1] and mixed[4]:
        print("  4 harts against 1: %.2f of the per-hart rate" % (mixed[4]["rate"] / mixed[1]["rate"]))
    return all(r is not None and not r["failed"] for r in mixed.values())


if __name__ == "__main__":
    sys.exit(main())
