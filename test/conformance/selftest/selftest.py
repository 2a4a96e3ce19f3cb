#!/usr/bin/env python3
"""selftest.py - the conformance driver's own test, without QEMU or network.

Runs conformance.py on the cases beside this file with fake-qemu.py in the
place of QEMU, busybox and both kernels, and checks that it reports what
happened: a difference, a known one, a known one that now passes, a kernel
panic and a hang (each blamed on its case, the rest still run after a new
boot), a machine that stopped, a terminal case the driver types at, a case broken on Linux, the score; that
Linux's results are cached; that --prune-known shortens the list; and that
an unreachable archive makes the suite say it was skipped (status 77).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DRIVER = HERE.parent / "conformance.py"
FAKE = HERE / "fake-qemu.py"

EXPECT_FIRST = [
    r"^conformance: 12 cases; Linux ran in [\d.]+ s \(1 boot\)$",
    r"^BROKEN t/broken \(.*t\.sh:\d+\): on Linux it ended with exit 1, not exit 0$",
    r"^conformance: Sluice ran in [\d.]+ s \(4 boots\)",
    r"^differs: t/differs: line 1: Sluice 'sluice', Linux 'linux'$",
    r"^differs: t/known-differs \[known: differs on purpose \(now-passes: listed, but passes\)\]: line 1:",
    r"^differs: t/panics: crash: Sluice: the kernel crashed; last lines: .*panic: fake_panic",
    r"^differs: t/hangs: hang: Sluice: no console output for 3 s",
    r"^differs: t/stops: crash: Sluice: the machine stopped",
    r"^now passes: t/same: remove it from known\.md$",
    r"^now passes: t/now-passes: remove it from known\.md$",
    r"^conformance: 1 known difference\(s\), 4 new, 2 now passing, 1 broken on Linux$",
    r"^7 passed, 5 failed$",
]


def run(args, env, want_status):
    r = subprocess.run([sys.executable, str(DRIVER)] + args, env=env,
                       capture_output=True, text=True, timeout=120)
    out = r.stdout + r.stderr
    if r.returncode != want_status:
        sys.exit("selftest: status %d, not %d; output:\n%s" % (r.returncode, want_status, out))
    return out


def expect(out, patterns, what):
    pos = 0
    for p in patterns:
        m = re.compile(p, re.M).search(out, pos)
        if not m:
            sys.exit("selftest: %s: /%s/ not found (in order); output:\n%s" % (what, p, out))
        pos = m.end()


def main():
    tmp = Path(tempfile.mkdtemp(prefix="conformance-selftest."))
    try:
        build = tmp / "build"
        (build / "test" / "conformance").mkdir(parents=True)
        for f in (build / "test" / "conformance" / "init", build / "sluice",
                  tmp / "vmlinux-fake"):
            f.write_bytes(b"fake\n")
        known = tmp / "known.md"
        shutil.copy(HERE / "known.md", known)
        env = dict(os.environ, SLUICE_QEMU=str(FAKE), SLUICE_QEMU_USER=str(FAKE))
        common = ["--cases-dir", str(HERE / "cases"), "--known-file", str(known),
                  "--busybox", str(FAKE), "--linux", str(tmp / "vmlinux-fake"),
                  "--build-dir", str(build), "--timeout-scale", "0.1"]
        out = run(common, env, 1)
        expect(out, EXPECT_FIRST, "first run")
        out = run(common + ["--case", "t/now-passes", "--case", "t/same"], env, 1)
        expect(out, [r"^conformance: 2 cases; Linux ran in"], "a second run with fewer cases")
        out = run(common + ["--prune-known"], env, 1)
        expect(out, [r"^conformance: 12 cases; Linux: results from the cache$",
                     r"^conformance: removed 2 now-passing case\(s\) from known\.md$"],
               "third run")
        left = known.read_text()
        if ("| `t/known-differs` | differs on purpose" not in left or "t/now-passes" in left
                or "`t/same`" in left or "| `t/differs` |" not in left):
            sys.exit("selftest: --prune-known left:\n" + left)
        # No archive: a port nothing listens on.
        env_off = dict(env, SLUICE_DEBS_DIR=str(tmp / "debs"),
                       SLUICE_DEBIAN_MIRROR="http://127.0.0.1:9/debian", SLUICE_APT_RETRIES="0")
        out = run(["--cases-dir", str(HERE / "cases"), "--known-file", str(known),
                   "--build-dir", str(build)], env_off, 77)
        for p in (r"cannot reach Debian's archive at http://127\.0\.0\.1:9/debian",
                  r"^conformance: SKIPPED: Debian's archive cannot be reached"):
            expect(out, [p], "without the archive")
    finally:
        shutil.rmtree(tmp)
    print("selftest: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
