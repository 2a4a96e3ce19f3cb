/*
 * The block cache: see <sluice/bcache.h>.
 *
 * All the buffers are allocated at boot, in chunks of up to 64 KiB, so
 * the cache's memory is known from the start and never grows under a
 * running program; a chunk's entries are set up when the cache first
 * needs them (a boot with a disk spent a quarter of a million
 * instructions setting up 8,192 entries on 128 MiB before).  Every buffer is on one list, most recently used first,
 * and in one hash chain, by its block number; both under bc_lock.
 *
 * Disk I/O sleeps, so it never happens under the lock: a buffer being read
 * or written is marked busy, and whoever wants it sleeps on bc_wq until it
 * is put back.  A buffer claimed for block n carries n from the moment it
 * is claimed, valid or not yet: anyone else asking for n while it is being
 * filled waits for it rather than reading n into a second buffer (two
 * copies of one block, and a write to one of them lost).  When a dirty
 * buffer is reused for another block, its old contents are written back
 * first; until that write is done the old block number is on wb_list, and
 * anyone asking for that block waits: reading it from the disk then would
 * get stale data.
 *
 * A buffer is stamped when it becomes dirty (dirtied_ns), so that the
 * flusher (src/fs/writeback.c) writes back only those dirty long enough
 * (bcache_write_expired); a sync that meets a buffer a pass is writing
 * waits for it, so that sync returns with every block on the disk.
 */
#include <sluice/bcache.h>
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/panic.h>
#include <sluice/proc.h>
#include <sluice/spinlock.h>
#include <sluice/string.h>
#include <sluice/timer.h>
#include <sluice/waitq.h>

struct bc_entry {
	struct bcache_buf b;	 /* first: the two pointers convert */
	struct bc_entry *hnext;	 /* hash chain of b.blockno */
	struct bc_entry *wbnext; /* on wb_list while wb_blockno is written back */
	uint64_t wb_blockno;
	unsigned int chunk; /* which chunk it is in */
	bool writing;	    /* busy for a write-back pass (bcache_writeback) */
	bool hashed;	    /* in the hash: it has held a block */
};

/* A new buffer's block number: no block's, and different for each. */
#define NO_BLOCK(i) (~0ull - (i))
#define CHUNK_MAX   64 /* buffers added at a time, at most: 64 KiB */

static struct bcache_dev dev;
static struct bc_entry **chunks;	 /* chunk i holds chunk_bufs entries */
static unsigned int nchunks, chunk_bufs; /* allocated */
static unsigned int ninit;		 /* chunks set up: the first ninit (atomic) */
static unsigned int nfresh;		 /* set-up buffers that never held a block */
/* Bit i: chunk i may hold a dirty buffer (set by bcache_dirty, cleared by
 * the write-back pass that finds none left), so that a sync or the
 * flusher looks at the chunks with dirty buffers only: a sync at mount
 * looked at 8,192 buffers on 128 MiB to write one. */
static uint64_t *chunk_dirty;
static uint64_t looked; /* buffers write-back passes looked at (a cost figure) */
static struct bc_entry **hash;
static uint64_t hash_mask;
static struct bc_entry *wb_list;
static struct bcache_buf *head, *tail; /* most and least recently used */
static struct spinlock bc_lock = SPINLOCK_INIT;
static struct waitq bc_wq = WAITQ_INIT;
static uint64_t nreads, nwrites;     /* blocks */
static uint64_t nreadreq, nwritereq; /* requests to the device */
static unsigned int inflight;	     /* buffers being written back now (atomic) */

unsigned int bcache_default_buffers(uint64_t ram_bytes)
{
	uint64_t n = ram_bytes / 16 / BCACHE_BLOCK;

	return (unsigned int)(n < 256 ? 256 : n > 16384 ? 16384 : n);
}

static struct bc_entry *entry_of(struct bcache_buf *b)
{
	return (struct bc_entry *)b;
}

/* ---- the LRU list and the hash, under bc_lock */

static void lru_unlink(struct bcache_buf *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		head = b->next;
	if (b->next)
		b->next->prev = b->prev;
	else
		tail = b->prev;
	b->prev = b->next = NULL;
}

static void lru_push_front(struct bcache_buf *b)
{
	b->next = head;
	b->prev = NULL;
	if (head)
		head->prev = b;
	else
		tail = b;
	head = b;
}

static struct bc_entry **bucket(uint64_t n)
{
	return &hash[n & hash_mask];
}

static void hash_add(struct bc_entry *e)
{
	struct bc_entry **pp = bucket(e->b.blockno);

	e->hnext = *pp;
	*pp = e;
}

static void hash_del(struct bc_entry *e)
{
	struct bc_entry **pp = bucket(e->b.blockno);

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
}

static void set_blockno(struct bc_entry *e, uint64_t n)
{
	if (e->hashed)
		hash_del(e);
	else
		nfresh--;
	e->b.blockno = n;
	hash_add(e);
	e->hashed = true;
}

/* The buffer that holds block n or is being filled with it, if any. */
static struct bc_entry *find(uint64_t n)
{
	for (struct bc_entry *e = *bucket(n); e; e = e->hnext)
		if (e->b.blockno == n && (e->b.valid || e->b.busy))
			return e;
	return NULL;
}

/* Is block n being written back from some other buffer? */
static bool in_writeback(uint64_t n)
{
	for (struct bc_entry *e = wb_list; e; e = e->wbnext)
		if (e->wb_blockno == n)
			return true;
	return false;
}

static void wb_remove(struct bc_entry *e)
{
	struct bc_entry **pp = &wb_list;

	while (*pp != e)
		pp = &(*pp)->wbnext;
	*pp = e->wbnext;
}

/* ---- setting up */

/* One chunk of buffers, numbered from first, or NULL: no memory. */
/* Chunk c's memory: its entries and their data, set up later (chunk_init). */
static struct bc_entry *chunk_alloc(void)
{
	struct bc_entry *e = kmalloc(chunk_bufs * sizeof(*e));
	uint8_t *data = kmalloc((size_t)chunk_bufs * BCACHE_BLOCK);

	if (!e || !data) {
		kfree(e);
		kfree(data);
		return NULL;
	}
	e[0].b.data = data; /* where chunk_init finds it */
	return e;
}

/*
 * Under bc_lock: set up the next chunk's entries, linked at the back of
 * the LRU list (least recently used of all), not hashed until they first
 * hold a block.  Published to the lock-free readers (write-back, counts)
 * by ninit.
 */
static void chunk_init(void)
{
	unsigned int c = ninit;
	struct bc_entry *e = chunks[c];
	uint8_t *data = e[0].b.data;

	for (unsigned int i = 0; i < chunk_bufs; i++)
		e[i] = (struct bc_entry){
			.b = {.blockno = NO_BLOCK(c * chunk_bufs + i),
			      .data = data + (size_t)i * BCACHE_BLOCK,
			      .prev = i ? &e[i - 1].b : tail,
			      .next = i + 1 < chunk_bufs ? &e[i + 1].b : NULL},
			.chunk = c,
		};
	if (tail)
		tail->next = &e[0].b;
	else
		head = &e[0].b;
	tail = &e[chunk_bufs - 1].b;
	nfresh += chunk_bufs;
	__atomic_store_n(&ninit, c + 1, __ATOMIC_RELEASE);
}

int bcache_init(const struct bcache_dev *d, unsigned int nbufs)
{
	unsigned int max_chunks;
	uint64_t nhash;

	chunk_bufs = nbufs < CHUNK_MAX ? (nbufs ? nbufs : 1) : CHUNK_MAX;
	max_chunks = nbufs / chunk_bufs; /* whole chunks: 64 KiB each, at most */
	for (nhash = 1; nhash < nbufs / 2; nhash <<= 1)
		;
	hash_mask = nhash - 1;
	chunks = kzalloc(max_chunks * sizeof(*chunks));
	hash = kzalloc(nhash * sizeof(*hash));
	chunk_dirty = kzalloc((max_chunks + 63) / 64 * sizeof(*chunk_dirty));
	if (!chunks || !hash || !chunk_dirty)
		return -ENOMEM; /* boot-time only: what was allocated stays */
	dev = *d;
	head = tail = NULL;
	wb_list = NULL;
	ninit = nfresh = 0;
	for (nchunks = 0; nchunks < max_chunks; nchunks++) {
		struct bc_entry *e = chunk_alloc();
		if (!e)
			break; /* make do with what there is */
		chunks[nchunks] = e;
	}
	if (!nchunks)
		return -ENOMEM;
	chunk_init();
	return 0;
}

/* ---- getting a buffer */

static int dev_write_blocks(uint64_t n, const void *data, uint32_t nblocks)
{
	__atomic_add_fetch(&nwrites, nblocks, __ATOMIC_RELAXED);
	__atomic_add_fetch(&nwritereq, 1, __ATOMIC_RELAXED);
	return dev.write(n * BCACHE_SECTORS, data, nblocks * BCACHE_SECTORS);
}

/* A buffer's block written back: counted in flight meanwhile. */
static int dev_write_block(uint64_t n, const void *data)
{
	__atomic_add_fetch(&inflight, 1, __ATOMIC_RELAXED);
	int err = dev_write_blocks(n, data, 1);
	__atomic_sub_fetch(&inflight, 1, __ATOMIC_RELAXED);
	return err;
}

/* Under bc_lock: the least recently used buffer nobody holds, or NULL. */
static struct bcache_buf *lru_victim(void)
{
	for (struct bcache_buf *b = tail; b; b = b->prev)
		if (!b->busy)
			return b;
	return NULL;
}

/*
 * Under bc_lock: claim the buffer holding block n, or reuse the least
 * recently used free one for it (writing its old dirty contents back
 * first).  0 with *out busy for the caller; -EAGAIN after sleeping (look
 * again); -EIO if the write-back failed (the old block stays cached,
 * dirty: nothing is lost).
 */
static int bcache_claim(uint64_t n, unsigned long *flags, struct bcache_buf **out)
{
	struct bc_entry *e = find(n);
	struct bcache_buf *victim;

	if (e) {
		if (e->b.busy)
			goto wait;
		e->b.busy = true;
		*out = &e->b;
		return 0;
	}
	if (in_writeback(n))
		goto wait;
	if (!nfresh && ninit < nchunks)
		chunk_init(); /* every buffer set up so far has held a block */
	victim = lru_victim();
	if (!victim)
		goto wait;
	e = entry_of(victim);
	victim->busy = true;
	if (victim->valid && victim->dirty) {
		e->wb_blockno = victim->blockno;
		e->wbnext = wb_list;
		wb_list = e;
		set_blockno(e, n); /* findable as the new block, not the old */
		victim->valid = false;
		spin_unlock_irqrestore(&bc_lock, *flags);
		int err = dev_write_block(e->wb_blockno, victim->data);
		*flags = spin_lock_irqsave(&bc_lock);
		wb_remove(e);
		if (err) {
			set_blockno(e, e->wb_blockno); /* still the old block, still dirty */
			victim->valid = true;
			victim->busy = false;
			return -EIO;
		}
		victim->dirty = false;
	}
	set_blockno(e, n);
	victim->valid = false;
	*out = victim;
	return 0;
wait:
	waitq_sleep(&bc_wq, &bc_lock);
	return -EAGAIN;
}

int bcache_get(uint64_t n, struct bcache_buf **out)
{
	struct bcache_buf *b = NULL;
	unsigned long flags;
	int err;

	*out = NULL;
	if (n >= dev.sectors / BCACHE_SECTORS)
		return -EINVAL;
	flags = spin_lock_irqsave(&bc_lock);
	while ((err = bcache_claim(n, &flags, &b)) == -EAGAIN)
		;
	if (!err) {
		lru_unlink(b);
		lru_push_front(b);
	}
	spin_unlock_irqrestore(&bc_lock, flags);
	if (err) {
		waitq_wake_all(&bc_wq); /* whoever waited for the buffer we gave back */
		return err;
	}
	if (!b->valid) {
		nreads++;
		nreadreq++;
		proc_account_inblock(BCACHE_SECTORS);
		err = dev.read(n * BCACHE_SECTORS, b->data, BCACHE_SECTORS);
		if (err) {
			bcache_put(b); /* invalid: the next get reads again */
			return -EIO;
		}
		b->valid = true;
		b->dirty = false;
	}
	*out = b;
	return 0;
}

static void chunk_mark(unsigned int c)
{
	__atomic_fetch_or(&chunk_dirty[c / 64], 1ull << (c % 64), __ATOMIC_RELEASE);
}

/* Take chunk c's mark: whether it had one. */
static bool chunk_take(unsigned int c)
{
	uint64_t bit = 1ull << (c % 64);

	return __atomic_fetch_and(&chunk_dirty[c / 64], ~bit, __ATOMIC_ACQUIRE) & bit;
}

void bcache_dirty(struct bcache_buf *b)
{
	BUG_ON(!b->busy);
	if (!b->dirty) /* the flusher's clock starts at the first change */
		b->dirtied_ns = timer_ns();
	b->dirty = true;
	chunk_mark(entry_of(b)->chunk);
}

void bcache_put(struct bcache_buf *b)
{
	unsigned long flags = spin_lock_irqsave(&bc_lock);

	BUG_ON(!b->busy);
	b->busy = false;
	spin_unlock_irqrestore(&bc_lock, flags);
	waitq_wake_all(&bc_wq);
}

/* ---- file data, which the page cache keeps instead (docs/ext2.md) */

/*
 * Under bc_lock: wait until block n is neither held nor being written back
 * from a reused buffer; then its cached copy (valid), or NULL.  true in
 * *slept if it waited (a read made before may be stale).
 */
static struct bc_entry *settled(uint64_t n, unsigned long *flags, bool *slept)
{
	struct bc_entry *e;

	(void)flags; /* waitq_sleep gives the lock back as it took it */
	for (;;) {
		e = find(n);
		if (!(e && e->b.busy) && !in_writeback(n))
			return e && e->b.valid ? e : NULL;
		waitq_sleep(&bc_wq, &bc_lock);
		*slept = true;
	}
}

int bcache_read_direct(uint64_t first, void *buf, uint32_t nblocks)
{
	uint8_t *p = buf;

	if (first >= dev.sectors / BCACHE_SECTORS || nblocks > dev.sectors / BCACHE_SECTORS - first)
		return -EINVAL;
	nreads += nblocks;
	nreadreq++;
	proc_account_inblock((uint64_t)nblocks * BCACHE_SECTORS);
	if (dev.read(first * BCACHE_SECTORS, buf, nblocks * BCACHE_SECTORS))
		return -EIO;
	/* A block the cache holds is newer than the disk (a shrink zeroed a
	 * tail through it; /dev/vda wrote it): that copy wins. */
	for (uint32_t i = 0; i < nblocks; i++, p += BCACHE_BLOCK) {
		unsigned long flags = spin_lock_irqsave(&bc_lock);
		bool slept = false;
		struct bc_entry *e = settled(first + i, &flags, &slept);
		if (e)
			memcpy(p, e->b.data, BCACHE_BLOCK);
		spin_unlock_irqrestore(&bc_lock, flags);
		if (!e && slept) { /* it was being written back: read it again */
			nreadreq++;
			if (dev.read((first + i) * BCACHE_SECTORS, p, BCACHE_SECTORS))
				return -EIO;
		}
	}
	return 0;
}

int bcache_write_direct(uint64_t first, const void *buf, uint32_t nblocks)
{
	const uint8_t *p = buf;

	if (first >= dev.sectors / BCACHE_SECTORS || nblocks > dev.sectors / BCACHE_SECTORS - first)
		return -EINVAL;
	/* A cached copy (a metadata block freed and reused for data, say)
	 * takes the new bytes and is clean: it can never be written back
	 * over them later, nor read stale. */
	for (uint32_t i = 0; i < nblocks; i++, p += BCACHE_BLOCK) {
		unsigned long flags = spin_lock_irqsave(&bc_lock);
		bool slept = false;
		struct bc_entry *e = settled(first + i, &flags, &slept);
		if (e) {
			memcpy(e->b.data, p, BCACHE_BLOCK);
			e->b.dirty = false;
		}
		spin_unlock_irqrestore(&bc_lock, flags);
	}
	return dev_write_blocks(first, buf, nblocks) ? -EIO : 0;
}

/* ---- writing back */

static struct bcache_buf *buf_at(unsigned int i)
{
	return &chunks[i / chunk_bufs][i % chunk_bufs].b;
}

/* Write back chunk c's dirty buffers that nobody holds and that became
 * dirty before before (UINT64_MAX: any); with forget, also drop each.  Its
 * mark is taken: put back if a dirty buffer is left. */
static int writeback_chunk(unsigned int c, bool forget, uint64_t before)
{
	unsigned long flags;
	int first_err = 0;
	bool left = false;

	for (unsigned int i = c * chunk_bufs; i < (c + 1) * chunk_bufs; i++) {
		struct bcache_buf *b = buf_at(i);
		__atomic_fetch_add(&looked, 1, __ATOMIC_RELAXED);
		if (!forget && !__atomic_load_n(&b->dirty, __ATOMIC_RELAXED))
			continue; /* a glance: one made dirty from now on marks c again */
		flags = spin_lock_irqsave(&bc_lock);
		/* Being written by another pass (the flusher's): a sync returns
		 * only once it is on the disk, as Linux's waits for buffers
		 * under write-back.  The flusher's own pass does not wait. */
		while (before == UINT64_MAX && b->busy && entry_of(b)->writing)
			waitq_sleep(&bc_wq, &bc_lock);
		/* Held, or dirty again since the expiry's cut: not now. */
		if (b->busy || !b->valid || (b->dirty && b->dirtied_ns >= before)) {
			left |= b->valid && b->dirty;
			spin_unlock_irqrestore(&bc_lock, flags);
			continue;
		}
		b->busy = entry_of(b)->writing = true;
		spin_unlock_irqrestore(&bc_lock, flags);
		int err = b->dirty ? dev_write_block(b->blockno, b->data) : 0;
		if (!err)
			b->dirty = false;
		else /* still dirty: the flusher tries again one expiry later */
			b->dirtied_ns = timer_ns();
		left |= err != 0;
		if (err && !first_err)
			first_err = err;
		if (forget && !err)
			b->valid = false;
		entry_of(b)->writing = false;
		bcache_put(b);
	}
	if (left)
		chunk_mark(c);
	return first_err;
}

/* Write back every dirty buffer nobody holds that became dirty before
 * before (UINT64_MAX: any), looking only at chunks marked dirty; with
 * forget, also drop every buffer. */
static int bcache_writeback(bool forget, uint64_t before)
{
	int first_err = 0;

	for (unsigned int c = 0; c < __atomic_load_n(&ninit, __ATOMIC_ACQUIRE); c++) {
		/* The mark goes first: a buffer made dirty from here on marks
		 * the chunk again. */
		if (!chunk_take(c) && !forget)
			continue;
		int err = writeback_chunk(c, forget, before);
		if (err && !first_err)
			first_err = err;
	}
	return first_err;
}

int bcache_sync(void)
{
	int err = bcache_writeback(false, UINT64_MAX);
	int ferr = dev.flush ? dev.flush() : 0;

	return err ? err : ferr;
}

int bcache_drop(void)
{
	int err = bcache_writeback(true, UINT64_MAX);
	int ferr = dev.flush ? dev.flush() : 0;

	return err ? err : ferr;
}

int bcache_write_expired(uint64_t dirtied_before)
{
	return bcache_writeback(false, dirtied_before);
}

/* A glance at every buffer, without the lock: each flag is read once. */
void bcache_counts(struct bcache_counts *c)
{
	c->valid = c->dirty = 0;
	for (unsigned int i = 0; i < __atomic_load_n(&ninit, __ATOMIC_ACQUIRE) * chunk_bufs; i++) {
		struct bcache_buf *b = buf_at(i);
		c->valid += __atomic_load_n(&b->valid, __ATOMIC_RELAXED);
		c->dirty += __atomic_load_n(&b->dirty, __ATOMIC_RELAXED);
	}
	c->writeback = __atomic_load_n(&inflight, __ATOMIC_RELAXED);
	c->looked = __atomic_load_n(&looked, __ATOMIC_RELAXED);
}

unsigned int bcache_buffers(void)
{
	return nchunks * chunk_bufs;
}

void bcache_stats(uint64_t *reads, uint64_t *writes)
{
	*reads = nreads;
	*writes = nwrites;
}

void bcache_requests(uint64_t *reads, uint64_t *writes)
{
	*reads = nreadreq;
	*writes = nwritereq;
}
