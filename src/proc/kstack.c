/*
 * Kernel stacks.  Each lives in its own KSTACK_SLOT of the kernel-stack area
 * (see <sluice/memlayout.h>): the top KSTACK_SIZE bytes are mapped, the rest
 * of the slot below stays unmapped, so running off the bottom of a stack
 * faults on a guard page instead of overwriting a neighbour.  The pages need
 * not be physically contiguous: each is mapped on its own.
 *
 * TLB.  Stack mappings are global (PTE_G), and any hart may hold a
 * translation of any stack: not only the harts that ran its process, but
 * every hart that woke a sleeper through something the sleeper keeps on its
 * stack (ppoll's poll_waiter, a futex waiter), from an interrupt or from
 * another process's system call.  So a slot's mapping never changes under
 * a hart that may cache it.  A freed stack is *parked*: its slot is free
 * again but keeps its pages mapped, and the next kstack_alloc takes a
 * parked slot first, pages and all: no allocation, no mapping, no flush,
 * and a stale translation anywhere still points at the slot's own page.
 * Parked pages count as free (page_reclaimable_add); when page_alloc runs
 * short it calls kstack_reclaim, which unmaps every parked stack, has
 * every hart flush its TLB and only then frees the pages, so no hart can
 * reach a page through an old translation once it is someone else's.
 * (Linux's vmalloc also frees lazily and flushes before reuse.)
 */
#include <sluice/errno.h>
#include <sluice/kvm.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/spinlock.h>
#include <sluice/string.h>
#include <sluice/timer.h>
#include <sluice/tlb.h>
#include <sluice/vm.h>

#define KSTACK_PAGES (KSTACK_SIZE / PAGE_SIZE)
#define STRETCHES    (KSTACK_SLOTS / 64) /* one level-0 table maps 64 slots */

static uint64_t slot_used[STRETCHES];	     /* a live stack */
static uint64_t slot_parked[STRETCHES];	     /* free, but still mapped */
static uint64_t slot_quarantined[STRETCHES]; /* unmapped, not yet flushed everywhere */
static bool stretch_table[STRETCHES];	     /* a level-0 table maps the stretch */
static bool stretch_quarantined[STRETCHES];  /* its table unhooked, not yet flushed */
static struct spinlock kstack_lock = SPINLOCK_INIT;

_Static_assert(PT_LEVEL_SIZE(1) == 64 * KSTACK_SLOT, "one slot_used word per level-0 table");

/*
 * A stretch whose table is there but which holds no live stack: the table
 * page is as good as free (kstack_reclaim gives it back), and counted so,
 * so that the free page count comes back exactly once stacks are gone
 * (tests rely on it).
 */
static bool table_idle(unsigned int w)
{
	return stretch_table[w] && !slot_used[w];
}

static unsigned long slot_top(unsigned long slot)
{
	return KSTACK_AREA_BASE + (slot + 1) * KSTACK_SLOT;
}

/* Mark slot live (kstack_lock held), keeping the count of free pages right. */
static void slot_take(unsigned long slot, bool parked)
{
	unsigned int w = slot / 64;
	long delta = parked ? -(long)KSTACK_PAGES : 0;

	if (table_idle(w))
		delta--;
	slot_used[w] |= 1ull << (slot % 64);
	slot_parked[w] &= ~(1ull << (slot % 64));
	page_reclaimable_add(delta);
}

/* The lowest parked slot, else the lowest never-mapped one; -1 if none.
 * Low slots first: stacks stay packed, so few page tables map them. */
static long slot_find(bool *parked)
{
	for (unsigned int w = 0; w < STRETCHES; w++)
		if (slot_parked[w]) {
			*parked = true;
			return (long)(w * 64 + (unsigned int)__builtin_ctzll(slot_parked[w]));
		}
	*parked = false;
	/* Not a slot, nor a stretch, that another hart may still translate the
	 * old way (a reclaim's quarantine). */
	for (unsigned int w = 0; w < STRETCHES; w++) {
		uint64_t unmapped = ~(slot_used[w] | slot_parked[w] | slot_quarantined[w]);
		if (unmapped && !stretch_quarantined[w])
			return (long)(w * 64 + (unsigned int)__builtin_ctzll(unmapped));
	}
	return -1;
}

#define KSTACK_ORDER 2 /* 2^2 pages = KSTACK_SIZE */
_Static_assert((PAGE_SIZE << KSTACK_ORDER) == KSTACK_SIZE, "KSTACK_ORDER");

/*
 * Pages unmapped but not yet free: kstack_reclaim frees them after the
 * flush.  Chained through the pages themselves (in the linear map, which
 * never changes), so reclaiming needs no memory.
 */
struct unmapped {
	struct unmapped *next;
	unsigned int order;
};

static void defer_free(struct unmapped **list, paddr_t pa, unsigned int order)
{
	struct unmapped *u = phys_to_virt(pa);

	u->order = order;
	u->next = *list;
	*list = u;
}

/*
 * Unmap a slot's stack pages, as far as they are mapped, onto *list: one
 * block if the first page starts a contiguous, aligned 16 KiB block that
 * the stack maps in order, else page by page.
 */
static void kstack_unmap(unsigned long top, struct unmapped **list)
{
	unsigned long lo = top - KSTACK_SIZE;
	paddr_t first, pa;
	uint64_t bits;
	bool block =
		vm_translate(kvm_root_pa, lo, &first, &bits) == 0 && IS_ALIGNED(first, KSTACK_SIZE);

	for (unsigned long va = lo + PAGE_SIZE; va < top && block; va += PAGE_SIZE)
		block = vm_translate(kvm_root_pa, va, &pa, &bits) == 0 && pa == first + (va - lo);
	if (block) {
		vm_unmap_range(kvm_root_pa, lo, KSTACK_SIZE);
		defer_free(list, first, KSTACK_ORDER);
		return;
	}
	for (unsigned long va = lo; va < top; va += PAGE_SIZE) {
		if (vm_translate(kvm_root_pa, va, &pa, &bits) == 0) {
			vm_unmap_range(kvm_root_pa, va, PAGE_SIZE);
			defer_free(list, pa, 0);
		}
	}
}

/* The level-1 entry that points at stretch w's level-0 table. */
static pte_t *stretch_pte(unsigned int w)
{
	unsigned long va = KSTACK_AREA_BASE + (unsigned long)w * 64 * KSTACK_SLOT;
	pte_t *root = phys_to_virt(kvm_root_pa);
	pte_t *l1 = phys_to_virt(pte_to_pa(root[pt_index(va, 2)]));

	return &l1[pt_index(va, 1)];
}

/* Unhook stretch w's level-0 table onto *list (kstack_lock held; the
 * stretch has no live and no parked stack). */
static void kstack_unhook_table(unsigned int w, struct unmapped **list)
{
	pte_t *e = stretch_pte(w);

	stretch_table[w] = false;
	if (!(*e & PTE_V) || pte_is_leaf(*e))
		return;
	defer_free(list, pte_to_pa(*e), 0);
	*e = 0;
}

/*
 * Pages unmapped by a reclaim, waiting for every hart to flush its TLB
 * (tlb_kernel_flush_ask's ticket) before they are freed: one batch at a
 * time.  They still count as free meanwhile (page_reclaimable).
 */
#define KSTACK_RECLAIM_WAIT_NS 100000000ull /* 100 ms at most */

static struct unmapped *quarantine;
static long quarantine_pages;
static unsigned long quarantine_ticket;

/* Unmap every parked stack and every idle stretch's table onto *list;
 * the pages they were (kstack_lock held). */
static long kstack_unmap_parked(struct unmapped **list)
{
	long pages = 0;

	for (unsigned int w = 0; w < STRETCHES; w++) {
		bool idle = table_idle(w);
		for (uint64_t m = slot_parked[w]; m; m &= m - 1) {
			kstack_unmap(slot_top(w * 64 + (unsigned int)__builtin_ctzll(m)), list);
			pages += KSTACK_PAGES;
		}
		slot_quarantined[w] = slot_parked[w];
		slot_parked[w] = 0;
		if (idle) {
			kstack_unhook_table(w, list);
			stretch_quarantined[w] = true;
			pages++;
		}
	}
	return pages;
}

/* The quarantined pages, if every hart has flushed since (kstack_lock
 * held): taken off the quarantine into *list; their number. */
static long quarantine_take(struct unmapped **list)
{
	long pages = quarantine_pages;

	if (!quarantine || !tlb_kernel_flush_done(quarantine_ticket))
		return 0;
	*list = quarantine;
	quarantine = NULL;
	quarantine_pages = 0;
	memset(slot_quarantined, 0, sizeof(slot_quarantined));
	memset(stretch_quarantined, 0, sizeof(stretch_quarantined));
	return pages;
}

/*
 * Give back every parked stack and every idle stretch's table.  page_alloc
 * calls this when it runs short, maybe with kstack_lock held (kstack_map
 * allocates under it): then it does nothing.  The pages are unmapped
 * first, every hart is asked to flush its TLB (a hart's page walker may
 * also still hold a freed table's entry), and the pages are freed only
 * once all have: here, if they do within 100 ms, else at the next call.  Nothing waits with a lock held, and no hart waits
 * for another's answer with interrupts off.
 */
static void kstack_reclaim(void)
{
	unsigned long flags = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);
	struct unmapped *list = NULL;
	long pages = 0;

	if (!spin_trylock(&kstack_lock)) {
		csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
		return;
	}
	if (!quarantine) {
		quarantine_pages = kstack_unmap_parked(&quarantine);
		if (quarantine)
			quarantine_ticket = tlb_kernel_flush_ask();
	}
	/* The others answer from their software-interrupt handler: at once,
	 * unless QEMU's host has not run their threads lately (it may not,
	 * for tens of milliseconds, on a loaded host).  Memory is short:
	 * waiting is cheaper than failing an allocation that would succeed. */
	for (uint64_t end = timer_ns() + KSTACK_RECLAIM_WAIT_NS; quarantine && timer_ns() < end;) {
		if ((pages = quarantine_take(&list)) != 0)
			break;
	}
	spin_unlock(&kstack_lock);
	while (list) {
		struct unmapped *u = list;
		list = u->next;
		page_free(virt_to_phys(u), u->order);
	}
	page_reclaimable_add(-pages);
	csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
}

/* Map [top - KSTACK_SIZE, top): one 16 KiB block if the allocator has
 * one (one allocation, one mapping), else page by page.  Pages mapped
 * before a failure stay mapped (the slot is parked then). */
static int kstack_map(unsigned long top)
{
	unsigned long lo = top - KSTACK_SIZE;
	uint64_t perm = PTE_R | PTE_W | PTE_G | PTE_A | PTE_D;
	paddr_t block = page_alloc(KSTACK_ORDER);

	if (block) {
		if (vm_map_range(kvm_root_pa, lo, block, KSTACK_SIZE, perm, 0) == 0)
			return 0;
		page_free(block, KSTACK_ORDER);
		return -ENOMEM;
	}
	for (unsigned long va = lo; va < top; va += PAGE_SIZE) {
		paddr_t pa = page_alloc(0);
		if (!pa || vm_map_range(kvm_root_pa, va, pa, PAGE_SIZE, perm, 0)) {
			if (pa)
				page_free(pa, 0);
			return -ENOMEM;
		}
	}
	return 0;
}

/*
 * A fresh slot's pages, mapped; on failure none (the few mapped are
 * unmapped and freed at once: no other hart has seen this slot since the
 * last reclaim flushed every TLB, so a local flush is enough).
 */
static unsigned long kstack_map_fresh(unsigned long slot)
{
	unsigned long top = slot_top(slot);
	struct unmapped *list = NULL;

	if (kstack_map(top) == 0)
		return top;
	kstack_unmap(top, &list);
	tlb_flush_local(top - KSTACK_SIZE, KSTACK_SIZE, -1);
	while (list) {
		struct unmapped *u = list;
		list = u->next;
		page_free(virt_to_phys(u), u->order);
	}
	return 0;
}

unsigned long kstack_alloc(void)
{
	static bool registered;
	unsigned long flags = spin_lock_irqsave(&kstack_lock);
	bool parked;
	long slot = slot_find(&parked);
	unsigned long top = 0;

	if (!registered) {
		registered = true;
		page_alloc_set_reclaim(kstack_reclaim);
	}
	if (slot >= 0) {
		unsigned int w = (unsigned int)slot / 64;
		slot_take((unsigned long)slot, parked);
		top = parked ? slot_top((unsigned long)slot)
			     : kstack_map_fresh((unsigned long)slot);
		/* Mapping may have made the stretch's table (even if it failed). */
		stretch_table[w] = *stretch_pte(w) & PTE_V;
		if (!top) {
			slot_used[w] &= ~(1ull << (slot % 64));
			page_reclaimable_add(table_idle(w));
		}
	}
	spin_unlock_irqrestore(&kstack_lock, flags);
	return top;
}

void kstack_free(unsigned long top)
{
	unsigned long slot = (top - KSTACK_AREA_BASE) / KSTACK_SLOT - 1;
	unsigned int w = slot / 64;
	unsigned long flags = spin_lock_irqsave(&kstack_lock);

	slot_used[w] &= ~(1ull << (slot % 64));
	slot_parked[w] |= 1ull << (slot % 64);
	page_reclaimable_add((long)KSTACK_PAGES + table_idle(w));
	spin_unlock_irqrestore(&kstack_lock, flags);
}

size_t kstack_count(void)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);
	size_t n = 0;

	for (unsigned int w = 0; w < KSTACK_SLOTS / 64; w++)
		n += (size_t)__builtin_popcountll(slot_used[w]);
	spin_unlock_irqrestore(&kstack_lock, flags);
	return n;
}
