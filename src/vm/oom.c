/*
 * Out of memory: see <sluice/oom.h> and docs/robustness.md.
 *
 * When a fault finds no free page:
 *
 * 1. Reclaim.  Done already by the time a fault gets here: page_alloc
 *    asks its reclaimers (kmalloc's spare slabs, parked kernel stacks, the
 *    page cache's clean unmapped pages) before it fails.  The block cache
 *    is fixed at boot (metadata only) and a ramfs file's pages are its only
 *    copy.  So this runs only when nothing could be reclaimed.
 *
 * 2. Choose.  Linux's oom_badness, without its adjustments: the user
 *    process with the most resident pages, never init nor a kernel thread.
 *    If some process is dying already (SIGKILL pending, or exiting: its
 *    memory not all given back yet), nobody else is killed: its pages are
 *    about to come.
 *
 * 3. Kill and wait.  The victim gets SIGKILL and the console a line naming
 *    it and its size.  The faulting process, unless it is the victim, gives
 *    up the hart until the pages are back, then tries again: it survives.
 *
 * Every sleep in the kernel ends on a signal or ends by itself, so a victim
 * always gets to exit.  Only a copy in a system call waits with a bound: it
 * may hold a mutex the victim is waiting for.
 */
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/oom.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/string.h>
#include <sluice/timer.h>
#include <sluice/uvm.h>

static bool sigkill_pending(struct proc *p)
{
	return __atomic_load_n(&p->sig_pending, __ATOMIC_RELAXED) & sig_bit(SIGKILL);
}

/* Killed, or exiting, and its memory not all given back yet. */
static bool dying(struct proc *p)
{
	/* A thread gone has given its memory back (a leader gone before its
	 * threads stays unreaped, but holds none). */
	return !p->exited && !p->thread_gone &&
	       (sigkill_pending(p) || __atomic_load_n(&p->exiting, __ATOMIC_RELAXED));
}

/*
 * Under proc_tree_lock (p->mm cannot be freed meanwhile): the largest
 * killable process, with its resident pages in *rss; or NULL, with *wait
 * set if a process is dying and its memory is still to come back.  That
 * is looked for first: it is cheap, and while the faulting process waits
 * it is asked again and again; counting pages walks page tables.
 */
static struct proc *oom_choose(size_t *rss, bool *wait)
{
	struct proc *victim = NULL;

	*rss = 0;
	*wait = false;
	for (struct proc *p = proc_list; p && !*wait; p = p->all_next)
		*wait = !p->kthread && p != init_proc && dying(p);
	for (struct proc *p = proc_list; p && !*wait; p = p->all_next) {
		struct mm *mm = __atomic_load_n(&p->mm, __ATOMIC_ACQUIRE); /* see clone_mm */
		if (p->kthread || p == init_proc || p->exited || !mm)
			continue;
		size_t n = uvm_resident_pages(mm);
		if (!victim || n > *rss) {
			victim = p;
			*rss = n;
		}
	}
	return victim;
}

/*
 * Kill the largest process for me, or find one dying already.  true: the
 * caller should wait and try again; false: it is the victim (or was killed
 * by someone else meanwhile).
 */
static bool oom_kill_or_wait(struct proc *me, vaddr_t addr)
{
	static bool said_none;
	struct proc *victim;
	char name[sizeof(me->name)];
	size_t rss;
	bool wait;
	int pid = 0;

	if (sigkill_pending(me))
		return false;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	victim = oom_choose(&rss, &wait);
	if (victim) {
		victim = victim->leader; /* a thread's memory is its process's */
		pid = victim->pid;
		strncpy_safe(name, victim->name, sizeof(name));
		thread_signal_process(victim, SIGKILL); /* every thread of it */
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (victim) {
		printk("oom: no free page for pid %d (%s) at 0x%lx: killed pid %d (%s), "
		       "the largest, %lu KiB resident\n",
		       me->pid, me->name, addr, pid, name,
		       (unsigned long)(rss * (PAGE_SIZE / 1024)));
		said_none = false;
	} else if (!wait && !said_none) {
		/* Only init is left, and init is never killed: it waits. */
		printk("oom: no free page for pid %d (%s) at 0x%lx, and no process to kill\n",
		       me->pid, me->name, addr);
		said_none = true;
	}
	return !victim || victim != me->leader;
}

int oom_fault(struct mm *mm, vaddr_t addr, bool is_write, bool is_exec, bool from_user,
	      bool may_wait)
{
	uint64_t give_up = timer_ns() + OOM_KERNEL_WAIT_MS * 1000000ull;
	struct proc *me = current_proc();
	int err;

	while ((err = uvm_fault(mm, addr, is_write, is_exec, may_wait)) == -ENOMEM) {
		if (!oom_kill_or_wait(me, addr) || !may_wait)
			break;
		/* A user fault goes back to take its signals (the access is
		 * simply made again); a copy waits OOM_KERNEL_WAIT_MS at most. */
		if (from_user ? signal_pending() : timer_ns() >= give_up)
			break;
		proc_yield();
	}
	return err;
}
