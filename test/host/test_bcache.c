/*
 * Host tests for the block cache (src/dev/bcache.c) over a fake disk in
 * memory that counts its reads, writes and flushes and can be made to fail.
 * Single-threaded: nothing here waits for a busy buffer, so the wait-queue
 * functions the cache calls are stubs that must not be reached.
 */
#include <string.h>

#include <sluice/bcache.h>
#include <sluice/errno.h>
#include <sluice/panic.h>
#include <sluice/proc.h>

#include "fake_ram.h"
#include "host_stubs.h"

#define DISK_SECTORS 512 /* 256 KiB: 256 blocks */

static uint8_t disk[DISK_SECTORS * 512];
static int dev_reads, dev_writes, dev_flushes;
static long fail_read_sector = -1, fail_write_sector = -1;

static int fake_read(uint64_t sector, void *buf, uint32_t count)
{
	if ((long)sector == fail_read_sector)
		return -EIO;
	memcpy(buf, disk + sector * 512, count * 512);
	dev_reads++;
	return 0;
}

static int fake_write(uint64_t sector, const void *buf, uint32_t count)
{
	if ((long)sector == fail_write_sector)
		return -EIO;
	memcpy(disk + sector * 512, buf, count * 512);
	dev_writes++;
	return 0;
}

static int fake_flush(void)
{
	dev_flushes++;
	return 0;
}

void waitq_sleep(struct waitq *wq, struct spinlock *lk)
{
	(void)wq, (void)lk;
	panic("waitq_sleep: a single-threaded test should never wait");
}

void waitq_wake_all(struct waitq *wq)
{
	(void)wq;
}

static uint8_t *block_on_disk(uint64_t n)
{
	return disk + n * BCACHE_BLOCK;
}

static struct bcache_buf *get(uint64_t n)
{
	struct bcache_buf *b;

	CHECK_EQ(bcache_get(n, &b), 0);
	CHECK(b && b->busy && b->valid && b->blockno == n);
	return b;
}

static void test_hits_and_misses(void)
{
	struct bcache_buf *b = get(3);

	CHECK(memcmp(b->data, block_on_disk(3), BCACHE_BLOCK) == 0);
	CHECK_EQ(dev_reads, 1);
	bcache_put(b);
	b = get(3); /* cached now */
	CHECK_EQ(dev_reads, 1);
	bcache_put(b);
}

static void test_write_back_only_on_sync(void)
{
	struct bcache_buf *b = get(5);

	memset(b->data, 0x5a, BCACHE_BLOCK);
	bcache_dirty(b);
	bcache_put(b);
	CHECK(block_on_disk(5)[0] != 0x5a); /* not yet */
	CHECK_EQ(bcache_sync(), 0);
	CHECK_EQ(block_on_disk(5)[BCACHE_BLOCK - 1], 0x5a);
	CHECK_EQ(dev_flushes, 1);
	int w = dev_writes;
	CHECK_EQ(bcache_sync(), 0); /* clean now: nothing more to write */
	CHECK_EQ(dev_writes, w);
}

/* Four buffers: a fifth block evicts the least recently used, writing it
 * back first if dirty. */
static void test_lru_eviction(void)
{
	struct bcache_buf *b;

	CHECK_EQ(bcache_drop(), 0);
	for (uint64_t n = 10; n < 14; n++) {
		b = get(n);
		if (n == 10) {
			b->data[0] = 0xee;
			bcache_dirty(b);
		}
		bcache_put(b);
	}
	int r = dev_reads;
	b = get(11); /* 11 becomes most recent: 10 is now the LRU */
	bcache_put(b);
	CHECK_EQ(dev_reads, r);
	b = get(20); /* evicts 10, which is dirty: written back first */
	bcache_put(b);
	CHECK_EQ(block_on_disk(10)[0], 0xee);
	b = get(11);
	bcache_put(b);
	CHECK_EQ(dev_reads, r + 1); /* only 20 was read */
	b = get(10); /* gone: read again, with the written data */
	CHECK_EQ(b->data[0], 0xee);
	bcache_put(b);
}

static void test_drop_rereads(void)
{
	struct bcache_buf *b = get(7);

	bcache_put(b);
	CHECK_EQ(bcache_drop(), 0);
	int r = dev_reads;
	b = get(7);
	bcache_put(b);
	CHECK_EQ(dev_reads, r + 1);
}

static void test_errors(void)
{
	struct bcache_buf *b;

	CHECK_EQ(bcache_get(DISK_SECTORS / BCACHE_SECTORS, &b), -EINVAL);
	CHECK(b == NULL);
	CHECK_EQ(bcache_drop(), 0);
	fail_read_sector = 30 * BCACHE_SECTORS;
	CHECK_EQ(bcache_get(30, &b), -EIO);
	CHECK(b == NULL);
	fail_read_sector = -1;
	b = get(30); /* the failed read left nothing behind: this one works */
	bcache_put(b);

	/* A dirty block whose write fails stays cached and dirty. */
	b = get(31);
	b->data[0] = 0x31;
	bcache_dirty(b);
	bcache_put(b);
	fail_write_sector = 31 * BCACHE_SECTORS;
	CHECK_EQ(bcache_sync(), -EIO);
	b = get(31);
	CHECK(b->dirty && b->data[0] == 0x31);
	bcache_put(b);
	fail_write_sector = -1;
	CHECK_EQ(bcache_sync(), 0);
	CHECK_EQ(block_on_disk(31)[0], 0x31);
}

/* Eviction whose write-back fails: the get fails, nothing is lost. */
static void test_failed_eviction(void)
{
	struct bcache_buf *b;

	CHECK_EQ(bcache_drop(), 0);
	for (uint64_t n = 40; n < 44; n++) {
		b = get(n);
		b->data[1] = (uint8_t)n;
		bcache_dirty(b);
		bcache_put(b);
	}
	fail_write_sector = 40 * BCACHE_SECTORS; /* 40 is the LRU */
	CHECK_EQ(bcache_get(50, &b), -EIO);
	fail_write_sector = -1;
	b = get(40); /* still cached, still dirty */
	CHECK(b->dirty && b->data[1] == 40);
	bcache_put(b);
	CHECK_EQ(bcache_sync(), 0);
	for (uint64_t n = 40; n < 44; n++)
		CHECK_EQ(block_on_disk(n)[1], n);
}

int main(void)
{
	static const struct bcache_dev dev = { fake_read, fake_write, fake_flush, DISK_SECTORS };

	fake_ram_setup();
	fake_ram_reset();
	for (size_t i = 0; i < sizeof(disk); i++)
		disk[i] = (uint8_t)(i * 13 + 7);
	CHECK_EQ(bcache_init(&dev, 4), 0);
	test_hits_and_misses();
	test_write_back_only_on_sync();
	test_lru_eviction();
	test_drop_rereads();
	test_errors();
	test_failed_eviction();
	printf("test_bcache: ok\n");
	return 0;
}
