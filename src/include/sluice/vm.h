/*
 * Sv39 page tables (RISC-V privileged spec, "Sv39: Page-Based 39-bit
 * Virtual-Memory System").
 *
 * A virtual address has three 9-bit table indexes above a 12-bit page offset:
 *
 *   38      30 29      21 20      12 11         0
 *   | VPN[2]  | VPN[1]  | VPN[0]  |  offset    |
 *
 * Level 2 is the root.  Each table is one 4 KiB page of 512 eight-byte PTEs.
 * A PTE with any of R, W, X set is a leaf: at level 2 it maps a 1 GiB
 * gigapage, at level 1 a 2 MiB megapage, at level 0 a 4 KiB page.  A valid
 * PTE with R = W = X = 0 points at the next-level table.
 */
#ifndef SLUICE_VM_H
#define SLUICE_VM_H

#include <sluice/types.h>

typedef uint64_t pte_t;

#define PTE_V	      (1ull << 0) /* valid */
#define PTE_R	      (1ull << 1) /* readable */
#define PTE_W	      (1ull << 2) /* writable */
#define PTE_X	      (1ull << 3) /* executable */
#define PTE_U	      (1ull << 4) /* user mode may access */
#define PTE_G	      (1ull << 5) /* global: in every address space */
#define PTE_A	      (1ull << 6) /* accessed */
#define PTE_D	      (1ull << 7) /* dirty */
#define PTE_PPN_SHIFT 10
#define PTE_PPN_BITS  44 /* Sv39's PPN: bits 53..10 of a PTE (physical addresses of 56 bits) */
#define PTE_PPN_MASK  (((1ull << PTE_PPN_BITS) - 1) << PTE_PPN_SHIFT)
#define PTE_LEAF_MASK (PTE_R | PTE_W | PTE_X)

#define PT_LEVELS     3
#define PT_ENTRIES    512
#define PT_INDEX_BITS 9
/* Bytes that one entry at this level maps: 4 KiB, 2 MiB, 1 GiB. */
#define PT_LEVEL_SIZE(level) (1ull << (PAGE_SHIFT + PT_INDEX_BITS * (level)))
#define pt_index(va, level)  (((va) >> (PAGE_SHIFT + PT_INDEX_BITS * (level))) & (PT_ENTRIES - 1))

#define pte_to_pa(pte)	 ((((pte)&PTE_PPN_MASK) >> PTE_PPN_SHIFT) << PAGE_SHIFT)
#define pa_to_pte(pa)	 ((((paddr_t)(pa)) >> PAGE_SHIFT) << PTE_PPN_SHIFT)
#define pte_is_leaf(pte) (((pte)&PTE_LEAF_MASK) != 0)

/* Sv39 addresses: bits 63..39 must equal bit 38. */
#define VA_BITS 39
static inline bool va_is_canonical(vaddr_t va)
{
	int64_t s = (int64_t)(va << (64 - VA_BITS)) >> (64 - VA_BITS);
	return (vaddr_t)s == va;
}

/* vm_map_range flags */
#define VM_MAP_HUGE 1u /* may use 2 MiB / 1 GiB leaves where aligned */

/*
 * Map [va, va+size) to [pa, pa+size) in the table rooted at physical address
 * root, with permission bits perm (PTE_R/W/X/U/G/A/D; PTE_V is added).
 * va, pa and size must be page aligned, the range canonical and within one
 * half.  Missing tables are allocated zeroed.  A page already mapped is an
 * error: -EEXIST, and nothing this call mapped stays mapped.  -ENOMEM when
 * a table cannot be allocated; -EINVAL for bad arguments (also for a perm
 * with W but not R, which the spec reserves).
 */
int vm_map_range(paddr_t root, vaddr_t va, paddr_t pa, size_t size, uint64_t perm,
		 unsigned int flags);

/*
 * Remove any mappings in [va, va+size) (page aligned).  A huge leaf that the
 * range covers only in part is split first (-ENOMEM if that fails, with
 * nothing changed).  Tables left empty are not freed here.  Does not flush
 * the TLB: the caller does, after.
 */
int vm_unmap_range(paddr_t root, vaddr_t va, size_t size);

/*
 * The leaf PTE that maps va and its level (0, 1 or 2), or NULL if va is not
 * mapped.  With alloc, missing tables down to level 0 are created and a
 * pointer to the (invalid) level-0 slot returned (NULL only on -ENOMEM).
 */
pte_t *vm_walk(paddr_t root, vaddr_t va, bool alloc, int *level);

/* The physical address va maps to, and its PTE bits; -ENOENT if unmapped. */
int vm_translate(paddr_t root, vaddr_t va, paddr_t *pa, uint64_t *pte_bits);

/* Free every table page below root whose index range is in [va_lo, va_hi),
 * not the pages they map; the root itself is not freed. */
void vm_free_tables(paddr_t root, vaddr_t va_lo, vaddr_t va_hi);

#endif
