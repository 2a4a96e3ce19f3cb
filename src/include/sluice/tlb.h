/*
 * TLB maintenance.  After a mapping is removed or weakened, a hart that may
 * cache the old translation must execute sfence.vma before it can use that
 * translation again: this hart directly, the others either at once through
 * SBI RFENCE (remote sfence.vma) or later, at a point where they must pass
 * before they could reach the old translation.  docs/memory-map.md ("TLB
 * flushing") gives the rules: who flushes what, and when.
 */
#ifndef SLUICE_TLB_H
#define SLUICE_TLB_H

#include <sluice/hart.h>
#include <sluice/types.h>

/* A size meaning "the whole address space" (the whole TLB, or all of an ASID). */
#define TLB_FLUSH_ALL ((size_t)-1)

/*
 * Flush [va, va+size) on this hart: for asid, or for every address space
 * and the global (kernel) entries when asid < 0.  Past a few dozen pages,
 * and always on boards whose sfence.vma by address is unreliable (the
 * SiFive erratum, tlb_flush_all_only), the whole TLB or ASID instead.
 * Interrupts off: else the caller could be on another hart by then.
 */
void tlb_flush_local(vaddr_t va, size_t size, long asid);

/* The harts have SiFive's erratum CIP-1200: flush whole TLBs or ASIDs
 * only.  Set once at boot by errata_init (<sluice/errata.h>). */
extern bool tlb_flush_all_only;

/* The same on the harts in hart_mask (hart ids; this hart's bit is
 * ignored) through SBI RFENCE, returning when all have done it. */
void tlb_flush_remote(unsigned long hart_mask, vaddr_t va, size_t size, long asid);

/* Kernel (global) mappings in [va, va+size) changed: flush here and on
 * every other online hart, now. */
void tlb_flush_kernel_range(vaddr_t va, size_t size);

/*
 * A whole-TLB flush of every hart, asked for without waiting: ask returns
 * a ticket; done(ticket) says whether every online hart has flushed since.
 * A hart flushes (check) when it takes the software interrupt that ask
 * sends it, as soon as it has interrupts on.  For memory that can wait
 * to be reused (kstack.c): nothing blocks, so it is safe from any context.
 */
unsigned long tlb_kernel_flush_ask(void);
bool tlb_kernel_flush_done(unsigned long ticket);
void tlb_kernel_flush_check(void);

/* A whole-ASID flush (whole TLB if asid < 0) that this hart owed for an
 * address space it is about to run again: counted as deferred. */
void tlb_flush_local_owed(long asid);

/*
 * Which harts' TLBs concern one user address space, as masks of hart ids
 * (bit n: hart id n): Linux's mm_cpumask, with ASIDs.  Pure bookkeeping,
 * inline because it runs at every context switch, and host-tested against
 * a model of the harts' TLBs (test/host/test_tlb_track.c): the caller does
 * the flushes it is told to.  The rules, and why they are enough, are in
 * docs/memory-map.md ("TLB flushing").
 *
 * The masks change with sequentially consistent atomics because two harts
 * may meet here: one entering the space while another changes it (threads
 * of one process, or a vfork child, on two harts).  The changer marks harts stale, then looks who is active;
 * the entering hart marks itself active, then takes its stale bit.  In one
 * total order of these four steps, the changer sees the entering hart
 * active (and flushes it at once), or the entering hart sees its stale bit
 * (and flushes before it runs), or both: never neither.
 */
struct tlb_track {
	uint16_t asid;	      /* the ASID the space last ran with; 0: none */
	unsigned long harts;  /* may hold its translations under .asid */
	unsigned long stale;  /* of those, must flush .asid before running it */
	unsigned long active; /* have it in satp now */
};

/*
 * Hart me (its one bit) is switching to the space, which the ASID
 * allocator gave asid.  Returns true if the hart must flush the space's
 * ASID (the whole TLB if asid is 0) before the space runs: it changed since
 * this hart last ran it.
 */
static inline bool tlb_track_enter(struct tlb_track *t, unsigned long me, uint16_t asid)
{
	if (asid != t->asid) {
		/*
		 * A new ASID (a new generation, or the first run): no hart
		 * holds the space's translations under it, and the allocator
		 * makes every hart flush before it first runs an ASID of the
		 * new generation, so entries of the ASID's previous owner are
		 * gone by then.  Entries under the old ASID cannot match again.
		 */
		t->asid = asid;
		__atomic_store_n(&t->harts, 0, __ATOMIC_SEQ_CST);
		__atomic_store_n(&t->stale, 0, __ATOMIC_SEQ_CST);
	}
	__atomic_or_fetch(&t->harts, me, __ATOMIC_SEQ_CST);
	__atomic_or_fetch(&t->active, me, __ATOMIC_SEQ_CST);
	return __atomic_fetch_and(&t->stale, ~me, __ATOMIC_SEQ_CST) & me;
}

/* Hart me has switched away from the space (to the kernel's own table). */
static inline void tlb_track_leave(struct tlb_track *t, unsigned long me)
{
	__atomic_and_fetch(&t->active, ~me, __ATOMIC_SEQ_CST);
}

/*
 * Hart me removed or weakened some of the space's translations (and
 * flushes them locally).  Returns the other harts that have the space in
 * satp now, to flush at once; the other harts that may hold its
 * translations are marked stale, to flush when they next enter it.
 */
static inline unsigned long tlb_track_changed(struct tlb_track *t, unsigned long me)
{
	unsigned long others = __atomic_load_n(&t->harts, __ATOMIC_SEQ_CST) & ~me;

	if (!others)
		return 0;
	__atomic_or_fetch(&t->stale, others, __ATOMIC_SEQ_CST);
	return __atomic_load_n(&t->active, __ATOMIC_SEQ_CST) & others;
}

/* Flush counts since boot, summed over the harts (/proc/vmstat). */
struct tlb_stats {
	uint64_t remote;       /* SBI RFENCE calls (each to one or more harts) */
	uint64_t remote_harts; /* harts those calls reached */
	uint64_t local_all;    /* whole-TLB (or whole-ASID) flushes on the hart itself */
	uint64_t local_one;    /* flushes of a range, page by page, on the hart itself */
	uint64_t deferred;     /* of the local ones, flushes a hart owed and paid late */
};

void tlb_stats_read(struct tlb_stats *sum);

#endif
