/*
 * TLB maintenance: see <sluice/tlb.h> and docs/memory-map.md ("TLB
 * flushing").  Remote harts are reached through SBI RFENCE, which runs
 * sfence.vma on each hart in the mask and returns when they have all done
 * it: the firmware interrupts each of them, so a remote flush costs every
 * hart it reaches, and the caller waits for the slowest.
 */
#include <sluice/dt.h>
#include <sluice/hart.h>
#include <sluice/riscv.h>
#include <sluice/sbi.h>
#include <sluice/string.h>
#include <sluice/tlb.h>

/* Past this many pages, one whole-TLB flush is cheaper than page by page. */
#define TLB_FLUSH_PAGES_MAX 64

/* Per hart (dense index), written only by that hart with interrupts off. */
static struct tlb_stats stats[DT_MAX_HARTS];

static struct tlb_stats *my_stats(void)
{
	return &stats[this_hart()->index];
}

static unsigned long irq_save(void)
{
	return csr_read_clear(CSR_SSTATUS, SSTATUS_SIE) & SSTATUS_SIE;
}

static void irq_restore(unsigned long sie)
{
	if (sie)
		local_irq_enable();
}

/* sfence.vma of the whole TLB (asid < 0) or of one ASID's entries. */
static void flush_all(long asid)
{
	my_stats()->local_all++;
	if (asid < 0)
		local_flush_tlb_all();
	else
		__asm__ volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
}

void tlb_flush_local(vaddr_t va, size_t size, long asid)
{
	if (size / PAGE_SIZE > TLB_FLUSH_PAGES_MAX || TLB_FLUSH_ALL_ONLY) {
		flush_all(asid);
		return;
	}
	my_stats()->local_one++;
	for (vaddr_t a = ALIGN_DOWN(va, PAGE_SIZE); a < va + size; a += PAGE_SIZE) {
		if (asid < 0)
			__asm__ volatile("sfence.vma %0, zero" ::"r"(a) : "memory");
		else
			__asm__ volatile("sfence.vma %0, %1" ::"r"(a), "r"(asid) : "memory");
	}
}

void tlb_flush_local_owed(long asid)
{
	unsigned long sie = irq_save();

	my_stats()->deferred++;
	flush_all(asid);
	irq_restore(sie);
}

void tlb_flush_remote(unsigned long hart_mask, vaddr_t va, size_t size, long asid)
{
	unsigned long sie = irq_save();

	hart_mask &= hart_online_mask() & ~(1ul << this_hart_id());
	if (hart_mask) {
		my_stats()->remote++;
		my_stats()->remote_harts += (uint64_t)__builtin_popcountl(hart_mask);
		if (TLB_FLUSH_ALL_ONLY)
			va = 0, size = TLB_FLUSH_ALL;
		if (asid < 0)
			sbi_remote_sfence_vma(hart_mask, va, size);
		else
			sbi_remote_sfence_vma_asid(hart_mask, va, size, (unsigned long)asid);
	}
	irq_restore(sie);
}

/* Here, then everywhere else.  Interrupts stay off in between: a caller
 * moved to another hart after the local flush would leave that hart out. */
void tlb_flush_kernel_range(vaddr_t va, size_t size)
{
	unsigned long sie = irq_save();

	tlb_flush_local(va, size, -1);
	tlb_flush_remote(hart_online_mask(), va, size, -1);
	irq_restore(sie);
}

void tlb_stats_read(struct tlb_stats *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; i < DT_MAX_HARTS; i++) {
		sum->remote += stats[i].remote;
		sum->remote_harts += stats[i].remote_harts;
		sum->local_all += stats[i].local_all;
		sum->local_one += stats[i].local_one;
		sum->deferred += stats[i].deferred;
	}
}
