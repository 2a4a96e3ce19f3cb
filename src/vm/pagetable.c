/*
 * Sv39 page tables (see <sluice/vm.h> for the format).
 *
 * vm_map_range and vm_unmap_range run the same recursive walk twice: a dry
 * run that changes nothing, finds conflicts and counts the table pages the
 * change will need, then, once those pages are allocated, the real run,
 * which cannot fail.  An error therefore leaves the tables exactly as they
 * were, table pages included: the rollback the interface promises is never
 * needed.  The dry run walks tables that do not exist yet as "virtual" ones
 * (struct tview).
 *
 * Non-leaf PTEs hold only V and the PPN.  The spec reserves D, A and U in a
 * non-leaf PTE; G there would mean "everything below is global", which we
 * never claim: global kernel mappings carry PTE_G in their own leaves.
 *
 * Nothing here takes a lock: the caller serialises changes to one tree (and
 * flushes the TLB after them).
 */
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/panic.h>
#include <sluice/string.h>
#include <sluice/vm.h>

/* The bits a caller may put in a leaf. */
#define PTE_PERM_MASK (PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_G | PTE_A | PTE_D)
/* Physical addresses the 44-bit PPN can hold. */
#define PA_LIMIT (1ull << (44 + PAGE_SHIFT))

/*
 * A table as the walk sees it: a real one, or (ptes == NULL, dry run only)
 * one the real run will create: all invalid if fill is 0, else the split of
 * a huge leaf, whose entry i maps fill's address plus i entries' worth.
 */
struct tview {
	pte_t *ptes;
	pte_t fill;
};

/* One map or unmap call: the two runs share it. */
struct pt_op {
	bool dry;	    /* the dry run: change nothing */
	size_t need;	    /* dry run: table pages the real run will take */
	void *pool;	    /* real run: those pages, linked by their first word */
	uint64_t perm;	    /* map: leaf bits, PTE_V included */
	unsigned int flags; /* map: VM_MAP_* */
};

static pte_t tv_get(const struct tview *t, unsigned int i, int level)
{
	if (t->ptes)
		return t->ptes[i];
	if (!t->fill)
		return 0;
	/* The huge leaf is aligned to its size: the sum cannot carry out of the PPN. */
	return t->fill + pa_to_pte((paddr_t)i * PT_LEVEL_SIZE(level));
}

static struct tview tv_real(paddr_t table)
{
	return (struct tview){.ptes = phys_to_virt(table), .fill = 0};
}

/* Bytes from va to the end of its level-sized entry, capped at size. */
static size_t chunk(vaddr_t va, size_t size, int level)
{
	size_t left = PT_LEVEL_SIZE(level) - (va & (PT_LEVEL_SIZE(level) - 1));

	return MIN(left, size);
}

/* --- the page pool --- */

static void pool_drain(struct pt_op *op)
{
	while (op->pool) {
		void *page = op->pool;

		op->pool = *(void **)page;
		page_free(virt_to_phys(page), 0);
	}
}

/* Allocate the op->need zeroed pages the dry run asked for, or none. */
static int pool_fill(struct pt_op *op)
{
	for (size_t i = 0; i < op->need; i++) {
		void *page = page_alloc_zeroed_kva();

		if (!page) {
			pool_drain(op);
			return -ENOMEM;
		}
		*(void **)page = op->pool;
		op->pool = page;
	}
	return 0;
}

static pte_t *pool_take(struct pt_op *op)
{
	void *page = op->pool;

	/* The dry run counted every page the real run takes. */
	BUG_ON(!page);
	op->pool = *(void **)page;
	*(void **)page = NULL; /* zeroed again: every entry invalid */
	return page;
}

/*
 * Entry i of t (a level-"level" table) must point at a table: return it.
 * old is the entry: a table already there, nothing (make an empty table),
 * or a huge leaf (split it into a table of the next size down, same bits).
 */
static struct tview descend(struct pt_op *op, struct tview *t, unsigned int i, int level, pte_t old)
{
	struct tview next = {.ptes = NULL, .fill = 0};

	if ((old & PTE_V) && !pte_is_leaf(old))
		return tv_real(pte_to_pa(old));
	if (op->dry) {
		op->need++;
		next.fill = (old & PTE_V) ? old : 0;
		return next;
	}
	next.ptes = pool_take(op);
	if (old & PTE_V) {
		for (unsigned int j = 0; j < PT_ENTRIES; j++)
			next.ptes[j] = old + pa_to_pte((paddr_t)j * PT_LEVEL_SIZE(level - 1));
	}
	/* Filled (or zeroed) before it is linked in: no walker sees it half done. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	t->ptes[i] = pa_to_pte(virt_to_phys(next.ptes)) | PTE_V;
	return next;
}

/* --- map --- */

/* Can [va, va+n) -> pa be one leaf at this level? */
static bool leaf_fits(const struct pt_op *op, int level, vaddr_t va, paddr_t pa, size_t n)
{
	if (level == 0)
		return true;
	if (!(op->flags & VM_MAP_HUGE))
		return false;
	return n == PT_LEVEL_SIZE(level) && IS_ALIGNED(va | pa, PT_LEVEL_SIZE(level));
}

/* Map [va, va+size) -> pa into t, a level-"level" table. */
static int map_level(struct pt_op *op, struct tview t, int level, vaddr_t va, paddr_t pa,
		     size_t size)
{
	while (size) {
		size_t n = chunk(va, size, level);
		unsigned int i = pt_index(va, level);
		pte_t old = tv_get(&t, i, level);
		int err;

		/* Any valid leaf in the way is a conflict, whatever its size. */
		if ((old & PTE_V) && (pte_is_leaf(old) || level == 0))
			return -EEXIST;
		if (!(old & PTE_V) && leaf_fits(op, level, va, pa, n)) {
			if (!op->dry)
				t.ptes[i] = pa_to_pte(pa) | op->perm;
		} else {
			/* A table already here takes smaller leaves rather than fail. */
			err = map_level(op, descend(op, &t, i, level, old), level - 1, va, pa, n);
			if (err)
				return err;
		}
		va += n;
		pa += n;
		size -= n;
	}
	return 0;
}

/* Page aligned, size > 0, canonical, not wrapping, within one half? */
static bool range_ok(paddr_t root, vaddr_t va, size_t size)
{
	vaddr_t last = va + size - 1;

	if (!IS_ALIGNED(root | va | size, PAGE_SIZE) || size == 0 || last < va)
		return false;
	/* Two canonical ends with the same top bit: everything between is too. */
	return va_is_canonical(va) && va_is_canonical(last) && !((va ^ last) >> 63);
}

static bool map_args_ok(paddr_t pa, size_t size, uint64_t perm, unsigned int flags)
{
	if (!IS_ALIGNED(pa, PAGE_SIZE) || pa >= PA_LIMIT || size > PA_LIMIT - pa)
		return false;
	if ((perm & ~PTE_PERM_MASK) || (flags & ~VM_MAP_HUGE))
		return false;
	/* No R, W or X would make a pointer to a table; W without R is reserved. */
	return (perm & PTE_LEAF_MASK) && !((perm & PTE_W) && !(perm & PTE_R));
}

int vm_map_range(paddr_t root, vaddr_t va, paddr_t pa, size_t size, uint64_t perm,
		 unsigned int flags)
{
	struct pt_op op = {.dry = true, .perm = perm | PTE_V, .flags = flags};
	int err;

	if (size == 0 && IS_ALIGNED(root | va | pa, PAGE_SIZE))
		return 0;
	if (!range_ok(root, va, size) || !map_args_ok(pa, size, perm, flags))
		return -EINVAL;
	err = map_level(&op, tv_real(root), PT_LEVELS - 1, va, pa, size);
	if (err)
		return err;
	err = pool_fill(&op);
	if (err)
		return err;
	op.dry = false;
	err = map_level(&op, tv_real(root), PT_LEVELS - 1, va, pa, size);
	BUG_ON(err || op.pool);
	return 0;
}

/* --- unmap --- */

/* Unmap [va, va+size) from t, a level-"level" table; empty tables stay. */
static void unmap_level(struct pt_op *op, struct tview t, int level, vaddr_t va, size_t size)
{
	while (size) {
		size_t n = chunk(va, size, level);
		unsigned int i = pt_index(va, level);
		pte_t old = tv_get(&t, i, level);

		/* A leaf the range covers whole just goes (at level 0, every leaf). */
		if ((old & PTE_V) && pte_is_leaf(old) && n == PT_LEVEL_SIZE(level)) {
			if (!op->dry)
				t.ptes[i] = 0;
		} else if ((old & PTE_V) && level > 0) {
			/* Part of a huge leaf: split it, then unmap part of the pieces. */
			unmap_level(op, descend(op, &t, i, level, old), level - 1, va, n);
		}
		va += n;
		size -= n;
	}
}

int vm_unmap_range(paddr_t root, vaddr_t va, size_t size)
{
	struct pt_op op = {.dry = true};
	int err;

	if (size == 0 && IS_ALIGNED(root | va, PAGE_SIZE))
		return 0;
	if (!range_ok(root, va, size))
		return -EINVAL;
	unmap_level(&op, tv_real(root), PT_LEVELS - 1, va, size);
	err = pool_fill(&op);
	if (err)
		return err;
	op.dry = false;
	unmap_level(&op, tv_real(root), PT_LEVELS - 1, va, size);
	BUG_ON(op.pool);
	return 0;
}

/* --- walk and translate --- */

/*
 * xv6's walk(): the leaf PTE for va, descending from the root.  A huge leaf
 * on the way is the answer, with its level.  Without alloc, an invalid entry
 * means unmapped.  With alloc, missing tables are created zeroed (left in
 * place if a later one cannot be: they map nothing) and the level-0 slot
 * returned, valid or not.
 */
pte_t *vm_walk(paddr_t root, vaddr_t va, bool alloc, int *level)
{
	pte_t *table = phys_to_virt(root);
	pte_t *pte;

	if (!va_is_canonical(va) || !IS_ALIGNED(root, PAGE_SIZE))
		return NULL;
	for (int l = PT_LEVELS - 1; l > 0; l--) {
		pte = &table[pt_index(va, l)];
		if ((*pte & PTE_V) && pte_is_leaf(*pte)) {
			if (level)
				*level = l;
			return pte;
		}
		if (*pte & PTE_V) {
			table = phys_to_virt(pte_to_pa(*pte));
			continue;
		}
		if (!alloc)
			return NULL;
		table = page_alloc_zeroed_kva();
		if (!table)
			return NULL;
		__atomic_thread_fence(__ATOMIC_RELEASE); /* zeroes before the link */
		*pte = pa_to_pte(virt_to_phys(table)) | PTE_V;
	}
	pte = &table[pt_index(va, 0)];
	/* At level 0, valid without R/W/X is a reserved encoding: not a mapping. */
	if (!alloc && (!(*pte & PTE_V) || !pte_is_leaf(*pte)))
		return NULL;
	if (level)
		*level = 0;
	return pte;
}

int vm_translate(paddr_t root, vaddr_t va, paddr_t *pa, uint64_t *pte_bits)
{
	int level;
	pte_t *pte = vm_walk(root, va, false, &level);

	if (!pte)
		return -ENOENT;
	/* A huge leaf maps va's low bits straight through. */
	if (pa)
		*pa = pte_to_pa(*pte) + (va & (PT_LEVEL_SIZE(level) - 1));
	if (pte_bits)
		*pte_bits = *pte & ~PTE_PPN_MASK;
	return 0;
}

/* --- freeing tables --- */

/* Sign-extend bit 38: the virtual address of a root entry's region. */
static vaddr_t va_extend(vaddr_t va)
{
	return (vaddr_t)((int64_t)(va << (64 - VA_BITS)) >> (64 - VA_BITS));
}

/*
 * Free the tables under t (level "level", mapping from base) whose whole
 * region is in [lo, last]; recurse into the ones that only overlap it.
 */
static void free_level(pte_t *t, int level, vaddr_t base, vaddr_t lo, vaddr_t last)
{
	const pte_t *p = t, *past = t + PT_ENTRIES;

	for (;; p++) {
		/* Most entries are empty: pass over them in a tight loop, four
		 * at a time while all four are 0 (every exit comes here, so
		 * this loop is on the fork+exit path). */
		while (past - p >= 4 && !(p[0] | p[1] | p[2] | p[3]))
			p += 4;
		while (p < past && (*p & (PTE_V | PTE_LEAF_MASK)) != PTE_V)
			p++;
		if (p == past)
			break;
		size_t i = (size_t)(p - t);
		vaddr_t start = va_extend(base + i * PT_LEVEL_SIZE(level));
		vaddr_t end = start + PT_LEVEL_SIZE(level) - 1;
		paddr_t child = pte_to_pa(t[i]);

		if (start > last)
			break; /* entries map rising addresses (as unsigned): no more */
		if (end < lo)
			continue;
		/* A level-1 entry's table holds only leaves: nothing below to free. */
		if (level > 1)
			free_level(phys_to_virt(child), level - 1, start, lo, last);
		if (start >= lo && end <= last) {
			t[i] = 0;
			page_free(child, 0);
		}
	}
}

/* va_hi == 0 stands for the top of the address space (2^64). */
void vm_free_tables(paddr_t root, vaddr_t va_lo, vaddr_t va_hi)
{
	if (va_hi != 0 && va_hi <= va_lo)
		return;
	free_level(phys_to_virt(root), PT_LEVELS - 1, 0, va_lo, va_hi - 1);
}
