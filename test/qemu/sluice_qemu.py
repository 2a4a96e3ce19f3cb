#!/usr/bin/env python3
"""sluice_qemu.py - boot Sluice under QEMU and check what its serial console says.

A library (Case, Expect, AnyOrder, Send, run_case) and a command line:

    python3 test/qemu/sluice_qemu.py --list [--board qemu-virt]
    python3 test/qemu/sluice_qemu.py --case virt-smp1 [--case ...] [-v]
    python3 test/qemu/sluice_qemu.py --all --board qemu-virt

Each case boots QEMU with its console on a pipe, matches the case's expected
regular expressions in order (each with an optional timeout of its own, all
within the case's overall timeout), fails at once on a forbidden regex, can
type into the console, can require QEMU to exit by itself with a given status,
and always kills QEMU (its whole process group) at the end. The console of
each case is saved to <log-dir>/<case>.log. Exit status: 0 when every case
passed, 1 when one failed, 2 on a usage error. Standard library only.
See test/qemu/README.md; the cases live in test/qemu/cases.py.
"""

import argparse
import codecs
import os
import re
import runpy
import select
import shlex
import signal
import string
import subprocess
import sys
import time
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Union

SRC_DIR = Path(__file__).resolve().parents[2]
DEFAULT_CASES_FILE = Path(__file__).resolve().with_name("cases.py")
DEFAULT_BOARD = "qemu-virt"

# Firmware from Debian's packages (opensbi, u-boot-qemu); each can be
# overridden by an environment variable of the same name in upper case,
# e.g. SLUICE_FW_JUMP=/path/to/fw_jump.elf.
FIRMWARE = {
    "fw_jump": "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf",
    "fw_jump_bin": "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin",
    "fw_dynamic": "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin",
    "fw_dynamic_elf": "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf",
    "uboot": "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin",
}
FIRMWARE_PACKAGE = {"uboot": "u-boot-qemu"}  # the rest come from "opensbi"

# Every QEMU run: console on stdin/stdout, no monitor, no display, and no
# default devices (so no network card).
COMMON_ARGS = ["-nodefaults", "-display", "none", "-monitor", "none",
               "-serial", "stdio"]

# Fail at once when the console shows one of these (case-sensitive).
PANIC_PATTERN = r"panic:"
DEFAULT_FORBID = (PANIC_PATTERN, r"Unhandled", r"\bBUG\b")

TAIL_LINES = 40


# ---------------------------------------------------------------- case table

@dataclass
class Expect:
    """Wait until `pattern` (a Python regex, MULTILINE, matched on the
    console text with carriage returns removed) appears after the previous
    match. `timeout`: seconds allowed from the end of the previous step
    (default: whatever is left of the case's timeout)."""
    pattern: str
    label: Optional[str] = None
    timeout: Optional[float] = None

    def describe(self) -> str:
        return self.label or "saw /%s/" % self.pattern


@dataclass
class AnyOrder:
    """Each of `expects` must appear after the previous step, in any order;
    the next step starts after the last of them. Their own timeouts are
    ignored: `timeout` (default: the rest of the case's) covers the group."""
    expects: Sequence[Union[Expect, str]]
    timeout: Optional[float] = None

    def items(self) -> List[Expect]:
        return [Expect(e) if isinstance(e, str) else e for e in self.expects]


@dataclass
class Send:
    """Type `data` into the console (QEMU's stdin), one byte at a time,
    `char_delay` seconds apart, after waiting `delay` seconds (the console
    is read and checked meanwhile)."""
    data: Union[str, bytes]
    label: Optional[str] = None
    delay: float = 0.0
    char_delay: float = 0.02

    def as_bytes(self) -> bytes:
        return self.data.encode() if isinstance(self.data, str) else self.data

    def describe(self) -> str:
        return self.label or "sent %r" % (self.as_bytes(),)


Step = Union[Expect, AnyOrder, Send, str]   # a str is Expect(str)
Prepare = Union[Sequence[str], Callable[[dict], None]]


@dataclass
class Case:
    """One QEMU run. Strings in `bios`, `kernel`, `append`, `args` and in
    `prepare` commands may use these placeholders, filled in per run:
      {elf} {image}      the kernel ELF and raw Image of the board's build
      {build} {logs}     the board's build directory and the log directory
      {src} {board} {case}
      {fw_jump} {fw_jump_bin} {fw_dynamic} {fw_dynamic_elf} {uboot}  firmware
    """
    name: str
    description: str
    board: Optional[str] = DEFAULT_BOARD    # None: runs with any board's build
    args: Sequence[str] = ()                # machine arguments: -machine, -smp, -m, ...
    bios: Optional[str] = "{fw_jump}"       # -bios (None: leave it out)
    kernel: Optional[str] = "{elf}"         # -kernel (None: leave it out)
    append: Optional[str] = None            # -append (kernel command line)
    steps: Sequence[Step] = ()              # expectations and input, in order
    exit_status: Optional[int] = None       # QEMU must then exit by itself with it
    expect_panic: bool = False              # "panic:" is then not forbidden
    forbid: Optional[Sequence[str]] = None  # None: DEFAULT_FORBID
    also_forbid: Sequence[str] = ()         # added to the forbidden list
    timeout: float = 30.0                   # seconds, from QEMU's start
    prepare: Sequence[Prepare] = ()         # commands (argv lists) or callables(ctx) run first
    after: Sequence[Prepare] = ()           # the same, run once QEMU has exited (needs exit_status)
    tags: Sequence[str] = ()                # e.g. "cheap"

    def forbidden(self) -> List[str]:
        pats = list(DEFAULT_FORBID if self.forbid is None else self.forbid)
        if self.expect_panic:
            pats = [p for p in pats if p != PANIC_PATTERN]
        return pats + list(self.also_forbid)


# ------------------------------------------------------------------- running

class CaseError(Exception):
    """A case could not be run (missing file, failed prepare step)."""


def firmware_paths() -> dict:
    return {k: os.environ.get("SLUICE_" + k.upper(), v) for k, v in FIRMWARE.items()}


def make_context(case: Case, board: str, build_dir: Path, log_dir: Path,
                 elf: Optional[Path] = None, image: Optional[Path] = None) -> dict:
    ctx = dict(firmware_paths())
    ctx.update(
        src=str(SRC_DIR), board=board, case=case.name,
        build=str(build_dir), logs=str(log_dir),
        elf=str(elf or build_dir / "sluice"),
        image=str(image or build_dir / "Image"),
    )
    return ctx


def _fields(text: str) -> List[str]:
    return [f for _, f, _, _ in string.Formatter().parse(text) if f]


def expand(text: str, ctx: dict) -> str:
    try:
        return text.format_map(ctx)
    except (KeyError, ValueError, IndexError) as e:
        raise CaseError("bad placeholder in %r: %s" % (text, e)) from None


def qemu_command(case: Case, ctx: dict, qemu: str) -> List[str]:
    argv = [qemu] + COMMON_ARGS
    if case.bios is not None:
        argv += ["-bios", expand(case.bios, ctx)]
    if case.kernel is not None:
        argv += ["-kernel", expand(case.kernel, ctx)]
    if case.append is not None:
        argv += ["-append", expand(case.append, ctx)]
    argv += [expand(a, ctx) for a in case.args]
    return argv


def check_inputs(case: Case, ctx: dict) -> None:
    """Fail early, with a helpful message, when a file the case uses is missing."""
    texts = [t for t in (case.bios, case.kernel, case.append) if t] + list(case.args)
    for p in case.prepare:
        if not callable(p):
            texts += list(p)
    used = {f for t in texts for f in _fields(t)}
    for key in sorted(used):
        path = ctx.get(key)
        if key in ("elf", "image"):
            if not Path(path).is_file():
                raise CaseError("kernel not built: %s (build board %s first)"
                                % (path, ctx["board"]))
        elif key in FIRMWARE and not Path(path).is_file():
            raise CaseError("firmware missing: %s (Debian package %s; see "
                            "tools/ensure-deps.sh test)"
                            % (path, FIRMWARE_PACKAGE.get(key, "opensbi")))


def run_prepare(case: Case, ctx: dict, out, steps=None, label: str = "prepare") -> None:
    for p in (case.prepare if steps is None else steps):
        if callable(p):
            p(ctx)
            continue
        argv = [expand(a, ctx) for a in p]
        try:
            r = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=case.timeout,
                               cwd=str(SRC_DIR))
        except (OSError, subprocess.TimeoutExpired) as e:
            raise CaseError("%s step %s: %s" % (label, shlex.join(argv), e)) from None
        if r.returncode != 0:
            text = r.stdout.decode(errors="replace").rstrip()
            raise CaseError("%s step %s exited with status %d%s"
                            % (label, shlex.join(argv), r.returncode,
                               ("\n" + text) if text else ""))
        print("  ok   %s: %s" % (label, shlex.join(argv)), file=out)


try:
    import ctypes
    _LIBC = ctypes.CDLL(None, use_errno=True)
    _PRCTL = _LIBC.prctl if sys.platform.startswith("linux") else None
except (ImportError, OSError, AttributeError):
    _PRCTL = None


def _die_with_parent() -> None:
    """In the child, before exec: have Linux kill QEMU if the runner dies
    without cleaning up (e.g. SIGKILL from a test driver's timeout)."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGKILL)           # PR_SET_PDEATHSIG


class Console:
    """QEMU's serial console: reads its stdout without blocking, keeps the
    text, copies the raw bytes to the log, and watches for forbidden text."""

    def __init__(self, proc: subprocess.Popen, log, forbid: Sequence[str],
                 echo=None):
        self.proc = proc
        self.fd = proc.stdout.fileno()
        os.set_blocking(self.fd, False)
        self.log = log
        self.echo = echo
        self.echo_at_line_start = True
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.text = ""
        self.eof = False
        self.forbid = [(p, re.compile(p)) for p in forbid]
        self.forbid_from = 0          # start of the first line not fully checked
        self.forbidden_hit = None     # (pattern, index in text) once seen

    def read(self, deadline: float) -> None:
        """Read what arrives until `deadline` (monotonic) or until some
        output arrived, whichever is first."""
        if self.eof:
            wait = deadline - time.monotonic()
            if wait > 0:
                time.sleep(min(wait, 0.05))
            return
        wait = max(0.0, deadline - time.monotonic())
        ready, _, _ = select.select([self.fd], [], [], min(wait, 0.25))
        if not ready:
            return
        data = b""
        at_eof = False
        while len(data) < 1 << 20:    # take all that is there (the guest may
            try:                      # write a byte at a time)
                more = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            if not more:
                at_eof = True
                break
            data += more
        if data:
            self._got(data)
        if at_eof:
            self.eof = True
            self.text += self.decoder.decode(b"", final=True).replace("\r", "")

    def _got(self, data: bytes) -> None:
        self.log.write(data)
        self.log.flush()
        if self.echo is not None:
            self.echo.flush()
            self.echo.buffer.write(data)
            self.echo.buffer.flush()
            self.echo_at_line_start = data.endswith(b"\n")
        self.text += self.decoder.decode(data).replace("\r", "")
        self._check_forbidden()

    def _check_forbidden(self) -> None:
        if self.forbidden_hit:
            return
        chunk = self.text[self.forbid_from:]
        for pat, rx in self.forbid:
            m = rx.search(chunk)
            if m:
                self.forbidden_hit = (pat, self.forbid_from + m.start())
                return
        self.forbid_from = self.text.rfind("\n") + 1

    def line_at(self, index: int) -> str:
        start = self.text.rfind("\n", 0, index) + 1
        end = self.text.find("\n", index)
        return self.text[start:end if end >= 0 else len(self.text)].strip()

    def forbidden_report(self) -> str:
        """Describe the forbidden hit, after giving the guest a moment to
        finish the line (and the report around it, for the log)."""
        self.drain(1.0)
        pat, index = self.forbidden_hit
        return "forbidden /%s/ on the console: %r" % (pat, self.line_at(index))

    def drain(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not self.eof:
            self.read(end)

    def tail(self, n: int = TAIL_LINES) -> List[str]:
        return self.text.rstrip("\n").split("\n")[-n:]


def stop_process(proc: subprocess.Popen) -> None:
    """Terminate QEMU's process group, wait, kill if need be; reaps it."""
    if proc.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 10.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(grace)
            return
        except subprocess.TimeoutExpired:
            continue


def close_pipes(proc: subprocess.Popen) -> None:
    for f in (proc.stdin, proc.stdout):
        try:
            if f:
                f.close()
        except OSError:
            pass


class _Failure(Exception):
    pass


def run_case(case: Case, ctx: dict, log_path: Path, qemu: str = "qemu-system-riscv64",
             out=sys.stdout, echo: bool = False) -> bool:
    """Run one case; print a line per check to `out`; return True if all passed."""
    print("=== %s: %s" % (case.name, case.description), file=out)
    out.flush()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        check_inputs(case, ctx)
        run_prepare(case, ctx, out)
        argv = qemu_command(case, ctx, qemu)
    except CaseError as e:
        print("  FAIL %s" % e, file=out)
        print("FAIL %s" % case.name, file=out)
        with open(log_path, "w") as log:
            log.write("# sluice_qemu: case %s not run: %s\n" % (case.name, e))
        return False

    log = open(log_path, "wb")
    log.write(("# sluice_qemu: case %s\n# %s\n" % (case.name, shlex.join(argv))).encode())
    log.flush()
    t0 = time.monotonic()
    deadline = t0 + case.timeout
    proc = None
    con = None
    failure = None

    def elapsed() -> str:
        return "%.1f s" % (time.monotonic() - t0)

    def ok(what: str) -> None:
        if con is not None and con.echo is not None and not con.echo_at_line_start:
            print(file=out)
            con.echo_at_line_start = True
        print("  ok   %s (%s)" % (what, elapsed()), file=out)
        out.flush()

    def fail(what: str) -> None:
        raise _Failure("%s, after %s" % (what, elapsed()))

    def wait_until(step_deadline: float, done: Callable[[], bool], what: str) -> None:
        while True:
            if con.forbidden_hit:
                fail("%s (while waiting: %s)" % (con.forbidden_report(), what))
            if done():
                return
            if con.eof:
                status = proc.wait()
                fail("QEMU exited with status %d before: %s" % (status, what))
            now = time.monotonic()
            if now >= step_deadline:
                if step_deadline < deadline:
                    fail("not seen in its %.0f s: %s" % (step_deadline - step_start, what))
                fail("timed out (case timeout %.0f s) waiting for: %s" % (case.timeout, what))
            con.read(step_deadline)

    pos = 0
    try:
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, cwd=str(SRC_DIR),
                                    start_new_session=True, preexec_fn=_die_with_parent)
        except OSError as e:
            raise _Failure("cannot start %s: %s" % (argv[0], e)) from None
        con = Console(proc, log, case.forbidden(), echo=sys.stdout if echo else None)

        for step in case.steps:
            step_start = time.monotonic()
            if isinstance(step, str):
                step = Expect(step)
            if isinstance(step, Expect):
                step_deadline = deadline if step.timeout is None else \
                    min(deadline, step_start + step.timeout)
                rx = re.compile(step.pattern, re.MULTILINE)
                found = []

                def matched(rx=rx, found=found):
                    m = rx.search(con.text, pos)
                    if m:
                        found.append(m)
                    return bool(m)
                wait_until(step_deadline, matched, step.describe())
                pos = found[0].end()
                ok(step.describe())
            elif isinstance(step, AnyOrder):
                items = step.items()
                step_deadline = deadline if step.timeout is None else \
                    min(deadline, step_start + step.timeout)
                ends = {}
                start = pos

                def all_matched(items=items, ends=ends, start=start):
                    for i, e in enumerate(items):
                        if i not in ends:
                            m = re.compile(e.pattern, re.MULTILINE).search(con.text, start)
                            if m:
                                ends[i] = m.end()
                                ok(e.describe())
                    return len(ends) == len(items)
                what = "all of: " + ", ".join(e.describe() for e in items)
                wait_until(step_deadline, all_matched, what)
                pos = max(ends.values())
            elif isinstance(step, Send):
                if step.delay:
                    con.drain(step.delay)
                for b in step.as_bytes():
                    if proc.poll() is not None:
                        fail("QEMU exited before all input was sent: %s" % step.describe())
                    try:
                        os.write(proc.stdin.fileno(), bytes([b]))
                    except BrokenPipeError:
                        fail("QEMU stopped reading input: %s" % step.describe())
                    con.drain(step.char_delay)
                ok(step.describe())
            else:
                raise CaseError("unknown step %r" % (step,))

        if case.exit_status is not None:
            step_start = time.monotonic()
            what = "QEMU exits with status %d" % case.exit_status
            wait_until(deadline, lambda: con.eof, what)
            # The console closed: QEMU is exiting.
            try:
                status = proc.wait(max(0.5, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                fail("QEMU closed its console but did not exit")
            if con.forbidden_hit:
                fail(con.forbidden_report())
            if status != case.exit_status:
                fail("QEMU exited with status %d, expected %d" % (status, case.exit_status))
            ok(what)
        # Checks of what the guest left behind (a disk image, say).
        run_prepare(case, ctx, out, case.after, "after")
    except (_Failure, CaseError) as e:
        failure = str(e)
    except BaseException as e:          # interrupted: log it, kill QEMU, pass it on
        failure = "interrupted (%s), after %s" % (type(e).__name__, elapsed())
        raise
    finally:
        if proc is not None:
            stop_process(proc)
            # Keep what QEMU wrote until it died.
            if con is not None:
                end = time.monotonic() + 1.0
                while not con.eof and time.monotonic() < end:
                    con.read(end)
            close_pipes(proc)
        result = "PASS" if failure is None else "FAIL: " + failure
        log.write(("\n# sluice_qemu: %s\n" % result).encode())
        log.close()

    total = time.monotonic() - t0
    if failure is None:
        print("PASS %s (%.1f s)" % (case.name, total), file=out)
        return True
    print("  FAIL %s" % failure, file=out)
    if con is not None:
        print("  --- last %d lines of the console (full log: %s) ---" % (TAIL_LINES, log_path),
              file=out)
        for line in con.tail():
            print("  | " + line, file=out)
        print("  ---", file=out)
    print("FAIL %s (%.1f s)" % (case.name, total), file=out)
    out.flush()
    return False


# ----------------------------------------------------------------------- CLI

def load_cases(path: Path) -> List[Case]:
    # cases.py does `from sluice_qemu import ...`: make that this very module
    # even when it runs as __main__, and make its directory importable.
    sys.modules.setdefault("sluice_qemu", sys.modules[__name__])
    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
    cases = runpy.run_path(str(path)).get("CASES")
    if not isinstance(cases, (list, tuple)):
        raise SystemExit("%s: no CASES list" % path)
    names = set()
    for c in cases:
        if c.name in names:
            raise SystemExit("%s: case %s defined twice" % (path, c.name))
        names.add(c.name)
    return list(cases)


def _install_signal_handlers() -> None:
    # Turn SIGTERM/SIGHUP into exceptions so the `finally` that kills QEMU runs.
    def handler(signum, frame):
        raise SystemExit(128 + signum)
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, handler)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(
        description="Boot Sluice under QEMU and check its console (see test/qemu/README.md).")
    ap.add_argument("--cases-file", type=Path, default=DEFAULT_CASES_FILE,
                    help="Python file defining CASES (default: %(default)s)")
    ap.add_argument("--list", action="store_true",
                    help="print the names of the cases (for --board, --tag), one a line")
    ap.add_argument("--case", action="append", default=[], metavar="NAME",
                    help="run this case (repeatable)")
    ap.add_argument("--all", action="store_true",
                    help="run every case (for --board, --tag)")
    ap.add_argument("--board", help="only cases for this board (with %s: also the "
                    "board-independent ones); default for a case: its own board, else %s"
                    % (DEFAULT_BOARD, DEFAULT_BOARD))
    ap.add_argument("--tag", action="append", default=[],
                    help="only cases with this tag (repeatable: all of them)")
    ap.add_argument("--build-dir", type=Path,
                    help="the board's build directory (default: <src>/build/<board>)")
    ap.add_argument("--kernel", type=Path, help="kernel ELF (default: <build-dir>/sluice)")
    ap.add_argument("--image", type=Path, help="raw kernel Image (default: <build-dir>/Image)")
    ap.add_argument("--log-dir", type=Path,
                    help="where <case>.log goes (default: <build-dir>/test-logs)")
    ap.add_argument("--qemu", default=os.environ.get("SLUICE_QEMU", "qemu-system-riscv64"),
                    help="QEMU binary (default: $SLUICE_QEMU or %(default)s)")
    ap.add_argument("--timeout-scale", type=float,
                    default=float(os.environ.get("SLUICE_TIMEOUT_SCALE", "1")),
                    help="multiply every timeout (slow machines; default: "
                    "$SLUICE_TIMEOUT_SCALE or 1)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="with --list: also board, timeout, tags, description; "
                    "when running: copy the console to stdout as it comes")
    args = ap.parse_args(argv)

    cases = load_cases(args.cases_file)

    def selected(c: Case) -> bool:
        # Board-independent cases are listed (and run by --all) with the
        # default board only, so that ctest runs them once, not per board.
        if args.board and c.board != args.board and not (
                c.board is None and args.board == DEFAULT_BOARD):
            return False
        return all(t in c.tags for t in args.tag)

    if args.list:
        for c in cases:
            if selected(c):
                if args.verbose:
                    print("%-18s %-14s %5.0fs  %-12s %s" % (
                        c.name, c.board or "(any)", c.timeout, ",".join(c.tags) or "-",
                        c.description))
                else:
                    print(c.name)
        return 0

    by_name = {c.name: c for c in cases}
    if args.all:
        todo = [c for c in cases if selected(c)]
    else:
        todo = []
        for n in args.case:
            if n not in by_name:
                print("sluice_qemu: no case %r (see --list)" % n, file=sys.stderr)
                return 2
            c = by_name[n]
            if args.board and c.board not in (None, args.board):
                print("sluice_qemu: case %s is for board %s, not %s"
                      % (n, c.board, args.board), file=sys.stderr)
                return 2
            todo.append(c)
    if not todo:
        print("sluice_qemu: nothing to run (give --case NAME, or --all; see --list)",
              file=sys.stderr)
        return 2

    _install_signal_handlers()
    passed = failed = 0
    for c in todo:
        board = args.board or c.board or DEFAULT_BOARD
        build_dir = args.build_dir or SRC_DIR / "build" / board
        log_dir = args.log_dir or build_dir / "test-logs"
        ctx = make_context(c, board, build_dir.resolve(), log_dir.resolve(),
                           args.kernel.resolve() if args.kernel else None,
                           args.image.resolve() if args.image else None)
        if args.timeout_scale != 1:
            c = _scaled(c, args.timeout_scale)
        if run_case(c, ctx, log_dir / (c.name + ".log"), qemu=args.qemu,
                    echo=args.verbose):
            passed += 1
        else:
            failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


def _scaled(c: Case, k: float) -> Case:

    def scale_step(s):
        if isinstance(s, (Expect, AnyOrder)) and s.timeout is not None:
            return dataclasses.replace(s, timeout=s.timeout * k)
        return s
    return dataclasses.replace(c, timeout=c.timeout * k,
                               steps=[scale_step(s) for s in c.steps])


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("sluice_qemu: interrupted", file=sys.stderr)
        sys.exit(130)
