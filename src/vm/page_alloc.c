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
 */
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/panic.h>
#include <sluice/spinlock.h>
#include <sluice/string.h>

#define NR_ORDERS (PAGE_MAX_ORDER + 1)
#define BLOCK_SIZE(order) (PAGE_SIZE << (order))
#define MAX_BLOCK_SIZE BLOCK_SIZE(PAGE_MAX_ORDER)

/* What a free block holds in its first bytes. */
struct free_block {
	struct free_block *next, *prev;
};

static struct {
	struct spinlock lock;                    /* guards everything below */
	paddr_t span_start, span_end;            /* addresses we may ever manage */
	paddr_t base;                            /* bit 0 of every bitmap */
	uint64_t *bitmap[NR_ORDERS];             /* in the caller's meta buffer */
	size_t nbits[NR_ORDERS];
	struct free_block *free_list[NR_ORDERS]; /* kernel (linear map) pointers */
	size_t nr_free, nr_total;                /* in pages */
} buddy = { .lock = SPINLOCK_INIT };

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

	flags = spin_lock_irqsave(&buddy.lock);
	memset(meta, 0, page_alloc_meta_size(span_start, span_end));
	buddy.span_start = span_start;
	buddy.span_end = span_end;
	buddy.base = ALIGN_DOWN(span_start, MAX_BLOCK_SIZE);
	for (unsigned int k = 0; k < NR_ORDERS; k++) {
		buddy.bitmap[k] = words;
		buddy.nbits[k] = order_bits(buddy.base, span_end, k);
		words += order_words(buddy.base, span_end, k);
		buddy.free_list[k] = NULL;
	}
	buddy.nr_free = 0;
	buddy.nr_total = 0;
	spin_unlock_irqrestore(&buddy.lock, flags);
	return 0;
}

/* --- the bitmaps (caller holds the lock) --- */

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
	return i < buddy.nbits[order] && (buddy.bitmap[order][i / 64] >> (i % 64)) & 1;
}

static void mark_free(paddr_t pa, unsigned int order, bool free)
{
	size_t i = block_index(pa, order);
	uint64_t bit = 1ull << (i % 64);

	if (free)
		buddy.bitmap[order][i / 64] |= bit;
	else
		buddy.bitmap[order][i / 64] &= ~bit;
}

/* Any of bits [first, first + n) set in the order-k bitmap? */
static bool bits_any(unsigned int order, size_t first, size_t n)
{
	const uint64_t *map = buddy.bitmap[order];

	while (n) {
		size_t shift = first % 64, take = MIN(n, 64 - shift);
		uint64_t mask = (take == 64 ? ~0ull : (1ull << take) - 1) << shift;

		if (map[first / 64] & mask)
			return true;
		first += take;
		n -= take;
	}
	return false;
}

/*
 * Is any page of [pa, pa + 2^order pages) free now?  A free block that holds
 * it starts at its own alignment at some order >= this one; a free block
 * inside it has its bit in the block's index range at some smaller order.
 * The block must lie inside the span.
 */
static bool block_overlaps_free(paddr_t pa, unsigned int order)
{
	for (unsigned int k = order; k < NR_ORDERS; k++)
		if (block_is_free(ALIGN_DOWN(pa, BLOCK_SIZE(k)), k))
			return true;
	for (unsigned int k = 0; k < order; k++)
		if (bits_any(k, block_index(pa, k), 1ul << (order - k)))
			return true;
	return false;
}

/* --- the free lists (caller holds the lock) --- */

static void list_push(paddr_t pa, unsigned int order)
{
	struct free_block *b = phys_to_virt(pa), *head = buddy.free_list[order];

	b->prev = NULL;
	b->next = head;
	if (head)
		head->prev = b;
	buddy.free_list[order] = b;
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
	struct free_block *b = phys_to_virt(pa);

	/* A free block's links are in memory anyone could scribble on. */
	if (!link_ok(b->next, order) || !link_ok(b->prev, order) ||
	    (b->next && b->next->prev != b) ||
	    (b->prev ? b->prev->next != b : buddy.free_list[order] != b))
		panic("page_alloc: order %u free list corrupt at %#lx (use after free?)", order,
		      (unsigned long)pa);
	if (b->prev)
		b->prev->next = b->next;
	else
		buddy.free_list[order] = b->next;
	if (b->next)
		b->next->prev = b->prev;
	mark_free(pa, order, false);
}

/* Put a block on the free lists, merged with its free buddies. */
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

/* --- the interface --- */

size_t page_alloc_add_range(paddr_t start, paddr_t end)
{
	size_t pages = 0;
	unsigned long flags;

	if (start > ALIGN_DOWN(~(paddr_t)0, PAGE_SIZE))
		return 0;
	start = ALIGN_UP(start, PAGE_SIZE);
	end = ALIGN_DOWN(end, PAGE_SIZE);

	flags = spin_lock_irqsave(&buddy.lock);
	start = MAX(MAX(start, buddy.span_start), PAGE_SIZE); /* page 0 means "none" */
	end = MIN(end, buddy.span_end);
	/* Largest naturally aligned block at start that fits: one write per block. */
	while (start < end) {
		unsigned int order = 0;

		while (order < PAGE_MAX_ORDER && IS_ALIGNED(start, BLOCK_SIZE(order + 1)) &&
		       BLOCK_SIZE(order + 1) <= end - start)
			order++;
		if (block_overlaps_free(start, order)) {
			spin_unlock_irqrestore(&buddy.lock, flags);
			panic("page_alloc_add_range: block %#lx order %u overlaps free memory added before",
			      (unsigned long)start, order);
		}
		insert_block(start, order);
		pages += 1ul << order;
		start += BLOCK_SIZE(order);
	}
	buddy.nr_free += pages;
	buddy.nr_total += pages;
	spin_unlock_irqrestore(&buddy.lock, flags);
	return pages;
}

paddr_t page_alloc(unsigned int order)
{
	unsigned int k = order;
	unsigned long flags;
	paddr_t pa;

	if (order > PAGE_MAX_ORDER)
		return 0;
	flags = spin_lock_irqsave(&buddy.lock);
	while (k < NR_ORDERS && !buddy.free_list[k])
		k++;
	if (k == NR_ORDERS) {
		spin_unlock_irqrestore(&buddy.lock, flags);
		return 0;
	}
	pa = virt_to_phys(buddy.free_list[k]);
	list_remove(pa, k);
	/* Split: keep the lower half, free the upper half one order down. */
	while (k > order) {
		k--;
		list_push(pa + BLOCK_SIZE(k), k);
	}
	buddy.nr_free -= 1ul << order;
	spin_unlock_irqrestore(&buddy.lock, flags);
	return pa;
}

static __noreturn void page_free_bug(unsigned long flags, paddr_t pa, unsigned int order,
				     const char *why)
{
	/* Unlocked, so a host test that catches the panic can go on. */
	spin_unlock_irqrestore(&buddy.lock, flags);
	panic("page_free: block %#lx order %u %s", (unsigned long)pa, order, why);
}

void page_free(paddr_t pa, unsigned int order)
{
	unsigned long flags = spin_lock_irqsave(&buddy.lock);

	if (order > PAGE_MAX_ORDER)
		page_free_bug(flags, pa, order, "has an order above PAGE_MAX_ORDER");
	if (!IS_ALIGNED(pa, BLOCK_SIZE(order)))
		page_free_bug(flags, pa, order, "is not aligned to its size");
	if (pa < MAX(buddy.span_start, PAGE_SIZE) || pa > buddy.span_end ||
	    BLOCK_SIZE(order) > buddy.span_end - pa)
		page_free_bug(flags, pa, order, "is outside the allocator's span");
	if (block_overlaps_free(pa, order))
		page_free_bug(flags, pa, order, "is already free, in whole or in part (double free)");
	insert_block(pa, order);
	buddy.nr_free += 1ul << order;
	spin_unlock_irqrestore(&buddy.lock, flags);
}

size_t page_free_count(void)
{
	return __atomic_load_n(&buddy.nr_free, __ATOMIC_RELAXED);
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
