/*
 * The inode table: one struct inode per (super block, inode number) in
 * memory at a time, found by hashing, counted, evicted by the file system
 * when the last reference goes (sluice/vfs.h).
 */
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/objcount.h>
#include <sluice/panic.h>
#include <sluice/string.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

#define INODE_HASH 256

static struct spinlock inode_lock = SPINLOCK_INIT;
static struct inode *inode_hash[INODE_HASH];

static struct inode **bucket(struct super_block *sb, uint64_t ino)
{
	return &inode_hash[((uintptr_t)sb / 64 + ino * 31) % INODE_HASH];
}

static struct inode *alloc(struct super_block *sb, uint64_t ino)
{
	struct inode *i = kzalloc(sizeof(*i));

	if (i) {
		i->sb = sb;
		i->ino = ino;
		i->refs = 1;
		objcount_add(OBJ_INODE, 1);
	}
	return i;
}

/* Every struct inode is freed here: the count must see each one go. */
static void dealloc(struct inode *i)
{
	if (i)
		objcount_add(OBJ_INODE, -1);
	kfree(i);
}

struct inode *inode_lookup(struct super_block *sb, uint64_t ino, bool *fresh)
{
	struct inode **b = bucket(sb, ino), *i, *n = NULL;
	unsigned long flags;

	for (;;) {
		flags = spin_lock_irqsave(&inode_lock);
		for (i = *b; i; i = i->hash_next)
			if (i->sb == sb && i->ino == ino)
				break;
		if (i) {
			i->refs++;
			spin_unlock_irqrestore(&inode_lock, flags);
			dealloc(n);
			*fresh = false;
			return i;
		}
		if (n) {
			n->hash_next = *b;
			*b = n;
			spin_unlock_irqrestore(&inode_lock, flags);
			*fresh = true;
			return n;
		}
		spin_unlock_irqrestore(&inode_lock, flags);
		n = alloc(sb, ino); /* kmalloc may not run under the lock: try again */
		if (!n)
			return NULL;
	}
}

static void unhash(struct inode *ino)
{
	for (struct inode **pp = bucket(ino->sb, ino->ino); *pp; pp = &(*pp)->hash_next) {
		if (*pp == ino) {
			*pp = ino->hash_next;
			return;
		}
	}
}

void inode_fail(struct inode *ino)
{
	unsigned long flags = spin_lock_irqsave(&inode_lock);

	unhash(ino);
	spin_unlock_irqrestore(&inode_lock, flags);
	dealloc(ino);
}

struct inode *inode_new(struct super_block *sb, uint64_t ino)
{
	return alloc(sb, ino);
}

struct inode *inode_get(struct inode *ino)
{
	unsigned long flags = spin_lock_irqsave(&inode_lock);

	BUG_ON(ino->refs <= 0);
	ino->refs++;
	spin_unlock_irqrestore(&inode_lock, flags);
	return ino;
}

void inode_set_parent(struct inode *dir, struct inode *parent, bool only_if_none)
{
	unsigned long flags = spin_lock_irqsave(&inode_lock);
	struct inode *old = dir->parent;

	if (old == parent || (old && only_if_none)) {
		old = NULL;
	} else {
		BUG_ON(parent->refs <= 0);
		parent->refs++;
		dir->parent = parent;
	}
	spin_unlock_irqrestore(&inode_lock, flags);
	inode_put(old); /* the caller holds it too (rename's old directory) */
}

/* Move ino->writers by step (+1 or -1) if it is not of the other sign. */
static int writers_step(struct inode *ino, int step)
{
	int n = __atomic_load_n(&ino->writers, __ATOMIC_RELAXED);

	do {
		if (step > 0 ? n < 0 : n > 0)
			return -ETXTBSY;
	} while (!__atomic_compare_exchange_n(&ino->writers, &n, n + step, true, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return 0;
}

int inode_get_write(struct inode *ino)
{
	return writers_step(ino, 1);
}

void inode_put_write(struct inode *ino)
{
	BUG_ON(__atomic_fetch_sub(&ino->writers, 1, __ATOMIC_ACQ_REL) <= 0);
}

int inode_deny_write(struct inode *ino)
{
	return writers_step(ino, -1);
}

void inode_allow_write(struct inode *ino)
{
	BUG_ON(__atomic_fetch_add(&ino->writers, 1, __ATOMIC_ACQ_REL) >= 0);
}

/* Drop a reference: true if it was the last (ino is then out of the hash). */
static bool drop_ref(struct inode *ino)
{
	unsigned long flags = spin_lock_irqsave(&inode_lock);
	bool last;

	BUG_ON(ino->refs <= 0);
	last = --ino->refs == 0;
	if (last && ino->sb && ino->sb->ops && ino->sb->ops->drop)
		ino->sb->ops->drop(ino); /* what a fresh lookup must find (ext2's pages) */
	if (last)
		unhash(ino); /* a lookup from now on reads it afresh */
	spin_unlock_irqrestore(&inode_lock, flags);
	return last;
}

void inode_put(struct inode *ino)
{
	while (ino && drop_ref(ino)) {
		struct inode *next;

		if (ino->sb && ino->sb->ops && ino->sb->ops->evict)
			ino->sb->ops->evict(ino);
		next = ino->parent;
		dealloc(ino);
		ino = next;
	}
}
