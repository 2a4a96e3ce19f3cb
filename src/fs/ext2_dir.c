/*
 * ext2: directories.  A directory's data is a list of entries in whole
 * blocks; each entry is
 *
 *   inode (4)  rec_len (2)  name_len (1)  file_type (1)  name (name_len)
 *
 * and rec_len leads to the next entry.  The entries of a block chain from
 * offset 0 exactly to its end: an entry never crosses a block.  An entry
 * with inode 0 is unused space; so is whatever lies past an entry's name
 * before its rec_len ends.  Adding a name takes such space (splitting an
 * entry in two); removing one gives its space to the entry before it.
 *
 * Every block is checked as a whole when it is read (dir_block_read), so
 * the loops below may follow rec_len without checking it again.
 */
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/string.h>

#include "ext2_int.h"

static struct ext2_dirent *dirent_at(uint8_t *buf, uint32_t off)
{
	return (struct ext2_dirent *)(buf + off);
}

static const char *dirent_name(struct ext2_dirent *de)
{
	return (const char *)de + EXT2_DIRENT_HDR;
}

static uint64_t dir_blocks(struct ext2_fs *fs, struct inode *dir)
{
	return dir->size / fs->bsize;
}

/* Does every entry of the block chain correctly to its end? */
static int check_block(struct ext2_fs *fs, struct inode *dir, uint64_t lblk, uint8_t *buf)
{
	uint32_t off = 0;

	while (off < fs->bsize) {
		struct ext2_dirent *de = dirent_at(buf, off);
		if (fs->bsize - off < EXT2_DIRENT_HDR || de->rec_len % 4 ||
		    de->rec_len > fs->bsize - off || de->rec_len < EXT2_DIRENT_LEN(de->name_len) ||
		    (de->inode && (de->name_len == 0 || de->inode > fs->s.s_inodes_count)))
			return ext2_corrupt("directory %llu, block %llu: bad entry at %u",
					    (unsigned long long)dir->ino, (unsigned long long)lblk,
					    off);
		off += de->rec_len;
	}
	return 0;
}

/* Directory block lblk into buf (bsize bytes), checked; *pblk says where. */
static int dir_block_read(struct inode *dir, uint64_t lblk, uint8_t *buf, uint32_t *pblk)
{
	struct ext2_fs *fs = EXT2_FS(dir->sb);
	int err = ext2_bmap(dir, lblk, false, pblk);

	if (!err && *pblk == 0)
		err = ext2_corrupt("directory %llu: hole at block %llu",
				   (unsigned long long)dir->ino, (unsigned long long)lblk);
	if (!err)
		err = ext2_read(fs, *pblk, 0, buf, fs->bsize);
	return err ? err : check_block(fs, dir, lblk, buf);
}

static bool dirent_is(struct ext2_dirent *de, const char *name, size_t len)
{
	return de->inode && de->name_len == len && memcmp(dirent_name(de), name, len) == 0;
}

static uint8_t mode_to_ftype(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return EXT2_FT_REG_FILE;
	case S_IFDIR:
		return EXT2_FT_DIR;
	case S_IFCHR:
		return EXT2_FT_CHRDEV;
	case S_IFBLK:
		return EXT2_FT_BLKDEV;
	case S_IFIFO:
		return EXT2_FT_FIFO;
	case S_IFSOCK:
		return EXT2_FT_SOCK;
	case S_IFLNK:
		return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

static unsigned int ftype_to_dtype(uint8_t ft)
{
	static const unsigned char dtype[] = {
		[EXT2_FT_UNKNOWN] = DT_UNKNOWN,
		[EXT2_FT_REG_FILE] = DT_REG,
		[EXT2_FT_DIR] = DT_DIR,
		[EXT2_FT_CHRDEV] = DT_CHR,
		[EXT2_FT_BLKDEV] = DT_BLK,
		[EXT2_FT_FIFO] = DT_FIFO,
		[EXT2_FT_SOCK] = 12 /* DT_SOCK */,
		[EXT2_FT_SYMLINK] = DT_LNK,
	};
	return ft < ARRAY_SIZE(dtype) ? dtype[ft] : DT_UNKNOWN;
}

/* Write an entry's inode, type and name (its rec_len stays). */
static void dirent_set(struct ext2_fs *fs, struct ext2_dirent *de, const char *name, size_t len,
		       uint32_t ino, uint32_t mode)
{
	de->inode = ino;
	de->name_len = (uint8_t)len;
	de->file_type = fs->filetype ? mode_to_ftype(mode) : 0;
	memcpy((char *)de + EXT2_DIRENT_HDR, name, len);
}

/* The directory changed: times, and no more hashed index (dir_index): its
 * index would not know the change, and without the flag its blocks read as
 * plain entries. */
static int dir_touch(struct inode *dir)
{
	struct ext2_dinode *d = &EXT2_I(dir)->d;

	d->i_mtime = d->i_ctime = (uint32_t)vfs_now();
	d->i_flags &= ~EXT2_INDEX_FL;
	return ext2_inode_dirty(dir);
}

int ext2_dir_find(struct inode *dir, const char *name, size_t len, struct ext2_dirslot *slot)
{
	struct ext2_fs *fs = EXT2_FS(dir->sb);
	uint8_t *buf = kmalloc(fs->bsize);
	uint32_t pblk;
	int err = buf ? -ENOENT : -ENOMEM;

	for (uint64_t b = 0; buf && b < dir_blocks(fs, dir) && err == -ENOENT; b++) {
		int rerr = dir_block_read(dir, b, buf, &pblk);
		if (rerr) {
			err = rerr;
			break;
		}
		for (uint32_t off = 0; off < fs->bsize; off += dirent_at(buf, off)->rec_len) {
			struct ext2_dirent *de = dirent_at(buf, off);
			if (dirent_is(de, name, len)) {
				*slot = (struct ext2_dirslot){b, off, de->inode, de->file_type};
				err = 0;
				break;
			}
		}
	}
	kfree(buf);
	return err;
}

/* Put the name in the first entry of the block with room for it: 1 if
 * done, 0 if the block is full. */
static int block_insert(struct ext2_fs *fs, uint8_t *buf, const char *name, size_t len,
			uint32_t ino, uint32_t mode)
{
	uint32_t need = EXT2_DIRENT_LEN(len);

	for (uint32_t off = 0; off < fs->bsize; off += dirent_at(buf, off)->rec_len) {
		struct ext2_dirent *de = dirent_at(buf, off);
		uint32_t used = de->inode ? EXT2_DIRENT_LEN(de->name_len) : 0;
		if (de->rec_len - used < need)
			continue;
		if (used) { /* split: the new entry takes the slack */
			struct ext2_dirent *next = dirent_at(buf, off + used);
			next->rec_len = de->rec_len - used;
			de->rec_len = used;
			de = next;
		}
		dirent_set(fs, de, name, len, ino, mode);
		return 1;
	}
	return 0;
}

/* No block had room: a new block at the end holding just this entry. */
static int dir_append(struct inode *dir, uint8_t *buf, const char *name, size_t len, uint32_t ino,
		      uint32_t mode)
{
	struct ext2_fs *fs = EXT2_FS(dir->sb);
	uint64_t lblk = dir_blocks(fs, dir);
	uint32_t pblk;
	int err;

	if ((lblk + 1) * fs->bsize > UINT32_MAX)
		return -ENOSPC;
	err = ext2_bmap(dir, lblk, true, &pblk);
	if (err)
		return err;
	memset(buf, 0, fs->bsize);
	dirent_at(buf, 0)->rec_len = (uint16_t)fs->bsize;
	dirent_set(fs, dirent_at(buf, 0), name, len, ino, mode);
	err = ext2_write(fs, pblk, 0, buf, fs->bsize);
	if (err)
		return err;
	ext2_set_isize(&EXT2_I(dir)->d, (lblk + 1) * fs->bsize);
	return ext2_inode_dirty(dir);
}

int ext2_dir_add(struct inode *dir, const char *name, size_t len, uint32_t ino, uint32_t mode)
{
	struct ext2_fs *fs = EXT2_FS(dir->sb);
	uint8_t *buf = kmalloc(fs->bsize);
	uint32_t pblk;
	int err = 0, done = 0;

	if (!buf)
		return -ENOMEM;
	for (uint64_t b = 0; !err && !done && b < dir_blocks(fs, dir); b++) {
		err = dir_block_read(dir, b, buf, &pblk);
		if (!err)
			done = block_insert(fs, buf, name, len, ino, mode);
		if (done)
			err = ext2_write(fs, pblk, 0, buf, fs->bsize);
	}
	if (!err && !done)
		err = dir_append(dir, buf, name, len, ino, mode);
	kfree(buf);
	return err ? err : dir_touch(dir);
}

/* Remove the name from a block if it is there: 1 if done. */
static int block_remove(struct ext2_fs *fs, uint8_t *buf, const char *name, size_t len)
{
	struct ext2_dirent *prev = NULL;

	for (uint32_t off = 0; off < fs->bsize; off += dirent_at(buf, off)->rec_len) {
		struct ext2_dirent *de = dirent_at(buf, off);
		if (!dirent_is(de, name, len)) {
			prev = de;
			continue;
		}
		if (prev)
			prev->rec_len += de->rec_len; /* merge into the entry before */
		else
			de->inode = 0; /* the first entry of a block stays, unused */
		return 1;
	}
	return 0;
}

int ext2_dir_remove(struct inode *dir, const char *name, size_t len)
{
	struct ext2_fs *fs = EXT2_FS(dir->sb);
	uint8_t *buf = kmalloc(fs->bsize);
	uint32_t pblk;
	int err = 0, done = 0;

	if (!buf)
		return -ENOMEM;
	for (uint64_t b = 0; !err && !done && b < dir_blocks(fs, dir); b++) {
		err = dir_block_read(dir, b, buf, &pblk);
		if (!err)
			done = block_remove(fs, buf, name, len);
		if (done)
			err = ext2_write(fs, pblk, 0, buf, fs->bsize);
	}
	kfree(buf);
	if (!err && !done)
		err = -ENOENT;
	return err ? err : dir_touch(dir);
}

int ext2_dir_retarget(struct inode *dir, const struct ext2_dirslot *slot, uint32_t ino,
		      uint32_t mode)
{
	struct ext2_fs *fs = EXT2_FS(dir->sb);
	uint8_t *buf = kmalloc(fs->bsize);
	uint32_t pblk;
	int err = buf ? dir_block_read(dir, slot->lblk, buf, &pblk) : -ENOMEM;

	if (!err) {
		struct ext2_dirent *de = dirent_at(buf, slot->off);
		de->inode = ino;
		de->file_type = fs->filetype ? mode_to_ftype(mode) : 0;
		err = ext2_write(fs, pblk, 0, buf, fs->bsize);
	}
	kfree(buf);
	return err ? err : dir_touch(dir);
}

int ext2_dir_empty(struct inode *dir)
{
	struct ext2_fs *fs = EXT2_FS(dir->sb);
	uint8_t *buf = kmalloc(fs->bsize);
	uint32_t pblk;
	int err = buf ? 1 : -ENOMEM;

	for (uint64_t b = 0; err == 1 && b < dir_blocks(fs, dir); b++) {
		int rerr = dir_block_read(dir, b, buf, &pblk);
		if (rerr)
			err = rerr;
		for (uint32_t off = 0; !rerr && off < fs->bsize;
		     off += dirent_at(buf, off)->rec_len) {
			struct ext2_dirent *de = dirent_at(buf, off);
			if (de->inode && !dirent_is(de, ".", 1) && !dirent_is(de, "..", 2)) {
				err = 0;
				break;
			}
		}
	}
	kfree(buf);
	return err;
}

int ext2_dir_init(struct inode *dir, uint32_t parent)
{
	struct ext2_fs *fs = EXT2_FS(dir->sb);
	uint8_t *buf = kzalloc(fs->bsize);
	uint32_t pblk;
	int err = buf ? ext2_bmap(dir, 0, true, &pblk) : -ENOMEM;

	if (!err) {
		struct ext2_dirent *dot = dirent_at(buf, 0);
		dot->rec_len = EXT2_DIRENT_LEN(1);
		dirent_set(fs, dot, ".", 1, (uint32_t)dir->ino, S_IFDIR);
		struct ext2_dirent *dotdot = dirent_at(buf, dot->rec_len);
		dotdot->rec_len = (uint16_t)(fs->bsize - dot->rec_len);
		dirent_set(fs, dotdot, "..", 2, parent, S_IFDIR);
		err = ext2_write(fs, pblk, 0, buf, fs->bsize);
	}
	kfree(buf);
	if (err)
		return err;
	ext2_set_isize(&EXT2_I(dir)->d, fs->bsize);
	return ext2_inode_dirty(dir);
}

/* The entries of block b at or after byte *pos of the directory. */
static int readdir_block(struct inode *dir, uint64_t b, uint8_t *buf, uint64_t *pos,
			 filldir_t filldir, void *ctx)
{
	struct ext2_fs *fs = EXT2_FS(dir->sb);
	uint64_t base = b * fs->bsize;

	for (uint32_t off = 0; off < fs->bsize; off += dirent_at(buf, off)->rec_len) {
		struct ext2_dirent *de = dirent_at(buf, off);
		uint64_t next = base + off + de->rec_len;
		if (base + off < *pos)
			continue; /* before where the caller left off */
		if (de->inode &&
		    filldir(ctx, dirent_name(de), de->name_len, de->inode,
			    fs->filetype ? ftype_to_dtype(de->file_type) : DT_UNKNOWN, next))
			return 1; /* no room: this entry comes first next time */
		*pos = next;
	}
	*pos = base + fs->bsize;
	return 0;
}

int ext2_dir_readdir(struct inode *dir, uint64_t *pos, filldir_t filldir, void *ctx)
{
	struct ext2_fs *fs = EXT2_FS(dir->sb);
	uint8_t *buf = kmalloc(fs->bsize);
	uint32_t pblk;
	int err = buf ? 0 : -ENOMEM;

	while (!err && *pos < dir->size) {
		err = dir_block_read(dir, *pos / fs->bsize, buf, &pblk);
		if (!err && readdir_block(dir, *pos / fs->bsize, buf, pos, filldir, ctx))
			break;
	}
	kfree(buf);
	return err;
}
