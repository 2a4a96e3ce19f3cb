/* Host tests of kmalloc/kzalloc/kfree (src/vm/kmalloc.c) over fake RAM. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/memlayout.h>
#include <sluice/mm.h>

#include "fake_ram.h"
#include "host_stubs.h"

#define MAX_OBJS 100000

struct obj {
	unsigned char *p;
	size_t size;
	unsigned char fill;
};
static struct obj objs[MAX_OBJS];
static size_t nobjs;
static size_t pages_at_start;

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* The alignment mm.h promises: 16, or the size class above that. */
static size_t align_for(size_t size)
{
	size_t a = 16;

	if (size > 2048)
		return 16;
	while (a < size)
		a <<= 1;
	return a;
}

/* Allocate, check alignment and range, fill with a per-object pattern. */
static bool get(size_t size)
{
	unsigned char *p = kmalloc(size);

	if (!p)
		return false;
	CHECK(nobjs < MAX_OBJS);
	CHECK_EQ((uintptr_t)p % align_for(size), 0);
	CHECK(virt_to_phys(p) >= FAKE_RAM_BASE && virt_to_phys(p) + size <= FAKE_RAM_END);
	objs[nobjs].p = p;
	objs[nobjs].size = size;
	objs[nobjs].fill = (unsigned char)(rnd() | 1);
	memset(p, objs[nobjs].fill, size);
	nobjs++;
	return true;
}

static void verify(const struct obj *o)
{
	for (size_t b = 0; b < o->size; b++)
		CHECK_EQ(o->p[b], o->fill);
}

static void put(size_t k)
{
	verify(&objs[k]);
	kfree(objs[k].p);
	objs[k] = objs[--nobjs];
}

static void shuffle(void)
{
	for (size_t i = nobjs; i > 1; i--) {
		size_t j = rnd() % i;
		struct obj t = objs[i - 1];
		objs[i - 1] = objs[j];
		objs[j] = t;
	}
}

static void put_all_random(void)
{
	shuffle();
	while (nobjs)
		put(nobjs - 1);
	CHECK_EQ(page_free_count(), pages_at_start);
}

static int cmp_obj(const void *a, const void *b)
{
	const struct obj *x = a, *y = b;

	return x->p < y->p ? -1 : x->p > y->p;
}

/* No two live objects overlap, and every pattern is intact. */
static void check_disjoint(void)
{
	qsort(objs, nobjs, sizeof(objs[0]), cmp_obj);
	for (size_t k = 0; k < nobjs; k++) {
		verify(&objs[k]);
		if (k)
			CHECK(objs[k - 1].p + objs[k - 1].size <= objs[k].p);
	}
}

/* Each class, filled well past one page, packs densely and frees back fully. */
static void test_classes(void)
{
	for (size_t size = 16; size <= 2048; size <<= 1) {
		const size_t sizes[] = {size / 2 + 1, size - 1, size};
		for (size_t s = 0; s < ARRAY_SIZE(sizes); s++) {
			size_t want = 5 * PAGE_SIZE / size + 3, used;
			/* The header costs at most a quarter of the objects. */
			size_t per_page = PAGE_SIZE / size * 3 / 4;

			for (size_t k = 0; k < want; k++)
				CHECK(get(sizes[s]));
			used = pages_at_start - page_free_count();
			CHECK(used >= (want * size + PAGE_SIZE - 1) / PAGE_SIZE);
			if (size <= 1024)
				CHECK(used <= (want + per_page - 1) / per_page);
			else
				CHECK_EQ(used, want); /* 2048: one object and the header per page */
			check_disjoint();
			put_all_random();
		}
	}
}

/* Requests above 2048 bytes take 2^order pages and a 16-byte header. */
static void test_large(void)
{
	const struct {
		size_t size;
		unsigned int order;
	} cases[] = {
		{2049, 0},
		{PAGE_SIZE - 16, 0},
		{PAGE_SIZE - 15, 1},
		{PAGE_SIZE, 1},
		{3 * PAGE_SIZE, 2},
		{100 * 1024, 5},
		{(PAGE_SIZE << PAGE_MAX_ORDER) - 16, PAGE_MAX_ORDER},
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK(get(cases[i].size));
		CHECK_EQ(pages_at_start - page_free_count(), 1ul << cases[i].order);
		CHECK_EQ((uintptr_t)objs[0].p % 16, 0);
		put(0);
		CHECK_EQ(page_free_count(), pages_at_start);
	}
	CHECK(kmalloc((PAGE_SIZE << PAGE_MAX_ORDER) - 15) == NULL);
	CHECK(kmalloc(SIZE_MAX) == NULL);
	CHECK(kmalloc(SIZE_MAX - 8) == NULL);
	CHECK(kzalloc(SIZE_MAX) == NULL);
	CHECK_EQ(page_free_count(), pages_at_start);
}

/* kmalloc(0) is a real, minimal object; kfree(NULL) does nothing. */
static void test_zero_and_null(void)
{
	void *a = kmalloc(0), *b = kmalloc(0);

	CHECK(a && b && a != b);
	CHECK_EQ((uintptr_t)a % 16, 0);
	kfree(a);
	kfree(b);
	kfree(NULL);
	CHECK_EQ(page_free_count(), pages_at_start);
}

/* kzalloc zeroes, even over memory that held something. */
static void test_kzalloc(void)
{
	const size_t sizes[] = {1, 24, 100, 2000, 5000, 70000};

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned char *p = kmalloc(sizes[i]), *q;
		memset(p, 0xcc, sizes[i]);
		kfree(p);
		q = kzalloc(sizes[i]);
		CHECK(q != NULL);
		for (size_t b = 0; b < sizes[i]; b++)
			CHECK_EQ(q[b], 0);
		kfree(q);
	}
	CHECK_EQ(page_free_count(), pages_at_start);
}

/* Random sizes, small and large, random frees along the way: no leak, no overlap. */
static void test_random(void)
{
	for (int round = 0; round < 30000; round++) {
		if (nobjs && rnd() % 5 < 2) {
			put(rnd() % nobjs);
			continue;
		}
		size_t size = rnd() % 8 ? rnd() % 600 : rnd() % 20000;
		CHECK(get(size));
	}
	check_disjoint();
	put_all_random();
}

/* Until the page allocator is dry: NULL, not a crash; then all comes back. */
static void test_exhaust(void)
{
	while (get(rnd() % 2 ? 1024 : 3000))
		;
	CHECK(page_free_count() == 0);
	CHECK(kmalloc(16) == NULL);
	put_all_random();
}

static bool kfree_panics(void *p)
{
	jmp_buf env;

	if (setjmp(env))
		return true;
	host_expect_panic = &env;
	kfree(p);
	host_expect_panic = NULL;
	return false;
}

static void test_bad_kfree(void)
{
	unsigned char *a = kmalloc(32), *b = kmalloc(32), *big = kmalloc(10000);
	paddr_t page = page_alloc(0);
	void *raw = phys_to_virt(page);

	kfree(a);
	CHECK(kfree_panics(a));	     /* double free, slab still live (b) */
	CHECK(kfree_panics(b + 16)); /* inside an object */
	CHECK(kfree_panics(b + 1));
	/* The slab header. */
	CHECK(kfree_panics((unsigned char *)ALIGN_DOWN((uintptr_t)b, PAGE_SIZE) + 8));
	CHECK(kfree_panics(big + 16)); /* inside a large block */
	memset(raw, 0, PAGE_SIZE);
	CHECK(kfree_panics((char *)raw + 64)); /* a page kmalloc never saw */
	kfree(big);
	CHECK(kfree_panics(big)); /* large double free */
	kfree(b);
	CHECK(kfree_panics(b)); /* double free after the slab page went back */
	page_free(page, 0);
	/* The lock was released on each panic: still usable, nothing leaked. */
	CHECK(get(32));
	put_all_random();
}

/*
 * An emptied slab is kept as its class's spare (an open+close pair must not
 * cost a page allocation and a free), counts as free, and goes back to the
 * page allocator when that runs short.
 */
static void test_spare_slab(void)
{
	static paddr_t pages[FAKE_RAM_SIZE / PAGE_SIZE + 1];
	size_t n = 0, free_before = page_free_count();
	void *a = kmalloc(200), *b;
	paddr_t slab = virt_to_phys((void *)ALIGN_DOWN((uintptr_t)a, PAGE_SIZE));

	kfree(a);
	CHECK_EQ(page_free_count(), free_before); /* the spare counts as free */
	/* The page was not given back: the allocator hands out another. */
	paddr_t other = page_alloc(0);
	CHECK(other && other != slab);
	page_free(other, 0);
	b = kmalloc(200); /* the spare again, not a new page */
	CHECK_EQ(virt_to_phys((void *)ALIGN_DOWN((uintptr_t)b, PAGE_SIZE)), slab);
	kfree(b);
	CHECK(kfree_panics(b)); /* a stale pointer into the spare still fails */
	/* Short of pages, the allocator takes the spare back. */
	while ((pages[n] = page_alloc(0)))
		n++;
	CHECK_EQ(n, free_before);
	CHECK_EQ(page_free_count(), 0);
	while (n)
		page_free(pages[--n], 0);
	CHECK_EQ(page_free_count(), free_before);
}

int main(void)
{
	fake_ram_setup();
	pages_at_start = fake_ram_reset();
	test_classes();
	test_large();
	test_zero_and_null();
	test_kzalloc();
	test_random();
	test_exhaust();
	test_bad_kfree();
	test_spare_slab();
	CHECK_EQ(page_free_count(), pages_at_start);
	printf("test_kmalloc: ok\n");
	return 0;
}
