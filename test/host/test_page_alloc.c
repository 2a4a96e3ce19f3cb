/* Host tests of the buddy page allocator (src/vm/page_alloc.c) over fake RAM. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>

#include "fake_ram.h"
#include "host_stubs.h"

#define NPAGES	     (FAKE_RAM_SIZE / PAGE_SIZE)
#define BLOCK(order) (PAGE_SIZE << (order))
#define NR_ORDERS    (PAGE_MAX_ORDER + 1)

/* Which allocation (1-based) owns each fake page; 0 = none. */
static uint32_t owner[NPAGES];

struct blk {
	paddr_t pa;
	unsigned int order;
};
static struct blk blks[NPAGES];
static size_t nblks;

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void shuffle(void)
{
	for (size_t i = nblks; i > 1; i--) {
		size_t j = rnd() % i;
		struct blk t = blks[i - 1];
		blks[i - 1] = blks[j];
		blks[j] = t;
	}
}

/* Record a block: aligned, in fake RAM, overlapping nothing handed out. */
static void take(paddr_t pa, unsigned int order)
{
	CHECK(pa != 0);
	CHECK_EQ(pa % BLOCK(order), 0);
	CHECK(pa >= FAKE_RAM_BASE && pa + BLOCK(order) <= FAKE_RAM_END);
	for (size_t p = 0; p < (1ul << order); p++) {
		size_t i = (pa - FAKE_RAM_BASE) / PAGE_SIZE + p;
		CHECK_EQ(owner[i], 0);
		owner[i] = (uint32_t)nblks + 1;
	}
	/* Tag the first and last word: nothing may write there while it is ours. */
	uint64_t *first = phys_to_virt(pa), *last = phys_to_virt(pa + BLOCK(order) - 8);
	*first = pa ^ 0x1111;
	*last = pa ^ 0x2222;
	blks[nblks].pa = pa;
	blks[nblks].order = order;
	nblks++;
}

static void give_back(size_t k)
{
	paddr_t pa = blks[k].pa;
	unsigned int order = blks[k].order;

	CHECK_EQ(*(uint64_t *)phys_to_virt(pa), pa ^ 0x1111);
	CHECK_EQ(*(uint64_t *)phys_to_virt(pa + BLOCK(order) - 8), pa ^ 0x2222);
	for (size_t p = 0; p < (1ul << order); p++)
		owner[(pa - FAKE_RAM_BASE) / PAGE_SIZE + p] = 0;
	page_free(pa, order);
}

static void give_back_all(void)
{
	for (size_t k = 0; k < nblks; k++)
		give_back(k);
	nblks = 0;
}

static bool free_panics(paddr_t pa, unsigned int order)
{
	jmp_buf env;

	if (setjmp(env)) {
		CHECK(host_expect_panic == NULL);
		return true;
	}
	host_expect_panic = &env;
	page_free(pa, order);
	host_expect_panic = NULL;
	return false;
}

static bool add_panics(paddr_t start, paddr_t end)
{
	jmp_buf env;

	if (setjmp(env))
		return true;
	host_expect_panic = &env;
	page_alloc_add_range(start, end);
	host_expect_panic = NULL;
	return false;
}

/*
 * The free lists' shape: greedily allocate the largest blocks first and count
 * them per order, then free them all again.  Fully merged free memory gives
 * the same counts as right after page_alloc_add_range.
 */
static void shape(size_t counts[NR_ORDERS])
{
	size_t start = nblks;
	paddr_t pa;

	for (int k = PAGE_MAX_ORDER; k >= 0; k--) {
		counts[k] = 0;
		while ((pa = page_alloc((unsigned int)k))) {
			take(pa, (unsigned int)k);
			counts[k]++;
		}
	}
	CHECK_EQ(page_free_count(), 0);
	for (size_t k = start; k < nblks; k++)
		give_back(k);
	nblks = start;
}

static void check_same_shape(const size_t want[NR_ORDERS])
{
	size_t got[NR_ORDERS];

	shape(got);
	for (int k = 0; k < NR_ORDERS; k++)
		CHECK_EQ(got[k], want[k]);
}

static void test_meta_size(void)
{
	uint64_t meta[64];
	size_t words = 0;

	/* 64 MiB, 4 MiB aligned: ceil(16384 >> k / 64) words per order, and
	 * the page map's bit per page. */
	for (int k = 0; k < NR_ORDERS; k++)
		words += ((NPAGES >> k) + 63) / 64;
	words += NPAGES / 64;
	CHECK_EQ(page_alloc_meta_size(FAKE_RAM_BASE, FAKE_RAM_END), words * 8);
	CHECK_EQ(words, 256 + 128 + 64 + 32 + 16 + 8 + 4 + 2 + 1 + 1 + 1 + 256);
	/* About 3 bits per page: 128 MiB needs a little over 12 KiB. */
	size_t big = page_alloc_meta_size(0x80000000, 0x80000000 + 128 * MiB);
	CHECK(big >= 12 * KiB && big <= 12 * KiB + NR_ORDERS * 8);
	/* Bitmaps start at the span's 4 MiB block: a small odd span needs a
	 * word per order and one for the page map. */
	CHECK_EQ(page_alloc_meta_size(0x80001000, 0x80003000), (NR_ORDERS + 1) * 8);
	/* Here bit 0 is at 0x80000000: 1025 pages' worth of bits at order 0. */
	CHECK_EQ(page_alloc_meta_size(0x80400000 - 0x1000, 0x80400000 + 0x1000),
		 (17 + 9 + 5 + 3 + 2 + 1 + 1 + 1 + 1 + 1 + 1 + 17) * 8);
	CHECK_EQ(page_alloc_meta_size(0x80000000, 0x80000000), 0);

	CHECK_EQ(page_alloc_init(0x80000000, 0x80000000, meta, sizeof(meta)), -EINVAL);
	CHECK_EQ(page_alloc_init(0x80002000, 0x80001000, meta, sizeof(meta)), -EINVAL);
	CHECK_EQ(page_alloc_init(0x80000800, 0x80010000, meta, sizeof(meta)), -EINVAL);
	CHECK_EQ(page_alloc_init(0x80000000, 0x80010800, meta, sizeof(meta)), -EINVAL);
	CHECK_EQ(page_alloc_init(FAKE_RAM_BASE, FAKE_RAM_END, meta, sizeof(meta)), -EINVAL);
	CHECK_EQ(page_alloc_init(0x80000000, 0x80010000, NULL, sizeof(meta)), -EINVAL);
	CHECK_EQ(page_alloc_init(0x80000000, 0x80010000, meta, sizeof(meta)), 0);
}

/* Every order: allocate until nothing is left, free in random order, merged again. */
static void test_exhaust_each_order(void)
{
	for (unsigned int order = 0; order <= PAGE_MAX_ORDER; order++) {
		size_t added = fake_ram_reset(), init[NR_ORDERS];
		paddr_t pa;

		CHECK_EQ(added, NPAGES);
		CHECK_EQ(page_total_count(), NPAGES);
		CHECK_EQ(page_free_count(), NPAGES);
		shape(init);
		CHECK_EQ(init[PAGE_MAX_ORDER], NPAGES >> PAGE_MAX_ORDER);
		while ((pa = page_alloc(order))) {
			take(pa, order);
			CHECK_EQ(page_free_count(), NPAGES - (nblks << order));
		}
		CHECK_EQ(nblks, NPAGES >> order);
		CHECK_EQ(page_free_count(), 0);
		CHECK_EQ(page_alloc(0), 0);
		shuffle();
		give_back_all();
		CHECK_EQ(page_free_count(), NPAGES);
		CHECK_EQ(page_total_count(), NPAGES);
		check_same_shape(init);
	}
}

/* Random mixed orders, random frees along the way; everything merges back. */
static void test_random_mix(void)
{
	size_t init[NR_ORDERS], used = 0;

	fake_ram_reset();
	shape(init);
	for (int round = 0; round < 20000; round++) {
		if (nblks && rnd() % 3 == 0) {
			size_t k = rnd() % nblks;
			used -= 1ul << blks[k].order;
			give_back(k);
			blks[k] = blks[--nblks];
		} else {
			/* Mostly small orders, now and then any. */
			unsigned int order = (unsigned int)(rnd() % (rnd() % 4 ? 4 : NR_ORDERS));
			paddr_t pa = page_alloc(order);
			if (pa) {
				take(pa, order);
				used += 1ul << order;
			}
		}
		CHECK_EQ(page_free_count(), NPAGES - used);
	}
	shuffle();
	give_back_all();
	CHECK_EQ(page_free_count(), NPAGES);
	check_same_shape(init);
}

static bool in_ranges(paddr_t pa, const paddr_t (*r)[2], int n)
{
	for (int i = 0; i < n; i++)
		if (pa >= r[i][0] && pa + PAGE_SIZE <= r[i][1])
			return true;
	return false;
}

/* Ranges with holes and unaligned edges: only whole pages inside them come out. */
static void test_holes(void)
{
	const paddr_t r[][2] = {
		{FAKE_RAM_BASE + 0x1234, FAKE_RAM_BASE + 3 * MiB + 0x100},
		{FAKE_RAM_BASE + 5 * MiB - 0x1000, FAKE_RAM_BASE + 13 * MiB + 0x2fff},
		/* No whole page at all. */
		{FAKE_RAM_BASE + 20 * MiB + 1, FAKE_RAM_BASE + 20 * MiB + 0xfff},
	};
	size_t want = 0, added, init[NR_ORDERS];
	paddr_t pa;

	added = fake_ram_page_alloc_init(0, 0);
	CHECK_EQ(added, 0);
	for (size_t i = 0; i < ARRAY_SIZE(r); i++) {
		paddr_t s = ALIGN_UP(r[i][0], PAGE_SIZE), e = ALIGN_DOWN(r[i][1], PAGE_SIZE);
		size_t n = s < e ? (e - s) / PAGE_SIZE : 0;
		CHECK_EQ(page_alloc_add_range(r[i][0], r[i][1]), n);
		want += n;
		CHECK_EQ(page_total_count(), want);
	}
	CHECK_EQ(page_free_count(), want);
	shape(init);
	/* Of all three, only [8 MiB, 12 MiB) is a whole, aligned 4 MiB block. */
	CHECK_EQ(init[PAGE_MAX_ORDER], 1);
	while ((pa = page_alloc(0))) {
		CHECK(in_ranges(pa, r, ARRAY_SIZE(r)));
		take(pa, 0);
	}
	CHECK_EQ(nblks, want);
	shuffle();
	give_back_all();
	check_same_shape(init);
}

/* Ranges are clipped to the span; adjacent ranges merge into big blocks. */
static void test_clip_and_adjacent(void)
{
	static uint64_t meta[512];
	paddr_t lo = FAKE_RAM_BASE + 4 * MiB, hi = FAKE_RAM_BASE + 12 * MiB, pa;

	CHECK(page_alloc_meta_size(lo, hi) <= sizeof(meta));
	CHECK_EQ(page_alloc_init(lo, hi, meta, sizeof(meta)), 0);
	CHECK_EQ(page_total_count(), 0);
	CHECK_EQ(page_alloc(0), 0);
	CHECK_EQ(page_alloc_add_range(FAKE_RAM_BASE, lo), 0);
	CHECK_EQ(page_alloc_add_range(hi, FAKE_RAM_END), 0);
	CHECK_EQ(page_alloc_add_range(hi - 0x800, hi + 0x800), 0);
	CHECK_EQ(page_alloc_add_range(lo + 0x3000, lo + 0x1000), 0);
	/* Adjacent pieces: 1 MiB (clipped below) then 3 MiB merge into one 4 MiB block. */
	CHECK_EQ(page_alloc_add_range(0, lo + 1 * MiB), 256);
	CHECK_EQ(page_alloc_add_range(lo + 1 * MiB, lo + 4 * MiB), 768);
	pa = page_alloc(PAGE_MAX_ORDER);
	CHECK_EQ(pa, lo);
	page_free(pa, PAGE_MAX_ORDER);
	/* The rest, clipped above. */
	CHECK_EQ(page_alloc_add_range(lo + 4 * MiB, ~0ull), 1024);
	CHECK_EQ(page_total_count(), 2048);
	while ((pa = page_alloc(0))) {
		CHECK(pa >= lo && pa < hi);
		take(pa, 0);
	}
	CHECK_EQ(nblks, 2048);
	give_back_all();
	CHECK_EQ(page_free_count(), 2048);
}

/* A span that is not 4 MiB aligned at either end: bitmaps still line up. */
static void test_unaligned_span(void)
{
	static uint64_t meta[512];
	paddr_t lo = FAKE_RAM_BASE + 3 * MiB + 0x3000, hi = FAKE_RAM_BASE + 13 * MiB + 0x5000;
	size_t init[NR_ORDERS], pages = (hi - lo) / PAGE_SIZE;

	CHECK(page_alloc_meta_size(lo, hi) <= sizeof(meta));
	CHECK_EQ(page_alloc_init(lo, hi, meta, sizeof(meta)), 0);
	CHECK_EQ(page_alloc_add_range(FAKE_RAM_BASE, FAKE_RAM_END), pages);
	shape(init);
	CHECK_EQ(init[PAGE_MAX_ORDER], 2); /* 4 MiB and 8 MiB */
	/* Aligned, but runs off either end of the span. */
	CHECK(free_panics(ALIGN_DOWN(hi, BLOCK(PAGE_MAX_ORDER)), PAGE_MAX_ORDER));
	CHECK(free_panics(ALIGN_DOWN(lo, BLOCK(4)), 4));
	for (int round = 0; round < 5000; round++) {
		unsigned int order = (unsigned int)(rnd() % 6);
		paddr_t pa = page_alloc(order);
		if (pa) {
			CHECK(pa >= lo && pa + BLOCK(order) <= hi);
			take(pa, order);
		}
	}
	shuffle();
	give_back_all();
	CHECK_EQ(page_free_count(), pages);
	check_same_shape(init);
}

/* Building the free lists writes one small header per block, nothing else. */
static void test_add_range_touches_little(void)
{
	unsigned char *ram, pattern = 0x5c;
	size_t touched = 0;

	fake_ram_reset();
	ram = phys_to_virt(FAKE_RAM_BASE);
	memset(ram, pattern, FAKE_RAM_SIZE);
	fake_ram_page_alloc_init(FAKE_RAM_BASE + 0x7000, FAKE_RAM_END - 0x3000);
	for (size_t p = 0; p < NPAGES; p++) {
		unsigned char *page = ram + p * PAGE_SIZE;
		for (size_t b = 0; b < PAGE_SIZE; b++) {
			if (page[b] != pattern) {
				CHECK(b < 16); /* the list links, at the block start */
				touched++;
				break;
			}
		}
	}
	/* Blocks: 1+8+... at the ragged ends, 14 in the middle: far below the pages. */
	CHECK(touched > 0 && touched <= 2 * NR_ORDERS + NPAGES / 1024);
}

static void test_zeroed_kva(void)
{
	size_t n = 0;
	void *p;

	memset(phys_to_virt(FAKE_RAM_BASE), 0xee, 64 * PAGE_SIZE);
	fake_ram_page_alloc_init(FAKE_RAM_BASE, FAKE_RAM_BASE + 64 * PAGE_SIZE);
	while ((p = page_alloc_zeroed_kva())) {
		paddr_t pa = virt_to_phys(p);
		CHECK(pa >= FAKE_RAM_BASE && pa < FAKE_RAM_BASE + 64 * PAGE_SIZE);
		CHECK_EQ(pa % PAGE_SIZE, 0);
		for (size_t b = 0; b < PAGE_SIZE; b++)
			CHECK_EQ(((unsigned char *)p)[b], 0);
		take(pa, 0);
		n++;
	}
	CHECK_EQ(n, 64);
	CHECK_EQ(page_alloc(PAGE_MAX_ORDER + 1), 0);
	give_back_all();
	CHECK_EQ(page_free_count(), 64);
}

static void test_bad_free_panics(void)
{
	paddr_t a, b;

	fake_ram_reset();
	a = page_alloc(0);
	CHECK(a);
	page_free(a, 0);
	CHECK(free_panics(a, 0)); /* plain double free */

	b = page_alloc(3);
	CHECK(b);
	page_free(b, 3);
	CHECK(free_panics(b + 2 * PAGE_SIZE, 0)); /* inside a free block */
	CHECK(free_panics(b, 2));
	CHECK(free_panics(ALIGN_DOWN(b, BLOCK(PAGE_MAX_ORDER)), PAGE_MAX_ORDER));

	a = page_alloc(2);
	CHECK(free_panics(a + PAGE_SIZE, 2));	   /* misaligned */
	CHECK(free_panics(a, PAGE_MAX_ORDER + 1)); /* no such order */
	CHECK(free_panics(FAKE_RAM_END, 0));	   /* outside the span */
	CHECK(free_panics(FAKE_RAM_BASE - PAGE_SIZE, 0));
	CHECK(free_panics(0, 0));
	page_free(a, 2); /* the lock was released: still works */

	/* A range added twice. */
	fake_ram_page_alloc_init(FAKE_RAM_BASE, FAKE_RAM_BASE + 8 * MiB);
	CHECK(add_panics(FAKE_RAM_BASE + 1 * MiB, FAKE_RAM_BASE + 2 * MiB));
	CHECK(page_alloc(0) != 0);
}

/* Exactly a block whose one page is allocated and the rest free. */
static void test_partly_free_block_panics(void)
{
	paddr_t p[4];

	fake_ram_page_alloc_init(FAKE_RAM_BASE, FAKE_RAM_BASE + 4 * PAGE_SIZE);
	for (int i = 0; i < 4; i++)
		p[i] = page_alloc(0);
	for (int i = 0; i < 4; i++)
		CHECK_EQ(p[i] & ~(BLOCK(2) - 1), FAKE_RAM_BASE);
	page_free(FAKE_RAM_BASE + PAGE_SIZE, 0);
	page_free(FAKE_RAM_BASE + 3 * PAGE_SIZE, 0);
	/* Pages 0 and 2 are allocated: freeing all four as one block must panic. */
	CHECK(free_panics(FAKE_RAM_BASE, 2));
	CHECK(free_panics(FAKE_RAM_BASE + 2 * PAGE_SIZE, 1));
	CHECK_EQ(page_free_count(), 2);
	page_free(FAKE_RAM_BASE, 0);
	page_free(FAKE_RAM_BASE + 2 * PAGE_SIZE, 0);
	CHECK_EQ(page_alloc(2), FAKE_RAM_BASE);
}

/* page_alloc.c's per-hart caches: which hart the host test plays. */
extern unsigned int page_alloc_host_hart;

static bool alloc_panics(unsigned int order)
{
	jmp_buf env;

	if (setjmp(env)) {
		CHECK(host_expect_panic == NULL);
		return true;
	}
	host_expect_panic = &env;
	page_alloc(order);
	host_expect_panic = NULL;
	return false;
}

/*
 * Pages freed on one hart sit in its cache: they still count as free, a
 * double free of one is still caught, and another hart that runs short
 * (or wants a block they would merge into) gets them.
 */
static void test_hart_caches(void)
{
	static paddr_t got[NPAGES + 1];
	size_t n = 0;

	fake_ram_reset();
	/* Take everything as single pages on hart 0, give half back on hart 1. */
	page_alloc_host_hart = 0;
	while ((got[n] = page_alloc(0)))
		n++;
	CHECK_EQ(n, NPAGES);
	CHECK_EQ(page_free_count(), 0);
	page_alloc_host_hart = 1;
	for (size_t i = 0; i < n; i += 2)
		page_free(got[i], 0);
	CHECK_EQ(page_free_count(), n / 2);
	CHECK(free_panics(got[0], 0)); /* in hart 1's cache, or its buddy list */
	CHECK(free_panics(got[n - 2], 0));
	/* Hart 2 has no cache yet: it finds hart 1's pages all the same. */
	page_alloc_host_hart = 2;
	for (size_t i = 0; i < n; i += 2)
		CHECK(page_alloc(0) != 0);
	CHECK_EQ(page_alloc(0), 0);
	CHECK_EQ(page_free_count(), 0);
	/* Free all on four harts in turn: they merge back into max blocks. */
	for (size_t i = 0; i < n; i++) {
		page_alloc_host_hart = (unsigned int)(i % 4);
		page_free(got[i], 0);
	}
	CHECK_EQ(page_free_count(), NPAGES);
	page_alloc_host_hart = 3;
	for (size_t i = 0; i < NPAGES >> PAGE_MAX_ORDER; i++)
		CHECK(page_alloc(PAGE_MAX_ORDER) != 0);
	CHECK_EQ(page_free_count(), 0);
	page_alloc_host_hart = 0;
}

/* Max-order blocks are dealt out to 4 arenas by address, block i to arena
 * i % 4 (page_alloc.c). */
static unsigned int arena_of(paddr_t pa)
{
	return (unsigned int)((pa - FAKE_RAM_BASE) / BLOCK(PAGE_MAX_ORDER) % 4);
}

/*
 * Each hart takes from its own arena (hart % 4) while it has pages, so
 * harts running independent processes take different locks; once its
 * arena is empty it takes from the others, and everything still merges
 * back when freed.
 */
static void test_arenas(void)
{
	static paddr_t got[(NPAGES >> PAGE_MAX_ORDER) + 1];
	size_t n = 0;

	fake_ram_reset();
	for (unsigned int h = 0; h < 8; h++) {
		page_alloc_host_hart = h;
		paddr_t pa = page_alloc(0); /* larger blocks: test_arenas_best_fit */
		CHECK_EQ(arena_of(pa), h % 4);
		page_free(pa, 0);
	}
	/* Hart 2 takes every max block: its own arena's first (all but the
	 * one split for the harts' caches), and in the end every block, the
	 * caches drained. */
	page_alloc_host_hart = 2;
	while ((got[n] = page_alloc(PAGE_MAX_ORDER)))
		n++;
	CHECK_EQ(n, NPAGES >> PAGE_MAX_ORDER);
	for (size_t i = 0; i < n / 4 - 1; i++)
		CHECK_EQ(arena_of(got[i]), 2);
	CHECK(arena_of(got[n / 4 - 1]) != 2);
	/* Nothing is left: not even hart 0 finds a page in its arena. */
	page_alloc_host_hart = 0;
	CHECK_EQ(page_alloc(0), 0);
	for (size_t i = 0; i < n; i++)
		page_free(got[i], PAGE_MAX_ORDER);
	CHECK_EQ(page_free_count(), NPAGES);
}

/*
 * A block of several pages is a best fit over all arenas: a small free
 * block in another arena is taken before the home arena's last large one
 * is split (on 16 MiB, one 4 MiB block per arena, the boot self-test's
 * allocation of every order failed without it).
 */
static void test_arenas_best_fit(void)
{
	static paddr_t got[(NPAGES >> PAGE_MAX_ORDER) + 1];
	size_t n = 0;
	paddr_t home0 = 0, in1 = 0;

	fake_ram_reset();
	page_alloc_host_hart = 0;
	while ((got[n] = page_alloc(PAGE_MAX_ORDER)))
		n++;
	for (size_t i = 0; i < n; i++) { /* one max block back to arenas 0 and 1 */
		if (!home0 && arena_of(got[i]) == 0)
			home0 = got[i];
		else if (!in1 && arena_of(got[i]) == 1)
			in1 = got[i];
	}
	page_free(in1, PAGE_MAX_ORDER);
	page_alloc_host_hart = 1;
	paddr_t split = page_alloc(3); /* arena 1's block, split: 8 pages to 512 free */
	CHECK_EQ(arena_of(split), 1);
	page_free(home0, PAGE_MAX_ORDER);
	page_alloc_host_hart = 0;
	paddr_t small = page_alloc(3);
	CHECK_EQ(arena_of(small), 1); /* not a split of arena 0's 4 MiB */
	CHECK_EQ(page_alloc(PAGE_MAX_ORDER), home0);
	page_free(small, 3);
	page_free(split, 3);
	for (size_t i = 0; i < n; i++)
		if (got[i] != in1)
			page_free(got[i], PAGE_MAX_ORDER);
	CHECK_EQ(page_free_count(), NPAGES);
}

/* A cached page's link is checked before it is followed. */
static void test_hart_cache_corrupt(void)
{
	paddr_t a, b;

	fake_ram_reset();
	page_alloc_host_hart = 5;
	a = page_alloc(0);
	b = page_alloc(0);
	page_free(a, 0);
	page_free(b, 0);		       /* the cache: b -> a -> the rest of the batch */
	*(uint64_t *)phys_to_virt(b) = 0x1234; /* a write after free */
	CHECK(alloc_panics(0));
	page_alloc_host_hart = 0; /* hart 5's cache lock is held: leave it */
}

/* Physical page 0 is never handed out: 0 means "none". */
static void test_page_zero(void)
{
	static uint64_t meta[64];
	uintptr_t saved = host_phys_to_virt_offset;
	paddr_t pa;
	size_t n = 0;

	/* Pretend the first 64 KiB of fake RAM sit at physical 0. */
	host_phys_to_virt_offset = saved + FAKE_RAM_BASE;
	CHECK_EQ(page_alloc_init(0, 64 * KiB, meta, sizeof(meta)), 0);
	CHECK_EQ(page_alloc_add_range(0, 64 * KiB), 15);
	while ((pa = page_alloc(0)))
		n++;
	CHECK_EQ(n, 15);
	CHECK(free_panics(0, 0));
	host_phys_to_virt_offset = saved;
}

int main(void)
{
	fake_ram_setup();
	test_meta_size();
	test_exhaust_each_order();
	test_random_mix();
	test_holes();
	test_clip_and_adjacent();
	test_unaligned_span();
	test_add_range_touches_little();
	test_zeroed_kva();
	test_bad_free_panics();
	test_partly_free_block_panics();
	test_page_zero();
	test_hart_caches();
	test_hart_cache_corrupt();
	test_arenas();
	test_arenas_best_fit();
	printf("test_page_alloc: ok\n");
	return 0;
}
