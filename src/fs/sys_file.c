/*
 * More calls on regular files, beside sys_fs.c's: truncate by path,
 * fallocate, fadvise64, syncfs, statx, sendfile and copy_file_range
 * (docs/filesystems.md, "More file calls").  Each checks its arguments in the order Linux does, so
 * a call with several faults answers the same errno as there.
 */
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

static bool read_only(struct inode *ino)
{
	return ino->sb && (ino->sb->flags & SB_RDONLY);
}

/* --- truncate --- */

/*
 * Linux's vfs_truncate: a directory is EISDIR, anything else not a regular
 * file EINVAL, a read-only mount EROFS, no write permission EACCES, a
 * program running from it ETXTBSY, a size past the file system's largest
 * EFBIG, then RLIMIT_FSIZE as ftruncate.
 */
long sys_truncate(const char __user *upath, long len)
{
	struct inode *ino;
	char *path;
	long err;

	if (len < 0)
		return -EINVAL;
	err = user_path(upath, &path);
	if (err)
		return err;
	err = vfs_lookup(AT_FDCWD, path, true, &ino);
	kfree(path);
	if (err)
		return err;
	if (S_ISDIR(ino->mode))
		err = -EISDIR;
	else if (!S_ISREG(ino->mode))
		err = -EINVAL;
	else if (read_only(ino))
		err = -EROFS;
	else if ((err = vfs_permission(ino, MAY_WRITE)) != 0)
		;
	else if ((err = inode_get_write(ino)) != 0)
		; /* ETXTBSY: a program runs from it */
	else {
		err = (uint64_t)len > vfs_maxbytes(ino) ? -EFBIG
							: vfs_truncate_checked(ino, (uint64_t)len);
		inode_put_write(ino);
	}
	vfs_put(ino);
	return err;
}

/* --- fallocate --- */

#define FALLOC_FL_KEEP_SIZE 0x01

/*
 * Mode 0 makes the file at least offset + len bytes long; FALLOC_FL_KEEP_SIZE
 * does not change the size.  A file system with a fallocate operation
 * (ramfs and tmpfs) reserves the pages, as Linux's tmpfs: ENOSPC past a
 * tmpfs's size=.  ext2 reserves no blocks: its files are sparse, so a later
 * write may still find the disk full (Linux's ext2 has no fallocate at all).  Every other mode (punching holes, zeroing,
 * collapsing, inserting ranges) is EOPNOTSUPP, as on a Linux file system
 * without them.  The checks are vfs_fallocate's, in its order.
 */
long sys_fallocate(int fd, int mode, long offset, long len)
{
	struct file *f = fd_get(fd);
	struct inode *ino;
	int64_t end;

	if (!f)
		return -EBADF;
	if (offset < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~FALLOC_FL_KEEP_SIZE)
		return -EOPNOTSUPP;
	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	ino = f->inode;
	if (S_ISFIFO(ino->mode))
		return -ESPIPE;
	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (!S_ISREG(ino->mode))
		return -ENODEV;
	if (__builtin_add_overflow(offset, len, &end) || (uint64_t)end > vfs_maxbytes(ino))
		return -EFBIG;
	if (!ino->ops || !ino->ops->truncate || f->ops != &generic_file_ops)
		return -EOPNOTSUPP; /* /proc's files */
	if (read_only(ino))
		return -EROFS;
	if (ino->ops->fallocate)
		return ino->ops->fallocate(ino, (uint64_t)offset, (uint64_t)len,
					   mode & FALLOC_FL_KEEP_SIZE);
	if ((mode & FALLOC_FL_KEEP_SIZE) || (uint64_t)end <= ino->size)
		return 0;
	return ino->ops->truncate(ino, (uint64_t)end);
}

/* --- fadvise64 --- */

#define POSIX_FADV_NOREUSE 5 /* the last advice Linux knows */

/* Advice is taken and ignored (the block cache decides), with Linux's
 * errors: a pipe is ESPIPE, a negative length or unknown advice EINVAL. */
long sys_fadvise64(int fd, long offset, long len, int advice)
{
	struct file *f = fd_get(fd);

	(void)offset;
	if (!f)
		return -EBADF;
	if (S_ISFIFO(f->inode->mode))
		return -ESPIPE;
	if (len < 0 || advice < 0 || advice > POSIX_FADV_NOREUSE)
		return -EINVAL;
	return 0;
}

/* --- syncfs --- */

/* Write back the file system fd's file is on (all of them, as sync does,
 * when it has no sync of its own: ext2's blocks share one cache). */
long sys_syncfs(int fd)
{
	struct file *f = fd_get(fd);
	struct super_block *sb;

	if (!f)
		return -EBADF;
	sb = f->inode->sb;
	if (sb && sb->ops && sb->ops->sync)
		return sb->ops->sync(sb);
	return 0;
}

/* --- statx --- */

#define AT_NO_AUTOMOUNT	   0x800
#define AT_STATX_SYNC_TYPE 0x6000
#define STATX_BASIC_STATS  0x7ffu
#define STATX_MNT_ID	   0x1000u
#define STATX__RESERVED	   0x80000000u
#define STATX_FLAGS_KNOWN                                                                          \
	(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)

struct statx_timestamp {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};

/* Linux's struct statx (include/uapi/linux/stat.h): 256 bytes. */
struct kstatx {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct statx_timestamp atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint64_t spare[13];
};
_Static_assert(sizeof(struct kstatx) == 256, "struct statx is 256 bytes");
_Static_assert(__builtin_offsetof(struct kstatx, mnt_id) == 144, "stx_mnt_id at 144");

/* A device number as stat's st_dev packs it (new_encode_dev), split. */
static uint32_t dev_major(uint64_t dev)
{
	return (uint32_t)((dev >> 8) & 0xfff);
}

static uint32_t dev_minor(uint64_t dev)
{
	return (uint32_t)((dev & 0xff) | ((dev >> 12) & 0xfff00));
}

/*
 * What Linux's generic_fillattr fills, whatever the mask asked for: the
 * basic stats and the mount id.  No birth time (ext2 keeps none) and no
 * attributes (no chattr here).
 */
static long put_statx(struct inode *ino, void __user *ubuf)
{
	struct kstatx sx;
	uint64_t dev = ino->sb ? ino->sb->dev : 0;

	memset(&sx, 0, sizeof(sx));
	sx.mask = STATX_BASIC_STATS | STATX_MNT_ID;
	sx.blksize = 4096;
	sx.nlink = ino->nlink;
	sx.uid = ino->uid;
	sx.gid = ino->gid;
	sx.mode = (uint16_t)ino->mode;
	sx.ino = ino->ino;
	sx.size = ino->size;
	sx.blocks = ino->blocks;
	sx.atime = (struct statx_timestamp){ino->atime, ino->atime_ns, 0};
	sx.mtime = (struct statx_timestamp){ino->mtime, ino->mtime_ns, 0};
	sx.ctime = (struct statx_timestamp){ino->ctime, ino->ctime_ns, 0};
	sx.rdev_major = dev_major(ino->rdev);
	sx.rdev_minor = dev_minor(ino->rdev);
	sx.dev_major = dev_major(dev);
	sx.dev_minor = dev_minor(dev);
	if (ino->sb && ino->sb->mnt)
		sx.mnt_id = (uint64_t)(ino->sb->mnt - mounts) + 1;
	return copy_to_user(ubuf, &sx, sizeof(sx)) ? -EFAULT : 0;
}

/*
 * statx: stat with Linux's newer layout.  The sync-type flags say how
 * current a network file system's answer must be; here every answer is
 * current, so only their invalid combination (both) matters.  A NULL path
 * with AT_EMPTY_PATH is dirfd's own file, as since Linux 6.11.
 */
long sys_statx(int dirfd, const char __user *upath, unsigned int flags, unsigned int mask,
	       void __user *ubuf)
{
	struct inode *ino;
	char *path;
	long err;

	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE || (mask & STATX__RESERVED))
		return -EINVAL;
	if (flags & ~(unsigned int)STATX_FLAGS_KNOWN)
		return -EINVAL;
	if (!upath && (flags & AT_EMPTY_PATH)) {
		err = vfs_lookup_at(dirfd, "", AT_EMPTY_PATH, false, &ino);
	} else {
		err = user_path(upath, &path);
		if (err)
			return err;
		err = vfs_lookup_at(dirfd, path, (int)flags, !(flags & AT_SYMLINK_NOFOLLOW), &ino);
		kfree(path);
	}
	if (err)
		return err;
	err = put_statx(ino, ubuf);
	vfs_put(ino);
	return err;
}

/* --- sendfile and copy_file_range: bytes from file to file in the kernel --- */

#define XFER_CHUNK 4096 /* bytes moved per step: a signal may end a long copy */

static bool can_read(struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool can_write(struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

/* A regular file read through the inode (not /proc's texts). */
static bool readable_file(struct file *f)
{
	return S_ISREG(f->inode->mode) && f->ops == &generic_file_ops && f->inode->ops &&
	       f->inode->ops->read;
}

/* Write n bytes of kernel memory into out: at *pos into a regular file, or
 * into a pipe as write(2) would; -EINVAL for any other file. */
static long write_kernel(struct file *out, const void *buf, size_t n, uint64_t *pos)
{
	struct inode *ino = out->inode;
	long w;

	if (S_ISFIFO(ino->mode))
		return pipe_write_kernel(out, buf, n);
	if (!S_ISREG(ino->mode) || out->ops != &generic_file_ops || !ino->ops || !ino->ops->write)
		return -EINVAL;
	if (read_only(ino))
		return -EROFS;
	w = ino->ops->write(ino, buf, n, *pos, false);
	if (w > 0)
		*pos += (uint64_t)w;
	return w;
}

struct xfer {
	struct file *in, *out;
	uint64_t pos_in, pos_out; /* advanced by what was moved */
	size_t count;
};

/* Move up to x->count bytes, a chunk at a time, stopping at the input's
 * end, a short write or a pending signal: the bytes moved, or the error
 * if none were. */
static long xfer_run(struct xfer *x)
{
	char *buf = kmalloc(XFER_CHUNK);
	size_t done = 0;
	long err = 0;

	if (!buf)
		return -ENOMEM;
	while (done < x->count) {
		size_t n = MIN(x->count - done, (size_t)XFER_CHUNK);
		long r = x->in->inode->ops->read(x->in->inode, buf, n, x->pos_in, false);
		if (r <= 0) {
			err = r;
			break;
		}
		long w = write_kernel(x->out, buf, (size_t)r, &x->pos_out);
		if (w <= 0) {
			err = w;
			break;
		}
		x->pos_in += (uint64_t)w;
		done += (size_t)w;
		if (w < r || signal_pending())
			break;
	}
	kfree(buf);
	return done ? (long)done : err;
}

/* The smaller of two files' largest sizes. */
static uint64_t max_of_two(struct inode *a, struct inode *b)
{
	return MIN(vfs_maxbytes(a), vfs_maxbytes(b));
}

/*
 * sendfile: count bytes of in_fd's file, from *uoff (which is advanced) or
 * its offset, to out_fd's file at its offset or into a pipe.  Linux's
 * order: the offset copied in, the input fd (EBADF; ESPIPE for an offset
 * on an unseekable file; EINVAL for a negative or overflowing range), the
 * output fd (EBADF; EINVAL with O_APPEND), EOVERFLOW past the largest file,
 * then EINVAL for a file the kernel cannot move bytes between.
 */
long sys_sendfile(int out_fd, int in_fd, long __user *uoff, size_t count)
{
	struct xfer x = {0};
	int64_t pos, end;
	uint64_t max;
	long ret;

	if (uoff && copy_from_user(&pos, uoff, sizeof(pos)))
		return -EFAULT;
	x.in = fd_get(in_fd);
	if (!x.in || !can_read(x.in))
		return -EBADF;
	if (uoff && !x.in->ops->seekable)
		return -ESPIPE;
	if (!uoff)
		pos = (int64_t)x.in->pos;
	if ((int64_t)count < 0 || pos < 0 || __builtin_add_overflow(pos, (int64_t)count, &end))
		return -EINVAL; /* Linux's rw_verify_area */
	x.count = MIN(count, MAX_RW_COUNT);
	x.out = fd_get(out_fd);
	if (!x.out || !can_write(x.out))
		return -EBADF;
	if (x.out->flags & O_APPEND)
		return -EINVAL;
	max = max_of_two(x.in->inode, x.out->inode);
	if ((uint64_t)pos + x.count > max) {
		if ((uint64_t)pos >= max)
			return -EOVERFLOW;
		x.count = max - (uint64_t)pos;
	}
	if (!readable_file(x.in))
		return -EINVAL;
	x.pos_in = (uint64_t)pos;
	x.pos_out = x.out->pos;
	ret = x.count ? xfer_run(&x) : 0;
	if (ret > 0 && !S_ISFIFO(x.out->inode->mode))
		x.out->pos = x.pos_out;
	if (uoff) {
		if (copy_to_user(uoff, &x.pos_in, sizeof(x.pos_in)))
			return -EFAULT;
	} else {
		x.in->pos = x.pos_in;
	}
	return ret;
}

/* generic_copy_file_checks: what may be copied, and how much (the input's
 * end shortens it; the output's largest size limits it). */
static long copy_range_checks(struct xfer *x)
{
	struct inode *in = x->in->inode, *out = x->out->inode;
	uint64_t max = vfs_maxbytes(out);

	if (S_ISDIR(in->mode) || S_ISDIR(out->mode))
		return -EISDIR;
	if (!S_ISREG(in->mode) || !S_ISREG(out->mode))
		return -EINVAL;
	if (!can_read(x->in) || !can_write(x->out) || (x->out->flags & O_APPEND))
		return -EBADF;
	if (in->sb != out->sb)
		return -EXDEV;
	/* Offsets that wrap, as unsigned sums (so a negative one does). */
	if (x->pos_in + x->count < x->pos_in || x->pos_out + x->count < x->pos_out)
		return -EOVERFLOW;
	x->count = x->pos_in >= in->size ? 0 : MIN(x->count, in->size - x->pos_in);
	if (x->pos_out >= max)
		return -EFBIG;
	x->count = MIN(x->count, max - x->pos_out);
	/* Overlapping ranges of one file are refused (checked on the
	 * unsigned values: a negative offset is refused next anyway). */
	if (in == out && x->pos_out + x->count > x->pos_in && x->pos_out < x->pos_in + x->count)
		return -EINVAL;
	if ((int64_t)x->pos_in < 0 || (int64_t)x->pos_out < 0)
		return -EINVAL;
	return 0;
}

/*
 * copy_file_range: len bytes between two regular files of one file system,
 * at the offsets given (advanced) or the files' own.  Flags must be 0.
 */
long sys_copy_file_range(int fd_in, long __user *uoff_in, int fd_out, long __user *uoff_out,
			 size_t len, unsigned int flags)
{
	struct xfer x = {fd_get(fd_in), fd_get(fd_out), 0, 0, len};
	long ret;

	if (!x.in || !x.out)
		return -EBADF;
	x.pos_in = x.in->pos;
	x.pos_out = x.out->pos;
	if ((uoff_in && copy_from_user(&x.pos_in, uoff_in, sizeof(x.pos_in))) ||
	    (uoff_out && copy_from_user(&x.pos_out, uoff_out, sizeof(x.pos_out))))
		return -EFAULT;
	if (flags)
		return -EINVAL;
	ret = copy_range_checks(&x);
	if (ret)
		return ret;
	if (read_only(x.out->inode))
		return -EROFS;
	x.count = MIN(x.count, MAX_RW_COUNT);
	ret = x.count ? xfer_run(&x) : 0;
	if (ret <= 0)
		return ret;
	if ((uoff_in && copy_to_user(uoff_in, &x.pos_in, sizeof(x.pos_in))) ||
	    (uoff_out && copy_to_user(uoff_out, &x.pos_out, sizeof(x.pos_out))))
		return -EFAULT;
	if (!uoff_in)
		x.in->pos = x.pos_in;
	if (!uoff_out)
		x.out->pos = x.pos_out;
	return ret;
}
