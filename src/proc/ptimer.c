/*
 * POSIX per-process timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun, timer_delete; and clock_settime and settimeofday,
 * which move CLOCK_REALTIME (root only).
 *
 * A timer belongs to a process (its thread-group id, which an exec from
 * another thread keeps) and lives in one table.  An armed timer is a
 * deadline on the monotonic clock (a CLOCK_REALTIME deadline is converted
 * when it is set) on the timer interrupt's list (sluice/deadline.h), which
 * fires it when due.  At expiry a
 * SIGEV_SIGNAL timer signals the process (a SIGEV_THREAD_ID one, a thread
 * of it) with si_code SI_TIMER, its id, overrun count and sigev_value; a
 * SIGEV_NONE timer only counts.  While its signal is still pending, a new
 * expiry (or a period the tick missed) is an overrun instead.  Timers are
 * not inherited by fork and are deleted by execve and at exit.
 */
#include <sluice/deadline.h>
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/spinlock.h>
#include <sluice/syscall.h>
#include <sluice/timer.h>
#include <sluice/uaccess.h>

#define CLOCK_REALTIME	0
#define CLOCK_MONOTONIC 1
#define CLOCK_BOOTTIME	7
#define SIGEV_SIGNAL	0
#define SIGEV_NONE	1
#define SIGEV_THREAD	2 /* glibc's: the kernel sees SIGEV_THREAD_ID, or a signal */
#define SIGEV_THREAD_ID 4
#define TIMER_ABSTIME	1
#define NSEC		1000000000ull

#define PTIMER_SLOTS 1024 /* in the whole system */
#define PTIMER_MAX   64	  /* for one process: EAGAIN beyond */

struct ptimer {
	int tgid, id; /* whose, and its timer_t */
	int clock, notify, signo, tid;
	uint64_t value;	    /* sigev_value */
	struct deadline dl; /* on timer_ns()'s clock, while armed */
	uint64_t interval;
	int overrun, overrun_last;
};

static struct ptimer *table[PTIMER_SLOTS];
static struct spinlock ptimer_lock = SPINLOCK_INIT;

/* Linux's struct sigevent on riscv64 (64 bytes; the rest is padding). */
struct k_sigevent {
	uint64_t value;
	int32_t signo, notify, tid, pad;
};

struct k_itimerspec {
	int64_t interval_sec, interval_nsec, value_sec, value_nsec;
};

static struct ptimer *ptimer_find(int id, int *slot);

/* Under ptimer_lock and proc_tree_lock: the task to signal, or NULL. */
static struct proc *ptimer_target(const struct ptimer *t)
{
	for (struct proc *p = proc_list; p; p = p->all_next)
		if (!p->kthread && !p->exited && p->tgid == t->tgid &&
		    (t->notify == SIGEV_THREAD_ID ? p->pid == t->tid && !p->thread_gone
						  : p->leader == p))
			return p;
	return NULL;
}

/* t is due (the deadline list's fire, under ptimer_lock): arm its next
 * period, then signal its process unless its signal is still pending (then
 * it is an overrun). */
static void ptimer_fire(struct deadline *d, uint64_t now)
{
	struct ptimer *t = deadline_owner(d, struct ptimer, dl);

	if (t->interval) {
		/* Periods the tick missed are overruns, as on Linux. */
		uint64_t missed = (now - d->at) / t->interval;
		t->overrun += (int)MIN(missed, (uint64_t)INT32_MAX / 2);
		deadline_arm(d, d->at + (missed + 1) * t->interval);
	}
	if (t->notify == SIGEV_NONE)
		return;
	spin_lock(&proc_tree_lock);
	struct proc *p = ptimer_target(t);
	if (p && (p->sig_pending & (1ull << (t->signo - 1)))) {
		t->overrun++;
	} else if (p) {
		struct sig_info info = {SI_TIMER, (uint32_t)t->id, t->value};
		if (t->notify == SIGEV_THREAD_ID)
			signal_send_info(p, t->signo, &info);
		else
			thread_signal_info(p, t->signo, &info);
	}
	spin_unlock(&proc_tree_lock);
}

void ptimer_dequeued(struct sig_info *info)
{
	unsigned long flags = spin_lock_irqsave(&ptimer_lock);
	struct ptimer *t = ptimer_find((int)(uint32_t)info->at16, NULL);

	/* si_overrun: the expiries since it was sent, as Linux counts at
	 * delivery; timer_getoverrun reports the same from now on. */
	if (t) {
		t->overrun_last = t->overrun;
		t->overrun = 0;
		info->at16 = (uint32_t)t->id | (uint64_t)(uint32_t)t->overrun_last << 32;
	}
	spin_unlock_irqrestore(&ptimer_lock, flags);
}

void ptimer_exit(struct proc *l)
{
	int tgid = l->tgid;

	/* Most processes have none: no walk of the table for them (exit and
	 * exec would pay for it in every fork+exit+wait). */
	if (!__atomic_load_n(&l->ptimer_n, __ATOMIC_ACQUIRE))
		return;
	unsigned long flags = spin_lock_irqsave(&ptimer_lock);
	l->ptimer_n = 0;

	for (int i = 0; i < PTIMER_SLOTS; i++) {
		struct ptimer *t = table[i];
		if (!t || t->tgid != tgid)
			continue;
		deadline_cancel(&t->dl);
		table[i] = NULL;
		kfree(t);
	}
	spin_unlock_irqrestore(&ptimer_lock, flags);
}

/* Under ptimer_lock: the caller's timer with this id, or NULL. */
static struct ptimer *ptimer_find(int id, int *slot)
{
	int tgid = current_proc()->tgid;

	for (int i = 0; i < PTIMER_SLOTS; i++)
		if (table[i] && table[i]->tgid == tgid && table[i]->id == id) {
			if (slot)
				*slot = i;
			return table[i];
		}
	return NULL;
}

/* Linux's good_sigevent: SIGEV_NONE, a signal 1..64, or a signal to a
 * thread of the caller's own group. */
static long sigevent_check(const struct k_sigevent *ev)
{
	struct proc *me = current_proc();

	if (ev->notify == SIGEV_NONE)
		return 0;
	if (ev->notify != SIGEV_SIGNAL && ev->notify != SIGEV_THREAD &&
	    ev->notify != SIGEV_THREAD_ID)
		return -EINVAL;
	if (ev->signo <= 0 || ev->signo > NSIG)
		return -EINVAL;
	if (ev->notify != SIGEV_THREAD_ID)
		return 0;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct proc *t = proc_find_task(ev->tid);
	bool ours = t && t->tgid == me->tgid;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ours ? 0 : -EINVAL;
}

/* Under ptimer_lock: a free slot and the lowest id the caller has not
 * used, or -EAGAIN. */
static long ptimer_place(struct ptimer *t)
{
	int slot = -1, n = 0;
	uint64_t used = 0; /* ids below 64 the caller has */

	for (int i = 0; i < PTIMER_SLOTS; i++) {
		if (!table[i]) {
			slot = slot < 0 ? i : slot;
		} else if (table[i]->tgid == t->tgid) {
			n++;
			used |= 1ull << table[i]->id;
		}
	}
	if (slot < 0 || n >= PTIMER_MAX)
		return -EAGAIN;
	t->id = __builtin_ctzll(~used);
	table[slot] = t;
	current_proc()->leader->ptimer_n++;
	return 0;
}

long sys_timer_create(int clock, void __user *usevp, int __user *uid)
{
	struct k_sigevent ev = {0, SIGALRM, SIGEV_SIGNAL, 0, 0};
	struct ptimer *t;
	long err;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME)
		return -EINVAL;
	if (usevp && copy_from_user(&ev, usevp, sizeof(ev)))
		return -EFAULT;
	err = sigevent_check(&ev);
	if (err)
		return err;
	t = kzalloc(sizeof(*t));
	if (!t)
		return -EAGAIN; /* Linux's answer when the kernel has no room */
	*t = (struct ptimer){.tgid = current_proc()->tgid,
			     .clock = clock,
			     .notify = ev.notify,
			     .signo = ev.signo,
			     .tid = ev.tid,
			     .value = ev.value};
	if (t->notify == SIGEV_THREAD)
		t->notify = SIGEV_SIGNAL;
	deadline_init(&t->dl, ptimer_fire, &ptimer_lock);
	unsigned long flags = spin_lock_irqsave(&ptimer_lock);
	err = ptimer_place(t);
	if (!err && !usevp)
		t->value = (uint64_t)t->id; /* no sigevent: sigev_value is the id */
	spin_unlock_irqrestore(&ptimer_lock, flags);
	if (err) {
		kfree(t);
		return err;
	}
	if (copy_to_user(uid, &t->id, sizeof(int))) {
		sys_timer_delete(t->id);
		return -EFAULT;
	}
	return 0;
}

/* Under ptimer_lock: what is left of t and its interval. */
static void ptimer_get(const struct ptimer *t, struct k_itimerspec *v)
{
	uint64_t now = timer_ns();
	uint64_t at = t->dl.at;
	uint64_t left = !deadline_armed(&t->dl) ? 0 : at > now ? at - now : 1;

	v->interval_sec = (int64_t)(t->interval / NSEC);
	v->interval_nsec = (int64_t)(t->interval % NSEC);
	v->value_sec = (int64_t)(left / NSEC);
	v->value_nsec = (int64_t)(left % NSEC);
}

static bool ts_valid(int64_t sec, int64_t nsec)
{
	return sec >= 0 && sec < (int64_t)(UINT64_MAX / 4 / NSEC) && nsec >= 0 &&
	       nsec < (int64_t)NSEC;
}

/* When a timer set to value (absolute or not) on its clock expires, on
 * timer_ns()'s clock; 0 for a value of 0 (disarm). */
static uint64_t ptimer_deadline(const struct ptimer *t, uint64_t value, bool abs)
{
	uint64_t now = timer_ns();

	if (!value)
		return 0;
	if (!abs)
		return now + value;
	if (t->clock == CLOCK_REALTIME) {
		uint64_t wall = timer_realtime_ns();
		value = value > wall ? now + (value - wall) : now;
	}
	return MAX(value, 1);
}

long sys_timer_settime(int id, int flags, const void __user *unew, void __user *uold)
{
	struct k_itimerspec v, old;
	struct ptimer *t;

	if (!unew)
		return -EINVAL;
	if (copy_from_user(&v, unew, sizeof(v)))
		return -EFAULT;
	if (!ts_valid(v.interval_sec, v.interval_nsec) || !ts_valid(v.value_sec, v.value_nsec))
		return -EINVAL;
	uint64_t value = (uint64_t)v.value_sec * NSEC + (uint64_t)v.value_nsec;
	unsigned long irq = spin_lock_irqsave(&ptimer_lock);
	t = ptimer_find(id, NULL);
	if (t) {
		ptimer_get(t, &old);
		uint64_t at = ptimer_deadline(t, value, flags & TIMER_ABSTIME);
		deadline_cancel(&t->dl);
		t->interval = at ? (uint64_t)v.interval_sec * NSEC + (uint64_t)v.interval_nsec : 0;
		t->overrun = 0;
		if (at)
			deadline_arm(&t->dl, at);
	}
	spin_unlock_irqrestore(&ptimer_lock, irq);
	if (!t)
		return -EINVAL;
	return uold && copy_to_user(uold, &old, sizeof(old)) ? -EFAULT : 0;
}

long sys_timer_gettime(int id, void __user *ucur)
{
	struct k_itimerspec v;
	unsigned long flags = spin_lock_irqsave(&ptimer_lock);
	struct ptimer *t = ptimer_find(id, NULL);

	if (t)
		ptimer_get(t, &v);
	spin_unlock_irqrestore(&ptimer_lock, flags);
	if (!t)
		return -EINVAL;
	return copy_to_user(ucur, &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_timer_getoverrun(int id)
{
	unsigned long flags = spin_lock_irqsave(&ptimer_lock);
	struct ptimer *t = ptimer_find(id, NULL);
	long n = t ? t->overrun_last : -EINVAL;

	spin_unlock_irqrestore(&ptimer_lock, flags);
	return n;
}

long sys_timer_delete(int id)
{
	int slot;
	unsigned long flags = spin_lock_irqsave(&ptimer_lock);
	struct ptimer *t = ptimer_find(id, &slot);

	if (t) {
		deadline_cancel(&t->dl);
		table[slot] = NULL;
		current_proc()->leader->ptimer_n--;
	}
	spin_unlock_irqrestore(&ptimer_lock, flags);
	if (!t)
		return -EINVAL;
	kfree(t);
	return 0;
}

/* CLOCK_REALTIME only, and only root moves it (Linux's CAP_SYS_TIME);
 * the refusals in Linux's order. */
long sys_clock_settime(int clock, const void __user *uts)
{
	struct {
		int64_t sec, nsec;
	} ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (clock != CLOCK_REALTIME)
		return -EINVAL;
	if (!ts_valid(ts.sec, ts.nsec))
		return -EINVAL;
	if (!cred_capable(&current_proc()->cred))
		return -EPERM;
	timer_set_realtime((uint64_t)ts.sec * NSEC + (uint64_t)ts.nsec);
	return 0;
}

/* settimeofday: the time (a timeval) and a time zone, which Sluice only
 * checks (Linux keeps it for a few file systems). */
long sys_settimeofday(const void __user *utv, const void __user *utz)
{
	struct {
		int64_t sec, usec;
	} tv;
	struct {
		int32_t minuteswest, dsttime;
	} tz;

	if (utv && copy_from_user(&tv, utv, sizeof(tv)))
		return -EFAULT;
	if (utv && (tv.usec < 0 || tv.usec >= 1000000))
		return -EINVAL;
	if (utz && copy_from_user(&tz, utz, sizeof(tz)))
		return -EFAULT;
	if (utz && (tz.minuteswest < -15 * 60 || tz.minuteswest > 15 * 60))
		return -EINVAL;
	if (utv && !ts_valid(tv.sec, 0))
		return -EINVAL;
	if (!cred_capable(&current_proc()->cred))
		return -EPERM;
	if (utv)
		timer_set_realtime((uint64_t)tv.sec * NSEC + (uint64_t)tv.usec * 1000);
	return 0;
}
