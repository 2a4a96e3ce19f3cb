/*
 * Host tests for the block cache (src/dev/bcache.c) over a fake disk in
 * memory that counts its reads, writes and flushes and can be made to fail.
 * Single-threaded.  A second process is played by a hook the fake disk
 * calls in the middle of a read or write (while the first caller's disk
 * I/O "sleeps"): its bcache_get must then wait, and waitq_sleep jumps back
 * out to record that it would have.
 */
#include <setjmp.h>
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

/* The other process: during the next disk I/O, it asks for this block. */
static long meanwhile_block = -1;
static jmp_buf meanwhile_waits;
static enum { NOT_ASKED, WAITED, GOT_IT } meanwhile;
static struct bcache_buf *meanwhile_buf;

static void other_process_gets(void)
{
	uint64_t n = (uint64_t)meanwhile_block;

	meanwhile_block = -1;
	if (setjmp(meanwhile_waits)) {
		meanwhile = WAITED; /* waitq_sleep jumped back: it would sleep */
		return;
	}
	CHECK_EQ(bcache_get(n, &meanwhile_buf), 0);
	meanwhile = GOT_IT; /* a second buffer for a block being read or written */
}

static int fake_read(uint64_t sector, void *buf, uint32_t count)
{
	if ((long)sector == fail_read_sector)
		return -EIO;
	if (meanwhile_block >= 0)
		other_process_gets();
	memcpy(buf, disk + sector * 512, count * 512);
	dev_reads++;
	return 0;
}

static int fake_write(uint64_t sector, const void *buf, uint32_t count)
{
	if ((long)sector == fail_write_sector)
		return -EIO;
	if (meanwhile_block >= 0)
		other_process_gets();
	memcpy(disk + sector * 512, buf, count * 512);
	dev_writes++;
	return 0;
}

static int fake_flush(void)
{
	dev_flushes++;
	return 0;
}

/* Only the other process may wait: back out to other_process_gets. */
void waitq_sleep(struct waitq *wq, struct spinlock *lk)
{
	(void)wq;
	if (meanwhile != NOT_ASKED)
		panic("waitq_sleep: only the other process may wait");
	spin_unlock(lk); /* as sleeping would */
	longjmp(meanwhile_waits, 1);
}

void waitq_wake_all(struct waitq *wq)
{
	(void)wq;
}

/* The clock bcache_dirty stamps buffers with: the tests set it. */
static uint64_t now_ns;

uint64_t timer_ns(void)
{
	return now_ns;
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

/* The flusher's write-back: only blocks dirty since before the cut, each
 * stamped at its first change (a second one keeps the stamp); the counts
 * /proc/meminfo shows. */
static void test_write_expired(void)
{
	struct bcache_counts c;
	struct bcache_buf *b;

	CHECK_EQ(bcache_drop(), 0);
	now_ns = 1000;
	b = get(30);
	b->data[0] = 0x31;
	bcache_dirty(b);
	bcache_put(b);
	now_ns = 2000;
	b = get(31);
	b->data[0] = 0x32;
	bcache_dirty(b);
	bcache_put(b);
	b = get(30); /* changed again: still dirty since 1000 */
	b->data[1] = 0x33;
	bcache_dirty(b);
	bcache_put(b);
	bcache_counts(&c);
	CHECK_EQ(c.valid, 2);
	CHECK_EQ(c.dirty, 2);
	CHECK_EQ(c.writeback, 0);
	int w = dev_writes, f = dev_flushes;
	CHECK_EQ(bcache_write_expired(1000), 0); /* nothing older than 1000 */
	CHECK_EQ(dev_writes, w);
	CHECK_EQ(bcache_write_expired(1500), 0);
	CHECK_EQ(dev_writes, w + 1);
	CHECK_EQ(block_on_disk(30)[1], 0x33);
	CHECK(block_on_disk(31)[0] != 0x32);
	CHECK_EQ(dev_flushes, f); /* the flusher's pass flushes nothing */
	bcache_counts(&c);
	CHECK_EQ(c.dirty, 1);
	fail_write_sector = 31 * BCACHE_SECTORS; /* the disk gone: stays dirty */
	now_ns = 3000;
	CHECK_EQ(bcache_write_expired(UINT64_MAX), -EIO);
	bcache_counts(&c);
	CHECK_EQ(c.dirty, 1);
	fail_write_sector = -1;
	CHECK_EQ(bcache_write_expired(2500), 0); /* stamped anew at 3000 */
	CHECK(block_on_disk(31)[0] != 0x32);
	CHECK_EQ(bcache_write_expired(UINT64_MAX), 0);
	CHECK_EQ(block_on_disk(31)[0], 0x32);
	bcache_counts(&c);
	CHECK_EQ(c.dirty, 0);
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
	b = get(10);		    /* gone: read again, with the written data */
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

/* While block 60 is read from the disk into a buffer, another process asks
 * for block 60: it must wait for that buffer, not read 60 into a second. */
static void test_get_during_read(void)
{
	struct bcache_buf *b;

	CHECK_EQ(bcache_drop(), 0);
	meanwhile = NOT_ASKED;
	meanwhile_block = 60;
	b = get(60);
	CHECK_EQ(meanwhile, WAITED);
	b->data[0] = 0x60;
	bcache_dirty(b);
	bcache_put(b);
	b = get(60);
	CHECK_EQ(b->data[0], 0x60);
	bcache_put(b);
	CHECK_EQ(bcache_sync(), 0);
}

/* Reusing a dirty buffer for block 70 writes its old block back first;
 * meanwhile another process asks for block 70.  It must wait for the buffer
 * that is becoming 70, not read 70 into a second one. */
static void test_get_during_writeback(void)
{
	struct bcache_buf *b;

	CHECK_EQ(bcache_drop(), 0);
	for (uint64_t n = 61; n < 65; n++) {
		b = get(n);
		b->data[2] = (uint8_t)n;
		bcache_dirty(b);
		bcache_put(b);
	}
	meanwhile = NOT_ASKED;
	meanwhile_block = 70;
	b = get(70); /* evicts 61: its write-back is when the other one asks */
	CHECK_EQ(meanwhile, WAITED);
	CHECK_EQ(block_on_disk(61)[2], 61);
	b->data[0] = 0x70;
	bcache_dirty(b);
	bcache_put(b);
	b = get(70);
	CHECK_EQ(b->data[0], 0x70);
	bcache_put(b);
	CHECK_EQ(bcache_sync(), 0);
}

/* A sixteenth of RAM, within 256 and 16384 buffers. */
static void test_default_size(void)
{
	CHECK_EQ(bcache_default_buffers(1ull << 20), 256);
	CHECK_EQ(bcache_default_buffers(16ull << 20), 1024);
	CHECK_EQ(bcache_default_buffers(128ull << 20), 8192);
	CHECK_EQ(bcache_default_buffers(8ull << 30), 16384);
}

/* A cache of 128 buffers (two chunks) holds 128 blocks read once; a
 * 129th reuses the oldest buffer. */
static void test_holds_its_size(void)
{
	static const struct bcache_dev dev128 = {fake_read, fake_write, fake_flush, DISK_SECTORS};
	struct bcache_buf *b;

	CHECK_EQ(bcache_init(&dev128, 128), 0);
	int r = dev_reads;
	for (uint64_t n = 100; n < 228; n++)
		bcache_put(get(n));
	CHECK_EQ(dev_reads, r + 128);
	for (uint64_t n = 100; n < 228; n++)
		bcache_put(get(n));
	CHECK_EQ(dev_reads, r + 128); /* all from memory */
	b = get(228);
	bcache_put(b);
	CHECK_EQ(dev_reads, r + 129);
	bcache_put(get(101)); /* still there */
	CHECK_EQ(dev_reads, r + 129);
	bcache_put(get(100)); /* the oldest, reused for 228: read again */
	CHECK_EQ(dev_reads, r + 130);
}

/*
 * A sync looks only at the chunks (64 buffers) that hold a dirty buffer:
 * at mount, a sync on 128 MiB looked at all 8,192 buffers to write one.
 * A dirty buffer held during a sync keeps its chunk marked, so the next
 * sync still writes it.  Runs on test_holds_its_size's two chunks.
 */
static void test_sync_looks_at_dirty_chunks(void)
{
	struct bcache_counts c0, c1;
	struct bcache_buf *b;

	CHECK_EQ(bcache_sync(), 0);
	bcache_counts(&c0);
	CHECK_EQ(bcache_sync(), 0); /* nothing dirty: looks at nothing */
	bcache_counts(&c1);
	CHECK_EQ(c1.looked, c0.looked);
	b = get(150);
	b->data[0] ^= 0xff;
	bcache_dirty(b);
	bcache_put(b);
	int w = dev_writes;
	CHECK_EQ(bcache_sync(), 0);
	bcache_counts(&c0);
	CHECK_EQ(dev_writes, w + 1);
	CHECK_EQ(c0.looked, c1.looked + 64); /* one chunk of the two */
	b = get(160);
	b->data[0] ^= 0xff;
	bcache_dirty(b);
	CHECK_EQ(bcache_sync(), 0); /* held: not written now */
	CHECK_EQ(dev_writes, w + 1);
	bcache_put(b);
	CHECK_EQ(bcache_sync(), 0); /* the chunk is still marked */
	CHECK_EQ(dev_writes, w + 2);
	CHECK_EQ(block_on_disk(160)[0], b->data[0]);
}

int main(void)
{
	static const struct bcache_dev dev = {fake_read, fake_write, fake_flush, DISK_SECTORS};

	fake_ram_setup();
	fake_ram_reset();
	for (size_t i = 0; i < sizeof(disk); i++)
		disk[i] = (uint8_t)(i * 13 + 7);
	CHECK_EQ(bcache_init(&dev, 4), 0);
	test_hits_and_misses();
	test_write_back_only_on_sync();
	test_write_expired();
	test_lru_eviction();
	test_drop_rereads();
	test_errors();
	test_failed_eviction();
	test_get_during_read();
	test_get_during_writeback();
	test_default_size();
	test_holds_its_size(); /* last: a cache of its own */
	test_sync_looks_at_dirty_chunks();
	printf("test_bcache: ok\n");
	return 0;
}
