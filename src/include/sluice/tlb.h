/*
 * TLB maintenance.  After a mapping is removed or weakened, every hart that
 * may cache it must execute sfence.vma before the memory is reused: this hart
 * directly, the others through SBI RFENCE (remote sfence.vma).
 */
#ifndef SLUICE_TLB_H
#define SLUICE_TLB_H

#include <sluice/types.h>

/* Kernel (global) mappings in [va, va+size) changed: flush on every online hart. */
void tlb_flush_kernel_range(vaddr_t va, size_t size);

/* A user address space's mappings changed: flush [va, va+size) for asid on
 * every hart that may hold them (all online harts for now). */
void tlb_flush_user_range(vaddr_t va, size_t size, uint16_t asid);

/* Flush counts since boot, summed over the harts (/proc/vmstat). */
struct tlb_stats {
	uint64_t remote;       /* SBI RFENCE calls (each to one or more harts) */
	uint64_t remote_harts; /* harts those calls reached */
	uint64_t local_all;    /* whole-TLB (or whole-ASID) flushes on the hart itself */
	uint64_t local_one;    /* flushes of a range, page by page, on the hart itself */
	uint64_t deferred;     /* flushes a hart owed and paid before running on */
};

void tlb_stats_read(struct tlb_stats *sum);

#endif
