/*
 * Thread groups: what clone(CLONE_THREAD) makes.  A process is a group of
 * tasks sharing an address space, fd table, cwd and signal actions; its
 * leader (the first thread) carries the process's pid, parent, children
 * and exit status, and the group ends, as far as its parent sees, when its
 * last thread is gone.  docs/scheduling.md ("Threads") tells the story.
 *
 * Everything here runs under proc_tree_lock, which guards the group lists
 * and counts as it guards the parent/child links.
 */
#include <sluice/errno.h>
#include <sluice/proc.h>
#include <sluice/syscall.h>

/* Each thread of l's group, the leader first (gone ones too). */
#define for_each_thread(l, t) for (struct proc *t = (l); t; t = t->thread_next)

long thread_attach(struct proc *p, struct proc *c)
{
	struct proc *l = p->leader;

	if (l->group_exiting)
		return -EINTR; /* a new thread would outlive the group's end */
	c->leader = l;
	c->tgid = l->tgid;
	c->pgid = l->pgid;
	c->autoreap = true;
	c->exit_signal = 0; /* nobody is told: the group's end is what counts */
	c->thread_prev = l;
	c->thread_next = l->thread_next;
	if (l->thread_next)
		l->thread_next->thread_prev = c;
	l->thread_next = c;
	l->threads_live++;
	return 0;
}

/* SIGKILL to every thread of the group but me. */
static void thread_kill_others(struct proc *me)
{
	for_each_thread(me->leader, t) if (t != me && !t->thread_gone) signal_send(t, SIGKILL);
}

__noreturn void thread_group_exit(int status)
{
	struct proc *p = current_proc();

	if (p->leader == p && p->threads_live == 1) {
		/* No other thread to kill, and only we could add one: no lock
		 * (as thread_exec_alone), one global lock round trip fewer in
		 * every exit of a plain process.  A thread that ended the group
		 * before (its fatal signal, now our SIGKILL) set the status. */
		if (!p->group_exiting) {
			p->group_exiting = true;
			p->group_exit_status = status;
		}
		proc_exit(status);
	}
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *l = p->leader;

	/* The first to end the group sets its status; a thread killed on
	 * the way (by that SIGKILL, or for an exec) just goes. */
	if (!l->group_exiting) {
		l->group_exiting = true;
		l->group_exit_status = status;
		thread_kill_others(p);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	proc_exit(status);
}

long sys_exit_group(int code)
{
	thread_group_exit((code & 0xff) << 8);
}

struct proc *thread_exit_last(struct proc *p)
{
	struct proc *l = p->leader;

	p->thread_gone = true;
	if (p != l) {
		/* Its CPU time and counts stay the process's. */
		l->utime += p->utime;
		l->stime += p->stime;
		ru_add(&l->ru, &p->ru);
		p->thread_prev->thread_next = p->thread_next;
		if (p->thread_next)
			p->thread_next->thread_prev = p->thread_prev;
		p->thread_next = p->thread_prev = NULL;
		p->exited = true; /* kill and the pid lookups skip it */
	}
	if (--l->threads_live > 0) {
		if (l->group_exec)
			waitq_wake_all(&l->child_exit); /* an exec waits for this */
		return NULL;
	}
	if (l->group_exiting)
		l->exit_status = l->group_exit_status;
	return l;
}

/*
 * exec from a thread other than the leader: the leader (gone, a zombie by
 * now) gives this thread its pid, parent and children, and is freed; as
 * on Linux, the process keeps its pid across the exec.
 */
static void thread_take_over(struct proc *p, struct proc *l)
{
	int tid = p->pid;

	p->pid = p->tgid = l->pid;
	l->pid = tid;
	p->leader = p;
	p->thread_prev = p->thread_next = NULL;
	l->thread_next = NULL;
	p->threads_live = 1;
	p->pgid = l->pgid;
	p->sid = l->sid;
	p->wait_report = l->wait_report;
	p->start_ns = l->start_ns; /* the process's start, for /proc's stat */
	p->exit_signal = l->exit_signal;
	p->pdeath_signal = l->pdeath_signal;
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i] = l->rlim[i]; /* the process's limits */
	p->ptimer_n = l->ptimer_n;	 /* and its timers (exec deletes them next) */
	p->utime += l->utime;
	p->stime += l->stime;
	p->cutime = l->cutime;
	p->cstime = l->cstime;
	ru_add(&p->ru, &l->ru);
	p->cru = l->cru;
	p->maxrss_kb = MAX(p->maxrss_kb, l->maxrss_kb);
	p->cmaxrss_kb = l->cmaxrss_kb;
	while (l->children)
		proc_set_parent(l->children, p);
	proc_set_parent(p, l->parent);
	proc_set_parent(l, NULL);
	p->autoreap = false;
	l->autoreap = false; /* freed here, not by the scheduler */
}

/* Wait (yielding) until t is off its hart for good. */
static void thread_wait_zombie(struct proc *t)
{
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&t->lock);
		bool zombie = t->state == PROC_ZOMBIE;
		spin_unlock_irqrestore(&t->lock, flags);
		if (zombie)
			return;
		proc_yield();
	}
}

int thread_exec_alone(void)
{
	struct proc *p = current_proc(), *l = p->leader;

	if (l == p && l->threads_live == 1)
		return 0; /* no threads: nothing to do (no lock: only we add them) */
	spin_lock_irqsave(&proc_tree_lock); /* interrupts stay off until unlock */
	if (l->group_exiting) {
		spin_unlock(&proc_tree_lock);
		local_irq_enable();
		return -EINTR; /* dying anyway */
	}
	l->group_exiting = true;
	l->group_exit_status = SIGKILL;
	l->group_exec = p;
	thread_kill_others(p);
	while (l->threads_live > 1 && !fatal_signal_pending())
		waitq_sleep(&l->child_exit, &proc_tree_lock);
	l->group_exec = NULL;
	bool alone = l->threads_live == 1;
	if (alone)
		l->group_exiting = false;
	spin_unlock(&proc_tree_lock);
	local_irq_enable();
	if (!alone)
		return -EINTR; /* killed: the group ends (group_exiting stays) */
	if (l == p)
		return 0;
	thread_wait_zombie(l);
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	thread_take_over(p, l);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	proc_free(l);
	return 0;
}

/* The thread of l's group to take sig: one that does not block it, the
 * leader first; any live one if all block it; NULL if all are gone. */
static struct proc *thread_pick(struct proc *l, int sig)
{
	struct proc *any = NULL;

	for_each_thread(l, t)
	{
		if (t->thread_gone)
			continue;
		if (!(__atomic_load_n(&t->sig_blocked, __ATOMIC_RELAXED) & sig_bit(sig)))
			return t;
		if (!any)
			any = t;
	}
	return any;
}

/*
 * A process-directed signal goes to one thread, except that SIGKILL, and
 * a stop signal whose action is to stop, reach every thread (the whole
 * group dies or stops, as on Linux), and SIGCONT continues every thread
 * before one of them takes it.
 */
void thread_signal_info(struct proc *p, int sig, const struct sig_info *info)
{
	struct proc *l = p->leader, *t;
	bool all = sig == SIGKILL ||
		   ((sig_bit(sig) & SIG_STOP_MASK) && l->sig_action[sig - 1].handler == SIG_DFL);

	if (all || sig == SIGCONT) {
		for_each_thread(l, k)
		{
			if (k->thread_gone)
				continue;
			if (all)
				signal_send_info(k, sig, info);
			else if (k != l)
				signal_continue(k);
		}
		if (all)
			return;
	}
	t = thread_pick(l, sig);
	if (t)
		signal_send_info(t, sig, info);
}

void thread_signal_process(struct proc *p, int sig)
{
	struct sig_info info = {SI_KERNEL, 0, 0};

	thread_signal_info(p, sig, &info);
}

void thread_share_action(struct proc *p, int sig)
{
	struct proc *l = p->leader;

	if (l == p && l->threads_live == 1)
		return;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct k_sigaction act = p->sig_action[sig - 1];
	for_each_thread(l, t)
	{
		if (t == p)
			continue;
		spin_lock(&t->lock);
		t->sig_action[sig - 1] = act;
		spin_unlock(&t->lock);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

/* tgkill and tkill: sig to one thread, tid (of group tgid if > 0). */
static long thread_kill(int tgid, int tid, int sig)
{
	long err = -ESRCH;

	if (tid <= 0 || sig < 0 || sig > NSIG)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	for (struct proc *t = proc_list; t; t = t->all_next) {
		if (t->pid != tid || t->kthread || t->thread_gone || (tgid > 0 && t->tgid != tgid))
			continue;
		if (sig)
			signal_send(t, sig);
		err = 0;
		break;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return err;
}

long sys_tgkill(int tgid, int tid, int sig)
{
	if (tgid <= 0)
		return -EINVAL;
	return thread_kill(tgid, tid, sig);
}

long sys_tkill(int tid, int sig)
{
	return thread_kill(0, tid, sig);
}
