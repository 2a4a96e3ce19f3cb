# The interrupts lab's checks (docs/labs/interrupts.md), as QEMU cases for
# test/qemu/sluice_qemu.py; tools/lab.py grade runs them and adds up POINTS.
# Each check boots the kernel being graded; one that fails, times out or
# panics loses its points and the grader goes on.

from sluice_qemu import Case, Expect, Send

BANNER = Expect(r"^Sluice \S+ \(riscv64, Sv39\)", "kernel banner")


def virt(smp="1", mem="128M", *extra):
    return ["-machine", "virt", "-smp", smp, "-m", mem, *extra]


CASES = [
    # Task 1: the UART's receive interrupt wakes a reader asleep on the console.
    Case(name="lab-interrupts-wake", description="a console reader sleeps until the UART interrupt wakes it",
         board="qemu-virt", args=virt("2"), append="echoline 10",
         steps=[BANNER,
                Expect(r"^echoline: waiting for a line \(source 10: 0 interrupts so far\)",
                       "the reader waits, no interrupts yet"),
                Send("hello sluice\r", "a line typed on the serial console", delay=0.5),
                Expect(r"^echoline: got 'hello sluice'", "the reader woke with the line"),
                Expect(r"^echoline: source 10 delivered [1-9]\d* interrupts while it waited",
                       "the UART's interrupt count grew")],
         exit_status=0, timeout=30),
    # Task 1 too: ^C, seen in the interrupt, kills the foreground reader.
    Case(name="lab-interrupts-intr", description="^C kills a foreground process sleeping on input",
         board="qemu-virt", args=virt("2"), append="echoline 10",
         steps=[BANNER, Expect(r"^echoline: waiting for a line", "the reader waits"),
                Send("\x03", "^C", delay=0.5),
                Expect(r"^\^C", "echoed as ^C"),
                Expect(r"^init: echoline killed by signal 2", "the reader died of SIGINT")],
         exit_status=0, timeout=30),
    # Task 2: canonical input: erase and kill applied and echoed; a line at a time.
    Case(name="lab-interrupts-ldisc", description="the line discipline: ^U kills, DEL erases, Enter ends a line",
         board="qemu-virt", args=virt("2"), append="echoline 10",
         steps=[BANNER, Expect(r"^echoline: waiting for a line", "the reader waits"),
                Send("xyz\x15hellp", "'xyz', ^U, 'hellp'", delay=0.5),
                Send("\x7fo sluice\r", "DEL, 'o sluice', Enter", delay=0.3),
                Expect(r"^echoline: got 'hello sluice'$", "the edited line, nothing else")],
         exit_status=0, timeout=30),
    # Task 3: the disk's completion interrupt wakes the process asleep on its
    # request, while another process runs.
    Case(name="lab-interrupts-disk", description="disk reads sleep until the completion interrupt, another process runs",
         board="qemu-virt",
         args=virt("1", "128M", "-drive", "file={build}/lab-disk.img,format=raw,if=none,id=hd0",
                   "-device", "virtio-blk-device,drive=hd0"),
         append="disktest 8",
         prepare=[["python3", "{src}/tools/mk-pattern-disk.py", "{build}/lab-disk.img"]],
         steps=[BANNER,
                Expect(r"^disktest: read 4096 KiB, 0 bad sectors", "every sector read right"),
                Expect(r"^disktest: wrote, flushed and read back 64 KiB after dropping the cache: ok",
                       "write, flush, read back"),
                Expect(r"^disktest: the CPU-bound process counted [1-9]\d{3,} iterations meanwhile",
                       "the other process ran while the reader slept")],
         exit_status=0, timeout=90),
]

POINTS = {"lab-interrupts-wake": 30, "lab-interrupts-intr": 10, "lab-interrupts-ldisc": 30,
          "lab-interrupts-disk": 30}
