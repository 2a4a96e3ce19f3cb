#!/usr/bin/env python3
"""conformance.py - run the busybox conformance suite on Sluice and on Linux.

    python3 test/conformance/conformance.py [--build-dir build/qemu-virt]
    python3 test/conformance/conformance.py --case 'ash/*' -v
    python3 test/conformance/conformance.py --list

Each case (test/conformance/cases/AREA.sh, one `### NAME` header each) is a
short ash script. All of them go into one initramfs with Debian's
busybox-static and conformance-init (runner.c), which runs each case under a
time limit and prints its output and exit status on the console. The same
initramfs boots Sluice and Debian's Linux kernel on the same QEMU machine;
the outputs and statuses are compared after normalising what may differ
(the kernel's names from uname, and what a case masks). Linux's results are
kept in the build directory, keyed by the initramfs's hash and the Linux
kernel, so they are computed again only when a case or a program changes.

A case that differs is a failure unless the table "Known differences" of
docs/conformance.md lists it with its reason; a listed case that now passes
is a failure too (remove it from the table: the list only shrinks). A case that fails on Linux
(times out, or ends with another status than its `# status:` line says,
default 0) is a broken case, also a failure. A kernel crash or hang fails
the case that was running; the machine boots again and goes on with the
next case. The run ends with `N passed, N failed`.

Exit status: 0 when nothing failed beyond the known differences; 1
otherwise; 2 on a usage error; 77 when the suite was skipped (Debian's
archive cannot be reached to fetch busybox and Linux). See
docs/conformance.md. Standard library only.
"""

import argparse
import fnmatch
import hashlib
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1]
CASES_DIR = HERE / "cases"
KNOWN_FILE = SRC / "docs" / "conformance.md"
FETCH = SRC / "tools" / "fetch-debs.sh"
# Where tools/fetch-debs.sh keeps what it fetched (shared by every build).
DEBS = Path(os.environ.get("SLUICE_DEBS_DIR", SRC / "build" / "debs"))
PACKAGES = ["busybox-static", "@linux-image-riscv64"]
FW_JUMP = os.environ.get("SLUICE_FW_JUMP",
                         "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf")
# The same machine for both kernels.
MACHINE = ["-machine", "virt", "-smp", "2", "-m", "256M", "-nodefaults",
           "-display", "none", "-monitor", "none", "-serial", "stdio"]
APPEND = "console=ttyS0 quiet rdinit=/init"
DEFAULT_TIMEOUT = 10.0
SKIPPED = 77

CASE_HEADER = re.compile(r"^### ([a-z0-9][a-z0-9._+-]*)\s*$")
DIRECTIVE = re.compile(r"^# (status|timeout|mask|tty):\s*(.*?)\s*$")
TTY_STEP = re.compile(r"^(expect|send|sleep) (.*)$")


# ------------------------------------------------------------------ the cases

@dataclass
class Case:
    name: str                   # AREA/NAME
    script: str
    status: str = "exit 0"      # what it must end with on Linux
    timeout: float = DEFAULT_TIMEOUT
    masks: List[str] = field(default_factory=list)
    where: str = ""             # file:line, for messages
    tty: List[tuple] = field(default_factory=list)  # terminal steps: (what, arg)


def load_cases(cases_dir: Path) -> List[Case]:
    cases, seen = [], {}
    for path in sorted(cases_dir.glob("*.sh")):
        area = path.stem
        cur = None
        for n, line in enumerate(path.read_text().splitlines(), 1):
            m = CASE_HEADER.match(line)
            if m:
                cur = Case(name="%s/%s" % (area, m.group(1)), script="",
                           where="%s:%d" % (rel(path), n))
                if cur.name in seen:
                    sys.exit("conformance: %s: case %s already defined at %s"
                             % (cur.where, cur.name, seen[cur.name]))
                seen[cur.name] = cur.where
                cases.append(cur)
                continue
            if cur is None:
                continue        # the file's own header comment
            d = DIRECTIVE.match(line)
            if d:
                key, value = d.groups()
                if key == "status":
                    cur.status = value if " " in value else "exit " + value
                elif key == "timeout":
                    cur.timeout = float(value)
                elif key == "tty":
                    cur.tty.append(tty_step(value, "%s:%d" % (rel(path), n)))
                else:
                    re.compile(value)
                    cur.masks.append(value)
            cur.script += line + "\n"
    return cases


def tty_step(value: str, where: str):
    """A terminal case's step: ("expect", regex), ("send", bytes) with
    Python's escapes (\\r, \\x1b, \\x7f ...), or ("sleep", seconds)."""
    m = TTY_STEP.match(value)
    if not m:
        sys.exit("conformance: %s: a tty step is expect REGEX, send KEYS or sleep S" % where)
    what, arg = m.groups()
    if what == "expect":
        return what, re.compile(arg)
    if what == "send":
        return what, arg.encode().decode("unicode_escape").encode("latin-1")
    return what, float(arg)


def rel(path: Path) -> str:
    return str(path.relative_to(SRC)) if path.is_relative_to(SRC) else str(path)


KNOWN_SECTION = "## Known differences"
KNOWN_ROW = re.compile(r"^\|(.*?)\|(.*)\|\s*$")
CASE_NAME = re.compile(r"`([a-z0-9]+/[a-z0-9._+-]+)`")


def known_rows(path: Path):
    """The rows of the table under "## Known differences" in path (a
    Markdown file): (line index, [case names], reason)."""
    lines = path.read_text().splitlines() if path.exists() else []
    inside = False
    for i, line in enumerate(lines):
        if line.startswith("## "):
            inside = line.strip() == KNOWN_SECTION
            continue
        m = KNOWN_ROW.match(line) if inside else None
        if m:
            names = CASE_NAME.findall(m.group(1))
            if names:
                yield i, names, m.group(2).strip()


def load_known(path: Path, cases: List[Case]) -> Dict[str, str]:
    """Each known difference and its reason, from the table in path."""
    valid = {c.name for c in cases}
    known = {}
    for i, names, reason in known_rows(path):
        for n in names:
            if n not in valid:
                sys.exit("conformance: %s:%d: no case %s (remove it)" % (rel(path), i + 1, n))
            if n in known:
                sys.exit("conformance: %s:%d: %s is listed twice" % (rel(path), i + 1, n))
            if not reason:
                sys.exit("conformance: %s:%d: %s has no reason" % (rel(path), i + 1, n))
            known[n] = reason
    return known


def prune_known(path: Path, names):
    """Remove names from the table; a row left with no case goes."""
    lines = path.read_text().splitlines(True)
    drop = set()
    for i, row_names, _ in known_rows(path):
        gone = [n for n in row_names if n in names]
        if len(gone) == len(row_names):
            drop.add(i)
            continue
        for n in gone:
            lines[i] = re.sub(r"`%s`(, )?|(, )?`%s`" % (re.escape(n), re.escape(n)), "",
                              lines[i], count=1)
    path.write_text("".join(line for i, line in enumerate(lines) if i not in drop))


# -------------------------------------------------------------- the initramfs

class Cpio:
    """A newc archive built in memory: the same members give the same bytes
    (fixed times, root's ownership, inode numbers in order)."""

    def __init__(self):
        self.members = {}

    def add(self, path: str, mode: int, data: bytes = b"", rdev=(0, 0)):
        self.members[path.strip("/")] = (mode, data, rdev)

    def dir(self, path: str):
        self.add(path, 0o040755)

    def file(self, path: str, data: bytes, mode=0o644):
        self.add(path, 0o100000 | mode, data)

    def symlink(self, path: str, target: str):
        self.add(path, 0o120777, target.encode())

    def chardev(self, path: str, major: int, minor: int, mode=0o600):
        self.add(path, 0o020000 | mode, b"", (major, minor))

    def bytes(self) -> bytes:
        out = bytearray()

        def member(ino, name, mode, data, rdev, nlink=1):
            fields = [ino, mode, 0, 0, nlink, 946684800, len(data), 0, 0,
                      rdev[0], rdev[1], len(name) + 1, 0]
            out.extend(b"070701" + b"".join(b"%08x" % f for f in fields))
            out.extend(name.encode() + b"\0")
            out.extend(b"\0" * (-len(out) % 4))
            out.extend(data)
            out.extend(b"\0" * (-len(out) % 4))

        for ino, name in enumerate(sorted(self.members), 1):
            mode, data, rdev = self.members[name]
            member(ino, name, mode, data, rdev, 2 if mode & 0o040000 else 1)
        member(0, "TRAILER!!!", 0, b"", (0, 0))
        return bytes(out)


def busybox_applets(busybox: Path) -> List[str]:
    """`busybox --list-full`, run on the host by qemu-riscv64."""
    qemu_user = os.environ.get("SLUICE_QEMU_USER", "qemu-riscv64")
    try:
        out = subprocess.run([qemu_user, str(busybox), "--list-full"], check=True,
                             capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError) as e:
        sys.exit("conformance: cannot list busybox's applets with %s: %s "
                 "(tools/ensure-deps.sh run installs qemu-user)" % (qemu_user, e))
    return [a for a in out.split() if a and a != "bin/busybox"]


def make_initramfs(cases: List[Case], init: Path, busybox: Path) -> bytes:
    a = Cpio()
    for d in ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys",
              "tmp", "root", "etc", "conformance", "conformance/cases"):
        a.dir(d)
    a.add("tmp", 0o041777)
    a.file("init", init.read_bytes(), 0o755)
    a.file("bin/busybox", busybox.read_bytes(), 0o755)
    for applet in busybox_applets(busybox):
        a.symlink(applet, "/bin/busybox")
    # Linux opens /dev/console for init before anything is mounted.
    a.chardev("dev/console", 5, 1)
    a.chardev("dev/null", 1, 3, 0o666)
    a.file("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n"
           b"nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n")
    a.file("etc/group", b"root:x:0:\nnogroup:x:65534:\n")
    lines = []
    for c in cases:
        a.dir("conformance/cases/" + c.name.split("/")[0])
        a.file("conformance/cases/" + c.name, c.script.encode())
        lines.append("%s %g%s\n" % (c.name, c.timeout, " tty" if c.tty else ""))
    a.file("conformance/list", "".join(lines).encode())
    return a.bytes()


# ------------------------------------------------------------------- booting

@dataclass
class Result:
    status: str                          # "exit N", "signal N", "timeout", "crash", "hang", "not run"
    output: List[str] = field(default_factory=list)
    detail: str = ""                     # for crash / hang / not run
    seconds: float = 0.0                 # from "begin" to "status", on the host's clock
    console: List[str] = field(default_factory=list)  # the kernel's own lines meanwhile


@dataclass
class Kernel:
    label: str                           # "Sluice" or "Linux"
    path: Path
    crash: str                           # regex of the kernel's crash report


def qemu_argv(k: Kernel, cpio: Path, start: int) -> List[str]:
    qemu = os.environ.get("SLUICE_QEMU", "qemu-system-riscv64")
    return [qemu] + MACHINE + ["-bios", FW_JUMP, "-kernel", str(k.path),
                               "-initrd", str(cpio),
                               "-append", "%s conf_from=%d" % (APPEND, start)]


class Console:
    """QEMU's console, read line by line with deadlines."""

    def __init__(self, argv: List[str], log):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.buf = b""
        self.seen = ""  # a terminal case's screen, since its last expect matched
        self.eof = False
        self.log = log
        log.write("# %s\n" % " ".join(argv))

    def _read(self, deadline: float) -> bool:
        """Wait for more output (False at the deadline or end of file)."""
        left = deadline - time.monotonic()
        if self.eof or left <= 0:
            return False
        r, _, _ = select.select([self.proc.stdout], [], [], left)
        if r:
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                self.eof = True
            self.buf += chunk
            self.seen += chunk.decode("latin-1")
        return True

    def line(self, deadline: float) -> Optional[str]:
        """The next line, or None at the deadline or end of file."""
        while b"\n" not in self.buf:
            if self.eof:
                if self.buf:
                    rest, self.buf = self.buf, b""
                    return self._text(rest)
                return None
            if not self._read(deadline):
                return None
        raw, self.buf = self.buf.split(b"\n", 1)
        return self._text(raw)

    def drive(self, steps, deadline: float) -> str:
        """A terminal case's steps, on what the console shows after its
        "begin" line: '' when all were done, else the step that timed out.
        The output read meanwhile stays for line() to read."""
        self.seen = self.buf.decode("latin-1")
        for what, arg in steps:
            if what == "sleep":
                time.sleep(arg)
            elif what == "send":
                self.proc.stdin.write(arg)
                self.proc.stdin.flush()
            else:
                while not (m := arg.search(self.seen)):
                    if not self._read(deadline):
                        return "expect %s: not seen" % arg.pattern
                self.seen = self.seen[m.end():]
        return ""

    def _text(self, raw: bytes) -> str:
        s = raw.decode("utf-8", "replace").replace("\r", "")
        self.log.write(s + "\n")
        return s

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self.proc.stdout.close()
        try:
            self.proc.stdin.close()
        except OSError:
            pass  # QEMU gone with input unread


def run_kernel(k: Kernel, cases: List[Case], cpio: Path, log_path: Path,
               scale: float, echo: bool) -> dict:
    """Boot k as often as needed to run every case; returns
    {"results": {name: Result}, "uname": [...], "boots": n, "seconds": s}."""
    results: Dict[str, Result] = {}
    uname: List[str] = []
    t0 = time.monotonic()
    start, boots, max_boots = 0, 0, 25
    crash_rx = re.compile(k.crash)
    with open(log_path, "w", errors="replace") as log:
        while start < len(cases):
            if boots == max_boots:
                for c in cases[start:]:
                    results[c.name] = Result("not run", detail="%d crashes: gave up" % boots)
                break
            boots += 1
            nxt, fatal = boot_once(k, cases, cpio, start, log, results, uname,
                                   crash_rx, scale, echo)
            if fatal:
                for c in cases[start:]:
                    results.setdefault(c.name, Result("not run", detail=fatal))
                break
            start = nxt
    return {"results": results, "uname": uname, "boots": boots,
            "seconds": round(time.monotonic() - t0, 1)}


def boot_once(k, cases, cpio, start, log, results, uname, crash_rx, scale, echo):
    """One boot from case `start`. Returns (the case to start from next,
    None), or (_, why) when the machine did not reach the first case."""
    con = Console(qemu_argv(k, cpio, start), log)
    st = {"current": None, "last": None, "started": False, "tail": []}
    output: Optional[List[str]] = None  # the running case's output, once it comes

    def limit(seconds):
        st["why"] = "no console output for %.0f s" % seconds
        return time.monotonic() + seconds
    deadline = limit(60 * scale)
    try:
        while True:
            line = con.line(deadline)
            if line is None:
                if con.eof:
                    return _stopped(k, cases, start, st, results, "crash",
                                    "the machine stopped")
                return _stopped(k, cases, start, st, results, "hang", st["why"])
            if echo:
                print("%s| %s" % (k.label, line))
            st["tail"] = (st["tail"] + [line])[-15:]
            if crash_rx.search(line):
                end = time.monotonic() + 2      # let the report finish
                while (more := con.line(end)) is not None:
                    st["tail"] = (st["tail"] + [more])[-15:]
                return _stopped(k, cases, start, st, results, "crash", "the kernel crashed")
            if output is not None and not line.startswith("=== "):
                output.append(line)
                continue
            if st["current"] is not None and not line.startswith("=== "):
                st.setdefault("console", []).append(line)  # the kernel's, while the case ran
                continue
            m = re.match(r"^=== (\w+) ?(.*)$", line)
            if not m:
                continue
            word, rest = m.groups()
            if word == "uname" and not uname:
                uname.extend(rest.split("|"))
            elif word == "start":
                st["started"] = True
            elif word == "begin":
                st["current"] = int(rest.split()[0])
                st["t0"] = time.monotonic()
                output = None
                c = cases[st["current"]]
                deadline = limit(c.timeout + 20 * scale)
                if c.tty:
                    st["tty"] = con.drive(c.tty, time.monotonic() + c.timeout * scale)
            elif word == "output":
                output = []
            elif word == "noeol" and output is not None:
                output.append("<no newline at the end>")
            elif word == "truncated" and output is not None:
                output.append("<truncated: %s>" % rest)
            elif word == "status" and st["current"] is not None:
                name, status = rest.split(" ", 1)
                results[name] = Result(status, output or [], detail=st.pop("tty", ""),
                                       seconds=round(time.monotonic() - st["t0"], 2),
                                       console=st.pop("console", [])[-20:])
                output, st["last"], st["current"] = None, st["current"], None
                deadline = limit(60 * scale)
            elif word == "done":
                return len(cases), None
    finally:
        con.stop()


def _stopped(k, cases, start, st, results, status, why):
    """The machine crashed or hung: blame the case that was running (or, if
    none was, the one that ran last); go on after it."""
    tail = st["tail"]
    if not st["started"]:
        return start, "%s did not reach the first case (%s); its last lines:\n    %s" % (
            k.label, why, "\n    ".join(tail))
    blame = st["current"]
    when = ""
    if blame is None:
        blame = st["last"] if st["last"] is not None else start
        when = " after the case ended"
    results[cases[blame].name] = Result(status, detail="%s: %s%s; last lines: %s" % (
        k.label, why, when, " / ".join(tail[-6:])))
    return blame + 1, None


# --------------------------------------------------------------- comparison

def normaliser(uname: List[str]):
    """Replace the kernel's own names (uname's sysname, release, version,
    nodename) by placeholders: they differ between kernels by design."""
    subs = [(s, "<%s>" % n) for s, n in zip(uname, ("sysname", "release", "version",
                                                     "nodename")) if s]
    subs.sort(key=lambda p: -len(p[0]))

    def norm(lines: List[str], masks: List[str]) -> List[str]:
        out = []
        for line in lines:
            for s, ph in subs:
                line = re.sub(r"(?<![\w.-])%s(?![\w.-])" % re.escape(s), ph, line)
            for m in masks:
                line = re.sub(m, "<masked>", line)
            out.append(line)
        return out
    return norm


def first_difference(a: List[str], b: List[str]) -> str:
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else None
        y = b[i] if i < len(b) else None
        if x != y:
            show = (lambda s: "(nothing)" if s is None else repr(s))
            return "line %d: Sluice %s, Linux %s" % (i + 1, show(x), show(y))
    return ""


def compare(c: Case, s: Result, l: Result, norm_s, norm_l) -> str:
    """'' when Sluice's result is Linux's; else what differs first."""
    if s.status in ("crash", "hang", "not run"):
        return "%s: %s" % (s.status, s.detail)
    out_s = norm_s(s.output, c.masks)
    out_l = norm_l(l.output, c.masks)
    if out_s != out_l:
        return first_difference(out_s, out_l)
    if s.status != l.status:
        return "status: Sluice %s, Linux %s" % (s.status, l.status)
    return ""


# ---------------------------------------------------------------------- main

def fetch_packages() -> Optional[str]:
    """Fetch busybox and Linux once; None, or why the suite must skip."""
    r = subprocess.run(["sh", str(FETCH), "-d", str(DEBS)] + PACKAGES)
    if r.returncode == 3:
        return "Debian's archive cannot be reached to fetch " + ", ".join(
            p.lstrip("@") for p in PACKAGES)
    if r.returncode != 0:
        sys.exit("conformance: tools/fetch-debs.sh failed (status %d)" % r.returncode)
    return None


def linux_kernel(debs: Path) -> Path:
    found = sorted((debs / "linux-image-riscv64" / "boot").glob("vmlinux-*"))
    if not found:
        sys.exit("conformance: no vmlinux in %s (rm -rf it to fetch again)"
                 % (debs / "linux-image-riscv64"))
    return found[-1]


def result_from_json(d) -> Result:
    return Result(d["status"], d["output"], d.get("detail", ""), d.get("seconds", 0.0),
                  d.get("console", []))


def save_run(path: Path, run: dict):
    path.write_text(json.dumps(
        {"uname": run["uname"], "boots": run["boots"], "seconds": run["seconds"],
         "results": {n: r.__dict__ for n, r in run["results"].items()}}, indent=1))


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build-dir", type=Path, default=SRC / "build" / "qemu-virt",
                    help="the qemu-virt build (its sluice and conformance-init)")
    ap.add_argument("--kernel", type=Path, help="Sluice's ELF (default: BUILD/sluice)")
    ap.add_argument("--case", action="append", default=[], metavar="PATTERN",
                    help="only the cases whose name matches (fnmatch; repeatable)")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--linux-only", action="store_true",
                    help="only check the cases on Linux (for writing cases)")
    ap.add_argument("--fresh", action="store_true", help="ignore Linux's cached results")
    ap.add_argument("--prune-known", action="store_true",
                    help="remove the cases that now pass from the known differences")
    ap.add_argument("--timeout-scale", type=float,
                    default=float(os.environ.get("SLUICE_TIMEOUT_SCALE", "1")),
                    help="multiply the time limits (default: $SLUICE_TIMEOUT_SCALE or 1)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="show both outputs of each new difference")
    ap.add_argument("--echo", action="store_true", help="copy the consoles to stdout")
    # For the driver's own test (selftest.py): other cases, a fake busybox
    # and Linux, and no fetching.
    ap.add_argument("--cases-dir", type=Path, default=CASES_DIR, help=argparse.SUPPRESS)
    ap.add_argument("--known-file", type=Path, default=KNOWN_FILE, help=argparse.SUPPRESS)
    ap.add_argument("--busybox", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--linux", type=Path, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    cases = load_cases(args.cases_dir)
    known = load_known(args.known_file, cases)
    if args.case:
        cases = [c for c in cases if any(fnmatch.fnmatch(c.name, p) for p in args.case)]
        if not cases:
            print("conformance: no case matches %s" % " ".join(args.case), file=sys.stderr)
            return 2
    if args.list:
        for c in cases:
            print(c.name + ("    [known: %s]" % known[c.name] if c.name in known else ""))
        return 0

    debs = DEBS
    if not (args.busybox and args.linux):
        why = fetch_packages()
        if why:
            print("conformance: SKIPPED: %s. Nothing was run; the suite needs the network "
                  "once (tools/fetch-debs.sh keeps what it fetched in %s)." % (why, rel(DEBS)))
            return SKIPPED
    busybox = args.busybox or debs / "busybox-static" / "usr" / "bin" / "busybox"
    vmlinux = args.linux or linux_kernel(debs)
    build = args.build_dir.resolve()
    init = build / "test" / "conformance" / "init"   # conformance-init, stripped
    sluice = (args.kernel or build / "sluice").resolve()
    for f in [init] + ([] if args.linux_only else [sluice]):
        if not f.exists():
            sys.exit("conformance: %s missing: build first (cmake --build %s)" % (f, build))

    work = build / "conformance"
    work.mkdir(parents=True, exist_ok=True)
    image = make_initramfs(cases, init, busybox)
    key = hashlib.sha256(image + vmlinux.name.encode() + " ".join(MACHINE + [APPEND]).encode())
    key = key.hexdigest()[:16]
    cpio = work / ("initramfs-%s.cpio" % key)
    if not cpio.exists():
        for old in work.glob("initramfs-*.cpio"):
            old.unlink()
        cpio.write_bytes(image)
    kernels = {
        "Linux": Kernel("Linux", vmlinux, r"Kernel panic|Oops|BUG:|Unable to handle"),
        "Sluice": Kernel("Sluice", sluice, r"panic:|Unhandled|\bBUG\b"),
    }
    cache = work / ("linux-%s.json" % key)
    runs = run_both(args, kernels, cases, cpio, cache, work)
    return report(args, cases, known, runs, cache, work)


def run_both(args, kernels, cases, cpio, cache, work) -> dict:
    """Linux (unless cached) and Sluice at the same time, one thread each."""
    runs = {}
    if cache.exists() and not args.fresh:
        d = json.loads(cache.read_text())
        d["results"] = {n: result_from_json(r) for n, r in d["results"].items()}
        d["cached"] = True
        runs["Linux"] = d
    todo = [n for n in ("Linux", "Sluice") if n not in runs and
            not (n == "Sluice" and args.linux_only)]

    def go(name):
        runs[name] = run_kernel(kernels[name], cases, cpio,
                                work / ("%s-console.log" % name.lower()),
                                args.timeout_scale, args.echo)
    threads = [threading.Thread(target=go, args=(n,)) for n in todo]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if "Linux" in todo:
        save_run(cache, runs["Linux"])
        # Keep the results of the last few initramfs images (subsets of the
        # cases each have their own), not of every one ever made.
        old = sorted(work.glob("linux-*.json"), key=lambda p: p.stat().st_mtime)
        for p in old[:-8]:
            p.unlink()
    if "Sluice" in todo:
        # Kept for a look at what Sluice printed; never read back.
        save_run(work / "sluice-last.json", runs["Sluice"])
    return runs


def broken_on_linux(cases, lx) -> List[Case]:
    """The cases that do not end on Linux as they say they must."""
    broken = []
    for c in cases:
        r = lx["results"].get(c.name, Result("not run", detail="no result"))
        if r.status != c.status:
            broken.append(c)
            print("BROKEN %s (%s): on Linux it ended with %s, not %s%s%s" % (
                c.name, c.where, r.status, c.status, "; " + r.detail if r.detail else "",
                "".join("\n    | " + x for x in r.output[-10:])))
    return broken


def describe(label, run):
    if run.get("cached"):
        return "%s: results from the cache" % label
    return "%s ran in %.1f s (%d boot%s)" % (label, run["seconds"], run["boots"],
                                              "s" * (run["boots"] > 1))


def report(args, cases, known, runs, cache, work) -> int:
    lx = runs["Linux"]
    print("conformance: %d cases; %s" % (len(cases), describe("Linux", lx)))
    broken = broken_on_linux(cases, lx)
    if args.linux_only:
        print("%d passed, %d failed (on Linux)" % (len(cases) - len(broken), len(broken)))
        return 0 if not broken else 1
    sx = runs["Sluice"]
    print("conformance: %s; consoles in %s" % (describe("Sluice", sx), work))
    norm_s, norm_l = normaliser(sx["uname"]), normaliser(lx["uname"])
    passed, differ, now_pass = [], [], []
    for c in cases:
        s = sx["results"].get(c.name, Result("not run", detail="no result"))
        l = lx["results"].get(c.name, Result("not run", detail="no result"))
        why = compare(c, s, l, norm_s, norm_l)
        if not why:
            passed.append(c)
            if c.name in known:
                now_pass.append(c)
            continue
        differ.append(c)
        tag = " [known: %s]" % known[c.name] if c.name in known else ""
        print("differs: %s%s: %s" % (c.name, tag, why))
        # What the kernel itself said while the case ran (a program killed by
        # a fault, say): the first clue to a difference seen only once.
        for label, r in (("Sluice", s), ("Linux", l)):
            for x in r.console[-10:]:
                print("    %s's console meanwhile| %s" % (label, x))
        if args.verbose and c.name not in known:
            for label, r in (("Sluice", s), ("Linux", l)):
                print("    %s ended with %s:" % (label, r.status))
                for x in r.output[:40]:
                    print("    %s| %s" % (label[0], x))
    # A difference whose reason says "races" depends on timing on Sluice (it
    # passes when a race goes the lucky way): passing is reported, not a failure.
    racy = [c for c in now_pass if "races" in known[c.name]]
    now_pass = [c for c in now_pass if c not in racy]
    for c in racy:
        print("passed this time: %s (known to race: %s)" % (c.name, known[c.name]))
    for c in now_pass:
        print("now passes: %s: remove it from %s" % (c.name, args.known_file.name))
    if args.prune_known and now_pass:
        prune_known(args.known_file, {c.name for c in now_pass})
        print("conformance: removed %d now-passing case(s) from %s" % (
            len(now_pass), args.known_file.name))
    new = [c for c in differ if c.name not in known]
    bad = len(new) + len(broken) + (0 if args.prune_known else len(now_pass))
    print("conformance: %d known difference(s), %d new, %d now passing, %d broken on Linux"
          % (len(differ) - len(new), len(new), len(now_pass), len(broken)))
    print("%d passed, %d failed" % (len(passed), len(differ)))
    return 0 if bad == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("conformance: interrupted", file=sys.stderr)
        sys.exit(130)
