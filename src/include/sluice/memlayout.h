/*
 * The kernel's virtual memory map (Sv39).  See docs/memory-map.md.
 *
 * Sv39 virtual addresses are 39 bits, sign-extended to 64: the lower half
 * 0x0000000000000000-0x0000003fffffffff belongs to user processes, the upper
 * half 0xffffffc000000000-0xffffffffffffffff to the kernel.  Every process's
 * root table shares the kernel's upper-half entries, marked global (PTE_G).
 *
 *   0xffffffc000000000  linear map: physical address pa is at pa + LINEAR_MAP_BASE.
 *                       All RAM from /memory, and device registers (ioremap).
 *   0xffffffff80000000  the kernel image (text, rodata, data, bss), wherever
 *                       the boot loader put it in physical memory.
 */
#ifndef SLUICE_MEMLAYOUT_H
#define SLUICE_MEMLAYOUT_H

#include <sluice/types.h>

#define KERNEL_VA_BASE 0xffffffff80000000ull
#define LINEAR_MAP_BASE 0xffffffc000000000ull
/* The linear map ends where the kernel image's gigabyte begins. */
#define LINEAR_MAP_END KERNEL_VA_BASE
#define LINEAR_MAP_MAX_PA (LINEAR_MAP_END - LINEAR_MAP_BASE)

#ifdef SLUICE_HOST
/* Host unit tests: "physical memory" is a buffer; see test/host. */
extern uintptr_t host_phys_to_virt_offset;
static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + host_phys_to_virt_offset);
}
static inline paddr_t virt_to_phys(const void *va)
{
	return (paddr_t)(uintptr_t)va - host_phys_to_virt_offset;
}
#else
/* Only for addresses in the linear map (RAM and ioremapped registers). */
static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + LINEAR_MAP_BASE);
}
static inline paddr_t virt_to_phys(const void *va)
{
	return (paddr_t)(uintptr_t)va - LINEAR_MAP_BASE;
}
#endif

#endif
