# The page-fault lab's checks (docs/labs/pagefaults.md), as QEMU cases for
# test/qemu/sluice_qemu.py; tools/lab.py grade runs them and adds up POINTS.
# Each check boots the kernel being graded; one that fails, times out or
# panics loses its points and the grader goes on.  The figures are read
# under -icount shift=0, where rdinstret counts guest instructions exactly.

from sluice_qemu import Case, Expect

BANNER = Expect(r"^Sluice \S+ \(riscv64, Sv39\)", "kernel banner")


def virt(smp="1", mem="128M"):
    return ["-machine", "virt", "-smp", smp, "-m", mem, "-icount", "shift=0"]


def pflab(name, mode, steps, description, exit_status=0):
    return Case(name=name, description=description, board="qemu-virt", args=virt(),
                append="pflab " + mode, steps=[BANNER] + steps,
                also_forbid=[r"out of memory"], exit_status=exit_status, timeout=90)


# Numbers below a bound, as regular expressions: 0-99 and 0-1399.
UNDER_100 = r"\d{1,2}"
UNDER_1400 = r"(?:\d{1,3}|1[0-3]\d\d)"
UNDER_50000 = r"(?:\d{1,4}|[1-4]\d{4})"

CASES = [
    # Task 1: demand zero: a 256 MiB region on 128 MiB of RAM, one page a MiB.
    pflab("lab-pagefaults-sparse", "sparse",
          [Expect(r"^pflab: sparse: 256 pages touched in a 256 MiB region, [1-4]\d\d pages in use$",
                  "only the touched pages (and their page tables) in use")],
          "demand zero: a sparse region takes only the pages touched"),
    # Behaviour of fork (any correct fork passes; keep it so).
    Case(name="lab-pagefaults-cow", description="fork: parent and child each write and see their own copy",
         board="qemu-virt", args=["-machine", "virt", "-smp", "2", "-m", "128M"],
         append="usertests cow cow_heap vfork_shares exec_args",
         steps=[BANNER, Expect(r"^\d+ passed, 0 failed", "every test named passed"),
                Expect(r"^init: usertests exited with status 0", "usertests exit status 0")],
         also_forbid=[r"^FAIL "], exit_status=0, timeout=90),
    # Task 2: the child shares the parent's pages; nothing leaks.
    pflab("lab-pagefaults-shared", "fork",
          [Expect(r"^pflab: fork: the child started with %s pages more in use \(512 pages touched\)$"
                  % UNDER_100, "the child shares the 512 pages: under 100 pages more in use")],
          "fork shares pages: the child costs its page tables, not copies"),
    pflab("lab-pagefaults-leak", "fork",
          [Expect(r"^pflab: fork: parent and child each see their own copy: ok$", "each sees its own copy"),
           Expect(r"^pflab: fork: every page back after the child exited: ok$", "no page lost")],
          "copy on write: own copies, and every page back after exit"),
    # Task 3: the last owner's write fault copies nothing.
    pflab("lab-pagefaults-reuse", "fork",
          [Expect(r"^pflab: fork: the parent's writes after the child's copies: %s instructions a page$"
                  % UNDER_1400, "the parent's pages are its own again: under 1,400 instructions a page")],
          "a write to a page no one else holds copies nothing"),
    # make bench's fork figure, with its target.
    Case(name="lab-pagefaults-bench", description="make bench's fork+exit+wait under its target, 50,000 instructions",
         board="qemu-virt", args=virt(), append="bench --fork",
         steps=[BANNER, Expect(r"^bench: fork\+exit\+wait\s+%s instr" % UNDER_50000,
                               "fork+exit+wait under 50,000 instructions")],
         exit_status=0, timeout=90),
]

POINTS = {"lab-pagefaults-sparse": 25, "lab-pagefaults-cow": 15, "lab-pagefaults-shared": 20,
          "lab-pagefaults-leak": 10, "lab-pagefaults-reuse": 10, "lab-pagefaults-bench": 20}
