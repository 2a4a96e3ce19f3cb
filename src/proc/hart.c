/*
 * Harts (hardware threads).  For now only the boot hart runs; starting the
 * others with SBI HSM comes with the scheduler.
 */
#include <sluice/hart.h>
#include <sluice/riscv.h>
#include <sluice/sbi.h>

extern char boot_stack_lo[], boot_stack_top[];
extern char boot_overflow_stack_lo[], boot_overflow_stack_top[];

static struct hart boot_hart;
static volatile bool halting;

void hart_init_boot(uint32_t hartid)
{
	struct hart *h = &boot_hart;

	h->hartid = hartid;
	h->online = true;
	h->kstack_lo = (unsigned long)boot_stack_lo;
	h->kstack_top = (unsigned long)boot_stack_top;
	h->overflow_lo = (unsigned long)boot_overflow_stack_lo;
	h->overflow_sp = (unsigned long)boot_overflow_stack_top;
	__asm__ volatile("mv tp, %0" ::"r"(h));
}

void hart_halt_others(void)
{
	/* Only the boot hart is online until SMP start-up exists. */
	halting = true;
}

__noreturn void hart_halt(void)
{
	local_irq_disable();
	csr_write(CSR_SIE, 0);
	for (;;)
		wait_for_interrupt();
}
