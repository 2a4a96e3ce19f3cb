/*
 * The pages private mappings take of ramfs files still read in place from
 * the initramfs (ramfs.c's rom): exec maps busybox from here.  The
 * archive's bytes are not page aligned, so a page is made, a copy of the
 * archive's bytes, the first time a mapping faults on it, and kept, so
 * that every later mapping (every exec of the program) shares it, as
 * Linux's page cache serves them.  The file itself stays in the archive:
 * read() reads it there, and its first change takes these pages over
 * (ramfs.c's own_pages).
 *
 * The pages are a cache: counted reclaimable (page_free_count counts them
 * as free, as free(1)'s "available"), and given back by rom_reclaim, from
 * inside page_alloc, when no mapping holds them.  Those a mapping holds
 * cannot be given back: the tests' exact count of free pages
 * (sluice_free_pages) leaves them out (ramfs_rom_mapped_pages).  page_alloc may be called with any lock held
 * (the ramfs mutex among them), so every change to a cache's slots is made
 * under rom_lock, a spinlock under which nothing allocates or sleeps.  A
 * mapping holds a page from the moment map_page hands it out (page_share
 * under rom_lock), so reclaim passes it by.
 */
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/spinlock.h>
#include <sluice/string.h>

#include "ramfs_rom.h"

struct rom_cache {
	struct rom_cache *next; /* every cache, for rom_reclaim */
	size_t npages;
	size_t cached;	  /* pages[] not NULL */
	uint8_t *pages[]; /* kernel addresses; NULL: not made, or reclaimed */
};

static struct spinlock rom_lock = SPINLOCK_INIT;
static struct rom_cache *rom_all;
static size_t rom_pages; /* every cache's pages: /proc/meminfo's Cached */

#define ROM_RECLAIM_BATCH 32 /* pages one reclaim call frees, at most */

/* Inside page_alloc, any lock held: free a batch of pages only the cache
 * holds. */
static void rom_reclaim(void)
{
	unsigned long flags = spin_lock_irqsave(&rom_lock);
	int freed = 0;

	for (struct rom_cache *rc = rom_all; rc && freed < ROM_RECLAIM_BATCH; rc = rc->next) {
		for (size_t pg = 0; pg < rc->npages && freed < ROM_RECLAIM_BATCH; pg++) {
			uint8_t *p = rc->pages[pg];
			if (!p || page_shared(virt_to_phys(p)))
				continue;
			rc->pages[pg] = NULL;
			rc->cached--;
			rom_pages--;
			page_free(virt_to_phys(p), 0);
			page_reclaimable_add(-1);
			freed++;
		}
	}
	spin_unlock_irqrestore(&rom_lock, flags);
}

/* A copy of page pg of the archive's size bytes at rom, the rest zero. */
static uint8_t *rom_copy(const uint8_t *rom, uint64_t size, uint64_t pg)
{
	paddr_t pa = page_alloc(0);
	size_t n = MIN(size - pg * PAGE_SIZE, PAGE_SIZE);
	uint8_t *page;

	if (!pa)
		return NULL;
	page = phys_to_virt(pa);
	memcpy(page, rom + pg * PAGE_SIZE, n);
	memset(page + n, 0, PAGE_SIZE - n);
	return page;
}

struct rom_cache *rom_cache_new(uint64_t size)
{
	size_t n = (size + PAGE_SIZE - 1) / PAGE_SIZE;
	struct rom_cache *rc = n ? kzalloc(sizeof(*rc) + n * sizeof(rc->pages[0])) : NULL;

	if (rc) {
		unsigned long flags = spin_lock_irqsave(&rom_lock);
		rc->npages = n;
		rc->next = rom_all;
		rom_all = rc;
		spin_unlock_irqrestore(&rom_lock, flags);
	}
	return rc;
}

int rom_cache_page(struct rom_cache *rc, const uint8_t *rom, uint64_t size, uint64_t pg,
		   paddr_t *pa)
{
	unsigned long flags = spin_lock_irqsave(&rom_lock);
	uint8_t *page = rc ? rc->pages[pg] : NULL;

	if (page)
		page_share(virt_to_phys(page)); /* the mapping's, before reclaim can look */
	spin_unlock_irqrestore(&rom_lock, flags);
	if (page) {
		*pa = virt_to_phys(page);
		return 0;
	}
	page = rom_copy(rom, size, pg);
	if (!page)
		return -ENOMEM;
	*pa = virt_to_phys(page); /* without a cache, the mapping's own copy */
	if (!rc)
		return 0;
	/* Only map_page adds pages, under the file system's mutex: the slot
	 * is still empty. */
	flags = spin_lock_irqsave(&rom_lock);
	rc->pages[pg] = page;
	rc->cached++;
	rom_pages++;
	page_share(*pa);
	page_reclaimable_add(1);
	spin_unlock_irqrestore(&rom_lock, flags);
	page_alloc_set_reclaim(rom_reclaim);
	return 0;
}

int rom_cache_cached(struct rom_cache *rc, uint64_t pg, paddr_t *pa)
{
	unsigned long flags = spin_lock_irqsave(&rom_lock);
	uint8_t *page = rc && pg < rc->npages ? rc->pages[pg] : NULL;

	if (page) {
		*pa = virt_to_phys(page);
		page_share(*pa);
	}
	spin_unlock_irqrestore(&rom_lock, flags);
	return page ? 0 : -ENOENT;
}

uint8_t *rom_cache_take(struct rom_cache *rc, uint64_t pg)
{
	unsigned long flags;
	uint8_t *page;

	if (!rc || pg >= rc->npages)
		return NULL;
	flags = spin_lock_irqsave(&rom_lock);
	page = rc->pages[pg];
	rc->pages[pg] = NULL;
	if (page) {
		rc->cached--;
		rom_pages--;
		page_reclaimable_add(-1);
	}
	spin_unlock_irqrestore(&rom_lock, flags);
	return page;
}

void rom_cache_free(struct rom_cache *rc)
{
	unsigned long flags;

	if (!rc)
		return;
	flags = spin_lock_irqsave(&rom_lock);
	for (struct rom_cache **pp = &rom_all; *pp; pp = &(*pp)->next) {
		if (*pp == rc) {
			*pp = rc->next;
			break;
		}
	}
	rom_pages -= rc->cached;
	spin_unlock_irqrestore(&rom_lock, flags);
	/* Out of the list: reclaim no longer sees it.  A page a mapping
	 * still holds is freed by the mapping's last unmap. */
	for (size_t pg = 0; pg < rc->npages; pg++) {
		paddr_t pa = rc->pages[pg] ? virt_to_phys(rc->pages[pg]) : 0;
		if (!pa)
			continue;
		page_reclaimable_add(-1);
		if (page_unshare(pa))
			page_free(pa, 0);
	}
	kfree(rc);
}

size_t ramfs_rom_mapped_pages(void)
{
	unsigned long flags = spin_lock_irqsave(&rom_lock);
	size_t n = 0;

	for (struct rom_cache *rc = rom_all; rc; rc = rc->next)
		for (size_t pg = 0; rc->cached && pg < rc->npages; pg++)
			n += rc->pages[pg] && page_shared(virt_to_phys(rc->pages[pg]));
	spin_unlock_irqrestore(&rom_lock, flags);
	return n;
}

size_t ramfs_rom_cached_pages(void)
{
	return __atomic_load_n(&rom_pages, __ATOMIC_RELAXED);
}
