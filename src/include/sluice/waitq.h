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
struct file;
struct poll_waiter;

/* A poller's hook on one wait queue (src/fs/poll.c). */
struct poll_entry {
	struct poll_entry *next, *prev; /* on wq->pollers, under wq->lock */
	struct waitq *wq;
	struct poll_waiter *pw; /* whom to wake */
	struct file *file;	/* counted: the queue's owner stays alive */
	/* A hook of its own (an epoll watch): called in pw's place, under
	 * wq->lock, interrupts off, maybe in an interrupt handler. */
	void (*func)(struct poll_entry *e);
	void *priv;
};

/* A wait queue: processes sleeping until something happens, and pollers
 * (sluice/poll.h) to tell when it does. */
struct waitq {
	struct spinlock lock;
	struct proc *head, *tail;
	struct poll_entry *pollers;
};
#define WAITQ_INIT                                                                                 \
	{                                                                                          \
		SPINLOCK_INIT, NULL, NULL, NULL                                                    \
	}

/* Has wq anybody to wake (a sleeper or a poller)?  A look without the
 * lock, for wakers that hold the lock sleepers test their condition under. */
static inline bool waitq_active(struct waitq *wq)
{
	return __atomic_load_n(&wq->head, __ATOMIC_RELAXED) ||
	       __atomic_load_n(&wq->pollers, __ATOMIC_RELAXED);
}

/* Wake the poller that hung e on a queue (src/fs/poll.c); the queue's lock
 * is held, so the entry cannot go away meanwhile. */
void poll_entry_wake(struct poll_entry *e);

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

/*
 * For the timer's queue: as waitq_sleep_intr, but the sleeper is woken by
 * waitq_wake_due once the clock reaches at (0: at every call), not before
 * (unless a signal or another wakeup comes).
 */
bool waitq_sleep_until(struct waitq *wq, struct spinlock *lk, uint64_t at);

/* Wake the sleepers on wq whose time (waitq_sleep_until) has come;
 * return the earliest time of those left (UINT64_MAX: none). */
uint64_t waitq_wake_due(struct waitq *wq, uint64_t now);

/* The earliest time a sleeper of a timed queue waits for, without waking
 * anyone: 0 if one waits for the next timer interrupt, UINT64_MAX if
 * none waits. */
uint64_t waitq_next_due(struct waitq *wq);

/* Wake every process sleeping on wq, and every poller watching it. */
void waitq_wake_all(struct waitq *wq);

#endif
