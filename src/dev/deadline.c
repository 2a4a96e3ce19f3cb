/*
 * The deadline list (sluice/deadline.h): a singly linked list sorted by
 * `at`, each entry with a back pointer to the link that points at it, so a
 * cancel is O(1) and an insertion walks past the earlier ones.  Sluice arms
 * a few timers at a time; a list is enough.  The host tests build this file
 * as it is (test/host/test_deadline.c), with a timer_want that records.
 */
#include <sluice/deadline.h>
#include <sluice/panic.h>
#include <sluice/timer.h>

static struct deadline *head;			  /* soonest first */
static struct spinlock list_lock = SPINLOCK_INIT; /* innermost: see the header */

void deadline_init(struct deadline *d, void (*fire)(struct deadline *, uint64_t),
		   struct spinlock *lock)
{
	*d = (struct deadline){.fire = fire, .lock = lock};
}

/* Under list_lock. */
static void list_unlink(struct deadline *d)
{
	*d->pprev = d->next;
	if (d->next)
		d->next->pprev = d->pprev;
	d->next = NULL;
	d->pprev = NULL;
}

void deadline_arm(struct deadline *d, uint64_t at)
{
	BUG_ON(!d->lock->locked); /* the owner's lock keeps fire away */
	unsigned long flags = spin_lock_irqsave(&list_lock);
	struct deadline **pp = &head;

	if (d->pprev)
		list_unlink(d);
	d->at = at;
	/* After those due at the same time: equal deadlines fire in the
	 * order they were armed. */
	while (*pp && (*pp)->at <= at)
		pp = &(*pp)->next;
	d->next = *pp;
	if (d->next)
		d->next->pprev = &d->next;
	d->pprev = pp;
	*pp = d;
	spin_unlock_irqrestore(&list_lock, flags);
	timer_want(at); /* its expiry, not the next tick */
}

void deadline_cancel(struct deadline *d)
{
	if (!deadline_armed(d))
		return;
	BUG_ON(!d->lock->locked);
	unsigned long flags = spin_lock_irqsave(&list_lock);

	list_unlink(d);
	spin_unlock_irqrestore(&list_lock, flags);
}

/* Under list_lock: the head if it is due by now, taken off the list with
 * its owner's lock held; NULL if none is due.  The owner's lock comes
 * first in the lock order, so it is only tried here.  If the owner holds
 * it (maybe waiting for list_lock to arm or cancel), list_lock is let go
 * until the owner's lock is free (it outlives d), then the head looked at
 * again: retaking list_lock at once could starve that owner. */
static struct deadline *take_due(uint64_t now, unsigned long *flags)
{
	for (;;) {
		struct deadline *d = head;
		if (!d || d->at > now)
			return NULL;
		struct spinlock *lock = d->lock;
		if (spin_trylock(lock)) {
			list_unlink(d);
			return d;
		}
		spin_unlock_irqrestore(&list_lock, *flags);
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
			;
		*flags = spin_lock_irqsave(&list_lock);
	}
}

void deadlines_fire(uint64_t now)
{
	if (!__atomic_load_n(&head, __ATOMIC_RELAXED))
		return; /* nothing armed: one load */
	unsigned long flags = spin_lock_irqsave(&list_lock);
	struct deadline *d;

	while ((d = take_due(now, &flags))) {
		struct spinlock *lock = d->lock; /* fire may free a one-shot d */
		spin_unlock_irqrestore(&list_lock, flags);
		d->fire(d, now);
		spin_unlock(lock);
		flags = spin_lock_irqsave(&list_lock);
	}
	/* The interrupt reset the hart's timer to its tick: bring it forward
	 * again if the next deadline comes first. */
	if (head)
		timer_want(head->at);
	spin_unlock_irqrestore(&list_lock, flags);
}

uint64_t deadlines_next(void)
{
	unsigned long flags = spin_lock_irqsave(&list_lock);
	uint64_t at = head ? head->at : UINT64_MAX;

	spin_unlock_irqrestore(&list_lock, flags);
	return at;
}
