/*
 * The C half of the one trap vector.  trap_entry (entry.S) saved the
 * registers; trap_dispatch decides on scause: interrupts by their number,
 * exceptions through a table indexed by cause code.  Each handler is named
 * after its cause.
 */
#include <sluice/adcheck.h>
#include <sluice/deadline.h>
#include <sluice/errno.h>
#include <sluice/hart.h>
#include <sluice/irq.h>
#include <sluice/memlayout.h>
#include <sluice/oom.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/signal.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
#include <sluice/testhooks.h>
#include <sluice/timer.h>
#include <sluice/tlb.h>
#include <sluice/trace.h>
#include <sluice/trap.h>
#include <sluice/uaccess.h>
#include <sluice/uvm.h>
#include <sluice/vfs_internal.h>

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
	/* As after every trap (entry.S): user memory and the FPU closed. */
	csr_clear(CSR_SSTATUS, SSTATUS_SUM | SSTATUS_FS);
	/* User programs may read cycle, time and instret (rdcycle, rdtime, rdinstret). */
	csr_write(CSR_SCOUNTEREN, 7);
	/* Software interrupts: IPIs for rescheduling and for halting on panic. */
	csr_set(CSR_SIE, SIE_SSIE);
}

static bool trap_from_user(const struct trap_frame *tf)
{
	return !(tf->sstatus & SSTATUS_SPP);
}

static void do_trap_unexpected(struct trap_frame *tf)
{
	trap_die(tf, "unexpected exception in the kernel");
}

/* Linux's si_code values for the signals faults raise. */
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define ILL_ILLOPC  1
#define TRAP_BRKPT  1
#define BUS_ADRALN  1
#define BUS_ADRERR  2

/*
 * sluice.fault_stuck=ADDR (test hook): a kernel copy's fault on the user
 * page at ADDR is answered as handled while nothing gets mapped, as a bug
 * in the VM would leave it; usertests copy_fault_stuck checks that the copy
 * then fails (EFAULT) instead of faulting for ever.  Read once.
 */
static bool fault_stuck(vaddr_t va)
{
	static int state; /* 0: not looked at yet; 1: off; 2: on */
	static vaddr_t page;
	const char *v;
	size_t n;

	if (!TEST_HOOKS_BUILT)
		return false;
	if (!state) {
		vaddr_t a = 0;
		bool on = test_hook(TEST_HOOK_FAULT_STUCK, &v, &n);
		for (size_t i = on && n > 2 && v[0] == '0' && v[1] == 'x' ? 2 : n;
		     i < n && hex_digit(v[i]) >= 0; i++)
			a = a * 16 + (vaddr_t)hex_digit(v[i]);
		page = ALIGN_DOWN(a, PAGE_SIZE);
		state = on && page ? 2 : 1;
	}
	return state == 2 && ALIGN_DOWN(va, PAGE_SIZE) == page;
}

/*
 * Page faults.  From user mode: the VM maps the page or the process gets
 * SIGSEGV.  From the kernel: only the user-memory helpers may fault, on a
 * user address with sstatus.SUM set; if the VM cannot map the page, the
 * exception table sends the helper to its -EFAULT exit.  With no page
 * free, oom_fault kills the largest process and waits for its memory
 * (-ENOMEM: the victim was the faulting process; SIGKILL ends it on its
 * way out, after the -EFAULT exit if it was in a system call).  It may
 * wait only if the fault came with interrupts on (SPIE): no spinlock held.
 */
static void do_trap_page_fault(struct trap_frame *tf)
{
	struct proc *p = current_proc();
	bool is_write = (tf->scause == EXC_STORE_PAGE_FAULT);
	bool is_exec = (tf->scause == EXC_INST_PAGE_FAULT);

	if (trap_from_user(tf)) {
		local_irq_enable();
		/* Out of memory, oom_fault has killed the largest process (or
		 * this one) and waited for its pages: nothing more to do. */
		int err = oom_fault(p->mm, tf->stval, is_write, is_exec, true, true);
		if (__builtin_expect(adcheck_on, 0) && !err)
			adcheck_leaf(p->mm, tf->stval);
		if (__builtin_expect(trace_on, 0))
			trace_fault(tf, err);
		if (err == -ENXIO || err == -ENOSPC) /* past the end of the file; a full tmpfs */
			signal_force_fault(SIGBUS, tf->stval, BUS_ADRERR);
		else if (err && err != -ENOMEM)
			signal_force_fault(SIGSEGV, tf->stval,
					   err == -EACCES ? SEGV_ACCERR : SEGV_MAPERR);
		return;
	}
	/* A user copy's fault (SUM was set): mapped now, the copy goes on; with
	 * SIGKILL pending it fails at once (EFAULT), as Linux's does, so that
	 * no copy outlives the kill. */
	if (tf->stval < USER_VA_END && p && p->mm && (tf->sstatus & SSTATUS_SUM) &&
	    !fatal_signal_pending() &&
	    (fault_stuck(tf->stval) || oom_fault(p->mm, tf->stval, is_write, is_exec, false,
						 tf->sstatus & SSTATUS_SPIE) == 0) &&
	    uvm_fault_took(p->mm, tf->stval, is_write))
		return;
	if (uaccess_fixup(tf))
		return;
	trap_die(tf, tf->stval < USER_VA_END
			     ? "kernel touched a user address outside the user-access helpers"
			     : "unexpected page fault in the kernel");
}

/* Other faults: a signal to a user process, fatal in the kernel. */
static void do_trap_user_signal(struct trap_frame *tf)
{
	static const struct {
		int sig, code;
	} by_cause[EXC_COUNT] = {
		[EXC_INST_MISALIGNED] = {SIGBUS, BUS_ADRALN},
		[EXC_INST_ACCESS] = {SIGSEGV, SEGV_ACCERR},
		[EXC_ILLEGAL_INST] = {SIGILL, ILL_ILLOPC},
		[EXC_BREAKPOINT] = {SIGTRAP, TRAP_BRKPT},
		[EXC_LOAD_MISALIGNED] = {SIGBUS, BUS_ADRALN},
		[EXC_LOAD_ACCESS] = {SIGSEGV, SEGV_ACCERR},
		[EXC_STORE_MISALIGNED] = {SIGBUS, BUS_ADRALN},
		[EXC_STORE_ACCESS] = {SIGSEGV, SEGV_ACCERR},
	};

	if (!trap_from_user(tf))
		do_trap_unexpected(tf);
	if (__builtin_expect(trace_on, 0))
		trace_fault(tf, 1);
	signal_force_fault(by_cause[tf->scause].sig, tf->stval, by_cause[tf->scause].code);
}

typedef void (*exc_handler_t)(struct trap_frame *tf);

static const exc_handler_t exc_handlers[EXC_COUNT] = {
	[EXC_INST_MISALIGNED] = do_trap_user_signal,
	[EXC_INST_ACCESS] = do_trap_user_signal,
	[EXC_ILLEGAL_INST] = do_trap_user_signal,
	[EXC_BREAKPOINT] = do_trap_user_signal,
	[EXC_LOAD_MISALIGNED] = do_trap_user_signal,
	[EXC_LOAD_ACCESS] = do_trap_user_signal,
	[EXC_STORE_MISALIGNED] = do_trap_user_signal,
	[EXC_STORE_ACCESS] = do_trap_user_signal,
	/* EXC_ECALL_U never gets here: trap_dispatch sends it to syscall_handle. */
	[EXC_ECALL_S] = do_trap_unexpected,
	[EXC_INST_PAGE_FAULT] = do_trap_page_fault,
	[EXC_LOAD_PAGE_FAULT] = do_trap_page_fault,
	[EXC_STORE_PAGE_FAULT] = do_trap_page_fault,
};

/* An IPI from another hart: halt (a panic elsewhere) or reschedule. */
static void do_irq_soft(void)
{
	csr_clear(CSR_SIP, SIE_SSIE);
	if (harts_halting)
		hart_halt();
	tlb_kernel_flush_check(); /* a flush another hart asked for (tlb.h) */
	this_hart()->need_resched = true;
}

static void do_irq(struct trap_frame *tf, unsigned long irq)
{
	if (__builtin_expect(trace_on, 0))
		trace_irq(tf, irq);
	switch (irq) {
	case IRQ_S_TIMER: {
		/* A tick, or a deadline between ticks: timers are due either way,
		 * but only a tick counts time and may switch. */
		bool tick = timer_interrupt();
		if (tick)
			proc_account_tick(trap_from_user(tf));
		deadlines_fire(timer_ns()); /* ITIMER_REAL, POSIX timers, timerfds */
		if (tick)
			sched_tick();
		break;
	}
	case IRQ_S_SOFT:
		do_irq_soft();
		break;
	case IRQ_S_EXT:
		plic_handle_interrupt();
		break;
	default:
		/* Nothing enables other sources yet: seeing one is a bug. */
		trap_die(tf, "interrupt that nothing enabled");
	}
}

/*
 * On the way back to user mode: the tick may want the hart, a signal may be
 * waiting.  Both are rare, so look before calling.  User code (like kernel
 * code that had interrupts on) holds no spinlock: it may be switched out.
 */
static inline void trap_return_work(struct trap_frame *tf, struct proc *p)
{
	/*
	 * p is current_proc(), read by the caller after its last call: not
	 * kept in a callee-saved register across anything on the system-call
	 * path (each one costs a save and a restore there).  After the switch
	 * point it is read again for the same reason (it is the same process,
	 * on whichever hart it now runs).
	 */
	if (hart_need_resched()) {
		sched_preempt_point();
		p = current_proc();
	}
	if (p->sig_pending & ~p->sig_blocked)
		signal_deliver(tf);
}

/* Every trap but a system call: interrupts by number, exceptions by table. */
static __attribute__((noinline)) void trap_dispatch_other(struct trap_frame *tf)
{
	struct hart *h = this_hart();
	unsigned long code = tf->scause & ~CAUSE_IRQ_FLAG;

	uaccess_check_closed("a trap handler");
	if (tf->scause & CAUSE_IRQ_FLAG) {
		if (code < ARRAY_SIZE(h->irq_count))
			h->irq_count[code]++;
		do_irq(tf, code);
		if (trap_from_user(tf))
			trap_return_work(tf, current_proc());
		else if (tf->sstatus & SSTATUS_SPIE)
			sched_preempt_point();
		local_irq_disable();
		return;
	}
	/* Exceptions are counted per process (interrupts per hart, above). */
	if (trap_from_user(tf) && code < ARRAY_SIZE(h->current->trap_count))
		h->current->trap_count[code]++;
	if (code < EXC_COUNT && exc_handlers[code])
		exc_handlers[code](tf);
	else
		do_trap_unexpected(tf);
	if (trap_from_user(tf))
		trap_return_work(tf, current_proc());
	local_irq_disable(); /* handlers may have enabled them; trap_return needs them off */
}

void trap_dispatch(struct trap_frame *tf)
{
	/*
	 * System calls are most of all traps: straight to the syscall table,
	 * without decoding the cause further (only U-mode raises this one).
	 * Every other cause takes the general route, trap_dispatch_other.
	 */
	unsigned long scause = csr_read(CSR_SCAUSE);

	if (scause != EXC_ECALL_U) {
		tf->scause = scause;
		tf->stval = csr_read(CSR_STVAL);
		trap_dispatch_other(tf);
		return;
	}
	tf->scause = scause; /* kept for anyone who looks at a syscall's frame */
	/* Counted by syscall_handle, by call (see there). */
	/* Interrupts are on while the call runs: it may take long, or sleep. */
	local_irq_enable();
	long ret = __builtin_expect(hart_trace_on(), 0) ? trace_syscall(tf) : syscall_handle(tf);
	/* -ERESTARTSYS .. -ERESTART_RESTARTBLOCK: a signal cut the call short;
	 * signal_deliver, next, restarts it or makes it EINTR.  a0 still
	 * holds the call's first argument here, for a restart.  One compare
	 * here: nothing below -ERESTARTSYS comes back but those and what
	 * rt_sigreturn restores, which signal_syscall_interrupted tells apart. */
	if (__builtin_expect(ret <= -ERESTARTSYS, 0))
		ret = signal_syscall_interrupted(tf, ret);
	tf->x[REG_A0] = (unsigned long)ret;
	/* Files borrowed from a shared fd table go back (a last put may
	 * sleep).  p is read afresh after each call: see trap_return_work. */
	struct proc *p = current_proc();
	if (p->fd_borrowed_n) {
		fd_borrow_end();
		p = current_proc();
	}
	local_irq_disable();
	trap_return_work(tf, p);
}
