# sluice.py - gdb commands for looking at a running Sluice (docs/debugging.md).
#
# `make debug` loads this into gdb-multiarch; by hand: `source tools/gdb/sluice.py`.
#
#   sluice-harts          each hart: its index, hart id, and the process it runs
#   sluice-procs          every process: pid, state, name, parent, its trap frame
#   sluice-frame [ADDR]   a trap frame (default: the current process's), by register name
#   sluice-walk [-p PID] VA   the Sv39 walk of a user address (of the current process,
#                         or of PID); VA may be any expression
#   sluice-runq           each hart's run queue, first to run first
#
# The commands read the kernel's own structures through its debug information
# (struct hart, struct proc, struct trap_frame, struct mm), so they follow the
# code: a field renamed in C is an error here, not a wrong answer.

import gdb

# sluice/memlayout.h: physical address pa is at pa + LINEAR_MAP_BASE.
LINEAR_MAP_BASE = 0xffffffc000000000
STATES = ["new", "runnable", "running", "sleeping", "zombie"]
# The RISC-V integer registers by ABI name, x0..x31.
REGS = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2",
        "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9",
        "s10", "s11", "t3", "t4", "t5", "t6"]


def cstr(chars):
    """A char array as a Python string, up to its NUL."""
    out = []
    for i in range(chars.type.sizeof):
        c = int(chars[i])
        if c == 0:
            break
        out.append(chr(c) if 32 <= c < 127 else "?")
    return "".join(out)


def procs():
    """Every struct proc, from proc_list along all_next."""
    p = gdb.parse_and_eval("proc_list")
    while int(p) != 0:
        yield p
        p = p["all_next"]


def current_proc():
    """The process the selected hart runs: harts[i].current, i from tp."""
    tp = int(gdb.parse_and_eval("$tp"))
    if tp:
        return gdb.Value(tp).cast(gdb.lookup_type("struct hart").pointer())["current"]
    return None


def find_proc(pid):
    for p in procs():
        if int(p["pid"]) == pid:
            return p
    raise gdb.GdbError("no process with pid %d" % pid)


class Harts(gdb.Command):
    """sluice-harts: each hart, its hart id, and the process it runs."""

    def __init__(self):
        super().__init__("sluice-harts", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        harts = gdb.parse_and_eval("harts")
        n = int(gdb.parse_and_eval("nharts_online"))
        for i in range(n):
            h = harts[i]
            cur = h["current"]
            who = "%d %s" % (int(cur["pid"]), cstr(cur["name"])) if int(cur) else "(scheduler)"
            print("hart index %d  hart id %d  runs %s  switches %d" %
                  (i, int(h["hartid"]), who, int(h["nr_switches"])))


class Procs(gdb.Command):
    """sluice-procs: every process with its state, parent and trap frame."""

    def __init__(self):
        super().__init__("sluice-procs", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        print("%5s %5s %-9s %-16s %s" % ("PID", "PPID", "STATE", "NAME", "TRAP FRAME"))
        for p in procs():
            state = int(p["state"])
            ppid = int(p["parent"]["pid"]) if int(p["parent"]) else 0
            name = cstr(p["name"]) + (" [kernel]" if bool(p["kthread"]) else "")
            print("%5d %5d %-9s %-16s 0x%x" % (int(p["pid"]), ppid,
                                               STATES[state] if state < len(STATES) else state,
                                               name, int(p["tf"])))


class Frame(gdb.Command):
    """sluice-frame [ADDR]: the trap frame at ADDR, or the current process's."""

    def __init__(self):
        super().__init__("sluice-frame", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        tft = gdb.lookup_type("struct trap_frame").pointer()
        if arg.strip():
            tf = gdb.parse_and_eval(arg).cast(tft)
        else:
            p = current_proc()
            if p is None or int(p) == 0 or int(p["tf"]) == 0:
                raise gdb.GdbError("no current process with a trap frame: give an address")
            tf = p["tf"]
        f = tf.dereference()
        for i in range(1, 32, 4):
            print("  ".join("%-4s %016x" % (REGS[j], int(f["x"][j]) & (2**64 - 1))
                            for j in range(i, min(i + 4, 32))))
        sstatus = int(f["sstatus"])
        print("sepc %016x  sstatus %016x (from %s mode)  scause %x  stval %x" %
              (int(f["sepc"]) & (2**64 - 1), sstatus, "supervisor" if sstatus & 0x100 else "user",
               int(f["scause"]) & (2**64 - 1), int(f["stval"]) & (2**64 - 1)))


class Walk(gdb.Command):
    """sluice-walk [-p PID] VA: the Sv39 page-table walk of a user address."""

    def __init__(self):
        super().__init__("sluice-walk", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        arg, pid = arg.strip(), None
        if arg.startswith("-p"):
            pid, _, arg = arg[2:].strip().partition(" ")
            pid = int(pid)
        if not arg.strip():
            raise gdb.GdbError("usage: sluice-walk [-p PID] VA (any expression)")
        va = int(gdb.parse_and_eval(arg)) & (2**64 - 1)
        p = find_proc(pid) if pid is not None else current_proc()
        if p is None or int(p) == 0 or int(p["mm"]) == 0:
            raise gdb.GdbError("no process with an address space")
        offset = LINEAR_MAP_BASE  # page tables are read through the kernel's linear map
        table = int(p["mm"]["root"])
        inferior = gdb.selected_inferior()
        for level in (2, 1, 0):
            index = (va >> (12 + 9 * level)) & 511
            raw = inferior.read_memory(table + offset + index * 8, 8)
            pte = int.from_bytes(bytes(raw), "little")
            flags = "".join(c for c, b in zip("VRWXUGAD", range(8)) if pte >> b & 1)
            print("level %d: table 0x%x [%3d] = 0x%016x %s" % (level, table, index, pte, flags or "-"))
            if not pte & 1:
                print("not mapped: a touch of 0x%x takes a page fault" % va)
                return
            pa = (pte >> 10) << 12
            if pte & 0xe:  # R, W or X: a leaf
                size = 4096 << (9 * level)
                print("0x%x -> physical 0x%x" % (va, pa + (va & (size - 1))))
                return
            table = pa


class Runq(gdb.Command):
    """sluice-runq: each hart's run queue, first to run first."""

    def __init__(self):
        super().__init__("sluice-runq", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        runqs = gdb.parse_and_eval("runqs")
        n = int(gdb.parse_and_eval("nharts_online"))
        for i in range(n):
            q = runqs[i]
            names, p = [], q["head"]
            while int(p) != 0 and len(names) < 64:
                names.append("%d %s" % (int(p["pid"]), cstr(p["name"])))
                p = p["run_next"]
            print("hart index %d (%d queued): %s" % (i, int(q["len"]), ", ".join(names) or "-"))


for command in (Harts, Procs, Frame, Walk, Runq):
    command()
print("sluice.py: sluice-harts, sluice-procs, sluice-frame, sluice-walk, sluice-runq (docs/debugging.md)")
