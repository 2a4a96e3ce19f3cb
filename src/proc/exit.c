/*
 * The end of a process and its parent's wait4.  An exiting process gives
 * back its address space at once, hands its children to init, marks itself
 * exited and wakes its parent; it stays a zombie (kernel stack and struct
 * proc) until the parent collects its status with wait4.
 */
#include <sluice/vfs_internal.h>
#include <sluice/syscall.h>
#include <sluice/errno.h>
#include <sluice/kvm.h>
#include <sluice/mm.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/sbi.h>
#include <sluice/riscv.h>
#include <sluice/uaccess.h>
#include <sluice/uvm.h>

#define WNOHANG 1

struct proc *init_proc;

uint64_t traps_retired[32];

void proc_exit_user(struct proc *p)
{
	struct mm *mm = p->mm;
	bool orphaned_zombies = false;

	/* Without init nothing reaps orphans or runs anything: stop, saying why
	 * (Linux panics here; powering off ends a board's or a test's run). */
	if (p == init_proc) {
		sys_sync(); /* nothing written to a disk is lost */
		printk("sluice: init (pid 1) exited (wait status 0x%x); powering off\n",
		       p->exit_status);
		sbi_poweroff();
	}

	/* Close every file (which may sleep: a last close may free disk blocks). */
	files_exit(p);
	/* Its exceptions now count in /proc/traps's total only. */
	for (int c = 0; c < 32; c++)
		__atomic_fetch_add(&traps_retired[c], p->trap_count[c], __ATOMIC_RELAXED);
	p->trap_count_retired = true;

	/* Leave the address space before freeing it; the out-of-memory
	 * killer reads p->mm under proc_tree_lock. */
	kvm_activate_kernel();
	local_flush_tlb_all();
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	p->mm = NULL;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	uvm_destroy(mm);

	flags = spin_lock_irqsave(&proc_tree_lock);
	for (struct proc *c = proc_list; c; c = c->all_next) {
		if (c->parent != p)
			continue;
		c->parent = init_proc;
		orphaned_zombies |= c->exited;
	}
	p->exited = true;
	struct proc *parent = p->parent;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (orphaned_zombies && init_proc)
		waitq_wake_all(&init_proc->child_exit);
	if (parent) {
		signal_send(parent, SIGCHLD);
		waitq_wake_all(&parent->child_exit);
	}
}

long sys_exit(int code)
{
	proc_exit((code & 0xff) << 8);
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

/* wait4's pid: > 0 that child, -1 any, 0 any in the caller's group, < -1 any in group -pid. */
static bool wait_matches(const struct proc *c, long pid)
{
	if (pid == -1)
		return true;
	if (pid > 0)
		return c->pid == pid;
	return c->pgid == (pid == 0 ? current_proc()->pgid : -pid);
}

long sys_wait4(int upid, int __user *ustatus, int options, void __user *urusage)
{
	struct proc *me = current_proc(), *found = NULL;
	long pid = upid;
	bool have_kids = false, interrupted = false;

	if (options & ~(WNOHANG | 0x2 /* WUNTRACED */ | 0x8 /* WCONTINUED */))
		return -EINVAL;
	spin_lock_irqsave(&proc_tree_lock); /* flags: interrupts stay off until unlock */
	for (;;) {
		have_kids = false;
		for (struct proc *c = proc_list; c && !found; c = c->all_next) {
			if (c->parent != me || !wait_matches(c, pid))
				continue;
			have_kids = true;
			if (c->exited)
				found = c;
		}
		interrupted = signal_pending();
		if (found || !have_kids || (options & WNOHANG) || interrupted)
			break;
		waitq_sleep(&me->child_exit, &proc_tree_lock);
	}
	if (found)
		found->parent = NULL; /* ours now: nobody else reaps it */
	spin_unlock(&proc_tree_lock);
	local_irq_enable();

	if (!found) {
		if (!have_kids)
			return -ECHILD;
		return (options & WNOHANG) ? 0 : -EINTR;
	}
	wait_until_zombie(found);
	int status = found->exit_status, cpid = found->pid;
	proc_free(found);
	if (urusage) {
		static const uint8_t zero[144];
		if (copy_to_user(urusage, zero, sizeof(zero)))
			return -EFAULT;
	}
	if (ustatus && copy_to_user(ustatus, &status, sizeof(status)))
		return -EFAULT;
	return cpid;
}
