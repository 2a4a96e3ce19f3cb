/*
 * Deadlines: one list, soonest first, of the timers that expire at a time
 * on the boot clock (timer_ns): ITIMER_REAL (src/proc/itimer.c), POSIX
 * timers (src/proc/ptimer.c) and timerfds (src/fs/timerfd.c).  Every timer
 * interrupt fires what is due (deadlines_fire) and brings the hart's timer
 * forward to the earliest left (timer_want), as Linux's hrtimer base does
 * with its tree.  What an expiry means (a signal, a reload, an overrun, a
 * count and a wakeup) stays with the timer's owner, in its fire function.
 *
 * Each deadline names its owner's lock.  Whoever arms or cancels it holds
 * that lock, and deadlines_fire holds it around fire: so fire never runs on
 * a deadline its owner has just cancelled (and maybe freed), and the owner
 * sees a deadline armed or not, never half-fired.  The list's own lock is
 * innermost: taken inside the owner's lock, never around it.
 */
#ifndef SLUICE_DEADLINE_H
#define SLUICE_DEADLINE_H

#include <sluice/spinlock.h>
#include <sluice/types.h>

struct deadline {
	uint64_t at; /* on timer_ns()'s clock; meaningful while armed */
	/* Called by deadlines_fire(now) once at <= now, the deadline already
	 * off the list, with *lock held and interrupts off: must not sleep;
	 * may arm the deadline again. */
	void (*fire)(struct deadline *d, uint64_t now);
	struct spinlock *lock;		/* the owner's, held to arm, cancel and fire; outlives d */
	struct deadline *next, **pprev; /* on the list; pprev NULL: not armed */
};

/* The owner of the struct that holds member `member` at d. */
#define deadline_owner(d, type, member) ((type *)((char *)(d)-offsetof(type, member)))

/* Make d a disarmed deadline of the owner whose lock is lock. */
void deadline_init(struct deadline *d, void (*fire)(struct deadline *, uint64_t),
		   struct spinlock *lock);

/* Arm d to fire at `at` (moving it if armed already) and bring this hart's
 * timer forward to it.  d->lock held; any context. */
void deadline_arm(struct deadline *d, uint64_t at);

/* Take d off the list if it is there (nothing if not armed, or never
 * initialised).  d->lock held; any context. */
void deadline_cancel(struct deadline *d);

/* Whether d is on the list.  d->lock held (which keeps the answer; the
 * list's lock only moves pprev between links). */
static inline bool deadline_armed(const struct deadline *d)
{
	return __atomic_load_n(&d->pprev, __ATOMIC_RELAXED) != NULL;
}

/* From the timer interrupt, interrupts off: fire every deadline due by now,
 * soonest first, then bring this hart's timer forward to the earliest left.
 * No lock held. */
void deadlines_fire(uint64_t now);

/* The earliest armed deadline, or UINT64_MAX if none is. */
uint64_t deadlines_next(void);

#endif
