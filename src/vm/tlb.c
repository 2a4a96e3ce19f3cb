/*
 * TLB maintenance: see <sluice/tlb.h> and docs/memory-map.md ("TLB
 * flushing").  Remote harts are reached through SBI RFENCE, which runs
 * sfence.vma on each hart in the mask and returns when they have all done
 * it: the firmware interrupts each of them, so a remote flush costs every
 * hart it reaches, and the caller waits for the slowest.
 */
#include <sluice/dt.h>
#include <sluice/errata.h>
#include <sluice/hart.h>
#include <sluice/printk.h>
#include <sluice/riscv.h>
#include <sluice/sbi.h>
#include <sluice/string.h>
#include <sluice/testhooks.h>
#include <sluice/tlb.h>

/* Past this many pages, one whole-TLB flush is cheaper than page by page. */
#define TLB_FLUSH_PAGES_MAX 64

bool tlb_flush_all_only;

void errata_init(void)
{
	unsigned long ids[3] = {sbi.mvendorid, sbi.marchid, sbi.mimpid};
	const char *v;
	size_t len;

	if (test_hook(TEST_HOOK_HART_IDS, &v, &len) && !errata_parse_ids(v, len, ids))
		printk("sluice.hart_ids: want V,A,I in hexadecimal; ignored\n");
	tlb_flush_all_only = erratum_sifive_cip1200(ids[0], ids[1], ids[2]);
	printk("errata: %s (mvendorid %#lx, marchid %#lx, mimpid %#lx)\n",
	       tlb_flush_all_only ? "SiFive CIP-1200, so whole-TLB flushes only" : "none", ids[0],
	       ids[1], ids[2]);
}

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
		local_flush_tlb_asid((unsigned long)asid);
}

void tlb_flush_local(vaddr_t va, size_t size, long asid)
{
	if (size / PAGE_SIZE > TLB_FLUSH_PAGES_MAX || tlb_flush_all_only) {
		flush_all(asid);
		return;
	}
	my_stats()->local_one++;
	for (vaddr_t a = ALIGN_DOWN(va, PAGE_SIZE); a < va + size; a += PAGE_SIZE) {
		if (asid < 0)
			local_flush_tlb_addr(a);
		else
			local_flush_tlb_addr_asid(a, (unsigned long)asid);
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
		if (tlb_flush_all_only)
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

/*
 * Kernel flushes asked for without waiting (kstack.c's reclaim): a count
 * of requests, and per hart (dense index) the count its last whole-TLB
 * flush covered.  A hart catches up in tlb_kernel_flush_check, which its
 * software interrupt (sent by the asker) calls.
 * No hart ever waits here for another with interrupts off, so nothing can
 * deadlock; SBI's remote fence, which does wait, livelocks on QEMU under
 * -icount with Debian's OpenSBI 1.1.
 */
static unsigned long kflush_asked;
static unsigned long kflush_done[DT_MAX_HARTS];

void tlb_kernel_flush_check(void)
{
	unsigned long sie = irq_save();
	unsigned int me = this_hart()->index;
	unsigned long asked = __atomic_load_n(&kflush_asked, __ATOMIC_SEQ_CST);

	if (__atomic_load_n(&kflush_done[me], __ATOMIC_RELAXED) != asked) {
		flush_all(-1);
		__atomic_store_n(&kflush_done[me], asked, __ATOMIC_RELEASE);
	}
	irq_restore(sie);
}

unsigned long tlb_kernel_flush_ask(void)
{
	/* Sequentially consistent: the stores that removed the mappings come
	 * before any hart can see the new count and flush. */
	unsigned long gen = __atomic_add_fetch(&kflush_asked, 1, __ATOMIC_SEQ_CST);
	unsigned long others = hart_online_mask() & ~(1ul << this_hart_id());

	tlb_kernel_flush_check();
	if (others)
		sbi_send_ipi(others);
	return gen;
}

bool tlb_kernel_flush_done(unsigned long gen)
{
	struct hart *h;

	for (unsigned int i = 0; (h = hart_at(i)); i++)
		if ((long)(__atomic_load_n(&kflush_done[i], __ATOMIC_ACQUIRE) - gen) < 0)
			return false;
	return true;
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
