/*
 * sluice.check_ad: the U74's rule, checked under QEMU (docs/labs/boards.md).
 *
 * The U74 cores never set a PTE's A or D bit: an access through a leaf
 * without A, or a store through one without D, raises a page fault instead
 * (the privileged spec allows either behaviour).  QEMU 7.2 sets them
 * itself, so a kernel that forgets them runs fine there and faults for
 * ever on the board.  With this boot option, each user page fault the VM
 * resolves is followed by a look at the leaf it installed, before the
 * user's access is retried (so before QEMU could set anything): A must be
 * set, and D too if the page is writable.
 */
#include <sluice/adcheck.h>
#include <sluice/printk.h>
#include <sluice/spinlock.h>
#include <sluice/uvm.h>
#include <sluice/vm.h>

bool adcheck_on;
static unsigned long adcheck_bad;

void adcheck_leaf(struct mm *mm, vaddr_t va)
{
	int level;
	unsigned long flags = spin_lock_irqsave(&mm->lock);
	pte_t *pte = vm_walk(mm->root, ALIGN_DOWN(va, PAGE_SIZE), false, &level);
	pte_t e = pte ? *pte : 0;

	spin_unlock_irqrestore(&mm->lock, flags);
	if (!(e & PTE_V))
		return; /* unmapped again meanwhile (another thread) */
	bool bad = !(e & PTE_A) || ((e & PTE_W) && !(e & PTE_D));
	if (!bad)
		return;
	/* The first few only: the rest would flood the console. */
	if (__atomic_fetch_add(&adcheck_bad, 1, __ATOMIC_RELAXED) < 8)
		printk("check_ad: user leaf PTE 0x%lx at va 0x%lx lacks %s (a U74 faults for "
		       "ever)\n",
		       (unsigned long)e, (unsigned long)va, !(e & PTE_A) ? "A" : "D");
}
