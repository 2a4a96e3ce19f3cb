/*
 * Resource limits: getrlimit, setrlimit and prlimit64, with Linux's rules.
 *
 * A process's limits live on its thread-group leader (p->leader->rlim),
 * under proc_tree_lock when another process's are read or changed; fork
 * copies them and exec keeps them.  Where they are enforced:
 * RLIMIT_NOFILE in fd allocation (src/fs/file.c), RLIMIT_NPROC in clone,
 * RLIMIT_STACK in exec (the size of the new stack), RLIMIT_FSIZE in write
 * and truncate, RLIMIT_AS and RLIMIT_DATA in mmap and brk.  The others
 * are kept and reported only.
 */
#include <sluice/errno.h>
#include <sluice/proc.h>
#include <sluice/rlimit.h>
#include <sluice/signal.h>
#include <sluice/syscall.h>
#include <sluice/uaccess.h>

#define SIGXFSZ 25
#define NR_OPEN (1024 * 1024) /* Linux's fs.nr_open: no hard RLIMIT_NOFILE above it */

void rlimit_init(struct proc *p)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		p->rlim[i] = (struct rlimit64){RLIM_INFINITY, RLIM_INFINITY};
	/* Linux's defaults for init (include/asm-generic/resource.h), with
	 * RLIMIT_NPROC and RLIMIT_SIGPENDING at half of threads-max as Linux
	 * sets them at boot. */
	p->rlim[RLIMIT_STACK].cur = 8 * 1024 * 1024;
	p->rlim[RLIMIT_CORE].cur = 0;
	p->rlim[RLIMIT_NPROC].cur = p->rlim[RLIMIT_NPROC].max = proc_max() / 2;
	p->rlim[RLIMIT_SIGPENDING] = p->rlim[RLIMIT_NPROC];
	/* Linux's: soft 1024 (FD_MAX, the most the fd table grows to: a higher
	 * soft limit gives no more), hard 4096. */
	p->rlim[RLIMIT_NOFILE] = (struct rlimit64){FD_MAX, 4096};
	p->rlim[RLIMIT_MEMLOCK] = (struct rlimit64){8 * 1024 * 1024, 8 * 1024 * 1024};
	p->rlim[RLIMIT_MSGQUEUE] = (struct rlimit64){819200, 819200};
	p->rlim[RLIMIT_NICE] = (struct rlimit64){0, 0};
	p->rlim[RLIMIT_RTPRIO] = (struct rlimit64){0, 0};
}

uint64_t rlimit_cur(unsigned int resource)
{
	/* One 64-bit load: a racing setrlimit gives the old or the new value. */
	return __atomic_load_n(&current_proc()->leader->rlim[resource].cur, __ATOMIC_RELAXED);
}

long rlimit_fsize_check(uint64_t pos, uint64_t len)
{
	uint64_t lim = rlimit_cur(RLIMIT_FSIZE);

	if (lim == RLIM_INFINITY || !len)
		return (long)len; /* an empty write is no write (Linux: no signal) */
	if (pos >= lim) {
		signal_send(current_proc(), SIGXFSZ);
		return -EFBIG;
	}
	return (long)MIN(len, lim - pos);
}

long rlimit_nproc_check(void)
{
	const struct cred *c = &current_proc()->cred;
	uint64_t lim = rlimit_cur(RLIMIT_NPROC), n = 0;

	if (c->uid == 0 || c->euid == 0 || lim == RLIM_INFINITY)
		return 0; /* root's tasks are not counted against it, as on Linux */
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	for (struct proc *p = proc_list; p; p = p->all_next)
		if (!p->kthread && !p->exited && !p->thread_gone && p->cred.uid == c->uid)
			n++;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return n >= lim ? -EAGAIN : 0;
}

/* May the caller see and change t's limits?  Its own, or (Linux's rule)
 * a process whose uids and gids all are the caller's real ones; root may
 * do any. */
static bool rlimit_may(const struct proc *t)
{
	const struct cred *me = &current_proc()->cred, *c = &t->cred;

	if (t->leader == current_proc()->leader || cred_capable(me))
		return true;
	return me->uid == c->uid && me->uid == c->euid && me->uid == c->suid && me->gid == c->gid &&
	       me->gid == c->egid && me->gid == c->sgid;
}

/* Under proc_tree_lock: apply new to l's limit (old: what it was). */
static long rlimit_set(struct proc *l, unsigned int resource, const struct rlimit64 *new,
		       struct rlimit64 *old)
{
	*old = l->rlim[resource];
	if (!new)
		return 0;
	if (new->cur > new->max)
		return -EINVAL;
	if (resource == RLIMIT_NOFILE && new->max > NR_OPEN)
		return -EPERM;
	if (new->max > old->max && !cred_capable(&current_proc()->cred))
		return -EPERM; /* raising the hard limit: CAP_SYS_RESOURCE */
	__atomic_store_n(&l->rlim[resource].cur, new->cur, __ATOMIC_RELAXED);
	l->rlim[resource].max = new->max;
	return 0;
}

long sys_prlimit64(int pid, unsigned int resource, const void __user *unew, void __user *uold)
{
	struct rlimit64 new, old;
	struct proc *t;
	long err;

	/* Linux's order of refusals: the copy, the process, the resource. */
	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	t = pid ? proc_find_task(pid) : current_proc();
	if (!t)
		err = -ESRCH;
	else if (!rlimit_may(t))
		err = -EPERM;
	else if (resource >= RLIM_NLIMITS)
		err = -EINVAL;
	else
		err = rlimit_set(t->leader, resource, unew ? &new : NULL, &old);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (err)
		return err;
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_getrlimit(unsigned int resource, void __user *urlim)
{
	if (!urlim && resource < RLIM_NLIMITS)
		return -EFAULT;
	return sys_prlimit64(0, resource, NULL, urlim);
}

long sys_setrlimit(unsigned int resource, const void __user *urlim)
{
	if (!urlim)
		return -EFAULT; /* Linux reads the new limit first */
	return sys_prlimit64(0, resource, urlim, NULL);
}
