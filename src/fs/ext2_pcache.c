/*
 * ext2's page cache: the one copy in memory of a regular file's data
 * (docs/ext2.md, "The page cache").  read, write and every mapping of the
 * file use these pages; the block cache keeps only metadata, and a page
 * moves between here and the disk around it (bcache_read_direct,
 * bcache_write_direct).
 *
 * A file's pages are found through a radix tree of PC_FAN-slot nodes, as
 * deep as the file's last cached page needs (a page 2^30 pages in takes
 * five levels).  A leaf slot holds a kernel page address with flag bits
 * below it: PC_DIRTY (stores not written back yet) and PC_REF (used since
 * reclaim last looked).  A page's owners are counted (page_share): the
 * cache is the first; every mapping and every pin is another.
 *
 * Locking.  Everything but reclaim runs under the file system's mutex.
 * Reclaim runs inside page_alloc, which may be called with any lock held
 * (mm->lock, the fs mutex, bcache's...), so it may take no mutex and must
 * not sleep: it takes pc_lock alone, a spinlock under which nothing
 * allocates or sleeps, and frees only pages that are clean and have no
 * owner but the cache.  So a slot changes under pc_lock, and a page the
 * file system is using is pinned (an owner) from the moment it is looked
 * up until it is let go, which makes reclaim pass it by.
 *
 * Reclaim is second chance (a clock): a hand sweeps every cache's slots;
 * a page used since the hand last passed loses its PC_REF and stays, one
 * not used is freed if it is clean and nobody else owns it.  Dirty pages
 * are written back by their file system (fsync, sync, evict, the flusher
 * once a file's first dirty page is old enough, and write when too many
 * are dirty), never from reclaim: that needs the mutex.
 *
 * Every cached page counts as reclaimable (page_reclaimable_add), so
 * page_free_count includes the cache, as free(1)'s "available" does.
 *
 * When the last reference to a still-linked inode goes, its cache (clean
 * by then) is parked, found by (fs, inode number) when the inode is read
 * in again, so a file's pages outlive its last close as on Linux.
 */
#include <sluice/bcache.h>
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/mutex.h>
#include <sluice/spinlock.h>
#include <sluice/string.h>
#include <sluice/timer.h>

#include "ext2_int.h"

#define PC_SHIFT	 6
#define PC_FAN		 (1u << PC_SHIFT) /* slots per node: 512 bytes */
#define PC_DIRTY	 1ul
#define PC_REF		 2ul
#define PC_FLAGS	 (PC_DIRTY | PC_REF)
#define PC_PARK_HASH	 64
#define PC_RECLAIM_BATCH 32 /* pages one reclaim call frees, at most */

static struct spinlock pc_lock = SPINLOCK_INIT;
static struct ext2_pcache *pc_all; /* every cache: the clock's round */
static struct ext2_pcache *parked[PC_PARK_HASH];
static struct {
	struct ext2_pcache *pc; /* NULL: start again at pc_all */
	uint64_t pg;
} hand;
static size_t pc_pages, pc_dirty; /* in every cache */
static size_t pc_count;		  /* caches */
static size_t pc_writing;	  /* pages being written now (atomic) */

static uint8_t *slot_page(uintptr_t s)
{
	return (uint8_t *)(s & ~PC_FLAGS);
}

struct pc_node {
	uintptr_t slot[PC_FAN]; /* a child node, or in a leaf a page and flags */
};

/* Pages the tree can hold now: PC_FAN^depth. */
static uint64_t pc_cap(const struct ext2_pcache *pc)
{
	return pc->depth ? 1ull << (PC_SHIFT * pc->depth) : 0;
}

/*
 * Under pc_lock: the first slot holding a page at index *pg or after
 * (*pg moved there), or NULL.  A missing subtree is skipped whole.
 */
static uintptr_t *slot_next(struct ext2_pcache *pc, uint64_t *pg)
{
	while (pc && *pg < pc_cap(pc)) {
		struct pc_node *n = pc->root;
		unsigned int shift = PC_SHIFT * (pc->depth - 1);
		uintptr_t *s;
		for (;; shift -= PC_SHIFT) {
			s = &n->slot[(*pg >> shift) % PC_FAN];
			if (!*s || !shift)
				break;
			n = (struct pc_node *)*s;
		}
		if (*s)
			return s;
		*pg = ((*pg >> shift) + 1) << shift; /* past the empty slot */
	}
	return NULL;
}

/* Under pc_lock: the slot of page pg if it holds a page, else NULL. */
static uintptr_t *slot_of(struct ext2_pcache *pc, uint64_t pg)
{
	if (!pc || pg >= pc_cap(pc))
		return NULL;
	struct pc_node *n = pc->root;
	for (unsigned int shift = PC_SHIFT * (pc->depth - 1); shift; shift -= PC_SHIFT)
		if (!(n = (struct pc_node *)n->slot[(pg >> shift) % PC_FAN]))
			return NULL;
	return n->slot[pg % PC_FAN] ? &n->slot[pg % PC_FAN] : NULL;
}

/* Under pc_lock: page pg's leaf slot, which pc_grow made room for. */
static uintptr_t *slot_leaf(struct ext2_pcache *pc, uint64_t pg)
{
	struct pc_node *n = pc->root;
	unsigned int shift = PC_SHIFT * (pc->depth - 1);

	for (; shift; shift -= PC_SHIFT)
		n = (struct pc_node *)n->slot[(pg >> shift) % PC_FAN];
	return &n->slot[pg % PC_FAN];
}

/* Under pc_lock: the page leaves the cache (the last owner frees it). */
static void slot_clear(struct ext2_pcache *pc, uintptr_t *slot)
{
	paddr_t pa = virt_to_phys(slot_page(*slot));

	if (*slot & PC_DIRTY) {
		pc_dirty--;
		pc->ndirty--;
	}
	*slot = 0;
	pc->npages--;
	pc_pages--;
	page_reclaimable_add(-1);
	if (page_unshare(pa))
		page_free(pa, 0);
}

/* --- reclaim: from page_alloc, any context; pc_lock only --- */

/* Under pc_lock: look at the slot under the hand and move the hand on.
 * true if a page was freed. */
static bool clock_step(void)
{
	struct ext2_pcache *pc = hand.pc ? hand.pc : pc_all;
	uint64_t pg = hand.pc ? hand.pg : 0;
	uintptr_t *slot = slot_next(pc, &pg);

	if (!slot) { /* this cache is done: on to the next */
		hand.pc = pc->next;
		hand.pg = 0;
		return false;
	}
	hand.pc = pc;
	hand.pg = pg + 1;
	if (*slot & PC_REF) { /* used lately: a second chance */
		*slot &= ~PC_REF;
		return false;
	}
	if ((*slot & PC_DIRTY) || page_shared(virt_to_phys(slot_page(*slot))))
		return false; /* mapped or pinned: not ours alone */
	slot_clear(pc, slot);
	return true;
}

/* page_alloc's reclaimer: free up to a batch of clean, unowned pages.
 * Two rounds of the clock at most: a page skipped once for PC_REF is
 * taken the second time. */
static void pc_reclaim(void)
{
	unsigned long flags = spin_lock_irqsave(&pc_lock);
	size_t budget = 2 * (pc_pages + pc_count), freed = 0;

	while (pc_all && pc_pages && budget-- && freed < PC_RECLAIM_BATCH)
		freed += clock_step();
	spin_unlock_irqrestore(&pc_lock, flags);
}

/* --- the table (under the fs mutex) --- */

static void pc_link(struct ext2_pcache *pc)
{
	static bool registered;
	unsigned long flags = spin_lock_irqsave(&pc_lock);

	pc_count++;
	pc->prev = NULL;
	pc->next = pc_all;
	if (pc_all)
		pc_all->prev = pc;
	pc_all = pc;
	spin_unlock_irqrestore(&pc_lock, flags);
	if (!registered) {
		page_alloc_set_reclaim(pc_reclaim);
		registered = true;
	}
}

/* Under pc_lock: take pc off the clock's round. */
static void pc_unlink_locked(struct ext2_pcache *pc)
{
	if (hand.pc == pc) {
		hand.pc = pc->next;
		hand.pg = 0;
	}
	if (pc->prev)
		pc->prev->next = pc->next;
	else
		pc_all = pc->next;
	if (pc->next)
		pc->next->prev = pc->prev;
}

/* The inode's cache, made if it has none (NULL: no memory). */
static struct ext2_pcache *pc_of(struct inode *ino)
{
	struct ext2_inode_info *ei = EXT2_I(ino);

	if (!ei->pc && (ei->pc = kzalloc(sizeof(*ei->pc)))) {
		ei->pc->fs = EXT2_FS(ino->sb);
		ei->pc->ino_nr = (uint32_t)ino->ino;
		pc_link(ei->pc);
	}
	return ei->pc;
}

/* Under the fs mutex: put node in *where, under pc_lock (reclaim may be
 * walking the tree). */
static void node_install(uintptr_t *where, struct pc_node *node, struct ext2_pcache *deeper)
{
	unsigned long flags = spin_lock_irqsave(&pc_lock);

	if (deeper) { /* a new root above the old one (none, the first time) */
		node->slot[0] = (uintptr_t)deeper->root;
		deeper->root = node;
		deeper->depth++;
	} else {
		*where = (uintptr_t)node;
	}
	spin_unlock_irqrestore(&pc_lock, flags);
}

/* Room for page pg's slot: the tree deepened and the nodes on the way
 * made, each allocated first and then put in place. */
static int pc_grow(struct ext2_pcache *pc, uint64_t pg)
{
	struct pc_node *n;

	while (pg >= pc_cap(pc)) {
		if (!(n = kzalloc(sizeof(*n))))
			return -ENOMEM;
		node_install(NULL, n, pc); /* the first root too: pc is on pc_all */
	}
	n = pc->root;
	for (unsigned int shift = PC_SHIFT * (pc->depth - 1); shift; shift -= PC_SHIFT) {
		uintptr_t *s = &n->slot[(pg >> shift) % PC_FAN];
		if (!*s) {
			struct pc_node *child = kzalloc(sizeof(*child));
			if (!child)
				return -ENOMEM;
			node_install(s, child, NULL);
		}
		n = (struct pc_node *)*s;
	}
	return 0;
}

/* --- between the page and the disk --- */

/*
 * Run over page pg's blocks below the end of the file: each run of blocks
 * that lie one after the other on the disk is moved in one request; a
 * hole reads as zeros (and is given a block when written).
 */
static int pc_io(struct inode *ino, uint64_t pg, uint8_t *page, bool write)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	uint64_t at = pg * PAGE_SIZE, per = fs->bsize / BCACHE_BLOCK;
	uint32_t off = 0;

	/* The page holding the end: what a shared mapping stored past the end
	 * is zeroed, in the page too, as Linux's write-back does, so a file
	 * grown later shows zeros there and the disk never holds it. */
	if (write && at < ino->size && ino->size - at < PAGE_SIZE)
		memset(page + (ino->size - at), 0, PAGE_SIZE - (ino->size - at));
	while (off < PAGE_SIZE && at + off < ino->size) {
		uint32_t pblk, next, n = fs->bsize;
		int err = ext2_bmap(ino, (at + off) / fs->bsize, write ? EXT2_BMAP_DATA : 0, &pblk);
		while (!err && pblk && off + n < PAGE_SIZE && at + off + n < ino->size &&
		       !(err = ext2_bmap(ino, (at + off + n) / fs->bsize,
					 write ? EXT2_BMAP_DATA : 0, &next)) &&
		       next == pblk + n / fs->bsize)
			n += fs->bsize;
		if (err)
			return err;
		if (!pblk)
			memset(page + off, 0, n);
		else if (write)
			err = bcache_write_direct(pblk * per, page + off, n / BCACHE_BLOCK);
		else
			err = bcache_read_direct(pblk * per, page + off, n / BCACHE_BLOCK);
		if (err)
			return err == -EINVAL
				       ? ext2_corrupt("block %u past the end of the disk", pblk)
				       : err;
		off += n;
	}
	if (!write && off < PAGE_SIZE) /* the disk may hold old bytes past the end */
		memset(page + off, 0, PAGE_SIZE - off);
	return 0;
}

/* Under pc_lock: the page in slot, pinned for the caller. */
static uint8_t *pin_locked(uintptr_t *slot)
{
	*slot |= PC_REF;
	page_share(virt_to_phys(slot_page(*slot)));
	return slot_page(*slot);
}

void ext2_pc_unpin(uint8_t *page)
{
	paddr_t pa = virt_to_phys(page);

	if (page_unshare(pa)) /* the cache let go meanwhile (truncate) */
		page_free(pa, 0);
}

/* A new page for page pg: read in, zeros, or as it comes (how). */
static int pc_new_page(struct inode *ino, uint64_t pg, int how, uint8_t **out)
{
	paddr_t pa = how == EXT2_PC_ZERO ? 0 : page_alloc(0);
	uint8_t *page = how == EXT2_PC_ZERO ? page_alloc_zeroed_kva()
			: pa		    ? phys_to_virt(pa)
					    : NULL;
	int err;

	if (!page)
		return -ENOMEM;
	err = how == EXT2_PC_READ ? pc_io(ino, pg, page, false) : 0; /* every byte */
	if (err) {
		page_free(virt_to_phys(page), 0);
		return err;
	}
	*out = page;
	return 0;
}

int ext2_pc_get(struct inode *ino, uint64_t pg, int how, uint8_t **out)
{
	struct ext2_pcache *pc = pc_of(ino);
	unsigned long flags;
	uintptr_t *slot;
	uint8_t *page;
	int err;

	if (!pc)
		return -ENOMEM;
	flags = spin_lock_irqsave(&pc_lock);
	slot = slot_of(pc, pg);
	*out = slot && *slot ? pin_locked(slot) : NULL;
	spin_unlock_irqrestore(&pc_lock, flags);
	if (*out)
		return 0;
	/* Not cached: only this fs mutex's holder adds a page, so it is
	 * still missing when we put it in. */
	err = pc_grow(pc, pg);
	if (!err)
		err = pc_new_page(ino, pg, how, &page);
	if (err)
		return err;
	flags = spin_lock_irqsave(&pc_lock);
	slot = slot_leaf(pc, pg);
	*slot = (uintptr_t)page;
	pc->npages++;
	pc_pages++;
	page_reclaimable_add(1);
	*out = pin_locked(slot);
	spin_unlock_irqrestore(&pc_lock, flags);
	return how == EXT2_PC_WHOLE; /* 1: its bytes are the caller's to set */
}

/* How many pages from pg on (at most max, whole pages inside the file,
 * none cached) have their blocks one after another on the disk; the
 * first block in *first. */
static unsigned int ra_run(struct inode *ino, struct ext2_pcache *pc, uint64_t pg, unsigned int max,
			   uint32_t *first)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	uint32_t per_page = PAGE_SIZE / fs->bsize, pblk;
	unsigned int n = 0;

	for (; n < max && (pg + n + 1) * PAGE_SIZE <= ino->size; n++) {
		unsigned long flags = spin_lock_irqsave(&pc_lock);
		bool cached = slot_of(pc, pg + n) != NULL;
		spin_unlock_irqrestore(&pc_lock, flags);
		if (cached)
			break;
		for (uint32_t b = 0; b < per_page; b++) {
			uint64_t lblk = (pg + n) * per_page + b;
			if (ext2_bmap(ino, lblk, 0, &pblk) || !pblk ||
			    (n + b && pblk != *first + (uint32_t)((pg + n - pg) * per_page + b)))
				return n;
			if (!n && !b)
				*first = pblk;
		}
	}
	return n;
}

void ext2_pc_readahead(struct inode *ino, uint64_t pg)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	struct ext2_pcache *pc = pc_of(ino);
	uint32_t first = 0, per = fs->bsize / BCACHE_BLOCK;
	unsigned int n = pc ? ra_run(ino, pc, pg, EXT2_RA_PAGES, &first) : 0;
	paddr_t block = n > 1 ? page_alloc(EXT2_RA_ORDER) : 0;

	if (!block)
		return; /* one page (or no memory to spare): the plain read does it */
	uint8_t *buf = phys_to_virt(block);
	bool ok = !bcache_read_direct((uint64_t)first * per, buf,
				      n * (uint32_t)(PAGE_SIZE / BCACHE_BLOCK));
	for (unsigned int i = 0; i < EXT2_RA_PAGES; i++) {
		paddr_t pa = block + i * PAGE_SIZE;
		if (!ok || i >= n || pc_grow(pc, pg + i)) {
			page_free(pa, 0); /* one page of the block at a time */
			continue;
		}
		unsigned long flags = spin_lock_irqsave(&pc_lock);
		*slot_leaf(pc, pg + i) = (uintptr_t)phys_to_virt(pa);
		pc->npages++;
		pc_pages++;
		page_reclaimable_add(1);
		spin_unlock_irqrestore(&pc_lock, flags);
	}
}

/* Put ino on its file system's list of inodes with dirty pages, which
 * sync walks (evict takes it off).  Under the fs mutex. */
static void dirty_list_add(struct ext2_fs *fs, struct inode *ino)
{
	struct ext2_inode_info *ei = EXT2_I(ino);

	if (!ei->on_dirty_list) {
		ei->on_dirty_list = true;
		ei->dirty_next = fs->dirty_inodes;
		fs->dirty_inodes = ino;
	}
}

void ext2_pc_dirty(struct inode *ino, uint64_t pg)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	struct ext2_inode_info *ei = EXT2_I(ino);
	unsigned long flags = spin_lock_irqsave(&pc_lock);
	uintptr_t *slot = slot_of(ei->pc, pg);

	if (slot && *slot && !(*slot & PC_DIRTY)) {
		*slot |= PC_DIRTY;
		pc_dirty++;
		if (!ei->pc->ndirty++) /* the flusher's clock starts at the first */
			ei->pc->dirtied_ns = timer_ns();
	}
	spin_unlock_irqrestore(&pc_lock, flags);
	dirty_list_add(fs, ino);
}

bool ext2_pc_cached(struct inode *ino, uint64_t pg)
{
	unsigned long flags = spin_lock_irqsave(&pc_lock);
	bool in = slot_of(EXT2_I(ino)->pc, pg) != NULL;

	spin_unlock_irqrestore(&pc_lock, flags);
	return in;
}

bool ext2_pc_too_dirty(void)
{
	return __atomic_load_n(&pc_dirty, __ATOMIC_RELAXED) > page_total_count() / 8;
}

/* Under pc_lock: the next dirty page of pc from *pg on, or NULL. */
static uint8_t *next_dirty(struct ext2_pcache *pc, uint64_t *pg)
{
	for (uintptr_t *slot; (slot = slot_next(pc, pg)); (*pg)++)
		if (*slot & PC_DIRTY)
			return slot_page(*slot);
	return NULL;
}

int ext2_pc_writeback(struct inode *ino)
{
	struct ext2_pcache *pc = EXT2_I(ino)->pc;
	bool can = !EXT2_FS(ino->sb)->readonly && ino->nlink;
	unsigned long flags;
	int first = 0;
	uint8_t *page;

	/* Dirty pages stay put (reclaim takes clean ones only), and only
	 * the fs mutex's holder dirties or drops one: no pin needed. */
	for (uint64_t pg = 0; pc && can; pg++) {
		flags = spin_lock_irqsave(&pc_lock);
		page = next_dirty(pc, &pg);
		spin_unlock_irqrestore(&pc_lock, flags);
		if (!page)
			break;
		__atomic_add_fetch(&pc_writing, 1, __ATOMIC_RELAXED);
		int err = pc_io(ino, pg, page, true);
		__atomic_sub_fetch(&pc_writing, 1, __ATOMIC_RELAXED);
		first = first ? first : err;
		flags = spin_lock_irqsave(&pc_lock);
		uintptr_t *slot = slot_of(pc, pg);
		/* Still mapped: it may be stored to again, so it stays dirty. */
		if (!err && !page_shared(virt_to_phys(page))) {
			*slot &= ~PC_DIRTY;
			pc_dirty--;
			pc->ndirty--;
		}
		spin_unlock_irqrestore(&pc_lock, flags);
	}
	/* Pages left dirty (mapped, or the write failed) count as dirtied
	 * now: the flusher comes back to them one expiry later, not at once. */
	flags = spin_lock_irqsave(&pc_lock);
	if (pc && can && pc->ndirty)
		pc->dirtied_ns = timer_ns();
	spin_unlock_irqrestore(&pc_lock, flags);
	return first;
}

/* Under pc_lock: drop every page of pc from page keep on. */
static void drop_from(struct ext2_pcache *pc, uint64_t keep)
{
	for (uintptr_t *slot; (slot = slot_next(pc, &keep)); keep++)
		slot_clear(pc, slot);
}

void ext2_pc_truncate(struct inode *ino, uint64_t size)
{
	struct ext2_pcache *pc = EXT2_I(ino)->pc;
	unsigned long flags;
	uint8_t *last = NULL;

	if (!pc)
		return;
	flags = spin_lock_irqsave(&pc_lock);
	drop_from(pc, (size + PAGE_SIZE - 1) / PAGE_SIZE);
	uintptr_t *slot = size % PAGE_SIZE ? slot_of(pc, size / PAGE_SIZE) : NULL;
	if (slot && *slot)
		last = pin_locked(slot);
	spin_unlock_irqrestore(&pc_lock, flags);
	if (last) { /* growing again shows zeros there */
		memset(last + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
		ext2_pc_unpin(last);
	}
}

/* Under pc_lock: has pc pages dirty since before the cut? */
static bool dirty_before(const struct ext2_pcache *pc, uint64_t before)
{
	return pc && pc->ndirty && pc->dirtied_ns < before;
}

/* A parked cache of fs with pages dirty since before: its inode number,
 * or 0. */
static uint32_t parked_dirty(struct ext2_fs *fs, uint64_t before)
{
	unsigned long flags = spin_lock_irqsave(&pc_lock);
	uint32_t nr = 0;

	for (size_t b = 0; b < PC_PARK_HASH && !nr; b++)
		for (struct ext2_pcache *pc = parked[b]; pc && !nr; pc = pc->park_next)
			if (pc->fs == fs && dirty_before(pc, before))
				nr = pc->ino_nr;
	spin_unlock_irqrestore(&pc_lock, flags);
	return nr;
}

/* Count fs's parked caches with pages dirty since before. */
static size_t parked_dirty_count(struct ext2_fs *fs, uint64_t before)
{
	unsigned long flags = spin_lock_irqsave(&pc_lock);
	size_t n = 0;

	for (size_t b = 0; b < PC_PARK_HASH; b++)
		for (struct ext2_pcache *pc = parked[b]; pc; pc = pc->park_next)
			n += pc->fs == fs && dirty_before(pc, before);
	spin_unlock_irqrestore(&pc_lock, flags);
	return n;
}

/* Is ino's cache dirty since before? */
static bool inode_dirty_before(struct inode *ino, uint64_t before)
{
	unsigned long flags = spin_lock_irqsave(&pc_lock);
	bool old = dirty_before(EXT2_I(ino)->pc, before);

	spin_unlock_irqrestore(&pc_lock, flags);
	return old;
}

bool ext2_pc_expired(struct ext2_fs *fs, uint64_t before)
{
	unsigned long flags = spin_lock_irqsave(&pc_lock);
	bool any = false;

	for (struct ext2_pcache *pc = pc_all; pc && !any; pc = pc->next)
		any = pc->fs == fs && dirty_before(pc, before); /* parked ones too */
	spin_unlock_irqrestore(&pc_lock, flags);
	return any;
}

int ext2_pc_sync(struct ext2_fs *fs, uint64_t before)
{
	int first = 0;

	/* Inodes stay on the list until evicted: their pages may be stored
	 * to again while mapped. */
	for (struct inode *ino = fs->dirty_inodes; ino; ino = EXT2_I(ino)->dirty_next) {
		int err = inode_dirty_before(ino, before) ? ext2_pc_writeback(ino) : 0;
		first = first ? first : err;
	}
	/* Parked dirty pages: the inode is read in again (which takes its
	 * cache back), written back, and let go (which parks it, clean).
	 * As many rounds as there were such caches: one that fails stays. */
	for (size_t n = parked_dirty_count(fs, before); n; n--) {
		uint32_t nr = parked_dirty(fs, before);
		struct inode *ino;
		int err = nr ? ext2_iget(fs, nr, &ino) : 0;
		if (!nr)
			break;
		if (!err) {
			err = ext2_pc_writeback(ino);
			inode_put(ino);
		}
		first = first ? first : err;
	}
	return first;
}

/* --- a cache's life: with its inode, parked, gone --- */

static struct ext2_pcache **park_bucket(struct ext2_fs *fs, uint32_t nr)
{
	return &parked[((uintptr_t)fs / 64 + nr) % PC_PARK_HASH];
}

/* Under pc_lock: take pc out of its park bucket. */
static void unpark_locked(struct ext2_pcache *pc)
{
	struct ext2_pcache **pp = park_bucket(pc->fs, pc->ino_nr);

	while (*pp != pc)
		pp = &(*pp)->park_next;
	*pp = pc->park_next;
	pc->parked = false;
}

/* A subtree of depth levels, its pages dropped already. */
static void node_free(struct pc_node *n, unsigned int depth)
{
	for (unsigned int i = 0; depth > 1 && i < PC_FAN; i++)
		if (n->slot[i])
			node_free((struct pc_node *)n->slot[i], depth - 1);
	kfree(n);
}

/* Drop every page of pc (neither parked nor an inode's now) and free it. */
static void pc_destroy(struct ext2_pcache *pc)
{
	unsigned long flags = spin_lock_irqsave(&pc_lock);

	drop_from(pc, 0);
	pc_unlink_locked(pc);
	pc_count--;
	spin_unlock_irqrestore(&pc_lock, flags);
	if (pc->depth)
		node_free(pc->root, pc->depth);
	kfree(pc);
}

/* Under pc_lock: put pc in the park, found again by its inode number. */
static void park_locked(struct ext2_pcache *pc)
{
	struct ext2_pcache **b = park_bucket(pc->fs, pc->ino_nr);

	pc->park_next = *b;
	*b = pc;
	pc->parked = true;
}

void ext2_pc_drop(struct inode *ino)
{
	struct ext2_inode_info *ei = EXT2_I(ino);

	/* An inode without a name cannot be looked up again: evict drops its
	 * pages.  One with a name can, the moment it leaves the hash, by a
	 * lookup that reads it afresh: its pages (dirty ones too) must be
	 * where that lookup's attach finds them, not in this dying inode. */
	if (!ei || !ei->pc || !ino->nlink)
		return;
	unsigned long flags = spin_lock_irqsave(&pc_lock);
	park_locked(ei->pc);
	spin_unlock_irqrestore(&pc_lock, flags);
	ei->pc = NULL;
}

void ext2_pc_forget(struct inode *ino)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	struct ext2_inode_info *ei = EXT2_I(ino);
	struct ext2_pcache *pc = ei->pc;

	if (ei->on_dirty_list) {
		for (struct inode **pp = &fs->dirty_inodes; *pp; pp = &EXT2_I(*pp)->dirty_next) {
			if (*pp == ino) {
				*pp = ei->dirty_next;
				break;
			}
		}
		ei->on_dirty_list = false;
	}
	ei->pc = NULL;
	if (!pc)
		return;	  /* none, or parked by ext2_pc_drop */
	if (ino->nlink) { /* not dropped through inode_put: park it all the same */
		unsigned long flags = spin_lock_irqsave(&pc_lock);
		park_locked(pc);
		spin_unlock_irqrestore(&pc_lock, flags);
		return;
	}
	pc_destroy(pc); /* no name: its blocks go next, its bytes with them */
}

void ext2_pc_attach(struct inode *ino)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	unsigned long flags = spin_lock_irqsave(&pc_lock);
	struct ext2_pcache *pc = *park_bucket(fs, (uint32_t)ino->ino);

	while (pc && (pc->fs != fs || pc->ino_nr != ino->ino))
		pc = pc->park_next;
	if (pc)
		unpark_locked(pc);
	bool dirty = pc && pc->ndirty;
	spin_unlock_irqrestore(&pc_lock, flags);
	EXT2_I(ino)->pc = pc;
	/* Dirty pages back from the park: sync must find them again (it
	 * looked for them among the parked caches until now). */
	if (dirty)
		dirty_list_add(fs, ino);
}

/* A parked cache of fs, dirty or not, unparked, or NULL. */
static struct ext2_pcache *take_parked_any(struct ext2_fs *fs)
{
	unsigned long flags = spin_lock_irqsave(&pc_lock);
	struct ext2_pcache *pc = NULL;

	for (size_t b = 0; b < PC_PARK_HASH && !pc; b++)
		for (pc = parked[b]; pc && pc->fs != fs;)
			pc = pc->park_next;
	if (pc)
		unpark_locked(pc);
	spin_unlock_irqrestore(&pc_lock, flags);
	return pc;
}

/* A parked cache of fs (of any fs if NULL) without dirty pages, unparked,
 * or NULL.  Taken under pc_lock: an iget may want it back at the same
 * time. */
static struct ext2_pcache *take_parked(struct ext2_fs *fs)
{
	unsigned long flags = spin_lock_irqsave(&pc_lock);
	struct ext2_pcache *pc = NULL;

	for (size_t b = 0; b < PC_PARK_HASH && !pc; b++)
		for (pc = parked[b]; pc && ((fs && pc->fs != fs) || pc->ndirty);)
			pc = pc->park_next;
	if (pc)
		unpark_locked(pc);
	spin_unlock_irqrestore(&pc_lock, flags);
	return pc;
}

void ext2_pc_put_super(struct ext2_fs *fs)
{
	struct ext2_pcache *pc;

	mutex_lock(&fs->lock);
	ext2_pc_sync(fs, EXT2_PC_ALL); /* parked dirty pages: the last chance */
	mutex_unlock(&fs->lock);
	while ((pc = take_parked(fs)))
		pc_destroy(pc);
	while ((pc = take_parked_any(fs))) /* dirty still: the write failed */
		pc_destroy(pc);
}

void ext2_pc_drop_caches(void)
{
	struct ext2_pcache *pc;
	unsigned long flags = spin_lock_irqsave(&pc_lock);

	for (pc = pc_all; pc; pc = pc->next) {
		uintptr_t *slot;
		for (uint64_t pg = 0; (slot = slot_next(pc, &pg)); pg++)
			if (!(*slot & PC_DIRTY) && !page_shared(virt_to_phys(slot_page(*slot))))
				slot_clear(pc, slot);
	}
	spin_unlock_irqrestore(&pc_lock, flags);
	/* A parked cache belongs to no inode: no fs mutex guards it, and
	 * once taken out of the park nothing else can find it.  Dirty ones
	 * stay (the sync before this wrote them, unless it failed). */
	while ((pc = take_parked(NULL)))
		pc_destroy(pc);
}

void ext2_pc_counts(struct ext2_pc_counts *c)
{
	c->pages = __atomic_load_n(&pc_pages, __ATOMIC_RELAXED);
	c->dirty = __atomic_load_n(&pc_dirty, __ATOMIC_RELAXED);
	c->writeback = __atomic_load_n(&pc_writing, __ATOMIC_RELAXED);
}
