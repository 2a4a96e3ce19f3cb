/*
 * TLB shootdown: see <sluice/tlb.h>.  Remote harts are reached through SBI
 * RFENCE, which runs sfence.vma on each hart in the mask and returns when
 * they have all done it.
 */
#include <sluice/dt.h>
#include <sluice/hart.h>
#include <sluice/riscv.h>
#include <sluice/sbi.h>
#include <sluice/string.h>
#include <sluice/tlb.h>

/* Past this many pages, one whole-TLB flush is cheaper than page by page. */
#define TLB_FLUSH_PAGES_MAX 64

/* Per hart (dense index), written only by that hart: no atomics needed. */
static struct tlb_stats stats[DT_MAX_HARTS];

static struct tlb_stats *my_stats(void)
{
	return &stats[this_hart_index()];
}

static void local_flush_range(vaddr_t va, size_t size, long asid)
{
	if (size / PAGE_SIZE > TLB_FLUSH_PAGES_MAX || TLB_FLUSH_ALL_ONLY) {
		my_stats()->local_all++;
		if (asid < 0)
			local_flush_tlb_all();
		else
			__asm__ volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
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

static void remote_flush_range(vaddr_t va, size_t size, long asid)
{
	unsigned long mask = hart_online_mask() & ~(1ul << this_hart()->hartid);

	if (!mask)
		return;
	my_stats()->remote++;
	my_stats()->remote_harts += (uint64_t)__builtin_popcountl(mask);
	if (TLB_FLUSH_ALL_ONLY)
		va = 0, size = (size_t)-1;
	if (asid < 0)
		sbi_remote_sfence_vma(mask, va, size);
	else
		sbi_remote_sfence_vma_asid(mask, va, size, (unsigned long)asid);
}

/* Here, then everywhere else.  Interrupts stay off in between: a caller
 * moved to another hart after the local flush would leave that hart out. */
static void flush_range(vaddr_t va, size_t size, long asid)
{
	unsigned long sie = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE) & SSTATUS_SIE;

	local_flush_range(va, size, asid);
	remote_flush_range(va, size, asid);
	if (sie)
		local_irq_enable();
}

void tlb_flush_kernel_range(vaddr_t va, size_t size)
{
	flush_range(va, size, -1);
}

void tlb_flush_user_range(vaddr_t va, size_t size, uint16_t asid)
{
	/* ASID 0 means "no ASID": flush every address space's entries for va. */
	flush_range(va, size, asid ? asid : -1);
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
