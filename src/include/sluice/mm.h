/*
 * Physical memory: the page allocator (a binary buddy allocator) and the
 * small-object allocator on top of it.
 *
 * The buddy allocator hands out blocks of 2^order contiguous pages, naturally
 * aligned.  Free blocks are kept on one list per order, linked through the
 * first bytes of the free blocks themselves, so building the free lists at
 * boot touches one word per block, not every page.  A bitmap per order
 * (2 bits per page in all) records which blocks are free, so a freed block can
 * find and merge with its buddy in O(1) per order.
 */
#ifndef SLUICE_MM_H
#define SLUICE_MM_H

#include <sluice/types.h>

/* Largest block: 2^PAGE_MAX_ORDER pages (4 MiB). */
#define PAGE_MAX_ORDER 10

/*
 * Bytes of metadata the allocator needs to manage physical addresses in
 * [span_start, span_end).  The caller finds that much memory (and keeps it
 * out of page_alloc_add_range) and passes it to page_alloc_init.
 */
size_t page_alloc_meta_size(paddr_t span_start, paddr_t span_end);

/*
 * Set up an empty allocator for physical addresses in [span_start, span_end)
 * (page aligned).  meta points at page_alloc_meta_size() bytes, which this
 * function zeroes.  Returns 0, or -EINVAL for an empty or misaligned span.
 */
int page_alloc_init(paddr_t span_start, paddr_t span_end, void *meta, size_t meta_size);

/*
 * Give the allocator the free RAM [start, end).  The range is shrunk inward
 * to whole pages and clipped to the span; it must not overlap a range given
 * before.  Returns the number of pages added.
 */
size_t page_alloc_add_range(paddr_t start, paddr_t end);

/* A block of 2^order pages, or 0 when none is free.  Contents undefined. */
paddr_t page_alloc(unsigned int order);

/* Return a block from page_alloc(order).  Freeing twice is a kernel bug: panics. */
void page_free(paddr_t pa, unsigned int order);

/* Pages free now, and pages ever added: how tests prove that nothing leaks.
 * Free here includes what reclaim can give back (page_reclaimable_add). */
size_t page_free_count(void);

/* Pages truly free: in the buddy lists and the per-hart caches, nothing
 * cached in them (/proc/meminfo's MemFree). */
size_t page_free_now(void);

/*
 * Pages a cache holds but gives back on demand (kmalloc's spare slabs,
 * parked kernel stacks, the page cache): counted by page_free_count.  The
 * cache says how many with page_reclaimable_add, and registers fn (again
 * is harmless; up to four caches), which page_alloc calls (then retries)
 * before it fails.
 *
 * The rule for fn: page_alloc is called with locks held (mm->lock and
 * kmalloc_lock, spinlocks with interrupts off; a file system's mutex;
 * never the buddy or per-hart locks), so fn may not sleep, take a mutex,
 * allocate, or spin on a lock its own allocation path holds around
 * page_alloc (kmalloc's reclaimer only tries its lock).  It takes its own
 * spinlock, under which nothing allocates, and frees with page_free.
 */
void page_reclaimable_add(long delta);
void page_alloc_set_reclaim(void (*fn)(void));
/* The pages page_reclaimable_add counts now, every cache's together. */
size_t page_reclaimable_count(void);
size_t page_total_count(void);

/* The span given to page_alloc_init, in pages. */
void page_alloc_span(paddr_t *start, size_t *npages);

/* One zeroed page, as a kernel (linear map) pointer, or NULL. */
void *page_alloc_zeroed_kva(void);

/*
 * Sharing of user pages (copy-on-write after fork).  A page starts with one
 * owner; page_share adds one; page_unshare drops one and returns true when
 * the caller was the last owner and must free the page.  page_shared says
 * whether more than one owner holds it.  The counts live in an array set up
 * by page_refs_init (2 bytes per page of the span).  page_pin makes a page
 * the kernel's for good (the shared zero page, the signal trampoline): its count no longer
 * changes, page_unshare never says to free it, page_shared says true, so
 * any number of mappings may hold it without counting.
 */
int page_refs_init(void);
void page_share(paddr_t pa);
bool page_unshare(paddr_t pa);
bool page_shared(paddr_t pa);
void page_pin(paddr_t pa);

/*
 * The small-object allocator: power-of-two size classes from 16 to 2048
 * bytes carved from single pages; larger requests take whole page blocks.
 * Alignment is 16 bytes, or the size class for classes above that.
 * kmalloc(0) returns a minimal object (free it with kfree), not NULL.
 */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *ptr); /* kfree(NULL) does nothing */

/* Give every class's spare empty slab back to the page allocator. */
void kmalloc_release_spares(void);

/*
 * What kmalloc has handed out now, for /proc/sluice-objects: objects of
 * each size class (16 << i bytes), the slab pages holding them (an empty
 * spare slab is not one: it counts as a free page), the spare slabs
 * (reclaimable: /proc/meminfo's SReclaimable), and the large (page-block)
 * allocations and their pages.
 */
#define KMALLOC_CLASSES 8
struct kmalloc_stats {
	unsigned long objs[KMALLOC_CLASSES];
	unsigned long slab_pages, spare_pages;
	unsigned long large, large_pages;
};
void kmalloc_stats(struct kmalloc_stats *st);

#endif
