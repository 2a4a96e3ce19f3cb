/*
 * fork, as clone: a new process with a copy-on-write copy of the caller's
 * address space and a copy of its registers; it returns 0 in the child and
 * the child's pid in the parent.  clone's flags as far as a new process
 * (not a thread) goes: the exit signal, a new stack, and the tid stores
 * glibc's fork asks for (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID |
 * SIGCHLD).  Threads, vfork and shared tables (CLONE_VM, CLONE_FILES, ...)
 * are not here yet: EINVAL.
 */
#include <sluice/errno.h>
#include <sluice/fp.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/syscall.h>
#include <sluice/uaccess.h>
#include <sluice/uvm.h>
#include <sluice/vfs_internal.h>

/* Linux's clone flags (include/uapi/linux/sched.h). */
#define CSIGNAL 0x000000ff /* the exit signal */
#define CLONE_VM 0x00000100
#define CLONE_FS 0x00000200
#define CLONE_FILES 0x00000400
#define CLONE_SIGHAND 0x00000800
#define CLONE_THREAD 0x00010000
#define CLONE_SYSVSEM 0x00040000
#define CLONE_PARENT_SETTID 0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED 0x00400000
#define CLONE_CHILD_SETTID 0x01000000

/* What a new process may ask for today; CLONE_DETACHED is ignored, as on Linux. */
#define CLONE_PROCESS_FLAGS \
	(CSIGNAL | CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | \
	 CLONE_CHILD_SETTID)

/* Where a forked child (or the first process) starts: the scheduler
 * switched here holding p->lock, as if from sched(). */
void user_first_run(void)
{
	struct proc *p = current_proc();

	spin_unlock(&p->lock);
	/* CLONE_CHILD_SETTID: the child stores its own pid, in its own memory,
	 * before it runs (a bad address is ignored, as on Linux). */
	if (p->set_child_tid) {
		int pid = p->pid;
		copy_to_user((void __user *)p->set_child_tid, &pid, sizeof(pid));
		p->set_child_tid = 0;
	}
	local_irq_disable(); /* trap_return wants them off */
	trap_return_to(p->tf);
}

/* Linux's checks of clone's flags: EINVAL for a combination it refuses. */
static long clone_check(unsigned long flags)
{
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CSIGNAL) > NSIG)
		return -EINVAL;
	return flags & ~(unsigned long)CLONE_PROCESS_FLAGS ? -EINVAL : 0; /* threads: not yet */
}

long sys_clone(unsigned long flags, unsigned long stack, int __user *uptid, unsigned long tls,
	       int __user *uctid)
{
	struct proc *p = current_proc(), *c;
	struct mm *mm;
	long err = clone_check(flags);
	int perr;

	if (err)
		return err;
	c = proc_alloc(p->name, &perr);
	if (!c)
		return perr; /* -EAGAIN at threads-max, as on Linux; -ENOMEM */
	mm = uvm_fork(p->mm);
	if (!mm) {
		proc_free(c);
		return -ENOMEM;
	}
	/* Published under the lock the out-of-memory killer reads it under. */
	unsigned long irq = spin_lock_irqsave(&proc_tree_lock);
	c->mm = mm;
	spin_unlock_irqrestore(&proc_tree_lock, irq);
	*c->tf = *p->tf;
	c->tf->x[REG_A0] = 0;
	if (stack)
		c->tf->x[REG_SP] = stack; /* the child's own stack */
	c->exit_signal = (int)(flags & CSIGNAL);
	if (flags & CLONE_CHILD_SETTID)
		c->set_child_tid = (unsigned long)uctid;
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = (unsigned long)uctid;
	/* The parent's FP registers are live in the hart: copy them too. */
	fp_save_current(p);
	c->fp_saved = p->fp_saved;
	for (int i = 0; i < 32; i++)
		c->fp_regs[i] = p->fp_regs[i];
	c->fp_fcsr = p->fp_fcsr;
	for (int i = 0; i < NSIG; i++)
		c->sig_action[i] = p->sig_action[i];
	c->sig_blocked = p->sig_blocked;
	c->pgid = p->pgid;
	c->sid = p->sid;
	c->no_new_privs = p->no_new_privs; /* the death signal is not inherited */
	c->cred = p->cred;
	files_fork(p, c); /* the same open files: offsets shared, as POSIX says */
	c->ctx.ra = (unsigned long)user_first_run;
	c->ctx.sp = (unsigned long)c->tf;

	irq = spin_lock_irqsave(&proc_tree_lock);
	proc_set_parent(c, p);
	spin_unlock_irqrestore(&proc_tree_lock, irq);
	int pid = c->pid;
	/* CLONE_PARENT_SETTID: in the parent's memory, before either runs on. */
	if (flags & CLONE_PARENT_SETTID)
		copy_to_user(uptid, &pid, sizeof(pid));
	proc_start(c);
	return pid;
}
