/*
 * Share counts for user pages (see <sluice/mm.h>).  The array holds the
 * number of owners beyond the first, so a page that was just allocated needs
 * no set-up: its count is already 0, "one owner".
 */
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/panic.h>
#include <sluice/string.h>

/* The count of a pinned page (page_pin): never changed again. */
#define PINNED UINT16_MAX

static uint16_t *extra_owners;
static paddr_t refs_base;
static size_t refs_pages;

int page_refs_init(void)
{
	size_t bytes;
	unsigned int order = 0;

	page_alloc_span(&refs_base, &refs_pages);
	bytes = refs_pages * sizeof(uint16_t);
	while ((PAGE_SIZE << order) < bytes)
		order++;
	if (order > PAGE_MAX_ORDER)
		return -ENOMEM; /* more RAM than one block can count for: 2^31 pages */
	paddr_t pa = page_alloc(order);
	if (!pa)
		return -ENOMEM;
	extra_owners = phys_to_virt(pa);
	memset(extra_owners, 0, bytes);
	return 0;
}

static uint16_t *refs_slot(paddr_t pa)
{
	size_t i = (pa - refs_base) >> PAGE_SHIFT;

	if (pa < refs_base || i >= refs_pages)
		panic("page_refs: 0x%lx is not a page the allocator manages", (unsigned long)pa);
	return &extra_owners[i];
}

/*
 * Add delta to pa's count, unless the count is at a limit (PINNED either
 * way, one below it up, 0 down); return the count it had.  No lock: every fork and every
 * copy-on-write fault of every process comes here, and harts running
 * independent processes should not queue for one.  A compare-and-swap on
 * the aligned word holding the 16-bit count (the base ISA has word AMOs,
 * no halfword ones), acquire and release so that the last owner's free
 * comes after every other owner's last use.
 */
static uint16_t refs_add(paddr_t pa, int delta)
{
	uintptr_t at = (uintptr_t)refs_slot(pa);
	uint32_t *word = (uint32_t *)(at & ~(uintptr_t)3);
	unsigned int shift = (unsigned int)(at & 2) * 8; /* little-endian */
	uint32_t old = __atomic_load_n(word, __ATOMIC_RELAXED), new;
	uint16_t count;

	do {
		count = (uint16_t)(old >> shift);
		if (count == PINNED || (delta > 0 && count == PINNED - 1) ||
		    (delta < 0 && count == 0))
			return count;
		new = (old & ~(0xffffu << shift)) | (uint32_t)(uint16_t)(count + delta) << shift;
	} while (!__atomic_compare_exchange_n(word, &old, new, true, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return count;
}

void page_share(paddr_t pa)
{
	if (refs_add(pa, 1) == PINNED - 1) /* (one more would look pinned) */
		panic("page_share: 0x%lx has 65535 owners", (unsigned long)pa);
}

bool page_unshare(paddr_t pa)
{
	return refs_add(pa, -1) == 0;
}

bool page_shared(paddr_t pa)
{
	return __atomic_load_n(refs_slot(pa), __ATOMIC_ACQUIRE) != 0;
}

void page_pin(paddr_t pa)
{
	__atomic_store_n(refs_slot(pa), PINNED, __ATOMIC_RELEASE);
}
