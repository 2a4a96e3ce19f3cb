/*
 * Kernel stacks.  Each lives in its own KSTACK_SLOT of the kernel-stack area
 * (see <sluice/memlayout.h>): the top KSTACK_SIZE bytes are mapped, the rest
 * of the slot below stays unmapped, so running off the bottom of a stack
 * faults on a guard page instead of overwriting a neighbour.  The pages need
 * not be physically contiguous: each is mapped on its own.
 */
#include <sluice/kvm.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/spinlock.h>
#include <sluice/tlb.h>
#include <sluice/vm.h>

#define KSTACK_PAGES (KSTACK_SIZE / PAGE_SIZE)

static uint64_t slot_used[KSTACK_SLOTS / 64];
static unsigned int next_slot;
static struct spinlock kstack_lock = SPINLOCK_INIT;

static long kstack_take_slot(void)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);
	long slot = -1;

	for (unsigned int n = 0; n < KSTACK_SLOTS; n++) {
		unsigned int i = (next_slot + n) % KSTACK_SLOTS;
		if (!(slot_used[i / 64] & (1ull << (i % 64)))) {
			slot_used[i / 64] |= 1ull << (i % 64);
			next_slot = i + 1;
			slot = i;
			break;
		}
	}
	spin_unlock_irqrestore(&kstack_lock, flags);
	return slot;
}

static void kstack_put_slot(unsigned long slot)
{
	unsigned long flags = spin_lock_irqsave(&kstack_lock);
	slot_used[slot / 64] &= ~(1ull << (slot % 64));
	spin_unlock_irqrestore(&kstack_lock, flags);
}

/* Unmap and free the stack pages of a slot, as far as they were mapped. */
static void kstack_release_pages(unsigned long top)
{
	for (unsigned long va = top - KSTACK_SIZE; va < top; va += PAGE_SIZE) {
		paddr_t pa;
		uint64_t bits;
		if (vm_translate(kvm_root_pa, va, &pa, &bits) == 0) {
			vm_unmap_range(kvm_root_pa, va, PAGE_SIZE);
			page_free(pa, 0);
		}
	}
}

unsigned long kstack_alloc(void)
{
	long slot = kstack_take_slot();
	unsigned long top;

	if (slot < 0)
		return 0;
	top = KSTACK_AREA_BASE + (unsigned long)(slot + 1) * KSTACK_SLOT;
	for (unsigned long va = top - KSTACK_SIZE; va < top; va += PAGE_SIZE) {
		paddr_t pa = page_alloc(0);
		if (!pa || vm_map_range(kvm_root_pa, va, pa, PAGE_SIZE,
					PTE_R | PTE_W | PTE_G | PTE_A | PTE_D, 0)) {
			if (pa)
				page_free(pa, 0);
			kstack_release_pages(top);
			tlb_flush_kernel_range(top - KSTACK_SIZE, KSTACK_SIZE);
			kstack_put_slot((unsigned long)slot);
			return 0;
		}
	}
	return top;
}

void kstack_free(unsigned long top)
{
	unsigned long slot = (top - KSTACK_AREA_BASE) / KSTACK_SLOT - 1;

	kstack_release_pages(top);
	/* No hart may keep a translation to the freed pages. */
	tlb_flush_kernel_range(top - KSTACK_SIZE, KSTACK_SIZE);
	kstack_put_slot(slot);
}
