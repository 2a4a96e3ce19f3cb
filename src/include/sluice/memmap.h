/*
 * Lists of physical address ranges, for working out at boot which RAM is
 * free: /memory minus the reserved regions, the device tree and the kernel.
 */
#ifndef SLUICE_MEMMAP_H
#define SLUICE_MEMMAP_H

#include <sluice/types.h>

#define MEMMAP_MAX 64

struct memmap {
	int n;
	struct {
		paddr_t start, end; /* [start, end) */
	} r[MEMMAP_MAX];
};

/* Add [start, end); ranges are kept sorted and merged.  -E2BIG if full. */
int memmap_add(struct memmap *m, paddr_t start, paddr_t end);

/* Remove [start, end) from every range (splitting one if needed).  -E2BIG if full. */
int memmap_remove(struct memmap *m, paddr_t start, paddr_t end);

/* Shrink every range inward to whole pages of size align; drop empty ones. */
void memmap_align(struct memmap *m, paddr_t align);

/* Total bytes in the map. */
uint64_t memmap_bytes(const struct memmap *m);

#endif
