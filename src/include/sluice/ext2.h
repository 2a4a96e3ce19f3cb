/*
 * The ext2 file system (docs/ext2.md), read and write, over the block cache
 * (sluice/bcache.h): the one disk holds one ext2 file system.
 */
#ifndef SLUICE_EXT2_H
#define SLUICE_EXT2_H

#include <sluice/vfs.h>

/* ext2's magic number, also statfs's f_type. */
#define EXT2_SUPER_MAGIC 0xEF53

/*
 * Mount the ext2 file system on the disk: read and check its superblock
 * (at byte 1024) and group descriptors, and read the root directory
 * (inode 2).  readonly, or an image whose features allow only reading,
 * gives a file system whose changing operations answer -EROFS.
 * 0 with *out a super block ready for vfs_mount_sb or vfs_set_root;
 * -EINVAL (with a message) for what is not ext2 or needs features Sluice
 * lacks, -EUCLEAN for a corrupt image, -EIO, -ENOMEM.
 */
int ext2_mount(struct super_block **out, bool readonly);

/* Free every page-cache page that is clean and unmapped, and the caches of
 * files no longer open (sluice_drop_caches: the next read is the disk's). */
void ext2_pc_drop_caches(void);

/* For /proc/meminfo: pages in ext2's page cache, dirty ones among them,
 * and pages being written to the disk now. */
struct ext2_pc_counts {
	size_t pages, dirty, writeback;
};
void ext2_pc_counts(struct ext2_pc_counts *c);

#endif
