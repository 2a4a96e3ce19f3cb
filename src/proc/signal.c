/*
 * Signals: see <sluice/signal.h>.  The frame a handler runs on follows
 * Linux's riscv64 rt_sigframe (siginfo, then ucontext with the saved
 * registers), so programs that look at it find what they expect.  The
 * floating-point part of the frame is left zero for now.
 */
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
#include <sluice/uaccess.h>
#include <sluice/uvm.h>
#include <sluice/vm.h>

struct k_siginfo {
	int32_t si_signo, si_errno, si_code, pad;
	uint64_t si_addr; /* fault address, or sender's pid/uid */
	uint8_t rest[128 - 24];
};

struct k_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	uint64_t ss_sp;
	int32_t ss_flags, pad;
	uint64_t ss_size;
	uint64_t uc_sigmask;
	uint8_t unused[120];
	/* uc_mcontext: pc, then x1-x31; then the FP state (16-aligned). */
	uint64_t regs[32] __attribute__((aligned(16)));
	uint8_t fpstate[528] __attribute__((aligned(16)));
};

struct rt_sigframe {
	struct k_siginfo info;
	struct k_ucontext uc;
};

#define CANT_BLOCK (sig_bit(SIGKILL) | sig_bit(SIGSTOP))

static paddr_t trampoline_page;

int signal_init(void)
{
	/* li a7, 139 (rt_sigreturn); ecall */
	static const uint32_t code[] = { 0x08b00893, 0x00000073 };
	void *page = page_alloc_zeroed_kva();

	if (!page)
		return -ENOMEM;
	memcpy(page, code, sizeof(code));
	__asm__ volatile("fence.i" ::: "memory");
	trampoline_page = virt_to_phys(page);
	return 0;
}

int signal_map_trampoline(struct mm *mm)
{
	int err = uvm_add_region(mm, SIGRETURN_TRAMPOLINE, PAGE_SIZE, PROT_READ | PROT_EXEC, 0);

	if (!err)
		err = vm_map_range(mm->root, SIGRETURN_TRAMPOLINE, trampoline_page, PAGE_SIZE,
				   PTE_R | PTE_X | PTE_U | PTE_A, 0);
	if (!err)
		page_share(trampoline_page); /* the kernel keeps its own hold */
	return err;
}

bool fatal_signal_pending(void)
{
	struct proc *p = current_proc();

	return p && (__atomic_load_n(&p->sig_pending, __ATOMIC_RELAXED) & sig_bit(SIGKILL));
}

static bool default_is_ignore(int sig);

void signal_send(struct proc *p, int sig)
{
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
	p->sig_pending |= sig_bit(sig);
	bool wake = (sig_bit(sig) & ~p->sig_blocked) != 0;
	spin_unlock_irqrestore(&p->lock, flags);
	if (wake)
		proc_wake(p);
}

void signal_force_fault(int sig, unsigned long addr, int code)
{
	struct proc *p = current_proc();
	unsigned long flags = spin_lock_irqsave(&p->lock);

	/* A fault that is blocked or ignored would only fault again: default. */
	if ((p->sig_blocked & sig_bit(sig)) || p->sig_action[sig - 1].handler == SIG_IGN) {
		p->sig_blocked &= ~sig_bit(sig);
		p->sig_action[sig - 1].handler = SIG_DFL;
	}
	p->sig_pending |= sig_bit(sig);
	p->fault_addr = addr;
	p->fault_code = code;
	spin_unlock_irqrestore(&p->lock, flags);
}

bool signal_pending(void)
{
	struct proc *p = current_proc();

	return p && (p->sig_pending & ~p->sig_blocked);
}

static bool default_is_ignore(int sig)
{
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT ||
	       sig == SIGSTOP || sig == SIGTSTP; /* stopping is not implemented: ignored */
}

/* Run the handler: push an rt_sigframe and point the frame at the handler. */
static int signal_setup_frame(struct proc *p, struct trap_frame *tf, int sig,
			      const struct k_sigaction *act)
{
	struct rt_sigframe f;
	unsigned long sp = ALIGN_DOWN(tf->x[REG_SP] - sizeof(f), 16);

	memset(&f, 0, sizeof(f));
	f.info.si_signo = sig;
	f.info.si_code = p->fault_code;
	f.info.si_addr = p->fault_addr;
	f.uc.uc_sigmask = p->sig_blocked;
	f.uc.regs[0] = tf->sepc;
	for (int i = 1; i < 32; i++)
		f.uc.regs[i] = tf->x[i];
	if (copy_to_user((void *)sp, &f, sizeof(f)))
		return -EFAULT;
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
static int signal_dequeue(struct proc *p, struct k_sigaction *act)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	uint64_t ready = p->sig_pending & ~p->sig_blocked;
	int sig = 0;

	if (ready) {
		sig = __builtin_ctzll(ready) + 1;
		p->sig_pending &= ~sig_bit(sig);
		*act = p->sig_action[sig - 1];
		if (act->flags & SA_RESETHAND)
			p->sig_action[sig - 1].handler = SIG_DFL;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return sig;
}

void signal_deliver(struct trap_frame *tf)
{
	struct proc *p = current_proc();
	struct k_sigaction act;
	int sig;

	/*
	 * The common case, checked without the lock: nothing pending.  A
	 * signal sent right after this check is not lost: the sender sets
	 * it pending and it is delivered on the next return to user mode
	 * (the tick guarantees there is one).
	 */
	if (!p || !(p->sig_pending & ~p->sig_blocked))
		return;
	while ((sig = signal_dequeue(p, &act)) != 0) {
		if (act.handler == SIG_IGN && sig != SIGKILL)
			continue;
		if (act.handler == SIG_DFL || sig == SIGKILL) {
			/* As on Linux, init gets only the signals it handles. */
			if (default_is_ignore(sig) || p == init_proc)
				continue;
			thread_group_exit(sig); /* wait status: killed by sig */
		}
		if (signal_setup_frame(p, tf, sig, &act) == 0)
			return;
		/* No room for the frame on the user stack: that is fatal. */
		thread_group_exit(SIGSEGV);
	}
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
	tf->sepc = uc.regs[0];
	for (int i = 1; i < 32; i++)
		tf->x[i] = uc.regs[i];
	p->sig_blocked = uc.uc_sigmask & ~CANT_BLOCK;
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
