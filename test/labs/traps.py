# The traps lab's checks (docs/labs/traps.md), as QEMU cases for
# test/qemu/sluice_qemu.py; tools/lab.py grade runs them and adds up POINTS.
# Each check boots the kernel being graded; one that fails, times out or
# panics loses its points and the grader goes on.

from sluice_qemu import Case, Expect

BANNER = Expect(r"^Sluice \S+ \(riscv64, Sv39\)", "kernel banner")


def virt(smp="1", mem="128M"):
    return ["-machine", "virt", "-smp", smp, "-m", mem]


def usertests(name, tests, description):
    return Case(name=name, description=description, board="qemu-virt", args=virt("2"),
                append="usertests " + tests,
                steps=[BANNER, Expect(r"^\d+ passed, 0 failed", "every test named passed"),
                       Expect(r"^init: usertests exited with status 0", "usertests exit status 0")],
                also_forbid=[r"^FAIL "], exit_status=0, timeout=60)


CASES = [
    # Task 1: a kernel fault's report walks the frame-pointer chain.
    Case(name="lab-traps-backtrace", description="a kernel fault's backtrace names every caller",
         board="qemu-virt", args=virt("1"), append="sluice.test=fault",
         steps=[BANNER, Expect(r"^backtrace:", "a backtrace"),
                Expect(r"^  \[ 0\] 0x[0-9a-f]{16} selftest_fault\+0x[0-9a-f]+", "the faulting function"),
                Expect(r"^  \[ 1\] 0x[0-9a-f]{16} selftest_run\+0x[0-9a-f]+", "its caller"),
                Expect(r"^  \[ 2\] 0x[0-9a-f]{16} selftest_thread\+0x[0-9a-f]+", "and its caller"),
                Expect(r"halted", "halted")],
         expect_panic=True, timeout=30),
    # Task 2: rt_sigreturn puts back every register of the interrupted code.
    usertests("lab-traps-sigreturn", "sig_return sig_longjmp siginfo sig_block",
              "a handler returns to the interrupted code, every register intact"),
    # Task 3: the user-level alarm, SIGALRM every N ticks.
    usertests("lab-traps-alarm", "itimer", "a SIGALRM handler runs each period and returns"),
]

POINTS = {"lab-traps-backtrace": 30, "lab-traps-sigreturn": 40, "lab-traps-alarm": 30}
