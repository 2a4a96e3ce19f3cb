/*
 * The small-object allocator (see <sluice/mm.h>).
 *
 * Sizes up to 2048 bytes are rounded up to a power-of-two class (16, 32, ...
 * 2048) and carved from slab pages: one page per slab, a struct slab header
 * at the page start, then objects of one class aligned to their size.  A
 * class's slabs with a free object are on its partial list.  A slab whose
 * last object is freed is kept as the class's spare if it has none (so an
 * open+close pair does not take and give back a page each time), else goes
 * back to the page allocator.  Spares count as free pages and are given
 * back when the page allocator runs short.  The class 2048 gets one
 * object per page, because the header takes the first half.
 *
 * Larger sizes take a block of 2^order pages from the page allocator; a
 * struct large_hdr at the block start records the order and the pointer
 * returned is just past it (16-byte aligned).
 *
 * kfree finds either header at ALIGN_DOWN(ptr, PAGE_SIZE) and tells them
 * apart by their magic number.  A slab's bitmap of handed-out objects catches
 * double frees and pointers into the middle of an object.
 *
 * kmalloc(0) returns a minimal (16-byte) object, not NULL, so that NULL
 * always means "out of memory"; it must be passed to kfree like any other.
 */
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/panic.h>
#include <sluice/spinlock.h>
#include <sluice/string.h>

#define KMALLOC_MIN_SHIFT 4
#define KMALLOC_MAX_SHIFT 11
#define KMALLOC_MAX_SIZE  (1ul << KMALLOC_MAX_SHIFT)
#define NR_CLASSES	  (KMALLOC_MAX_SHIFT - KMALLOC_MIN_SHIFT + 1)

#define SLAB_MAGIC    0x51ab0b1eu
#define LARGE_MAGIC   0x1a26eb10u
#define SLAB_MAX_OBJS 256 /* PAGE_SIZE / 16: enough bits for the smallest class */

struct slab {
	uint32_t magic;			   /* SLAB_MAGIC while the page is a slab */
	uint16_t shift;			   /* objects are 1 << shift bytes */
	uint16_t first;			   /* byte offset of object 0 in the page */
	uint16_t nr_objs;		   /* objects in this slab */
	uint16_t in_use;		   /* objects handed out */
	struct slab *next, *prev;	   /* the class's partial list */
	void *free;			   /* free objects, linked through their first word */
	uint64_t used[SLAB_MAX_OBJS / 64]; /* bit i: object i is handed out */
};

struct large_hdr {
	uint32_t magic; /* LARGE_MAGIC while the block is allocated */
	uint32_t order; /* the block is 2^order pages */
	uint64_t pad;	/* keeps the object 16-byte aligned */
};

_Static_assert(sizeof(struct large_hdr) == 16, "large_hdr must keep 16-byte alignment");
_Static_assert(sizeof(struct slab) <= KMALLOC_MAX_SIZE, "no room for an object after the header");
_Static_assert((PAGE_SIZE >> KMALLOC_MIN_SHIFT) <= SLAB_MAX_OBJS, "slab bitmap too small");

static struct spinlock kmalloc_lock = SPINLOCK_INIT;
static struct slab *partial[NR_CLASSES];
static struct slab *spare[NR_CLASSES]; /* an empty slab kept per class, or NULL */
static struct kmalloc_stats stats;     /* under kmalloc_lock */

_Static_assert(NR_CLASSES == KMALLOC_CLASSES, "mm.h's class count");

/* --- slabs (caller holds kmalloc_lock) --- */

static void partial_add(struct slab *s)
{
	struct slab **head = &partial[s->shift - KMALLOC_MIN_SHIFT];

	s->prev = NULL;
	s->next = *head;
	if (*head)
		(*head)->prev = s;
	*head = s;
}

static void partial_remove(struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		partial[s->shift - KMALLOC_MIN_SHIFT] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

/* A fresh slab of objects of 1 << shift bytes, on its partial list. */
static struct slab *slab_create(unsigned int shift)
{
	paddr_t pa = page_alloc(0);
	struct slab *s;
	char *obj;

	if (!pa)
		return NULL;
	s = phys_to_virt(pa);
	memset(s, 0, sizeof(*s));
	s->magic = SLAB_MAGIC;
	s->shift = (uint16_t)shift;
	s->first = (uint16_t)ALIGN_UP(sizeof(*s), 1ul << shift);
	s->nr_objs = (uint16_t)((PAGE_SIZE - s->first) >> shift);
	/* Thread the free list backwards so objects go out in address order. */
	for (long i = s->nr_objs - 1; i >= 0; i--) {
		obj = (char *)s + s->first + ((size_t)i << shift);
		*(void **)obj = s->free;
		s->free = obj;
	}
	partial_add(s);
	stats.slab_pages++;
	return s;
}

/* Object index of ptr in slab s, or -1 if ptr is not the start of one. */
static long slab_index(const struct slab *s, const void *ptr)
{
	size_t off = (size_t)((const char *)ptr - (const char *)s);

	if (off < s->first || (off - s->first) & ((1ul << s->shift) - 1))
		return -1;
	off = (off - s->first) >> s->shift;
	return off < s->nr_objs ? (long)off : -1;
}

static bool slab_used(const struct slab *s, long i)
{
	return (s->used[i / 64] >> (i % 64)) & 1;
}

/* The class's spare slab back on its partial list, if it has one. */
static struct slab *spare_take(unsigned int shift)
{
	struct slab *s = spare[shift - KMALLOC_MIN_SHIFT];

	if (s) {
		spare[shift - KMALLOC_MIN_SHIFT] = NULL;
		page_reclaimable_add(-1);
		stats.spare_pages--;
		stats.slab_pages++;
		partial_add(s);
	}
	return s;
}

static void *slab_alloc(unsigned int shift)
{
	struct slab *s = partial[shift - KMALLOC_MIN_SHIFT];
	void *obj;
	long i;

	if (!s && !(s = spare_take(shift)) && !(s = slab_create(shift)))
		return NULL;
	obj = s->free;
	/* The free list lives in freed objects: a write after free shows here. */
	i = slab_index(s, obj);
	if (i < 0 || slab_used(s, i))
		panic("kmalloc: slab %p of %u-byte objects has a corrupt free list (use after "
		      "free?)",
		      (void *)s, 1u << shift);
	s->free = *(void **)obj;
	s->used[i / 64] |= 1ull << (i % 64);
	stats.objs[shift - KMALLOC_MIN_SHIFT]++;
	if (++s->in_use == s->nr_objs)
		partial_remove(s);
	return obj;
}

/* --- large blocks --- */

static void *large_alloc(size_t size)
{
	unsigned int order = 0;
	struct large_hdr *h;
	paddr_t pa;

	if (size > (PAGE_SIZE << PAGE_MAX_ORDER) - sizeof(*h))
		return NULL;
	while ((PAGE_SIZE << order) < size + sizeof(*h))
		order++;
	pa = page_alloc(order);
	if (!pa)
		return NULL;
	h = phys_to_virt(pa);
	h->magic = LARGE_MAGIC;
	h->order = order;
	h->pad = 0;
	/* No lock: the page allocator does the work, and the counts are
	 * atomic (every fork allocates a struct proc this way). */
	__atomic_fetch_add(&stats.large, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&stats.large_pages, 1ul << order, __ATOMIC_RELAXED);
	return h + 1;
}

/* --- the interface --- */

void *kmalloc(size_t size)
{
	unsigned int shift = KMALLOC_MIN_SHIFT;
	unsigned long flags;
	void *obj;

	if (size > KMALLOC_MAX_SIZE)
		return large_alloc(size);
	while ((1ul << shift) < size)
		shift++;
	flags = spin_lock_irqsave(&kmalloc_lock);
	obj = slab_alloc(shift);
	spin_unlock_irqrestore(&kmalloc_lock, flags);
	return obj;
}

void *kzalloc(size_t size)
{
	void *obj = kmalloc(size);

	if (obj)
		memset(obj, 0, size);
	return obj;
}

/* Unlocks first, so a host test that catches the panic can go on. */
#define kfree_bug(flags, ...)                                                                      \
	do {                                                                                       \
		spin_unlock_irqrestore(&kmalloc_lock, flags);                                      \
		panic(__VA_ARGS__);                                                                \
	} while (0)

static void slab_free(struct slab *s, void *ptr, unsigned long flags)
{
	long i = slab_index(s, ptr);

	if (i < 0)
		kfree_bug(flags, "kfree: %p is not the start of an object in slab %p", ptr,
			  (void *)s);
	if (!slab_used(s, i))
		kfree_bug(flags, "kfree: %p in slab %p is already free (double free)", ptr,
			  (void *)s);
	s->used[i / 64] &= ~(1ull << (i % 64));
	stats.objs[s->shift - KMALLOC_MIN_SHIFT]--;
	*(void **)ptr = s->free;
	s->free = ptr;
	if (s->in_use-- == s->nr_objs)
		partial_add(s);
	if (s->in_use == 0) {
		partial_remove(s);
		/* Out of the count either way: a spare counts as a free page,
		 * as page_free_count counts it (it is reclaimable). */
		stats.slab_pages--;
		if (!spare[s->shift - KMALLOC_MIN_SHIFT]) {
			/* Kept whole: a stale pointer into it still fails as a
			 * double free. */
			spare[s->shift - KMALLOC_MIN_SHIFT] = s;
			page_reclaimable_add(1);
			stats.spare_pages++;
			page_alloc_set_reclaim(kmalloc_release_spares);
			return;
		}
		/* Give the page back, and make a stale pointer to it fail. */
		s->magic = 0;
		page_free(virt_to_phys(s), 0);
	}
}

/* kmalloc_lock with interrupts off, if it is free; true if taken. */
static bool kmalloc_trylock(unsigned long *flags)
{
#ifdef SLUICE_HOST
	*flags = 0;
#else
	*flags = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);
#endif
	if (spin_trylock(&kmalloc_lock))
		return true;
#ifndef SLUICE_HOST
	csr_set(CSR_SSTATUS, *flags & SSTATUS_SIE);
#endif
	return false;
}

void kmalloc_release_spares(void)
{
	unsigned long flags;

	/* The page allocator may call this from inside kmalloc (a slab_create
	 * that found no page): the lock is then held already; skip. */
	if (!kmalloc_trylock(&flags))
		return;
	for (unsigned int c = 0; c < NR_CLASSES; c++) {
		struct slab *s = spare[c];
		if (!s)
			continue;
		spare[c] = NULL;
		s->magic = 0;
		page_reclaimable_add(-1);
		stats.spare_pages--;
		page_free(virt_to_phys(s), 0);
	}
	spin_unlock_irqrestore(&kmalloc_lock, flags);
}

void kfree(void *ptr)
{
	void *page = (void *)ALIGN_DOWN((uintptr_t)ptr, PAGE_SIZE);
	struct large_hdr *h = page;
	unsigned long flags;
	unsigned int order;

	if (!ptr)
		return;
	/* A large block: its header is its owner's alone, and taking the
	 * magic away with a compare-and-swap makes a second kfree of it
	 * (even a racing one) find no header below, as the checks say. */
	uint32_t large = LARGE_MAGIC;
	if (ptr == h + 1 && __atomic_load_n(&h->order, __ATOMIC_RELAXED) <= PAGE_MAX_ORDER &&
	    __atomic_compare_exchange_n(&h->magic, &large, 0, false, __ATOMIC_ACQ_REL,
					__ATOMIC_RELAXED)) {
		order = h->order;
		__atomic_fetch_sub(&stats.large, 1, __ATOMIC_RELAXED);
		__atomic_fetch_sub(&stats.large_pages, 1ul << order, __ATOMIC_RELAXED);
		page_free(virt_to_phys(page), order);
		return;
	}
	flags = spin_lock_irqsave(&kmalloc_lock);
	if (h->magic == SLAB_MAGIC) {
		slab_free(page, ptr, flags);
		spin_unlock_irqrestore(&kmalloc_lock, flags);
		return;
	}
	if (h->magic != LARGE_MAGIC)
		kfree_bug(flags,
			  "kfree: %p is not from kmalloc, or already freed (no header at %p)", ptr,
			  page);
	if (ptr != h + 1 || h->order > PAGE_MAX_ORDER)
		kfree_bug(flags, "kfree: %p is not the start of the large block at %p", ptr, page);
	kfree_bug(flags, "kfree: %p: a large block's header changed under it", ptr);
}

void kmalloc_stats(struct kmalloc_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&kmalloc_lock);

	*st = stats;
	st->large = __atomic_load_n(&stats.large, __ATOMIC_RELAXED);
	st->large_pages = __atomic_load_n(&stats.large_pages, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&kmalloc_lock, flags);
}
