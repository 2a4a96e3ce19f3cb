/*
 * Host tests for a pipe's ring of page slots (src/fs/pipe_ring.c), with
 * malloc'd pages and plain buffers in place of user memory.  Scenarios
 * written out by hand: how writes share and fill pages (Linux's rule),
 * atomic writes of up to PIPE_BUF bytes, the spare page, copy faults and
 * allocation failures, resizing (also across the 2^32 wrap of the slot
 * counters), releasing every page, and F_SETPIPE_SZ's rounding.  The
 * fuzzer (test/fuzz/fuzz_pipe.c) runs random sequences against a model.
 */
#include <stdlib.h>
#include <string.h>

#include <sluice/errno.h>
#include <sluice/pipe_ring.h>

#include "host_stubs.h"

#define PG 4096

static struct {
	uint8_t *buf;	/* the caller's buffer */
	int pages;	/* pages handed out and not given back */
	int gets;	/* page_get calls */
	int fail_copy;	/* the copy that fails (1 = the next one); 0: none */
	bool fail_page; /* page_get answers NULL */
} h;

static int copy_in(void *ctx, uint8_t *ring, size_t at, size_t n)
{
	(void)ctx;
	if (h.fail_copy && --h.fail_copy == 0)
		return -EFAULT;
	memcpy(ring, h.buf + at, n);
	return 0;
}

static int copy_out(void *ctx, uint8_t *ring, size_t at, size_t n)
{
	(void)ctx;
	if (h.fail_copy && --h.fail_copy == 0)
		return -EFAULT;
	memcpy(h.buf + at, ring, n);
	return 0;
}

static void *page_get(void *ctx)
{
	(void)ctx;
	h.gets++;
	if (h.fail_page)
		return NULL;
	h.pages++;
	return malloc(PG);
}

static void page_put(void *ctx, void *page)
{
	(void)ctx;
	h.pages--;
	free(page);
}

static const struct pipe_io in = {copy_in, page_get, page_put, NULL};
static const struct pipe_io out = {copy_out, page_get, page_put, NULL};

static struct pipe_ring R;
static uint64_t wpos, rpos; /* stream bytes written and read */

static uint8_t stream_byte(uint64_t i)
{
	return (uint8_t)(i * 131 + (i >> 9));
}

/* Write len stream bytes; returns what the ring took (err must match). */
static size_t put(size_t len, bool merge, int want_err)
{
	int err = 0;

	h.buf = malloc(len + 1);
	for (size_t i = 0; i < len; i++)
		h.buf[i] = stream_byte(wpos + i);
	size_t n = pipe_ring_write(&R, len, merge, &in, &err);
	CHECK_EQ(err, want_err);
	free(h.buf);
	wpos += n;
	return n;
}

/* Read up to len bytes and check they are the stream's next ones. */
static size_t get(size_t len, int want_err)
{
	int err = 0;

	h.buf = malloc(len + 1);
	size_t n = pipe_ring_read(&R, len, &out, &err);
	CHECK_EQ(err, want_err);
	for (size_t i = 0; i < n; i++)
		CHECK_EQ(h.buf[i], stream_byte(rpos + i));
	free(h.buf);
	rpos += n;
	CHECK_EQ(R.bytes, wpos - rpos);
	return n;
}

static void fresh(uint32_t slots)
{
	pipe_ring_init(&R, calloc(slots, sizeof(struct pipe_buf)), slots);
	memset(&h, 0, sizeof(h));
	wpos = rpos = 0;
}

/* Give everything back: no page may be left over. */
static void done(void)
{
	pipe_ring_release(&R, &in);
	CHECK_EQ(h.pages, 0);
	CHECK_EQ(R.bytes, 0);
	free(R.bufs);
}

static uint32_t slot_len(uint32_t i)
{
	return R.bufs[(R.tail + i) & (R.slots - 1)].len;
}

/* Small writes share a page; a page-sized one takes a page of its own. */
static void test_merging(void)
{
	fresh(16);
	CHECK_EQ(put(100, true, 0), 100);
	CHECK_EQ(put(200, true, 0), 200);
	CHECK_EQ(pipe_ring_used(&R), 1);
	CHECK_EQ(slot_len(0), 300);
	CHECK_EQ(put(PG, true, 0), PG); /* len % PG == 0: never merged */
	CHECK_EQ(pipe_ring_used(&R), 2);
	CHECK_EQ(put(5000, true, 0), 5000); /* 904 would not fit: a full page, then 904 */
	CHECK_EQ(pipe_ring_used(&R), 4);
	CHECK_EQ(slot_len(2), PG);
	CHECK_EQ(slot_len(3), 904);
	CHECK_EQ(put(5000, true, 0), 5000); /* 904 tops up the last page, then one page */
	CHECK_EQ(pipe_ring_used(&R), 5);
	CHECK_EQ(slot_len(3), 1808);
	CHECK_EQ(put(10, false, 0), 10); /* not the start of a write: a fresh page */
	CHECK_EQ(pipe_ring_used(&R), 6);
	CHECK_EQ(get(1 << 20, 0), 300 + PG + 10000 + 10);
	CHECK_EQ(pipe_ring_used(&R), 0);
	done();
}

/* A write of at most PIPE_BUF goes in whole or not at all. */
static void test_atomic(void)
{
	fresh(2);
	CHECK_EQ(put(PG, true, 0), PG);
	CHECK_EQ(put(PG - 100, true, 0), PG - 100); /* 100 bytes of room left */
	CHECK(pipe_ring_full(&R));
	CHECK_EQ(put(200, true, 0), 0);
	CHECK_EQ(put(PIPE_BUF, true, 0), 0);
	CHECK_EQ(put(100, true, 0), 100);
	CHECK_EQ(put(1, true, 0), 0);
	CHECK_EQ(get(10, 0), 10); /* room at the front of a page does not count */
	CHECK_EQ(put(1, true, 0), 0);
	CHECK_EQ(get(PG - 10, 0), PG - 10);
	CHECK_EQ(put(PIPE_BUF, true, 0), PIPE_BUF);
	/* More than PIPE_BUF: what fits, then the caller waits for the rest. */
	CHECK_EQ(get(PG, 0), PG);
	CHECK_EQ(put(PIPE_BUF + 1, true, 0), PIPE_BUF);
	CHECK_EQ(get(1 << 20, 0), 2 * PG);
	done();
}

/* An emptied page waits as the spare; the next write takes it. */
static void test_spare(void)
{
	fresh(4);
	put(10, true, 0);
	CHECK_EQ(h.gets, 1);
	get(10, 0);
	CHECK(R.spare != NULL);
	CHECK_EQ(h.pages, 1);
	put(10, true, 0);
	CHECK_EQ(h.gets, 1); /* the spare, no new page */
	CHECK(R.spare == NULL);
	put(3 * PG, true, 0);
	get(1 << 20, 0); /* four pages emptied: one kept, three given back */
	CHECK_EQ(h.pages, 1);
	done();
}

/* A fault or a missing page stops the copy; nothing half-copied is counted. */
static void test_failures(void)
{
	fresh(8);
	h.fail_copy = 1;
	CHECK_EQ(put(100, true, -EFAULT), 0);
	CHECK_EQ(R.bytes, 0);
	CHECK(R.spare != NULL); /* the page it took is kept, not lost */
	CHECK_EQ(put(100, true, 0), 100);
	h.fail_copy = 3; /* the merge and one page go in, the next page faults */
	CHECK_EQ(put(2 * PG + 50, true, -EFAULT), PG + 50);
	CHECK_EQ(h.gets, 3);
	CHECK_EQ(put(PG - 50, true, 0), PG - 50); /* into the spare */
	CHECK_EQ(h.gets, 3);
	h.fail_page = true;
	CHECK_EQ(put(PG, true, -ENOMEM), 0);
	CHECK_EQ(put(50, true, 0), 50); /* tops up the last page: needs none */
	h.fail_page = false;
	h.fail_copy = 2; /* the first page comes out, the second faults */
	CHECK_EQ(get(1 << 20, -EFAULT), 150);
	CHECK_EQ(get(1 << 20, 0), 2 * PG);
	done();
}

/* Resize to slots: its answer; the array no longer used is freed. */
static int resize(uint32_t slots)
{
	struct pipe_buf *bufs = calloc(slots, sizeof(*bufs)), *old;
	int err = pipe_ring_resize(&R, bufs, slots, &old);

	free(err ? bufs : old);
	if (err)
		CHECK(R.bufs != bufs);
	else
		CHECK_EQ(R.slots, slots);
	return err;
}

/* Resize keeps the bytes and their order, also across the counters' wrap. */
static void test_resize(void)
{
	fresh(4);
	R.head = R.tail = 0xfffffffeu; /* as after 2^32 - 2 pages */
	put(3 * PG, true, 0);
	get(100, 0);
	CHECK_EQ(resize(2), -EBUSY); /* three pages hold data */
	CHECK_EQ(resize(8), 0);
	put(5 * PG, true, 0);
	CHECK(pipe_ring_full(&R));
	get(6 * PG, 0); /* two pages left, the first with 100 bytes read */
	CHECK_EQ(resize(1), -EBUSY);
	CHECK_EQ(resize(2), 0);
	CHECK_EQ(put(PG, true, 0), 0);
	CHECK_EQ(resize(4), 0);
	CHECK_EQ(put(PG, true, 0), PG);
	CHECK_EQ(get(1 << 20, 0), 3 * PG - 100);
	CHECK_EQ(R.head, 7); /* wrapped */
	done();
}

/* F_SETPIPE_SZ's argument as Linux reads it (checked on Linux 6.18). */
static void test_size_round(void)
{
	CHECK_EQ(pipe_size_round(0), PG);
	CHECK_EQ(pipe_size_round(1), PG);
	CHECK_EQ(pipe_size_round(PG), PG);
	CHECK_EQ(pipe_size_round(PG + 1), 2 * PG);
	CHECK_EQ(pipe_size_round(65537), 131072);
	CHECK_EQ(pipe_size_round(1u << 31), 1ul << 31);
	CHECK_EQ(pipe_size_round((1u << 31) + 1), -EINVAL);
	CHECK_EQ(pipe_size_round(0xffffffffu), -EINVAL);
	CHECK_EQ(pipe_size_round(~0ul), -EINVAL);
	CHECK_EQ(pipe_size_round((1ul << 32) + 8192), 8192); /* the low 32 bits */
	CHECK_EQ(pipe_size_round(1ul << 32), PG);
}

int main(void)
{
	test_merging();
	test_atomic();
	test_spare();
	test_failures();
	test_resize();
	test_size_round();
	printf("test_pipe_ring: all passed\n");
	return 0;
}
