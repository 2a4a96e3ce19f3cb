/*
 * Fake physical RAM for host tests of the memory code: one buffer that
 * phys_to_virt() maps to physical addresses [FAKE_RAM_BASE, FAKE_RAM_END).
 */
#ifndef FAKE_RAM_H
#define FAKE_RAM_H

#include <sluice/types.h>

#define FAKE_RAM_BASE 0x80000000ull
#define FAKE_RAM_SIZE (64 * MiB)
#define FAKE_RAM_END  (FAKE_RAM_BASE + FAKE_RAM_SIZE)
/* The buffer's alignment: a max-order buddy block, so that virtual and
 * physical alignment agree for every block (and for kmalloc's pages). */
#define FAKE_RAM_ALIGN (4 * MiB)

/* Allocate the buffer (first call only) and point phys_to_virt at it. */
void fake_ram_setup(void);

/*
 * Reinitialise the page allocator with all of fake RAM as its span and hand
 * it [start, end).  The metadata is malloc'd (the previous one freed).
 * Returns the pages added.
 */
size_t fake_ram_page_alloc_init(paddr_t start, paddr_t end);

/* The same, over all of fake RAM. */
size_t fake_ram_reset(void);

#endif
