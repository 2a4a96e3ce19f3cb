/*
 * Sleeping locks, for critical sections that may wait for a disk: a process
 * that finds the mutex held sleeps until it is free instead of spinning.
 * Never take one with a spinlock held or in an interrupt handler.
 */
#ifndef SLUICE_MUTEX_H
#define SLUICE_MUTEX_H

#include <sluice/proc.h>

struct mutex {
	struct spinlock lk; /* guards owner */
	struct proc *owner; /* NULL when free */
	struct waitq wq;    /* who waits for it */
};

#define MUTEX_INIT                                                                                 \
	{                                                                                          \
		SPINLOCK_INIT, NULL, WAITQ_INIT                                                    \
	}

void mutex_init(struct mutex *m);
void mutex_lock(struct mutex *m);
void mutex_unlock(struct mutex *m);
/* Does the current process hold m?  (For assertions.) */
bool mutex_held(struct mutex *m);

#endif
