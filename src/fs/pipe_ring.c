/*
 * A pipe's buffer: a ring of page slots (sluice/pipe_ring.h).  Pure logic:
 * the kernel (pipe.c) and the host tests reach memory through struct
 * pipe_io, and the caller serialises every call.
 *
 * head and tail count slots ever filled and emptied; they wrap at 2^32,
 * and slot i is bufs[i & (slots - 1)], which stays right across the wrap
 * because slots is a power of two dividing 2^32.
 */
#include <sluice/errno.h>
#include <sluice/pipe_ring.h>
#include <sluice/string.h>

void pipe_ring_init(struct pipe_ring *r, struct pipe_buf *bufs, uint32_t slots)
{
	memset(bufs, 0, slots * sizeof(*bufs));
	r->bufs = bufs;
	r->slots = slots;
	r->head = r->tail = 0;
	r->bytes = 0;
	r->spare = NULL;
}

static struct pipe_buf *slot(const struct pipe_ring *r, uint32_t i)
{
	return &r->bufs[i & (r->slots - 1)];
}

/*
 * The start of a write tops up the last page with the part of it past
 * whole pages (len % PAGE_SIZE), if all of that fits: small writes share
 * a page, and a big write's later pages start page-aligned.  As Linux does.
 */
static size_t write_merge(struct pipe_ring *r, size_t len, const struct pipe_io *io, int *err)
{
	size_t part = len % PAGE_SIZE;
	struct pipe_buf *last;

	if (!part || r->head == r->tail)
		return 0;
	last = slot(r, r->head - 1);
	if (last->off + last->len + part > PAGE_SIZE)
		return 0;
	*err = io->copy(io->ctx, last->page + last->off + last->len, 0, part);
	if (*err)
		return 0;
	last->len += (uint32_t)part;
	r->bytes += part;
	return part;
}

size_t pipe_ring_write(struct pipe_ring *r, size_t len, bool merge, const struct pipe_io *io,
		       int *err)
{
	size_t done = merge ? write_merge(r, len, io, err) : 0;

	while (!*err && done < len && !pipe_ring_full(r)) {
		size_t n = MIN(len - done, PAGE_SIZE);
		uint8_t *page = r->spare ? r->spare : io->page_get(io->ctx);
		if (!page) {
			*err = -ENOMEM;
			break;
		}
		r->spare = NULL;
		*err = io->copy(io->ctx, page, done, n);
		if (*err) {
			r->spare = page; /* nothing of it is held: keep it */
			break;
		}
		*slot(r, r->head) = (struct pipe_buf){page, 0, (uint32_t)n};
		r->head++;
		r->bytes += n;
		done += n;
	}
	return done;
}

/* The front slot is empty: keep its page as the spare or give it back. */
static void pop_front(struct pipe_ring *r, const struct pipe_io *io)
{
	struct pipe_buf *b = slot(r, r->tail);

	if (r->spare)
		io->page_put(io->ctx, b->page);
	else
		r->spare = b->page;
	*b = (struct pipe_buf){NULL, 0, 0};
	r->tail++;
}

size_t pipe_ring_read(struct pipe_ring *r, size_t len, const struct pipe_io *io, int *err)
{
	size_t done = 0;

	while (done < len && r->head != r->tail) {
		struct pipe_buf *b = slot(r, r->tail);
		size_t n = MIN(len - done, b->len);
		*err = io->copy(io->ctx, b->page + b->off, done, n);
		if (*err)
			break;
		b->off += (uint32_t)n;
		b->len -= (uint32_t)n;
		r->bytes -= n;
		done += n;
		if (!b->len)
			pop_front(r, io);
	}
	return done;
}

int pipe_ring_resize(struct pipe_ring *r, struct pipe_buf *bufs, uint32_t slots,
		     struct pipe_buf **old)
{
	uint32_t mask = slots - 1;

	if (pipe_ring_used(r) > slots)
		return -EBUSY;
	/* Slot i keeps its number, so it lands at i & mask: fewer slots held
	 * than there are means no two land on the same place. */
	memset(bufs, 0, slots * sizeof(*bufs));
	for (uint32_t i = r->tail; i != r->head; i++)
		bufs[i & mask] = *slot(r, i);
	*old = r->bufs;
	r->bufs = bufs;
	r->slots = slots;
	return 0;
}

void pipe_ring_release(struct pipe_ring *r, const struct pipe_io *io)
{
	for (; r->tail != r->head; r->tail++) {
		struct pipe_buf *b = slot(r, r->tail);
		io->page_put(io->ctx, b->page);
		*b = (struct pipe_buf){NULL, 0, 0};
	}
	if (r->spare)
		io->page_put(io->ctx, r->spare);
	r->spare = NULL;
	r->bytes = 0;
}

long pipe_size_round(unsigned long arg)
{
	uint32_t size = (uint32_t)arg; /* Linux's fcntl passes it as an unsigned int */
	uint64_t rounded = PAGE_SIZE;

	if (size > PIPE_MAX_SIZE)
		return -EINVAL;
	while (rounded < size)
		rounded <<= 1;
	return (long)rounded;
}
