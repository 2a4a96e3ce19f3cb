# The real-boards lab's checks (docs/labs/boards.md), as QEMU cases for
# test/qemu/sluice_qemu.py; tools/lab.py grade runs them and adds up POINTS.
# QEMU 7.2 sets A and D itself, has 16 ASID bits and Sstc: each check
# forces one of the U74's constraints (sluice.check_ad, sluice.noasid,
# -cpu rv64,sstc=off) so that a kernel ignoring it fails here as it would
# on the board.  One that fails, times out or panics loses its points and
# the grader goes on.

from sluice_qemu import Case, Expect

BANNER = Expect(r"^Sluice \S+ \(riscv64, Sv39\)", "kernel banner")


def virt(smp="1", *extra):
    return ["-machine", "virt", "-smp", smp, "-m", "128M", *extra]


def usertests(name, tests, description, args, boot="", steps=()):
    return Case(name=name, description=description, board="qemu-virt", args=args,
                append=(boot + " usertests " + tests).strip(),
                steps=[BANNER, *steps, Expect(r"^\d+ passed, 0 failed", "every test named passed"),
                       Expect(r"^init: usertests exited with status 0", "usertests exit status 0")],
                also_forbid=[r"^FAIL ", r"^check_ad:"], exit_status=0, timeout=120)


# 2000 switches or more, as a regular expression.
AT_LEAST_2000 = r"(?:[2-9]\d{3}|\d{5,})"

CASES = [
    # Task 1: every leaf the kernel installs for a user page has A, and D if
    # writable: demand zero, copy on write, file pages, the stack, exec.
    usertests("lab-boards-ad", "cow cow_heap exec_args mmap_anon sig_return",
              "user PTEs carry A (and D when writable): sluice.check_ad finds none without",
              virt("2"), boot="sluice.check_ad"),
    # Task 2: without ASIDs, a switch to another address space flushes.
    Case(name="lab-boards-noasid-flush", description="without ASIDs, each switch of address space flushes the TLB",
         board="qemu-virt", args=virt("1"), append="sluice.noasid pflab switches",
         steps=[BANNER, Expect(r"^smp: 1 hart running, 0 ASID bits", "ASIDs forced off"),
                Expect(r"^pflab: switches: 1000 round trips between two processes, %s whole-TLB flushes$"
                       % AT_LEAST_2000, "at least one flush for each of the 2000 switches")],
         exit_status=0, timeout=60),
    usertests("lab-boards-noasid", "cow fork_tree exec_args many_forks tlb_stress",
              "fork, exec and threads run right on 2 harts without ASIDs", virt("2"), boot="sluice.noasid",
              steps=[Expect(r"^smp: 2 harts running, 0 ASID bits", "ASIDs forced off")]),
    # Task 3: no Sstc: the tick through SBI set_timer.
    usertests("lab-boards-nosstc", "preempt itimer nanosleep",
              "without Sstc the tick comes through SBI: preemption, itimer, sleeps",
              virt("2", "-cpu", "rv64,sstc=off"),
              steps=[Expect(r"^timer: .*Sstc absent: SBI set_timer", "the kernel saw no Sstc")]),
]

POINTS = {"lab-boards-ad": 35, "lab-boards-noasid-flush": 25, "lab-boards-noasid": 10,
          "lab-boards-nosstc": 30}
