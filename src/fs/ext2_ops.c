/*
 * ext2: the operations the VFS calls (struct inode_ops).  Each takes the
 * file system's mutex for its whole length, so one operation at a time
 * changes the disk.  A new inode is made complete before a name links to
 * it; a failure before the name is added drops the inode (nlink 0, and the
 * last inode_put frees it).
 */
#include <sluice/bcache.h>
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/mutex.h>
#include <sluice/signal.h>
#include <sluice/string.h>

#include "ext2_int.h"

/* Room for a fast symlink's target: i_block's 60 bytes. */
#define EXT2_FAST_SYMLINK_MAX (EXT2_N_BLOCKS * 4)

static struct ext2_fs *fs_lock(struct inode *ino)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);

	mutex_lock(&fs->lock);
	return fs;
}

static void fs_unlock(struct ext2_fs *fs)
{
	mutex_unlock(&fs->lock);
}

static struct ext2_dinode *DI(struct inode *ino)
{
	return &EXT2_I(ino)->d;
}

/* Change an inode's link count (and ctime) and write it back. */
static int links_add(struct inode *ino, int delta)
{
	DI(ino)->i_links_count += delta;
	DI(ino)->i_ctime = (uint32_t)vfs_now();
	return ext2_inode_dirty(ino);
}

/* Can a new name go into dir: writable, not removed, name free? */
static int check_new_name(struct ext2_fs *fs, struct inode *dir, const char *name, size_t len)
{
	struct ext2_dirslot slot;
	int err;

	if (fs->readonly)
		return -EROFS;
	if (dir->nlink == 0)
		return -ENOENT;
	err = ext2_dir_find(dir, name, len, &slot);
	if (err == 0)
		return -EEXIST;
	return err == -ENOENT ? 0 : err;
}

/* A new inode of mode, not linked anywhere yet. */
static int new_child(struct ext2_fs *fs, struct inode *dir, const char *name, size_t len,
		     uint32_t mode, struct inode **out)
{
	int err = check_new_name(fs, dir, name, len);

	return err ? err : ext2_inode_new(fs, dir, mode, out);
}

/* Give the finished inode its name. */
static int link_child(struct inode *dir, const char *name, size_t len, struct inode *ino)
{
	return ext2_dir_add(dir, name, len, (uint32_t)ino->ino, ino->mode);
}

/* Put a new inode, dropping it altogether if it could not be linked. */
static void put_child(struct inode *ino, int err)
{
	if (err) {
		DI(ino)->i_links_count = 0;
		ext2_inode_dirty(ino); /* nlink 0: evict frees it */
	}
	inode_put(ino);
}

static int ext2_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct ext2_fs *fs = fs_lock(dir);
	struct ext2_dirslot slot;
	int err = ext2_dir_find(dir, name, len, &slot);

	if (!err)
		err = ext2_iget(fs, slot.ino, out);
	fs_unlock(fs);
	return err;
}

static int ext2_create(struct inode *dir, const char *name, size_t len, uint32_t mode,
		       struct inode **out)
{
	struct ext2_fs *fs = fs_lock(dir);
	struct inode *ino;
	int err = new_child(fs, dir, name, len, S_IFREG | (mode & 07777), &ino);

	if (!err) {
		err = link_child(dir, name, len, ino);
		if (err)
			put_child(ino, err);
		else
			*out = ino;
	}
	fs_unlock(fs);
	return err;
}

static int ext2_mkdir(struct inode *dir, const char *name, size_t len, uint32_t mode)
{
	struct ext2_fs *fs = fs_lock(dir);
	struct inode *ino = NULL;
	int err = dir->nlink >= EXT2_LINK_MAX ? -EMLINK : 0;

	if (!err)
		err = new_child(fs, dir, name, len, S_IFDIR | (mode & 07777), &ino);
	if (!err) {
		DI(ino)->i_links_count = 2; /* its name, and its "." */
		err = ext2_dir_init(ino, (uint32_t)dir->ino);
		if (!err)
			err = link_child(dir, name, len, ino);
		put_child(ino, err);
		if (!err)
			err = links_add(dir, +1); /* the new ".." */
	}
	fs_unlock(fs);
	return err;
}

/* The inode a name in dir stands for, counted. */
static int find_inode(struct ext2_fs *fs, struct inode *dir, const char *name, size_t len,
		      struct inode **out)
{
	struct ext2_dirslot slot;
	int err = ext2_dir_find(dir, name, len, &slot);

	return err ? err : ext2_iget(fs, slot.ino, out);
}

static int ext2_unlink(struct inode *dir, const char *name, size_t len)
{
	struct ext2_fs *fs = fs_lock(dir);
	struct inode *victim = NULL;
	int err = fs->readonly ? -EROFS : find_inode(fs, dir, name, len, &victim);

	if (!err && S_ISDIR(victim->mode))
		err = -EISDIR;
	if (!err)
		err = ext2_dir_remove(dir, name, len);
	if (!err)
		err = links_add(victim, -1);
	inode_put(victim); /* the last reference to a last link frees it */
	fs_unlock(fs);
	return err;
}

static int ext2_rmdir(struct inode *dir, const char *name, size_t len)
{
	struct ext2_fs *fs = fs_lock(dir);
	struct inode *victim = NULL;
	int err = fs->readonly ? -EROFS : find_inode(fs, dir, name, len, &victim);

	if (!err && !S_ISDIR(victim->mode))
		err = -ENOTDIR;
	if (!err) {
		err = ext2_dir_empty(victim);
		err = err == 1 ? 0 : err == 0 ? -ENOTEMPTY : err;
	}
	if (!err)
		err = ext2_dir_remove(dir, name, len);
	if (!err)
		err = links_add(victim, -(int)DI(victim)->i_links_count); /* name and "." */
	if (!err)
		err = links_add(dir, -1); /* its ".." */
	inode_put(victim);
	fs_unlock(fs);
	return err;
}

static int ext2_link(struct inode *dir, const char *name, size_t len, struct inode *target)
{
	struct ext2_fs *fs = fs_lock(dir);
	int err = check_new_name(fs, dir, name, len);

	if (!err && S_ISDIR(target->mode))
		err = -EPERM;
	if (!err && target->nlink == 0)
		err = -ENOENT;
	if (!err && target->nlink >= EXT2_LINK_MAX)
		err = -EMLINK;
	if (!err)
		err = ext2_dir_add(dir, name, len, (uint32_t)target->ino, target->mode);
	if (!err)
		err = links_add(target, +1);
	fs_unlock(fs);
	return err;
}

/* rename over an existing name: point it at src, and drop what it named. */
static int rename_replace(struct ext2_fs *fs, struct inode *ndir, struct ext2_dirslot *ns,
			  struct inode *src)
{
	struct inode *victim;
	int err = ext2_iget(fs, ns->ino, &victim);

	if (err)
		return err;
	if (S_ISDIR(src->mode) != S_ISDIR(victim->mode))
		err = S_ISDIR(victim->mode) ? -EISDIR : -ENOTDIR;
	if (!err && S_ISDIR(victim->mode)) {
		err = ext2_dir_empty(victim);
		err = err == 1 ? 0 : err == 0 ? -ENOTEMPTY : err;
	}
	if (!err)
		err = ext2_dir_retarget(ndir, ns, (uint32_t)src->ino, src->mode);
	if (!err && S_ISDIR(victim->mode)) {
		err = links_add(victim, -(int)DI(victim)->i_links_count);
		if (!err)
			err = links_add(ndir, -1); /* the victim's ".." */
	} else if (!err) {
		err = links_add(victim, -1);
	}
	inode_put(victim);
	return err;
}

/* A directory moved to another parent: its ".." and both link counts. */
static int rename_reparent(struct inode *src, struct inode *odir, struct inode *ndir)
{
	struct ext2_dirslot dotdot;
	int err = ext2_dir_find(src, "..", 2, &dotdot);

	if (!err)
		err = ext2_dir_retarget(src, &dotdot, (uint32_t)ndir->ino, S_IFDIR);
	if (!err)
		err = links_add(odir, -1);
	return err ? err : links_add(ndir, +1);
}

static int rename_locked(struct ext2_fs *fs, struct inode *odir, const char *oname, size_t olen,
			 struct inode *ndir, const char *nname, size_t nlen)
{
	struct ext2_dirslot os, ns;
	struct inode *src;
	int err = ext2_dir_find(odir, oname, olen, &os), found;

	if (err)
		return err;
	if (ndir->nlink == 0)
		return -ENOENT; /* removed while the VFS looked */
	found = ext2_dir_find(ndir, nname, nlen, &ns);
	if (found == 0 && ns.ino == os.ino)
		return 0; /* two names of one inode: POSIX says do nothing */
	if (found != 0 && found != -ENOENT)
		return found;
	err = ext2_iget(fs, os.ino, &src);
	if (err)
		return err;
	bool moves_dir = S_ISDIR(src->mode) && odir != ndir;
	if (found == 0)
		err = rename_replace(fs, ndir, &ns, src);
	else if (moves_dir && ndir->nlink >= EXT2_LINK_MAX)
		err = -EMLINK;
	else
		err = ext2_dir_add(ndir, nname, nlen, (uint32_t)src->ino, src->mode);
	if (!err)
		err = ext2_dir_remove(odir, oname, olen);
	if (!err && moves_dir)
		err = rename_reparent(src, odir, ndir);
	if (!err)
		err = links_add(src, 0); /* ctime */
	inode_put(src);
	return err;
}

static int ext2_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
		       const char *nname, size_t nlen)
{
	struct ext2_fs *fs = fs_lock(odir);
	int err = fs->readonly ? -EROFS : rename_locked(fs, odir, oname, olen, ndir, nname, nlen);

	fs_unlock(fs);
	return err;
}

static int ext2_mknod(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev)
{
	struct ext2_fs *fs = fs_lock(dir);
	struct inode *ino;
	uint32_t type = mode & S_IFMT;
	int err = 0;

	if (type != S_IFCHR && type != S_IFBLK && type != S_IFIFO && type != S_IFSOCK &&
	    type != S_IFREG)
		err = -EINVAL;
	if (!err)
		err = new_child(fs, dir, name, len, mode, &ino);
	if (!err) {
		if (type == S_IFCHR || type == S_IFBLK)
			DI(ino)->i_block[0] = rdev & 0xffff; /* Linux's old 8:8 form */
		err = ext2_inode_dirty(ino);
		if (!err)
			err = link_child(dir, name, len, ino);
		put_child(ino, err);
	}
	fs_unlock(fs);
	return err;
}

/* A symlink's target: in i_block itself if short (a fast symlink), else
 * in one data block. */
static int symlink_store(struct ext2_fs *fs, struct inode *ino, const char *target, size_t len)
{
	uint32_t pblk;
	int err = 0;

	if (len < EXT2_FAST_SYMLINK_MAX) {
		memcpy(DI(ino)->i_block, target, len);
	} else {
		err = ext2_bmap(ino, 0, true, &pblk);
		if (!err)
			err = ext2_write(fs, pblk, 0, target, len);
	}
	ext2_set_isize(DI(ino), len);
	int werr = ext2_inode_dirty(ino);
	return err ? err : werr;
}

static int ext2_symlink(struct inode *dir, const char *name, size_t len, const char *target)
{
	struct ext2_fs *fs = fs_lock(dir);
	size_t tlen = strnlen(target, fs->bsize);
	struct inode *ino;
	int err = tlen == 0 ? -ENOENT : tlen >= fs->bsize ? -ENAMETOOLONG : 0;

	if (!err)
		err = new_child(fs, dir, name, len, S_IFLNK | 0777, &ino);
	if (!err) {
		err = symlink_store(fs, ino, target, tlen);
		if (!err)
			err = link_child(dir, name, len, ino);
		put_child(ino, err);
	}
	fs_unlock(fs);
	return err;
}

static long ext2_readlink(struct inode *link, char *buf, size_t size)
{
	struct ext2_fs *fs = fs_lock(link);
	struct ext2_dinode *d = DI(link);
	size_t n = MIN(size, (size_t)link->size);
	uint32_t pblk;
	long err = 0;

	if (!S_ISLNK(link->mode))
		err = -EINVAL;
	else if (!ext2_has_blocks(d, fs->bsize))
		memcpy(buf, d->i_block, n); /* iget checked: size < 60 */
	else if (!(err = ext2_bmap(link, 0, false, &pblk)))
		err = pblk ? ext2_read(fs, pblk, 0, buf, n) : ext2_corrupt("symlink without block");
	fs_unlock(fs);
	return err ? err : (long)n;
}

static int ext2_readdir(struct inode *dir, uint64_t *pos, filldir_t filldir, void *ctx)
{
	struct ext2_fs *fs = fs_lock(dir);
	int err = S_ISDIR(dir->mode) ? ext2_dir_readdir(dir, pos, filldir, ctx) : -ENOTDIR;

	fs_unlock(fs);
	return err;
}

/* The piece of a read or write at off: up to len bytes, inside one page. */
static size_t page_piece(uint64_t off, size_t len)
{
	return MIN(len, PAGE_SIZE - off % PAGE_SIZE);
}

static long ext2_file_read(struct inode *ino, char *buf, size_t len, uint64_t off, bool user)
{
	struct ext2_fs *fs = fs_lock(ino);
	size_t done = 0;
	int err = S_ISDIR(ino->mode) ? -EISDIR : 0;

	if (off < ino->size)
		len = MIN(len, ino->size - off);
	else
		len = 0;
	while (!err && done < len) {
		uint64_t at = off + done;
		size_t n = page_piece(at, len - done);
		uint8_t *page;
		/* A sequential reader's next page, not cached: read ahead. */
		if ((at / PAGE_SIZE == 0 || at / PAGE_SIZE == EXT2_I(ino)->ra_next) &&
		    !ext2_pc_cached(ino, at / PAGE_SIZE))
			ext2_pc_readahead(ino, at / PAGE_SIZE);
		EXT2_I(ino)->ra_next = at / PAGE_SIZE + 1;
		err = ext2_pc_get(ino, at / PAGE_SIZE, EXT2_PC_READ, &page);
		if (!err) {
			err = vfs_copy_out(buf + done, page + at % PAGE_SIZE, n, user);
			ext2_pc_unpin(page);
		}
		if (!err)
			done += n;
		if (!err && fatal_signal_pending())
			err = -EINTR; /* SIGKILL ends a big read at once */
	}
	fs_unlock(fs);
	return done ? (long)done : err;
}

/* Give the blocks under [at, at + n) a place on the disk now, so that a
 * full disk is ENOSPC here, not at write-back. */
static int write_blocks(struct inode *ino, uint64_t at, size_t n)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	uint32_t pblk;
	int err = 0;

	for (uint64_t b = at / fs->bsize; !err && b <= (at + n - 1) / fs->bsize; b++)
		err = ext2_bmap(ino, b, EXT2_BMAP_DATA, &pblk);
	return err;
}

/* n bytes from buf into the file at off, inside one page, through the
 * page cache: the page is read in first unless it lies past the end of
 * the file (then it is zeros, or, if the write covers it, left for the
 * write to fill).  A page inside the file is read even when the write
 * covers it: a fault part way through must leave the file's bytes. */
static int write_piece(struct inode *ino, uint64_t at, const char *buf, size_t n, bool user)
{
	uint64_t pg = at / PAGE_SIZE;
	int how = pg * PAGE_SIZE < ino->size ? EXT2_PC_READ
		  : n == PAGE_SIZE	     ? EXT2_PC_WHOLE
					     : EXT2_PC_ZERO;
	uint8_t *page;
	int err = write_blocks(ino, at, n), got;

	if (!err && (got = ext2_pc_get(ino, pg, how, &page)) < 0)
		err = got;
	if (err)
		return err;
	err = vfs_copy_in(page + at % PAGE_SIZE, buf, n, user);
	/* A fault part way: bytes past the end (a new page's unset ones
	 * among them) must not show old memory. */
	if (err && at >= ino->size)
		memset(page + at % PAGE_SIZE, 0, n);
	if (!err)
		ext2_pc_dirty(ino, pg);
	ext2_pc_unpin(page);
	return err;
}

/* A write reached end: the size (if it grew), mtime and ctime, to disk. */
static int write_done(struct inode *ino, uint64_t end)
{
	struct ext2_dinode *d = DI(ino);

	if (end > ino->size)
		ext2_set_isize(d, end);
	d->i_mtime = d->i_ctime = (uint32_t)vfs_now();
	return ext2_inode_dirty(ino);
}

static long ext2_file_write(struct inode *ino, const char *buf, size_t len, uint64_t off, bool user)
{
	struct ext2_fs *fs = fs_lock(ino);
	uint64_t max = ext2_max_size(fs);
	size_t done = 0;
	int err = fs->readonly ? -EROFS : !S_ISREG(ino->mode) ? -EINVAL : 0;

	/* As Linux's generic_write_checks: nothing to write is never EFBIG. */
	if (!err && len && off >= max)
		err = -EFBIG;
	if (!err)
		len = MIN(len, max - off);
	while (!err && done < len) {
		size_t n = page_piece(off + done, len - done);
		err = write_piece(ino, off + done, buf + done, n, user);
		if (!err)
			done += n;
		if (!err && fatal_signal_pending())
			err = -EINTR;
		/* Linux's balance_dirty_pages, simply.  Write-back stops at the
		 * end of the file: the size grows first. */
		if (!err && ext2_pc_too_dirty() && !(err = write_done(ino, off + done)))
			err = ext2_pc_sync(fs, EXT2_PC_ALL);
	}
	if (done) {
		int werr = write_done(ino, off + done);
		err = werr ? werr : err;
	}
	fs_unlock(fs);
	return done ? (long)done : err;
}

/*
 * mmap: the file's page from the page cache (ext2_pcache.c), the one
 * read and write use.  The pin ext2_pc_get takes is the mapping's
 * reference.  A shared mapping may store to it: it is counted dirty, and
 * written back at fsync, sync, msync and evict.
 */
static int ext2_map_page(struct inode *ino, uint64_t pg, bool shared, paddr_t *pa)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	uint8_t *page;
	int err;

	if (mutex_held(&fs->lock))
		return -EDEADLK;
	mutex_lock(&fs->lock);
	if (pg >= (ino->size + PAGE_SIZE - 1) / PAGE_SIZE)
		err = -ENXIO;
	else if (!(err = ext2_pc_get(ino, pg, EXT2_PC_READ, &page))) {
		*pa = virt_to_phys(page);
		if (shared)
			ext2_pc_dirty(ino, pg);
	}
	mutex_unlock(&fs->lock);
	return err;
}

/* Fault-around: the pages the page cache holds already, pinned as
 * ext2_map_page pins them (no disk read: ext2_pc_get finds them). */
static unsigned int ext2_map_cached(struct inode *ino, uint64_t pg, unsigned int n, paddr_t *pa)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	unsigned int got = 0;
	uint8_t *page;

	if (mutex_held(&fs->lock) || !S_ISREG(ino->mode))
		return 0;
	mutex_lock(&fs->lock);
	for (uint64_t end = (ino->size + PAGE_SIZE - 1) / PAGE_SIZE; got < n && pg + got < end;
	     got++) {
		if (!ext2_pc_cached(ino, pg + got) ||
		    ext2_pc_get(ino, pg + got, EXT2_PC_READ, &page))
			break;
		pa[got] = virt_to_phys(page);
	}
	mutex_unlock(&fs->lock);
	return got;
}

/* mincore: is the page in the page cache (it may be, mapped or not)? */
static bool ext2_page_cached(struct inode *ino, uint64_t pg)
{
	struct ext2_fs *fs = EXT2_FS(ino->sb);
	bool in;

	if (mutex_held(&fs->lock))
		return false;
	mutex_lock(&fs->lock);
	in = S_ISREG(ino->mode) && ext2_pc_cached(ino, pg);
	mutex_unlock(&fs->lock);
	return in;
}

/* Shrink: zero the rest of the last page in the page cache, so that
 * growing the file again shows zeros there (it reaches the disk at
 * write-back), then free the blocks past the new end. */
static int shrink(struct ext2_fs *fs, struct inode *ino, uint64_t size)
{
	uint8_t *page;
	int err;

	(void)fs;
	if (size % PAGE_SIZE) {
		err = ext2_pc_get(ino, size / PAGE_SIZE, EXT2_PC_READ, &page);
		if (err)
			return err;
		memset(page + size % PAGE_SIZE, 0, PAGE_SIZE - size % PAGE_SIZE);
		ext2_pc_dirty(ino, size / PAGE_SIZE);
		ext2_pc_unpin(page);
	}
	return ext2_free_from(ino, (size + EXT2_FS(ino->sb)->bsize - 1) / EXT2_FS(ino->sb)->bsize);
}

static int ext2_truncate(struct inode *ino, uint64_t size)
{
	struct ext2_fs *fs = fs_lock(ino);
	int err = 0;

	if (fs->readonly)
		err = -EROFS;
	else if (S_ISDIR(ino->mode))
		err = -EISDIR;
	else if (!S_ISREG(ino->mode))
		err = -EINVAL;
	else if (size > ext2_max_size(fs))
		err = -EFBIG;
	if (!err && size < ino->size)
		err = shrink(fs, ino, size);
	if (!err) {
		ext2_pc_truncate(ino, size);
		ext2_set_isize(DI(ino), size);
		DI(ino)->i_mtime = DI(ino)->i_ctime = (uint32_t)vfs_now();
		err = ext2_inode_dirty(ino);
	}
	fs_unlock(fs);
	return err;
}

static int ext2_fsync(struct inode *ino)
{
	struct ext2_fs *fs = fs_lock(ino);
	int err = ext2_pc_writeback(ino); /* the file's dirty pages */

	fs_unlock(fs);
	int serr = bcache_sync(); /* the one cache holds the one disk */
	return err ? err : serr;
}

/* chmod, chown, utimensat: the change goes to the disk inode, in whole
 * seconds (ext2 keeps no nanoseconds; stat then shows 0, as Linux's ext2). */
static int ext2_setattr(struct inode *ino, const struct iattr *ia)
{
	struct ext2_fs *fs = fs_lock(ino);
	struct ext2_dinode *d = DI(ino);
	int err = fs->readonly ? -EROFS : 0;

	if (!err) {
		if (ia->valid & ATTR_MODE)
			d->i_mode = (uint16_t)((d->i_mode & S_IFMT) | (ia->mode & 07777));
		if (ia->valid & (ATTR_UID | ATTR_GID))
			ext2_set_owner(d, ia->valid & ATTR_UID ? ia->uid : ino->uid,
				       ia->valid & ATTR_GID ? ia->gid : ino->gid);
		if (ia->valid & ATTR_ATIME)
			d->i_atime = (uint32_t)ia->atime;
		if (ia->valid & ATTR_MTIME)
			d->i_mtime = (uint32_t)ia->mtime;
		if (ia->valid & ATTR_CTIME)
			d->i_ctime = (uint32_t)ia->ctime;
		err = ext2_inode_dirty(ino); /* and the struct inode from it */
	}
	fs_unlock(fs);
	return err;
}

const struct inode_ops ext2_inode_ops = {
	.lookup = ext2_lookup,
	.create = ext2_create,
	.mkdir = ext2_mkdir,
	.unlink = ext2_unlink,
	.rmdir = ext2_rmdir,
	.link = ext2_link,
	.rename = ext2_rename,
	.mknod = ext2_mknod,
	.symlink = ext2_symlink,
	.readlink = ext2_readlink,
	.readdir = ext2_readdir,
	.read = ext2_file_read,
	.write = ext2_file_write,
	.truncate = ext2_truncate,
	.fsync = ext2_fsync,
	.map_page = ext2_map_page,
	.map_cached = ext2_map_cached,
	.page_cached = ext2_page_cached,
	.setattr = ext2_setattr,
};
