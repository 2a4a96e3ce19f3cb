/*
 * Kernel stacks.  Each lives in its own KSTACK_SLOT of the kernel-stack area
 * (see <sluice/memlayout.h>): the top KSTACK_SIZE bytes are mapped, the rest
 * of the slot below stays unmapped, so running off the bottom of a stack
 * faults on a guard page instead of overwriting a neighbour.  The pages need
 * not be physically contiguous: each is mapped on its own.
 *
 * TLB.  Stack mappings are global (PTE_G), so any hart that touched a
 * stack may cache its translations, and which harts did is hard to know
 * (a parent writes its child's trap frame from wherever it runs).  A freed
 * stack is not flushed anywhere at once: its pages are unmapped and freed,
 * and every hart comes to owe a whole-TLB flush (tlb_kernel_flush_defer).
 * No code reaches a stack address except on a stack it was handed by
 * kstack_alloc or switched to by the scheduler's run(), and both pay the
 * hart's debt first (tlb_kernel_flush_sync); so a stale translation of a
 * freed stack is never used, even once its slot holds a new stack.  (Linux
 * frees vmalloc'd pages the same way, flushing before the addresses are
 * reused.)  A freed level-0 table is different: a hart's page walker may
 * still go through it, even speculatively, and may set A bits in it, so
 * every hart is flushed (SBI) before that page is freed.
 */
#include <sluice/errno.h>
#include <sluice/kvm.h>
#include <sluice/memlayout.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/spinlock.h>
#include <sluice/tlb.h>
#include <sluice/vm.h>

#define KSTACK_PAGES (KSTACK_SIZE / PAGE_SIZE)

static uint64_t slot_used[KSTACK_SLOTS / 64];
static struct spinlock kstack_lock = SPINLOCK_INIT;

/* The lowest free slot: stacks stay packed, so few page tables map them. */
static long kstack_take_slot(void)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);
	long slot = -1;

	for (unsigned int w = 0; w < KSTACK_SLOTS / 64 && slot < 0; w++) {
		if (slot_used[w] == ~0ull)
			continue;
		unsigned int bit = (unsigned int)__builtin_ctzll(~slot_used[w]);
		slot_used[w] |= 1ull << bit;
		slot = (long)(w * 64 + bit);
	}
	spin_unlock_irqrestore(&kstack_lock, flags);
	return slot;
}

/*
 * When the last stack in a 2 MiB stretch goes, unhook the level-0 table
 * that mapped it, so that the free page count comes back exactly (tests
 * rely on it); returns the table's page for the caller to free once every
 * hart has flushed (0 if none).  A stretch is 64 slots: exactly one word
 * of slot_used, so "empty" is that word being zero.  Caller holds
 * kstack_lock.
 */
_Static_assert(PT_LEVEL_SIZE(1) == 64 * KSTACK_SLOT, "one slot_used word per level-0 table");

static paddr_t kstack_prune_table(unsigned long va)
{
	unsigned long slot = (va - KSTACK_AREA_BASE) / KSTACK_SLOT;
	pte_t *root = phys_to_virt(kvm_root_pa);
	pte_t *l1 = phys_to_virt(pte_to_pa(root[pt_index(va, 2)]));
	pte_t *e = &l1[pt_index(va, 1)];
	paddr_t l0;

	if (slot_used[slot / 64] || !(*e & PTE_V) || pte_is_leaf(*e))
		return 0;
	l0 = pte_to_pa(*e);
	*e = 0;
	return l0;
}

/* A hart's page walker may hold the table's entry as a non-leaf, on any
 * hart: flush them all (outside kstack_lock) before the page is reused. */
static void kstack_free_table(paddr_t l0)
{
	if (!l0)
		return;
	tlb_flush_kernel_range(0, TLB_FLUSH_ALL);
	page_free(l0, 0);
}

/* Caller holds kstack_lock. */
static void kstack_put_slot(unsigned long slot)
{
	slot_used[slot / 64] &= ~(1ull << (slot % 64));
}

#define KSTACK_ORDER 2 /* 2^2 pages = KSTACK_SIZE */
_Static_assert((PAGE_SIZE << KSTACK_ORDER) == KSTACK_SIZE, "KSTACK_ORDER");

/*
 * Unmap and free the stack pages of a slot, as far as they were mapped:
 * one block if the first page starts a contiguous, aligned 16 KiB block
 * that the stack maps in order, else page by page.
 */
static void kstack_release_pages(unsigned long top)
{
	unsigned long lo = top - KSTACK_SIZE;
	paddr_t first, pa;
	uint64_t bits;
	bool block = vm_translate(kvm_root_pa, lo, &first, &bits) == 0 &&
		     IS_ALIGNED(first, KSTACK_SIZE);

	for (unsigned long va = lo + PAGE_SIZE; va < top && block; va += PAGE_SIZE)
		block = vm_translate(kvm_root_pa, va, &pa, &bits) == 0 && pa == first + (va - lo);
	if (block) {
		vm_unmap_range(kvm_root_pa, lo, KSTACK_SIZE);
		page_free(first, KSTACK_ORDER);
		return;
	}
	for (unsigned long va = lo; va < top; va += PAGE_SIZE) {
		if (vm_translate(kvm_root_pa, va, &pa, &bits) == 0) {
			vm_unmap_range(kvm_root_pa, va, PAGE_SIZE);
			page_free(pa, 0);
		}
	}
}

/*
 * Unmap and free the stack below top and give its slot back; returns the
 * level-0 table to free, if the stretch is now empty.  The flush debt is
 * recorded before the slot can be taken again: whoever takes it pays
 * first.  Caller holds kstack_lock.
 */
static paddr_t kstack_release(unsigned long top)
{
	kstack_release_pages(top);
	tlb_kernel_flush_defer();
	kstack_put_slot((top - KSTACK_AREA_BASE) / KSTACK_SLOT - 1);
	return kstack_prune_table(top - KSTACK_SIZE);
}

/* Map [top - KSTACK_SIZE, top): one 16 KiB block if the allocator has
 * one (one allocation, one mapping), else page by page. */
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

unsigned long kstack_alloc(void)
{
	long slot = kstack_take_slot();
	unsigned long top, flags;
	paddr_t table = 0;

	if (slot < 0)
		return 0;
	top = KSTACK_AREA_BASE + (unsigned long)(slot + 1) * KSTACK_SLOT;
	/* Under the lock: kstack_free may be pruning this stretch's table. */
	flags = spin_lock_irqsave(&kstack_lock);
	if (kstack_map(top)) {
		table = kstack_release(top);
		top = 0;
	}
	spin_unlock_irqrestore(&kstack_lock, flags);
	kstack_free_table(table);
	/* The caller writes to the stack (a trap frame): this hart may still
	 * cache the slot's previous stack, freed since it last flushed. */
	tlb_kernel_flush_sync();
	return top;
}

void kstack_free(unsigned long top)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);
	paddr_t table = kstack_release(top);

	spin_unlock_irqrestore(&kstack_lock, flags);
	kstack_free_table(table);
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
