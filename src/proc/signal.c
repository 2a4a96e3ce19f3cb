/*
 * Signals: see <sluice/signal.h>.  The frame a handler runs on follows
 * Linux's riscv64 rt_sigframe (siginfo, then ucontext with the saved
 * registers), so programs that look at it find what they expect.  The
 * floating-point part of the frame is left zero for now.
 */
#include <sluice/errno.h>
#include <sluice/fp.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/signal.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
#include <sluice/timer.h>
#include <sluice/tty.h>
#include <sluice/uaccess.h>
#include <sluice/uvm.h>
#include <sluice/vm.h>

struct k_siginfo {
	int32_t si_signo, si_errno, si_code, pad;
	uint64_t at16; /* fault address, or sender's pid and uid */
	uint64_t at24; /* sigqueue's value, a child's status */
	uint8_t rest[128 - 32];
};

struct k_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
	uint64_t uc_sigmask;
	uint8_t unused[120];
	/* uc_mcontext: pc, then x1-x31; then the FP state (16-aligned): the
	 * D extension's f0-f31 and fcsr, in a union as large as the Q one's,
	 * whose tail (a zero header here) would describe vector state. */
	uint64_t regs[32] __attribute__((aligned(16)));
	uint64_t fregs[32] __attribute__((aligned(16)));
	uint32_t fcsr;
	uint8_t fp_rest[528 - 32 * 8 - 4];
};
_Static_assert(sizeof(struct k_ucontext) == 960, "Linux riscv64's struct ucontext");

struct rt_sigframe {
	struct k_siginfo info;
	struct k_ucontext uc;
};

#define CANT_BLOCK (sig_bit(SIGKILL) | sig_bit(SIGSTOP))

static paddr_t trampoline_page;

int signal_init(void)
{
	/* li a7, 139 (rt_sigreturn); ecall */
	static const uint32_t code[] = {0x08b00893, 0x00000073};
	void *page = page_alloc_zeroed_kva();

	if (!page)
		return -ENOMEM;
	memcpy(page, code, sizeof(code));
	__asm__ volatile("fence.i" ::: "memory");
	trampoline_page = virt_to_phys(page);
	page_pin(trampoline_page); /* the kernel's for good: mappings do not count it */
	return 0;
}

int signal_map_trampoline(struct mm *mm)
{
	int err = uvm_add_region(mm, SIGRETURN_TRAMPOLINE, PAGE_SIZE, PROT_READ | PROT_EXEC, 0);

	if (!err)
		err = vm_map_range(mm->root, SIGRETURN_TRAMPOLINE, trampoline_page, PAGE_SIZE,
				   PTE_R | PTE_X | PTE_U | PTE_A, 0);
	return err;
}

bool fatal_signal_pending(void)
{
	struct proc *p = current_proc();

	return p && (__atomic_load_n(&p->sig_pending, __ATOMIC_RELAXED) & sig_bit(SIGKILL));
}

static bool default_is_ignore(int sig);

/* Stopped processes sleep here until SIGCONT or SIGKILL; stop_lock guards
 * the clearing of p->stopped against the sleeper's test. */
static struct waitq stop_wq = WAITQ_INIT;
static struct spinlock stop_lock = SPINLOCK_INIT;

/*
 * Done when the signal is sent, whatever its action, as on Linux: SIGCONT
 * continues a stopped process and cancels its pending stop signals; a
 * stop signal cancels a pending SIGCONT.
 */
static void signal_job_control(struct proc *p, int sig)
{
	unsigned long flags = spin_lock_irqsave(&stop_lock);
	bool woke = false;

	spin_lock(&p->lock);
	if (sig == SIGCONT) {
		p->sig_pending &= ~SIG_STOP_MASK;
		woke = p->stopped;
		p->stopped = false;
	} else {
		p->sig_pending &= ~sig_bit(SIGCONT);
	}
	spin_unlock(&p->lock);
	spin_unlock_irqrestore(&stop_lock, flags);
	if (woke)
		waitq_wake_all(&stop_wq);
}

void signal_continue(struct proc *p)
{
	signal_job_control(p, SIGCONT);
}

void signal_send(struct proc *p, int sig)
{
	struct sig_info info = {SI_KERNEL, 0, 0};

	signal_send_info(p, sig, &info);
}

void signal_send_info(struct proc *p, int sig, const struct sig_info *info)
{
	if (sig == SIGCONT || (sig_bit(sig) & SIG_STOP_MASK))
		signal_job_control(p, sig);
	unsigned long flags = spin_lock_irqsave(&p->lock);
	uint64_t h = p->sig_action[sig - 1].handler;

	/* An ignored signal that is not blocked is discarded at once, as on
	 * Linux: it must not interrupt a sleep (a SIGCHLD ending a pipe read
	 * with EINTR, say). */
	if (!(p->sig_blocked & sig_bit(sig)) &&
	    (h == SIG_IGN || (h == SIG_DFL && default_is_ignore(sig)))) {
		spin_unlock_irqrestore(&p->lock, flags);
		return;
	}
	if (!(p->sig_pending & sig_bit(sig)))
		p->sig_info[sig - 1] = *info;
	p->sig_pending |= sig_bit(sig);
	/* Wake it for a signal it will act on, or one it waits for. */
	bool wake = (sig_bit(sig) & (~p->sig_blocked | p->sig_waiting)) != 0;
	spin_unlock_irqrestore(&p->lock, flags);
	if (wake)
		proc_wake(p);
}

/*
 * A fault no handler takes kills the process: say so on the console, as
 * Linux does (its show_unhandled_signals is on by default), with the
 * program, the signal, the address and where it was: the first clue to a
 * crash seen once.  At most 10 such lines in 5 s (a fuzzer makes many).
 */
static void say_unhandled(const struct proc *p, int sig, int code, unsigned long addr)
{
	static uint64_t window;
	static unsigned int said;
	uint64_t now = timer_ns();

	if (now - __atomic_load_n(&window, __ATOMIC_RELAXED) > 5000000000ull) {
		__atomic_store_n(&window, now, __ATOMIC_RELAXED);
		__atomic_store_n(&said, 0, __ATOMIC_RELAXED);
	}
	if (__atomic_fetch_add(&said, 1, __ATOMIC_RELAXED) >= 10)
		return;
	printk("%s[%d]: unhandled signal %d code %#x at %#lx pc %#lx ra %#lx\n", p->name, p->pid,
	       sig, (unsigned int)code, addr, p->tf ? p->tf->sepc : 0ul,
	       p->tf ? p->tf->x[REG_RA] : 0ul);
}

void signal_force_fault(int sig, unsigned long addr, int code)
{
	struct proc *p = current_proc();
	unsigned long flags = spin_lock_irqsave(&p->lock);
	/* A fault that is blocked or ignored would only fault again: default
	 * (for every thread: the action is the process's). */
	bool reset = (p->sig_blocked & sig_bit(sig)) || p->sig_action[sig - 1].handler == SIG_IGN;

	if (reset) {
		p->sig_blocked &= ~sig_bit(sig);
		p->sig_action[sig - 1].handler = SIG_DFL;
	}
	p->sig_pending |= sig_bit(sig);
	p->sig_info[sig - 1] = (struct sig_info){code, addr, 0};
	bool dies = p->sig_action[sig - 1].handler == SIG_DFL;
	spin_unlock_irqrestore(&p->lock, flags);
	if (reset)
		thread_share_action(p, sig);
	if (dies)
		say_unhandled(p, sig, code, addr);
}

bool signal_pending(void)
{
	struct proc *p = current_proc();

	return p && (p->sig_pending & ~p->sig_blocked);
}

static bool default_is_ignore(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

/* Is sp on p's alternate signal stack? */
static bool on_altstack(const struct proc *p, unsigned long sp)
{
	return p->ss_size && sp > p->ss_sp && sp - p->ss_sp <= p->ss_size;
}

/* sigaltstack's view of p's alternate stack, for sp (flags and all). */
static void altstack_get(const struct proc *p, unsigned long sp, uint64_t *ssp, int32_t *flags,
			 uint64_t *size)
{
	*ssp = p->ss_sp;
	*size = p->ss_size;
	*flags = (int32_t)(on_altstack(p, sp) ? SS_ONSTACK : p->ss_size ? p->ss_flags : SS_DISABLE);
}

/*
 * sigaltstack's change, for a caller whose stack pointer is sp: EPERM on
 * the alternate stack, EINVAL for flags but 0, SS_ONSTACK (the same) or
 * SS_DISABLE (each with SS_AUTODISARM), ENOMEM under MINSIGSTKSZ.
 */
static long altstack_set(struct proc *p, unsigned long sp, uint64_t ssp, int32_t flags,
			 uint64_t size)
{
	uint32_t mode = (uint32_t)flags & ~SS_AUTODISARM;

	if (on_altstack(p, sp) && !(p->ss_flags & SS_AUTODISARM))
		return -EPERM;
	if (mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		p->ss_sp = p->ss_size = 0;
		p->ss_flags = 0;
		return 0;
	}
	if (size < MINSIGSTKSZ)
		return -ENOMEM;
	p->ss_sp = ssp;
	p->ss_size = size;
	p->ss_flags = (uint32_t)flags & SS_AUTODISARM;
	return 0;
}

/* Linux's stack_t on riscv64. */
struct k_stack {
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
};

long sys_sigaltstack(const void __user *uss, void __user *uoss)
{
	struct proc *p = current_proc();
	unsigned long sp = p->tf->x[REG_SP];
	struct k_stack old = {0}, ss;

	altstack_get(p, sp, &old.ss_sp, &old.ss_flags, &old.ss_size);
	if (uss) {
		if (copy_from_user(&ss, uss, sizeof(ss)))
			return -EFAULT;
		long err = altstack_set(p, sp, ss.ss_sp, ss.ss_flags, ss.ss_size);
		if (err)
			return err;
	}
	return uoss ? copy_to_user(uoss, &old, sizeof(old)) : 0;
}

void signal_exec(struct proc *p)
{
	p->ss_sp = p->ss_size = 0;
	p->ss_flags = 0;
}

/* Where the frame goes: below sp, or at the top of the alternate stack
 * for a handler with SA_ONSTACK (unless already on it). */
static unsigned long signal_frame_sp(struct proc *p, const struct trap_frame *tf,
				     const struct k_sigaction *act)
{
	unsigned long sp = tf->x[REG_SP];

	if ((act->flags & SA_ONSTACK) && p->ss_size && !on_altstack(p, sp)) {
		sp = p->ss_sp + p->ss_size;
		if (p->ss_flags & SS_AUTODISARM)
			p->ss_size = p->ss_sp = p->ss_flags = 0; /* the frame keeps it */
	}
	return ALIGN_DOWN(sp - sizeof(struct rt_sigframe), 16);
}

/* The registers, FP ones too, and the alternate stack into the frame. */
static void signal_save_context(struct proc *p, const struct trap_frame *tf, struct k_ucontext *uc)
{
	altstack_get(p, tf->x[REG_SP], &uc->ss_sp, &uc->ss_flags, &uc->ss_size);
	uc->regs[0] = tf->sepc;
	for (int i = 1; i < 32; i++)
		uc->regs[i] = tf->x[i];
	fp_save_current(p); /* the live registers, if it changed any */
	if (p->fp_saved) {
		memcpy(uc->fregs, p->fp_regs, sizeof(uc->fregs));
		uc->fcsr = p->fp_fcsr;
	}
}

unsigned long signal_frame_size(void)
{
	return ALIGN_UP(sizeof(struct rt_sigframe), 16);
}

/* Run the handler: push an rt_sigframe and point the frame at the handler. */
static int signal_setup_frame(struct proc *p, struct trap_frame *tf, int sig,
			      const struct k_sigaction *act, const struct sig_info *info)
{
	struct rt_sigframe f;
	uint64_t ss_sp = p->ss_sp, ss_size = p->ss_size;
	uint32_t ss_flags = p->ss_flags;

	memset(&f, 0, sizeof(f));
	f.info.si_signo = sig;
	f.info.si_code = info->code;
	f.info.at16 = info->at16;
	f.info.at24 = info->at24;
	signal_save_context(p, tf, &f.uc);
	f.uc.uc_sigmask = p->sig_restore_mask ? p->sig_saved_mask : p->sig_blocked;
	unsigned long sp = signal_frame_sp(p, tf, act);
	if (copy_to_user((void *)sp, &f, sizeof(f))) {
		p->ss_sp = ss_sp, p->ss_size = ss_size, p->ss_flags = ss_flags;
		return -EFAULT;
	}
	p->sig_restore_mask = false; /* the frame has it: sigreturn restores it */
	tf->sepc = act->handler;
	tf->x[REG_RA] = SIGRETURN_TRAMPOLINE;
	tf->x[REG_SP] = sp;
	tf->x[REG_A0] = (unsigned long)sig;
	tf->x[REG_A0 + 1] = sp + __builtin_offsetof(struct rt_sigframe, info);
	tf->x[REG_A0 + 2] = sp + __builtin_offsetof(struct rt_sigframe, uc);
	p->sig_blocked |= (act->mask | (act->flags & SA_NODEFER ? 0 : sig_bit(sig))) & ~CANT_BLOCK;
	return 0;
}

/* Take the lowest pending unblocked signal, or 0. */
static int signal_dequeue(struct proc *p, struct k_sigaction *act, struct sig_info *info)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	uint64_t ready = p->sig_pending & ~p->sig_blocked;
	int sig = 0;

	if (ready) {
		sig = __builtin_ctzll(ready) + 1;
		p->sig_pending &= ~sig_bit(sig);
		*info = p->sig_info[sig - 1];
		*act = p->sig_action[sig - 1];
		if (act->flags & SA_RESETHAND)
			p->sig_action[sig - 1].handler = SIG_DFL;
		/* Stopped from now: a SIGCONT sent after this clears it. */
		if ((sig_bit(sig) & SIG_STOP_MASK) && act->handler == SIG_DFL && p != init_proc)
			p->stopped = true;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	/* The reset is the process's: every thread's copy of the action. */
	if (sig && (act->flags & SA_RESETHAND))
		thread_share_action(p, sig);
	if (sig && info->code == SI_TIMER)
		ptimer_dequeued(info);
	return sig;
}

/*
 * Tell the parent that p stopped or went on (status: WAIT_STOPPED or
 * WAIT_CONTINUED): its wait4 with WUNTRACED or WCONTINUED reports it, and
 * it gets SIGCHLD unless its SIGCHLD action has SA_NOCLDSTOP.
 */
static void signal_notify_parent(struct proc *p, int status)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *l = p->leader; /* the process its parent waits for */
	struct proc *parent = l->parent;

	l->wait_report = status;
	if (parent) {
		if (!(parent->sig_action[SIGCHLD - 1].flags & SA_NOCLDSTOP))
			signal_send(parent, SIGCHLD);
		waitq_wake_all(&parent->child_exit);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

int signal_take_wait_report(struct proc *c, int options)
{
	int r = c->wait_report;

	if (!r || !(options & (r == WAIT_CONTINUED ? WAIT_WCONTINUED : WAIT_WUNTRACED)))
		return 0;
	c->wait_report = 0;
	return r;
}

/*
 * The default action of a stop signal (signal_dequeue set p->stopped):
 * sleep until SIGCONT clears it or SIGKILL comes.  Other signals stay
 * pending meanwhile; they wake the sleeper, which sleeps again.
 */
static void signal_do_stop(struct proc *p, int sig)
{
	unsigned long flags;

	if (sig != SIGSTOP && jobctl_pgrp_orphaned(p->leader->pgid, NULL)) {
		flags = spin_lock_irqsave(&p->lock);
		p->stopped = false;
		spin_unlock_irqrestore(&p->lock, flags);
		return;
	}
	signal_notify_parent(p, WAIT_STOPPED(sig));
	flags = spin_lock_irqsave(&stop_lock);
	while (p->stopped && !fatal_signal_pending())
		waitq_sleep(&stop_wq, &stop_lock);
	spin_unlock_irqrestore(&stop_lock, flags);
	if (!fatal_signal_pending())
		signal_notify_parent(p, WAIT_CONTINUED);
}

long signal_syscall_interrupted(struct trap_frame *tf, long ret)
{
	struct proc *p = current_proc();

	/* rt_sigreturn returns the interrupted code's own a0, whatever it is
	 * (an ERESTART value included): it marks the frame as no system
	 * call's, as Linux does, since its a7 is the interrupted code's too. */
	if (tf->scause != EXC_ECALL_U ||
	    (unsigned long)(ret + ERESTART_RESTARTBLOCK) > ERESTART_RESTARTBLOCK - ERESTARTSYS)
		return ret; /* the trap path's test lets any ret <= -ERESTARTSYS through */
	if (signal_pending()) {
		p->restart_code = (int)-ret;
		p->restart_a0 = tf->x[REG_A0];
	}
	return -EINTR; /* unless signal_deliver restarts the call */
}

/* Run the interrupted system call again: the ecall, with its first
 * argument back (restart_syscall for a sleep). */
static void signal_restart(struct proc *p, struct trap_frame *tf)
{
	tf->x[REG_A0] = p->restart_a0;
	tf->sepc -= 4;
	if (p->restart_code == ERESTART_RESTARTBLOCK)
		tf->x[REG_A7] = SYS_restart_syscall;
	p->restart_code = 0;
}

/* A handler is about to run: the interrupted call restarts only if it
 * asked for it and the handler has SA_RESTART, else it says EINTR. */
static void signal_restart_for_handler(struct proc *p, struct trap_frame *tf,
				       const struct k_sigaction *act)
{
	int code = p->restart_code;

	if (code == ERESTARTNOINTR || (code == ERESTARTSYS && (act->flags & SA_RESTART)))
		signal_restart(p, tf);
	p->restart_code = 0;
	if (code == ERESTART_RESTARTBLOCK)
		p->restart_deadline = 0;
}

void signal_deliver(struct trap_frame *tf)
{
	struct proc *p = current_proc();
	struct k_sigaction act;
	struct sig_info info;
	int sig;

	/*
	 * The common case, checked without the lock: nothing pending.  A
	 * signal sent right after this check is not lost: the sender sets
	 * it pending and it is delivered on the next return to user mode
	 * (the tick guarantees there is one).
	 */
	if (!p || !(p->sig_pending & ~p->sig_blocked))
		return;
	while ((sig = signal_dequeue(p, &act, &info)) != 0) {
		if (act.handler == SIG_IGN && sig != SIGKILL)
			continue;
		if (act.handler == SIG_DFL || sig == SIGKILL) {
			/* As on Linux, init gets only the signals it handles. */
			if (default_is_ignore(sig) || p == init_proc)
				continue;
			if (sig_bit(sig) & SIG_STOP_MASK) {
				signal_do_stop(p, sig);
				continue;
			}
			thread_group_exit(sig); /* wait status: killed by sig */
		}
		signal_restart_for_handler(p, tf, &act);
		if (signal_setup_frame(p, tf, sig, &act, &info) == 0)
			return;
		/* No room for the frame on the user stack: that is fatal. */
		thread_group_exit(SIGSEGV);
	}
	/* No handler ran: an interrupted call goes on, a temporary mask ends. */
	signal_restore_mask(false);
	if (p->restart_code)
		signal_restart(p, tf);
}

void signal_set_temp_mask(uint64_t mask)
{
	struct proc *p = current_proc();

	p->sig_saved_mask = p->sig_blocked;
	p->sig_restore_mask = true;
	p->sig_blocked = mask & ~CANT_BLOCK;
}

void signal_restore_mask(bool interrupted)
{
	struct proc *p = current_proc();

	/* Interrupted: keep the temporary mask until the signal is acted on
	 * (signal_deliver), so the handler runs under it. */
	if (!p->sig_restore_mask || (interrupted && signal_pending()))
		return;
	p->sig_blocked = p->sig_saved_mask;
	p->sig_restore_mask = false;
}

/* Sleepers that wait for nothing but a signal (rt_sigsuspend). */
static struct waitq sig_wait_wq = WAITQ_INIT;
static struct spinlock sig_wait_lock = SPINLOCK_INIT;

/*
 * Wait for a signal with the mask *umask in force; always -EINTR.  The old
 * mask comes back after the handler (its frame saves the old one), as
 * POSIX wants: a signal blocked again on return is not lost meanwhile.
 */
long sys_rt_sigsuspend(const void __user *umask, size_t sigsetsize)
{
	uint64_t mask;

	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	signal_set_temp_mask(mask);
	unsigned long flags = spin_lock_irqsave(&sig_wait_lock);
	while (waitq_sleep_intr(&sig_wait_wq, &sig_wait_lock))
		;
	spin_unlock_irqrestore(&sig_wait_lock, flags);
	return -ERESTARTNOHAND; /* a signal that runs no handler: wait on */
}

/* Nanoseconds as Linux's struct timespec. */
static int put_timespec(void __user *u, uint64_t ns)
{
	int64_t ts[2] = {(int64_t)(ns / 1000000000ull), (int64_t)(ns % 1000000000ull)};

	return copy_to_user(u, ts, sizeof(ts));
}

long signal_sleep_interrupted(uint64_t deadline, void __user *urem, bool abs)
{
	struct proc *p = current_proc();
	uint64_t now = timer_ns();

	if (abs)
		return -ERESTARTNOHAND;
	if (urem && put_timespec(urem, deadline > now ? deadline - now : 0))
		return -EFAULT;
	p->restart_deadline = deadline;
	p->restart_urem = urem;
	return -ERESTART_RESTARTBLOCK;
}

/* What a sleep a stop or an ignored signal interrupted resumes with (the
 * kernel sets a7 to it; a program has no business calling it). */
long sys_restart_syscall(void)
{
	struct proc *p = current_proc();
	uint64_t deadline = p->restart_deadline;

	if (!deadline)
		return -EINTR;
	p->restart_deadline = 0;
	if (timer_sleep_until(deadline))
		return signal_sleep_interrupted(deadline, p->restart_urem, false);
	return 0;
}

long sys_rt_sigreturn(void)
{
	struct proc *p = current_proc();
	struct trap_frame *tf = p->tf;
	struct k_ucontext uc;
	unsigned long sp = tf->x[REG_SP];

	if (copy_from_user(&uc, (void *)(sp + __builtin_offsetof(struct rt_sigframe, uc)),
			   sizeof(uc))) {
		signal_force_fault(SIGSEGV, sp, 0);
		return -EFAULT;
	}
	(void)altstack_set(p, sp, uc.ss_sp, uc.ss_flags, uc.ss_size); /* as Linux: errors ignored */
	/* LAB traps: begin (docs/labs/traps.md, task 2: back to the interrupted code) */
	tf->sepc = uc.regs[0];
	for (int i = 1; i < 32; i++)
		tf->x[i] = uc.regs[i];
	p->sig_blocked = uc.uc_sigmask & ~CANT_BLOCK;
	/* LAB traps: stub
	(void)uc;
	   LAB traps: end */
	/* The frame is the interrupted code's now, no system call's: its a0
	 * and a7 are whatever that code had, so no ERESTART value in a0 may
	 * make this look like a call to restart (signal_syscall_interrupted). */
	tf->scause = SCAUSE_NONE;
	/* The FP registers as the frame has them (the handler may have used
	 * them, or changed the saved ones).  With interrupts off: a switch
	 * in between would save the handler's over them. */
	unsigned long flags = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);
	memcpy(p->fp_regs, uc.fregs, sizeof(p->fp_regs));
	p->fp_fcsr = uc.fcsr;
	p->fp_saved = true;
	fp_switch_in(p);
	csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
	return (long)tf->x[REG_A0]; /* the dispatcher stores this back into a0 */
}

long sys_rt_sigaction(int sig, const void __user *uact, void __user *uold, size_t sigsetsize)
{
	struct proc *p = current_proc();
	struct k_sigaction act, old;

	if (sig < 1 || sig > NSIG || sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&p->lock);
	old = p->sig_action[sig - 1];
	if (uact)
		p->sig_action[sig - 1] = act;
	spin_unlock_irqrestore(&p->lock, flags);
	if (uact)
		thread_share_action(p, sig);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(int how, const void __user *uset, void __user *uold, size_t sigsetsize)
{
	struct proc *p = current_proc();
	uint64_t set = 0, old = p->sig_blocked;

	if (sigsetsize != sizeof(uint64_t))
		return -EINVAL;
	if (uset && copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	if (uset) {
		if (how == SIG_BLOCK)
			p->sig_blocked |= set;
		else if (how == SIG_UNBLOCK)
			p->sig_blocked &= ~set;
		else if (how == SIG_SETMASK)
			p->sig_blocked = set;
		else
			return -EINVAL;
		p->sig_blocked &= ~CANT_BLOCK;
	}
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* The blocked signals that are pending, in a set of sigsetsize bytes (at
 * most 8: Linux copies what fits). */
long sys_rt_sigpending(void __user *uset, size_t sigsetsize)
{
	struct proc *p = current_proc();
	uint64_t set = p->sig_pending & p->sig_blocked;

	if (sigsetsize > sizeof(set))
		return -EINVAL;
	return copy_to_user(uset, &set, sigsetsize);
}

/* Take the lowest pending signal of set (blocked or not), with its info. */
static int signal_take(struct proc *p, uint64_t set, struct sig_info *info)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	uint64_t ready = p->sig_pending & set;
	int sig = ready ? __builtin_ctzll(ready) + 1 : 0;

	if (sig) {
		p->sig_pending &= ~sig_bit(sig);
		*info = p->sig_info[sig - 1];
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (sig && info->code == SI_TIMER)
		ptimer_dequeued(info);
	return sig;
}

/* Sleep until a signal of set is pending, another signal is to be acted
 * on, or the deadline (UINT64_MAX: none). */
static void signal_wait_for(struct proc *p, uint64_t set, uint64_t deadline)
{
	unsigned long flags = spin_lock_irqsave(&sig_wait_lock);

	p->sig_waiting = set; /* signal_send wakes us for these, blocked as they are */
	if (deadline == UINT64_MAX)
		waitq_sleep_intr(&sig_wait_wq, &sig_wait_lock);
	else
		timer_sleep_tick(&sig_wait_lock, deadline);
	p->sig_waiting = 0;
	spin_unlock_irqrestore(&sig_wait_lock, flags);
}

/* A relative timeout as a deadline on timer_ns (NULL: UINT64_MAX). */
static long signal_get_deadline(const void __user *uts, uint64_t *deadline)
{
	int64_t ts[2];
	uint64_t ns;

	*deadline = UINT64_MAX;
	if (!uts)
		return 0;
	if (copy_from_user(ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts[0] < 0 || ts[1] < 0 || ts[1] >= 1000000000)
		return -EINVAL;
	if (!__builtin_mul_overflow((uint64_t)ts[0], 1000000000ull, &ns) &&
	    !__builtin_add_overflow(ns, (uint64_t)ts[1], &ns) &&
	    !__builtin_add_overflow(ns, timer_ns(), deadline))
		return 0;
	*deadline = UINT64_MAX - 1;
	return 0;
}

/* A taken signal's siginfo_t for the caller. */
static long signal_put_info(void __user *uinfo, int sig, const struct sig_info *info)
{
	struct k_siginfo ki;

	memset(&ki, 0, sizeof(ki));
	ki.si_signo = sig;
	ki.si_code = info->code;
	ki.at16 = info->at16;
	ki.at24 = info->at24;
	return uinfo ? copy_to_user(uinfo, &ki, sizeof(ki)) : 0;
}

/*
 * Wait for one of the signals in *uthese (normally blocked) and take it
 * without running its handler: its number, EAGAIN when the timeout runs
 * out, EINTR when another signal comes first.
 */
long sys_rt_sigtimedwait(const void __user *uthese, void __user *uinfo, const void __user *uts,
			 size_t sigsetsize)
{
	struct proc *p = current_proc();
	struct sig_info info;
	uint64_t set, deadline;
	long err;
	int sig;

	if (sigsetsize != sizeof(set))
		return -EINVAL;
	if (copy_from_user(&set, uthese, sizeof(set)))
		return -EFAULT;
	if ((err = signal_get_deadline(uts, &deadline)) != 0)
		return err;
	set &= ~CANT_BLOCK;
	for (;;) {
		if ((sig = signal_take(p, set, &info)) != 0)
			return signal_put_info(uinfo, sig, &info) ? -EFAULT : sig;
		if (signal_pending())
			return -EINTR;
		if (timer_ns() >= deadline)
			return -EAGAIN;
		signal_wait_for(p, set, deadline);
	}
}

/*
 * Send sig with the caller's siginfo_t to process pid.  As Linux, a
 * process may not pretend to be the kernel or kill() (si_code >= 0) or
 * tkill to anyone but itself: EPERM.
 */
long sys_rt_sigqueueinfo(int pid, int sig, const void __user *uinfo)
{
	struct proc *self = current_proc();
	struct k_siginfo ki;

	if (copy_from_user(&ki, uinfo, sizeof(ki)))
		return -EFAULT;
	if ((ki.si_code >= 0 || ki.si_code == SI_TKILL) && pid != self->pid)
		return -EPERM;
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid <= 0)
		return -ESRCH;
	struct sig_info info = {ki.si_code, ki.at16, ki.at24};
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	long ret = -ESRCH;
	for (struct proc *p = proc_list; p; p = p->all_next) {
		if (p->pid != pid || p->kthread || p->exited)
			continue;
		ret = 0;
		if (sig)
			signal_send_info(p, sig, &info);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ret;
}
