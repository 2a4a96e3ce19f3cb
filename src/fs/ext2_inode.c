/*
 * ext2: inodes.  Inode n (numbers start at 1) lives in group (n-1) / the
 * inodes per group, at index (n-1) % that in the group's inode table.  Its
 * data blocks are found through i_block[15]:
 *
 *   i_block[0..11]  the first 12 blocks of the file
 *   i_block[12]     an indirect block: bsize/4 block numbers
 *   i_block[13]     a double-indirect block: block numbers of indirect blocks
 *   i_block[14]     a triple-indirect block
 *
 * A 0 anywhere is a hole: zeros that take no block.  The struct inode's
 * priv holds a copy of the on-disk inode (struct ext2_inode_info), written
 * back whenever it changes, so the disk is always as current as memory.
 */
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/string.h>

#include "ext2_int.h"

#define EXT2_XATTR_MAGIC 0xEA020000 /* the header of an extended-attribute block */

static uint64_t inode_pos(struct ext2_fs *fs, uint32_t ino)
{
	uint32_t g = (ino - 1) / fs->s.s_inodes_per_group;
	uint32_t i = (ino - 1) % fs->s.s_inodes_per_group;

	return (uint64_t)fs->gd[g].bg_inode_table * fs->bsize + (uint64_t)i * fs->inode_size;
}

static int dinode_write(struct ext2_fs *fs, uint32_t ino, struct ext2_dinode *d)
{
	return ext2_io(fs, inode_pos(fs, ino), d, sizeof(*d), true, false);
}

uint64_t ext2_isize(const struct ext2_dinode *d)
{
	uint64_t high = S_ISREG(d->i_mode) ? d->i_dir_acl : 0;

	return high << 32 | d->i_size;
}

void ext2_set_isize(struct ext2_dinode *d, uint64_t size)
{
	d->i_size = (uint32_t)size;
	if (S_ISREG(d->i_mode))
		d->i_dir_acl = (uint32_t)(size >> 32);
}

bool ext2_has_blocks(const struct ext2_dinode *d, uint32_t bsize)
{
	uint32_t acl_sectors = d->i_file_acl ? bsize / 512 : 0;

	if (S_ISREG(d->i_mode) || S_ISDIR(d->i_mode))
		return true;
	/* A fast symlink keeps its target in i_block and has no data block. */
	return S_ISLNK(d->i_mode) && d->i_blocks != acl_sectors;
}

uint64_t ext2_max_size(struct ext2_fs *fs)
{
	uint64_t p = fs->ptrs;
	uint64_t blocks = EXT2_NDIR_BLOCKS + p + p * p + p * p * p;
	uint64_t limit = 1ull << 41; /* i_blocks counts 2^32 sectors of 512 bytes */

	if (!fs->large_file)
		return (1ull << 31) - 1;
	return MIN(blocks * fs->bsize, limit);
}

/* A device number: Linux's old 8:8 form in i_block[0], or else its newer
 * form in i_block[1]. */
static uint32_t dinode_rdev(const struct ext2_dinode *d)
{
	uint32_t x = d->i_block[1];

	if (d->i_block[0])
		return d->i_block[0] & 0xffff;
	return MKDEV((x >> 8) & 0xfff, (x & 0xff) | ((x >> 12) & 0xfff00));
}

void ext2_set_owner(struct ext2_dinode *d, uint32_t uid, uint32_t gid)
{
	d->i_uid = (uint16_t)uid;
	d->i_uid_high = (uint16_t)(uid >> 16);
	d->i_gid = (uint16_t)gid;
	d->i_gid_high = (uint16_t)(gid >> 16);
}

/* The struct inode's attributes from the disk inode. */
static void fill_vfs(struct inode *ino, const struct ext2_dinode *d)
{
	ino->mode = d->i_mode;
	ino->nlink = d->i_links_count;
	ino->uid = d->i_uid | (uint32_t)d->i_uid_high << 16;
	ino->gid = d->i_gid | (uint32_t)d->i_gid_high << 16;
	ino->size = ext2_isize(d);
	ino->blocks = d->i_blocks;
	ino->atime = d->i_atime;
	ino->mtime = d->i_mtime;
	ino->ctime = d->i_ctime;
	ino->rdev = S_ISCHR(d->i_mode) || S_ISBLK(d->i_mode) ? dinode_rdev(d) : 0;
	ino->ops = &ext2_inode_ops;
}

int ext2_inode_dirty(struct inode *ino)
{
	struct ext2_inode_info *info = EXT2_I(ino);

	fill_vfs(ino, &info->d);
	return dinode_write(EXT2_FS(ino->sb), (uint32_t)ino->ino, &info->d);
}

/* Is this disk inode one the driver can use safely? */
static int check_dinode(struct ext2_fs *fs, uint32_t ino, const struct ext2_dinode *d)
{
	switch (d->i_mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		break;
	default:
		return ext2_corrupt("inode %u: mode 0%o", ino, d->i_mode);
	}
	if (d->i_links_count == 0)
		return ext2_corrupt("inode %u is in a directory but free", ino);
	if (d->i_flags & EXT4_EXTENTS_FL)
		return ext2_corrupt("inode %u uses extents", ino);
	if (S_ISDIR(d->i_mode) && d->i_size % fs->bsize)
		return ext2_corrupt("directory %u: size %u not whole blocks", ino, d->i_size);
	if (S_ISLNK(d->i_mode) &&
	    (d->i_size == 0 || d->i_size >= fs->bsize ||
	     (!ext2_has_blocks(d, fs->bsize) && d->i_size >= sizeof(d->i_block))))
		return ext2_corrupt("symlink %u: size %u", ino, d->i_size);
	if (ext2_isize(d) > ext2_max_size(fs) && S_ISREG(d->i_mode))
		return ext2_corrupt("inode %u: size too large", ino);
	return 0;
}

static bool ino_valid(struct ext2_fs *fs, uint32_t ino)
{
	return ino == EXT2_ROOT_INO || (ino >= fs->first_ino && ino <= fs->s.s_inodes_count);
}

int ext2_iget(struct ext2_fs *fs, uint32_t ino, struct inode **out)
{
	struct ext2_inode_info *info;
	struct inode *i;
	bool fresh;
	int err;

	if (!ino_valid(fs, ino))
		return ext2_corrupt("inode number %u out of range", ino);
	i = inode_lookup(fs->sb, ino, &fresh);
	if (!i)
		return -ENOMEM;
	if (!fresh) {
		*out = i;
		return 0;
	}
	info = kzalloc(sizeof(*info));
	err = info ? ext2_io(fs, inode_pos(fs, ino), &info->d, sizeof(info->d), false, false)
		   : -ENOMEM;
	if (!err)
		err = check_dinode(fs, ino, &info->d);
	if (err) {
		kfree(info);
		inode_fail(i);
		return err;
	}
	i->priv = info;
	fill_vfs(i, &info->d);
	ext2_pc_attach(i);
	*out = i;
	return 0;
}

/* A new inode's disk slot: zeroed (all of it, for inodes over 128 bytes),
 * then the first 128 bytes. */
static int dinode_init(struct ext2_fs *fs, uint32_t ino, struct ext2_dinode *d)
{
	int err = ext2_io(fs, inode_pos(fs, ino), fs->zeros, fs->inode_size, true, false);

	return err ? err : dinode_write(fs, ino, d);
}

int ext2_inode_new(struct ext2_fs *fs, struct inode *dir, uint32_t mode, struct inode **out)
{
	uint32_t group = ((uint32_t)dir->ino - 1) / fs->s.s_inodes_per_group, n;
	struct ext2_inode_info *info = kzalloc(sizeof(*info));
	struct inode *i;
	bool fresh;
	int err = info ? ext2_inode_alloc(fs, group, S_ISDIR(mode), &n) : -ENOMEM;

	if (err) {
		kfree(info);
		return err;
	}
	i = inode_lookup(fs->sb, n, &fresh);
	if (!i) {
		kfree(info);
		/* The number back, or e2fsck finds it lost. */
		ext2_inode_free(fs, n, S_ISDIR(mode));
		return -ENOMEM;
	}
	if (!fresh) {
		kfree(info);
		inode_put(i); /* a number the bitmap said was free is in use */
		return ext2_corrupt("inode %u allocated twice", n);
	}
	int64_t now = vfs_now();
	uint32_t uid, gid;
	vfs_new_owner(dir, &mode, &uid, &gid);
	info->d.i_mode = (uint16_t)mode;
	ext2_set_owner(&info->d, uid, gid);
	info->d.i_links_count = 1;
	info->d.i_atime = info->d.i_ctime = info->d.i_mtime = (uint32_t)now;
	i->priv = info;
	fill_vfs(i, &info->d);
	ext2_pc_attach(i); /* pages of a file that had the number: none */
	ext2_pc_truncate(i, 0);
	err = dinode_init(fs, n, &info->d);
	if (err) {
		inode_put(i); /* nlink 1: evict frees priv only */
		return err;
	}
	*out = i;
	return 0;
}

/* Where logical block lblk is in the block map: the slot in i_block, then
 * the index in each indirect block on the way.  Returns how many indices
 * (1 for a direct block, up to 4 through the triple-indirect block). */
static int map_path(struct ext2_fs *fs, uint64_t lblk, uint32_t path[4])
{
	uint64_t p = fs->ptrs;

	if (lblk < EXT2_NDIR_BLOCKS) {
		path[0] = (uint32_t)lblk;
		return 1;
	}
	lblk -= EXT2_NDIR_BLOCKS;
	if (lblk < p) {
		path[0] = EXT2_IND_BLOCK, path[1] = (uint32_t)lblk;
		return 2;
	}
	lblk -= p;
	if (lblk < p * p) {
		path[0] = EXT2_DIND_BLOCK, path[1] = lblk / p, path[2] = lblk % p;
		return 3;
	}
	lblk -= p * p;
	if (lblk < p * p * p) {
		path[0] = EXT2_TIND_BLOCK, path[1] = lblk / (p * p);
		path[2] = lblk / p % p, path[3] = lblk % p;
		return 4;
	}
	return -EFBIG;
}

/* A block for ino (zeroed if zero), after the last one it got (or in its
 * group). */
static int new_block(struct inode *ino, uint32_t *blk, bool zero)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	struct ext2_inode_info *info = EXT2_I(ino);
	uint32_t g = ((uint32_t)ino->ino - 1) / fs->s.s_inodes_per_group;
	uint32_t goal = info->last_alloc ? info->last_alloc + 1 : ext2_group_first_block(fs, g);
	int err = ext2_block_alloc(fs, goal, blk);

	if (!err && zero)
		err = ext2_zero_block(fs, *blk);
	if (err)
		return err;
	info->last_alloc = *blk;
	info->d.i_blocks += fs->bsize / 512;
	return 0;
}

int ext2_bmap(struct inode *ino, uint64_t lblk, int alloc, uint32_t *out)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	struct ext2_inode_info *info = EXT2_I(ino);
	uint32_t path[4], blk, next;
	int n = map_path(fs, lblk, path), err = 0;

	if (n < 0)
		return n;
	blk = info->d.i_block[path[0]];
	if (blk == 0 && alloc) {
		err = new_block(ino, &blk, n > 1 || alloc != EXT2_BMAP_DATA);
		if (!err) {
			info->d.i_block[path[0]] = blk;
			err = ext2_inode_dirty(ino);
		}
	}
	for (int level = 1; !err && blk && level < n; level++) {
		if (!ext2_block_ok(fs, blk))
			return ext2_corrupt("inode %llu: block %u", (unsigned long long)ino->ino,
					    blk);
		err = ext2_read(fs, blk, path[level] * 4, &next, 4);
		if (!err && next == 0 && alloc) {
			err = new_block(ino, &next, level + 1 < n || alloc != EXT2_BMAP_DATA);
			if (!err)
				err = ext2_write(fs, blk, path[level] * 4, &next, 4);
			if (!err)
				err = ext2_inode_dirty(ino); /* i_blocks */
		}
		blk = next;
	}
	if (!err && blk && !ext2_block_ok(fs, blk))
		return ext2_corrupt("inode %llu: block %u", (unsigned long long)ino->ino, blk);
	*out = blk;
	return err;
}

static int release_block(struct inode *ino, uint32_t blk)
{
	struct ext2_inode_info *info = EXT2_I(ino);
	uint32_t sectors = EXT2_FS(ino->sb)->bsize / 512;
	int err = ext2_block_free(EXT2_FS(ino->sb), blk);

	if (!err)
		info->d.i_blocks = info->d.i_blocks > sectors ? info->d.i_blocks - sectors : 0;
	return err;
}

/* Block pointers read, freed and written back this many at a time, on the
 * stack: freeing needs no memory, so it cannot fail for want of it. */
#define FREE_BATCH 32

/*
 * Free the part of the tree under *slot (depth 0: a data block; 1, 2, 3:
 * an indirect block of that many levels) that maps its logical blocks from
 * `from` on; from 0 frees all of it, *slot included.  Children go before
 * their parent, and an indirect block that stays has each batch of its
 * pointers written back as soon as their blocks are freed (one freed whole
 * is not written, unless the walk stops in it): whatever error stops the
 * walk, the tree still reaches every block that is still in use, and none
 * that is not (a truncate that fails can be made again; nothing is lost).  The
 * depth bounds the walk, and a corrupt tree that points back at a block
 * already freed is caught as a double free.
 */
static int free_tree(struct inode *ino, uint32_t *slot, int depth, uint64_t from)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	uint32_t blk = *slot;
	uint64_t span = 1;
	int err = 0;

	if (blk == 0)
		return 0;
	if (!ext2_block_ok(fs, blk))
		return ext2_corrupt("inode %llu: block %u", (unsigned long long)ino->ino, blk);
	for (int d = 1; d < depth; d++)
		span *= fs->ptrs;
	for (uint64_t i = from / span; depth > 0 && !err && i < fs->ptrs;) {
		uint32_t ptrs[FREE_BATCH], n = (uint32_t)MIN(FREE_BATCH, fs->ptrs - i);
		bool changed = false;

		err = ext2_read(fs, blk, (uint32_t)i * 4, ptrs, n * 4);
		for (uint32_t j = 0; !err && j < n; j++) {
			uint32_t was = ptrs[j];
			err = free_tree(ino, &ptrs[j], depth - 1,
					i + j == from / span ? from % span : 0);
			changed |= ptrs[j] != was;
		}
		/* A block freed whole (from 0) is not written: unless the walk
		 * stops here, and keeps it, with every slot before this batch
		 * freed already. */
		if (changed && (from != 0 || err)) {
			int werr = ext2_write(fs, blk, (uint32_t)i * 4, ptrs, n * 4);
			err = err ? err : werr;
		}
		if (err && from == 0 && i > 0)
			ext2_write(fs, blk, 0, fs->zeros, (uint32_t)i * 4);
		i += n;
	}
	if (err || from != 0)
		return err;
	err = release_block(ino, blk);
	if (!err)
		*slot = 0;
	return err;
}

int ext2_free_from(struct inode *ino, uint64_t first)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	struct ext2_inode_info *info = EXT2_I(ino);
	uint64_t start = 0, span = 1;
	int err = 0;

	for (int s = 0; s < EXT2_N_BLOCKS && !err; s++) {
		int depth = s < EXT2_NDIR_BLOCKS ? 0 : s - EXT2_NDIR_BLOCKS + 1;
		if (s >= EXT2_NDIR_BLOCKS)
			span *= fs->ptrs; /* 12: p blocks, 13: p*p, 14: p*p*p */
		if (first < start + span)
			err = free_tree(ino, &info->d.i_block[s], depth,
					first > start ? first - start : 0);
		start += span;
	}
	info->last_alloc = 0;
	int werr = ext2_inode_dirty(ino);
	return err ? err : werr;
}

/* Drop the inode's reference to its extended-attribute block (shared by
 * inodes with the same attributes: the block counts its users). */
static int release_xattr(struct inode *ino)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	struct ext2_dinode *d = &EXT2_I(ino)->d;
	uint32_t hdr[2]; /* magic, reference count */
	int err;

	if (!d->i_file_acl)
		return 0;
	if (!ext2_block_ok(fs, d->i_file_acl))
		return ext2_corrupt("inode %llu: xattr block %u", (unsigned long long)ino->ino,
				    d->i_file_acl);
	err = ext2_read(fs, d->i_file_acl, 0, hdr, sizeof(hdr));
	if (!err && hdr[0] != EXT2_XATTR_MAGIC)
		err = ext2_corrupt("xattr block %u: bad magic", d->i_file_acl);
	if (!err && hdr[1] > 1) {
		hdr[1]--;
		err = ext2_write(fs, d->i_file_acl, 0, hdr, sizeof(hdr));
	} else if (!err) {
		err = release_block(ino, d->i_file_acl);
	}
	if (!err)
		d->i_file_acl = 0;
	return err;
}

/* The last name and the last reference are gone: free blocks and number.
 * The inode keeps its contents, with i_dtime set, as ext2 leaves them. */
static void inode_delete(struct inode *ino)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	struct ext2_dinode *d = &EXT2_I(ino)->d;

	if (ext2_has_blocks(d, fs->bsize))
		ext2_free_from(ino, 0);
	release_xattr(ino);
	d->i_links_count = 0;
	d->i_dtime = (uint32_t)vfs_now();
	ext2_inode_dirty(ino);
	ext2_inode_free(fs, (uint32_t)ino->ino, S_ISDIR(d->i_mode));
}

/*
 * Evict runs when the last reference goes: from the VFS with no lock held,
 * or from one of our own operations that drops the last reference to an
 * inode it unlinked, with the file system's mutex held already.
 */
void ext2_evict(struct inode *ino)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	bool locked = mutex_held(&fs->lock);

	if (!locked)
		mutex_lock(&fs->lock);
	if (ino->priv)
		ext2_pc_forget(ino); /* its pages: parked by ext2_pc_drop, or dropped */
	if (ino->priv && ino->nlink == 0 && !fs->readonly)
		inode_delete(ino);
	kfree(ino->priv);
	ino->priv = NULL;
	if (!locked)
		mutex_unlock(&fs->lock);
}
