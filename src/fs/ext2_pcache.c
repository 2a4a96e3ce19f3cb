/*
 * ext2's page cache: the pages of a file that mappings use
 * (docs/user-memory.md, "File mappings").  The block cache stays the cache
 * of file data for read and write; a page is made here only when a
 * mapping faults on it, and from then on read and write of those bytes go
 * through the page (write also into the block cache, so the disk gets
 * them at the next sync as before), so that read, write and every mapping
 * see one copy.  Stores through MAP_SHARED mappings reach the block cache
 * when the page is written back: fsync, sync, and when the inode goes
 * (evict).  A page nobody maps any more is dropped at write-back or evict.
 *
 * Pages are found through a two-level table: a growing array of leaves,
 * each PC_LEAF slots (a kernel page address, bit 0 set while the page may
 * hold stores not written back).  Everything runs under the fs mutex.
 */
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/string.h>

#include "ext2_int.h"

#define PC_LEAF	 (PAGE_SIZE / sizeof(uintptr_t))
#define PC_DIRTY 1ul

/* The slot of page pg, made if make; NULL if absent (or no memory). */
static uintptr_t *pc_slot(struct ext2_pcache *pc, uint64_t pg, bool make)
{
	uint64_t top = pg / PC_LEAF;

	if (top >= pc->ntop) {
		if (!make)
			return NULL;
		size_t want = pc->ntop ? pc->ntop : 4;
		while (want <= top)
			want *= 2;
		uintptr_t **t = kzalloc(want * sizeof(*t));
		if (!t)
			return NULL;
		if (pc->top)
			memcpy(t, pc->top, pc->ntop * sizeof(*t));
		kfree(pc->top);
		pc->top = t;
		pc->ntop = want;
	}
	if (!pc->top[top]) {
		if (!make || !(pc->top[top] = kzalloc(PC_LEAF * sizeof(uintptr_t))))
			return NULL;
	}
	return &pc->top[top][pg % PC_LEAF];
}

uint8_t *ext2_pc_find(struct inode *ino, uint64_t pg)
{
	uintptr_t *slot = pc_slot(&EXT2_I(ino)->pc, pg, false);

	return slot && *slot ? (uint8_t *)(*slot & ~PC_DIRTY) : NULL;
}

/* Read page pg of the file into page (zeroed): its blocks below the end of
 * the file, through the block cache; holes and the end's tail stay zero. */
static int pc_fill(struct inode *ino, uint64_t pg, uint8_t *page)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	uint64_t at = pg * PAGE_SIZE;

	for (uint32_t off = 0; off < PAGE_SIZE && at + off < ino->size; off += fs->bsize) {
		uint32_t pblk;
		int err = ext2_bmap(ino, (at + off) / fs->bsize, false, &pblk);
		if (!err && pblk)
			err = ext2_read(fs, pblk, 0, page + off, fs->bsize);
		if (err)
			return err;
	}
	if (ino->size < at + PAGE_SIZE) /* the disk may hold old bytes past the end */
		memset(page + (ino->size - at), 0, at + PAGE_SIZE - ino->size);
	return 0;
}

int ext2_pc_get(struct inode *ino, uint64_t pg, uint8_t **out)
{
	uintptr_t *slot = pc_slot(&EXT2_I(ino)->pc, pg, true);
	uint8_t *page;
	int err;

	if (!slot)
		return -ENOMEM;
	if (*slot) {
		*out = (uint8_t *)(*slot & ~PC_DIRTY);
		return 0;
	}
	if (!(page = page_alloc_zeroed_kva()))
		return -ENOMEM;
	err = pc_fill(ino, pg, page);
	if (err) {
		page_free(virt_to_phys(page), 0);
		return err;
	}
	*slot = (uintptr_t)page;
	*out = page;
	return 0;
}

void ext2_pc_dirty(struct inode *ino, uint64_t pg)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	struct ext2_inode_info *ei = EXT2_I(ino);
	uintptr_t *slot = pc_slot(&ei->pc, pg, false);

	if (!slot || !*slot)
		return;
	*slot |= PC_DIRTY;
	if (!ei->on_dirty_list) { /* for sync: evict takes it off */
		ei->on_dirty_list = true;
		ei->dirty_next = fs->dirty_inodes;
		fs->dirty_inodes = ino;
	}
}

/* Give the cache's page back: the last owner (maybe a mapping) frees it. */
static void pc_drop(uintptr_t *slot)
{
	paddr_t pa = virt_to_phys((void *)(*slot & ~PC_DIRTY));

	*slot = 0;
	if (page_unshare(pa))
		page_free(pa, 0);
}

/* Write page pg's blocks below the end of the file into the block cache
 * (allocating any a store through a mapping filled in a hole). */
static int pc_write_page(struct inode *ino, uint64_t pg, const uint8_t *page)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	uint64_t at = pg * PAGE_SIZE;

	for (uint32_t off = 0; off < PAGE_SIZE && at + off < ino->size; off += fs->bsize) {
		uint32_t pblk;
		int err = ext2_bmap(ino, (at + off) / fs->bsize, true, &pblk);
		if (!err)
			err = ext2_write(fs, pblk, 0, page + off, fs->bsize);
		if (err)
			return err;
	}
	return 0;
}

int ext2_pc_writeback(struct inode *ino, bool drop_all)
{
	struct ext2_pcache *pc = &EXT2_I(ino)->pc;
	int first = 0;

	for (size_t t = 0; t < pc->ntop; t++) {
		for (size_t i = 0; pc->top[t] && i < PC_LEAF; i++) {
			uintptr_t *slot = &pc->top[t][i];
			uint8_t *page = (uint8_t *)(*slot & ~PC_DIRTY);
			if (!*slot)
				continue;
			if ((*slot & PC_DIRTY) && !EXT2_FS(ino->sb)->readonly && ino->nlink) {
				int err = pc_write_page(ino, t * PC_LEAF + i, page);
				first = first ? first : err;
			}
			/* Still mapped: it may be stored to again; keep it dirty. */
			if (drop_all || !page_shared(virt_to_phys(page)))
				pc_drop(slot);
		}
	}
	if (drop_all) {
		for (size_t t = 0; t < pc->ntop; t++)
			kfree(pc->top[t]);
		kfree(pc->top);
		pc->top = NULL;
		pc->ntop = 0;
	}
	return first;
}

void ext2_pc_truncate(struct inode *ino, uint64_t size)
{
	struct ext2_pcache *pc = &EXT2_I(ino)->pc;
	uint64_t keep = (size + PAGE_SIZE - 1) / PAGE_SIZE;

	for (size_t t = keep / PC_LEAF; t < pc->ntop; t++)
		for (size_t i = 0; pc->top[t] && i < PC_LEAF; i++)
			if (t * PC_LEAF + i >= keep && pc->top[t][i])
				pc_drop(&pc->top[t][i]);
	uint8_t *last = size % PAGE_SIZE ? ext2_pc_find(ino, size / PAGE_SIZE) : NULL;
	if (last)
		memset(last + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
}

int ext2_pc_sync(struct ext2_fs *fs)
{
	int first = 0;

	/* Inodes stay on the list until evicted: their pages may be stored
	 * to again while mapped. */
	for (struct inode *ino = fs->dirty_inodes; ino; ino = EXT2_I(ino)->dirty_next) {
		int err = ext2_pc_writeback(ino, false);
		first = first ? first : err;
	}
	return first;
}

void ext2_pc_forget(struct inode *ino)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	struct ext2_inode_info *ei = EXT2_I(ino);

	ext2_pc_writeback(ino, true);
	if (!ei->on_dirty_list)
		return;
	for (struct inode **pp = &fs->dirty_inodes; *pp; pp = &EXT2_I(*pp)->dirty_next) {
		if (*pp == ino) {
			*pp = ei->dirty_next;
			break;
		}
	}
	ei->on_dirty_list = false;
}
