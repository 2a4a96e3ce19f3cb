/*
 * The C half of the one trap vector.  trap_entry (entry.S) saved the
 * registers; trap_dispatch decides on scause: interrupts by their number,
 * exceptions through a table indexed by cause code.  Each handler is named
 * after its cause.
 */
#include <sluice/hart.h>
#include <sluice/printk.h>
#include <sluice/riscv.h>
#include <sluice/timer.h>
#include <sluice/trap.h>

extern char trap_entry[];

static const char *const exc_names[EXC_COUNT] = {
	[EXC_INST_MISALIGNED] = "Instruction address misaligned",
	[EXC_INST_ACCESS] = "Instruction access fault",
	[EXC_ILLEGAL_INST] = "Illegal instruction",
	[EXC_BREAKPOINT] = "Breakpoint",
	[EXC_LOAD_MISALIGNED] = "Load address misaligned",
	[EXC_LOAD_ACCESS] = "Load access fault",
	[EXC_STORE_MISALIGNED] = "Store/AMO address misaligned",
	[EXC_STORE_ACCESS] = "Store/AMO access fault",
	[EXC_ECALL_U] = "Environment call from U-mode",
	[EXC_ECALL_S] = "Environment call from S-mode",
	[EXC_INST_PAGE_FAULT] = "Instruction page fault",
	[EXC_LOAD_PAGE_FAULT] = "Load page fault",
	[EXC_STORE_PAGE_FAULT] = "Store/AMO page fault",
};

static const char *const irq_names[16] = {
	[IRQ_S_SOFT] = "Supervisor software interrupt",
	[IRQ_S_TIMER] = "Supervisor timer interrupt",
	[IRQ_S_EXT] = "Supervisor external interrupt",
};

const char *trap_cause_name(unsigned long scause)
{
	unsigned long code = scause & ~CAUSE_IRQ_FLAG;
	const char *name = NULL;

	if (scause & CAUSE_IRQ_FLAG) {
		if (code < ARRAY_SIZE(irq_names))
			name = irq_names[code];
	} else if (code < ARRAY_SIZE(exc_names)) {
		name = exc_names[code];
	}
	return name ? name : "Reserved or unknown cause";
}

void trap_init_hart(void)
{
	/* Direct mode: every trap enters at trap_entry (4-byte aligned). */
	csr_write(CSR_SSCRATCH, 0);
	csr_write(CSR_STVEC, (unsigned long)trap_entry | STVEC_MODE_DIRECT);
}

static bool trap_from_user(const struct trap_frame *tf)
{
	return !(tf->sstatus & SSTATUS_SPP);
}

/*
 * Exceptions.  User-mode causes get their handlers with the process work
 * (syscalls, page faults, signals); until then every exception here is one
 * nobody expected.
 */
static void do_trap_unexpected(struct trap_frame *tf)
{
	trap_die(tf, trap_from_user(tf) ? "exception from user mode, which has no handler yet"
					: "unexpected exception in the kernel");
}

typedef void (*exc_handler_t)(struct trap_frame *tf);

static const exc_handler_t exc_handlers[EXC_COUNT] = {
	[EXC_INST_MISALIGNED] = do_trap_unexpected,
	[EXC_INST_ACCESS] = do_trap_unexpected,
	[EXC_ILLEGAL_INST] = do_trap_unexpected,
	[EXC_BREAKPOINT] = do_trap_unexpected,
	[EXC_LOAD_MISALIGNED] = do_trap_unexpected,
	[EXC_LOAD_ACCESS] = do_trap_unexpected,
	[EXC_STORE_MISALIGNED] = do_trap_unexpected,
	[EXC_STORE_ACCESS] = do_trap_unexpected,
	[EXC_ECALL_U] = do_trap_unexpected,
	[EXC_ECALL_S] = do_trap_unexpected,
	[EXC_INST_PAGE_FAULT] = do_trap_unexpected,
	[EXC_LOAD_PAGE_FAULT] = do_trap_unexpected,
	[EXC_STORE_PAGE_FAULT] = do_trap_unexpected,
};

static void do_irq(struct trap_frame *tf, unsigned long irq)
{
	switch (irq) {
	case IRQ_S_TIMER:
		timer_interrupt();
		break;
	default:
		/* Nothing enables other sources yet: seeing one is a bug. */
		trap_die(tf, "interrupt that nothing enabled");
	}
}

void trap_dispatch(struct trap_frame *tf)
{
	struct hart *h = this_hart();
	unsigned long code = tf->scause & ~CAUSE_IRQ_FLAG;

	if (tf->scause & CAUSE_IRQ_FLAG) {
		if (code < ARRAY_SIZE(h->irq_count))
			h->irq_count[code]++;
		do_irq(tf, code);
		return;
	}
	if (code < ARRAY_SIZE(h->exc_count))
		h->exc_count[code]++;
	if (code < EXC_COUNT && exc_handlers[code])
		exc_handlers[code](tf);
	else
		do_trap_unexpected(tf);
}
