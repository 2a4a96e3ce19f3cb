/*
 * A pipe's buffer (docs/filesystems.md, "Pipes"): the pure logic, with no
 * locks, no sleeping and no user memory, so the host tests and the fuzzer
 * (test/host/test_pipe_ring.c, test/fuzz/fuzz_pipe.c) run the code the
 * kernel runs.  src/fs/pipe.c adds the locking, the sleeping and the
 * copies to and from user memory.
 *
 * As in Linux, the buffer is a ring of slots, each a page holding one run
 * of bytes; the capacity is a power-of-two number of slots (F_SETPIPE_SZ).
 * A write first tops up the last page if the part of it past whole pages
 * fits there (so small writes share a page), then fills fresh pages; a
 * read empties pages from the front, and an emptied page is kept as the
 * spare the next write takes.  So a write of at most PIPE_BUF bytes lands
 * in one page: it goes in whole or not at all, never split.
 */
#ifndef SLUICE_PIPE_RING_H
#define SLUICE_PIPE_RING_H

#include <sluice/types.h>

#define PIPE_BUF	   4096	      /* writes up to this size are atomic (POSIX: >= 512) */
#define PIPE_DEFAULT_SLOTS 16	      /* 64 KiB, Linux's default */
#define PIPE_MAX_SIZE	   (1u << 31) /* F_SETPIPE_SZ: EINVAL past this */

/* One slot: the bytes page[off, off + len) are held.  page NULL: empty slot. */
struct pipe_buf {
	uint8_t *page;
	uint32_t off, len;
};

struct pipe_ring {
	struct pipe_buf *bufs; /* slots entries */
	uint32_t slots;	       /* a power of two */
	uint32_t head, tail;   /* slots ever filled and emptied: [tail, head) hold data */
	size_t bytes;	       /* bytes held (FIONREAD) */
	uint8_t *spare;	       /* an emptied page for the next write, or NULL */
};

/*
 * How the ring reaches the bytes and pages outside it: in the kernel, user
 * memory and the page allocator; in the host tests, plain buffers.
 *   copy   move n bytes between ring memory and the caller's buffer at
 *          offset at (out of the ring for a read, into it for a write):
 *          0, or -EFAULT with nothing counted as moved
 *   page_get / page_put   a PAGE_SIZE page, or NULL; give one back
 */
struct pipe_io {
	int (*copy)(void *ctx, uint8_t *ring, size_t at, size_t n);
	void *(*page_get)(void *ctx);
	void (*page_put)(void *ctx, void *page);
	void *ctx;
};

/* An empty ring over bufs (slots entries, a power of two, zeroed by this). */
void pipe_ring_init(struct pipe_ring *r, struct pipe_buf *bufs, uint32_t slots);

static inline uint32_t pipe_ring_used(const struct pipe_ring *r)
{
	return r->head - r->tail;
}

static inline bool pipe_ring_full(const struct pipe_ring *r)
{
	return pipe_ring_used(r) >= r->slots;
}

/*
 * Move up to len bytes in (offsets 0..len of the caller's buffer).  merge:
 * this is the start of a write, which may top up the last page (see
 * above).  Returns the bytes moved: fewer than len when the ring filled
 * up, or when *err was set (-EFAULT from copy, -ENOMEM from page_get).
 */
size_t pipe_ring_write(struct pipe_ring *r, size_t len, bool merge, const struct pipe_io *io,
		       int *err);

/* Move up to len bytes out, oldest first; fewer when the ring empties or
 * copy fails (*err = -EFAULT).  Emptied pages go to the spare or are put. */
size_t pipe_ring_read(struct pipe_ring *r, size_t len, const struct pipe_io *io, int *err);

/*
 * Move the held slots to bufs (slots entries, a power of two, zeroed by
 * this); the caller frees the old array (returned through *old).
 * -EBUSY, changing nothing, if more slots hold data than fit.
 */
int pipe_ring_resize(struct pipe_ring *r, struct pipe_buf *bufs, uint32_t slots,
		     struct pipe_buf **old);

/* Give every page back (the ring is then empty; bufs stays the caller's). */
void pipe_ring_release(struct pipe_ring *r, const struct pipe_io *io);

/*
 * F_SETPIPE_SZ's size as Linux reads it (the low 32 bits of the argument):
 * at least a page, rounded up to a power of two; -EINVAL past 2 GiB.
 */
long pipe_size_round(unsigned long arg);

#endif
