/*
 * ASID allocation with generations: see <sluice/asid.h> for the interface.
 *
 * Why.  The TLB tags each entry with the ASID that was in satp when the
 * entry was filled.  Giving every address space its own ASID lets a switch
 * skip the TLB flush: entries of other spaces carry other ASIDs and never
 * match.  The hardware has few ASIDs (at most 2^16, often far fewer), so
 * they must be reused, and an ASID can only be given to a new address space
 * once no hart's TLB still holds entries of its previous owner.
 *
 * Generations.  Instead of tracking TLB contents, ASIDs are handed out in
 * batches called generations.  An address space's context (*ctx) is
 *
 *	generation << bits | asid
 *
 * and within one generation every ASID belongs to at most one address space.
 * ASIDs are never returned one by one.  When none is left, the generation
 * advances ("rollover"): the whole `used` bitmap is cleared, and every hart
 * gets a bit in `flush_pending`, meaning "flush your whole TLB before you
 * next run with an ASID".  A context stamped with an older generation is
 * stale and gets a new ASID when it is next switched to.  Because each hart
 * flushes once per rollover, entries tagged with an ASID of an old
 * generation are gone from a hart before it uses that ASID in the new one.
 *
 * The catch: harts still running at the rollover.  Hart A is running space
 * S with ASID 5 when hart B runs out and rolls over.  A does not stop: it
 * keeps running S with 5 (it flushes only at its next switch) and keeps
 * filling its TLB with S's entries tagged 5.  If 5 were free in the new
 * generation, B could give it to space T; should A later switch to T, its
 * flush happens, fine; but if B's T and A's S both run with ASID 5 at the
 * same time, a TLB shootdown for T (by ASID 5) would also hit S, and worse,
 * when S itself is next looked up it would get a different ASID while A
 * still holds S's entries under 5, which T now owns.
 *
 * The fix (Linux's arm64 "reserved ASIDs"): the allocator remembers, in
 * active[h], the context each hart last switched to.  At a rollover, the
 * ASIDs in active[] are marked used in the new generation straight away,
 * reserved for the spaces that hold them.  When such a space is next looked
 * up with its old context, it is found in active[] and simply re-stamped
 * with the new generation, keeping its ASID (every active[] entry equal to
 * its old context is re-stamped too, so the next rollover recognises it
 * again).  So a running space never changes ASID under a hart's feet, and
 * no other space gets that ASID until the space is switched out everywhere
 * and a later rollover frees it.  The hart that causes the rollover does not
 * reserve its own old space: it is switching away and flushes right now.
 *
 * If the reserved ASIDs fill the whole space (fewer ASIDs than harts), a
 * space that finds none free runs with ASID 0 for the rest of the
 * generation, and every switch to ASID 0 flushes: slow, but correct.
 *
 * The generation counter has 64 - bits >= 48 bits: it does not wrap.
 * Everything but the common case happens under one lock.  The common case,
 * a switch to a space whose ASID is of this generation on a hart that has
 * switched since the last rollover, takes no lock (as Linux's arm64): with
 * four harts forking and exiting, every switch queued on that lock, and a
 * holder its host descheduled left the others spinning.  For that, a
 * rollover moves each hart's active context to reserved[] and zeroes
 * active[]; a hart's fast path swaps its active entry from the nonzero
 * value it read to the new context, which fails if a rollover zeroed it
 * meanwhile.  The reservation checks above look at reserved[].
 */
#include <sluice/asid.h>
#include <sluice/panic.h>
#include <sluice/string.h>

static uint64_t asid_gen(const struct asid_allocator *a, uint64_t ctx)
{
	return ctx >> a->bits;
}

static uint32_t asid_of(const struct asid_allocator *a, uint64_t ctx)
{
	return (uint32_t)(ctx & ((1u << a->bits) - 1));
}

static uint64_t asid_ctx(const struct asid_allocator *a, uint32_t asid)
{
	return a->generation << a->bits | asid;
}

static bool asid_test_and_set(struct asid_allocator *a, uint32_t asid)
{
	uint64_t bit = 1ull << (asid % 64);
	bool was = a->used[asid / 64] & bit;

	a->used[asid / 64] |= bit;
	return was;
}

void asid_init(struct asid_allocator *a, unsigned int bits)
{
	if (bits > ASID_MAX_BITS)
		panic("asid_init: %u ASID bits, at most %u", bits, ASID_MAX_BITS);
	memset(a, 0, sizeof(*a));
	a->bits = bits;
	a->generation = 1;
	a->next = 1;
	asid_test_and_set(a, 0); /* ASID 0 is never handed out */
}

/* The first free ASID in [lo, hi), or 0. */
static uint32_t asid_find_free(const struct asid_allocator *a, uint32_t lo, uint32_t hi)
{
	for (uint32_t i = lo; i < hi; i++) {
		/* Skip whole words of used ASIDs: 65536 bits are a lot to test. */
		if (i % 64 == 0 && a->used[i / 64] == ~0ull) {
			i += 63;
			continue;
		}
		if (!(a->used[i / 64] & (1ull << (i % 64))))
			return i;
	}
	return 0;
}

/*
 * A new generation: all ASIDs free but those other harts are running with,
 * and every hart owes a full flush.  Each hart's active context moves to
 * reserved[] (kept from the last rollover if the hart has not switched
 * since: it is still running that space), and active[] is zeroed, so that
 * every hart's next switch takes the locked path and sees its flush.
 */
static void asid_rollover(struct asid_allocator *a, unsigned int hart)
{
	__atomic_store_n(&a->generation, a->generation + 1, __ATOMIC_RELAXED);
	a->rollovers++;
	memset(a->used, 0, sizeof(a->used));
	asid_test_and_set(a, 0);
	a->flush_pending = ~0ull;
	a->next = 1;
	for (unsigned int h = 0; h < ASID_MAX_HARTS; h++) {
		uint64_t ctx = __atomic_exchange_n(&a->active[h], 0, __ATOMIC_RELAXED);
		if (ctx)
			a->reserved[h] = ctx;
		if (h == hart)
			a->reserved[h] = 0; /* switching away, and flushing before it runs again */
		if (a->reserved[h])
			asid_test_and_set(a, asid_of(a, a->reserved[h]));
	}
}

/* The next free ASID from `next` on, wrapping; after a rollover if none. */
static uint32_t asid_alloc(struct asid_allocator *a, unsigned int hart)
{
	uint32_t n = 1u << a->bits, asid;

	asid = asid_find_free(a, a->next, n);
	if (!asid)
		asid = asid_find_free(a, 1, a->next);
	if (!asid) {
		asid_rollover(a, hart);
		asid = asid_find_free(a, 1, n);
	}
	if (!asid)
		return 0; /* all reserved by other harts: run without an ASID */
	asid_test_and_set(a, asid);
	a->next = asid + 1 < n ? asid + 1 : 1;
	return asid;
}

/*
 * Was old reserved at a rollover (some hart's active context)?  Then it
 * keeps its ASID: re-stamp it, and the harts' copies, with this generation.
 */
static bool asid_restamp_reserved(struct asid_allocator *a, uint64_t old)
{
	uint64_t now = asid_ctx(a, asid_of(a, old));
	bool hit = false;

	for (unsigned int h = 0; h < ASID_MAX_HARTS; h++) {
		if (a->reserved[h] == old) {
			a->reserved[h] = now;
			hit = true;
		}
	}
	return hit;
}

/* A context from an older generation (or 0, a new space): its ASID now. */
static uint64_t asid_renew(struct asid_allocator *a, uint64_t old, unsigned int hart)
{
	uint32_t asid = asid_of(a, old);

	if (old && asid_restamp_reserved(a, old))
		return asid_ctx(a, asid);
	/* Its previous ASID, if still free, saves a search. */
	if (old && asid && !asid_test_and_set(a, asid))
		return asid_ctx(a, asid);
	return asid_ctx(a, asid_alloc(a, hart));
}

uint16_t asid_get(struct asid_allocator *a, uint64_t *ctx, unsigned int hart, bool *flush)
{
	unsigned long irq;
	uint16_t asid;

	if (hart >= ASID_MAX_HARTS)
		panic("asid_get: hart index %u >= ASID_MAX_HARTS", hart);
	uint64_t bit = 1ull << hart; /* only now: a shift by 64 is undefined */
	if (a->bits == 0) {
		/* LAB boards: begin (docs/labs/boards.md, task 2: no ASIDs) */
		*flush = true;
		/* LAB boards: stub
		*flush = false;
		   LAB boards: end */
		return 0;
	}
	/*
	 * The fast path, no lock (Linux's arm64 has the same): a context of
	 * this generation, on a hart whose active entry no rollover zeroed.
	 * The compare-and-swap fails if one zeroed it since the loads (the
	 * locked path then sees the flush owed); a rollover after it finds
	 * the new context in active[] and reserves its ASID.  A rollover
	 * after the generation's load zeroes active[] before the swap can see
	 * it, or has not got to the increment, so the context is current.
	 */
	uint64_t c = __atomic_load_n(ctx, __ATOMIC_RELAXED);
	uint64_t old = __atomic_load_n(&a->active[hart], __ATOMIC_RELAXED);
	if (old && c && asid_gen(a, c) == __atomic_load_n(&a->generation, __ATOMIC_RELAXED) &&
	    __atomic_compare_exchange_n(&a->active[hart], &old, c, false, __ATOMIC_RELAXED,
					__ATOMIC_RELAXED)) {
		asid = (uint16_t)asid_of(a, c);
		*flush = asid == 0; /* ASID 0 is shared by every space without one */
		return asid;
	}
	irq = spin_lock_irqsave(&a->lock);
	c = *ctx;
	if (c == 0 || asid_gen(a, c) != a->generation)
		__atomic_store_n(ctx, c = asid_renew(a, c, hart), __ATOMIC_RELAXED);
	asid = (uint16_t)asid_of(a, c);
	/* ASID 0 is shared by every space without one: its entries never last. */
	*flush = (a->flush_pending & bit) || asid == 0;
	a->flush_pending &= ~bit;
	__atomic_store_n(&a->active[hart], c, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&a->lock, irq);
	return asid;
}
