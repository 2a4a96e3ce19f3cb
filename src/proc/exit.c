/*
 * The end of a process and its parent's wait4.  An exiting process gives
 * back its address space at once, hands its children (its own list of
 * them, not a walk of every process) to init, marks itself
 * exited and wakes its parent; it stays a zombie (kernel stack and struct
 * proc) until the parent collects its status with wait4.
 */
#include <sluice/errno.h>
#include <sluice/kvm.h>
#include <sluice/mm.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/sbi.h>
#include <sluice/syscall.h>
#include <sluice/tty.h>
#include <sluice/uaccess.h>
#include <sluice/uvm.h>
#include <sluice/vfs_internal.h>

#define WNOHANG 1
#define WUNTRACED 2
#define WCONTINUED 8
#define __WNOTHREAD 0x20000000
#define __WALL 0x40000000
#define __WCLONE 0x80000000

struct proc *init_proc;

uint64_t traps_retired[32];

/* The process (thread group) l ends: its children go to init, its parent
 * hears.  Under proc_tree_lock. */
static void proc_exit_group(struct proc *l)
{
	bool orphaned_zombies = false;

	while (l->children) {
		struct proc *c = l->children;
		orphaned_zombies |= c->exited;
		proc_set_parent(c, init_proc);
		c->exit_signal = SIGCHLD; /* as Linux does: init reaps it as a plain child */
		if (c->pdeath_signal && !c->exited)
			thread_signal_process(c, c->pdeath_signal);
	}
	l->exited = true;
	if (orphaned_zombies && init_proc)
		waitq_wake_all(&init_proc->child_exit);
	if (l->parent) {
		if (l->exit_signal)
			thread_signal_process(l->parent, l->exit_signal);
		waitq_wake_all(&l->parent->child_exit);
	}
}

void proc_exit_user(struct proc *p)
{
	struct mm *mm = p->mm;

	/* Without init nothing reaps orphans or runs anything: stop, saying why
	 * (Linux panics here; powering off ends a board's or a test's run). */
	if (p == init_proc) {
		sys_sync(); /* nothing written to a disk is lost */
		printk("sluice: init (pid 1) exited (wait status 0x%x); powering off\n",
		       p->exit_status);
		sbi_poweroff();
	}

	futex_exit(p); /* the robust list and the tid word, in memory still ours */
	itimer_exit(p); /* no SIGALRM for a process on its way out */
	/* Close every file (which may sleep: a last close may free disk blocks). */
	files_exit(p);
	/* Its exceptions now count in /proc/traps's total only. */
	for (int c = 0; c < 32; c++)
		__atomic_fetch_add(&traps_retired[c], p->trap_count[c], __ATOMIC_RELAXED);
	p->trap_count_retired = true;

	/*
	 * Leave the address space before letting it go; first tell the
	 * scheduler, which would switch back to it after a preemption in
	 * between, and the out-of-memory killer, which reads p->mm under
	 * proc_tree_lock.  Its translations may stay in TLBs under its ASID:
	 * no hart runs with that ASID again before the allocator's next
	 * generation, which flushes (docs/memory-map.md, "TLB flushing").
	 */
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	p->mm = NULL;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	uvm_deactivate(mm);
	uvm_put(mm); /* a vfork parent or other threads may still use it */
	vfork_release(p);

	flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *l = thread_exit_last(p);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (!l)
		return; /* other threads live on: the process goes on */
	/* The last thread: the process ends.  SIGHUP for a session or a
	 * stopped group it leaves behind, then its children go to init. */
	jobctl_exit(l);
	flags = spin_lock_irqsave(&proc_tree_lock);
	proc_exit_group(l);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

long sys_exit(int code)
{
	proc_exit((code & 0xff) << 8); /* this thread only */
}

/* Wait until c is off its hart for good (it set exited just before). */
static void wait_until_zombie(struct proc *c)
{
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&c->lock);
		bool zombie = c->state == PROC_ZOMBIE;
		spin_unlock_irqrestore(&c->lock, flags);
		if (zombie)
			return;
		proc_yield();
	}
}

/*
 * wait4's pid: > 0 that child, -1 any, 0 any in the caller's group, < -1
 * any in group -pid.  And, as on Linux, a "clone" child (one whose exit
 * signal is not SIGCHLD) only with __WCLONE, the others only without it;
 * __WALL takes both.
 */
static bool wait_matches(const struct proc *c, long pid, int options)
{
	bool clone_child = c->exit_signal != SIGCHLD;

	if (!(options & __WALL) && clone_child != !!(options & __WCLONE))
		return false;
	if (pid == -1)
		return true;
	if (pid > 0)
		return c->pid == pid;
	return c->pgid == (pid == 0 ? current_proc()->leader->pgid : -pid);
}

/* A stop or continue for wait4 (proc_tree_lock held, released here): the
 * child stays. */
static long wait_put_report(struct proc *c, int status, int __user *ustatus, void __user *urusage)
{
	int cpid = c->pid;
	uint64_t utime = c->utime, stime = c->stime;

	spin_unlock(&proc_tree_lock);
	local_irq_enable();
	if (urusage && put_rusage(urusage, utime, stime))
		return -EFAULT;
	if (ustatus && copy_to_user(ustatus, &status, sizeof(status)))
		return -EFAULT;
	return cpid;
}

long sys_wait4(int upid, int __user *ustatus, int options, void __user *urusage)
{
	struct proc *me = current_proc()->leader, *found = NULL; /* the process's children */
	long pid = upid;
	bool have_kids = false, interrupted = false;
	int report = 0; /* a stop or continue of found's, not its end */

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	spin_lock_irqsave(&proc_tree_lock); /* flags: interrupts stay off until unlock */
	for (;;) {
		have_kids = false;
		for (struct proc *c = me->children; c && !found; c = c->sib_next) {
			if (!wait_matches(c, pid, options))
				continue;
			have_kids = true;
			if (c->exited || (report = signal_take_wait_report(c, options)) != 0)
				found = c;
			if (pid > 0)
				break; /* the one child it can be: newest first, so found early */
		}
		interrupted = signal_pending();
		if (found || !have_kids || (options & WNOHANG) || interrupted)
			break;
		waitq_sleep(&me->child_exit, &proc_tree_lock);
	}
	if (found && report)
		return wait_put_report(found, report, ustatus, urusage);
	if (found)
		proc_set_parent(found, NULL); /* ours now: nobody else reaps it */
	spin_unlock(&proc_tree_lock);
	local_irq_enable();

	if (!found) {
		if (!have_kids)
			return -ECHILD;
		return (options & WNOHANG) ? 0 : -ERESTARTSYS;
	}
	wait_until_zombie(found);
	int status = found->exit_status, cpid = found->pid;
	/* Its CPU time, and its reaped children's, become the caller's children's. */
	uint64_t utime = found->utime + found->cutime, stime = found->stime + found->cstime;
	me->cutime += utime;
	me->cstime += stime;
	proc_free(found);
	if (urusage && put_rusage(urusage, utime, stime))
		return -EFAULT;
	if (ustatus && copy_to_user(ustatus, &status, sizeof(status)))
		return -EFAULT;
	return cpid;
}
