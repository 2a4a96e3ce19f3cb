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

#endif
