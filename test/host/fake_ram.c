/* Fake physical RAM for host tests: see fake_ram.h. */
#include <stdlib.h>
#include <string.h>

#include <sluice/memlayout.h>
#include <sluice/mm.h>

#include "fake_ram.h"
#include "host_stubs.h"

static void *ram;
static void *meta;

void fake_ram_setup(void)
{
	if (ram)
		return;
	ram = aligned_alloc(FAKE_RAM_ALIGN, FAKE_RAM_SIZE);
	CHECK(ram != NULL);
	/* Garbage, as real RAM would hold: the code must not rely on zeroes. */
	memset(ram, 0xa5, FAKE_RAM_SIZE);
	host_phys_to_virt_offset = (uintptr_t)ram - FAKE_RAM_BASE;
}

size_t fake_ram_page_alloc_init(paddr_t start, paddr_t end)
{
	size_t size = page_alloc_meta_size(FAKE_RAM_BASE, FAKE_RAM_END);

	fake_ram_setup();
	free(meta);
	meta = malloc(size);
	CHECK(meta != NULL);
	CHECK_EQ(page_alloc_init(FAKE_RAM_BASE, FAKE_RAM_END, meta, size), 0);
	return page_alloc_add_range(start, end);
}

size_t fake_ram_reset(void)
{
	return fake_ram_page_alloc_init(FAKE_RAM_BASE, FAKE_RAM_END);
}
