/*
 * Wait queues: how a process sleeps until something happens (a disk
 * request completes, a byte arrives, a child exits) and how whoever makes
 * it happen wakes it.  A header of its own, so that a driver that sleeps
 * needs only this and the spinlocks, not the process structure (and the
 * file system behind it).  Implemented with the scheduler, in
 * src/proc/sched.c.
 */
#ifndef SLUICE_WAITQ_H
#define SLUICE_WAITQ_H

#include <sluice/spinlock.h>

struct proc;

/* A wait queue: processes sleeping until something happens. */
struct waitq {
	struct spinlock lock;
	struct proc *head, *tail;
};
#define WAITQ_INIT { SPINLOCK_INIT, NULL, NULL }

/*
 * Sleep on wq.  The caller holds lk, which protects the condition it tested;
 * lk is released while asleep and held again on return.  A wakeup between the
 * test and the sleep is not lost: the waker must hold lk to change the
 * condition.
 */
void waitq_sleep(struct waitq *wq, struct spinlock *lk);

/*
 * As waitq_sleep, but only if the caller has no signal to act on, checked
 * under its process lock, which a sender takes to make a signal pending
 * before it wakes the process: a signal sent after the caller last looked
 * is never slept through.  Returns false if it did not sleep.
 */
bool waitq_sleep_intr(struct waitq *wq, struct spinlock *lk);

/* Wake every process sleeping on wq. */
void waitq_wake_all(struct waitq *wq);

#endif
