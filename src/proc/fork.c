/*
 * fork, as clone(SIGCHLD, 0): a new process with a copy-on-write copy of the
 * caller's address space and a copy of its registers; it returns 0 in the
 * child and the child's pid in the parent.
 */
#include <sluice/errno.h>
#include <sluice/fp.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/syscall.h>
#include <sluice/uvm.h>
#include <sluice/vfs_internal.h>

/* Where a forked child (or the first process) starts: the scheduler
 * switched here holding p->lock, as if from sched(). */
void user_first_run(void)
{
	struct proc *p = current_proc();

	spin_unlock(&p->lock);
	trap_return_to(p->tf);
}

long sys_clone(unsigned long flags, unsigned long stack, int __user *uptid, unsigned long tls,
	       int __user *uctid)
{
	struct proc *p = current_proc(), *c;
	struct mm *mm;
	int err;

	/* Only fork semantics for now: exit signal SIGCHLD, no new stack. */
	if (flags != SIGCHLD || stack)
		return -EINVAL;
	c = proc_alloc(p->name, &err);
	if (!c)
		return err; /* -EAGAIN at threads-max, as on Linux; -ENOMEM */
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
	files_fork(p, c); /* the same open files: offsets shared, as POSIX says */
	c->ctx.ra = (unsigned long)user_first_run;
	c->ctx.sp = (unsigned long)c->tf;

	irq = spin_lock_irqsave(&proc_tree_lock);
	c->parent = p;
	spin_unlock_irqrestore(&proc_tree_lock, irq);
	int pid = c->pid;
	proc_start(c);
	return pid;
}
