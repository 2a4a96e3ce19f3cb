/*
 * When the kernel itself breaks: panic() for a broken invariant, trap_die()
 * for a trap in kernel mode that nobody expected.  Both print what a
 * developer needs (cause by name, registers, a backtrace with symbol names)
 * and halt every hart.
 */
#include <sluice/console.h>
#include <sluice/hart.h>
#include <sluice/ksyms.h>
#include <sluice/panic.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/syscall.h>
#include <sluice/trap.h>
#include <stdarg.h>

static const char *const reg_names[32] = {
	"zero", "ra", "sp", "gp", "tp",	 "t0",	"t1", "t2", "s0", "s1", "a0",
	"a1",	"a2", "a3", "a4", "a5",	 "a6",	"a7", "s2", "s3", "s4", "s5",
	"s6",	"s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

static void print_symbol(unsigned long addr)
{
	unsigned long off;
	const char *name = ksyms_lookup(addr, &off);

	if (name)
		printk("%s+0x%lx", name, off);
	else
		printk("?");
}

/* Is [p, p+len) on one of this hart's stacks?  Backtraces trust nothing else. */
static bool on_hart_stack(const struct hart *h, unsigned long p, unsigned long len)
{
	/* Written so that a wild p near 0 or ~0 cannot wrap into range. */
	return (p >= h->kstack_lo && p <= h->kstack_top - len) ||
	       (p >= h->overflow_lo && p <= h->overflow_sp - len);
}

/*
 * Walk the frame-pointer chain.  The kernel is built with frame pointers:
 * each function's s0 is its caller's sp at entry, with the return address
 * saved at s0 - 8 and the caller's s0 at s0 - 16.  A leaf function (one that
 * calls nothing) saves only s0, at s0 - 8, and keeps its return address in
 * ra: so if the first frame's s0 - 8 holds a stack address rather than a
 * text address, it is a leaf and its caller is in ra (the trap frame's).
 */
static void backtrace(unsigned long pc, unsigned long fp, unsigned long ra)
{
	/* LAB traps: begin (docs/labs/traps.md, task 1: the kernel backtrace) */
	const struct hart *h = this_hart();
	unsigned long offset;

	printk("backtrace:\n");
	for (int depth = 0; depth < 32; depth++) {
		printk("  [%2d] 0x%016lx ", depth, pc);
		print_symbol(pc);
		printk("\n");
		if (!IS_ALIGNED(fp, 8) || !on_hart_stack(h, fp - 16, 16))
			break;
		unsigned long *frame = (unsigned long *)fp;
		if (depth == 0 && ra && !ksyms_lookup(frame[-1], &offset) &&
		    on_hart_stack(h, frame[-1], 8)) {
			pc = ra;
			fp = frame[-1];
		} else {
			pc = frame[-1];
			fp = frame[-2];
		}
		if (pc == 0)
			break;
		pc -= 4; /* point into the call, not after it */
	}
	/* LAB traps: stub
	(void)fp;
	(void)ra;
	(void)on_hart_stack;
	printk("backtrace:\n  [ 0] 0x%016lx ", pc);
	print_symbol(pc);
	printk("\n");
	   LAB traps: end */
}

static void dump_registers(const struct trap_frame *tf)
{
	for (int i = 1; i < 32; i++)
		printk("%4s: 0x%016lx%s", reg_names[i], tf->x[i], i % 3 == 0 ? "\n" : "  ");
	printk("\n");
}

/* A fault on the guard page below the stack, or a frame already pushed
 * onto the overflow stack, means the kernel stack overflowed. */
static bool is_stack_overflow(const struct trap_frame *tf)
{
	const struct hart *h = this_hart();
	unsigned long addr = (unsigned long)tf;

	if (addr >= h->overflow_lo && addr < h->overflow_sp)
		return true;
	return tf->stval < h->kstack_lo && tf->stval >= h->kstack_lo - PAGE_SIZE;
}

/*
 * Which process the hart was working for, and in which system call if the
 * last trap from its user mode was one: "process 7 (fstests), in
 * read(fd=3, ...)".  A kernel bug found by a user program is then easy to
 * reproduce.
 */
static void report_process(void)
{
	const struct proc *p = this_hart()->current;

	if (!p || !p->tf)
		return;
	printk("process %d (%s)", p->pid, p->name);
	if (p->tf->scause == EXC_ECALL_U) {
		printk(", in ");
		syscall_print(p->tf);
	}
	printk("\n");
}

/* Set on the first report: a fault while reporting must not report again. */
static volatile bool dying;

static void die_once(void)
{
	if (dying) {
		printk("\n*** fault while reporting a kernel fault; all harts halted\n");
		hart_halt();
	}
	dying = true;
}

__noreturn void trap_die(struct trap_frame *tf, const char *why)
{
	console_enter_panic();
	die_once();
	hart_halt_others();
	if (is_stack_overflow(tf))
		why = "kernel stack overflow";
	printk("\n*** kernel trap on hart %u: %s\n", this_hart()->hartid, why);
	printk("cause:   %s (scause 0x%lx)\n", trap_cause_name(tf->scause), tf->scause);
	printk("sepc:    0x%016lx ", tf->sepc);
	print_symbol(tf->sepc);
	printk("\nstval:   0x%016lx\nsstatus: 0x%016lx (%s mode)\n", tf->stval, tf->sstatus,
	       tf->sstatus & SSTATUS_SPP ? "supervisor" : "user");
	dump_registers(tf);
	backtrace(tf->sepc, tf->x[REG_S0], tf->x[REG_RA]);
	report_process();
	printk("panic: %s: %s in ", why, trap_cause_name(tf->scause));
	print_symbol(tf->sepc);
	printk("\nall harts halted\n");
	hart_halt();
}

__noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	local_irq_disable();
	console_enter_panic();
	die_once();
	hart_halt_others();
	printk("\npanic on hart %u: ", this_hart()->hartid);
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	backtrace((unsigned long)__builtin_return_address(0) - 4,
		  ((unsigned long *)__builtin_frame_address(0))[-2], 0);
	report_process();
	printk("all harts halted\n");
	hart_halt();
}
