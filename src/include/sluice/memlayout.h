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
 *                       128 GiB of physical address space.
 *   0xffffffe000000000  kernel stacks: one slot of KSTACK_SLOT bytes each, the
 *                       stack at the top and unmapped guard pages below it.
 *   0xffffffff80000000  the kernel image (text, rodata, data, bss), wherever
 *                       the boot loader put it in physical memory.
 *
 * User space is 0x0000000000000000-0x0000003fffffffff (USER_VA_END).
 */
#ifndef SLUICE_MEMLAYOUT_H
#define SLUICE_MEMLAYOUT_H

#include <sluice/types.h>

#define KERNEL_VA_BASE	  0xffffffff80000000ull
#define LINEAR_MAP_BASE	  0xffffffc000000000ull
#define LINEAR_MAP_END	  0xffffffe000000000ull
#define LINEAR_MAP_MAX_PA (LINEAR_MAP_END - LINEAR_MAP_BASE)

#define KSTACK_AREA_BASE LINEAR_MAP_END
#define KSTACK_SIZE	 (16 * 1024ull) /* mapped, at the top of each slot */
#define KSTACK_SLOT	 (32 * 1024ull) /* the rest of the slot stays unmapped: guard */
#define KSTACK_SLOTS	 8192		/* 256 MiB of address space: one root entry */

#define USER_VA_END 0x0000004000000000ull

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
