/*
 * The block cache: see <sluice/bcache.h>.
 *
 * One list of buffers, most recently used first, under bc_lock.  Disk I/O
 * sleeps, so it never happens under the lock: a buffer being read or
 * written is marked busy, and whoever wants it sleeps on bc_wq until it is
 * put back.  A buffer claimed for block n carries n from the moment it is
 * claimed, valid or not yet: anyone else asking for n while it is being
 * filled waits for it rather than reading n into a second buffer (two
 * copies of one block, and a write to one of them lost).  When a dirty
 * buffer is reused for another block, its old contents are written back
 * first; until that write is done the old block number is remembered
 * (wb_blockno), and anyone asking for that block waits: reading it from the
 * disk then would get stale data.
 */
#include <sluice/bcache.h>
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/panic.h>
#include <sluice/proc.h>
#include <sluice/spinlock.h>

struct bc_entry {
	struct bcache_buf b;
	bool wb;             /* writing back the block below */
	uint64_t wb_blockno;
};

static struct bcache_dev dev;
static struct bc_entry *entries;
static unsigned int nentries;
static struct bcache_buf *head; /* most recently used */
static struct spinlock bc_lock = SPINLOCK_INIT;
static struct waitq bc_wq = WAITQ_INIT;
static uint64_t nreads, nwrites;

static void lru_unlink(struct bcache_buf *b)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		head = b->next;
	if (b->next)
		b->next->prev = b->prev;
	b->prev = b->next = NULL;
}

static void lru_push_front(struct bcache_buf *b)
{
	b->next = head;
	b->prev = NULL;
	if (head)
		head->prev = b;
	head = b;
}

int bcache_init(const struct bcache_dev *d, unsigned int nbufs)
{
	entries = kzalloc(nbufs * sizeof(*entries));
	if (!entries)
		return -ENOMEM;
	for (unsigned int i = 0; i < nbufs; i++) {
		entries[i].b.data = kmalloc(BCACHE_BLOCK);
		if (!entries[i].b.data)
			return -ENOMEM; /* the buffers so far stay allocated: boot-time only */
		lru_push_front(&entries[i].b);
	}
	nentries = nbufs;
	dev = *d;
	return 0;
}

static struct bc_entry *entry_of(struct bcache_buf *b)
{
	return (struct bc_entry *)b;
}

/* Under bc_lock: is block n being written back from some other buffer? */
static bool in_writeback(uint64_t n)
{
	for (unsigned int i = 0; i < nentries; i++)
		if (entries[i].wb && entries[i].wb_blockno == n)
			return true;
	return false;
}

static int dev_write_block(uint64_t n, const void *data)
{
	nwrites++;
	return dev.write(n * BCACHE_SECTORS, data, BCACHE_SECTORS);
}

/*
 * Under bc_lock: claim the buffer holding block n, or reuse the least
 * recently used free one for it (writing its old dirty contents back
 * first).  0 with *out busy for the caller; -EAGAIN after sleeping (look
 * again); -EIO if the write-back failed (the old block stays cached, dirty:
 * nothing is lost).
 */
static int bcache_claim(uint64_t n, unsigned long *flags, struct bcache_buf **out)
{
	struct bcache_buf *b, *victim = NULL;

	for (b = head; b; b = b->next) {
		if (b->blockno == n && (b->valid || b->busy)) { /* busy: being filled */
			if (b->busy)
				goto wait;
			b->busy = true;
			*out = b;
			return 0;
		}
		if (!b->busy && !entry_of(b)->wb)
			victim = b; /* the last such is the least recently used */
	}
	if (!victim || in_writeback(n))
		goto wait;
	victim->busy = true;
	if (victim->valid && victim->dirty) {
		struct bc_entry *e = entry_of(victim);
		e->wb = true;
		e->wb_blockno = victim->blockno;
		victim->blockno = n; /* findable as the new block, not the old */
		victim->valid = false;
		spin_unlock_irqrestore(&bc_lock, *flags);
		int err = dev_write_block(e->wb_blockno, victim->data);
		*flags = spin_lock_irqsave(&bc_lock);
		e->wb = false;
		if (err) {
			victim->blockno = e->wb_blockno; /* still the old block, still dirty */
			victim->valid = true;
			victim->busy = false;
			return -EIO;
		}
		victim->dirty = false;
	}
	victim->blockno = n;
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

void bcache_dirty(struct bcache_buf *b)
{
	BUG_ON(!b->busy);
	b->dirty = true;
}

void bcache_put(struct bcache_buf *b)
{
	unsigned long flags = spin_lock_irqsave(&bc_lock);

	BUG_ON(!b->busy);
	b->busy = false;
	spin_unlock_irqrestore(&bc_lock, flags);
	waitq_wake_all(&bc_wq);
}

/* Write back every dirty buffer nobody holds; with forget, also drop them. */
static int bcache_writeback(bool forget)
{
	int first_err = 0;

	for (unsigned int i = 0; i < nentries; i++) {
		struct bcache_buf *b = &entries[i].b;
		unsigned long flags = spin_lock_irqsave(&bc_lock);
		if (b->busy || !b->valid) {
			spin_unlock_irqrestore(&bc_lock, flags);
			continue;
		}
		b->busy = true;
		spin_unlock_irqrestore(&bc_lock, flags);
		int err = b->dirty ? dev_write_block(b->blockno, b->data) : 0;
		if (!err)
			b->dirty = false;
		if (err && !first_err)
			first_err = err;
		if (forget && !err)
			b->valid = false;
		bcache_put(b);
	}
	return first_err;
}

int bcache_sync(void)
{
	int err = bcache_writeback(false);
	int ferr = dev.flush ? dev.flush() : 0;

	return err ? err : ferr;
}

int bcache_drop(void)
{
	int err = bcache_writeback(true);
	int ferr = dev.flush ? dev.flush() : 0;

	return err ? err : ferr;
}

void bcache_stats(uint64_t *reads, uint64_t *writes)
{
	*reads = nreads;
	*writes = nwrites;
}
