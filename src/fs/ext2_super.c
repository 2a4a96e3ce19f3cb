/*
 * ext2: mounting, the superblock and group descriptors, and moving bytes
 * between the disk (through the block cache) and memory.
 *
 * The disk, as ext2 lays it out (docs/ext2.md):
 *
 *   byte 0      1024        block s_first_data_block + 1
 *   | boot area | superblock | group descriptors | ... group 0 ... | group 1 ...
 *
 * Each group of s_blocks_per_group blocks holds (in the groups that keep a
 * backup) a copy of the superblock and descriptors, then a block bitmap, an
 * inode bitmap, an inode table, and data blocks.  The cache's blocks are
 * 1 KiB; a file-system block of 2 or 4 KiB is 2 or 4 of them in a row.
 */
#include <stdarg.h>

#include <sluice/bcache.h>
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/objcount.h>
#include <sluice/printk.h>
#include <sluice/string.h>

#include "ext2_int.h"

int ext2_corrupt(const char *fmt, ...)
{
	va_list ap;

	printk("ext2: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	return -EUCLEAN;
}

/* Copy between a cache block and buf: memcpy, or the VFS's user copy. */
static int copy(void *dst, const void *src, size_t n, bool write, bool user)
{
	if (!user) {
		memcpy(dst, src, n);
		return 0;
	}
	return write ? vfs_copy_in(dst, src, n, true) : vfs_copy_out(dst, src, n, true);
}

int ext2_io(struct ext2_fs *fs, uint64_t pos, void *buf, size_t len, bool write, bool user)
{
	uint8_t *p = buf;

	(void)fs;
	while (len > 0) {
		struct bcache_buf *b;
		uint32_t off = pos % BCACHE_BLOCK;
		size_t n = MIN(len, BCACHE_BLOCK - off);
		int err = bcache_get(pos / BCACHE_BLOCK, &b);

		if (err == -EINVAL)
			return ext2_corrupt("byte %llu is past the end of the disk",
					    (unsigned long long)pos);
		if (err)
			return err;
		if (write)
			err = copy(b->data + off, p, n, true, user);
		else
			err = copy(p, b->data + off, n, false, user);
		if (write && !err)
			bcache_dirty(b);
		bcache_put(b);
		if (err)
			return err;
		pos += n, p += n, len -= n;
	}
	return 0;
}

int ext2_read(struct ext2_fs *fs, uint32_t blk, uint32_t off, void *buf, size_t len)
{
	return ext2_io(fs, (uint64_t)blk * fs->bsize + off, buf, len, false, false);
}

int ext2_write(struct ext2_fs *fs, uint32_t blk, uint32_t off, const void *buf, size_t len)
{
	return ext2_io(fs, (uint64_t)blk * fs->bsize + off, (void *)buf, len, true, false);
}

int ext2_zero_block(struct ext2_fs *fs, uint32_t blk)
{
	return ext2_write(fs, blk, 0, fs->zeros, fs->bsize);
}

int ext2_super_write(struct ext2_fs *fs)
{
	return ext2_io(fs, EXT2_SUPER_OFFSET, &fs->s, sizeof(fs->s), true, false);
}

int ext2_group_write(struct ext2_fs *fs, uint32_t g)
{
	return ext2_write(fs, fs->s.s_first_data_block + 1, g * sizeof(struct ext2_group_desc),
			  &fs->gd[g], sizeof(struct ext2_group_desc));
}

uint32_t ext2_group_first_block(struct ext2_fs *fs, uint32_t g)
{
	return fs->s.s_first_data_block + g * fs->s.s_blocks_per_group;
}

static bool is_power_of(uint32_t n, uint32_t base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

/* Does group g keep a backup of the superblock and descriptors?  All do,
 * unless sparse_super keeps them in 0, 1 and powers of 3, 5 and 7 only. */
static bool group_has_super(struct ext2_fs *fs, uint32_t g)
{
	if (!(fs->s.s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER) || g <= 1)
		return true;
	return is_power_of(g, 3) || is_power_of(g, 5) || is_power_of(g, 7);
}

/* Blocks at the start of group g taken by the superblock and descriptors. */
static uint32_t group_super_blocks(struct ext2_fs *fs, uint32_t g)
{
	uint32_t n = 1 + fs->gdt_blocks;

	if (!group_has_super(fs, g))
		return 0;
	if (fs->s.s_feature_compat & EXT2_FEATURE_COMPAT_RESIZE_INODE)
		n += fs->s.s_reserved_gdt_blocks;
	return n;
}

bool ext2_block_ok(struct ext2_fs *fs, uint32_t blk)
{
	if (blk < fs->s.s_first_data_block || blk >= fs->s.s_blocks_count)
		return false;
	uint32_t g = (blk - fs->s.s_first_data_block) / fs->s.s_blocks_per_group;
	struct ext2_group_desc *gd = &fs->gd[g];

	if (blk - ext2_group_first_block(fs, g) < group_super_blocks(fs, g))
		return false;
	if (blk == gd->bg_block_bitmap || blk == gd->bg_inode_bitmap)
		return false;
	return blk < gd->bg_inode_table || blk - gd->bg_inode_table >= fs->itable_blocks;
}

/* The superblock's geometry, checked before anything is computed from it. */
static int check_geometry(struct ext2_fs *fs)
{
	struct ext2_super *s = &fs->s;
	uint32_t bits = fs->bsize * 8;

	if (s->s_first_data_block != (fs->bsize == 1024 ? 1u : 0u))
		return ext2_corrupt("first data block %u with %u-byte blocks",
				    s->s_first_data_block, fs->bsize);
	if (s->s_blocks_per_group < 8 || s->s_blocks_per_group > bits ||
	    s->s_blocks_per_group % 8 || s->s_inodes_per_group == 0 ||
	    s->s_inodes_per_group > bits || s->s_blocks_count <= s->s_first_data_block)
		return ext2_corrupt("bad group geometry");
	if (fs->inode_size < EXT2_GOOD_OLD_INODE_SIZE || fs->inode_size > fs->bsize ||
	    !is_power_of(fs->inode_size, 2))
		return ext2_corrupt("inode size %u", fs->inode_size);
	fs->ngroups = (s->s_blocks_count - s->s_first_data_block + s->s_blocks_per_group - 1) /
		      s->s_blocks_per_group;
	if ((uint64_t)fs->ngroups * s->s_inodes_per_group != s->s_inodes_count)
		return ext2_corrupt("%u inodes in %u groups of %u", s->s_inodes_count, fs->ngroups,
				    s->s_inodes_per_group);
	if (fs->first_ino <= EXT2_ROOT_INO || fs->first_ino >= s->s_inodes_count)
		return ext2_corrupt("first inode %u", fs->first_ino);
	fs->itable_blocks = (s->s_inodes_per_group * fs->inode_size + fs->bsize - 1) / fs->bsize;
	fs->gdt_blocks = (fs->ngroups * sizeof(struct ext2_group_desc) + fs->bsize - 1) / fs->bsize;
	fs->ptrs = fs->bsize / 4;
	/* The whole file system must be on the disk: read its last block. */
	uint8_t byte;
	return ext2_read(fs, s->s_blocks_count - 1, fs->bsize - 1, &byte, 1);
}

/* Features: refuse what would be misread, go read-only for what would be
 * miswritten.  The journal (has_journal) is ignored when reading and makes
 * the mount read-only: writing without it would leave the journal stale. */
static int check_features(struct ext2_fs *fs)
{
	struct ext2_super *s = &fs->s;

	if (s->s_rev_level == EXT2_GOOD_OLD_REV)
		return 0; /* revision 0 has no feature fields */
	if (s->s_feature_incompat & ~EXT2_FEATURE_INCOMPAT_FILETYPE) {
		printk("ext2: unsupported incompatible features 0x%x\n",
		       s->s_feature_incompat & ~EXT2_FEATURE_INCOMPAT_FILETYPE);
		return -EINVAL;
	}
	if (!fs->readonly && (s->s_feature_ro_compat & ~EXT2_RO_COMPAT_SUPPORTED)) {
		printk("ext2: read-only features 0x%x: mounting read-only\n",
		       s->s_feature_ro_compat & ~EXT2_RO_COMPAT_SUPPORTED);
		fs->readonly = true;
	}
	if (!fs->readonly && (s->s_feature_compat & EXT2_FEATURE_COMPAT_HAS_JOURNAL)) {
		printk("ext2: a journal (ext3): mounting read-only\n");
		fs->readonly = true;
	}
	fs->filetype = s->s_feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
	fs->large_file = s->s_feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	return 0;
}

/* Whether Sluice may write a file system with s's features (check_features
 * mounts it read-only otherwise). */
static bool features_writable(const struct ext2_super *s)
{
	return s->s_rev_level == EXT2_GOOD_OLD_REV ||
	       (!(s->s_feature_ro_compat & ~EXT2_RO_COMPAT_SUPPORTED) &&
		!(s->s_feature_compat & EXT2_FEATURE_COMPAT_HAS_JOURNAL));
}

/* Read the superblock and check what everything else relies on. */
static int read_super(struct ext2_fs *fs)
{
	struct ext2_super *s = &fs->s;
	int err = ext2_io(fs, EXT2_SUPER_OFFSET, s, sizeof(*s), false, false);

	if (err)
		return err;
	if (s->s_magic != EXT2_SUPER_MAGIC) {
		printk("ext2: no ext2 magic (0x%x)\n", s->s_magic);
		return -EINVAL;
	}
	if (s->s_rev_level > EXT2_DYNAMIC_REV || s->s_log_block_size > 2) {
		printk("ext2: revision %u, block size 1024 << %u: unsupported\n", s->s_rev_level,
		       s->s_log_block_size);
		return -EINVAL;
	}
	fs->bsize = 1024u << s->s_log_block_size;
	fs->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
	fs->first_ino = EXT2_GOOD_OLD_FIRST_INO;
	if (s->s_rev_level == EXT2_DYNAMIC_REV) {
		fs->inode_size = s->s_inode_size;
		fs->first_ino = s->s_first_ino;
	}
	err = check_features(fs);
	return err ? err : check_geometry(fs);
}

/* Each group's bitmaps and inode table lie inside the group, and its free
 * counts fit in it. */
static int check_group(struct ext2_fs *fs, uint32_t g)
{
	struct ext2_group_desc *gd = &fs->gd[g];
	uint32_t first = ext2_group_first_block(fs, g);
	uint32_t end = MIN(fs->s.s_blocks_count - first, fs->s.s_blocks_per_group);

	if (end < fs->itable_blocks || gd->bg_block_bitmap - first >= end ||
	    gd->bg_inode_bitmap - first >= end || gd->bg_inode_table < first ||
	    gd->bg_inode_table - first > end - fs->itable_blocks)
		return ext2_corrupt("group %u: metadata outside the group", g);
	if (gd->bg_free_blocks_count > end || gd->bg_free_inodes_count > fs->s.s_inodes_per_group)
		return ext2_corrupt("group %u: free counts too large", g);
	return 0;
}

static int read_groups(struct ext2_fs *fs)
{
	size_t len = fs->ngroups * sizeof(struct ext2_group_desc);
	int err;

	if (fs->s.s_first_data_block + 1 + fs->gdt_blocks > fs->s.s_blocks_count)
		return ext2_corrupt("group descriptors past the end");
	fs->gd = kmalloc(len);
	if (!fs->gd)
		return -ENOMEM;
	err = ext2_read(fs, fs->s.s_first_data_block + 1, 0, fs->gd, len);
	for (uint32_t g = 0; !err && g < fs->ngroups; g++)
		err = check_group(fs, g);
	return err;
}

static void fs_free(struct ext2_fs *fs)
{
	kfree(fs->gd);
	kfree(fs->bitmap);
	kfree(fs->zeros);
	kfree(fs->sb);
	kfree(fs);
}

/* A read-write mount marks the file system in use (not cleanly unmounted)
 * until put_super, as e2fsck expects. */
static int mark_mounted(struct ext2_fs *fs)
{
	if (fs->readonly)
		return 0;
	fs->s.s_state &= ~EXT2_VALID_FS;
	fs->s.s_mnt_count++;
	fs->s.s_mtime = (uint32_t)vfs_now();
	return ext2_super_write(fs);
}

static int mount_fs(struct ext2_fs *fs)
{
	int err = read_super(fs);

	if (!err)
		err = read_groups(fs);
	if (err)
		return err;
	fs->bitmap = kmalloc(fs->bsize);
	fs->zeros = kzalloc(fs->bsize);
	fs->sb = kzalloc(sizeof(*fs->sb));
	if (!fs->bitmap || !fs->zeros || !fs->sb)
		return -ENOMEM;
	fs->sb->ops = &ext2_super_ops;
	fs->sb->type = "ext2";
	fs->sb->priv = fs;
	fs->sb->maxbytes = ext2_max_size(fs);
	err = ext2_iget(fs, EXT2_ROOT_INO, &fs->sb->root);
	if (err)
		return err;
	if (!S_ISDIR(fs->sb->root->mode)) {
		inode_put(fs->sb->root);
		fs->sb->root = NULL;
		return ext2_corrupt("the root is not a directory");
	}
	return mark_mounted(fs);
}

int ext2_mount(struct super_block **out, bool readonly)
{
	struct ext2_fs *fs = kzalloc(sizeof(*fs));
	int err;

	if (!fs)
		return -ENOMEM;
	mutex_init(&fs->lock);
	fs->readonly = readonly;
	mutex_lock(&fs->lock);
	err = mount_fs(fs);
	mutex_unlock(&fs->lock);
	if (err) {
		if (fs->sb && fs->sb->root)
			inode_put(fs->sb->root);
		fs_free(fs);
		return err;
	}
	objcount_add(OBJ_SUPER, 1);
	fs->sb->dev = vfs_new_dev();
	if (fs->readonly)
		fs->sb->flags |= SB_RDONLY; /* the VFS answers EROFS, /proc/mounts says ro */
	*out = fs->sb;
	return 0;
}

static int ext2_sync(struct super_block *sb)
{
	struct ext2_fs *fs = EXT2_FS(sb);

	mutex_lock(&fs->lock);
	int err = ext2_pc_sync(fs, EXT2_PC_ALL); /* the files' dirty pages, to the disk */
	mutex_unlock(&fs->lock);
	int serr = bcache_sync();
	return err ? err : serr;
}

/* The flusher's pass: the files whose pages have been dirty since before,
 * through sync's own path (the block cache is the flusher's business).
 * The mutex only if there is work: a long write holds it, and the pass
 * holds the mount table's lock meanwhile. */
static int ext2_writeback(struct super_block *sb, uint64_t before)
{
	struct ext2_fs *fs = EXT2_FS(sb);

	if (!ext2_pc_expired(fs, before))
		return 0; /* one dirtied since the look: the next pass's */
	mutex_lock(&fs->lock);
	int err = fs->readonly ? 0 : ext2_pc_sync(fs, before);
	mutex_unlock(&fs->lock);
	return err;
}

static int ext2_statfs(struct super_block *sb, struct kstatfs *st)
{
	struct ext2_fs *fs = EXT2_FS(sb);

	mutex_lock(&fs->lock);
	memset(st, 0, sizeof(*st));
	st->f_type = EXT2_SUPER_MAGIC;
	st->f_bsize = st->f_frsize = fs->bsize;
	st->f_blocks = fs->s.s_blocks_count;
	st->f_bfree = fs->s.s_free_blocks_count;
	st->f_bavail =
		st->f_bfree > fs->s.s_r_blocks_count ? st->f_bfree - fs->s.s_r_blocks_count : 0;
	st->f_files = fs->s.s_inodes_count;
	st->f_ffree = fs->s.s_free_inodes_count;
	st->f_namelen = NAME_MAX;
	st->f_fsid[0] = (int32_t)sb->dev;
	mutex_unlock(&fs->lock);
	return 0;
}

/* Unmount: mark the file system clean again and write everything back.
 * The VFS has put the root and every other inode already. */
static void ext2_put_super(struct super_block *sb)
{
	struct ext2_fs *fs = EXT2_FS(sb);

	ext2_pc_put_super(fs); /* the pages of files no longer open */
	if (!fs->readonly) {
		fs->s.s_state |= EXT2_VALID_FS;
		fs->s.s_wtime = (uint32_t)vfs_now();
		ext2_super_write(fs);
	}
	bcache_sync();
	fs_free(fs);
	objcount_add(OBJ_SUPER, -1);
}

/*
 * mount -o remount,ro (init does it to the root before power-off, as
 * Linux's shutdown does): write everything back and mark the file system
 * clean, as put_super would, then refuse changes.  remount,rw marks it in
 * use again, unless a feature Sluice cannot write forced it read-only.
 * Unlike Linux, files already open for writing do not make it EBUSY:
 * their writes become EROFS.
 */
static int ext2_remount(struct super_block *sb, bool readonly)
{
	struct ext2_fs *fs = EXT2_FS(sb);
	int err = 0;

	mutex_lock(&fs->lock);
	if (readonly && !fs->readonly) {
		err = ext2_pc_sync(fs, EXT2_PC_ALL); /* the files' dirty pages, while it may */
		fs->readonly = true;		     /* no change starts from here on */
		fs->s.s_state |= EXT2_VALID_FS;
		fs->s.s_wtime = (uint32_t)vfs_now();
		int serr = ext2_super_write(fs);
		err = err ? err : serr;
	} else if (!readonly && fs->readonly) {
		if (features_writable(&fs->s)) {
			fs->readonly = false;
			err = mark_mounted(fs);
		} else {
			err = -EROFS;
		}
	}
	mutex_unlock(&fs->lock);
	if (!err)
		err = bcache_sync();
	return err;
}

const struct super_ops ext2_super_ops = {
	.evict = ext2_evict,
	.drop = ext2_pc_drop,
	.sync = ext2_sync,
	.writeback = ext2_writeback,
	.statfs = ext2_statfs,
	.remount = ext2_remount,
	.put_super = ext2_put_super,
};
