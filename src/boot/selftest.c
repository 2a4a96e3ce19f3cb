/*
 * Boot self-tests, chosen with the test hook sluice.test=NAME (built only
 * with SLUICE_TEST_HOOKS: sluice/testhooks.h).  The
 * QEMU tests (test/qemu/cases.py) boot with them and read the verdicts from
 * the console:
 *   boot           check memory, page-table permissions and the timer, print
 *                  "sluice: boot ok", power off
 *   fault          a load from an unmapped kernel address: the panic report
 *                  must name the cause and this function
 *   stackoverflow  unbounded recursion: must be reported as a stack overflow
 *   userptr        a plain load from a user address (sstatus.SUM clear):
 *                  must be reported as a kernel bug, not succeed
 *   spurious       an interrupt source enabled with no handler (the UART's,
 *                  which the console then leaves alone): typed keys must
 *                  give one interrupt, counted, and then the source masked
 *   sched          kernel threads: preemption, sleep and wakeup, and that
 *                  their stacks and structures are all given back
 *   uaccess        the user-copy helpers near page edges (selftest_uaccess.c)
 */
#include <sluice/boot.h>
#include <sluice/console.h>
#include <sluice/errno.h>
#include <sluice/irq.h>
#include <sluice/kvm.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/sbi.h>
#include <sluice/string.h>
#include <sluice/timer.h>
#include <sluice/tlb.h>
#include <sluice/uvm.h>
#include <sluice/vm.h>

extern char _text[], _rodata[], _data[], __bss_end[], boot_stack_lo[];

static int failures;

static void check(bool ok, const char *what)
{
	printk("selftest: %s %s\n", ok ? "ok  " : "FAIL", what);
	if (!ok)
		failures++;
}

/* Does va map with exactly these permission bits (among R W X U G A)? */
static bool maps_as(vaddr_t va, uint64_t want)
{
	paddr_t pa;
	uint64_t bits;
	uint64_t mask = PTE_R | PTE_W | PTE_X | PTE_U | PTE_G | PTE_A;

	return vm_translate(kvm_root_pa, va, &pa, &bits) == 0 && (bits & mask) == want &&
	       (!(bits & PTE_W) || (bits & PTE_D));
}

static void selftest_page_tables(void)
{
	uint64_t ro = PTE_R | PTE_G | PTE_A;
	paddr_t pa;
	uint64_t bits;
	void *page = page_alloc_zeroed_kva();

	check(maps_as((vaddr_t)_text, ro | PTE_X), "kernel text is R+X, global, accessed");
	check(maps_as((vaddr_t)_rodata, ro), "kernel rodata is read-only");
	check(maps_as((vaddr_t)_data, ro | PTE_W), "kernel data is R+W, dirty, not X");
	check(vm_translate(kvm_root_pa, (vaddr_t)boot_stack_lo - PAGE_SIZE, &pa, &bits) == -ENOENT,
	      "boot stack guard page is unmapped");
	check(page && maps_as((vaddr_t)page, ro | PTE_W), "linear map of free RAM is R+W, not X");
	check(maps_as(LINEAR_MAP_BASE + kernel_image_pa, ro),
	      "linear alias of the kernel is read-only");
	if (page)
		page_free(virt_to_phys(page), 0);
}

static void selftest_allocators(void)
{
	size_t before = page_free_count();
	paddr_t blocks[PAGE_MAX_ORDER + 1];
	void *objs[64];
	bool ok = true;

	for (unsigned int o = 0; o <= PAGE_MAX_ORDER; o++)
		blocks[o] = page_alloc(o);
	for (size_t i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kmalloc(8 + i * 97);
		if (objs[i])
			memset(objs[i], (int)i, 8 + i * 97);
		ok = ok && objs[i];
	}
	for (unsigned int o = 0; o <= PAGE_MAX_ORDER; o++) {
		ok = ok && blocks[o] && IS_ALIGNED(blocks[o], PAGE_SIZE << o);
		if (blocks[o])
			page_free(blocks[o], o);
	}
	for (size_t i = 0; i < ARRAY_SIZE(objs); i++)
		kfree(objs[i]);
	check(ok, "page_alloc of every order and kmalloc of many sizes");
	printk("selftest: free pages before %zu, after %zu\n", before, page_free_count());
	check(page_free_count() == before, "nothing leaked: free page count is back");
}

/*
 * Kernel stacks (kstack.c): a freed stack stays mapped to its own pages,
 * since another hart may still hold a translation of it (it woke the
 * stack's owner through a poll_waiter or futex waiter on it); the pages go
 * back only when memory runs out, after every hart's TLB is flushed.
 */
static void selftest_kstacks(void)
{
	size_t before = page_free_count();
	unsigned long top = kstack_alloc(), again;
	paddr_t pa0 = 0, pa1 = 0;
	uint64_t bits;
	void *hoard = NULL;

	check(top && vm_translate(kvm_root_pa, top - PAGE_SIZE, &pa0, &bits) == 0,
	      "a kernel stack is mapped");
	kstack_free(top);
	check(vm_translate(kvm_root_pa, top - PAGE_SIZE, &pa1, &bits) == 0 && pa1 == pa0,
	      "a freed kernel stack keeps its pages mapped (a stale translation stays harmless)");
	check(page_free_count() == before, "its pages count as free");
	again = kstack_alloc();
	check(again == top, "the next stack takes the parked one");
	kstack_free(again);
	/* Take every page: page_alloc reclaims the parked stack on the way,
	 * and frees it once every hart has flushed its TLB: at once, or (under
	 * -icount, where this hart may run on before the others get a turn)
	 * at a later try. */
	size_t taken = 0;
	for (int round = 0; round < 2; round++) {
		for (paddr_t pa; (pa = page_alloc(0)); taken++) {
			*(void **)phys_to_virt(pa) = hoard;
			hoard = phys_to_virt(pa);
		}
		timer_sleep_until(timer_ns() + 20000000ull);
	}
	check(vm_translate(kvm_root_pa, top - PAGE_SIZE, &pa1, &bits) == -ENOENT,
	      "out of memory, the parked stack is unmapped");
	printk("selftest: %zu pages taken of %zu free\n", taken, before);
	check(taken == before, "every free page could be taken, the parked stack's too");
	while (hoard) {
		void *next = *(void **)hoard;
		page_free(virt_to_phys(hoard), 0);
		hoard = next;
	}
	check(page_free_count() == before, "every page is back");
}

/* This hart's timer interrupts so far. */
static uint64_t hart_ticks(const struct hart *h)
{
	return __atomic_load_n(&h->irq_count[IRQ_S_TIMER], __ATOMIC_RELAXED);
}

static void selftest_timer(void)
{
	uint64_t start = read_time(), limit = start + timer_frequency() * 5; /* 5 s of guest time */
	const struct hart *h = this_hart();
	uint64_t base = hart_ticks(h), here = 0, before = 0;
	unsigned int moves = 0;

	/*
	 * A long kernel loop with interrupts on: the tick must get through.
	 * This is a kernel thread, so a tick may preempt it and another hart
	 * take it up, whose count is unrelated: count on the hart it is on,
	 * and count each move as the one tick that caused it.
	 */
	while (before + here < 5 && read_time() < limit) {
		const struct hart *now = this_hart();
		if (now != h) {
			before += here + 1;
			h = now, base = hart_ticks(h), here = 0, moves++;
			continue;
		}
		here = hart_ticks(h) - base;
	}
	uint64_t us = (read_time() - start) * 1000000 / timer_frequency();
	printk("selftest: %lu timer ticks in %lu us (%u of them moved it to another hart)\n",
	       (unsigned long)(before + here), (unsigned long)us, moves);
	check(before + here >= 5, "timer interrupts arrive during a kernel loop");
}

/*
 * A one-page flush is one sfence.vma by address, unless errata_init found
 * CIP-1200 (or sluice.hart_ids acted it out): then the whole TLB goes.
 */
static void selftest_tlb_errata(void)
{
	struct tlb_stats s0, s1;
	unsigned long sie = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE) & SSTATUS_SIE;

	tlb_stats_read(&s0);
	tlb_flush_local(KERNEL_VA_BASE, PAGE_SIZE, -1);
	tlb_stats_read(&s1);
	if (sie)
		local_irq_enable();
	if (tlb_flush_all_only)
		check(s1.local_all == s0.local_all + 1 && s1.local_one == s0.local_one,
		      "CIP-1200: a one-page flush flushes the whole TLB");
	else
		check(s1.local_one == s0.local_one + 1 && s1.local_all == s0.local_all,
		      "a one-page flush is by address");
}

static void selftest_boot(void)
{
	selftest_tlb_errata();
	selftest_page_tables();
	selftest_allocators();
	selftest_kstacks();
	selftest_timer();
	if (failures)
		printk("sluice: boot selftest FAILED (%d)\n", failures);
	else
		printk("sluice: boot ok\n");
	sbi_poweroff();
}

/* Not static, not inlined: the panic report must name this function. */
__attribute__((noinline)) void selftest_fault(void)
{
	/* Physical address 0 is not RAM, so its linear-map address is unmapped. */
	volatile unsigned long *p = (volatile unsigned long *)(LINEAR_MAP_BASE + 0x10);

	printk("selftest: loading from unmapped kernel address %p\n", (void *)p);
	(void)*p;
	printk("selftest: FAIL the load did not fault\n");
}

/*
 * A user page really mapped at 0x10000 in the active address space, then a
 * plain kernel load from it (not the user-access helpers): with sstatus.SUM
 * clear, S-mode may not touch U pages, so it must fault and be reported.
 * (Were SUM left set, the load would succeed and the test would say FAIL.)
 */
__attribute__((noinline)) void selftest_userptr(void)
{
	volatile unsigned long *p = (volatile unsigned long *)0x10000;
	struct mm *mm = uvm_create();

	if (!mm || uvm_add_region(mm, 0x10000, PAGE_SIZE, PROT_READ | PROT_WRITE, 0) ||
	    !uvm_page_for_kernel(mm, 0x10000)) {
		printk("selftest: FAIL no memory for a user page\n");
		return;
	}
	uvm_activate(mm);
	printk("selftest: plain load from mapped user address %p\n", (void *)p);
	(void)*p;
	printk("selftest: FAIL the load did not fault\n");
}

/* Deeper than any stack: the compiler cannot see that it never stops. */
static volatile unsigned long recursion_limit = ~0ul;

__attribute__((noinline)) static unsigned long selftest_recurse(unsigned long n)
{
	volatile char buf[512];

	buf[0] = (char)n;
	if (n == recursion_limit)
		return 0;
	return selftest_recurse(n + 1) + buf[0];
}

#define SPINNERS 4
static volatile uint64_t spin_counts[SPINNERS], spin_not_me[SPINNERS];
static volatile bool spin_stop;

/*
 * Never sleeps or yields: only the tick can take the hart away from it, and
 * put it back on any hart.  Wherever it runs, current_proc() must be itself.
 */
static void spinner(void *arg)
{
	struct proc *me = current_proc();

	while (!spin_stop) {
		spin_counts[(uintptr_t)arg]++;
		if (current_proc() != me)
			spin_not_me[(uintptr_t)arg]++;
	}
}

static struct spinlock flag_lock = SPINLOCK_INIT;
static struct waitq flag_wq = WAITQ_INIT;
static bool flag;
static volatile bool sleeper_saw_flag;

static void sleeper(void *arg)
{
	unsigned long flags = spin_lock_irqsave(&flag_lock);
	while (!flag)
		waitq_sleep(&flag_wq, &flag_lock);
	spin_unlock_irqrestore(&flag_lock, flags);
	sleeper_saw_flag = true;
}

/* Yield until only `procs` processes remain (the others exited and were
 * reaped), for at most about 2 s of guest time. */
static bool wait_for_proc_count(size_t procs)
{
	uint64_t deadline = timer_ns() + 2000000000ull;

	while (proc_count() > procs && timer_ns() < deadline)
		proc_yield();
	return proc_count() == procs;
}

static void selftest_sched(void)
{
	size_t pages = page_free_count(), procs = proc_count();
	bool started = true;

	for (uintptr_t i = 0; i < SPINNERS; i++) {
		struct proc *t = kthread_create(spinner, (void *)i, "spinner");
		started = started && t;
		if (t)
			proc_start(t);
	}
	struct proc *s = kthread_create(sleeper, NULL, "sleeper");
	started = started && s;
	if (s)
		proc_start(s);
	check(started, "created 4 spinning kernel threads and a sleeper");
	timer_sleep_until(timer_ns() + 300000000ull); /* 0.3 s of spinning */
	bool all_ran = true;
	for (int i = 0; i < SPINNERS; i++)
		all_ran = all_ran && spin_counts[i] > 0;
	check(all_ran, "every spinner ran: the tick preempts kernel threads");
	uint64_t not_me = 0;
	for (int i = 0; i < SPINNERS; i++)
		not_me += spin_not_me[i];
	check(not_me == 0, "current_proc() stays right when a thread moves to another hart");
	check(!sleeper_saw_flag, "the sleeper sleeps until woken");
	unsigned long flags = spin_lock_irqsave(&flag_lock);
	flag = true;
	spin_unlock_irqrestore(&flag_lock, flags);
	waitq_wake_all(&flag_wq);
	spin_stop = true;
	check(wait_for_proc_count(procs), "all threads exited and were reaped");
	check(sleeper_saw_flag, "the sleeper woke and saw the flag");
	/* Another hart may still be in the middle of freeing the last one. */
	for (uint64_t end = timer_ns() + 1000000000ull;
	     page_free_count() != pages && timer_ns() < end;)
		proc_yield();
	printk("selftest: free pages before %zu, after %zu\n", pages, page_free_count());
	check(page_free_count() == pages, "their stacks and structures were freed");
	printk("sluice: sched %s\n", failures ? "FAILED" : "ok");
	sbi_poweroff();
}

static void selftest_spurious(void)
{
	int irq = console_test_unhandled_rx(&platform);

	check(irq > 0 && plic_test_enable_unhandled((uint32_t)irq) == 0,
	      "the UART's source enabled with no handler");
	printk("selftest: type two keys\n");
	uint64_t end = timer_ns() + 10000000000ull;
	while (irq > 0 && irq_count_all((uint32_t)irq) == 0 && timer_ns() < end)
		timer_sleep_until(timer_ns() + 10000000);
	timer_sleep_until(timer_ns() + 1500000000ull); /* the second key comes */
	long n = irq > 0 ? irq_count_all((uint32_t)irq) : -1;
	printk("selftest: source %d interrupted %ld time%s\n", irq, n, n == 1 ? "" : "s");
	check(n == 1, "counted once, then masked: not fatal, not again");
	printk("sluice: spurious %s\n", failures ? "FAILED" : "ok");
	sbi_poweroff();
}

static void selftest_stackoverflow(void)
{
	printk("selftest: recursing until the stack overflows\n");
	selftest_recurse(0);
}

/* The tests by name, as sluice.test=NAME gives it. */
static const struct {
	const char *name;
	void (*run)(void);
} selftests[] = {
	{"boot", selftest_boot},
	{"fault", selftest_fault},
	{"userptr", selftest_userptr},
	{"spurious", selftest_spurious},
	{"sched", selftest_sched},
	{"uaccess", selftest_uaccess},
	{"stackoverflow", selftest_stackoverflow},
};

void selftest_run(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(selftests); i++) {
		if (strlen(selftests[i].name) == len && !strncmp(name, selftests[i].name, len)) {
			selftests[i].run();
			return;
		}
	}
	printk("selftest: unknown test '%.*s' (known:", (int)len, name);
	for (size_t i = 0; i < ARRAY_SIZE(selftests); i++)
		printk(" %s", selftests[i].name);
	printk(")\n");
}
