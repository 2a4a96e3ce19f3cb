/*
 * Spinlocks.  spin_lock_irqsave also disables interrupts on this hart, so an
 * interrupt handler that takes the same lock cannot deadlock against the code
 * it interrupted.  The host unit tests build the same code without the
 * interrupt part.
 */
#ifndef SLUICE_SPINLOCK_H
#define SLUICE_SPINLOCK_H

#include <sluice/types.h>
#ifndef SLUICE_HOST
#include <sluice/riscv.h>
#endif

struct spinlock {
	volatile uint32_t locked;
};

#define SPINLOCK_INIT                                                                              \
	{                                                                                          \
		0                                                                                  \
	}

static inline void spin_lock(struct spinlock *l)
{
	/* Acquire ordering: nothing in the critical section moves above. */
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			;
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* Take l if it is free, without waiting; true if taken. */
static inline bool spin_trylock(struct spinlock *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

#ifdef SLUICE_HOST
static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	spin_lock(l);
	return 0;
}
static inline void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	(void)flags;
	spin_unlock(l);
}
#else
static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);
	spin_lock(l);
	return flags;
}
static inline void spin_unlock_irqrestore(struct spinlock *l, unsigned long flags)
{
	spin_unlock(l);
	csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
}
#endif

#endif
