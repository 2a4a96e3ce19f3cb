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

void inode_put(struct inode *ino)
{
	unsigned long flags;

	if (!ino)
		return;
	flags = spin_lock_irqsave(&inode_lock);
	BUG_ON(ino->refs <= 0);
	if (--ino->refs > 0) {
		spin_unlock_irqrestore(&inode_lock, flags);
		return;
	}
	unhash(ino); /* a lookup from now on reads it afresh */
	spin_unlock_irqrestore(&inode_lock, flags);
	if (ino->sb && ino->sb->ops && ino->sb->ops->evict)
		ino->sb->ops->evict(ino);
	dealloc(ino);
}

bool inode_sb_busy(struct super_block *sb, int allowed)
{
	unsigned long flags = spin_lock_irqsave(&inode_lock);
	int refs = 0;

	for (int b = 0; b < INODE_HASH; b++)
		for (struct inode *i = inode_hash[b]; i; i = i->hash_next)
			if (i->sb == sb)
				refs += i->refs;
	spin_unlock_irqrestore(&inode_lock, flags);
	return refs > allowed;
}
