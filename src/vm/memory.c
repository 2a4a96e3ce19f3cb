/*
 * Boot-time memory discovery: which physical RAM is free, and the page
 * allocator over it.  Nothing here touches the free RAM itself beyond the
 * allocator's bitmaps and one word per free block: boot cost does not grow
 * with every page of RAM.
 */
#include <sluice/errno.h>
#include <sluice/kvm.h>
#include <sluice/memlayout.h>
#include <sluice/memmap.h>
#include <sluice/mm.h>
#include <sluice/printk.h>
#include <sluice/riscv.h>
#include <sluice/vm.h>

extern char _text[], _end[];

static struct memmap ram;      /* all of /memory that the linear map can hold */
static struct memmap free_ram; /* what the page allocator gets */

uint64_t mm_ram_bytes(void)
{
	return memmap_bytes(&ram);
}

/* Map every gigabyte holding RAM into the boot table (1 GiB leaves), so the
 * allocator's bitmaps and free lists can be reached through the linear map. */
static void boot_map_ram(void)
{
	for (int i = 0; i < ram.n; i++) {
		for (paddr_t g = ALIGN_DOWN(ram.r[i].start, GiB); g < ram.r[i].end; g += GiB)
			boot_root[pt_index(LINEAR_MAP_BASE + g, 2)] =
				pa_to_pte(g) | PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G;
	}
	local_flush_tlb_all();
}

static int mm_find_free(const struct dt_platform *p, paddr_t image_pa, paddr_t dtb_pa)
{
	int err = 0;

	free_ram = ram;
	for (int i = 0; i < p->nreserved; i++)
		err |= memmap_remove(&free_ram, p->reserved[i].base,
				     p->reserved[i].base + p->reserved[i].size);
	err |= memmap_remove(&free_ram, dtb_pa, dtb_pa + p->totalsize);
	err |= memmap_remove(&free_ram, image_pa, image_pa + (paddr_t)(_end - _text));
	if (p->has_initrd)
		err |= memmap_remove(&free_ram, p->initrd_start, p->initrd_end);
	memmap_align(&free_ram, PAGE_SIZE);
	return err ? -E2BIG : 0;
}

/* Take the allocator's bitmaps from the first free range big enough. */
static paddr_t mm_take_meta(size_t bytes)
{
	size_t need = ALIGN_UP(bytes, PAGE_SIZE);

	for (int i = 0; i < free_ram.n; i++) {
		paddr_t s = free_ram.r[i].start;
		if (free_ram.r[i].end - s >= need) {
			memmap_remove(&free_ram, s, s + need);
			return s;
		}
	}
	return 0;
}

int mm_init(const struct dt_platform *p, paddr_t image_pa, paddr_t dtb_pa)
{
	for (int i = 0; i < p->nmem; i++) {
		paddr_t s = p->mem[i].base, e = s + p->mem[i].size;
		if (e > LINEAR_MAP_MAX_PA) {
			printk("mm: ignoring RAM above 0x%lx (beyond the linear map)\n",
			       (unsigned long)LINEAR_MAP_MAX_PA);
			e = LINEAR_MAP_MAX_PA;
		}
		if (memmap_add(&ram, s, e))
			return printk("mm: too many memory ranges\n"), -E2BIG;
	}
	if (ram.n == 0)
		return printk("mm: the device tree describes no memory\n"), -ENOMEM;
	boot_map_ram();
	if (mm_find_free(p, image_pa, dtb_pa))
		return printk("mm: too many holes in memory\n"), -E2BIG;

	paddr_t span_start = ALIGN_DOWN(ram.r[0].start, PAGE_SIZE);
	paddr_t span_end = ALIGN_UP(ram.r[ram.n - 1].end, PAGE_SIZE);
	size_t meta_size = page_alloc_meta_size(span_start, span_end);
	paddr_t meta = mm_take_meta(meta_size);
	if (!meta)
		return printk("mm: no room for %zu bytes of allocator bitmaps\n", meta_size),
		       -ENOMEM;
	int err = page_alloc_init(span_start, span_end, phys_to_virt(meta), meta_size);
	if (err)
		return printk("mm: page allocator: error %d\n", err), err;
	for (int i = 0; i < free_ram.n; i++)
		page_alloc_add_range(free_ram.r[i].start, free_ram.r[i].end);
	return 0;
}
