/*
 * The physical page allocator: a binary buddy allocator (see <sluice/mm.h>).
 *
 * A block of order k is 2^k pages, aligned to its own size, so its buddy (the
 * other half of the order k+1 block containing it) is at pa ^ (size of k).
 * Each order has a list of its free blocks, doubly linked through the blocks'
 * first bytes, and a bitmap with one bit per order-k-aligned position of the
 * span: set exactly when a free block of order k starts there.  A bit at
 * order k therefore never says "free" for part of a larger or smaller free
 * block, which is what lets page_free merge in O(1) per order.
 *
 * Bit 0 of every bitmap is at "base", the span start rounded down to a
 * max-order block, so buddies below the span start still have a (clear) bit.
 *
 * Physical page 0, if it is in the span, is never handed out: 0 is
 * page_alloc()'s "nothing free".
 *
 * Free blocks live in ARENAS arenas, each with its own lock and free
 * lists: max-order blocks are dealt out to them in turn by address
 * (block i to arena i % ARENAS), so a buddy is always in its block's
 * arena and every arena spans all of RAM, holes and the kernel image
 * alike.  A hart takes from its own arena (hart index % ARENAS) first and
 * from the others only when that one is empty, and a block goes back to
 * the arena it came from: harts running independent processes never
 * contend for one lock (Linux keeps a zone per memory node for its own
 * reasons; here the split is only about the lock).
 *
 * Single pages, the common case by far (faults, page tables, slabs), come
 * from a cache per hart: a short list of free pages that only its hart
 * takes from and gives to, refilled from the buddy lists and drained back
 * to them in batches (Linux's per-cpu pagesets).  So harts that fault in
 * parallel take an arena lock once per PCP_BATCH pages taken and PCP_GIVE
 * given back, not on every one.  A cached page counts as free (page_free_count is exact
 * whenever nothing is between calls); a request the buddy lists cannot
 * meet drains every hart's cache first.  Each cache has its own lock, which
 * only such a drain contends for.
 *
 * A second bitmap has one bit per page, set while the page is free (in the
 * buddy lists or a cache): page_free sets the block's bits with atomic ORs
 * and panics if one was set already, so a double free is caught in O(1)
 * for a page, outside every lock.
 */
#include <sluice/errno.h>
#ifndef SLUICE_HOST
#include <sluice/hart.h>
#endif
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/panic.h>
#include <sluice/spinlock.h>
#include <sluice/string.h>

#define NR_ORDERS	  (PAGE_MAX_ORDER + 1)
#define BLOCK_SIZE(order) (PAGE_SIZE << (order))
#define MAX_BLOCK_SIZE	  BLOCK_SIZE(PAGE_MAX_ORDER)

/* What a free block holds in its first bytes. */
struct free_block {
	struct free_block *next, *prev;
};

/*
 * Set up once by page_alloc_init, then read without a lock.  The bitmaps'
 * bits are each guarded by the lock of the arena their block is in, but a
 * word of a high order's bitmap holds bits of several arenas: they change
 * with atomic ORs and ANDs.
 */
static struct {
	paddr_t span_start, span_end; /* addresses we may ever manage */
	paddr_t base;		      /* bit 0 of every bitmap */
	uint64_t *bitmap[NR_ORDERS];  /* in the caller's meta buffer */
	size_t nbits[NR_ORDERS];
	size_t nr_total;	 /* pages ever added */
	uint64_t *page_free_map; /* bit per page from base: free; atomic, no lock */
} buddy;

#define ARENAS 4 /* the boards have 4 application harts; more share */

static struct arena {
	struct spinlock lock;			 /* guards the rest */
	struct free_block *free_list[NR_ORDERS]; /* kernel (linear map) pointers */
	size_t nr_free;				 /* in pages, caches excluded */
} arenas[ARENAS] __attribute__((aligned(64)));

static struct arena *arena_of(paddr_t pa)
{
	return &arenas[((pa - buddy.base) / MAX_BLOCK_SIZE) % ARENAS];
}

/* The per-hart caches of single pages. */
#define PCP_MAX_HARTS	32 /* DT_MAX_HARTS */
#define PCP_BATCH_ORDER 8  /* a refill takes one block of this order (1 MiB) if it can */
#define PCP_BATCH	(1u << PCP_BATCH_ORDER) /* pages a refill moves */
#define PCP_GIVE	64 /* pages given back at once (sorted on the stack: keep it small) */
#define PCP_HIGH	(2 * PCP_BATCH) /* a free that fills the cache past this gives some back */

struct pcp {
	struct spinlock lock; /* its hart, or a hart draining every cache */
	unsigned int count;
	struct free_block *head; /* linked through next */
} __attribute__((aligned(64)));	 /* a cache line each: no false sharing */

static struct pcp pcp[PCP_MAX_HARTS];

static long page_reclaimable; /* see page_reclaimable_add */
#define PAGE_RECLAIMERS 4
static void (*page_reclaim_fn[PAGE_RECLAIMERS])(void); /* give them back */

#ifdef SLUICE_HOST
unsigned int page_alloc_host_hart; /* host tests play several harts */
static unsigned long pcp_irq_save(void)
{
	return 0;
}
static void pcp_irq_restore(unsigned long flags)
{
	(void)flags;
}
static struct pcp *this_pcp(void)
{
	return &pcp[page_alloc_host_hart % PCP_MAX_HARTS];
}
#else
static unsigned long pcp_irq_save(void)
{
	return csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);
}
static void pcp_irq_restore(unsigned long flags)
{
	csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
}
/* Interrupts off: the caller stays on this hart while it uses the cache. */
static struct pcp *this_pcp(void)
{
	return &pcp[this_hart()->index % PCP_MAX_HARTS];
}
#endif

/* Bits in the order-k bitmap for blocks from base up to span_end. */
static size_t order_bits(paddr_t base, paddr_t span_end, unsigned int order)
{
	return ((span_end - base - 1) >> (PAGE_SHIFT + order)) + 1;
}

static size_t order_words(paddr_t base, paddr_t span_end, unsigned int order)
{
	return (order_bits(base, span_end, order) + 63) / 64;
}

size_t page_alloc_meta_size(paddr_t span_start, paddr_t span_end)
{
	paddr_t base = ALIGN_DOWN(span_start, MAX_BLOCK_SIZE);
	size_t words = 0;

	if (span_end <= span_start)
		return 0;
	for (unsigned int k = 0; k < NR_ORDERS; k++)
		words += order_words(base, span_end, k);
	words += order_words(base, span_end, 0); /* page_free_map */
	return words * sizeof(uint64_t);
}

int page_alloc_init(paddr_t span_start, paddr_t span_end, void *meta, size_t meta_size)
{
	uint64_t *words = meta;
	unsigned long flags;

	if (span_end <= span_start || !IS_ALIGNED(span_start | span_end, PAGE_SIZE))
		return -EINVAL;
	if (!meta || !IS_ALIGNED((uintptr_t)meta, sizeof(uint64_t)) ||
	    meta_size < page_alloc_meta_size(span_start, span_end))
		return -EINVAL;

	flags = pcp_irq_save();
	memset(meta, 0, page_alloc_meta_size(span_start, span_end));
	buddy.span_start = span_start;
	buddy.span_end = span_end;
	buddy.base = ALIGN_DOWN(span_start, MAX_BLOCK_SIZE);
	for (unsigned int k = 0; k < NR_ORDERS; k++) {
		buddy.bitmap[k] = words;
		buddy.nbits[k] = order_bits(buddy.base, span_end, k);
		words += order_words(buddy.base, span_end, k);
	}
	for (unsigned int a = 0; a < ARENAS; a++)
		arenas[a] = (struct arena){.lock = SPINLOCK_INIT};
	buddy.page_free_map = words;
	page_reclaimable = 0;
	buddy.nr_total = 0;
	for (unsigned int h = 0; h < PCP_MAX_HARTS; h++) {
		pcp[h].lock = (struct spinlock)SPINLOCK_INIT;
		pcp[h].count = 0;
		pcp[h].head = NULL;
	}
	pcp_irq_restore(flags);
	return 0;
}

/* --- the bitmaps (caller holds the block's arena lock) --- */

static size_t block_index(paddr_t pa, unsigned int order)
{
	return (pa - buddy.base) >> (PAGE_SHIFT + order);
}

/* Is a free block of exactly this order at pa?  Outside the span: no. */
static bool block_is_free(paddr_t pa, unsigned int order)
{
	size_t i;

	if (pa < buddy.base)
		return false;
	i = block_index(pa, order);
	return i < buddy.nbits[order] &&
	       (__atomic_load_n(&buddy.bitmap[order][i / 64], __ATOMIC_RELAXED) >> (i % 64)) & 1;
}

static void mark_free(paddr_t pa, unsigned int order, bool free)
{
	size_t i = block_index(pa, order);
	uint64_t bit = 1ull << (i % 64);

	if (free)
		__atomic_fetch_or(&buddy.bitmap[order][i / 64], bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&buddy.bitmap[order][i / 64], ~bit, __ATOMIC_RELAXED);
}

/* --- the page map: one bit per page, set while free (atomic, no lock) --- */

/* Calls fn on each word of the page map that [pa, pa + 2^order pages)
 * touches, with the mask of its bits there; stops at the first false. */
static bool page_map_each(paddr_t pa, unsigned int order, bool (*fn)(uint64_t *, uint64_t))
{
	size_t first = block_index(pa, 0), n = 1ul << order;

	while (n) {
		size_t shift = first % 64, take = MIN(n, 64 - shift);
		uint64_t mask = (take == 64 ? ~0ull : (1ull << take) - 1) << shift;

		if (!fn(&buddy.page_free_map[first / 64], mask))
			return false;
		first += take;
		n -= take;
	}
	return true;
}

static bool none_free(uint64_t *w, uint64_t mask)
{
	return !(__atomic_load_n(w, __ATOMIC_RELAXED) & mask);
}

static bool set_free(uint64_t *w, uint64_t mask)
{
	return !(__atomic_fetch_or(w, mask, __ATOMIC_RELAXED) & mask);
}

static bool set_used(uint64_t *w, uint64_t mask)
{
	return (__atomic_fetch_and(w, ~mask, __ATOMIC_RELAXED) & mask) == mask;
}

/*
 * Mark a block free; false (and nothing changed) if any page of it is free
 * already.  A single page is one atomic OR; a larger block is checked
 * first, so that a bad free changes nothing, and its ORs then find nothing
 * set unless two frees of it race (caught too: only in part undone).
 */
static bool page_map_mark_free(paddr_t pa, unsigned int order)
{
	if (order && !page_map_each(pa, order, none_free))
		return false;
	return page_map_each(pa, order, set_free);
}

/* Mark a block handed out; false if a page of it was not free. */
static bool page_map_mark_used(paddr_t pa, unsigned int order)
{
	return page_map_each(pa, order, set_used);
}

/* --- the free lists (caller holds the block's arena lock) --- */

static void list_push(paddr_t pa, unsigned int order)
{
	struct arena *a = arena_of(pa);
	struct free_block *b = phys_to_virt(pa), *head = a->free_list[order];

	b->prev = NULL;
	b->next = head;
	if (head)
		head->prev = b;
	__atomic_store_n(&a->free_list[order], b, __ATOMIC_RELAXED); /* best_arena peeks */
	mark_free(pa, order, true);
}

/* Could this link point at a free block of this order? */
static bool link_ok(const struct free_block *b, unsigned int order)
{
	paddr_t pa = virt_to_phys(b);

	return !b || (IS_ALIGNED(pa, BLOCK_SIZE(order)) && block_is_free(pa, order));
}

static void list_remove(paddr_t pa, unsigned int order)
{
	struct arena *a = arena_of(pa);
	struct free_block *b = phys_to_virt(pa);

	/* A free block's links are in memory anyone could scribble on (and
	 * a link into another arena is as wrong as one into a used page). */
	if (!link_ok(b->next, order) || !link_ok(b->prev, order) ||
	    (b->next && arena_of(virt_to_phys(b->next)) != a) || (b->next && b->next->prev != b) ||
	    (b->prev ? b->prev->next != b : a->free_list[order] != b))
		panic("page_alloc: order %u free list corrupt at %#lx (use after free?)", order,
		      (unsigned long)pa);
	if (b->prev)
		b->prev->next = b->next;
	else
		__atomic_store_n(&a->free_list[order], b->next, __ATOMIC_RELAXED);
	if (b->next)
		b->next->prev = b->prev;
	mark_free(pa, order, false);
}

/* Put a block on its arena's free lists, merged with its free buddies
 * (all in the same arena: a max-order block is in one). */
static void insert_block(paddr_t pa, unsigned int order)
{
	while (order < PAGE_MAX_ORDER) {
		paddr_t buddy_pa = pa ^ BLOCK_SIZE(order);

		if (!block_is_free(buddy_pa, order))
			break;
		list_remove(buddy_pa, order);
		pa &= ~BLOCK_SIZE(order); /* the merged block starts at the lower half */
		order++;
	}
	list_push(pa, order);
}

/* Take a block of this order off a's lists.  Caller holds a->lock. */
static paddr_t buddy_take(struct arena *a, unsigned int order)
{
	unsigned int k = order;
	paddr_t pa;

	while (k < NR_ORDERS && !a->free_list[k])
		k++;
	if (k == NR_ORDERS)
		return 0;
	pa = virt_to_phys(a->free_list[k]);
	list_remove(pa, k);
	/* Split: keep the lower half, free the upper half one order down. */
	while (k > order) {
		k--;
		list_push(pa + BLOCK_SIZE(k), k);
	}
	a->nr_free -= 1ul << order;
	return pa;
}

/* The arena a hart takes from first. */
static unsigned int home_arena(void)
{
#ifdef SLUICE_HOST
	return page_alloc_host_hart % ARENAS;
#else
	return this_hart()->index % ARENAS;
#endif
}

/*
 * The arena with the smallest free block that will do, the home arena
 * first among equals: a block of several pages is a best fit over all
 * arenas, as with one set of lists, so a small request does not split the
 * home arena's last large block while a smaller one waits elsewhere (on
 * 16 MiB there is one 4 MiB block per arena).  The lists are peeked at
 * without their locks: a hint, taken under the lock after.
 */
static struct arena *best_arena(unsigned int order, unsigned int home)
{
	for (unsigned int k = order; k < NR_ORDERS; k++)
		for (unsigned int i = 0; i < ARENAS; i++) {
			struct arena *a = &arenas[(home + i) % ARENAS];
			if (__atomic_load_n(&a->free_list[k], __ATOMIC_RELAXED))
				return a;
		}
	return NULL;
}

/* A block from the best-fitting arena, else from any that has one. */
static paddr_t buddy_alloc(unsigned int order)
{
	unsigned int home = home_arena();
	struct arena *best = best_arena(order, home);
	paddr_t pa = 0;

	if (best) {
		unsigned long flags = spin_lock_irqsave(&best->lock);
		pa = buddy_take(best, order);
		spin_unlock_irqrestore(&best->lock, flags);
	}
	for (unsigned int i = 0; i < ARENAS && !pa; i++) {
		struct arena *a = &arenas[(home + i) % ARENAS];
		unsigned long flags = spin_lock_irqsave(&a->lock);

		pa = buddy_take(a, order);
		spin_unlock_irqrestore(&a->lock, flags);
	}
	return pa;
}

/* Put a block back in its arena. */
static void buddy_insert(paddr_t pa, unsigned int order)
{
	struct arena *a = arena_of(pa);
	unsigned long flags = spin_lock_irqsave(&a->lock);

	insert_block(pa, order);
	a->nr_free += 1ul << order;
	spin_unlock_irqrestore(&a->lock, flags);
}

/* --- the per-hart caches (caller holds c->lock, interrupts off) --- */

static bool page_in_span(paddr_t pa)
{
	return IS_ALIGNED(pa, PAGE_SIZE) && pa >= MAX(buddy.span_start, PAGE_SIZE) &&
	       pa < buddy.span_end;
}

static void pcp_push(struct pcp *c, paddr_t pa)
{
	struct free_block *b = phys_to_virt(pa);

	b->next = c->head;
	c->head = b;
	__atomic_store_n(&c->count, c->count + 1, __ATOMIC_RELAXED);
}

static paddr_t pcp_pop(struct pcp *c)
{
	struct free_block *b = c->head;

	if (!b)
		return 0;
	/* The link lives in a free page anyone could scribble on. */
	if (b->next && !page_in_span(virt_to_phys(b->next)))
		panic("page_alloc: hart cache corrupt after %#lx (use after free?)",
		      (unsigned long)virt_to_phys(b));
	c->head = b->next;
	__atomic_store_n(&c->count, c->count - 1, __ATOMIC_RELAXED);
	return virt_to_phys(b);
}

struct batch {
	struct {
		paddr_t pa;
		unsigned int order;
	} got[16];
	unsigned int n, pages;
};

/* Add to b what a has, up to PCP_BATCH pages in all, largest blocks first. */
static void batch_take(struct batch *b, struct arena *a)
{
	unsigned int k = PCP_BATCH_ORDER;

	spin_lock(&a->lock);
	while (b->pages < PCP_BATCH && b->n < ARRAY_SIZE(b->got)) {
		while (k && (1u << k) > PCP_BATCH - b->pages)
			k--;
		b->got[b->n].pa = buddy_take(a, k);
		if (!b->got[b->n].pa) {
			if (!k)
				break;
			k--;
			continue;
		}
		b->got[b->n++].order = k;
		b->pages += 1u << k;
	}
	spin_unlock(&a->lock);
}

/*
 * Refill c with up to a batch: one block of PCP_BATCH pages from the home
 * arena if it has one, else the largest blocks there are (at most 16 of
 * them, from the other arenas in turn if need be), so an arena lock is
 * held for a few block takes; the pages are pushed after.  Pushed top
 * down, so the pages go out in address order.
 */
static void pcp_refill(struct pcp *c)
{
	struct batch b = {.n = 0};
	unsigned int home = home_arena();

	for (unsigned int i = 0; i < ARENAS && b.pages < PCP_BATCH && b.n < ARRAY_SIZE(b.got); i++)
		batch_take(&b, &arenas[(home + i) % ARENAS]);
	while (b.n--)
		for (unsigned int i = 1u << b.got[b.n].order; i-- > 0;)
			pcp_push(c, b.got[b.n].pa + i * PAGE_SIZE);
}

/* The order of the largest aligned run of consecutive pages at pages[i]. */
static unsigned int run_order(const paddr_t *pages, unsigned int i, unsigned int n)
{
	unsigned int k = 0;

	/* Sorted and distinct: the run is whole if its last page is where it
	 * would be. */
	while (k < PAGE_MAX_ORDER && IS_ALIGNED(pages[i], BLOCK_SIZE(k + 1)) &&
	       i + (2u << k) <= n &&
	       pages[i + (2u << k) - 1] == pages[i] + BLOCK_SIZE(k + 1) - PAGE_SIZE)
		k++;
	return k;
}

/*
 * Give up to a batch of c's pages back to the buddy lists.  They are
 * sorted and joined into aligned runs first, outside the arena locks: pages
 * freed in the order they were handed out (an munmap) go back as a few
 * large blocks, not a merge per page under the lock.
 */
static void pcp_give_back(struct pcp *c, unsigned int n)
{
	paddr_t pages[PCP_GIVE], pa;
	unsigned int m = 0;

	n = MIN(n, PCP_GIVE);
	/* Filled from the end: the cache is last-in first-out, so pages freed
	 * in rising order come out falling and land here sorted. */
	while (m < n && (pa = pcp_pop(c)))
		pages[PCP_GIVE - ++m] = pa;
	paddr_t *sorted = &pages[PCP_GIVE - m];
	for (unsigned int i = 1; i < m; i++) /* insertion sort: near sorted */
		for (unsigned int j = i; j && sorted[j - 1] > sorted[j]; j--) {
			pa = sorted[j];
			sorted[j] = sorted[j - 1];
			sorted[j - 1] = pa;
		}
	/* Sorted, so each arena's pages come in runs: one lock per run. */
	for (unsigned int i = 0, k; i < m;) {
		struct arena *a = arena_of(sorted[i]);

		spin_lock(&a->lock);
		for (; i < m && arena_of(sorted[i]) == a; i += 1u << k) {
			k = run_order(sorted, i, m);
			insert_block(sorted[i], k);
			a->nr_free += 1u << k;
		}
		spin_unlock(&a->lock);
	}
}

/* Empty every hart's cache, so the buddy lists see every free page. */
static void pcp_drain_all(void)
{
	unsigned long flags = pcp_irq_save();

	for (unsigned int h = 0; h < PCP_MAX_HARTS; h++) {
		if (!__atomic_load_n(&pcp[h].count, __ATOMIC_RELAXED))
			continue;
		spin_lock(&pcp[h].lock);
		while (pcp[h].count)
			pcp_give_back(&pcp[h], PCP_GIVE);
		spin_unlock(&pcp[h].lock);
	}
	pcp_irq_restore(flags);
}

static paddr_t pcp_alloc(void)
{
	unsigned long flags = pcp_irq_save();
	struct pcp *c = this_pcp();
	paddr_t pa;

	spin_lock(&c->lock);
	if (!c->count)
		pcp_refill(c);
	pa = pcp_pop(c);
	spin_unlock(&c->lock);
	pcp_irq_restore(flags);
	return pa;
}

static void pcp_free(paddr_t pa)
{
	unsigned long flags = pcp_irq_save();
	struct pcp *c = this_pcp();

	spin_lock(&c->lock);
	pcp_push(c, pa);
	if (c->count > PCP_HIGH)
		pcp_give_back(c, PCP_GIVE);
	spin_unlock(&c->lock);
	pcp_irq_restore(flags);
}

/* --- the interface --- */

size_t page_alloc_add_range(paddr_t start, paddr_t end)
{
	size_t pages = 0;

	if (start > ALIGN_DOWN(~(paddr_t)0, PAGE_SIZE))
		return 0;
	start = ALIGN_UP(start, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);

	start = MAX(MAX(start, buddy.span_start), PAGE_SIZE); /* page 0 means "none" */
	end = MIN(end, buddy.span_end);
	/* Largest naturally aligned block at start that fits: one write per
	 * block.  The page map's atomic ORs catch an overlap with a range
	 * added before (or at the same time). */
	while (start < end) {
		unsigned int order = 0;

		while (order < PAGE_MAX_ORDER && IS_ALIGNED(start, BLOCK_SIZE(order + 1)) &&
		       BLOCK_SIZE(order + 1) <= end - start)
			order++;
		if (!page_map_mark_free(start, order))
			panic("page_alloc_add_range: block %#lx order %u overlaps free memory "
			      "added before",
			      (unsigned long)start, order);
		buddy_insert(start, order);
		pages += 1ul << order;
		start += BLOCK_SIZE(order);
	}
	__atomic_fetch_add(&buddy.nr_total, pages, __ATOMIC_RELAXED);
	return pages;
}

paddr_t page_alloc(unsigned int order)
{
	paddr_t pa;

	if (order > PAGE_MAX_ORDER)
		return 0;
	pa = order ? buddy_alloc(order) : pcp_alloc();
	if (!pa) {
		/* The caches may hold the last pages, or the buddies a block
		 * needs.  Reclaimers run here, in the caller's context, with
		 * whatever locks it holds: <sluice/mm.h> gives their rule. */
		for (unsigned int i = 0; i < PAGE_RECLAIMERS; i++) {
			void (*reclaim)(void) =
				__atomic_load_n(&page_reclaim_fn[i], __ATOMIC_ACQUIRE);
			if (reclaim && __atomic_load_n(&page_reclaimable, __ATOMIC_RELAXED))
				reclaim();
		}
		pcp_drain_all();
		pa = buddy_alloc(order);
		if (!pa)
			return 0;
	}
	if (!page_map_mark_used(pa, order))
		panic("page_alloc: block %#lx order %u on a free list is not free (corrupt list)",
		      (unsigned long)pa, order);
	return pa;
}

static __noreturn void page_free_bug(paddr_t pa, unsigned int order, const char *why)
{
	panic("page_free: block %#lx order %u %s", (unsigned long)pa, order, why);
}

void page_free(paddr_t pa, unsigned int order)
{
	/* The span is fixed once set up: these checks need no lock. */
	if (order > PAGE_MAX_ORDER)
		page_free_bug(pa, order, "has an order above PAGE_MAX_ORDER");
	if (!IS_ALIGNED(pa, BLOCK_SIZE(order)))
		page_free_bug(pa, order, "is not aligned to its size");
	if (pa < MAX(buddy.span_start, PAGE_SIZE) || pa > buddy.span_end ||
	    BLOCK_SIZE(order) > buddy.span_end - pa)
		page_free_bug(pa, order, "is outside the allocator's span");
	if (!page_map_mark_free(pa, order))
		page_free_bug(pa, order, "is already free, in whole or in part (double free)");
	if (order == 0)
		pcp_free(pa);
	else
		buddy_insert(pa, order);
}

void page_reclaimable_add(long delta)
{
	__atomic_fetch_add(&page_reclaimable, delta, __ATOMIC_RELAXED);
}

void page_alloc_set_reclaim(void (*fn)(void))
{
	/* Each cache registers once or more, from any hart: claim a slot
	 * with a compare-and-swap, unless fn has one already. */
	for (unsigned int i = 0; i < PAGE_RECLAIMERS; i++) {
		void (*seen)(void) = NULL;
		if (__atomic_compare_exchange_n(&page_reclaim_fn[i], &seen, fn, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) ||
		    seen == fn)
			return;
	}
	panic("page_alloc_set_reclaim: more than %d caches", PAGE_RECLAIMERS);
}

size_t page_free_now(void)
{
	size_t n = 0;

	for (unsigned int a = 0; a < ARENAS; a++)
		n += __atomic_load_n(&arenas[a].nr_free, __ATOMIC_RELAXED);
	for (unsigned int h = 0; h < PCP_MAX_HARTS; h++)
		n += __atomic_load_n(&pcp[h].count, __ATOMIC_RELAXED);
	return n;
}

size_t page_reclaimable_count(void)
{
	long n = __atomic_load_n(&page_reclaimable, __ATOMIC_RELAXED);

	return n > 0 ? (size_t)n : 0;
}

size_t page_free_count(void)
{
	return page_free_now() + (size_t)__atomic_load_n(&page_reclaimable, __ATOMIC_RELAXED);
}

size_t page_total_count(void)
{
	return __atomic_load_n(&buddy.nr_total, __ATOMIC_RELAXED);
}

void *page_alloc_zeroed_kva(void)
{
	paddr_t pa = page_alloc(0);
	void *page;

	if (!pa)
		return NULL;
	page = phys_to_virt(pa);
	memset(page, 0, PAGE_SIZE);
	return page;
}

void page_alloc_span(paddr_t *start, size_t *npages)
{
	*start = buddy.span_start;
	*npages = (size_t)((buddy.span_end - buddy.span_start) >> PAGE_SHIFT);
}
