/*
 * Share counts for user pages (see <sluice/mm.h>).  The array holds the
 * number of owners beyond the first, so a page that was just allocated needs
 * no set-up: its count is already 0, "one owner".
 */
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/panic.h>
#include <sluice/spinlock.h>
#include <sluice/string.h>

static uint16_t *extra_owners;
static paddr_t refs_base;
static size_t refs_pages;
static struct spinlock refs_lock = SPINLOCK_INIT;

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

void page_share(paddr_t pa)
{
	unsigned long flags = spin_lock_irqsave(&refs_lock);
	uint16_t *r = refs_slot(pa);

	if (*r == UINT16_MAX)
		panic("page_share: 0x%lx has 65536 owners", (unsigned long)pa);
	(*r)++;
	spin_unlock_irqrestore(&refs_lock, flags);
}

bool page_unshare(paddr_t pa)
{
	unsigned long flags = spin_lock_irqsave(&refs_lock);
	uint16_t *r = refs_slot(pa);
	bool last = *r == 0;

	if (!last)
		(*r)--;
	spin_unlock_irqrestore(&refs_lock, flags);
	return last;
}

bool page_shared(paddr_t pa)
{
	unsigned long flags = spin_lock_irqsave(&refs_lock);
	bool shared = *refs_slot(pa) != 0;

	spin_unlock_irqrestore(&refs_lock, flags);
	return shared;
}
