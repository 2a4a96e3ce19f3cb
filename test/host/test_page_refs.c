/*
 * Host tests for the user pages' share counts (src/vm/page_refs.c): one
 * owner to start with, share and unshare, the last unshare says "last",
 * the 65536th owner panics, a pinned page (the shared zero page) keeps
 * any number of owners uncounted; and four threads sharing and unsharing
 * neighbouring pages at once, whose 16-bit counts live in the same
 * 32-bit words, lose no update (the counts are changed with a
 * compare-and-swap on the word, not under a lock).
 */
#include <pthread.h>
#include <setjmp.h>

#include <sluice/mm.h>

#include "fake_ram.h"
#include "host_stubs.h"

#define THREADS 4
#define ROUNDS	60000 /* extra owners left on each page: under 65536 */

static paddr_t page_at(unsigned int i)
{
	return FAKE_RAM_BASE + (paddr_t)i * PAGE_SIZE;
}

static void test_counts(void)
{
	paddr_t pa = page_at(10);

	CHECK(!page_shared(pa));
	CHECK(page_unshare(pa)); /* one owner: its unshare is the last */
	page_share(pa);
	page_share(pa);
	CHECK(page_shared(pa));
	CHECK(!page_unshare(pa));
	CHECK(!page_unshare(pa));
	CHECK(!page_shared(pa));
	CHECK(page_unshare(pa));
	CHECK(!page_shared(page_at(11))); /* the neighbour in the word: untouched */
}

static void test_too_many_owners(void)
{
	paddr_t pa = page_at(20);
	jmp_buf env;

	for (unsigned int i = 0; i < 65534; i++)
		page_share(pa);
	if (!setjmp(env)) {
		host_expect_panic = &env;
		page_share(pa);
		CHECK(!"the 65536th owner did not panic");
	}
	host_expect_panic = NULL;
	for (unsigned int i = 0; i < 65534; i++)
		CHECK(!page_unshare(pa));
	CHECK(page_unshare(pa));
}

/* A pinned page: shared, never last, however many come and go. */
static void test_pinned(void)
{
	paddr_t pa = page_at(30);

	page_pin(pa);
	CHECK(page_shared(pa));
	for (unsigned int i = 0; i < 100000; i++)
		page_share(pa); /* more than a count could hold: no panic */
	for (unsigned int i = 0; i < 300000; i++)
		CHECK(!page_unshare(pa));
	CHECK(page_shared(pa));
	CHECK(!page_shared(page_at(31))); /* the neighbour in the word */
	CHECK(page_unshare(page_at(31)));
}

/* Thread t works on pages 100 + t: four counts in two words. */
static void *hammer(void *arg)
{
	paddr_t pa = page_at(100 + (unsigned int)(uintptr_t)arg);

	for (unsigned int i = 0; i < ROUNDS; i++) {
		page_share(pa);
		page_share(pa);
		CHECK(!page_unshare(pa));
	}
	return NULL;
}

static void test_neighbours_at_once(void)
{
	pthread_t th[THREADS];

	for (uintptr_t t = 0; t < THREADS; t++)
		CHECK(!pthread_create(&th[t], NULL, hammer, (void *)t));
	for (unsigned int t = 0; t < THREADS; t++)
		CHECK(!pthread_join(th[t], NULL));
	/* Each thread left ROUNDS extra owners on its page. */
	for (unsigned int t = 0; t < THREADS; t++) {
		paddr_t pa = page_at(100 + t);
		for (unsigned int i = 0; i < ROUNDS; i++)
			CHECK(!page_unshare(pa));
		CHECK(page_unshare(pa));
	}
}

int main(void)
{
	fake_ram_setup();
	fake_ram_reset();
	CHECK_EQ(page_refs_init(), 0);
	test_counts();
	test_too_many_owners();
	test_pinned();
	test_neighbours_at_once();
	printf("test_page_refs: ok\n");
	return 0;
}
