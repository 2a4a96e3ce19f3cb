/*
 * Priorities and placement: getpriority/setpriority (nice values), the
 * CPU affinity mask, and the scheduling policy calls, with Linux's rules.
 * The scheduler (sched.c) reads p->nice and p->affinity; policies other
 * than SCHED_OTHER are recorded and reported, and run as SCHED_OTHER.
 * docs/scheduling.md ("Nice values and affinity") tells how they are used.
 */
#include <sluice/dt.h>
#include <sluice/errno.h>
#include <sluice/hart.h>
#include <sluice/proc.h>
#include <sluice/syscall.h>
#include <sluice/uaccess.h>

#define PRIO_PROCESS 0
#define PRIO_PGRP    1
#define PRIO_USER    2

#define SCHED_OTHER	    0
#define SCHED_FIFO	    1
#define SCHED_RR	    2
#define SCHED_BATCH	    3
#define SCHED_IDLE	    5
#define SCHED_RESET_ON_FORK 0x40000000

/* Does t match setpriority's and getpriority's which/who?  Under
 * proc_tree_lock; who 0 already made the caller's own. */
static bool prio_matches(const struct proc *t, int which, int who)
{
	if (t->kthread || t->exited || t->thread_gone)
		return false;
	if (which == PRIO_PROCESS)
		return t->pid == who;
	if (which == PRIO_PGRP)
		return t->leader->pgid == who;
	return t->cred.uid == (uint32_t)who;
}

/* who 0: the caller, its group or its user. */
static int prio_who(int which, int who)
{
	struct proc *me = current_proc();

	if (who)
		return who;
	if (which == PRIO_PROCESS)
		return me->pid;
	return which == PRIO_PGRP ? me->leader->pgid : (int)me->cred.uid;
}

/* Linux's getpriority answers 20 - nice (1..40) for the best nice of
 * those matched, so that no answer looks like an error. */
long sys_getpriority(int which, int who)
{
	long best = -ESRCH;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	who = prio_who(which, who);
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	for (struct proc *t = proc_list; t; t = t->all_next)
		if (prio_matches(t, which, who) && 20 - t->nice > best)
			best = 20 - t->nice;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return best;
}

/* Linux's set_one_prio: the owner (by euid) or root; a lower nice only
 * for root (RLIMIT_NICE allows none by default). */
static long prio_set_one(struct proc *t, int nice)
{
	const struct cred *me = &current_proc()->cred;

	if (!cred_capable(me) && t->cred.uid != me->euid && t->cred.euid != me->euid)
		return -EPERM;
	if (nice < t->nice && !cred_capable(me) &&
	    20 - nice > (long)MIN(current_proc()->leader->rlim[RLIMIT_NICE].cur, 40ull))
		return -EACCES;
	t->nice = nice;
	return 0;
}

long sys_setpriority(int which, int who, int niceval)
{
	long err = -ESRCH;

	if (which < PRIO_PROCESS || which > PRIO_USER)
		return -EINVAL;
	niceval = niceval < -20 ? -20 : niceval > 19 ? 19 : niceval;
	who = prio_who(which, who);
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	for (struct proc *t = proc_list; t; t = t->all_next)
		if (prio_matches(t, which, who)) {
			long r = prio_set_one(t, niceval);
			err = err == -ESRCH || r ? r : err;
		}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return err;
}

/* The harts that run now, as a mask of dense hart indices (Linux's CPUs). */
static uint64_t harts_online(void)
{
	uint64_t mask = 0;

	for (unsigned int i = 0; i < DT_MAX_HARTS && hart_at(i); i++)
		mask |= 1ull << i;
	return mask;
}

/* Under proc_tree_lock: the task pid names (0: the caller), or NULL. */
static struct proc *task_of(int pid)
{
	return pid ? proc_find_task(pid) : current_proc();
}

/* Linux's check_same_owner, or root (CAP_SYS_NICE). */
static bool may_change(const struct proc *t)
{
	const struct cred *me = &current_proc()->cred;

	return cred_capable(me) || me->euid == t->cred.euid || me->euid == t->cred.uid;
}

/*
 * The harts pid may run on, as a CPU mask indexed by the dense hart index:
 * its affinity, every online hart by default.  len must hold a bit per
 * possible hart, in whole longs; the result is the bytes written, as
 * Linux's.
 */
long sys_sched_getaffinity(int pid, unsigned int len, void __user *umask)
{
	uint64_t mask = harts_online();
	struct proc *t;

	if (len * 8 < DT_MAX_HARTS || (len & (sizeof(long) - 1)))
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	t = pid < 0 ? NULL : task_of(pid);
	if (t && t->affinity)
		mask &= t->affinity;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (!t)
		return -ESRCH;
	if (copy_to_user(umask, &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}

/*
 * Pin pid to the online harts of the mask (a shorter mask is zero beyond
 * len, a longer one cut, as Linux's); EINVAL if none of them runs.  A
 * process on a hart it may no longer use moves at its next switch; the
 * caller moves at once.
 */
long sys_sched_setaffinity(int pid, unsigned int len, const void __user *umask)
{
	uint64_t mask = 0;
	struct proc *t;
	long err = 0;

	if (copy_from_user(&mask, umask, MIN(len, (unsigned int)sizeof(mask))))
		return -EFAULT;
	mask &= harts_online();
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	t = pid < 0 ? NULL : task_of(pid);
	if (!t)
		err = -ESRCH;
	else if (!may_change(t))
		err = -EPERM;
	else if (!mask)
		err = -EINVAL;
	else
		__atomic_store_n(&t->affinity, mask, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (!err && !(mask >> this_hart_index() & 1) && t == current_proc())
		proc_yield(); /* off this hart now */
	return err;
}

/* The priority range of a policy, or false for one Linux does not have. */
static bool policy_range(int policy, int *min, int *max)
{
	switch (policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		*min = 1, *max = 99;
		return true;
	case SCHED_OTHER:
	case SCHED_BATCH:
	case SCHED_IDLE:
		*min = *max = 0;
		return true;
	}
	return false;
}

/* Linux also answers 0 for SCHED_DEADLINE and SCHED_EXT, which only
 * sched_setattr sets (Sluice has neither). */
#define SCHED_DEADLINE 6
#define SCHED_EXT      7

long sys_sched_get_priority_max(int policy)
{
	int min, max;

	if (policy == SCHED_DEADLINE || policy == SCHED_EXT)
		return 0;
	return policy_range(policy, &min, &max) ? max : -EINVAL;
}

long sys_sched_get_priority_min(int policy)
{
	int min, max;

	if (policy == SCHED_DEADLINE || policy == SCHED_EXT)
		return 0;
	return policy_range(policy, &min, &max) ? min : -EINVAL;
}

/* Set t's policy (-1: keep it) and priority, with Linux's checks. */
static long sched_set(int pid, int policy, const void __user *uparam)
{
	int prio, min, max;
	struct proc *t;
	long err = 0;

	if (!uparam || pid < 0)
		return -EINVAL;
	if (copy_from_user(&prio, uparam, sizeof(prio)))
		return -EFAULT;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	t = task_of(pid);
	if (t && policy == -1)
		policy = t->policy;
	if (!t)
		err = -ESRCH;
	else if (!policy_range(policy, &min, &max) || prio < min || prio > max)
		err = -EINVAL;
	else if (!may_change(t) || (max && !cred_capable(&current_proc()->cred)))
		err = -EPERM; /* real-time: root's (RLIMIT_RTPRIO is 0) */
	if (!err) {
		t->policy = policy;
		t->rt_priority = prio;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return err;
}

long sys_sched_setscheduler(int pid, int policy, const void __user *uparam)
{
	if (policy < 0)
		return -EINVAL;
	return sched_set(pid, policy & ~SCHED_RESET_ON_FORK, uparam);
}

long sys_sched_setparam(int pid, const void __user *uparam)
{
	return sched_set(pid, -1, uparam);
}

/* Under proc_tree_lock, what of t sched_getscheduler and _getparam tell. */
static long sched_get(int pid, bool want_policy, void __user *uparam)
{
	struct proc *t;
	int policy = 0, prio = 0;

	if (pid < 0 || (!want_policy && !uparam))
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	t = task_of(pid);
	if (t)
		policy = t->policy, prio = t->rt_priority;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (!t)
		return -ESRCH;
	if (want_policy)
		return policy;
	return copy_to_user(uparam, &prio, sizeof(prio)) ? -EFAULT : 0;
}

long sys_sched_getscheduler(int pid)
{
	return sched_get(pid, true, NULL);
}

long sys_sched_getparam(int pid, void __user *uparam)
{
	return sched_get(pid, false, uparam);
}
