/*
 * Sessions and the controlling terminal (docs/job-control.md).
 *
 * A session is a set of process groups, named by the pid of the process
 * that made it with setsid (its leader).  The console is the controlling
 * terminal of at most one session (console_sid; init's at boot), and has
 * one foreground process group of that session: the one ^C, ^\ and ^Z
 * signal.  A process of that session in another group (the background)
 * that reads the terminal gets SIGTTIN, and one that changes its settings
 * or foreground group gets SIGTTOU; the default action of both is to stop
 * it (src/proc/signal.c), and the call runs again once it is continued.
 * Linux's rules, for the one terminal Sluice has.
 */
#include <sluice/console.h>
#include <sluice/errno.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/syscall.h>
#include <sluice/tty.h>
#include <sluice/uaccess.h>

/*
 * setsid: a new session and process group, both named by the caller's
 * pid, with no controlling terminal.  EPERM if the caller leads a process
 * group (some process has its pid as pgid), as Linux: the new group's id
 * must be unused.
 */
long sys_setsid(void)
{
	struct proc *self = current_proc()->leader; /* the process, not the thread */
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	long ret = self->pid;

	for (struct proc *p = proc_list; p; p = p->all_next)
		if (!p->kthread && p->leader == p && p->pgid == self->pid)
			ret = -EPERM;
	if (ret > 0)
		self->sid = self->pgid = self->pid;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ret;
}

long sys_getsid(int pid)
{
	struct proc *self = current_proc()->leader;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	long sid = pid ? -ESRCH : self->sid;

	for (struct proc *p = proc_list; p && pid; p = p->all_next)
		if (p->pid == pid && !p->kthread && !p->exited)
			sid = p->leader->sid;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return sid;
}

/* Is the console the caller's controlling terminal? */
static bool tty_is_ours(const struct proc *p)
{
	return p->sid && console_sid() == p->sid;
}

/* Is sig ignored (SIG_IGN) or blocked by p? */
static bool sig_ignored_or_blocked(const struct proc *p, int sig)
{
	return (p->sig_blocked & sig_bit(sig)) || p->sig_action[sig - 1].handler == SIG_IGN;
}

/*
 * A background process of the terminal's session touches it: sig to its
 * group and -ERESTARTSYS (it stops; continued, the call runs again), or 0
 * to go ahead.  reading: SIGTTIN, which a process that ignores or blocks
 * it cannot take (EIO); else SIGTTOU, which such a process is let past.
 * An orphaned group would not stop (nobody could continue it): EIO, as on
 * Linux, rather than a signal and a restart for ever.
 */
static long tty_background(int sig, bool reading)
{
	struct proc *t = current_proc(), *p = t ? t->leader : NULL; /* the process */

	if (!p || !tty_is_ours(p) || p->pgid == console_fg_pgrp())
		return 0;
	if (sig_ignored_or_blocked(t, sig))
		return reading ? -EIO : 0;
	if (jobctl_pgrp_orphaned(p->pgid, NULL))
		return -EIO;
	signal_kill(-(long)p->pgid, sig, p);
	return -ERESTARTSYS;
}

long tty_check_read(void)
{
	return tty_background(SIGTTIN, true);
}

long tty_check_change(void)
{
	return tty_background(SIGTTOU, false);
}

/* Is there a process in group pgrp of session sid?  (And any at all.) */
static long tty_find_pgrp(int pgrp, int sid)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	long ret = -ESRCH;

	for (struct proc *p = proc_list; p; p = p->all_next) {
		if (p->kthread || p->exited || p->leader != p || p->pgid != pgrp)
			continue;
		ret = p->sid == sid ? 0 : -EPERM;
		if (!ret)
			break;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ret;
}

static long tty_set_pgrp(struct proc *p, const int __user *upgrp)
{
	int pgrp;
	long err = tty_check_change();

	if (err)
		return err;
	if (!tty_is_ours(p))
		return -ENOTTY;
	if (copy_from_user(&pgrp, upgrp, sizeof(pgrp)))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	err = tty_find_pgrp(pgrp, p->sid);
	if (!err)
		console_set_fg_pgrp(pgrp);
	return err;
}

/* TIOCSCTTY: a session leader without a terminal takes the console; from
 * another session only by force (arg 1, which root may use: everyone is
 * root on Sluice). */
static long tty_set_ctty(struct proc *p, unsigned long arg)
{
	if (tty_is_ours(p) && p->sid == p->pid)
		return 0;
	if (p->sid != p->pid)
		return -EPERM;
	if (console_sid() && arg != 1)
		return -EPERM;
	console_set_sid(p->sid);
	console_set_fg_pgrp(p->pgid);
	return 0;
}

long tty_job_ioctl(unsigned long cmd, unsigned long arg)
{
	struct proc *p = current_proc()->leader; /* sid and pgid are the process's */
	int v;

	switch (cmd) {
	case TIOCGPGRP:
	case TIOCGSID:
		if (!tty_is_ours(p))
			return -ENOTTY;
		v = cmd == TIOCGPGRP ? console_fg_pgrp() : console_sid();
		return copy_to_user((void __user *)arg, &v, sizeof(v));
	case TIOCSPGRP:
		return tty_set_pgrp(p, (const int __user *)arg);
	case TIOCSCTTY:
		return tty_set_ctty(p, arg);
	case TIOCNOTTY:
		if (!tty_is_ours(p))
			return -ENOTTY;
		if (p->sid == p->pid) { /* the leader gives it up for the session */
			signal_kill(-(long)console_fg_pgrp(), SIGHUP, p);
			signal_kill(-(long)console_fg_pgrp(), SIGCONT, p);
			console_set_sid(0);
		}
		return 0;
	}
	return -ENOTTY;
}

/* Under proc_tree_lock. */
static bool pgrp_orphaned_locked(int pgid, struct proc *gone)
{
	for (struct proc *q = proc_list; q; q = q->all_next) {
		struct proc *parent = q->parent;
		if (q->pgid != pgid || q == gone || q->exited || q->kthread || !parent ||
		    parent == gone || parent == init_proc)
			continue;
		if (parent->pgid != pgid && parent->sid == q->sid)
			return false;
	}
	return true;
}

bool jobctl_pgrp_orphaned(int pgid, struct proc *gone)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	bool orphaned = pgrp_orphaned_locked(pgid, gone);

	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return orphaned;
}

/* Under proc_tree_lock: does group pgid have a stopped member? */
static bool pgrp_has_stopped(int pgid)
{
	for (struct proc *q = proc_list; q; q = q->all_next)
		if (q->stopped && !q->exited && q->leader->pgid == pgid) /* any thread */
			return true;
	return false;
}

/* Under proc_tree_lock: member's group had holder (exiting, or the
 * exiting process's parent) as a parent in another group of its session;
 * is it orphaned by gone's exit, with a stopped member? */
static bool orphaned_by_exit(struct proc *gone, struct proc *member, struct proc *holder)
{
	return holder->pgid != member->pgid && holder->sid == member->sid &&
	       pgrp_orphaned_locked(member->pgid, gone) && pgrp_has_stopped(member->pgid);
}

void jobctl_exit(struct proc *p)
{
	int hup[8], n = 0;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);

	/* Its own group, if p was what kept it from being orphaned. */
	if (p->parent && orphaned_by_exit(p, p, p->parent))
		hup[n++] = p->pgid;
	for (struct proc *c = p->children; c && n < (int)ARRAY_SIZE(hup); c = c->sib_next) {
		bool dup = false;
		for (int i = 0; i < n; i++)
			dup |= hup[i] == c->pgid;
		if (!dup && !c->exited && orphaned_by_exit(p, c, p))
			hup[n++] = c->pgid;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (p->sid == p->pid && console_sid() == p->sid && n < (int)ARRAY_SIZE(hup)) {
		hup[n++] = console_fg_pgrp();
		console_set_sid(0);
	}
	for (int i = 0; i < n; i++) {
		signal_kill(-(long)hup[i], SIGHUP, NULL);
		signal_kill(-(long)hup[i], SIGCONT, NULL);
	}
}
