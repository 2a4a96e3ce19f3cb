/* Host tests for the physical range lists used at boot (src/vm/memmap.c). */
#include <sluice/errno.h>
#include <sluice/memmap.h>

#include "host_stubs.h"

static void expect(const struct memmap *m, int n, const paddr_t *pairs)
{
	CHECK_EQ(m->n, n);
	for (int i = 0; i < n; i++) {
		CHECK_EQ(m->r[i].start, pairs[2 * i]);
		CHECK_EQ(m->r[i].end, pairs[2 * i + 1]);
	}
}

static void test_add_merges_and_sorts(void)
{
	struct memmap m = {0};

	CHECK_EQ(memmap_add(&m, 0x3000, 0x4000), 0);
	CHECK_EQ(memmap_add(&m, 0x1000, 0x2000), 0);
	expect(&m, 2, (paddr_t[]){0x1000, 0x2000, 0x3000, 0x4000});
	CHECK_EQ(memmap_add(&m, 0x2000, 0x3000), 0); /* touching both: one range */
	expect(&m, 1, (paddr_t[]){0x1000, 0x4000});
	CHECK_EQ(memmap_add(&m, 0x500, 0x5000), 0); /* covering */
	expect(&m, 1, (paddr_t[]){0x500, 0x5000});
	CHECK_EQ(memmap_add(&m, 0x9000, 0x9000), 0); /* empty: ignored */
	expect(&m, 1, (paddr_t[]){0x500, 0x5000});
	CHECK_EQ(memmap_bytes(&m), 0x4b00);
}

static void test_remove_splits_trims_deletes(void)
{
	struct memmap m = {0};

	memmap_add(&m, 0x10000, 0x20000);
	memmap_add(&m, 0x30000, 0x40000);
	CHECK_EQ(memmap_remove(&m, 0x14000, 0x15000), 0); /* hole: split */
	expect(&m, 3, (paddr_t[]){0x10000, 0x14000, 0x15000, 0x20000, 0x30000, 0x40000});
	CHECK_EQ(memmap_remove(&m, 0x1f000, 0x31000), 0); /* across two: trims both */
	expect(&m, 3, (paddr_t[]){0x10000, 0x14000, 0x15000, 0x1f000, 0x31000, 0x40000});
	CHECK_EQ(memmap_remove(&m, 0x0, 0x14000), 0); /* whole range: deleted */
	expect(&m, 2, (paddr_t[]){0x15000, 0x1f000, 0x31000, 0x40000});
	CHECK_EQ(memmap_remove(&m, 0x50000, 0x60000), 0); /* outside: nothing */
	CHECK_EQ(memmap_remove(&m, 0x0, ~0ull), 0);
	CHECK_EQ(m.n, 0);
}

static void test_align_shrinks_inward(void)
{
	struct memmap m = {0};

	memmap_add(&m, 0x1001, 0x3fff);
	memmap_add(&m, 0x5001, 0x5fff); /* no whole page inside: dropped */
	memmap_align(&m, 0x1000);
	expect(&m, 1, (paddr_t[]){0x2000, 0x3000});
}

static void test_full_map_reports_e2big(void)
{
	struct memmap m = {0};

	for (int i = 0; i < MEMMAP_MAX; i++)
		CHECK_EQ(memmap_add(&m, (paddr_t)i * 0x10000, (paddr_t)i * 0x10000 + 0x1000), 0);
	CHECK_EQ(memmap_add(&m, 0x10000000, 0x10001000), -E2BIG);
	CHECK_EQ(memmap_remove(&m, 0x100, 0x200), -E2BIG); /* a split needs room */
	CHECK_EQ(m.n, MEMMAP_MAX);
	CHECK_EQ(memmap_remove(&m, 0x0, 0x1000), 0); /* deleting needs none */
	CHECK_EQ(m.n, MEMMAP_MAX - 1);
}

int main(void)
{
	test_add_merges_and_sorts();
	test_remove_splits_trims_deletes();
	test_align_shrinks_inward();
	test_full_map_reports_e2big();
	printf("test_memmap: ok\n");
	return 0;
}
