"""QEMU test cases for Sluice, run by sluice_qemu.py (see README.md here).

Add a case: append a Case(...) to CASES. Fields (all in sluice_qemu.Case):
  name, description   unique name (also the ctest name qemu/<name>) and one line
  board               build the case uses: "qemu-virt", "qemu-sifive-u", or None (any)
  args                machine arguments: "-machine", "virt", "-smp", "4", "-m", "128M", ...
  bios, kernel        -bios / -kernel; placeholders {fw_jump} {fw_dynamic} {elf} {image}...
  append              kernel command line (-append)
  steps               in order: Expect(regex), a plain regex string, AnyOrder(...), Send(...)
  exit_status         QEMU must then exit by itself with this status (None: runner kills it)
  expect_panic        "panic:" is then not a forbidden pattern
  also_forbid/forbid  more forbidden regexes / replace the default list
  timeout             seconds for the whole run (default 30)
  prepare             commands run before QEMU (argv lists with placeholders) or callables
  tags                "cheap": needs no kernel build and runs in a few seconds;
                      "pending": waits for kernel work not merged yet (ctest
                      registers it disabled; --case still runs it)
Placeholders: {elf} {image} {build} {logs} {src} {board} {case}
              {fw_jump} {fw_jump_bin} {fw_dynamic} {fw_dynamic_elf} {uboot}
"""

from sluice_qemu import AnyOrder, Case, Expect, Send

BANNER = Expect(r"^Sluice ", "kernel banner")
BOOT_OK = Expect(r"^sluice: boot ok", "boot self-checks passed")


def boot_case(name, description, args, board="qemu-virt", append="sluice.test=boot",
              exit_status=0, **kw):
    """A case that boots with sluice.test=boot and expects banner, boot ok, power-off."""
    return Case(name=name, description=description, board=board, args=args,
                append=append, steps=[BANNER, BOOT_OK], exit_status=exit_status, **kw)


def disk(image):
    """QEMU arguments for a virtio-mmio block device (the guest's /dev/vda) on image."""
    return ["-drive", "file=%s,format=raw,if=none,id=hd0" % image,
            "-device", "virtio-blk-device,drive=hd0"]


def virt(smp="1", mem="128M", *extra):
    return ["-machine", "virt", "-smp", smp, "-m", mem, *extra]


# The system-call fuzzer (userland/fuzz, docs/robustness.md) on a fresh ext2
# disk: every call made, no finding, every kernel object count back to the
# baseline, init's own page check, then e2fsck -fn on the disk and the
# premade files read back.  Every call is made: mount and umount2 were
# left out until the findings they brought (docs/robustness.md: 2, 11, 19,
# 20) were closed; FUZZ_EXCLUDE ("a,b": fuzz's -x) can leave calls out.
FUZZ_EXCLUDE = ""


def fuzz_exclude_args(exclude):
    """fuzz's option for calls never made ('' for none)."""
    return " -x " + exclude if exclude else ""


def fuzz_case(name, description, smp, fuzz_args, timeout=150, image=None):
    """A fuzz run as a case: fuzz_args are fuzz's options (-s, -n, -w, ...)."""
    image = image or "{build}/%s.img" % name
    return Case(name=name, description=description, board="qemu-virt",
                args=virt(smp, "128M", *disk(image)), append="fuzz " + fuzz_args,
                prepare=[["python3", "{src}/tools/mk-ext2-image.py", image]],
                after=[["python3", "{src}/tools/check-ext2-image.py", "--sets", "premade", image]],
                steps=[BANNER, Expect(r"^init: /dev/vda \(ext2\) mounted on /mnt", "init mounts the disk"),
                       Expect(r"^fuzz: seed \d+, \d+ workers?, \d+ calls each", "the fuzzer starts"),
                       Expect(r"^fuzz: \d+ calls by \d+ workers", "the workers made their calls"),
                       Expect(r"^fuzz: 0 findings", "no finding"),
                       Expect(r"^fuzz: every kernel object count and \d+ free pages back as before",
                              "every kernel object back"),
                       Expect(r"^fuzz: seed \d+: ok", "the fuzzer's verdict"),
                       Expect(r"^init: fuzz exited with status 0", "fuzz exit status 0"),
                       Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked",
                              "every page back")],
                also_forbid=[r"FINDING", r"LEAK", r"HANG", r"^ext2: "],
                exit_status=0, timeout=timeout)


CASES = [
    # ---- the runner itself, no kernel needed
    Case(
        name="runner-selftest",
        description="OpenSBI alone: banner seen, then QEMU hangs and the runner kills it",
        board=None,
        args=virt(),
        kernel=None,
        steps=[
            Expect(r"OpenSBI v\d+\.\d+", "OpenSBI banner", timeout=10),
            Expect(r"Domain0 Next Address\s*:\s*0x0*80200000", "next stage at 0x80200000"),
            Expect(r"Boot HART ID\s*:\s*0\b", "boot hart 0"),
        ],
        timeout=15,
        tags=["cheap"],
    ),
    Case(
        name="uboot-shell",
        description="U-Boot alone: stop autoboot with a key, type a command, see its output",
        board=None,
        args=virt("1", "256M"),
        kernel="{uboot}",
        steps=[
            Expect(r"U-Boot 20\d\d", "U-Boot banner"),
            Expect(r"Hit any key to stop autoboot", "autoboot countdown"),
            Send("\n", "key to stop autoboot"),
            Expect(r"^=> ", "U-Boot prompt"),
            Send("setenv x 42; echo sluice-${x}\n", "typed a command"),
            Expect(r"^sluice-42$", "command output"),
        ],
        timeout=20,
        tags=["cheap"],
    ),

    # ---- QEMU virt
    Case(name="virt-smp1", description="virt, 1 hart, 128 MiB, fw_jump, ELF kernel: the banner's facts",
         args=virt("1"), append="sluice.test=boot",
         steps=[BANNER,
                Expect(r"^kernel: physical 0x80200000-", "kernel found at its physical load address"),
                Expect(r"^  hart 0: rv64\w+ \(boot hart\)", "hart 0 listed as the boot hart"),
                Expect(r"^memory: 128 MiB in 1 range from 0x80000000", "memory from the device tree"),
                Expect(r"^sbi: OpenSBI 1\.\d+, SBI spec \d+\.\d+, extensions: TIME IPI RFENCE HSM SRST",
                       "SBI implementation, version and extensions"),
                Expect(r"^timer: 10000000 Hz timebase, 100 Hz tick, Sstc present", "Sstc used"),
                Expect(r"^console: ns16550a@0x10000000", "UART from stdout-path"),
                Expect(r"^boot: \d+ instructions", "boot cost reported"),
                Expect(r"^errata: none \(mvendorid 0, ", "QEMU's harts have no erratum"),
                Expect(r"^disk: no virtio block device found; going on without a disk",
                       "no disk: said so, and boot goes on"),
                BOOT_OK],
         exit_status=0),
    boot_case("virt-smp4", "virt, 4 harts (any may be the boot hart)", virt("4")),
    # Debian's OpenSBI 1.1 marks a hart STARTING before it stores the start
    # address; a waiting hart that wakes in between jumps to the firmware's
    # default, the image's start (seen: about 1 boot in 300 on 4 harts).
    # sluice.hart_entry=image sends every started hart there on purpose:
    # each must join as a secondary, not boot the kernel over again.
    Case(name="virt-hsm-stale", description="started harts sent to the image's start (OpenSBI 1.1's race) join as secondaries",
         args=virt("4"), append="sluice.test=boot sluice.hart_entry=image",
         steps=[BANNER, Expect(r"^smp: 4 harts running", "all three harts came online"), BOOT_OK],
         exit_status=0),
    # Under -icount QEMU runs the harts in turns, switching when one waits
    # (wfi) or reaches the next timer deadline: a boot hart that spun while
    # waiting for a started hart kept it from ever running (make bench's
    # 4-hart figures need -icount).
    Case(name="virt-smp4-icount", description="-icount shift=0: the started harts come online",
         args=virt("4", "128M", "-icount", "shift=0,sleep=off"), append="sluice.test=boot",
         steps=[BANNER, Expect(r"^smp: 4 harts running", "all four harts online"), BOOT_OK],
         exit_status=0),
    # fw_jump cannot boot 16 MiB: it copies the device tree to 0x82200000,
    # past the end of RAM (0x81000000); OpenSBI takes a store access fault
    # before printing anything and QEMU hangs silently (fw_jump needs >= 35M).
    # fw_dynamic places the tree at the top of RAM (0x80e00000 here).
    boot_case("virt-16M", "virt, 16 MiB of RAM, fw_dynamic, ELF kernel", virt("1", "16M"),
              bios="{fw_dynamic}"),
    boot_case("virt-2G", "virt, 2 GiB of RAM", virt("1", "2G")),
    Case(name="virt-nosstc", description="virt without Sstc (timer through SBI, as on the U74)",
         args=virt("1", "128M", "-cpu", "rv64,sstc=off"), append="sluice.test=boot",
         steps=[BANNER, Expect(r"^timer: .*Sstc absent: SBI set_timer", "falls back to SBI set_timer"),
                Expect(r"timer interrupts arrive during a kernel loop", "ticks arrive"), BOOT_OK],
         exit_status=0),
    # The kernel must not depend on its physical address: move the ELF's load
    # addresses up 4 MiB; fw_dynamic then starts it at 0x80600000.
    Case(name="virt-moved", description="the same kernel loaded 4 MiB higher (0x80600000), fw_dynamic",
         args=virt("1"), bios="{fw_dynamic}", kernel="{build}/sluice-moved", append="sluice.test=boot",
         prepare=[["riscv64-unknown-elf-objcopy", "--change-section-lma", "*+0x400000",
                   "{elf}", "{build}/sluice-moved"]],
         steps=[BANNER, Expect(r"^kernel: physical 0x80600000-", "runs from 0x80600000"), BOOT_OK],
         exit_status=0),
    # Sv39 2 MiB pages need a 2 MiB aligned image: a misaligned one must say so.
    Case(name="virt-misaligned", description="kernel loaded at 0x80300000: a clear refusal, not a hang",
         args=virt("1"), bios="{fw_dynamic}", kernel="{build}/sluice-misaligned",
         prepare=[["riscv64-unknown-elf-objcopy", "--change-section-lma", "*+0x100000",
                   "{elf}", "{build}/sluice-misaligned"]],
         steps=[Expect(r"cannot start: the kernel image must be loaded at a 2 MiB aligned address",
                       "explains why it cannot start")],
         timeout=15),
    boot_case("virt-fw-dynamic", "virt, fw_dynamic, raw Image as -kernel", virt("1"),
              bios="{fw_dynamic}", kernel="{image}"),
    boot_case("virt-image", "virt, fw_jump, raw Image as -kernel", virt("1"),
              kernel="{image}"),
    Case(
        name="uboot",
        description="OpenSBI -> U-Boot -> extlinux.conf on a virtio disk -> Image",
        args=virt("1", "256M",
                  *disk("{build}/uboot-disk.img")),
        kernel="{uboot}",
        prepare=[["sh", "{src}/tools/mk-uboot-disk.sh", "{image}", "{build}/uboot-disk.img",
                  "sluice.test=boot"]],
        steps=[
            Expect(r"U-Boot 20\d\d", "U-Boot banner", timeout=20),
            Expect(r"Retrieving file: /Image", "U-Boot loads /Image", timeout=40),
            Expect(r"Starting kernel", "U-Boot starts the kernel", timeout=20),
            BANNER,
            BOOT_OK,
        ],
        also_forbid=[r"Bad Linux RISCV Image magic", r"EXTLINUX FAILED",
                     r"Wrong Image Format"],
        exit_status=0,
        timeout=90,
    ),

    # ---- the scheduler: kernel threads preempted by the tick, sleep/wakeup,
    # everything given back (sluice.test=sched)
    Case(name="sched-smp1", description="scheduler self-test on one hart: only the tick can interleave",
         args=virt("1"), append="sluice.test=sched",
         steps=[BANNER, Expect(r"^smp: 1 hart running", "one hart"),
                Expect(r"every spinner ran", "preemption"), Expect(r"^sluice: sched ok", "sched ok")],
         exit_status=0),
    Case(name="sched-smp4", description="scheduler self-test on four harts started by SBI HSM",
         args=virt("4"), append="sluice.test=sched",
         steps=[BANNER, Expect(r"^smp: 4 harts running", "all four harts started"),
                Expect(r"^sluice: sched ok", "sched ok")],
         exit_status=0),
    Case(name="sched-noasid", description="scheduler self-test with ASIDs forced off (as on the U74)",
         args=virt("2"), append="sluice.test=sched sluice.noasid",
         steps=[BANNER, Expect(r"^smp: 2 harts running, 0 ASID bits", "no ASIDs"),
                Expect(r"^sluice: sched ok", "sched ok")],
         exit_status=0),

    # ---- the user-copy helpers at every alignment and length near page
    # edges, with unmapped pages beside them (sluice.test=uaccess)
    Case(name="uaccess", description="user copies, copies out and clears: exact counts and bytes at page edges",
         args=virt("1"), append="sluice.test=uaccess",
         steps=[BANNER, Expect(r"^selftest: \d+ user copies at page edges, 0 wrong", "every case right"),
                Expect(r"^sluice: uaccess ok", "uaccess ok")],
         exit_status=0),

    # ---- user space: init runs the in-guest suite (userland/tests) or a
    # glibc binary; init's own leak check covers every page they took.
    *[Case(name="usertests-" + name, description="usertests: " + desc, board=board, args=args,
           append="usertests" + extra,
           steps=[BANNER, Expect(r"^init: starting /init usertests", "init runs usertests"),
                  Expect(r"^\d+ passed, 0 failed", "every test passed", timeout=240),
                  Expect(r"^init: usertests exited with status 0", "usertests exit status 0"),
                  Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked",
                         "every page back")],
           also_forbid=[r"^FAIL ", r"LEAKED"], exit_status=0, timeout=300)
      for name, desc, board, args, extra in (
          ("smp1", "one hart", "qemu-virt", virt("1"), " RTC=1"),
          ("smp4", "four harts", "qemu-virt", virt("4"), " RTC=1"),
          ("noasid", "two harts, ASIDs forced off", "qemu-virt", virt("2"), " sluice.noasid RTC=1"),
          ("sifive_u", "sifive_u, four U54s", "qemu-sifive-u",
           ["-machine", "sifive_u", "-smp", "5", "-m", "128M", "-no-reboot"], " RTC=0"))],
    # Timeouts end when due, not at the next 10 ms tick: under -icount the
    # guest's clock is its instruction count, which the host's load cannot
    # stretch, so 20 waits of 1 ms must take under 60 ms (by ticks: 200).
    # One hart: QEMU 7.2 runs -icount harts in turns (virt-smp4-icount).
    Case(name="usertests-timers-icount", description="usertests: timeouts as precise as asked, under -icount",
         args=virt("1", "128M", "-icount", "shift=0,sleep=off"),
         append="usertests timeouts_precise nanosleep clock_nanosleep timer_signal timer_overrun",
         steps=[BANNER, Expect(r"^init: starting /init usertests", "init runs usertests"),
                Expect(r"^20 waits of 1 ms: ", "the waits measured"),
                Expect(r"^\d+ passed, 0 failed", "every test passed", timeout=120),
                Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked",
                       "every page back")],
         also_forbid=[r"^FAIL ", r"LEAKED"], exit_status=0, timeout=180),
    # A truncate during a fault on the page it cuts off (the fault holds
    # the page, the truncate zaps nothing yet): the fault must end in
    # SIGBUS.  sluice.fault_delay=1000 widens the window to 200 ms.  And
    # a kernel copy whose fault never maps its page (sluice.fault_stuck)
    # must fail, not fault for ever.
    Case(name="usertests-fault-race", description="usertests: a held file fault: truncate makes it SIGBUS, futex calls go on; a stuck copy fails",
         args=virt("2"), append="sluice.fault_delay=1000 sluice.fault_stuck=0x3000000000 "
                                "usertests truncate_fault_race copy_fault_stuck futex_shm_fault",
         steps=[BANNER, Expect(r"^init: starting /init usertests", "init runs usertests"),
                Expect(r"^ok   truncate_fault_race", "the race ends in SIGBUS"),
                Expect(r"^ok   copy_fault_stuck", "a copy whose fault maps nothing fails with EFAULT"),
                Expect(r"^ok   futex_shm_fault", "a futex call does not wait for another's fault"),
                Expect(r"^\d+ passed, 0 failed", "every test passed"),
                Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked",
                       "every page back")],
         also_forbid=[r"^FAIL ", r"LEAKED", r"needs sluice.fault_delay", r"needs sluice.fault_stuck",
                      r"BUG"], exit_status=0),
    # A timer wake that a signal overtakes: the timer interrupt took the
    # sleeper off its queue, the signal woke it, it slept again; the held
    # wake must not wake it now (queued, it would be queued twice: a loop
    # in the timer's queue, every hart stuck).  sluice.wake_delay=100000
    # holds each timer wake 100 ms between the two steps.  A hang shows as
    # silence until the time limit.
    Case(name="usertests-late-wake", description="usertests: a late timer wake leaves a re-queued sleeper asleep",
         args=virt("2"), append="sluice.wake_delay=100000 usertests late_wake_race",
         steps=[BANNER, Expect(r"^init: starting /init usertests", "init runs usertests"),
                Expect(r"^  late_wake_race: [1-9]\d* of \d+ signals came in the window",
                       "signals landed in the window"),
                Expect(r"^ok   late_wake_race", "the sleeper stayed asleep"),
                Expect(r"^\d+ passed, 0 failed", "every test passed"),
                Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked",
                       "every page back")],
         also_forbid=[r"^FAIL ", r"LEAKED", r"needs sluice.wake_delay"], exit_status=0),
    # An initramfs handed over by the boot loader (here QEMU's -initrd, which
    # sets /chosen linux,initrd-start/end) replaces the built-in one: its
    # /init is the libc-free /bin/tight, which the built-in archive does not
    # have as /init.
    Case(name="initrd", description="-initrd replaces the built-in initramfs; init exiting powers off",
         args=virt("2", "128M", "-initrd", "{build}/initrd-test.cpio"),
         prepare=[["sh", "-c", "rm -rf {build}/initrd-root && mkdir -p {build}/initrd-root && "
                   "cp {build}/userland/tight {build}/initrd-root/init && cd {build}/initrd-root && "
                   "echo init | cpio -o -H newc --quiet > {build}/initrd-test.cpio"]],
         steps=[BANNER, Expect(r"^init: initramfs from the boot loader at 0x[0-9a-f]+ \(\d+ KiB\)",
                               "the handed-over archive is found"),
                Expect(r"^  tight: text and data share a page: ok", "its /init runs"),
                Expect(r"^sluice: init \(pid 1\) exited \(wait status 0x0\); powering off",
                       "init's exit is reported")],
         exit_status=0),
    # The founding story's second half, with the console: a process sleeps
    # in read() until the UART's interrupt (through the PLIC, the S-mode
    # context read from the device tree) brings the line the runner types.
    *[Case(name="console-irq-" + name, description="a console reader sleeps until the UART interrupt wakes it: " + name,
           board=board, args=args, append="echoline %d" % irq,
           steps=[BANNER,
                  Expect(r"^echoline: waiting for a line \(source %d: 0 interrupts so far\)" % irq,
                         "the reader waits, no interrupts yet"),
                  Send("hello sluice\r", "a line typed on the serial console", delay=0.5),
                  Expect(r"^echoline: got 'hello sluice'", "the reader woke with the line"),
                  Expect(r"^echoline: source %d delivered [1-9]\d* interrupts while it waited" % irq,
                         "the UART's interrupt count grew"),
                  Expect(r"nothing leaked", "every page back")],
           exit_status=0, timeout=30)
      for name, board, args, irq in (
          ("virt", "qemu-virt", virt("2"), 10),
          ("sifive_u", "qemu-sifive-u",
           ["-machine", "sifive_u", "-smp", "5", "-m", "128M", "-no-reboot"], 4))],
    # The founding story with the disk: a process reads the whole disk
    # through /dev/vda, sleeping on each request until the virtio-blk
    # interrupt, while a CPU-bound process keeps counting; then it writes,
    # flushes and reads back.  Legacy and modern virtio-mmio.
    *[Case(name="disk-" + name, description="disk reads sleep while another process runs: " + desc,
           args=virt(smp, "128M", *extra, *disk("{build}/disk-%s.img" % name)),
           append="disktest 8",  # 8: the PLIC source of QEMU virt's last virtio slot
           prepare=[["python3", "{src}/tools/mk-pattern-disk.py", "{build}/disk-%s.img" % name]],
           # The host reads the image back: the guest's writes reached the disk.
           after=[["python3", "{src}/tools/check-pattern-disk.py", "{build}/disk-%s.img" % name]],
           steps=[BANNER,
                  Expect(r"^virtio-blk: /dev/vda at 0x[0-9a-f]+, irq \d+, %s interface, 4 MiB" % iface,
                         "the disk is found (%s interface)" % iface),
                  Expect(r"^disktest: read 4096 KiB, 0 bad sectors", "every sector read right"),
                  Expect(r"^disktest: wrote, flushed and read back 64 KiB after dropping the cache: ok",
                         "write, flush, drop the cache, read back from the disk"),
                  Expect(r"^disktest: the CPU-bound process counted [1-9]\d{3,} iterations meanwhile",
                         "the other process ran while the reader slept"),
                  Expect(r"^disktest: disk source 8 delivered [1-9]\d{2,} interrupts",
                         "the disk's interrupt count grew with the traffic"),
                  Expect(r"nothing leaked", "every page back")],
           exit_status=0, timeout=120)
      for name, desc, smp, extra, iface in (
          ("legacy-smp1", "one hart, legacy virtio-mmio", "1", (), "legacy"),
          ("modern-smp4", "four harts, virtio 1.x", "4",
           ("-global", "virtio-mmio.force-legacy=false"), "modern"))],
    Case(name="disk-concurrent-smp4",
         description="4 readers and 4 writers on the disk at once, 4 harts; the host checks the image",
         args=virt("4", "128M", "-global", "virtio-mmio.force-legacy=false",
                   *disk("{build}/disk-concurrent.img")),
         append="disktest -c",
         prepare=[["python3", "{src}/tools/mk-pattern-disk.py", "{build}/disk-concurrent.img"]],
         after=[["python3", "{src}/tools/check-concurrent-disk.py", "{build}/disk-concurrent.img"]],
         steps=[BANNER, Expect(r"^disktest: 4 readers and 4 writers at once: ok", "all eight succeed"),
                Expect(r"nothing leaked", "every page back")],
         exit_status=0, timeout=120),
    # The line discipline: what the runner types is edited (^U kills the
    # line, DEL erases a character) and echoed; the reader gets the result.
    Case(name="console-ldisc", description="canonical input: erase and kill applied, echoed",
         args=virt("2"), append="echoline 10",
         steps=[BANNER, Expect(r"^echoline: waiting for a line", "the reader waits"),
                Send("xyz\x15hellp", "'xyz', ^U, 'hellp'", delay=0.5),
                Send("\x7fo sluice\r", "DEL, 'o sluice', Enter", delay=0.3),
                Expect(r"^echoline: got 'hello sluice'$", "the edited line, nothing else"),
                Expect(r"nothing leaked", "every page back")],
         exit_status=0),
    # ^C sends SIGINT to the foreground process group: the sleeping reader
    # dies of it; init, which has no handler, is not touched.
    Case(name="console-intr", description="^C kills a foreground process sleeping on input, not init",
         args=virt("2"), append="echoline 10",
         steps=[BANNER, Expect(r"^echoline: waiting for a line", "the reader waits"),
                Send("\x03", "^C", delay=0.5),
                Expect(r"^\^C", "echoed as ^C"),
                Expect(r"^init: echoline killed by signal 2", "the reader died of SIGINT"),
                Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked", "init carried on")],
         exit_status=0),
    # Job control on the console (docs/job-control.md): ^Z stops the
    # foreground reader, a read in the background stops it with SIGTTIN,
    # back in the foreground it reads the line typed.
    Case(name="console-job-control", description="^Z, SIGTTIN and the foreground group on the console",
         args=virt("2"), append="jobtest",
         steps=[BANNER, Expect(r"^jobtest: reader \d+ in the foreground: type \^Z", "the reader waits"),
                Send("\x1a", "^Z", delay=0.5),
                Expect(r"^\^Z", "echoed as ^Z"),
                Expect(r"^jobtest: reader stopped by signal 20", "stopped by SIGTSTP"),
                Expect(r"^jobtest: reader stopped by signal 21", "its background read: SIGTTIN"),
                Expect(r"^jobtest: reader back in the foreground: type a line", "continued in front"),
                Send("hello\r", "a line", delay=0.5),
                Expect(r"^jobtest: reader got 'hello'", "the restarted read got it"),
                Expect(r"^jobtest: reader exited, status 0x0", "the reader exited 0"),
                Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked", "nothing leaked")],
         exit_status=0),
    # Output by the UART's "can take more" interrupt: with sluice.tx_slow each
    # push moves one byte and the interrupt moves the rest, so the whole of
    # usertests' output depends on it (lost or reordered bytes would break
    # the expectations); the UART's interrupt count must grow meanwhile.
    *[Case(name="console-tx-irq-" + name, description="console output driven by the UART interrupt: " + name,
           board=board, args=args, append="sluice.tx_slow usertests",
           steps=[BANNER, Expect(r"^init: starting /init usertests", "init runs usertests"),
                  Expect(r"^\d+ passed, 0 failed", "every line of output arrived", timeout=240),
                  Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked", "in order, to the end")],
           also_forbid=[r"^FAIL "], exit_status=0, timeout=300)
      for name, board, args in (
          ("virt", "qemu-virt", virt("2")),
          ("sifive_u", "qemu-sifive-u", ["-machine", "sifive_u", "-smp", "5", "-m", "128M", "-no-reboot"]))],
    # A virtio device that is not a block device: named, left alone; no disk.
    Case(name="virtio-not-block", description="a virtio-rng device gets a message, not a driver",
         args=virt("1", "128M", "-device", "virtio-rng-device"), append="sluice.test=boot",
         steps=[BANNER,
                Expect(r"^virtio: device at 0x[0-9a-f]+ is not a block device \(id 4\): left alone",
                       "the rng device is named and left alone"),
                Expect(r"^disk: no virtio block device found", "no disk, and boot goes on"),
                BOOT_OK],
         exit_status=0),
    # An interrupt nobody registered: counted and masked, not fatal.
    Case(name="irq-unhandled", description="a PLIC source with no handler: one interrupt, counted, then masked",
         args=virt("2"), append="sluice.test=spurious",
         steps=[BANNER, Expect(r"^selftest: type two keys", "the source is armed"),
                Send("a", "a key", delay=0.3),
                Expect(r"^plic: unexpected interrupt from source 10: masked", "reported and masked"),
                Send("b", "another key", delay=0.3),
                Expect(r"^selftest: source 10 interrupted 1 time$", "only once"),
                Expect(r"^sluice: spurious ok", "the kernel carries on")],
         exit_status=0),
    # A device error (QEMU's blkdebug fails reads of sector 4096) surfaces as
    # EIO in the reading process; the kernel carries on and frees everything.
    Case(name="disk-eio", description="a disk read error is EIO for the reader, not a panic",
         args=virt("1", "128M", *disk("blkdebug:{build}/blkdebug.conf:{build}/disk-eio.img")),
         append="disktest 8",
         prepare=[["python3", "{src}/tools/mk-pattern-disk.py", "{build}/disk-eio.img"],
                  ["sh", "-c", "printf '[inject-error]\\nevent = \"read_aio\"\\nerrno = \"5\"\\nsector = \"4096\"\\n' > {build}/blkdebug.conf"]],
         steps=[BANNER, Expect(r"^disktest: read at 2097152 failed: I/O error", "EIO where the disk failed"),
                Expect(r"^init: disktest exited with status 1", "the process saw it and exited"),
                Expect(r"nothing leaked", "the kernel carried on, every page back")],
         exit_status=0),
    # The flusher against a failing disk (blkdebug fails every write that
    # touches sector 4096): of two blocks written through /dev/vda and left
    # dirty, it writes the good one and keeps the bad one dirty (Dirty: 1 kB),
    # and nothing panics; init's sync fails on it too, and carries on.
    Case(name="flusher-eio", description="the flusher's write fails: the block stays dirty, no panic",
         args=virt("1", "128M", *disk("blkdebug:{build}/blkdebug-w.conf:{build}/flusher-eio.img")),
         append="disktest -f",
         prepare=[["python3", "{src}/tools/mk-pattern-disk.py", "{build}/flusher-eio.img"],
                  ["sh", "-c", "printf '[inject-error]\\nevent = \"write_aio\"\\nerrno = \"5\"\\nsector = \"4096\"\\n' > {build}/blkdebug-w.conf"]],
         steps=[BANNER, Expect(r"^disktest: Dirty: \d+ kB before the flusher, 1 kB after; the good block written",
                               "the good block written, the bad one still dirty"),
                Expect(r"^init: disktest exited with status 0", "the process saw it and exited"),
                Expect(r"nothing leaked", "the kernel carried on, every page back")],
         exit_status=0),
    # A 4-entry virtqueue (sluice.vq_size=4: one three-descriptor request at
    # a time): eight processes' requests wait for descriptors in turn.
    Case(name="disk-queue4", description="a 4-entry virtqueue: requests wait their turn",
         args=virt("4", "128M", *disk("{build}/disk-queue4.img")),
         append="sluice.vq_size=4 disktest -c",
         prepare=[["python3", "{src}/tools/mk-pattern-disk.py", "{build}/disk-queue4.img"]],
         after=[["python3", "{src}/tools/check-concurrent-disk.py", "{build}/disk-queue4.img"]],
         steps=[BANNER, Expect(r"^virtio-blk: /dev/vda .*, queue 4$", "a queue of 4"),
                Expect(r"^disktest: 4 readers and 4 writers at once: ok", "all eight succeed"),
                Expect(r"nothing leaked", "every page back")],
         exit_status=0, timeout=120),
    Case(name="glibc-hello", description="a static glibc binary (Debian's riscv64-linux-gnu-gcc) runs",
         args=virt("2"), append="glibc-hello",
         steps=[BANNER, Expect(r"^glibc-hello: hello from glibc, pid \d+, argv\[0\] glibc-hello",
                               "printf from glibc"),
                Expect(r"^glibc-hello: running on Sluice ", "uname"),
                Expect(r"^init: glibc-hello exited with status 3", "exit status 3"),
                Expect(r"nothing leaked", "every page back")],
         exit_status=0),

    Case(name="glibc-malloc", description="a static glibc binary that works malloc hard",
         args=virt("2"), append="glibc-malloc",
         steps=[BANNER, Expect(r"^glibc-malloc: \d+ rounds, peak \d+ KiB live: ok", "malloc stress ok"),
                Expect(r"^init: glibc-malloc exited with status 0", "exit status 0"),
                Expect(r"nothing leaked", "every page back")],
         exit_status=0),

    Case(name="glibc-abi", description="glibc's conventions: fstat is newfstatat(fd, \"\", AT_EMPTY_PATH), "
         "reboot's magic is a sign-extended int, fork is clone with the tid stores",
         args=virt("1"), append="glibc-abi reboot",
         steps=[BANNER, AnyOrder(["^glibc-abi: fstat\\(a regular file\\) ok", "^glibc-abi: fstat\\(/dev/null\\) ok",
                                  "^glibc-abi: fstat\\(a directory\\) ok", "^glibc-abi: fstat\\(a pipe\\) ok",
                                  "^glibc-abi: fork ok", "^glibc-abi: usleep ok",
                                  "^glibc-abi: shm_open ok"]),
                Expect(r"^glibc-abi: 0 failed", "every fstat"),
                Expect(r"^glibc-abi: calling reboot", "reboot called"),
                Expect(r"^sluice: power off", "glibc's reboot() powers off")],
         also_forbid=[r"glibc-abi: FAIL", r"init: glibc-abi exited"],
         exit_status=0),

    # glibc's pthreads (userland/glibc/pthreads.c): the same checks pass
    # under qemu-riscv64 (ctest userland/glibc-pthreads-on-linux).
    *[Case(name="glibc-pthreads-" + name, description="glibc threads: create/join, mutex, condvar, "
           "barrier, rwlock, TLS, vfork+exec, exit with blocked threads (" + name + ")",
           args=virt(smp), append="glibc-pthreads",
           steps=[BANNER, AnyOrder(["^glibc-pthreads: 100 threads created and joined",
                                    "^glibc-pthreads: mutex: 4 threads",
                                    "^glibc-pthreads: condition variables",
                                    "^glibc-pthreads: barrier, rwlock, semaphore ok",
                                    "^glibc-pthreads: timed wait, detached threads",
                                    "^glibc-pthreads: vfork and exec beside a running thread ok",
                                    "^glibc-pthreads: record locks shared by the threads of a process ok",
                                    "^glibc-pthreads: exit with threads blocked on a mutex ok",
                                    "^glibc-pthreads: process-shared semaphore and mutex ok"]),
                  Expect(r"^glibc-pthreads: 0 failed", "every check", timeout=120),
                  Expect(r"^init: glibc-pthreads exited with status 0", "exit 0"),
                  Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked",
                         "every page back")],
           also_forbid=[r"glibc-pthreads: FAIL"], exit_status=0, timeout=180)
      for name, smp in (("smp1", "1"), ("smp4", "4"))],

    # ---- stress (userland/tests/stress.c, docs/robustness.md): what a fuzzer
    # cannot aim at, in groups, on one hart and on four.  Each test ends with
    # every page and process back (the stress harness checks), and init's
    # count covers the whole run.
    *[Case(name="stress-%s-smp%s" % (group, smp), description="stress: " + desc,
           board="qemu-virt", args=virt(smp, mem, *extra), append="stress " + tests,
           prepare=prepare, after=after,
           # fw_jump needs 35 MiB (see virt-16M): smaller machines take fw_dynamic.
           bios="{fw_dynamic}" if mem == "32M" else "{fw_jump}",
           steps=[BANNER, Expect(r"^init: starting /init stress", "init runs stress"),
                  *expect,
                  Expect(r"^stress: \d+ passed, 0 failed", "every stress test passed", timeout=240),
                  Expect(r"^init: stress exited with status 0", "stress exit status 0"),
                  Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked",
                         "every page back")],
           also_forbid=[r"^FAIL ", r"LEAKED", r"^ext2: "], exit_status=0, timeout=300)
      for smp in ("1", "4")
      for group, mem, tests, desc, expect, extra, prepare, after in (
          ("mem", "128M",
           "oom_hog oom_copy_hog oom_bystander_pipe oom_bystander_sleep oom_copy_bystander "
           "kernel_alloc_sweep",
           "out of memory kills the largest process, a bystander lives; kernel allocations "
           "fail cleanly at every level",
           [Expect(r"^oom: no free page for pid \d+ \(stress\) at 0x[0-9a-f]+: killed pid \d+ "
                   r"\(stress\), the largest, \d+ KiB resident", "the kernel names the victim and its size"),
            Expect(r"^ok   oom_bystander_pipe", "a small process outlives a sleeping hog")],
           (), [], []),
          ("procs", "128M" if smp == "1" else "48M",
           "fork_bomb signal_storm sigkill_sleepers deep_recursion",
           "a fork bomb ends in EAGAIN; signal storms; SIGKILL for sleepers; stack overflow",
           [Expect(r"^  fork_bomb: EAGAIN at \d+ processes", "EAGAIN at threads-max")],
           (), [], []),
          ("many", "256M", "thousand_procs file_max", "1000 processes at once; ENFILE at file-max",
           [], (), [], []),
          ("exec", "128M", "elf_malformed argv_limits fd_exhaustion",
           "damaged ELF files, argv and envp at their limits, EMFILE", [], (), [], []),
          ("ext2", "128M", "enospc_ext2", "ENOSPC on an ext2 disk, then the space back",
           [Expect(r"^  enospc_ext2: round 1: ", "filled twice")],
           disk("{build}/fs-stress-smp%s.img" % smp),
           [["python3", "{src}/tools/mk-ext2-image.py", "--size-mib", "8",
             "{build}/fs-stress-smp%s.img" % smp]],
           [["python3", "{src}/tools/check-ext2-image.py", "--sets", "premade",
             "{build}/fs-stress-smp%s.img" % smp]]),
          # Reclaim: 48 MiB of files read through the page cache of a 32 MiB
          # machine, then a hog gets the cached pages before it is killed.
          ("pcache", "32M", "pcache_read_big pcache_before_oom",
           "files larger than RAM through the page cache; the OOM killer only after reclaim",
           [Expect(r"^  pcache_read_big: 48 MiB read twice", "files larger than RAM read back"),
            Expect(r"^oom: no free page for pid \d+ \(stress\) at 0x[0-9a-f]+: killed pid \d+ "
                   r"\(stress\), the largest, \d+ KiB resident", "the kernel names the hog")],
           disk("{build}/fs-pcache-smp%s.img" % smp),
           [["python3", "{src}/tools/mk-ext2-image.py", "--size-mib", "64",
             "{build}/fs-pcache-smp%s.img" % smp]],
           [["python3", "{src}/tools/check-ext2-image.py", "--sets", "premade",
             "{build}/fs-pcache-smp%s.img" % smp]]))],

    # The same binary runs under qemu-riscv64 too (userland/glibc-signals-on-linux).
    Case(name="glibc-signals", description="glibc's poll, select, sigsuspend, sigwaitinfo, sigqueue, "
         "SA_SIGINFO, sigaltstack, SA_RESTART, WIFSTOPPED/WIFCONTINUED, setsid",
         args=virt("2"), append="glibc-abi signals",
         steps=[BANNER, Expect(r"^glibc-signals: ok poll: a byte wakes it", "poll"),
                Expect(r"^glibc-signals: ok sigsuspend: EINTR after the handler", "sigsuspend"),
                Expect(r"^glibc-signals: ok sigqueue: SI_QUEUE and the value", "sigqueue"),
                Expect(r"^glibc-signals: ok WIFCONTINUED", "stop and continue"),
                Expect(r"^glibc-signals: 0 failed", "every check"),
                Expect(r"^init: glibc-abi exited with status 0", "exit status 0")],
         also_forbid=[r"glibc-signals: FAIL"], exit_status=0),

    # ---- Debian's dynamically linked userland (docs/exec.md): a root made by
    # tools/mk-dyn-root.sh from the staged initramfs plus libc6, dash,
    # coreutils and their libraries, as an initramfs (-initrd) and as an
    # ext2 disk.  ld.so run by itself needs no file mapped: it runs today.
    Case(name="dyn-ldso-help", description="Debian's ld.so run by itself (ET_DYN, no PT_INTERP): --help",
         args=virt("1", "256M", "-initrd", "{build}/dynroot.cpio"), append="/usr/bin/ld-so --help",
         prepare=[["sh", "{src}/tools/mk-dyn-root.sh", "{src}", "{build}"]],
         steps=[BANNER, Expect(r"^Usage: /usr/bin/ld-so \[OPTION\]\.\.\. EXECUTABLE-FILE", "ld.so's usage"),
                Expect(r"self-identifies as: /lib/ld-linux-riscv64-lp64d\.so\.1", "glibc's loader"),
                Expect(r"^init: /usr/bin/ld-so exited with status 0", "exit status 0"),
                Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked", "every page back")],
         exit_status=0, timeout=60),
    # dash and coreutils through ld.so, which maps libc.so.6 and the other
    # libraries with mmap of files.  The script's expected values are what
    # Debian's Linux printed for it.
    *[Case(name="dyn-dash-" + where, description="Debian's dash and coreutils (dynamic) run a script, root on " + where,
           args=virt("1", "256M", *extra), append=root + "/usr/bin/dash /usr/share/sluice/dash-coreutils",
           prepare=[["sh", "{src}/tools/mk-dyn-root.sh", "{src}", "{build}"]],
           steps=[BANNER, Expect(r"^dyn-test: ok seq", "coreutils' seq"),
                  Expect(r"^dyn-test: all passed", "every check as on Linux"),
                  Expect(r"^init: /usr/bin/dash exited with status 0", "exit status 0")],
           also_forbid=[r"dyn-test: FAIL", r"error while loading shared libraries"],
           exit_status=0, timeout=120)
      for where, extra, root in (("initramfs", ("-initrd", "{build}/dynroot.cpio"), ""),
                                 ("ext2", tuple(disk("{build}/dynroot.img")), "root=/dev/vda "))],

    # ---- panics (QEMU does not exit: the kernel halts, the runner kills QEMU)
    Case(
        name="panic-fault",
        description="sluice.test=fault: a load page fault in kernel code is reported",
        args=virt("1"),
        append="sluice.test=fault",
        # The trap report (cause, registers, backtrace) comes first, then a
        # one-line "panic: <cause> in <function>+0x..". Requiring that line to
        # name selftest_fault catches a second fault while reporting the first.
        steps=[
            BANNER,
            AnyOrder([Expect(r"Load page fault", "names the cause"),
                      Expect(r"selftest_fault", "names the function"),
                      Expect(r"^panic:.*(Load page fault.*\bselftest_fault\b"
                             r"|\bselftest_fault\b.*Load page fault)",
                             "panic line: Load page fault in selftest_fault")]),
            Expect(r"halted", "halted"),
        ],
        expect_panic=True,
    ),
    Case(
        name="panic-userptr",
        description="sluice.test=userptr: a kernel load from a user address outside the helpers is a reported bug",
        args=virt("1"),
        append="sluice.test=userptr",
        steps=[
            BANNER,
            Expect(r"kernel touched a user address outside the user-access helpers", "named as such"),
            Expect(r"^panic:.*Load page fault in selftest_userptr", "cause and function"),
            Expect(r"halted", "halted"),
        ],
        expect_panic=True,
    ),
    Case(
        name="panic-stack",
        description="sluice.test=stackoverflow: a kernel stack overflow is caught",
        args=virt("1"),
        append="sluice.test=stackoverflow",
        steps=[
            BANNER,
            Expect(r"kernel stack overflow", "stack overflow reported"),
            Expect(r"halted", "halted"),
        ],
        expect_panic=True,
    ),

    # ---- files: the VFS on the ramfs root (docs/filesystems.md)
    Case(name="fs-smoke", description="ramfs root, /proc, create/rename/unlink, cwd, a pipe",
         board="qemu-virt", args=virt("1"), append="fsmoke",
         steps=[BANNER,
                Expect(r"^\. \.\. (?=.*\bbin\b)(?=.*\binit\b)(?=.*\bdev\b)(?=.*\bproc\b)(?=.*\bmnt\b)(?=.*\btmp\b)",
                       "the root lists the initramfs and made dirs"),
                Expect(r"^MemFree: +\d+ kB", "/proc/meminfo"),
                Expect(r"^devtmpfs /dev devtmpfs rw 0 0", "/proc/mounts"),
                Expect(r"^8 \d+ ecall-u", "/proc/traps counts system calls"),
                Expect(r"^Pid:\t1", "/proc/1/status"),
                Expect(r"^cwd=/tmp/d", "getcwd after chdir"),
                Expect(r"^hello world", "a renamed file's data"),
                Expect(r"^through a pipe", "a pipe between parent and child"),
                Expect(r"^eof read 0", "end of file once the writer is gone"),
                Expect(r"^open missing: -2", "ENOENT for a missing directory"),
                Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked", "every page back")],
         also_forbid=[r"LEAKED"], exit_status=0),

    *[Case(name="fstests-ramfs-" + name, description="fstests on the ramfs root (/tmp), " + desc,
           board="qemu-virt", args=virt(smp), append="fstests -d /tmp",
           steps=[BANNER, Expect(r"^fstests: all \d+ tests passed", "every fstests test passed",
                                 timeout=150),
                  Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked",
                         "every page back")],
           also_forbid=[r"FAIL", r"LEAKED"], exit_status=0, timeout=180)
      for name, desc, smp in (("smp1", "one hart", "1"), ("smp4", "four harts", "4"))],

    # ext2 on the virtio disk, mounted at /mnt by init: the same fstests,
    # then the set of files the host checks (e2fsck -fn clean, every file
    # read back by debugfs and compared), with 1 KiB and 4 KiB blocks.
    *[Case(name="fstests-ext2-" + name, description="fstests on ext2 (/mnt), " + desc,
           board="qemu-virt", args=virt(smp, "128M",
                                        *disk("{build}/fs-%s.img" % name)),
           append="fstests -d /mnt -w /mnt",
           prepare=[["python3", "{src}/tools/mk-ext2-image.py", "--block-size", bs,
                     "{build}/fs-%s.img" % name]],
           after=[["python3", "{src}/tools/check-ext2-image.py", "{build}/fs-%s.img" % name]],
           steps=[BANNER, Expect(r"^init: /dev/vda \(ext2\) mounted on /mnt", "init mounts the disk"),
                  Expect(r"^fstests: all \d+ tests passed", "every fstests test passed",
                         timeout=200),
                  Expect(r"^fstests: wrote the set under /mnt/w", "the set for the host check"),
                  Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked",
                         "every page back")],
           also_forbid=[r"FAIL", r"LEAKED", r"^ext2: "], exit_status=0, timeout=240)
      for name, desc, smp, bs in (("1k", "1 KiB blocks, one hart", "1", "1024"),
                                  ("4k-smp4", "4 KiB blocks, four harts", "4", "4096"))],
    # FIFOs whose open yields the hart between counting its end and waiting
    # for the other side (sluice.fifo_delay): a writer that opens, writes
    # and closes in that gap must still let the reader through (a reader
    # once slept for good; busybox's mkfifo case hung now and then).
    Case(name="fifo-race", description="FIFO opens with a partner coming and going in between",
         board="qemu-virt", args=virt("2"),
         append="sluice.fifo_delay fstests -d /tmp fifo_race fifo_open fifo_data",
         steps=[BANNER, Expect(r"^fstests: all 3 tests passed", "every FIFO test passed",
                               timeout=120)],
         also_forbid=[r"FAIL"], exit_status=0, timeout=150),
    # The ext2 disk mounted and unmounted 200 times on a directory of /tmp
    # while four walkers (four harts) stat, open, list and chdir into it:
    # each umount is EBUSY or the walkers never enter; every process ends,
    # no page is lost over the rounds, the disk is clean.  The test mounts
    # the disk back on /mnt at the end, with its objects in other slab pages
    # than at boot, so init's exact page count is not asked for here; the
    # test counts pages itself, around the rounds (fs_life.c umount_race).
    Case(name="ext2-umount-race", description="umount of ext2 against path walkers on four harts",
         board="qemu-virt", args=virt("4", "128M", *disk("{build}/fs-race.img")),
         append="fstests -d /tmp umount_race",
         prepare=[["python3", "{src}/tools/mk-ext2-image.py", "{build}/fs-race.img"]],
         after=[["python3", "{src}/tools/check-ext2-image.py", "--sets", "premade",
                 "{build}/fs-race.img"]],
         steps=[BANNER, Expect(r"^init: /dev/vda \(ext2\) mounted on /mnt", "init mounts the disk"),
                Expect(r"^  umount_race: 200 mounts and umounts", "200 rounds against the walkers",
                       timeout=200),
                Expect(r"^fstests: all 1 tests passed", "every walker ended well")],
         also_forbid=[r"FAIL", r"skipped", r"^ext2: "], exit_status=0, timeout=240),
    # A program writes to the disk and exits without a sync; init then powers
    # off.  What it wrote must be on the disk (init syncs first).
    Case(name="ext2-poweroff-sync", description="a file written without sync is on the disk after init powers off",
         board="qemu-virt", args=virt("1", "128M", *disk("{build}/fs-sync.img")),
         append="cp /bin/busybox /mnt/sh-copy",
         prepare=[["python3", "{src}/tools/mk-ext2-image.py", "{build}/fs-sync.img"]],
         after=[["python3", "{src}/tools/check-ext2-image.py", "--sets", "premade",
                 "--same", "/sh-copy={build}/initramfs-root/bin/busybox", "{build}/fs-sync.img"]],
         steps=[BANNER, Expect(r"^init: cp exited with status 0", "cp copied /bin/busybox to the disk"),
                Expect(r"^sluice: power off", "init powers off")],
         exit_status=0, timeout=60),
    # root=/dev/vda: init mounts the ext2 disk over / and runs its programs.
    Case(name="ext2-root", description="root=/dev/vda: the ext2 disk is the root, /dev and /proc on it",
         board="qemu-virt", args=virt("2", "128M", *disk("{build}/fs-root.img")),
         append="root=/dev/vda cat /proc/mounts",
         prepare=[["python3", "{src}/tools/mk-ext2-image.py", "--system", "{build}/initramfs-root",
                   "{build}/fs-root.img"]],
         after=[["python3", "{src}/tools/check-ext2-image.py", "--sets", "premade", "{build}/fs-root.img"]],
         steps=[BANNER, Expect(r"^init: root is /dev/vda \(ext2\)", "init mounts the root"),
                Expect(r"^/dev/vda / ext2 rw 0 0", "the disk is /"),
                Expect(r"^init: cat exited with status 0", "/bin/cat ran from the disk")],
         exit_status=0, timeout=60),
    # root=/dev/vda with the shell: the same userland from the ext2 disk
    # (mke2fs -d of the initramfs tree, as make run makes disk.img), written
    # to, then busybox's poweroff: init remounts the root read-only, so the
    # superblock says clean and the file is there.
    Case(name="ext2-root-session", description="root=/dev/vda: ash from the disk, a file written, poweroff, clean",
         board="qemu-virt", args=virt("2", "128M", *disk("{build}/fs-rootsh.img")),
         append="root=/dev/vda",
         prepare=[["python3", "{src}/tools/mk-ext2-image.py", "--system", "{build}/initramfs-root",
                   "{build}/fs-rootsh.img"]],
         after=[["python3", "{src}/tools/check-ext2-image.py", "--sets", "premade",
                 "--same", "/root/note={build}/initramfs-root/etc/passwd", "{build}/fs-rootsh.img"]],
         steps=[BANNER, Expect(r"^init: root is /dev/vda \(ext2\)", "init mounts the root"),
                Expect(r"root@sluice:~# ", "ash's prompt, from the disk"),
                Send("grep ' / ' /proc/mounts\r", "what / is"),
                Expect(r"^/dev/vda / ext2 rw 0 0", "the disk, read-write"),
                Send("cp /etc/passwd /root/note && mkdir -p /var/log && ls -d /var/log\r",
                     "write to the root", delay=0.3),
                Expect(r"^/var/log\r?$", "a new directory on the root"),
                Send("poweroff\r", "busybox's poweroff", delay=0.5),
                Expect(r"init: powering off", "init was asked"),
                Expect(r"init: / remounted read-only", "the root made read-only: clean"),
                Expect(r"^sluice: power off", "the machine powers off")],
         exit_status=0, timeout=60),
    # The founding story: open("foo") on the ext2 disk, the read sleeps on
    # the disk while a CPU-bound process runs (one hart), the data is right.
    # The founding story watched with the trap tracer (docs/tracing.md):
    # trace=... on the kernel command line prints, for the processes named
    # story, each openat and read with its arguments and result, the copy
    # of the path, the sleep on the disk, the disk's interrupt (on
    # whichever hart takes it) and the wake-up.
    Case(name="trace-story", description="the tracer shows open(\"foo\"): ecall, copy, sleep, interrupt, wake, return",
         board="qemu-virt", args=virt("2", "128M", *disk("{build}/fs-trace.img")),
         append="trace=syscall,copy,sched,irq,comm=story,call=openat+read,out=console story /mnt",
         prepare=[["python3", "{src}/tools/mk-ext2-image.py", "{build}/fs-trace.img"]],
         after=[["python3", "{src}/tools/check-ext2-image.py", "--sets", "premade", "{build}/fs-trace.img"]],
         steps=[BANNER,
                Expect(r"^trace: \[ *\d+\.\d{6}\] h\d (\d+) story: ecall openat\(dirfd=AT_FDCWD, "
                       r"upath=\"foo\", flags=O_RDONLY, mode=0\) from 0x[0-9a-f]+\r?$",
                       "the ecall: openat's arguments by name, the path read from user memory"),
                Expect(r"^trace: .* story: copies in \"foo\", 3 bytes, from 0x[0-9a-f]+\r?$",
                       "the kernel copies the path itself"),
                Expect(r"^trace: .* story: sleeps in \w+\+0x[0-9a-f]+\r?$", "the reader sleeps on the disk"),
                Expect(r"^trace: .* h\d .*: interrupt: external, PLIC source \d+ \(virtio-blk\)\r?$",
                       "the disk's interrupt"),
                Expect(r"^trace: .* wakes \d+ story\r?$", "the interrupt wakes the reader"),
                Expect(r"^trace: .* story: return openat = \d+ to 0x[0-9a-f]+\r?$",
                       "back to user mode after the ecall, with the fd"),
                Expect(r"^story: ok: read 300000 bytes of foo", "the story, as told")],
         exit_status=0, timeout=60),
    Case(name="story", description="open(\"foo\") on ext2: the read sleeps, another process runs",
         board="qemu-virt", args=virt("1", "128M", *disk("{build}/fs-story.img")),
         append="story /mnt",
         prepare=[["python3", "{src}/tools/mk-ext2-image.py", "{build}/fs-story.img"]],
         after=[["python3", "{src}/tools/check-ext2-image.py", "--sets", "premade", "{build}/fs-story.img"]],
         steps=[BANNER,
                Expect(r"^story: ok: read 300000 bytes of foo; the counter went from \d+ to \d+ "
                       r"while the read slept", "the story, as told"),
                Expect(r"^story: ok: the first read took \d+ sectors from the disk, the second 0",
                       "read twice, from the disk once (/proc/diskstats)"),
                Expect(r"^init: free pages (\d+) before, \1 after: nothing leaked", "every page back")],
         also_forbid=[r"FAIL", r"LEAKED"], exit_status=0, timeout=60),

    # The shell (busybox's ash), driven through the serial console as a user
    # would: the prompt with the hostname and cwd, a pipeline with
    # redirections, 2>&1, a loop with arithmetic, a background job, ^C of a
    # foreground job (the shell survives it), exit (init starts another),
    # then busybox's poweroff, which asks init to stop everything, write the
    # disk out and unmount it: the disk must be clean afterwards.
    Case(name="shell-session", description="ash on the console: prompt, pipes, redirections, &, ^C, poweroff",
         board="qemu-virt", args=virt("2", "128M", *disk("{build}/fs-shell.img")),
         append="",
         prepare=[["python3", "{src}/tools/mk-ext2-image.py", "{build}/fs-shell.img"]],
         after=[["python3", "{src}/tools/check-ext2-image.py", "--sets", "premade",
                 "--same", "/bb={build}/initramfs-root/bin/busybox", "{build}/fs-shell.img"]],
         steps=[BANNER, Expect(r"BusyBox v1\.\d+.* built-in shell \(ash\)", "busybox's ash"),
                Expect(r"root@sluice:~# ", "the prompt: user, hostname, cwd"),
                Send("cat /mnt/foo | wc -c\r", "the ext2 disk at /mnt"),
                Expect(r"^ *300000\r?$", "foo's 300000 bytes through a pipe"),
                Send("umount /mnt && ls /mnt | wc -l && mount -t ext2 /dev/vda /mnt && ls -1 /mnt\r",
                     "umount, mount again", delay=0.3),
                Expect(r"^ *0\r?$", "nothing under /mnt unmounted"),
                Expect(r"^foo\r?$", "the disk is back"),
                Send("echo 'echo from a script: $1' > /tmp/s.sh; sh /tmp/s.sh yes\r", "a script file",
                     delay=0.3),
                Expect(r"^from a script: yes\r?$", "the script ran with its argument"),
                Send("for i in 1 2 3; do echo n$((i * 2)); done | tr '\\n' ' '; echo\r",
                     "a loop with arithmetic", delay=0.3),
                Expect(r"^n2 n4 n6 \r?$", "three turns, doubled"),
                Send("trapstat true 2>&1 | grep -c ecall-u\r", "trapstat of a command", delay=0.3),
                Expect(r"^1\r?$", "trapstat counted its system calls"),
                Send("trace -e openat cat /etc/hostname 2>&1 | grep -c 'cat: ecall openat(dirfd=AT_FDCWD, "
                     "upath=\"/etc/hostname\", flags=O_RDONLY'\r", "trace of a command", delay=0.5),
                Expect(r"^1\r?$", "trace showed cat's openat, decoded"),
                Send("echo one two three | wc -w > /tmp/n; cat /tmp/n\r", "a pipeline into a file"),
                Expect(r"^ *3\r?$", "wc counted three words, through the file"),
                Send("echo four >> /tmp/n && grep -c . < /tmp/n\r", ">> and <", delay=0.3),
                Expect(r"^2\r?$", "the appended line is there"),
                Send("ls /nope 2>&1 | grep -c 'No such'\r", "2>&1 into a pipe", delay=0.3),
                Expect(r"^1\r?$", "ls's error went down the pipe"),
                Send("cp /bin/busybox /mnt/bb && cd /tmp\r", "a file onto the disk, then cd", delay=0.5),
                Expect(r"root@sluice:/tmp# ", "the prompt follows the cwd", timeout=20),
                Send("sleep 1 &\r", "a background job", delay=0.3),
                Send("sleep 30\r", "a foreground job", delay=0.3),
                Send("\x03", "^C", delay=1.0),
                Expect(r"^\[\d+\]\+? +Done +sleep 1", "the background job reported done", timeout=5),
                Send("echo status $?\r", "the shell is still there", delay=0.5),
                Expect(r"^status 130\r?$", "the job died of SIGINT (128 + 2)"),
                Send("exit\r", "leave the shell", delay=1.5),
                Expect(r"^init: the shell exited; starting another", "init respawns the shell"),
                Expect(r"root@sluice:~# ", "a new prompt"),
                Send("poweroff\r", "busybox's poweroff", delay=0.5),
                Expect(r"init: powering off: stopping every process", "init was asked"),
                Expect(r"init: /mnt unmounted", "the disk written out and unmounted"),
                Expect(r"^sluice: power off", "the machine powers off")],
         exit_status=0, timeout=90),

    # ---- the system-call fuzzer: bounded runs with fixed seeds (tools/fuzz-loop.py
    # runs many seeds for hours; docs/robustness.md)
    fuzz_case("fuzz-smp1", "syscall fuzzer, 2 workers, one hart", "1",
              "-s 1 -n 4000 -w 2 -T 60" + fuzz_exclude_args(FUZZ_EXCLUDE)),
    fuzz_case("fuzz-smp4", "syscall fuzzer, 4 workers, four harts", "4",
              "-s 2 -n 3000 -w 4 -T 60" + fuzz_exclude_args(FUZZ_EXCLUDE)),

    # ---- QEMU sifive_u (the HiFive Unleashed): hart 0 is the E51 without S-mode.
    # SRST shutdown is not supported there: the kernel resets and -no-reboot
    # makes QEMU exit (status 0).
    # sluice.hart_ids makes the harts say they are the FU540's U54s, whose
    # sfence.vma by address is unreliable (CIP-1200): the same image, found
    # out at run time; the boot self-test checks the flushes are whole.
    Case(name="sifive_u", description="sifive_u, 5 harts (E51 + 4 U54), 128 MiB, fw_jump, ELF kernel",
         board="qemu-sifive-u", args=["-machine", "sifive_u", "-smp", "5", "-m", "128M", "-no-reboot"],
         append="sluice.test=boot sluice.hart_ids=0x489,1,0x20181004",
         steps=[BANNER,
                Expect(r"^  hart 0: rv64imac\w*, disabled, no MMU, no S-mode \(not used\)",
                       "hart 0 (E51) noted as without MMU and S-mode"),
                Expect(r"^console: sifive,uart0@0x10010000", "SiFive UART from stdout-path"),
                Expect(r"^errata: SiFive CIP-1200, so whole-TLB flushes only "
                       r"\(mvendorid 0x489, marchid 0x1, mimpid 0x20181004\)",
                       "the erratum found from the machine ids"),
                BOOT_OK,
                Expect(r"shutdown refused \(error -2\); rebooting instead", "falls back to reset")],
         exit_status=0),
    Case(name="sifive_u-sched", description="sifive_u: harts 1-4 started, never hart 0 (no S-mode)",
         board="qemu-sifive-u", args=["-machine", "sifive_u", "-smp", "5", "-m", "128M", "-no-reboot"],
         append="sluice.test=sched",
         steps=[BANNER, Expect(r"^smp: 4 harts running", "the four U54s run, the E51 does not"),
                Expect(r"^sluice: sched ok", "sched ok")],
         exit_status=0),
]
