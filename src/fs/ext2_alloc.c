/*
 * ext2: allocating blocks and inodes.  Each group has one block of bitmap
 * for its blocks and one for its inodes (bit n set: block or inode n of the
 * group is in use).  Every allocation and free also moves the free counts
 * in the group descriptor and in the superblock, which e2fsck checks
 * against the bitmaps.
 */
#include <sluice/errno.h>
#include <sluice/types.h>

#include "ext2_int.h"

static bool bit_test(const uint8_t *map, uint32_t bit)
{
	return map[bit / 8] & (1u << (bit % 8));
}

/* The first clear bit of map[0, nbits) from start on, wrapping; -1 if none. */
static long bit_find_clear(const uint8_t *map, uint32_t nbits, uint32_t start)
{
	for (uint32_t i = 0; i < nbits; i++) {
		uint32_t bit = (start + i) % nbits;
		if (bit % 8 == 0 && bit + 8 <= nbits && map[bit / 8] == 0xff)
			i += 7; /* a whole byte in use */
		else if (!bit_test(map, bit))
			return bit;
	}
	return -1;
}

/*
 * In the bitmap at block bitmap_blk covering nbits, claim a clear bit near
 * start: 0 with *bit set (on disk too), -ENOSPC if all are set, or an I/O
 * error.
 */
static int bitmap_claim(struct ext2_fs *fs, uint32_t bitmap_blk, uint32_t nbits, uint32_t start,
			uint32_t *bit)
{
	int err = ext2_read(fs, bitmap_blk, 0, fs->bitmap, fs->bsize);
	long b;

	if (err)
		return err;
	b = bit_find_clear(fs->bitmap, nbits, start % nbits);
	if (b < 0)
		return -ENOSPC;
	fs->bitmap[b / 8] |= 1u << (b % 8);
	*bit = (uint32_t)b;
	return ext2_write(fs, bitmap_blk, b / 8, &fs->bitmap[b / 8], 1);
}

/* Clear bit in the bitmap at bitmap_blk: -EUCLEAN (reported) if it was clear. */
static int bitmap_release(struct ext2_fs *fs, uint32_t bitmap_blk, uint32_t bit, const char *what,
			  uint32_t n)
{
	uint8_t byte;
	int err = ext2_read(fs, bitmap_blk, bit / 8, &byte, 1);

	if (err)
		return err;
	if (!(byte & (1u << (bit % 8))))
		return ext2_corrupt("%s %u freed but not in use", what, n);
	byte &= ~(1u << (bit % 8));
	return ext2_write(fs, bitmap_blk, bit / 8, &byte, 1);
}

/* Blocks in group g: the last group may be short. */
static uint32_t group_blocks(struct ext2_fs *fs, uint32_t g)
{
	return MIN(fs->s.s_blocks_per_group, fs->s.s_blocks_count - ext2_group_first_block(fs, g));
}

/* Record one block or inode more (delta -1) or less (+1) in use. */
static int count_blocks(struct ext2_fs *fs, uint32_t g, int delta)
{
	fs->gd[g].bg_free_blocks_count += delta;
	fs->s.s_free_blocks_count += delta;
	int err = ext2_group_write(fs, g);
	return err ? err : ext2_super_write(fs);
}

static int count_inodes(struct ext2_fs *fs, uint32_t g, int delta, bool dir)
{
	fs->gd[g].bg_free_inodes_count += delta;
	fs->s.s_free_inodes_count += delta;
	if (dir)
		fs->gd[g].bg_used_dirs_count -= delta;
	int err = ext2_group_write(fs, g);
	return err ? err : ext2_super_write(fs);
}

int ext2_block_alloc(struct ext2_fs *fs, uint32_t goal, uint32_t *out)
{
	uint32_t first = fs->s.s_first_data_block, g0, bit;

	if (goal < first || goal >= fs->s.s_blocks_count)
		goal = first;
	g0 = (goal - first) / fs->s.s_blocks_per_group;
	for (uint32_t i = 0; i < fs->ngroups; i++) {
		uint32_t g = (g0 + i) % fs->ngroups;
		uint32_t start = i == 0 ? goal - ext2_group_first_block(fs, g) : 0;
		if (fs->gd[g].bg_free_blocks_count == 0)
			continue;
		int err = bitmap_claim(fs, fs->gd[g].bg_block_bitmap, group_blocks(fs, g), start,
				       &bit);
		if (err == -ENOSPC)
			continue; /* the count was wrong; e2fsck will say so */
		if (err)
			return err;
		*out = ext2_group_first_block(fs, g) + bit;
		if (!ext2_block_ok(fs, *out))
			return ext2_corrupt("group %u: metadata block %u marked free", g, *out);
		return count_blocks(fs, g, -1);
	}
	return -ENOSPC;
}

int ext2_block_free(struct ext2_fs *fs, uint32_t blk)
{
	if (!ext2_block_ok(fs, blk))
		return ext2_corrupt("freeing block %u: not a data block", blk);
	uint32_t g = (blk - fs->s.s_first_data_block) / fs->s.s_blocks_per_group;
	int err = bitmap_release(fs, fs->gd[g].bg_block_bitmap, blk - ext2_group_first_block(fs, g),
				 "block", blk);
	return err ? err : count_blocks(fs, g, +1);
}

/* Directories spread out (the group with the most free inodes); files
 * stay near their directory. */
static uint32_t inode_group_start(struct ext2_fs *fs, uint32_t near_group, bool dir)
{
	uint32_t best = near_group;

	if (!dir)
		return near_group;
	for (uint32_t g = 0; g < fs->ngroups; g++)
		if (fs->gd[g].bg_free_inodes_count > fs->gd[best].bg_free_inodes_count)
			best = g;
	return best;
}

int ext2_inode_alloc(struct ext2_fs *fs, uint32_t near_group, bool dir, uint32_t *out)
{
	uint32_t ipg = fs->s.s_inodes_per_group, g0, bit;

	g0 = inode_group_start(fs, near_group % fs->ngroups, dir);
	for (uint32_t i = 0; i < fs->ngroups; i++) {
		uint32_t g = (g0 + i) % fs->ngroups;
		if (fs->gd[g].bg_free_inodes_count == 0)
			continue;
		int err = bitmap_claim(fs, fs->gd[g].bg_inode_bitmap, ipg, 0, &bit);
		if (err == -ENOSPC)
			continue;
		if (err)
			return err;
		*out = g * ipg + bit + 1; /* inode numbers start at 1 */
		if (*out < fs->first_ino)
			return ext2_corrupt("reserved inode %u marked free", *out);
		return count_inodes(fs, g, -1, dir);
	}
	return -ENOSPC;
}

int ext2_inode_free(struct ext2_fs *fs, uint32_t ino, bool dir)
{
	uint32_t g = (ino - 1) / fs->s.s_inodes_per_group;
	int err;

	if (ino < fs->first_ino || ino > fs->s.s_inodes_count)
		return ext2_corrupt("freeing inode %u: out of range", ino);
	err = bitmap_release(fs, fs->gd[g].bg_inode_bitmap, (ino - 1) % fs->s.s_inodes_per_group,
			     "inode", ino);
	return err ? err : count_inodes(fs, g, +1, dir);
}
