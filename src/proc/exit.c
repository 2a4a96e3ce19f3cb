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

#define WNOHANG	    1
#define WUNTRACED   2
#define WCONTINUED  8
#define __WNOTHREAD 0x20000000
#define __WALL	    0x40000000
#define __WCLONE    0x80000000

struct proc *init_proc;

uint64_t traps_retired[32];
uint64_t syscalls_retired[SYSCALL_SLOTS + 1];

/*
 * p's system calls now count in /proc/traps's totals only.  Most of the
 * 480 slots are 0: they are skipped sixteen at a time (eight 8-byte loads
 * ORed, one branch; the array is 8-aligned) and only the others take an
 * atomic add.  Two slots a step cost 2,200 instructions an exit; this
 * about 600.
 */
static void syscalls_retire(struct proc *p)
{
	typedef uint64_t __attribute__((may_alias)) word_t;
	const word_t *w = (const word_t *)p->syscall_count;
	const word_t *end = (const word_t *)(p->syscall_count + ARRAY_SIZE(p->syscall_count));

	_Static_assert(sizeof(p->syscall_count) % 64 == 0, "whole 64-byte steps");
	for (const word_t *q = w; q < end; q += 8) {
		if (!(q[0] | q[1] | q[2] | q[3] | q[4] | q[5] | q[6] | q[7]))
			continue;
		for (unsigned int i = (unsigned int)(q - w) * 2; i < (q - w) * 2 + 16; i++)
			if (p->syscall_count[i])
				__atomic_fetch_add(&syscalls_retired[i], p->syscall_count[i],
						   __ATOMIC_RELAXED);
	}
}

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

	futex_exit(p);	/* the robust list and the tid word, in memory still ours */
	itimer_exit(p); /* no SIGALRM for a process on its way out */
	/* Close every file (which may sleep: a last close may free disk blocks). */
	files_exit(p);
	/* Its exceptions now count in /proc/traps's total only. */
	for (int c = 0; c < 32; c++)
		__atomic_fetch_add(&traps_retired[c], p->trap_count[c], __ATOMIC_RELAXED);
	syscalls_retire(p);
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
	/* A vfork parent or other threads may still use it; if not, what it
	 * held counts for ru_maxrss. */
	proc_account_rss(p->leader, uvm_put(mm));
	vfork_release(p);

	flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *l = thread_exit_last(p);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (!l)
		return; /* other threads live on: the process goes on */
	ptimer_exit(l); /* its POSIX timers go with it */
	/* The last thread: the process ends.  SIGHUP for a session or a
	 * stopped group it leaves behind, then its children go to init. */
	jobctl_exit(l);
	flags = spin_lock_irqsave(&proc_tree_lock);
	this_hart()->wake_sync = true; /* the parent's wake: run it here */
	proc_exit_group(l);
	this_hart()->wake_sync = false;
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

/* Whom a wait is for: waitid's idtype and id (wait4's pid becomes one). */
#define P_ALL	0
#define P_PID	1
#define P_PGID	2
#define P_PIDFD 3

/* waitid's options beside wait4's: which events, and leave the child be. */
#define WSTOPPED 2
#define WEXITED	 4
#define WNOWAIT	 0x01000000

/*
 * The child matches idtype/id: a pid, a process group (id 0: the caller's),
 * or any.  And, as on Linux, a "clone" child (one whose exit signal is not
 * SIGCHLD) only with __WCLONE, the others only without it; __WALL takes both.
 */
static bool wait_matches(const struct proc *c, int idtype, long id, int options)
{
	bool clone_child = c->exit_signal != SIGCHLD;

	if (!(options & __WALL) && clone_child != !!(options & __WCLONE))
		return false;
	if (idtype == P_ALL)
		return true;
	if (idtype == P_PID)
		return c->pid == id;
	return c->pgid == (id == 0 ? current_proc()->leader->pgid : id);
}

/* What a wait found: the child, its wait status (an exit, or a stop or
 * continue report), its uid and the CPU time its rusage reports. */
struct wait_found {
	int pid, status;
	uint32_t uid;
	bool exited; /* an end, not a stop or continue */
	struct rusage_src ru;
};

/* A stop or continue report c has for these options (WNOWAIT: it stays
 * for the next wait to see).  Under proc_tree_lock. */
static int wait_report(struct proc *c, int options)
{
	int r = signal_take_wait_report(c, options);

	if (r && (options & WNOWAIT))
		c->wait_report = r;
	return r;
}

/* Under proc_tree_lock: a child with something to report, or NULL;
 * *have_kids says whether any child matched at all. */
static struct proc *wait_scan(struct proc *me, int idtype, long id, int options, int *report,
			      bool *have_kids)
{
	*have_kids = false;
	for (struct proc *c = me->children; c; c = c->sib_next) {
		if (!wait_matches(c, idtype, id, options))
			continue;
		*have_kids = true;
		if ((options & WEXITED) && c->exited)
			return c;
		if ((*report = wait_report(c, options)) != 0)
			return c;
		if (idtype == P_PID)
			break; /* the one child it can be */
	}
	return NULL;
}

/* Reap a zombie child: its CPU time, and its reaped children's, become
 * the caller's children's.  It is off the caller's list already. */
static void wait_reap(struct proc *me, struct proc *c, struct wait_found *w)
{
	wait_until_zombie(c);
	w->status = c->exit_status;
	w->ru.utime = c->utime + c->cutime;
	w->ru.stime = c->stime + c->cstime;
	w->ru.ru = c->ru;
	ru_add(&w->ru.ru, &c->cru);
	w->ru.maxrss_kb = MAX(c->maxrss_kb, c->cmaxrss_kb);
	me->cutime += w->ru.utime;
	me->cstime += w->ru.stime;
	ru_add(&me->cru, &w->ru.ru);
	me->cmaxrss_kb = MAX(me->cmaxrss_kb, w->ru.maxrss_kb);
	proc_free(c);
}

/*
 * The heart of wait4 and waitid: sleep until a matching child ends (with
 * WEXITED), stops (WSTOPPED) or continues (WCONTINUED).  Returns its pid
 * with *w filled, 0 with WNOHANG if none has yet, -ECHILD if no child
 * matches, -ERESTARTSYS if a signal came.  A child that ended is reaped
 * unless WNOWAIT asks to leave it for a later wait.
 */
static long wait_child(int idtype, long id, int options, struct wait_found *w)
{
	struct proc *me = current_proc()->leader, *found; /* the process's children */
	bool have_kids;
	int report = 0; /* a stop or continue of found's, not its end */

	spin_lock_irqsave(&proc_tree_lock); /* flags: interrupts stay off until unlock */
	for (;;) {
		found = wait_scan(me, idtype, id, options, &report, &have_kids);
		if (found || !have_kids || (options & WNOHANG) || signal_pending())
			break;
		waitq_sleep(&me->child_exit, &proc_tree_lock);
	}
	if (found) {
		w->pid = found->pid;
		w->uid = found->cred.uid;
		w->exited = !report;
		w->status = report ? report : found->exit_status;
		w->ru = (struct rusage_src){found->utime, found->stime, found->maxrss_kb,
					    found->ru};
		if (!report && !(options & WNOWAIT))
			proc_set_parent(found, NULL); /* ours now: nobody else reaps it */
		else
			found = NULL; /* it stays the caller's child */
	}
	spin_unlock(&proc_tree_lock);
	local_irq_enable();
	if (found)
		wait_reap(me, found, w);
	if (w->pid)
		return w->pid;
	if (!have_kids)
		return -ECHILD;
	return (options & WNOHANG) ? 0 : -ERESTARTSYS;
}

long sys_wait4(int upid, int __user *ustatus, int options, void __user *urusage)
{
	struct wait_found w = {0};
	long pid = upid, r;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE))
		return -EINVAL;
	if (pid == -1)
		r = wait_child(P_ALL, 0, options | WEXITED, &w);
	else if (pid > 0)
		r = wait_child(P_PID, pid, options | WEXITED, &w);
	else
		r = wait_child(P_PGID, -pid, options | WEXITED, &w);
	if (r <= 0)
		return r;
	if (urusage && put_rusage(urusage, &w.ru))
		return -EFAULT;
	if (ustatus && copy_to_user(ustatus, &w.status, sizeof(w.status)))
		return -EFAULT;
	return r;
}

/* si_code of SIGCHLD (Linux's CLD_*). */
#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_DUMPED    3
#define CLD_STOPPED   5
#define CLD_CONTINUED 6

/*
 * Linux's siginfo_t for waitid, as riscv64 lays it out: si_signo, si_errno,
 * si_code, then at 16 si_pid and si_uid, at 24 si_status; 128 bytes in all.
 */
struct waitid_info {
	int32_t signo, err, code, pad;
	int32_t pid;
	uint32_t uid;
	int32_t status;
	int32_t rest[25];
};
_Static_assert(sizeof(struct waitid_info) == 128, "siginfo_t is 128 bytes");

/* A wait status as waitid's si_code and si_status say it. */
static void waitid_fill(const struct wait_found *w, struct waitid_info *si)
{
	int st = w->status;

	si->signo = SIGCHLD;
	si->pid = w->pid;
	si->uid = w->uid;
	if (!w->exited) {
		bool cont = st == WAIT_CONTINUED;
		si->code = cont ? CLD_CONTINUED : CLD_STOPPED;
		si->status = cont ? SIGCONT : (st >> 8) & 0xff;
	} else if (st & 0x7f) {
		si->code = (st & 0x80) ? CLD_DUMPED : CLD_KILLED;
		si->status = st & 0x7f;
	} else {
		si->code = CLD_EXITED;
		si->status = (st >> 8) & 0xff;
	}
}

/*
 * waitid: as wait4, but the caller says which events it waits for and gets
 * a siginfo_t.  Linux's answer when WNOHANG finds nothing is 0 with the
 * siginfo zeroed; rusage is written only when a child was found.
 */
long sys_waitid(int which, int upid, void __user *uinfo, int options, void __user *uru)
{
	struct waitid_info si = {0};
	struct wait_found w = {0};
	long r;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WALL |
			__WCLONE))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	if ((which == P_PID && upid <= 0) || (which == P_PGID && upid < 0))
		return -EINVAL;
	if (which != P_ALL && which != P_PID && which != P_PGID)
		return -EINVAL; /* P_PIDFD: Sluice has no pidfds */
	r = wait_child(which, upid, options, &w);
	if (r < 0)
		return r;
	if (r > 0) {
		waitid_fill(&w, &si);
		if (uru && put_rusage(uru, &w.ru))
			return -EFAULT;
	}
	/* Linux writes these seven fields and leaves the rest of the buffer be. */
	if (uinfo && copy_to_user(uinfo, &si, __builtin_offsetof(struct waitid_info, rest)))
		return -EFAULT;
	return 0;
}
