/*
 * The final kernel page table.  Built once at boot from the device tree and
 * the link map, then shared (as global, PTE_G, mappings) by every process's
 * table:
 *   - the image with W^X: text R+X, rodata R, data and bss R+W, and the boot
 *     stack's guard page left unmapped;
 *   - the linear map of all RAM, R+W, never X; /reserved-memory "no-map"
 *     regions stay unmapped, and the kernel image's own RAM is read-only
 *     there so text cannot be written through its alias;
 *   - device registers, mapped on demand by ioremap().
 * Kernel leaves have A and D preset: some harts (the U74) do not set them in
 * hardware and would take a page fault instead.
 */
#include <sluice/errno.h>
#include <sluice/kvm.h>
#include <sluice/memlayout.h>
#include <sluice/memmap.h>
#include <sluice/mm.h>
#include <sluice/printk.h>
#include <sluice/riscv.h>
#include <sluice/spinlock.h>
#include <sluice/vm.h>

extern char _text[], _etext[], _rodata[], _erodata[], _data[], __bss_end[];
extern char boot_stack_lo[], _end[];

#define KERNEL_RO (PTE_R | PTE_G | PTE_A)
#define KERNEL_RW (PTE_R | PTE_W | PTE_G | PTE_A | PTE_D)
#define KERNEL_RX (PTE_R | PTE_X | PTE_G | PTE_A)

paddr_t kvm_root_pa;
paddr_t kernel_image_pa;
static struct spinlock kvm_lock = SPINLOCK_INIT;

static int kvm_map_image_part(const char *start, const char *end, uint64_t perm)
{
	vaddr_t va = (vaddr_t)start;
	size_t size = ALIGN_UP((vaddr_t)end, PAGE_SIZE) - va;

	return vm_map_range(kvm_root_pa, va, kvm_image_to_phys(start), size, perm, 0);
}

static int kvm_map_image(void)
{
	int err = kvm_map_image_part(_text, _etext, KERNEL_RX);
	if (!err)
		err = kvm_map_image_part(_rodata, _erodata, KERNEL_RO);
	if (!err)
		err = kvm_map_image_part(_data, __bss_end, KERNEL_RW);
	/* The page between __bss_end and boot_stack_lo is the guard: unmapped. */
	if (!err)
		err = kvm_map_image_part(boot_stack_lo, _end, KERNEL_RW);
	return err;
}

static int kvm_map_linear(const struct dt_platform *p)
{
	struct memmap rw = {0};
	paddr_t img_s = kernel_image_pa, img_e = kernel_image_pa + (paddr_t)(_end - _text);
	int err = 0;

	for (int i = 0; i < p->nmem; i++)
		err |= memmap_add(&rw, p->mem[i].base,
				  MIN(p->mem[i].base + p->mem[i].size, LINEAR_MAP_MAX_PA));
	for (int i = 0; i < p->nreserved; i++)
		if (p->reserved[i].no_map)
			err |= memmap_remove(
				&rw, ALIGN_DOWN(p->reserved[i].base, PAGE_SIZE),
				ALIGN_UP(p->reserved[i].base + p->reserved[i].size, PAGE_SIZE));
	err |= memmap_remove(&rw, img_s, img_e);
	if (err)
		return -E2BIG;
	memmap_align(&rw, PAGE_SIZE);
	for (int i = 0; i < rw.n && !err; i++)
		err = vm_map_range(kvm_root_pa, LINEAR_MAP_BASE + rw.r[i].start, rw.r[i].start,
				   rw.r[i].end - rw.r[i].start, KERNEL_RW, VM_MAP_HUGE);
	if (!err)
		err = vm_map_range(kvm_root_pa, LINEAR_MAP_BASE + img_s, img_s, img_e - img_s,
				   KERNEL_RO, VM_MAP_HUGE);
	return err;
}

/*
 * Every process's root table copies the kernel half of this one (entries
 * 256-511) when it is made, so those root entries must never change after
 * boot.  Give every root slot the kernel may later map into (kernel stacks,
 * device registers in the low 4 GiB of physical space) its level-1 table now;
 * later mappings then only change lower levels, which all tables share.
 */
static int kvm_prealloc_root(vaddr_t lo, vaddr_t hi)
{
	pte_t *root = phys_to_virt(kvm_root_pa);

	for (vaddr_t va = lo; va < hi && va >= lo; va += PT_LEVEL_SIZE(2)) {
		pte_t *e = &root[pt_index(va, 2)];
		if (*e & PTE_V)
			continue;
		void *table = page_alloc_zeroed_kva();
		if (!table)
			return -ENOMEM;
		*e = pa_to_pte(virt_to_phys(table)) | PTE_V;
	}
	return 0;
}

int kvm_init(const struct dt_platform *p)
{
	void *root = page_alloc_zeroed_kva();
	int err;

	if (!root)
		return -ENOMEM;
	kvm_root_pa = virt_to_phys(root);
	err = kvm_map_image();
	if (!err)
		err = kvm_map_linear(p);
	if (!err)
		err = kvm_prealloc_root(KSTACK_AREA_BASE,
					KSTACK_AREA_BASE + KSTACK_SLOTS * KSTACK_SLOT);
	if (!err)
		err = kvm_prealloc_root(LINEAR_MAP_BASE, LINEAR_MAP_BASE + 4 * GiB);
	if (err) {
		printk("kvm: cannot build the kernel page table: error %d\n", err);
		return err;
	}
	/* No ASID: kernel mappings are global, so one table serves all. */
	csr_write(CSR_SATP, SATP_MODE_SV39 | (kvm_root_pa >> PAGE_SHIFT));
	local_flush_tlb_all();
	return 0;
}

void kvm_copy_kernel_half(pte_t *root)
{
	const pte_t *kroot = phys_to_virt(kvm_root_pa);

	for (unsigned int i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		root[i] = kroot[i];
}

void *ioremap(paddr_t pa, size_t size)
{
	paddr_t start = ALIGN_DOWN(pa, PAGE_SIZE);
	paddr_t end = ALIGN_UP(pa + size, PAGE_SIZE);
	unsigned long flags;
	int err = 0;

	if (end > LINEAR_MAP_MAX_PA || end <= start)
		return NULL;
	flags = spin_lock_irqsave(&kvm_lock);
	/* Large register blocks (a PLIC spans 64 MiB) in one go, with 2 MiB
	 * pages where aligned; if part is mapped already, page by page: two
	 * devices may share a page, mapped once. */
	if (vm_map_range(kvm_root_pa, LINEAR_MAP_BASE + start, start, end - start, KERNEL_RW,
			 VM_MAP_HUGE) == 0)
		end = start;
	for (paddr_t a = start; a < end && !err; a += PAGE_SIZE) {
		paddr_t cur;
		uint64_t bits;
		if (vm_translate(kvm_root_pa, LINEAR_MAP_BASE + a, &cur, &bits) == 0)
			continue;
		err = vm_map_range(kvm_root_pa, LINEAR_MAP_BASE + a, a, PAGE_SIZE, KERNEL_RW, 0);
	}
	/* A page that was invalid may sit in the TLB as such: flush. */
	local_flush_tlb_all();
	spin_unlock_irqrestore(&kvm_lock, flags);
	return err ? NULL : phys_to_virt(pa);
}

void kvm_activate_kernel(void)
{
	csr_write(CSR_SATP, SATP_MODE_SV39 | (kvm_root_pa >> PAGE_SHIFT));
}
