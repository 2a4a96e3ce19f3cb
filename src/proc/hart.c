/*
 * Harts (hardware threads): the per-hart structures, and starting the other
 * harts.  The firmware starts only the boot hart; the kernel starts each
 * other hart the device tree shows as usable (enabled, with S-mode and an
 * MMU) with SBI HSM hart_start.  A started hart arrives at secondary_entry
 * (head.S) with the MMU off, turns it on with the kernel's table, and joins
 * the scheduler.
 */
#include <sluice/boot.h>
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
#include <sluice/trap.h>

extern char boot_stack_lo[], boot_stack_top[];
extern char boot_overflow_stack_lo[], boot_overflow_stack_top[];
extern char _start[], secondary_entry[];

static struct hart harts[DT_MAX_HARTS];
static unsigned int nharts_online;
static volatile unsigned long online_mask;

/* Read by secondary_entry before its MMU is on (so: physical, PC-relative). */
unsigned long secondary_satp;
unsigned long secondary_sp;
unsigned long secondary_tp;

unsigned int this_hart_index(void)
{
	return this_hart()->index;
}

unsigned long hart_online_mask(void)
{
	return online_mask;
}

static void hart_set_stacks(struct hart *h, unsigned long lo, unsigned long top,
			    unsigned long ovf_lo, unsigned long ovf_top)
{
	h->kstack_lo = h->idle_stack_lo = lo;
	h->kstack_top = h->idle_stack_top = top;
	h->overflow_lo = ovf_lo;
	h->overflow_sp = ovf_top;
}

void hart_init_boot(uint32_t hartid)
{
	struct hart *h = &harts[0];

	h->hartid = hartid;
	h->index = 0;
	h->online = true;
	hart_set_stacks(h, (unsigned long)boot_stack_lo, (unsigned long)boot_stack_top,
			(unsigned long)boot_overflow_stack_lo,
			(unsigned long)boot_overflow_stack_top);
	__asm__ volatile("mv tp, %0" ::"r"(h));
	online_mask = 1ul << hartid;
	nharts_online = 1;
}

/* The C side of a started hart: MMU on, at the kernel's address, tp set. */
__noreturn void secondary_main(void)
{
	struct hart *h = this_hart();

	trap_init_hart();
	timer_init(&platform, h->hartid, false);
	plic_init_hart();
	__atomic_or_fetch(&online_mask, 1ul << h->hartid, __ATOMIC_RELEASE);
	h->online = true;
	sbi_send_ipi(1ul << harts[0].hartid); /* the boot hart waits in wfi */
	scheduler();
}

/* Start one hart and wait (bounded) until it says it is online.  false if
 * it did not; *late if it started but did not come online in time. */
static bool hart_start_one(struct hart *h, bool *late)
{
	unsigned long stack = kstack_alloc(), ovf = kstack_alloc();

	if (!stack || !ovf)
		return false;
	hart_set_stacks(h, stack - KSTACK_SIZE, stack, ovf - KSTACK_SIZE, ovf);
	secondary_satp = SATP_MODE_SV39 | (kvm_root_pa >> PAGE_SHIFT);
	secondary_sp = stack;
	secondary_tp = (unsigned long)h;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/*
	 * The test hook sluice.hart_entry=image: start it at the image's
	 * first instruction instead, where a hart arrives when Debian's
	 * OpenSBI 1.1 loses its race (head.S, boot_entry).
	 */
	char *entry = test_hook_is(TEST_HOOK_HART_ENTRY, "image") ? _start : secondary_entry;
	long err = sbi_hart_start(h->hartid, kvm_image_to_phys(entry), 0);
	if (err) {
		printk("smp: hart %u did not start (SBI error %ld)\n", h->hartid, err);
		return false;
	}
	/*
	 * It copies secondary_* before going online: wait, at most ~1 s.  In
	 * wfi, not spinning: under QEMU's -icount the harts run in turns, and
	 * a spinning hart keeps its turn until the next timer deadline, so
	 * the started hart would never run.  It sends an IPI once online; the
	 * tick bounds the wait otherwise.
	 */
	uint64_t deadline = read_time() + timer_frequency();
	while (!(__atomic_load_n(&online_mask, __ATOMIC_ACQUIRE) & (1ul << h->hartid))) {
		if (read_time() > deadline) {
			printk("smp: hart %u started but never came online\n", h->hartid);
			*late = true;
			return false;
		}
		local_irq_enable();
		wait_for_interrupt();
		local_irq_disable();
	}
	return true;
}

void hart_start_secondaries(unsigned int max)
{
	bool late = false;

	if (!sbi.has_hsm)
		return;
	/* A hart that is late may still come and read secondary_* and its
	 * struct hart: start no other, which would overwrite them. */
	for (int i = 0; i < platform.nharts && nharts_online < max && !late; i++) {
		const struct dt_hart *d = &platform.harts[i];
		if (!dt_hart_usable(d) || d->hartid == harts[0].hartid || d->hartid >= 64)
			continue;
		struct hart *h = &harts[nharts_online];
		h->hartid = d->hartid;
		h->index = nharts_online;
		if (hart_start_one(h, &late))
			nharts_online++;
	}
}

unsigned int hart_count_online(void)
{
	return nharts_online;
}

void hart_halt_others(void)
{
	unsigned long others = online_mask & ~(1ul << this_hart()->hartid);

	/* Their IPI handler halts them: see trap.c. */
	harts_halting = true;
	if (others && sbi.has_ipi)
		sbi_send_ipi(others);
}

volatile bool harts_halting;

__noreturn void hart_halt(void)
{
	local_irq_disable();
	csr_write(CSR_SIE, 0);
	for (;;)
		wait_for_interrupt();
}

struct hart *hart_at(unsigned int index)
{
	return index < nharts_online ? &harts[index] : NULL;
}

void hart_set_trace_on(uint8_t classes)
{
	for (unsigned int i = 0; i < DT_MAX_HARTS; i++)
		harts[i].trace_on = classes;
}
