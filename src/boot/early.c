/*
 * The boot page table, built before the MMU is on.
 *
 * This code runs at the image's physical address, not the address it was
 * linked at.  It is safe because the kernel is compiled with
 * -mcmodel=medany: every address it takes is computed PC-relative (auipc),
 * so &boot_root is the table's physical address here.  It must not use
 * anything that holds a link-time address: no function pointers, no pointer
 * tables, no jump tables (the file is built with -fno-jump-tables).
 *
 * The table maps just enough to run C at the kernel's virtual address:
 *  - the image, KERNEL_VA_BASE.. -> its physical address, with 2 MiB pages
 *    (read, write, execute: the final table in kvm.c splits this up W^X);
 *  - the gigabyte(s) holding the image and the device tree in the linear
 *    map, so kmain can read the tree and find the rest of RAM.
 */
#include <sluice/boot.h>
#include <sluice/memlayout.h>
#include <sluice/riscv.h>
#include <sluice/vm.h>

extern char _text[], _end[];

/* Sv39 tables must be page aligned; these live in bss, zeroed by head.S. */
pte_t boot_root[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static pte_t boot_image_l1[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));

/* Kernel leaves are global and have A and D preset: some harts (the U74)
 * never set them and would fault on first use instead. */
#define BOOT_LEAF (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G)

__attribute__((section(".text.early"))) static void boot_map_linear_gib(paddr_t pa)
{
	paddr_t gib = ALIGN_DOWN(pa, GiB);

	if (gib >= LINEAR_MAP_MAX_PA)
		return;
	boot_root[pt_index(LINEAR_MAP_BASE + gib, 2)] = pa_to_pte(gib) | BOOT_LEAF;
}

__attribute__((section(".text.early"))) static uint32_t be32_early(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

__attribute__((section(".text.early"))) unsigned long boot_map_early(paddr_t dtb_pa)
{
	paddr_t image_pa = (paddr_t)(uintptr_t)_text; /* PC-relative: physical */
	size_t image_size = (size_t)(_end - _text);
	size_t off;

	/* 2 MiB leaves need a 2 MiB aligned physical address (booti and
	 * OpenSBI's fw_jump both load at RAM base + 2 MiB). */
	if (!IS_ALIGNED(image_pa, PT_LEVEL_SIZE(1)) || image_size > GiB)
		return 0;

	boot_root[pt_index(KERNEL_VA_BASE, 2)] =
		pa_to_pte((paddr_t)(uintptr_t)boot_image_l1) | PTE_V;
	for (off = 0; off < image_size; off += PT_LEVEL_SIZE(1))
		boot_image_l1[pt_index(KERNEL_VA_BASE + off, 1)] =
			pa_to_pte(image_pa + off) | BOOT_LEAF | PTE_X;

	boot_map_linear_gib(image_pa);
	if (dtb_pa) {
		/* The header's totalsize (big endian, offset 4) says how far the
		 * tree reaches; it may straddle a gigabyte boundary. */
		uint32_t size = be32_early((const uint8_t *)(uintptr_t)dtb_pa + 4);
		boot_map_linear_gib(dtb_pa);
		boot_map_linear_gib(dtb_pa + (size ? size - 1 : 0));
	}
	return SATP_MODE_SV39 | ((paddr_t)(uintptr_t)boot_root >> PAGE_SHIFT);
}
