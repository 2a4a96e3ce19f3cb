/*
 * Interval timers: setitimer and getitimer (glibc's alarm is setitimer).
 *
 * ITIMER_REAL counts wall time and sends SIGALRM.  An armed one is a
 * deadline on the timer interrupt's list (sluice/deadline.h), which fires
 * it when due.  ITIMER_VIRTUAL (user time, SIGVTALRM) and ITIMER_PROF
 * (user and system time, SIGPROF) are counted down by the tick that
 * charges CPU time (proc_account_tick), so they have the tick's
 * resolution, 10 ms.
 * A timer is not inherited by fork and survives execve, as on Linux.
 */
#include <sluice/deadline.h>
#include <sluice/errno.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/spinlock.h>
#include <sluice/syscall.h>
#include <sluice/timer.h>
#include <sluice/uaccess.h>

#define ITIMER_REAL    0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF    2
#define NSEC_PER_USEC  1000ull
#define USEC_PER_SEC   1000000ull

static struct spinlock itimer_lock = SPINLOCK_INIT;

/* Linux's struct itimerval: two struct timevals of two longs. */
struct itimerval {
	int64_t interval_sec, interval_usec, value_sec, value_usec;
};

/* p's ITIMER_REAL is due (the deadline list's fire, under itimer_lock). */
static void itimer_fire(struct deadline *d, uint64_t now)
{
	struct proc *p = deadline_owner(d, struct proc, real_timer);

	if (p->real_interval) {
		/* The next period from the missed one, or from now if the
		 * tick fell far behind: one signal, not a burst. */
		uint64_t next = d->at + p->real_interval;
		deadline_arm(d, next > now ? next : now + p->real_interval);
	}
	signal_send(p, SIGALRM);
}

void itimer_exit(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&itimer_lock);

	deadline_cancel(&p->real_timer);
	spin_unlock_irqrestore(&itimer_lock, flags);
}

bool itimer_cpu_tick(uint64_t *left, uint64_t interval, uint64_t ns)
{
	if (!*left)
		return false;
	if (*left > ns) {
		*left -= ns;
		return false;
	}
	*left = interval;
	return true;
}

static uint64_t tv_ns(int64_t sec, int64_t usec)
{
	return (uint64_t)sec * USEC_PER_SEC * NSEC_PER_USEC + (uint64_t)usec * NSEC_PER_USEC;
}

static void ns_tv(uint64_t ns, int64_t *sec, int64_t *usec)
{
	uint64_t us = (ns + NSEC_PER_USEC - 1) / NSEC_PER_USEC; /* never report 0 for "soon" */

	*sec = (int64_t)(us / USEC_PER_SEC);
	*usec = (int64_t)(us % USEC_PER_SEC);
}

/* The timer `which` of p as an itimerval, under itimer_lock. */
static void itimer_get(struct proc *p, int which, struct itimerval *v)
{
	uint64_t left = 0, interval = 0, now = timer_ns();

	if (which == ITIMER_REAL) {
		uint64_t at = p->real_timer.at;
		left = !deadline_armed(&p->real_timer) ? 0 : at > now ? at - now : 1;
		interval = p->real_interval;
	} else if (which == ITIMER_VIRTUAL) {
		left = p->virt_left;
		interval = p->virt_interval;
	} else {
		left = p->prof_left;
		interval = p->prof_interval;
	}
	ns_tv(interval, &v->interval_sec, &v->interval_usec);
	ns_tv(left, &v->value_sec, &v->value_usec);
}

long sys_getitimer(int which, void __user *ucur)
{
	struct itimerval v;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&itimer_lock);
	itimer_get(current_proc(), which, &v);
	spin_unlock_irqrestore(&itimer_lock, flags);
	return copy_to_user(ucur, &v, sizeof(v));
}

/* A timeval Linux accepts: 0 <= usec < 1000000, sec >= 0 (and not absurd). */
static bool tv_valid(int64_t sec, int64_t usec)
{
	return sec >= 0 && sec < (int64_t)(UINT64_MAX / 4 / 1000000000ull) && usec >= 0 &&
	       usec < (int64_t)USEC_PER_SEC;
}

long sys_setitimer(int which, const void __user *unew, void __user *uold)
{
	struct proc *p = current_proc();
	struct itimerval v, old;

	if (which < ITIMER_REAL || which > ITIMER_PROF)
		return -EINVAL;
	/* A NULL new value disarms the timer, as Linux (with a warning) allows. */
	if (!unew)
		v = (struct itimerval){0};
	else if (copy_from_user(&v, unew, sizeof(v)))
		return -EFAULT;
	if (!tv_valid(v.interval_sec, v.interval_usec) || !tv_valid(v.value_sec, v.value_usec))
		return -EINVAL;
	uint64_t value = tv_ns(v.value_sec, v.value_usec);
	uint64_t interval = tv_ns(v.interval_sec, v.interval_usec);

	unsigned long flags = spin_lock_irqsave(&itimer_lock);
	itimer_get(p, which, &old);
	if (which == ITIMER_REAL) {
		if (!p->real_timer.fire) /* p's first */
			deadline_init(&p->real_timer, itimer_fire, &itimer_lock);
		deadline_cancel(&p->real_timer);
		p->real_interval = value ? interval : 0;
		if (value)
			deadline_arm(&p->real_timer, timer_ns() + value);
	} else if (which == ITIMER_VIRTUAL) {
		p->virt_left = value;
		p->virt_interval = value ? interval : 0;
	} else {
		p->prof_left = value;
		p->prof_interval = value ? interval : 0;
	}
	spin_unlock_irqrestore(&itimer_lock, flags);
	return uold ? copy_to_user(uold, &old, sizeof(old)) : 0;
}
