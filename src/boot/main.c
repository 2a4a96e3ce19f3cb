/*
 * kmain: from the first C code at the kernel's virtual address to the boot
 * banner.  The order matters: traps first (so a fault is reported, not a
 * silent hang), then the device tree, memory, the final page table, the
 * UART, the timer.  docs/boot.md tells the story.
 */
#include <sluice/adcheck.h>
#include <sluice/blk.h>
#include <sluice/boot.h>
#include <sluice/cmdline.h>
#include <sluice/console.h>
#include <sluice/driver.h>
#include <sluice/errata.h>
#include <sluice/errno.h>
#include <sluice/fs.h>
#include <sluice/hart.h>
#include <sluice/irq.h>
#include <sluice/kvm.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/sbi.h>
#include <sluice/testhooks.h>
#include <sluice/timer.h>
#include <sluice/trace.h>
#include <sluice/trap.h>
#include <sluice/uvm.h>
#include <sluice/writeback.h>

#ifndef SLUICE_VERSION
#define SLUICE_VERSION "unknown"
#endif

/* The largest tree we accept; head.S maps the two gigabytes from the
 * tree's start, so the parser can never read past what is mapped. */
#define DT_MAX_BLOB (16 * MiB)

struct dt_platform platform;
extern char _text[], _end[];

static __noreturn void boot_fatal(const char *what)
{
	printk("sluice: cannot boot: %s\n", what);
	sbi_poweroff();
}

static void print_harts(uint32_t boot_hartid)
{
	printk("harts: %d in the device tree\n", platform.nharts);
	for (int i = 0; i < platform.nharts; i++) {
		const struct dt_hart *h = &platform.harts[i];
		printk("  hart %u: %s%s%s%s%s\n", h->hartid, h->isa[0] ? h->isa : "(no riscv,isa)",
		       h->enabled ? "" : ", disabled", h->has_mmu ? "" : ", no MMU",
		       h->has_smode ? "" : ", no S-mode",
		       h->hartid == boot_hartid ? " (boot hart)"
		       : dt_hart_usable(h)	? ""
						: " (not used)");
	}
}

static void print_sbi(void)
{
	static const struct {
		bool *has;
		const char *name;
	} exts[] = {
		{&sbi.has_time, "TIME"}, {&sbi.has_ipi, "IPI"},	  {&sbi.has_rfence, "RFENCE"},
		{&sbi.has_hsm, "HSM"},	 {&sbi.has_srst, "SRST"}, {&sbi.has_pmu, "PMU"},
		{&sbi.has_dbcn, "DBCN"}, {&sbi.has_susp, "SUSP"}, {&sbi.has_cppc, "CPPC"},
	};

	printk("sbi: %s %lu.%lu, SBI spec %lu.%lu, extensions:", sbi_impl_name(sbi.impl_id),
	       sbi.impl_version >> 16, sbi.impl_version & 0xffff, (sbi.spec_version >> 24) & 0x7f,
	       sbi.spec_version & 0xffffff);
	for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
		if (*exts[i].has)
			printk(" %s", exts[i].name);
	printk("\n");
}

static void print_banner(uint32_t hartid, unsigned long instret0)
{
	unsigned long instret = csr_read(CSR_INSTRET);

	printk("\nSluice %s (riscv64, Sv39) on %s\n", SLUICE_VERSION,
	       platform.model[0] ? platform.model : "an unnamed machine");
	printk("boot hart: %u\n", hartid);
	printk("kernel: physical 0x%lx-0x%lx (%lu KiB), virtual 0x%lx\n",
	       (unsigned long)kernel_image_pa, (unsigned long)(kernel_image_pa + (_end - _text)),
	       (unsigned long)((_end - _text) / KiB), (unsigned long)_text);
	print_harts(hartid);
	printk("memory: %lu MiB in %d range%s from 0x%lx; %d reserved\n",
	       (unsigned long)(mm_ram_bytes() / MiB), platform.nmem, platform.nmem == 1 ? "" : "s",
	       (unsigned long)platform.mem[0].base, platform.nreserved);
	printk("pages: %zu free of %zu (%zu KiB free)\n", page_free_count(), page_total_count(),
	       (size_t)(page_free_count() * (PAGE_SIZE / KiB)));
	print_sbi();
	printk("timer: %lu Hz timebase, %d Hz tick, Sstc %s\n", (unsigned long)timer_frequency(),
	       TIMER_HZ, timer_uses_sstc() ? "present: stimecmp" : "absent: SBI set_timer");
	printk("console: %s\n", console_describe());
	printk("command line: %s\n", platform.bootargs);
	printk("boot: %lu instructions from hand-over to banner (hand-over at instret %lu)\n",
	       instret - instret0, instret0);
}

/* The self-test named by the test hook sluice.test=NAME, as a kernel thread. */
static void selftest_thread(void *arg)
{
	const char *test;
	size_t len;

	if (test_hook(TEST_HOOK_SELFTEST, &test, &len))
		selftest_run(test, len);
}

/* From one boot hart to processes on every hart: start the other harts,
 * then the first process; then this hart joins the scheduler too. */
static __noreturn void boot_processes(unsigned long hartid)
{
	const char *v;
	size_t len;

	proc_init_boot();
	uvm_init_asids(cmdline_get(platform.bootargs, "sluice.noasid", &v, &len));
	adcheck_on = cmdline_get(platform.bootargs, "sluice.check_ad", &v, &len);
	/* The other harts first: their stacks are allocated before any test
	 * counts free pages. */
	unsigned int max = DT_MAX_HARTS;
	if (cmdline_get(platform.bootargs, "sluice.harts", &v, &len) && len)
		max = (unsigned int)MAX(1, v[0] - '0');
	hart_start_secondaries(max);
	printk("smp: %u hart%s running, %u ASID bits\n", hart_count_online(),
	       hart_count_online() == 1 ? "" : "s", uvm_asid_bits());
	if (test_hook(TEST_HOOK_SELFTEST, &v, &len)) {
		struct proc *t = kthread_create(selftest_thread, NULL, "selftest");
		if (!t)
			boot_fatal("no memory for the self-test thread");
		proc_start(t);
	} else {
		init_start(platform.bootargs);
	}
	/* The flusher after init, which is pid 1; both are there before
	 * either runs, so its stack is there before any count of pages. */
	writeback_start();
	scheduler();
}

__noreturn void kmain(unsigned long hartid, paddr_t dtb_pa, unsigned long instret0,
		      paddr_t image_pa)
{
	kernel_image_pa = image_pa;
	console_init_early(); /* printk works from here on */
	hart_init_boot((uint32_t)hartid);
	trap_init_hart();
	sbi_probe();

	size_t dt_room = MIN(ALIGN_UP(dtb_pa + 1, GiB) + GiB - dtb_pa, DT_MAX_BLOB);
	if (dt_platform_parse(phys_to_virt(dtb_pa), dt_room, &platform))
		boot_fatal(platform.error ? platform.error : "bad device tree");
	if (mm_init(&platform, image_pa, dtb_pa))
		boot_fatal("no usable memory");
	if (kvm_init(&platform))
		boot_fatal("no kernel page table");
	console_init_uart(&platform);
	timer_init(&platform, (uint32_t)hartid, false);
	if (plic_init(&platform) == 0) {
		plic_init_hart();
		/* sluice.test=spurious wants the UART's interrupt unhandled. */
		if (!test_hook_is(TEST_HOOK_SELFTEST, "spurious"))
			console_enable_input_irq(&platform);
	}
	print_banner((uint32_t)hartid, instret0);
	test_hooks_check(platform.bootargs);
	errata_init();		       /* before any other hart runs: they flush as it decides */
	trace_init(platform.bootargs); /* trace=SPEC: docs/tracing.md */
	/* Everything else the device tree describes, by the driver model. */
	drivers_probe(phys_to_virt(dtb_pa), dt_room);
	if (blk_cache_init() == -ENODEV)
		printk("disk: no virtio block device found; going on without a disk\n");
	fs_init(); /* the root file system from the initramfs, /dev, /proc */

	boot_processes(hartid);
}
