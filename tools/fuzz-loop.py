#!/usr/bin/env python3
"""fuzz-loop.py: run the system-call fuzzer for many seeds, for hours.

    tools/fuzz-loop.py --hours 8                  # seeds 1000, 1001, ... on 1 and 4 harts
    tools/fuzz-loop.py --first 1 --count 50 --smp 4 --calls 20000 --workers 6

Each run boots the kernel of --build (default build/qemu-virt; build it
first) under QEMU with a fresh ext2 disk, as make test's fuzz cases do
(test/qemu/cases.py's fuzz_case): the fuzzer must make every call with no
finding and leave every kernel object count as it found it, init must see
every page back, and e2fsck must find the disk clean afterwards.  Runs
alternate over the --smp hart counts.  A passing run leaves one line in
LOGS/summary.txt; a failing one keeps its console log and its disk image
in LOGS/fail-<seed>-smp<n>/, with the command line that replays it.  The
totals (runs, calls, failures) are printed at the end and on Ctrl-C.
docs/robustness.md says how to read a failure and replay it.
"""
import argparse
import io
import os
import re
import shutil
import sys
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(SRC / "test" / "qemu"))
import sluice_qemu  # noqa: E402
import cases  # noqa: E402


def one_run(args, seed, smp, logs):
    """Run one seed; returns (passed, calls made, one-line verdict)."""
    name = "fuzz-%d-smp%d" % (seed, smp)
    fuzz_args = "-s %d -n %d -w %d" % (seed, args.calls, args.workers)
    fuzz_args += cases.fuzz_exclude_args(args.exclude)
    image = str(logs / "run.img")
    case = cases.fuzz_case(name, "fuzz-loop seed %d" % seed, str(smp), fuzz_args,
                           timeout=args.timeout, image=image)
    ctx = sluice_qemu.make_context(case, "qemu-virt", Path(args.build), logs)
    out = io.StringIO()
    log = logs / "run.log"
    ok = sluice_qemu.run_case(case, ctx, log, out=out,
                              qemu=os.environ.get("SLUICE_QEMU", "qemu-system-riscv64"))
    text = log.read_text(errors="replace") if log.exists() else ""
    made = re.search(r"^fuzz: (\d+) calls by", text, re.M)
    calls = int(made.group(1)) if made else 0
    if ok:
        return True, calls, "ok"
    keep = logs / ("fail-%d-smp%d" % (seed, smp))
    keep.mkdir(exist_ok=True)
    shutil.copy(log, keep / "console.log")
    if Path(image).exists():
        shutil.copy(image, keep / "disk.img")
    (keep / "runner.txt").write_text(out.getvalue())
    (keep / "replay.txt").write_text(
        "make run APPEND=\"fuzz %s -l\" (with -smp %d; add -S -w 1 for an exact replay of worker 0)\n"
        % (fuzz_args, smp))
    why = [line.strip() for line in out.getvalue().splitlines() if line.strip().startswith("FAIL")]
    return False, calls, (why[0] if why else "failed") + " -> " + str(keep)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=str(SRC / "build" / "qemu-virt"))
    ap.add_argument("--logs", default=str(SRC / "build" / "fuzz-loop"))
    ap.add_argument("--first", type=int, default=1000, help="the first seed")
    ap.add_argument("--count", type=int, default=0, help="runs (0: until --hours)")
    ap.add_argument("--hours", type=float, default=0, help="stop after this long (0: --count)")
    ap.add_argument("--smp", default="1,4", help="hart counts, taken in turn")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--calls", type=int, default=10000, help="per worker")
    ap.add_argument("--exclude", default=cases.FUZZ_EXCLUDE, help="calls never made, as a,b (default: none)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per run")
    args = ap.parse_args()
    if not args.count and not args.hours:
        args.count = 10
    logs = Path(args.logs)
    logs.mkdir(parents=True, exist_ok=True)
    smps = [int(s) for s in args.smp.split(",")]
    end = time.time() + args.hours * 3600 if args.hours else None
    runs = fails = calls = 0
    seed = args.first
    try:
        with open(logs / "summary.txt", "a") as summary:
            while (not args.count or runs < args.count) and (end is None or time.time() < end):
                smp = smps[runs % len(smps)]
                t0 = time.time()
                ok, made, verdict = one_run(args, seed, smp, logs)
                runs, fails, calls = runs + 1, fails + (not ok), calls + made
                line = "seed %d smp %d: %d calls, %.0f s: %s" % (seed, smp, made, time.time() - t0,
                                                                verdict)
                print(line, flush=True)
                summary.write(line + "\n")
                summary.flush()
                seed += 1
    except KeyboardInterrupt:
        print("interrupted")
    print("fuzz-loop: %d runs, %d calls, %d failed (logs in %s)" % (runs, calls, fails, logs))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
