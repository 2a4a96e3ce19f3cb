/*
 * User address spaces: see <sluice/uvm.h> and docs/user-memory.md.
 *
 * Regions (struct vma) say what may be mapped; the page table says what is.
 * Pages appear on first touch (uvm_fault): a zeroed page for a region
 * without one (a read of private anonymous memory maps the one shared zero
 * page, read-only, until the first write), or a private copy of a page
 * that fork shared.  A user leaf PTE always has U and A set, and D when it
 * is writable, because some harts (the U74) fault instead of setting A and
 * D themselves.
 */
#include <sluice/asid.h>
#include <sluice/errno.h>
#include <sluice/hart.h>
#include <sluice/kvm.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/objcount.h>
#include <sluice/panic.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/string.h>
#include <sluice/testhooks.h>
#include <sluice/timer.h>
#include <sluice/tlb.h>
#include <sluice/uvm.h>
#include <sluice/vfs.h>
#include <sluice/vm.h>

static struct asid_allocator asids;

/*
 * The shared zero page, as Linux's ZERO_PAGE: what a read of private
 * anonymous memory nobody has written maps, read-only, in every address
 * space at once, so reading a large untouched mapping (or writing it to a
 * file) takes no memory.  Pinned (page_pin): mappings do not count it, no
 * unmap frees it, and page_shared says true, so mprotect never makes it
 * writable and the first write takes a page of its own (cow_page).  Not
 * counted as resident, as on Linux.
 */
static paddr_t zero_page;

int uvm_zero_page_init(void)
{
	void *page = page_alloc_zeroed_kva();

	if (!page)
		return -ENOMEM;
	zero_page = virt_to_phys(page);
	page_pin(zero_page);
	return 0;
}

/* mm's ASID for sfence.vma: -1 (every address space) when it has none. */
static long mm_flush_asid(const struct mm *mm)
{
	return mm->tlb.asid ? (long)mm->tlb.asid : -1;
}

/*
 * mm's translations in [va, va+size) were removed or weakened: the page
 * table already says so.  This hart flushes now; a hart that has mm in
 * satp right now is flushed now through SBI; a hart that only ran mm
 * before is marked stale and flushes mm's ASID before it next runs mm
 * (uvm_activate), which is before it could use the old translation again.
 * While one task uses mm, only the hart running it changes its page table,
 * so no other hart has it in satp and nothing goes through SBI; threads on
 * other harts are flushed at once (and pages go back only after: see
 * struct uvm_gather).
 */
static void uvm_tlb_flush(struct mm *mm, vaddr_t va, size_t size)
{
	unsigned long sie = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE) & SSTATUS_SIE;
	unsigned long now = tlb_track_changed(&mm->tlb, 1ul << this_hart_id());

	tlb_flush_local(va, size, mm_flush_asid(mm));
	if (now)
		tlb_flush_remote(now, va, size, mm_flush_asid(mm));
	if (sie)
		local_irq_enable();
}

static uint64_t prot_to_pte(uint32_t prot)
{
	/* LAB boards: begin (docs/labs/boards.md, task 1: A and D, which the U74 never sets) */
	uint64_t bits = PTE_U | PTE_A;
	/* LAB boards: stub
	uint64_t bits = PTE_U;
	   LAB boards: end */

	if (prot & PROT_READ)
		bits |= PTE_R;
	if (prot & PROT_WRITE) {
		/* LAB boards: begin (docs/labs/boards.md, task 1: A and D, which the U74 never sets) */
		bits |= PTE_R | PTE_W | PTE_D; /* W without R is reserved */

		/* LAB boards: stub
		bits |= PTE_R | PTE_W;
		   LAB boards: end */
	}
	if (prot & PROT_EXEC)
		bits |= PTE_X;
	return bits;
}

/* Regions are counted for /proc/sluice-objects: made and freed only here. */
static struct vma *vma_alloc(void)
{
	struct vma *v = kmalloc(sizeof(*v));

	if (v)
		objcount_add(OBJ_VMA, 1);
	return v;
}

/* A region goes; its file (if any) is put now: call without mm->lock. */
static void vma_free(struct vma *v)
{
	file_put(v->file);
	objcount_add(OBJ_VMA, -1);
	kfree(v);
}

/* Under mm->lock: a region goes, its file's put waits for uvm_reap (the
 * last put of a file may sleep: ext2 frees an unlinked file's blocks). */
static void vma_free_locked(struct mm *mm, struct vma *v)
{
	if (!v->file) {
		vma_free(v);
		return;
	}
	v->next = mm->dead;
	mm->dead = v;
}

void uvm_reap(struct mm *mm)
{
	unsigned long flags = spin_lock_irqsave(&mm->lock);
	struct vma *dead = mm->dead;

	mm->dead = NULL;
	spin_unlock_irqrestore(&mm->lock, flags);
	while (dead) {
		struct vma *v = dead;
		dead = v->next;
		vma_free(v);
	}
}

static bool range_ok(vaddr_t start, size_t len)
{
	return IS_ALIGNED(start, PAGE_SIZE) && len && start + len > start &&
	       start + len <= USER_VA_END;
}

struct mm *uvm_create(void)
{
	struct mm *mm = kzalloc(sizeof(*mm));
	pte_t *root;

	if (!mm)
		return NULL;
	root = page_alloc_zeroed_kva();
	if (!root) {
		kfree(mm);
		return NULL;
	}
	kvm_copy_kernel_half(root);
	objcount_add(OBJ_MM, 1);
	mm->root = virt_to_phys(root);
	mm->lock = (struct spinlock)SPINLOCK_INIT;
	mm->users = 1;
	return mm;
}

/* Call fn on every present leaf PTE mapping an address in [lo, hi). */
typedef void (*leaf_fn)(pte_t *pte, vaddr_t va, void *arg);

/* The first valid entry in [p, past), or past: four at a time while all
 * four are empty (most are: fork, exit and munmap walk whole tables). */
static pte_t *next_valid(pte_t *p, pte_t *past)
{
	while (past - p >= 4 && !((p[0] | p[1] | p[2] | p[3]) & PTE_V))
		p += 4;
	while (p < past && !(*p & PTE_V))
		p++;
	return p;
}

static void walk_leaves(paddr_t table, int level, vaddr_t base, vaddr_t lo, vaddr_t hi, leaf_fn fn,
			void *arg)
{
	pte_t *t = phys_to_virt(table);
	vaddr_t span = PT_LEVEL_SIZE(level);
	unsigned int i = lo > base ? pt_index(lo, level) : 0, end;

	if (hi <= base)
		return;
	/* The entries from lo's to the last that maps something below hi,
	 * passed over in a tight loop while empty: most are (a stack's
	 * table, say), and fork and exit walk every region. */
	end = hi - base >= PT_ENTRIES * span ? PT_ENTRIES
					     : (unsigned int)((hi - base + span - 1) / span);
	for (pte_t *p = t + i, *past = t + end; (p = next_valid(p, past)) != past; p++) {
		vaddr_t va = base + (vaddr_t)(p - t) * span;
		if (pte_is_leaf(*p))
			fn(p, va, arg);
		else if (level > 0)
			walk_leaves(pte_to_pa(*p), level - 1, va, lo, hi, fn, arg);
	}
}

/*
 * Pages taken out of a live address space, freed only after the TLB
 * shootdown: another thread of the space may be running on another hart
 * with the old translation cached, and until every such hart has flushed
 * it could still read or write the page, which must not be somebody
 * else's by then.  A full batch is flushed and freed early.
 */
#define GATHER_MAX 32

struct uvm_gather {
	struct mm *mm; /* NULL: the space is dead (uvm_destroy), free at once */
	vaddr_t lo, hi;
	size_t leaves; /* pages taken out: uvm_destroy's resident count */
	unsigned int n;
	paddr_t pa[GATHER_MAX];
};

/* Shoot down [g->lo, g->hi) of g->mm, then free the gathered pages. */
static void gather_flush(struct uvm_gather *g)
{
	if (g->mm && g->hi > g->lo)
		uvm_tlb_flush(g->mm, g->lo, g->hi - g->lo);
	for (unsigned int i = 0; i < g->n; i++)
		page_free(g->pa[i], 0);
	g->n = 0;
}

/* Drop this address space's hold on a page; free it if it was the last
 * (after the shootdown, when the space is live: arg is a uvm_gather). */
static void put_leaf(pte_t *pte, vaddr_t va, void *arg)
{
	struct uvm_gather *g = arg;
	paddr_t pa = pte_to_pa(*pte);

	*pte = 0;
	if (g && pa != zero_page)
		g->leaves++;
	if (!page_unshare(pa))
		return;
	if (!g || !g->mm) {
		page_free(pa, 0);
		return;
	}
	if (g->n == GATHER_MAX)
		gather_flush(g);
	g->pa[g->n++] = pa;
}

size_t uvm_destroy(struct mm *mm)
{
	struct uvm_gather dead; /* (no mm: frees at once; counts) */

	dead.mm = NULL;
	dead.leaves = 0;

	/* Every user page lies in some region: walk only the regions. */
	for (struct vma *v = mm->vmas; v; v = v->next)
		walk_leaves(mm->root, 2, 0, v->start, v->end, put_leaf, &dead);
	/* The leaves are gone; the user half's tables go by the one table
	 * freer (host-tested), the kernel half is shared and stays. */
	vm_free_tables(mm->root, 0, USER_VA_END);
	page_free(mm->root, 0);
	uvm_reap(mm);
	while (mm->vmas) {
		struct vma *v = mm->vmas;
		mm->vmas = v->next;
		vma_free(v);
	}
	objcount_add(OBJ_MM, -1);
	kfree(mm);
	return dead.leaves;
}

struct mm *uvm_get(struct mm *mm)
{
	__atomic_fetch_add(&mm->users, 1, __ATOMIC_RELAXED);
	return mm;
}

size_t uvm_put(struct mm *mm)
{
	if (__atomic_sub_fetch(&mm->users, 1, __ATOMIC_ACQ_REL) == 0)
		return uvm_destroy(mm);
	return 0;
}

static struct vma *vma_find(struct mm *mm, vaddr_t addr)
{
	for (struct vma *v = mm->vmas; v && v->start <= addr; v = v->next)
		if (addr < v->end)
			return v;
	return NULL;
}

int uvm_add_region(struct mm *mm, vaddr_t start, size_t len, uint32_t prot, uint32_t flags)
{
	return uvm_add_file_region(mm, start, len, prot, flags, NULL, 0);
}

int uvm_add_file_region(struct mm *mm, vaddr_t start, size_t len, uint32_t prot, uint32_t flags,
			struct file *file, uint64_t pgoff)
{
	struct vma **pp = &mm->vmas, *v;
	vaddr_t end = start + len;

	if (!range_ok(start, len) || start < USER_LOWEST)
		return -EINVAL;
	while (*pp && (*pp)->end <= start)
		pp = &(*pp)->next;
	if (*pp && (*pp)->start < end)
		return -EEXIST;
	v = vma_alloc();
	if (!v)
		return -ENOMEM;
	*v = (struct vma){.start = start,
			  .end = end,
			  .prot = prot,
			  .flags = flags,
			  .file = file ? file_get(file) : NULL,
			  .pgoff = pgoff,
			  .next = *pp};
	*pp = v; /* the caller holds mm->lock, which uvm_regions reads the list under */
	return 0;
}

/* Make a region boundary at addr, splitting the region that spans it. */
static int vma_split_at(struct mm *mm, vaddr_t addr)
{
	struct vma *v = vma_find(mm, addr), *tail;

	if (!v || v->start == addr)
		return 0;
	tail = vma_alloc();
	if (!tail)
		return -ENOMEM;
	*tail = *v; /* under the caller's mm->lock, as uvm_regions reads it */
	tail->start = addr;
	if (tail->file) { /* the tail maps the file from a later page */
		file_get(tail->file);
		tail->pgoff += (addr - v->start) / PAGE_SIZE;
	}
	v->end = addr;
	v->next = tail;
	return 0;
}

int uvm_unmap(struct mm *mm, vaddr_t start, size_t len)
{
	vaddr_t end = start + ALIGN_UP(len, PAGE_SIZE);
	int err;

	if (!range_ok(start, ALIGN_UP(len, PAGE_SIZE)))
		return -EINVAL;
	err = vma_split_at(mm, start);
	if (!err)
		err = vma_split_at(mm, end);
	if (err)
		return err;
	/* The caller holds mm->lock, which uvm_regions reads the list under. */
	for (struct vma **pp = &mm->vmas; *pp;) {
		struct vma *v = *pp;
		if (v->start >= start && v->end <= end) {
			*pp = v->next;
			vma_free_locked(mm, v);
		} else {
			pp = &v->next;
		}
	}
	struct uvm_gather g = {.mm = mm, .lo = start, .hi = end};
	walk_leaves(mm->root, 2, 0, start, end, put_leaf, &g);
	gather_flush(&g);
	return 0;
}

struct protect_arg {
	uint32_t prot;
	bool shared;	     /* the region is MAP_SHARED */
	struct uvm_gather g; /* pages PROT_NONE drops */
};

/* New permissions for a present page; in a private region a page with
 * another owner (fork's, or a file's page) stays read-only (the write
 * fault will copy it); in a shared one, the page itself is written. */
static void protect_leaf(pte_t *pte, vaddr_t va, void *arg)
{
	struct protect_arg *a = arg;
	uint64_t bits = prot_to_pte(a->prot);

	if (!(a->prot & (PROT_READ | PROT_WRITE | PROT_EXEC))) {
		put_leaf(pte, va, &a->g); /* PROT_NONE: drop the page, keep the region */
		return;
	}
	if ((bits & PTE_W) && !a->shared && page_shared(pte_to_pa(*pte)))
		bits &= ~PTE_W;
	*pte = (*pte & PTE_PPN_MASK) | bits | PTE_V;
}

int uvm_protect(struct mm *mm, vaddr_t start, size_t len, uint32_t prot)
{
	vaddr_t end = start + ALIGN_UP(len, PAGE_SIZE);
	struct protect_arg a = {prot, false, {.mm = mm, .lo = start, .hi = end}};
	int err;

	if (!range_ok(start, ALIGN_UP(len, PAGE_SIZE)))
		return -EINVAL;
	/* Linux: every page of the range must be in some region. */
	for (vaddr_t va = start; va < end; va += PAGE_SIZE)
		if (!vma_find(mm, va))
			return -ENOMEM;
	err = vma_split_at(mm, start);
	if (!err)
		err = vma_split_at(mm, end);
	if (err)
		return err;
	for (struct vma *v = mm->vmas; v; v = v->next) {
		if (v->start < start || v->end > end)
			continue;
		v->prot = prot;
		a.shared = v->flags & VMA_SHARED;
		walk_leaves(mm->root, 2, 0, v->start, v->end, protect_leaf, &a);
	}
	gather_flush(&a.g); /* the flush, even when no page was dropped */
	return 0;
}

bool uvm_range_mapped(struct mm *mm, vaddr_t start, vaddr_t end)
{
	for (vaddr_t va = start; va < end;) {
		struct vma *v = vma_find(mm, va);
		if (!v)
			return false;
		va = v->end;
	}
	return true;
}

/* Under mm->lock: zap what mm's regions of ino map from file page from on. */
static void zap_file_from(struct mm *mm, const struct inode *ino, uint64_t from)
{
	for (struct vma *v = mm->vmas; v; v = v->next) {
		uint64_t pages = (v->end - v->start) / PAGE_SIZE;
		if (!v->file || v->file->inode != ino || v->pgoff + pages <= from)
			continue;
		uvm_zap(mm, from > v->pgoff ? v->start + (from - v->pgoff) * PAGE_SIZE : v->start,
			v->end);
	}
}

void uvm_truncate_mappings(const struct inode *ino, uint64_t size)
{
	uint64_t from = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
	/* p->mm changes only under proc_tree_lock (exec, exit), so each mm
	 * seen here lives until we let go; mm->lock nests inside it. */
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);

	for (struct proc *p = proc_list; p; p = p->all_next) {
		if (!p->mm)
			continue;
		spin_lock(&p->mm->lock);
		zap_file_from(p->mm, ino, from);
		spin_unlock(&p->mm->lock);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

size_t uvm_mincore(struct mm *mm, vaddr_t va, size_t n, uint8_t *vec, struct file **file,
		   uint64_t *pg)
{
	unsigned long flags = spin_lock_irqsave(&mm->lock);
	struct vma *v = vma_find(mm, va);
	size_t i = 0;
	int level;

	*file = NULL;
	if (v && v->file) {
		*file = file_get(v->file);
		*pg = v->pgoff + (va - v->start) / PAGE_SIZE;
	}
	/* One region at most: its pages are one file's, or none's. */
	for (; v && i < n && va + i * PAGE_SIZE < v->end; i++) {
		pte_t *pte = vm_walk(mm->root, va + i * PAGE_SIZE, false, &level);
		vec[i] = pte ? 1 : v->file ? UVM_MINCORE_ASK : 0;
	}
	spin_unlock_irqrestore(&mm->lock, flags);
	return i;
}

int uvm_shared_object(struct mm *mm, vaddr_t va, struct inode **ino, uint64_t *off)
{
	unsigned long flags = spin_lock_irqsave(&mm->lock);
	struct vma *v = vma_find(mm, va);
	int err = v && v->prot != PROT_NONE ? 0 : -EFAULT;

	*ino = NULL;
	if (!err && (v->flags & VMA_SHARED) && v->file) {
		*ino = inode_get(v->file->inode); /* the region's file holds it: not the last */
		*off = v->pgoff * PAGE_SIZE + (va - v->start);
	}
	spin_unlock_irqrestore(&mm->lock, flags);
	return err;
}

void uvm_zap(struct mm *mm, vaddr_t start, vaddr_t end)
{
	struct uvm_gather g = {.mm = mm, .lo = start, .hi = end};

	walk_leaves(mm->root, 2, 0, start, end, put_leaf, &g);
	gather_flush(&g);
}

/* Is [start, end) free of regions? */
static bool range_free(struct mm *mm, vaddr_t start, vaddr_t end)
{
	for (struct vma *v = mm->vmas; v && v->start < end; v = v->next)
		if (v->end > start)
			return false;
	return true;
}

struct move_arg {
	struct mm *mm;
	vaddr_t from, to; /* the old range's start, the new one's */
	bool dry;	  /* only make the tables the move needs */
	int err;
};

/* One present page of the old range: to the same place in the new one. */
static void move_leaf(pte_t *pte, vaddr_t va, void *arg)
{
	struct move_arg *a = arg;
	int level;
	pte_t *slot = vm_walk(a->mm->root, va - a->from + a->to, true, &level);

	if (!slot) {
		a->err = -ENOMEM;
		return;
	}
	if (!a->dry) {
		*slot = *pte;
		*pte = 0;
	}
}

/*
 * Move v's part [start, end) to to (free, end - start long, a region of
 * its own): its pages' PTEs move, the pages stay.  The new tables are made
 * first, so nothing moves unless all of it can.
 */
static int move_range(struct mm *mm, struct vma *v, vaddr_t start, vaddr_t end, vaddr_t to)
{
	struct move_arg a = {mm, start, to, true, 0};
	int err;

	walk_leaves(mm->root, 2, 0, start, end, move_leaf, &a);
	if (a.err)
		return a.err;
	err = uvm_add_file_region(mm, to, end - start, v->prot, v->flags & VMA_SHARED, v->file,
				  v->pgoff + (start - v->start) / PAGE_SIZE);
	if (err)
		return err;
	a.dry = false;
	walk_leaves(mm->root, 2, 0, start, end, move_leaf, &a);
	uvm_tlb_flush(mm, start, end - start);
	return uvm_unmap(mm, start, end - start); /* the region only: no page is left */
}

/* mremap's growth in place: v ends where the old range does, and the
 * space after it is free. */
static bool grow_in_place(struct mm *mm, struct vma *v, vaddr_t addr, size_t old_len,
			  size_t new_len)
{
	if (v->end != addr + old_len || addr + new_len > USER_MMAP_TOP ||
	    !range_free(mm, v->end, addr + new_len))
		return false;
	v->end = addr + new_len; /* under mm->lock */
	return true;
}

long uvm_remap(struct mm *mm, vaddr_t addr, size_t old_len, size_t new_len, bool may_move,
	       vaddr_t fixed)
{
	struct vma *v = vma_find(mm, addr);
	vaddr_t to = fixed;
	int err = 0;

	if (!fixed && new_len <= old_len) { /* shrink: in place, mapped or not (Linux) */
		if (new_len < old_len)
			err = uvm_unmap(mm, addr + new_len, old_len - new_len);
		return err ? err : (long)addr;
	}
	if (!v || old_len > v->end - addr)
		return -EFAULT;
	if (!fixed && grow_in_place(mm, v, addr, old_len, new_len))
		return (long)addr;
	if (!may_move)
		return -ENOMEM;
	/* What the grown part maps: v goes when its pages move (its file
	 * stays open: the dead list holds v's reference until uvm_reap). */
	struct vma grown = {.prot = v->prot,
			    .flags = v->flags & VMA_SHARED,
			    .file = v->file,
			    .pgoff = v->pgoff + (addr + old_len - v->start) / PAGE_SIZE};
	if (fixed)
		err = uvm_unmap(mm, fixed, new_len);
	else
		err = (to = uvm_find_free(mm, new_len)) ? 0 : -ENOMEM;
	if (!err && new_len < old_len)
		err = uvm_unmap(mm, addr + new_len, old_len - new_len);
	if (!err)
		err = move_range(mm, vma_find(mm, addr), addr, addr + MIN(old_len, new_len), to);
	if (!err && new_len > old_len)
		err = uvm_add_file_region(mm, to + old_len, new_len - old_len, grown.prot,
					  grown.flags, grown.file, grown.pgoff);
	return err ? err : (long)to;
}

vaddr_t uvm_find_free(struct mm *mm, size_t len)
{
	vaddr_t top = USER_MMAP_TOP;

	len = ALIGN_UP(len, PAGE_SIZE);
	/* Top down: the highest gap below USER_MMAP_TOP that fits. */
	for (;;) {
		vaddr_t start = top - len, best_end = 0;
		if (len > top || start < USER_LOWEST)
			return 0;
		struct vma *clash = NULL;
		for (struct vma *v = mm->vmas; v; v = v->next)
			if (v->start < top && v->end > start && v->end > best_end)
				clash = v, best_end = v->end;
		if (!clash)
			return start;
		top = clash->start;
	}
}

vaddr_t uvm_brk(struct mm *mm, vaddr_t new_brk)
{
	vaddr_t old_end = ALIGN_UP(mm->brk, PAGE_SIZE);
	vaddr_t new_end = ALIGN_UP(new_brk, PAGE_SIZE);
	struct vma *heap = NULL;

	/* Linux answers a refused brk with the unchanged break. */
	if (new_brk < mm->brk_start || new_brk > USER_MMAP_TOP)
		return mm->brk;
	for (struct vma *v = mm->vmas; v; v = v->next)
		if (v->flags & VMA_HEAP)
			heap = v;
	if (new_end > old_end) {
		for (struct vma *v = mm->vmas; v; v = v->next)
			if (v != heap && v->start < new_end && v->end > old_end)
				return mm->brk; /* would run into another region */
		if (heap)
			heap->end = new_end;
		else if (uvm_add_region(mm, old_end, new_end - old_end, PROT_READ | PROT_WRITE,
					VMA_HEAP))
			return mm->brk;
	} else if (new_end < old_end) {
		if (uvm_unmap(mm, new_end, old_end - new_end))
			return mm->brk;
	}
	mm->brk = new_brk;
	return new_brk;
}

/*
 * Map a fresh zeroed page at va (not mapped yet) with the region's
 * permissions.  On the fault path: one walk that creates missing tables,
 * one PTE write.
 */
static int map_zero_page(struct mm *mm, vaddr_t va, uint32_t prot, void **kva)
{
	void *page = page_alloc_zeroed_kva();
	int level;

	if (!page)
		return -ENOMEM;
	pte_t *slot = vm_walk(mm->root, va, true, &level);
	if (!slot || (*slot & PTE_V)) {
		page_free(virt_to_phys(page), 0);
		return slot ? -EEXIST : -ENOMEM;
	}
	*slot = pa_to_pte(virt_to_phys(page)) | prot_to_pte(prot) | PTE_V;
	if (kva)
		*kva = page;
	return 0;
}

/* LAB pagefaults: begin (docs/labs/pagefaults.md, task 1: beyond it, the shared zero page) */
/* A read of private anonymous memory at va (not mapped yet): the shared
 * zero page, without write permission whatever the region's. */
static int map_shared_zero(struct mm *mm, vaddr_t va, uint32_t prot)
{
	int level;
	pte_t *slot = vm_walk(mm->root, va, true, &level);

	if (!slot || (*slot & PTE_V))
		return slot ? -EEXIST : -ENOMEM;
	*slot = pa_to_pte(zero_page) | (prot_to_pte(prot) & ~(PTE_W | PTE_D)) | PTE_V;
	return 0;
}
/* LAB pagefaults: stub
   LAB pagefaults: end */

/* LAB pagefaults: begin (docs/labs/pagefaults.md: the eager allocation task 1 replaces) */
/* LAB pagefaults: stub
static int map_whole_region(struct mm *mm, struct vma *v, vaddr_t va)
{
	int level, err = map_zero_page(mm, va, v->prot, NULL);

	for (vaddr_t a = v->start; !err && a < v->end; a += PAGE_SIZE)
		if (!vm_walk(mm->root, a, false, &level) && map_zero_page(mm, a, v->prot, NULL))
			break;
	return err;
}
   LAB pagefaults: end */

/* A write to a page fork shares: take a private copy (returns 1: the
 * translation now leads elsewhere), or the page itself if nobody else
 * holds it any more (returns 0: only a permission was added). */
static int cow_page(pte_t *pte, paddr_t *to_free)
{
	paddr_t old = pte_to_pa(*pte);
	uint64_t bits = (*pte & ~PTE_PPN_MASK) | PTE_W | PTE_D;

	/* LAB pagefaults: begin (docs/labs/pagefaults.md, task 3: the last owner copies nothing) */
	if (!page_shared(old)) {
		*pte |= PTE_W | PTE_D;
		return 0;
	}
	/* LAB pagefaults: stub
	   LAB pagefaults: end */
	paddr_t copy = page_alloc(0);
	if (!copy)
		return -ENOMEM;
	if (old == zero_page) /* the first write to memory only read so far */
		memset(phys_to_virt(copy), 0, PAGE_SIZE);
	else
		memcpy(phys_to_virt(copy), phys_to_virt(old), PAGE_SIZE);
	*pte = pa_to_pte(copy) | bits;
	/* The other owner let go meanwhile: free the old page, but only
	 * after the shootdown (another thread may still read it). */
	if (page_unshare(old))
		*to_free = old;
	return 1;
}

/* Give back a page a fault got from a file but did not map. */
static void page_put(paddr_t pa)
{
	if (page_unshare(pa))
		page_free(pa, 0);
}

/*
 * Under mm->lock: map pa (one reference, the mapping's now) at va if va
 * still maps file page pg of f as it did, and nothing is there yet; else
 * give pa back (the access is simply made again, and faults again if it
 * must).  A private region maps the page read-only while it has another
 * owner (the file's cache): the first store copies it.  When that first
 * store is this fault, the copy is made now (one fault, not a read fault
 * and then a copy-on-write one), as Linux's do_cow_fault does.
 */
static int install_file_page(struct mm *mm, vaddr_t va, struct file *f, uint64_t pg, paddr_t pa,
			     bool is_write)
{
	struct vma *v = vma_find(mm, va);
	int level;

	if (!v || v->file != f || v->pgoff + (va - v->start) / PAGE_SIZE != pg) {
		page_put(pa);
		return 0;
	}
	/* A truncate may have come while the file system got the page: it
	 * set the size before it zapped this space (under mm->lock, which we
	 * hold now), so what it cut off is past the size we see here. */
	if (S_ISREG(f->inode->mode) &&
	    pg >= ALIGN_UP(__atomic_load_n(&f->inode->size, __ATOMIC_RELAXED), PAGE_SIZE) /
			    PAGE_SIZE) {
		page_put(pa);
		return -ENXIO; /* SIGBUS, as file_map_page says past the end */
	}
	pte_t *slot = vm_walk(mm->root, va, true, &level);
	if (!slot || (*slot & PTE_V)) {
		page_put(pa);
		return slot ? 0 : -ENOMEM;
	}
	uint64_t bits = prot_to_pte(v->prot);
	if (!(v->flags & VMA_SHARED) && page_shared(pa)) {
		paddr_t copy = is_write ? page_alloc(0) : 0;
		if (copy) {
			memcpy(phys_to_virt(copy), phys_to_virt(pa), PAGE_SIZE);
			page_put(pa);
			pa = copy;
		} else {
			bits &= ~(PTE_W | PTE_D); /* (no page: the store faults again) */
		}
	}
	*slot = pa_to_pte(pa) | bits | PTE_V;
	return 0;
}

/* sluice.fault_delay=PAGE: hold a fault on file page PAGE or later for
 * 200 ms after the file system gave the page, so a test can truncate the
 * file meanwhile (usertests truncate_fault_race). */
static void fault_test_delay(uint64_t pg)
{
	const char *v;
	size_t n;

	if (test_hook(TEST_HOOK_FAULT_DELAY, &v, &n)) {
		uint64_t from = 0;
		for (size_t i = 0; i < n && v[i] >= '0' && v[i] <= '9'; i++)
			from = from * 10 + (uint64_t)(v[i] - '0');
		if (pg >= from)
			timer_sleep_until(timer_ns() + 200000000ull);
	}
}

/*
 * Fault-around, as Linux's do_fault_around: a read fault in a private file
 * region also maps the neighbours the file has in memory already, in the
 * FAULT_AROUND-page aligned block around the fault (inside the region), so
 * a program running through its text or data takes one fault where it
 * would take up to sixteen.  They are mapped read-only like any page of a
 * private region the file still owns; nothing is read from a disk for them.
 */
#define FAULT_AROUND 16 /* pages: Linux's fault_around_bytes, 64 KiB */

struct around {
	vaddr_t va[FAULT_AROUND];
	uint64_t pg[FAULT_AROUND];
	paddr_t pa[FAULT_AROUND];
	unsigned int n;
};

/* The cached pages of f for file pages [from, to) at va from: some. */
static void around_take(struct around *a, struct file *f, uint64_t from, uint64_t to, vaddr_t va)
{
	paddr_t got[FAULT_AROUND];
	unsigned int n = to > from ? file_map_cached(f, from, (unsigned int)(to - from), got) : 0;

	for (unsigned int i = 0; i < n; i++, a->n++) {
		a->va[a->n] = va + i * PAGE_SIZE;
		a->pg[a->n] = from + i;
		a->pa[a->n] = got[i];
	}
}

/* Gather the block's neighbours of the fault at va (region lo..hi at file
 * page pgoff), mm->lock not held. */
static void around_gather(struct around *a, struct file *f, vaddr_t va, vaddr_t lo, vaddr_t hi,
			  uint64_t pgoff)
{
	vaddr_t b0 = MAX(ALIGN_DOWN(va, FAULT_AROUND * PAGE_SIZE), lo);
	vaddr_t b1 = MIN(ALIGN_DOWN(va, FAULT_AROUND * PAGE_SIZE) + FAULT_AROUND * PAGE_SIZE, hi);
	uint64_t pg = pgoff + (va - lo) / PAGE_SIZE;

	a->n = 0;
	around_take(a, f, pgoff + (b0 - lo) / PAGE_SIZE, pg, b0);
	around_take(a, f, pg + 1, pgoff + (b1 - lo) / PAGE_SIZE, va + PAGE_SIZE);
}

/*
 * Under mm->lock: map the gathered neighbours if the region is still the
 * one they were gathered for (else, or if !ok, give them all back), each
 * read-only where nothing is mapped yet and not past the file's end now
 * (install_file_page's rules, checked once for the block).  They lie in
 * one aligned 64 KiB block, so in one page-table page: one walk.
 */
static void around_install(struct mm *mm, struct file *f, vaddr_t lo, vaddr_t hi, uint64_t pgoff,
			   struct around *a, bool ok)
{
	struct vma *v = ok && a->n ? vma_find(mm, a->va[0]) : NULL;
	uint64_t end =
		ALIGN_UP(__atomic_load_n(&f->inode->size, __ATOMIC_RELAXED), PAGE_SIZE) / PAGE_SIZE;
	pte_t *slot0 = NULL;
	int level;

	ok = v && v->file == f && v->start == lo && v->end == hi && v->pgoff == pgoff;
	if (ok)
		slot0 = vm_walk(mm->root, a->va[0], true, &level);
	uint64_t bits = ok ? (prot_to_pte(v->prot) & ~(PTE_W | PTE_D)) | PTE_V : 0;
	for (unsigned int i = 0; i < a->n; i++) {
		pte_t *slot = slot0 ? slot0 + (a->va[i] - a->va[0]) / PAGE_SIZE : NULL;
		if (!slot || (*slot & PTE_V) || (S_ISREG(f->inode->mode) && a->pg[i] >= end))
			page_put(a->pa[i]);
		else
			*slot = pa_to_pte(a->pa[i]) | bits;
	}
}

/*
 * A fault at va in v, a file's region with no page there.  The file
 * system may sleep (read the disk, take its lock), so mm->lock is let go
 * meanwhile and *flags updated; the file is held by a reference of our
 * own, which the caller puts (*put) after it lets go of the lock.
 */
static int fault_file_page(struct mm *mm, struct vma *v, vaddr_t va, bool is_write,
			   unsigned long *flags, struct file **put)
{
	struct file *f = file_get(v->file);
	uint64_t pg = v->pgoff + (va - v->start) / PAGE_SIZE;
	bool shared = v->flags & VMA_SHARED;
	vaddr_t lo = v->start, hi = v->end;
	uint64_t pgoff = v->pgoff;
	struct around a = {.n = 0};
	paddr_t pa;

	*put = f;
	spin_unlock_irqrestore(&mm->lock, *flags);
	int err = file_map_page(f, pg, shared, &pa);
	fault_test_delay(pg);
	if (!err && !is_write && !shared)
		around_gather(&a, f, va, lo, hi, pgoff);
	*flags = spin_lock_irqsave(&mm->lock);
	if (err)
		return err == -EDEADLK ? -EFAULT : err;
	err = install_file_page(mm, va, f, pg, pa, is_write);
	around_install(mm, f, lo, hi, pgoff, &a, err == 0);
	return err;
}

/* Is the access allowed by v's protection? */
static bool vma_allows(const struct vma *v, bool is_write, bool is_exec)
{
	if (is_write)
		return v->prot & PROT_WRITE;
	if (is_exec)
		return v->prot & PROT_EXEC;
	return v->prot & (PROT_READ | PROT_WRITE);
}

int uvm_fault(struct mm *mm, vaddr_t addr, bool is_write, bool is_exec, bool may_sleep)
{
	vaddr_t va = ALIGN_DOWN(addr, PAGE_SIZE);
	unsigned long flags;
	struct vma *v;
	struct file *put = NULL;
	int err = -EFAULT, level;
	paddr_t to_free = 0;

	if (addr >= USER_VA_END)
		return -EFAULT;
	flags = spin_lock_irqsave(&mm->lock);
	v = vma_find(mm, addr);
	if (!v)
		goto out; /* nothing mapped there: -EFAULT */
	err = -EACCES;	  /* mapped, but not for this access */
	if (!vma_allows(v, is_write, is_exec))
		goto out;
	struct proc *me = current_proc();
	uint64_t inblock = me ? me->ru.inblock : 0;
	pte_t *pte = vm_walk(mm->root, va, false, &level);
	if (!pte && v->file)
		err = may_sleep ? fault_file_page(mm, v, va, is_write, &flags, &put) : -EFAULT;
	else if (!pte) {
		/* LAB pagefaults: begin (docs/labs/pagefaults.md, task 1: demand-zero paging) */
		if (is_write || (v->flags & VMA_SHARED))
			err = map_zero_page(mm, va, v->prot, NULL);
		else
			err = map_shared_zero(mm, va, v->prot);
		/* LAB pagefaults: stub
		err = map_whole_region(mm, v, va);
		   LAB pagefaults: end */
	} else if (is_write && !(*pte & PTE_W) && (v->flags & VMA_SHARED))
		err = (*pte |= PTE_W | PTE_D, 0); /* a shared page is written in place */
	else if (is_write && !(*pte & PTE_W))
		err = cow_page(pte, &to_free);
	else
		err = 0; /* another hart mapped it first, or a stale TLB entry */
	/*
	 * A copy: the old page (still another owner's, or freed) may be
	 * cached under mm's ASID here and on harts that ran mm before.
	 * Otherwise the translation only appeared or gained a permission: a
	 * hart caching the old one at worst faults once more and lands here,
	 * so only this hart (which did fault) flushes.
	 */
	if (err > 0) {
		uvm_tlb_flush(mm, va, PAGE_SIZE);
		if (to_free)
			page_free(to_free, 0);
		err = 0;
	} else if (!err) {
		tlb_flush_local(va, PAGE_SIZE, mm_flush_asid(mm));
	}
	if (!err && me)
		proc_account_fault(me, inblock); /* getrusage's ru_minflt or ru_majflt */
out:
	spin_unlock_irqrestore(&mm->lock, flags);
	file_put(put);
	return err;
}

void uvm_prefault_files(struct mm *mm, vaddr_t addr, size_t len, bool write)
{
	vaddr_t end, va = ALIGN_DOWN(addr, PAGE_SIZE);
	int level;

	if (!mm || __builtin_add_overflow(addr, len, &end) || end > USER_VA_END)
		return;
	while (va < end) {
		unsigned long flags = spin_lock_irqsave(&mm->lock);
		struct vma *v = vma_find(mm, va);
		pte_t *pte = v && v->file ? vm_walk(mm->root, va, false, &level) : NULL;
		bool need = v && v->file && (!pte || (write && !(*pte & PTE_W)));
		vaddr_t next = !v ? 0 : v->file ? va + PAGE_SIZE : v->end; /* skip anonymous */
		spin_unlock_irqrestore(&mm->lock, flags);
		if (!next || (need && uvm_fault(mm, va, write, false, true)))
			return;
		va = next;
	}
}

void *uvm_page_for_kernel(struct mm *mm, vaddr_t va)
{
	struct vma *v = vma_find(mm, va);
	void *kva = NULL;
	int level;

	if (!v)
		return NULL;
	/* Already there (two segments sharing a page): fill it in place;
	 * the shared zero page, though, is never written: a page instead. */
	pte_t *pte = vm_walk(mm->root, ALIGN_DOWN(va, PAGE_SIZE), false, &level);
	if (pte && pte_to_pa(*pte) != zero_page)
		return phys_to_virt(pte_to_pa(*pte));
	if (pte) {
		if (!(kva = page_alloc_zeroed_kva()))
			return NULL;
		*pte = pa_to_pte(virt_to_phys(kva)) | prot_to_pte(v->prot) | PTE_V;
		uvm_tlb_flush(mm, ALIGN_DOWN(va, PAGE_SIZE), PAGE_SIZE);
		return kva;
	}
	if (map_zero_page(mm, ALIGN_DOWN(va, PAGE_SIZE), v->prot, &kva))
		return NULL;
	return kva;
}

uint32_t *uvm_user_word(struct mm *mm, vaddr_t va, bool write)
{
	int level;
	pte_t *pte;

	if (va >= USER_VA_END || !IS_ALIGNED(va, sizeof(uint32_t)))
		return NULL;
	pte = vm_walk(mm->root, ALIGN_DOWN(va, PAGE_SIZE), false, &level);
	if (!pte || !(*pte & PTE_U) || !(*pte & PTE_R) || (write && !(*pte & PTE_W)))
		return NULL;
	/* Leaves are 4 KiB pages (level 0) in user spaces. */
	return (uint32_t *)((char *)phys_to_virt(pte_to_pa(*pte)) + (va & (PAGE_SIZE - 1)));
}

bool uvm_fault_took(struct mm *mm, vaddr_t va, bool is_write)
{
	static int said;
	paddr_t hw = (csr_read(CSR_SATP) & SATP_PPN_MASK) << PAGE_SHIFT;
	int level = 0;
	/* No lock: the tables of the space this hart runs go only with the
	 * space (uvm_destroy), and one entry read once is all that is used. */
	pte_t *pte = vm_walk(hw, ALIGN_DOWN(va, PAGE_SIZE), false, &level);
	pte_t e = pte ? __atomic_load_n(pte, __ATOMIC_RELAXED) : 0;
	bool ok = hw == mm->root && (e & PTE_V) && level == 0 && (e & PTE_U) &&
		  (e & (is_write ? PTE_W : PTE_R));

	/* Not there: another thread unmapped it meanwhile, an EFAULT as good
	 * as any.  There but refusing, or another space's tables: a bug that
	 * would have the copy fault again for ever. */
	if (!ok && (hw != mm->root || (e & PTE_V)) &&
	    !__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED))
		printk("BUG: uvm: a kernel copy's %s fault at %#lx was resolved, but the page "
		       "still refuses it (pte %#lx level %d, satp's root %#lx, the space's %#lx)\n",
		       is_write ? "store" : "load", (unsigned long)va, (unsigned long)e, level,
		       (unsigned long)hw, (unsigned long)mm->root);
	return ok;
}

int uvm_region_prot(struct mm *mm, vaddr_t va)
{
	struct vma *v = vma_find(mm, va);

	return v ? (int)v->prot : -ENOENT;
}

struct fork_arg {
	struct mm *child;
	bool shared; /* the region is MAP_SHARED: both keep writing the one page */
	int err;
};

/*
 * Share one present page with the child: in a private region, read-only in
 * both if it was writable, so the first write on either side copies it.
 * Only the regions' ranges are walked, so empty stretches of tables cost
 * nothing.
 */
static void fork_leaf(pte_t *pte, vaddr_t va, void *arg)
{
	struct fork_arg *a = arg;
	int level;

	if (a->err)
		return;
	pte_t *slot = vm_walk(a->child->root, va, true, &level);
	if (!slot) {
		a->err = -ENOMEM;
		return;
	}
	/* LAB pagefaults: begin (docs/labs/pagefaults.md, task 2: fork shares the pages) */
	if (!a->shared)
		*pte &= ~PTE_W;
	*slot = *pte;
	page_share(pte_to_pa(*pte));
	/* LAB pagefaults: stub
	paddr_t copy = a->shared ? 0 : page_alloc(0);
	if (a->shared) {
		*slot = *pte;
		page_share(pte_to_pa(*pte));
	} else if (copy) {
		memcpy(phys_to_virt(copy), phys_to_virt(pte_to_pa(*pte)), PAGE_SIZE);
		*slot = pa_to_pte(copy) | (*pte & ~PTE_PPN_MASK);
	} else {
		a->err = -ENOMEM;
	}
	   LAB pagefaults: end */
}

/* Under mm->lock: copies of mm's regions for child (files counted). */
static int fork_regions(struct mm *mm, struct mm *child)
{
	struct vma **tail = &child->vmas;

	for (struct vma *v = mm->vmas; v; v = v->next) {
		struct vma *c = vma_alloc();
		if (!c)
			return -ENOMEM;
		*c = *v;
		c->next = NULL;
		if (c->file)
			file_get(c->file);
		*tail = c;
		tail = &c->next;
	}
	return 0;
}

struct mm *uvm_fork(struct mm *mm)
{
	struct mm *child = uvm_create();
	struct fork_arg a = {child, false, 0};

	if (!child)
		return NULL;
	child->brk_start = mm->brk_start;
	child->brk = mm->brk;
	child->arg_start = mm->arg_start;
	child->arg_end = mm->arg_end;
	child->env_start = mm->env_start;
	child->env_end = mm->env_end;
	/* Under the lock: another thread may unmap meanwhile, and put a
	 * region's file. */
	unsigned long flags = spin_lock_irqsave(&mm->lock);
	a.err = fork_regions(mm, child);
	for (struct vma *v = mm->vmas; v && !a.err; v = v->next) {
		a.shared = v->flags & VMA_SHARED;
		walk_leaves(mm->root, 2, 0, v->start, v->end, fork_leaf, &a);
	}
	spin_unlock_irqrestore(&mm->lock, flags);
	/* The parent's writable pages just became read-only. */
	uvm_tlb_flush(mm, 0, TLB_FLUSH_ALL);
	if (!a.err)
		return child;
	uvm_destroy(child);
	return NULL;
}

/*
 * Leaves under one table, counted in pages.  The entries are read once
 * each: the owner may be changing them on another hart (a fault, an
 * unmap), and a count a few pages off is all right for its readers.
 */
static size_t count_leaves(paddr_t table, int level)
{
	const pte_t *t = phys_to_virt(table);
	size_t n = 0;

	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		pte_t e = __atomic_load_n(&t[i], __ATOMIC_RELAXED);
		if (!(e & PTE_V))
			continue;
		if (pte_is_leaf(e))
			n += pte_to_pa(e) == zero_page ? 0 : PT_LEVEL_SIZE(level) / PAGE_SIZE;
		else if (level > 0)
			n += count_leaves(pte_to_pa(e), level - 1);
	}
	return n;
}

size_t uvm_read_other(struct mm *mm, vaddr_t va, void *buf, size_t len)
{
	size_t done = 0;
	int level;

	while (done < len && va < USER_VA_END) {
		size_t n = MIN(len - done, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
		pte_t *pte = vm_walk(mm->root, ALIGN_DOWN(va, PAGE_SIZE), false, &level);
		pte_t e = pte ? __atomic_load_n(pte, __ATOMIC_RELAXED) : 0;
		if (!(e & PTE_V) || !(e & PTE_U) || !(e & PTE_R) || level != 0)
			break;
		memcpy((char *)buf + done,
		       (char *)phys_to_virt(pte_to_pa(e)) + (va & (PAGE_SIZE - 1)), n);
		done += n;
		va += n;
	}
	return done;
}

struct file *uvm_unnamed_file(struct mm *mm, vaddr_t *from)
{
	unsigned long flags = spin_lock_irqsave(&mm->lock);
	struct vma *v = mm->vmas;
	struct file *f = NULL;

	while (v && (v->start < *from || !v->file ||
		     __atomic_load_n(&v->file->map_name, __ATOMIC_ACQUIRE)))
		v = v->next;
	if (v) {
		f = file_get(v->file);
		*from = v->end;
	}
	spin_unlock_irqrestore(&mm->lock, flags);
	return f;
}

void uvm_regions_each(struct mm *mm, void (*fn)(const struct vma *v, void *arg), void *arg)
{
	unsigned long flags = spin_lock_irqsave(&mm->lock);

	for (struct vma *v = mm->vmas; v; v = v->next)
		fn(v, arg);
	spin_unlock_irqrestore(&mm->lock, flags);
}

size_t uvm_resident_pages(struct mm *mm)
{
	const pte_t *root = phys_to_virt(mm->root);
	size_t n = 0;

	/* The user half only, by the tables rather than the regions: another
	 * process's region list may change under us, its tables are freed
	 * only by uvm_destroy. */
	for (unsigned int i = 0; i < PT_ENTRIES / 2; i++) {
		pte_t e = __atomic_load_n(&root[i], __ATOMIC_RELAXED);
		if ((e & PTE_V) && !pte_is_leaf(e))
			n += count_leaves(pte_to_pa(e), PT_LEVELS - 2);
	}
	return n;
}

/* ASIDs: probed once at boot (write all ones to satp.ASID, read back). */
void uvm_init_asids(bool force_none)
{
	unsigned long satp = csr_read(CSR_SATP);
	unsigned int bits = 0;

	csr_write(CSR_SATP, satp | (SATP_ASID_MASK << SATP_ASID_SHIFT));
	unsigned long mask = (csr_read(CSR_SATP) >> SATP_ASID_SHIFT) & SATP_ASID_MASK;
	csr_write(CSR_SATP, satp);
	local_flush_tlb_all();
	while (mask & 1)
		bits++, mask >>= 1;
	asid_init(&asids, force_none ? 0 : bits);
}

unsigned int uvm_asid_bits(void)
{
	return asids.bits;
}

/* Was this satp value a user space running without an ASID? */
static bool satp_unasid_user(unsigned long satp)
{
	return !((satp >> SATP_ASID_SHIFT) & SATP_ASID_MASK) &&
	       (satp & SATP_PPN_MASK) != kvm_root_pa >> PAGE_SHIFT;
}

/*
 * Before this hart runs mm: the allocator's ASID, then the bookkeeping
 * (tlb_track_enter) says whether this hart may still hold translations of
 * mm that changed since it last ran it.  A whole-TLB flush instead when
 * the allocator says so (a rollover, or no ASID), or when the space this
 * hart leaves had no ASID (see uvm_deactivate: exec comes straight here).
 * Interrupts off throughout: the ASID and the flush are this hart's.
 */
void uvm_activate(struct mm *mm)
{
	unsigned long sie = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE) & SSTATUS_SIE;
	bool flush = satp_unasid_user(csr_read(CSR_SATP)), all;
	uint16_t asid = asid_get(&asids, &mm->asid_ctx, this_hart_index(), &all);
	bool stale = tlb_track_enter(&mm->tlb, 1ul << this_hart_id(), asid);

	csr_write(CSR_SATP, SATP_MODE_SV39 | ((unsigned long)asid << SATP_ASID_SHIFT) |
				    (mm->root >> PAGE_SHIFT));
	if (flush || all)
		tlb_flush_local(0, TLB_FLUSH_ALL, -1);
	else if (stale)
		tlb_flush_local_owed(asid);
	if (sie)
		local_irq_enable();
}

void uvm_deactivate(struct mm *mm)
{
	unsigned long sie = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE) & SSTATUS_SIE;

	kvm_activate_kernel();
	tlb_track_leave(&mm->tlb, 1ul << this_hart_id());
	/*
	 * Without an ASID, mm's entries carry ASID 0, as the kernel table's
	 * do, and satp no longer names mm's tables: drop them now, so that no
	 * walk from here on (not even a speculative one, which may set A bits)
	 * can go through mm's tables once they are freed and reused.
	 */
	/* LAB boards: begin (docs/labs/boards.md, task 2: no ASIDs) */
	if (!mm->tlb.asid)
		tlb_flush_local(0, TLB_FLUSH_ALL, -1);
	/* LAB boards: stub
	   LAB boards: end */
	if (sie)
		local_irq_enable();
}
