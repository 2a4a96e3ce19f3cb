/*
 * libFuzzer target for a pipe's ring of page slots (src/fs/pipe_ring.c).
 *
 * The input is a program: each operation is a byte choosing what to do
 * (write, read, resize, make a copy fault, make page allocation fail)
 * and the bytes after it its size.  The ring runs it with malloc'd pages
 * against a model written for plainness, not speed: the bytes as one
 * stream (the n-th byte written is stream_at(n)[0]), the slots as a plain
 * array of (end of data, length) with no wrapping counters and no spare.
 * After every operation the two must agree: what each call moved, the
 * errors, the bytes and slots held, every slot's length, pages in use
 * (held slots, plus at most the spare); every byte read is the stream's
 * next; a write of at most PIPE_BUF bytes moves all of it or nothing.
 * The ring starts at a counter value from the input, so runs cross the
 * 2^32 wrap.  At the end the ring gives every page back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sluice/errno.h>
#include <sluice/pipe_ring.h>

#define PG	  4096
#define MAX_SLOTS 256
#define MAX_WRITE (40 * PG)

static void fail(const char *what, long a, long b)
{
	fprintf(stderr, "fuzz_pipe: %s (%ld vs %ld)\n", what, a, b);
	abort();
}

#define AGREE(a, b, what)                                                                          \
	do {                                                                                       \
		if ((long)(a) != (long)(b))                                                        \
			fail(what, (long)(a), (long)(b));                                          \
	} while (0)

/* --- the memory the ring reaches through struct pipe_io --- */

static uint8_t xfer[MAX_WRITE]; /* the caller's buffer */
static long pages_out;		/* pages got and not put */
static int copy_fault_in;	/* copies until one faults (0: none) */
static bool no_pages;

static bool fault_now(void)
{
	return copy_fault_in && --copy_fault_in == 0;
}

static int copy_in(void *ctx, uint8_t *ring, size_t at, size_t n)
{
	(void)ctx;
	if (fault_now())
		return -EFAULT;
	memcpy(ring, xfer + at, n);
	return 0;
}

static int copy_out(void *ctx, uint8_t *ring, size_t at, size_t n)
{
	(void)ctx;
	if (fault_now())
		return -EFAULT;
	memcpy(xfer + at, ring, n);
	return 0;
}

static void *page_get(void *ctx)
{
	(void)ctx;
	if (no_pages)
		return NULL;
	pages_out++;
	return malloc(PG);
}

static void page_put(void *ctx, void *page)
{
	(void)ctx;
	pages_out--;
	free(page);
}

static const struct pipe_io io_in = {copy_in, page_get, page_put, NULL};
static const struct pipe_io io_out = {copy_out, page_get, page_put, NULL};

/* --- the model --- */

static struct {
	uint32_t end[MAX_SLOTS], len[MAX_SLOTS]; /* slot i: data ends at end[i] in its page */
	uint32_t n, slots;
	uint64_t written, read; /* stream positions */
} M;

/*
 * Byte n of the stream: a table of pseudo-random bytes repeating every
 * STREAM_PERIOD bytes, a prime, so no page-aligned slip of the stream can
 * read back as the right bytes; filled and checked with memcpy and memcmp.
 */
#define STREAM_PERIOD 65521
static uint8_t stream[STREAM_PERIOD + MAX_WRITE];

static void stream_init(void)
{
	uint32_t x = 2463534242u;

	if (stream[0] || stream[1])
		return;
	for (size_t i = 0; i < sizeof(stream); i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		stream[i] = i < STREAM_PERIOD ? (uint8_t)x : stream[i - STREAM_PERIOD];
	}
}

static const uint8_t *stream_at(uint64_t n)
{
	return stream + n % STREAM_PERIOD;
}

/* The model's write of len that stops after limit bytes (a fault there). */
static size_t model_write(size_t len, bool merge, size_t limit)
{
	size_t part = len % PG, done = 0;

	if (merge && part && M.n && M.end[M.n - 1] + part <= PG && part <= limit) {
		M.end[M.n - 1] += (uint32_t)part;
		M.len[M.n - 1] += (uint32_t)part;
		done = part;
	}
	while (done < len && M.n < M.slots) {
		size_t k = len - done < PG ? len - done : PG;
		if (done + k > limit)
			break;
		M.end[M.n] = M.len[M.n] = (uint32_t)k;
		M.n++;
		done += k;
	}
	M.written += done;
	return done;
}

static size_t model_read(size_t len, size_t limit)
{
	size_t done = 0;

	while (done < len && M.n) {
		size_t k = len - done < M.len[0] ? len - done : M.len[0];
		if (done + k > limit)
			break;
		M.len[0] -= (uint32_t)k;
		done += k;
		if (!M.len[0]) {
			memmove(M.end, M.end + 1, (M.n - 1) * sizeof(M.end[0]));
			memmove(M.len, M.len + 1, (M.n - 1) * sizeof(M.len[0]));
			M.n--;
		}
	}
	M.read += done;
	return done;
}

/* --- the operations --- */

static void check_agree(const struct pipe_ring *r)
{
	AGREE(r->bytes, M.written - M.read, "bytes held");
	AGREE(pipe_ring_used(r), M.n, "slots held");
	AGREE(r->slots, M.slots, "capacity");
	for (uint32_t i = 0; i < M.n; i++) {
		const struct pipe_buf *b = &r->bufs[(r->tail + i) & (r->slots - 1)];
		AGREE(b->len, M.len[i], "a slot's length");
		AGREE(b->off + b->len, M.end[i], "where a slot's data ends");
	}
	AGREE(pages_out, M.n + (r->spare ? 1 : 0), "pages in use");
}

static void op_write(struct pipe_ring *r, size_t len, bool merge)
{
	int err = 0;

	memcpy(xfer, stream_at(M.written), len);
	size_t n = pipe_ring_write(r, len, merge, &io_in, &err);
	if (!err && n < len && !pipe_ring_full(r))
		fail("a write stopped short with room left", (long)n, (long)len);
	if (len <= PIPE_BUF && merge && n && n != len)
		fail("a write of at most PIPE_BUF was split", (long)n, (long)len);
	AGREE(model_write(len, merge, n), n, "bytes written");
}

static void op_read(struct pipe_ring *r, size_t len)
{
	int err = 0;
	size_t n = pipe_ring_read(r, len, &io_out, &err);

	if (memcmp(xfer, stream_at(M.read), n))
		fail("the bytes read are not the stream's next", (long)M.read, (long)n);
	if (!err && n < len && r->bytes)
		fail("a read stopped short with bytes left", (long)n, (long)len);
	AGREE(model_read(len, n), n, "bytes read");
}

static void op_resize(struct pipe_ring *r, uint32_t slots)
{
	struct pipe_buf *bufs = calloc(slots, sizeof(*bufs)), *old = NULL;
	int err = pipe_ring_resize(r, bufs, slots, &old);

	AGREE(err, M.n > slots ? -EBUSY : 0, "resize's answer");
	free(err ? bufs : old);
	if (!err)
		M.slots = slots;
}

/* The size an operation's bytes give: small ones and page edges are common. */
static size_t take_len(const uint8_t **p, const uint8_t *end)
{
	static const size_t edges[] = {0, 1, PG - 1, PG, PG + 1, PIPE_BUF, 2 * PG, 3 * PG - 1};
	uint32_t v = 0;

	for (int i = 0; i < 3 && *p < end; i++)
		v = v << 8 | *(*p)++;
	if ((v & 0xf) < 8)
		return edges[v & 7];
	return (v >> 4) % ((v & 0x10) ? MAX_WRITE : 300);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct pipe_ring r;
	uint32_t start = 0;

	for (int i = 0; i < 4 && p < end; i++)
		start = start << 8 | *p++;
	stream_init();
	memset(&M, 0, sizeof(M));
	M.slots = PIPE_DEFAULT_SLOTS;
	pages_out = 0;
	copy_fault_in = 0;
	no_pages = false;
	pipe_ring_init(&r, calloc(M.slots, sizeof(struct pipe_buf)), M.slots);
	r.head = r.tail = start; /* as after that many pages */
	while (p < end) {
		uint8_t op = *p++;
		switch (op % 6) {
		case 0:
		case 1:
			op_write(&r, take_len(&p, end), op & 0x40);
			break;
		case 2:
			op_read(&r, take_len(&p, end));
			break;
		case 3:
			op_resize(&r, 1u << (op >> 3) % 9);
			break;
		case 4:
			copy_fault_in = 1 + (op >> 3) % 4;
			break;
		case 5:
			no_pages = op & 0x80;
			break;
		}
		check_agree(&r);
	}
	pipe_ring_release(&r, &io_in);
	AGREE(pages_out, 0, "pages left after release");
	free(r.bufs);
	return 0;
}
