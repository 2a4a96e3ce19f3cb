/*
 * fork, vfork and clone: a new task with a copy of the caller's registers;
 * it returns 0 in the child and the child's id in the parent.  Its address
 * space is a copy-on-write copy of the caller's, or with CLONE_VM the same
 * one (counted: uvm_get).  CLONE_VFORK makes the caller sleep until the
 * child has let go of the shared space (exec or exit: vfork_release).
 * docs/scheduling.md tells the rest.
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
#define CSIGNAL		     0x000000ff /* the exit signal */
#define CLONE_VM	     0x00000100
#define CLONE_FS	     0x00000200
#define CLONE_FILES	     0x00000400
#define CLONE_SIGHAND	     0x00000800
#define CLONE_VFORK	     0x00004000
#define CLONE_PARENT	     0x00008000
#define CLONE_THREAD	     0x00010000
#define CLONE_SYSVSEM	     0x00040000
#define CLONE_SETTLS	     0x00080000
#define CLONE_PARENT_SETTID  0x00100000
#define CLONE_CHILD_CLEARTID 0x00200000
#define CLONE_DETACHED	     0x00400000
#define CLONE_UNTRACED	     0x00800000
#define CLONE_CHILD_SETTID   0x01000000
#define CLONE_IO	     0x80000000

/* What clone takes.  CLONE_DETACHED, CLONE_UNTRACED (no ptrace) and
 * CLONE_IO (one I/O scheduler) are accepted and ignored, as Linux does
 * with the first; CLONE_SYSVSEM is accepted (no System V semaphores). */
#define CLONE_KNOWN                                                                                \
	(CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_VFORK |               \
	 CLONE_PARENT | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |        \
	 CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_UNTRACED | CLONE_CHILD_SETTID | CLONE_IO)

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
	return flags & ~(unsigned long)CLONE_KNOWN ? -EINVAL : 0;
}

/*
 * The vfork child c lets go of its parent's address space (it execs, or
 * exits): wake the parent sleeping in clone.  Under proc_tree_lock, so
 * that a parent killed meanwhile (vfork_wait) and this agree on who clears
 * the links, and the parent cannot be freed before it is woken.
 */
void vfork_release(struct proc *c)
{
	/* Set only by the clone that made c, before c ran: if c sees none
	 * now, none will come (the common case: no lock for it). */
	if (!__atomic_load_n(&c->vfork_parent, __ATOMIC_ACQUIRE))
		return;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *parent = c->vfork_parent;

	if (parent) {
		__atomic_store_n(&c->vfork_parent, NULL, __ATOMIC_RELAXED);
		parent->vfork_child = NULL;
		waitq_wake_all(&parent->child_exit);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

/*
 * The parent's side of vfork: sleep until the child has exec'd or exited.
 * Only a fatal signal ends the wait early, as Linux's killable wait: then
 * the child runs on alone (the parent dies on its way out).
 */
static void vfork_wait(struct proc *p, struct proc *c)
{
	spin_lock_irqsave(&proc_tree_lock); /* interrupts stay off until unlock */
	while (p->vfork_child && !fatal_signal_pending())
		waitq_sleep(&p->child_exit, &proc_tree_lock);
	if (p->vfork_child) {
		__atomic_store_n(&c->vfork_parent, NULL, __ATOMIC_RELAXED);
		p->vfork_child = NULL;
	}
	spin_unlock(&proc_tree_lock);
	local_irq_enable();
}

/* The child's address space: the same (CLONE_VM) or a copy-on-write copy. */
static int clone_mm(struct proc *p, struct proc *c, unsigned long flags)
{
	struct mm *mm = flags & CLONE_VM ? uvm_get(p->mm) : uvm_fork(p->mm);

	if (!mm)
		return -ENOMEM;
	/* The out-of-memory killer may already see c (proc_alloc listed
	 * it): it finds no mm or this whole one.  No lock: a pointer that
	 * only comes into being needs none (taking it away does: clone_undo,
	 * exit). */
	__atomic_store_n(&c->mm, mm, __ATOMIC_RELEASE);
	return 0;
}

/* The child's files and cwd, shared or copied; its place in the tree:
 * a thread joins the caller's group, a process becomes a child (of the
 * caller's process, or with CLONE_PARENT of its parent). */
static long clone_tables(struct proc *p, struct proc *c, unsigned long flags)
{
	unsigned int share = (flags & CLONE_FILES ? FILES_SHARE_FDS : 0) |
			     (flags & CLONE_FS ? FILES_SHARE_FS : 0);
	long err = files_fork(p, c, share);

	if (err)
		return err;
	unsigned long irq = spin_lock_irqsave(&proc_tree_lock);
	struct proc *l = p->leader;
	if (flags & CLONE_THREAD)
		err = thread_attach(p, c);
	else
		proc_set_parent(c, flags & CLONE_PARENT && l->parent ? l->parent : l);
	if (!err && (flags & CLONE_VFORK)) {
		c->vfork_parent = p;
		p->vfork_child = c;
	}
	spin_unlock_irqrestore(&proc_tree_lock, irq);
	return err;
}

/* A child that never ran goes back (clone failed late). */
static void clone_undo(struct proc *c)
{
	struct mm *mm = c->mm;
	unsigned long irq = spin_lock_irqsave(&proc_tree_lock);

	c->mm = NULL; /* the out-of-memory killer reads it under this lock */
	spin_unlock_irqrestore(&proc_tree_lock, irq);
	files_exit(c);
	uvm_put(mm);
	proc_free(c);
}

/* The child's registers: the caller's, with a0 = 0, and the new stack
 * and thread pointer if clone names them. */
static void clone_regs(struct proc *p, struct proc *c, unsigned long flags, unsigned long stack,
		       unsigned long tls)
{
	*c->tf = *p->tf;
	c->tf->x[REG_A0] = 0;
	if (stack)
		c->tf->x[REG_SP] = stack; /* the child's own stack */
	if (flags & CLONE_SETTLS)
		c->tf->x[REG_TP] = tls;
	/* The parent's FP registers are live in the hart: copy them too. */
	fp_save_current(p);
	c->fp_saved = p->fp_saved;
	for (int i = 0; i < 32; i++)
		c->fp_regs[i] = p->fp_regs[i];
	c->fp_fcsr = p->fp_fcsr;
}

long sys_clone(unsigned long flags, unsigned long stack, int __user *uptid, unsigned long tls,
	       int __user *uctid)
{
	struct proc *p = current_proc(), *c;
	long err = clone_check(flags);
	int perr;

	if (!err)
		err = rlimit_nproc_check();
	if (err)
		return err;
	c = proc_alloc(p->name, &perr);
	if (!c)
		return perr; /* -EAGAIN at threads-max, as on Linux; -ENOMEM */
	err = clone_mm(p, c, flags);
	if (err) {
		proc_free(c);
		return err;
	}
	clone_regs(p, c, flags, stack, tls);
	c->exit_signal = (int)(flags & CSIGNAL);
	if (flags & CLONE_CHILD_SETTID)
		c->set_child_tid = (unsigned long)uctid;
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = (unsigned long)uctid;
	/* Signal actions: copied; a thread group keeps its threads' copies
	 * alike (thread_share_action).  The mask is per thread. */
	for (int i = 0; i < NSIG; i++)
		c->sig_action[i] = p->sig_action[i];
	c->sig_blocked = p->sig_blocked;
	/* Job control's group and session, and the credentials (per thread,
	 * as on Linux; a thread starts with its creator's). */
	c->pgid = p->leader->pgid;
	c->sid = p->leader->sid;
	c->cred = p->cred;
	c->no_new_privs = p->no_new_privs; /* the death signal is not inherited */
	for (int i = 0; i < RLIM_NLIMITS; i++)
		c->rlim[i] = p->leader->rlim[i];
	c->nice = p->nice;
	c->affinity = p->affinity;
	c->policy = p->policy;
	c->rt_priority = p->rt_priority;
	c->ctx.ra = (unsigned long)user_first_run;
	c->ctx.sp = (unsigned long)c->tf;
	err = clone_tables(p, c, flags);
	if (err) {
		clone_undo(c);
		return err;
	}
	int pid = c->pid;
	/* CLONE_PARENT_SETTID: in the parent's memory, before either runs on. */
	if (flags & CLONE_PARENT_SETTID)
		copy_to_user(uptid, &pid, sizeof(pid));
	proc_start(c);
	if (flags & CLONE_VFORK)
		vfork_wait(p, c);
	return pid;
}
