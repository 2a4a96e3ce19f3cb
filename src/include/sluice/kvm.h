/*
 * The kernel's address space: the upper half of Sv39, shared (PTE_G) by
 * every page table.  See <sluice/memlayout.h> for the map and
 * docs/memory-map.md for the story.
 */
#ifndef SLUICE_KVM_H
#define SLUICE_KVM_H

#include <sluice/dt.h>
#include <sluice/types.h>

/* The boot page table (src/boot/early.c) and the final one (kvm.c). */
extern uint64_t boot_root[];
extern paddr_t kvm_root_pa;
/* Physical address of the kernel image's first byte (_text). */
extern paddr_t kernel_image_pa;

/*
 * Find free RAM (/memory minus reserved regions, the tree, the kernel and any
 * initrd) and set up the page allocator over it.  Also maps all RAM in the
 * boot table so the allocator can reach it.  Returns 0 or a negative errno,
 * having printed why.
 */
int mm_init(const struct dt_platform *p, paddr_t image_pa, paddr_t dtb_pa);

/* Build the final kernel page table (W^X image, linear map of RAM) and switch to it. */
int kvm_init(const struct dt_platform *p);

/* Map device registers [pa, pa+size) uncached-by-PMA into the linear map
 * window; returns their kernel address, or NULL. */
void *ioremap(paddr_t pa, size_t size);

/* Switch this hart to the kernel's own table (ASID 0).  Its entries for
 * user address spaces stay in the TLB under their ASIDs: harmless. */
void kvm_activate_kernel(void);

/* Fill the kernel half (root entries 256-511) of a new process root table. */
void kvm_copy_kernel_half(uint64_t *root);

/* Physical address of a kernel-image address (for things the firmware reads). */
static inline paddr_t kvm_image_to_phys(const void *va)
{
	extern char _text[];
	return kernel_image_pa + (paddr_t)((const char *)va - _text);
}

/* Bytes of RAM the device tree describes (within the linear map). */
uint64_t mm_ram_bytes(void);

#endif
