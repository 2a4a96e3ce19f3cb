/*
 * The file system calls, with Linux's numbers and semantics: each copies
 * its path with the fault-safe strncpy_from_user, resolves it through the
 * VFS (vfs.c) and calls the file system's operation.
 */
#include <sluice/bcache.h>
#include <sluice/blk.h>
#include <sluice/errno.h>
#include <sluice/ext2.h>
#include <sluice/mm.h>
#include <sluice/mutex.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
#include <sluice/uaccess.h>
#include <sluice/uvm.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_GETLK		5
#define F_SETLK		6
#define F_SETLKW	7
#define F_OFD_GETLK	36
#define F_OFD_SETLK	37
#define F_OFD_SETLKW	38
#define F_DUPFD_CLOEXEC 1030
#define F_SETPIPE_SZ	1031
#define F_GETPIPE_SZ	1032
#define FD_CLOEXEC	1

long user_path(const char __user *upath, char **out)
{
	char *path = kmalloc(PATH_MAX);
	long n;

	if (!path)
		return -ENOMEM;
	n = strncpy_from_user(path, upath, PATH_MAX);
	if (n < 0) {
		kfree(path);
		return n; /* -EFAULT, or -ENAMETOOLONG: no NUL within PATH_MAX */
	}
	*out = path;
	return 0;
}

/* The inode a user path names, symbolic links followed, from the cwd. */
static long user_lookup(const char __user *upath, struct inode **out)
{
	char *path;
	long err = user_path(upath, &path);

	if (err)
		return err;
	err = vfs_lookup(AT_FDCWD, path, true, out);
	kfree(path);
	return err;
}

/* --- reading and writing --- */

static bool can_read(struct file *f)
{
	return (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool can_write(struct file *f)
{
	return (f->flags & O_ACCMODE) != O_RDONLY;
}

/*
 * Linux's rw_verify_area: on a file with an offset, a transfer of len
 * bytes at pos must end by 2^63 - 1 (pos and len come from the user, so
 * the sum is checked without overflowing).
 */
static bool past_max_offset(const struct file *f, uint64_t pos, size_t len)
{
	uint64_t end;

	return f->ops->seekable && (__builtin_add_overflow(pos, len, &end) || end > INT64_MAX);
}

long sys_read(unsigned int fd, char __user *ubuf, size_t len)
{
	struct file *f = fd_get((int)fd);

	if (!f || !can_read(f))
		return -EBADF;
	if (!f->ops->read)
		return -EINVAL;
	if (!user_range_ok(ubuf, len))
		return -EFAULT;
	if (past_max_offset(f, f->pos, len))
		return -EINVAL;
	return f->ops->read(f, ubuf, MIN(len, MAX_RW_COUNT));
}

long sys_write(unsigned int fd, const char __user *ubuf, size_t len)
{
	struct file *f = fd_get((int)fd);

	if (!f || !can_write(f))
		return -EBADF;
	if (!f->ops->write)
		return -EINVAL;
	if (!user_range_ok(ubuf, len))
		return -EFAULT;
	if (past_max_offset(f, f->pos, len))
		return -EINVAL;
	return f->ops->write(f, ubuf, MIN(len, MAX_RW_COUNT));
}

#define UIO_MAXIOV 1024

/*
 * Copy in and check a readv/writev list before moving a byte, as Linux's
 * import_iovec: a length past 2^63 - 1 is EINVAL, a buffer outside user
 * space EFAULT, and the total is cut at MAX_RW_COUNT.
 */
static long iov_import(const void __user *uiov, unsigned long cnt, struct kiovec **out,
		       size_t *total)
{
	struct kiovec *v;
	size_t sum = 0;
	long err = 0;

	if (cnt > UIO_MAXIOV)
		return -EINVAL;
	v = kmalloc(cnt * sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (copy_from_user(v, uiov, cnt * sizeof(*v)))
		err = -EFAULT;
	for (unsigned long i = 0; i < cnt && !err; i++)
		if ((int64_t)v[i].len < 0)
			err = -EINVAL;
	for (unsigned long i = 0; i < cnt && !err; i++) {
		if (!user_range_ok((const void __user *)v[i].base, v[i].len))
			err = -EFAULT;
		v[i].len = MIN(v[i].len, MAX_RW_COUNT - sum);
		sum += v[i].len;
	}
	if (err) {
		kfree(v);
		return err;
	}
	*out = v;
	*total = sum;
	return 0;
}

/* One read or write per buffer; a short one ends the call. */
static long iov_each(struct file *f, const struct kiovec *v, unsigned long cnt, bool write)
{
	long total = 0;

	for (unsigned long i = 0; i < cnt; i++) {
		char *buf = (char *)v[i].base;
		long n;
		if (!v[i].len)
			continue;
		n = write ? f->ops->write(f, buf, v[i].len) : f->ops->read(f, buf, v[i].len);
		if (n < 0)
			return total ? total : n;
		if (fatal_signal_pending())
			return -EINTR; /* dying: up to 1024 more would only delay it */
		total += n;
		if ((unsigned long)n < v[i].len)
			break;
	}
	return total;
}

static long do_iov(unsigned int fd, const void __user *uiov, unsigned long cnt, bool write)
{
	struct file *f = fd_get((int)fd);
	struct kiovec *v;
	size_t total;
	long r;

	if (!f || !(write ? can_write(f) : can_read(f)))
		return -EBADF;
	if (write ? !f->ops->write : !f->ops->read)
		return -EINVAL;
	r = iov_import(uiov, cnt, &v, &total);
	if (r)
		return r;
	if (past_max_offset(f, f->pos, total))
		r = -EINVAL;
	else if (S_ISFIFO(f->inode->mode))
		r = pipe_rw_iov(f, v, cnt, total, write);
	else
		r = iov_each(f, v, cnt, write);
	kfree(v);
	return r;
}

/* readv and writev take fd as unsigned long (Linux's own declaration); fds are ints. */
long sys_writev(unsigned long fd, const void __user *uiov, unsigned long cnt)
{
	return do_iov((unsigned int)fd, uiov, cnt, true);
}

long sys_readv(unsigned long fd, const void __user *uiov, unsigned long cnt)
{
	return do_iov((unsigned int)fd, uiov, cnt, false);
}

/* pread64/pwrite64: at off, leaving the file's offset alone.  Linux's order
 * of checks: the offset, the fd, then as read and write. */
static long do_prw(unsigned int fd, char __user *ubuf, size_t len, long off, bool write)
{
	struct file *f = fd_get((int)fd);
	struct inode *ino;

	if (off < 0)
		return -EINVAL;
	if (!f)
		return -EBADF;
	if (!f->ops->seekable)
		return -ESPIPE;
	if (!(write ? can_write(f) : can_read(f)))
		return -EBADF;
	if (!user_range_ok(ubuf, len))
		return -EFAULT;
	if (past_max_offset(f, (uint64_t)off, len))
		return -EINVAL;
	len = MIN(len, MAX_RW_COUNT);
	ino = f->inode;
	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (f->ops != &generic_file_ops) { /* a device: through its own ops */
		uint64_t save = f->pos;
		long n;
		f->pos = (uint64_t)off;
		n = write ? f->ops->write(f, ubuf, len) : f->ops->read(f, ubuf, len);
		f->pos = save;
		return n;
	}
	if (write && ino->sb && (ino->sb->flags & SB_RDONLY))
		return -EROFS;
	vfs_prefault(ubuf, len, !write);
	if (write)
		return file_write_at(ino, ubuf, len, (uint64_t)off);
	return ino->ops->read(ino, ubuf, len, (uint64_t)off, true);
}

long sys_pread64(unsigned int fd, char __user *ubuf, size_t len, long off)
{
	return do_prw(fd, ubuf, len, off, false);
}

long sys_pwrite64(unsigned int fd, const char __user *ubuf, size_t len, long off)
{
	return do_prw(fd, (char __user *)ubuf, len, off, true);
}

/*
 * Linux's generic_file_llseek: a new offset below 0, past the file
 * system's largest file, or whose sum overflows is EINVAL, and the offset
 * stays.  (A plain "base + off < base" on signed values was deleted by
 * the compiler as impossible: lseek(LLONG_MAX) then lseek(10, SEEK_CUR)
 * gave a negative offset.)
 */
long sys_lseek(unsigned int fd, long off, unsigned int whence)
{
	struct file *f = fd_get((int)fd);
	int64_t base, pos;

	if (!f)
		return -EBADF;
	if (!f->ops->seekable)
		return -ESPIPE;
	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = (int64_t)f->pos;
	else if (whence == SEEK_END)
		base = (int64_t)f->inode->size;
	else
		return -EINVAL;
	if (__builtin_add_overflow(base, (int64_t)off, &pos) || pos < 0 ||
	    (uint64_t)pos > vfs_maxbytes(f->inode))
		return -EINVAL;
	f->pos = (uint64_t)pos;
	return pos;
}

/* --- opening and closing --- */

long sys_openat(int dirfd, const char __user *upath, int flags, unsigned short mode)
{
	char *path;
	struct file *f;
	long err = user_path(upath, &path);

	if (err)
		return err;
	/* A full fd table is EMFILE before the path is looked up, and before
	 * O_CREAT or O_TRUNC changes anything, as on Linux. */
	err = fd_check_free();
	if (!err)
		err = vfs_open(dirfd, path, (uint32_t)flags, mode, &f);
	kfree(path);
	if (err)
		return err;
	err = fd_install(f, flags & O_CLOEXEC);
	if (err < 0)
		file_put(f);
	return err;
}

long sys_close(unsigned int ufd)
{
	struct proc *p = current_proc();
	int fd = (int)ufd;
	struct file *f;

	if (fd < 0)
		return -EBADF;
	unsigned long flags = spin_lock_irqsave(&p->fds->lock);
	f = fd < p->fds->size ? p->fds->fd[fd] : NULL;
	if (f) {
		p->fds->fd[fd] = NULL;
		fd_cloexec_set(p->fds, fd, false);
	}
	spin_unlock_irqrestore(&p->fds->lock, flags);
	if (!f)
		return -EBADF;
	locks_remove_posix(f, p->fds);
	file_put(f);
	return 0;
}

/* Put f (counted by the caller) in slot fd, closing what was there. */
static long fd_replace(int fd, struct file *f, bool cloexec)
{
	struct proc *p = current_proc();

	if (fd_table_grow(fd)) {
		file_put(f);
		return -ENOMEM;
	}
	unsigned long flags = spin_lock_irqsave(&p->fds->lock);
	struct file *old = p->fds->fd[fd];

	p->fds->fd[fd] = f;
	fd_cloexec_set(p->fds, fd, cloexec);
	spin_unlock_irqrestore(&p->fds->lock, flags);
	locks_remove_posix(old, p->fds);
	file_put(old);
	return fd;
}

long sys_dup(unsigned int fd)
{
	struct file *f = fd_get((int)fd);
	long r;

	if (!f)
		return -EBADF;
	r = fd_install(file_get(f), false);
	if (r < 0)
		file_put(f);
	return r;
}

long sys_dup3(unsigned int fd, unsigned int fd2, int flags)
{
	struct file *f = fd_get((int)fd);

	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (!f || (int)fd2 < 0 || (int)fd2 >= FD_MAX || fd2 >= rlimit_cur(RLIMIT_NOFILE))
		return -EBADF;
	if ((int)fd == (int)fd2)
		return -EINVAL;
	return fd_replace((int)fd2, file_get(f), flags & O_CLOEXEC);
}

long sys_fcntl(unsigned int ufd, unsigned int cmd, unsigned long arg)
{
	struct proc *p = current_proc();
	int fd = (int)ufd;
	struct file *f = fd_get(fd);
	long r;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if ((int)arg < 0 || (int)arg >= FD_MAX || arg >= rlimit_cur(RLIMIT_NOFILE))
			return -EINVAL;
		r = fd_install_from(file_get(f), (int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			file_put(f);
		return r;
	case F_GETFD:
	case F_SETFD: { /* under the lock: another thread may grow the table */
		unsigned long flags = spin_lock_irqsave(&p->fds->lock);
		r = fd_cloexec_get(p->fds, fd) ? FD_CLOEXEC : 0;
		if (cmd == F_SETFD)
			fd_cloexec_set(p->fds, fd, arg & FD_CLOEXEC), r = 0;
		spin_unlock_irqrestore(&p->fds->lock, flags);
		return r;
	}
	case F_GETFL:
		return f->flags;
	case F_SETFL: /* only O_APPEND and O_NONBLOCK change, as on Linux */
		f->flags = (f->flags & ~(uint32_t)(O_APPEND | O_NONBLOCK)) |
			   ((uint32_t)arg & (O_APPEND | O_NONBLOCK));
		return 0;
	case F_SETPIPE_SZ:
	case F_GETPIPE_SZ:
		return pipe_fcntl(f, cmd, arg);
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return locks_fcntl(f, cmd, (void __user *)arg);
	}
	return -EINVAL;
}

long sys_ioctl(unsigned int fd, unsigned int cmd, unsigned long arg)
{
	struct file *f = fd_get((int)fd);

	if (!f)
		return -EBADF;
	return f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
}

/* --- attributes --- */

/* struct stat as asm-generic lays it out for 64-bit machines. */
struct kstat {
	uint64_t st_dev, st_ino;
	uint32_t st_mode, st_nlink, st_uid, st_gid;
	uint64_t st_rdev, pad1;
	int64_t st_size;
	int32_t st_blksize, pad2;
	int64_t st_blocks;
	int64_t st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
	uint32_t unused[2];
};

static long put_stat(struct inode *ino, void __user *ustat)
{
	struct kstat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = ino->sb ? ino->sb->dev : 0;
	st.st_ino = ino->ino;
	st.st_mode = ino->mode;
	st.st_nlink = ino->nlink;
	st.st_uid = ino->uid;
	st.st_gid = ino->gid;
	st.st_rdev = ino->rdev;
	st.st_size = (int64_t)ino->size;
	st.st_blksize = 4096;
	st.st_blocks = (int64_t)ino->blocks;
	st.st_atime = ino->atime;
	st.st_atime_nsec = ino->atime_ns;
	st.st_mtime = ino->mtime;
	st.st_mtime_nsec = ino->mtime_ns;
	st.st_ctime = ino->ctime;
	st.st_ctime_nsec = ino->ctime_ns;
	return copy_to_user(ustat, &st, sizeof(st));
}

/*
 * The inode an *at call with AT_EMPTY_PATH and an empty path names: the
 * file dirfd refers to, of any type, or the cwd for AT_FDCWD.  (glibc's
 * fstat is newfstatat(fd, "", buf, AT_EMPTY_PATH); vfs_start would insist
 * on a directory.)
 */
static int empty_path_inode(int dirfd, struct inode **out)
{
	struct file *f;

	if (dirfd == AT_FDCWD)
		return vfs_start(dirfd, out);
	f = fd_get(dirfd);
	if (!f)
		return -EBADF;
	*out = vfs_get(f->inode); /* a VFS reference: the caller's vfs_put puts its mount too */
	return 0;
}

/* The inode path names under dirfd, or dirfd's own with AT_EMPTY_PATH and "". */
int vfs_lookup_at(int dirfd, const char *path, int flags, bool follow, struct inode **out)
{
	if (!*path && (flags & AT_EMPTY_PATH))
		return empty_path_inode(dirfd, out);
	return vfs_lookup(dirfd, path, follow, out);
}

long sys_fstat(unsigned int fd, void __user *ustat)
{
	struct file *f = fd_get((int)fd);

	return f ? put_stat(f->inode, ustat) : -EBADF;
}

long sys_newfstatat(int dirfd, const char __user *upath, void __user *ustat, int flags)
{
	char *path;
	struct inode *ino;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = user_path(upath, &path);
	if (err)
		return err;
	err = vfs_lookup_at(dirfd, path, flags, !(flags & AT_SYMLINK_NOFOLLOW), &ino);
	kfree(path);
	if (err)
		return err;
	err = put_stat(ino, ustat);
	vfs_put(ino);
	return err;
}

#define AT_EACCESS 0x200 /* faccessat2: the effective ids, not the real */

static long access_check(int dirfd, const char __user *upath, int mode, int flags)
{
	char *path;
	struct inode *ino;
	long err = user_path(upath, &path);

	if (err)
		return err;
	err = vfs_lookup_at(dirfd, path, flags, !(flags & AT_SYMLINK_NOFOLLOW), &ino);
	kfree(path);
	if (err)
		return err;
	if ((mode & 2) && ino->sb && (ino->sb->flags & SB_RDONLY) &&
	    (S_ISREG(ino->mode) || S_ISDIR(ino->mode) || S_ISLNK(ino->mode)))
		err = -EROFS;
	else
		err = vfs_permission(ino, mode);
	vfs_put(ino);
	return err;
}

/*
 * access(2): may the real user (the effective one with AT_EACCESS) read,
 * write (R_OK 4, W_OK 2) or execute (X_OK 1) the file?  Root may do all
 * but execute a file with no x bit; a write on a read-only mount is EROFS.
 */
long sys_faccessat2(int dirfd, const char __user *upath, int mode, int flags)
{
	struct proc *p = current_proc();
	uint32_t fsuid = p->cred.fsuid, fsgid = p->cred.fsgid;
	long err;

	if (mode & ~7)
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	/* The lookup too is done as the real user, as Linux overrides the
	 * credentials for the call; only this process reads its own. */
	if (!(flags & AT_EACCESS))
		p->cred.fsuid = p->cred.uid, p->cred.fsgid = p->cred.gid;
	err = access_check(dirfd, upath, mode, flags);
	p->cred.fsuid = fsuid, p->cred.fsgid = fsgid;
	return err;
}

long sys_faccessat(int dirfd, const char __user *upath, int mode)
{
	return sys_faccessat2(dirfd, upath, mode, 0);
}

long sys_readlinkat(int dirfd, const char __user *upath, char __user *ubuf, int size)
{
	char *path, *buf;
	struct inode *ino;
	long err;

	if (size <= 0)
		return -EINVAL;
	err = user_path(upath, &path);
	if (err)
		return err;
	err = vfs_lookup(dirfd, path, false, &ino);
	kfree(path);
	if (err)
		return err;
	if (!S_ISLNK(ino->mode) || !ino->ops->readlink)
		err = -EINVAL;
	else if (!(buf = kmalloc(PATH_MAX)))
		err = -ENOMEM;
	else {
		err = ino->ops->readlink(ino, buf, PATH_MAX);
		if (err >= 0) {
			err = MIN(err, (long)size);
			if (copy_to_user(ubuf, buf, (size_t)err))
				err = -EFAULT;
		}
		kfree(buf);
	}
	vfs_put(ino);
	return err;
}

long sys_ftruncate(unsigned int fd, long len)
{
	struct file *f = fd_get((int)fd);
	struct inode *ino;

	if (len < 0)
		return -EINVAL;
	if (!f)
		return -EBADF;
	ino = f->inode;
	if (!S_ISREG(ino->mode) || !can_write(f))
		return -EINVAL; /* Linux: directories, pipes and read-only fds alike */
	if ((uint64_t)len > vfs_maxbytes(ino))
		return -EFBIG;
	if (ino->sb && (ino->sb->flags & SB_RDONLY))
		return -EROFS;
	return vfs_truncate_checked(ino, (uint64_t)len);
}

long vfs_truncate_checked(struct inode *ino, uint64_t len)
{
	/* Growing past RLIMIT_FSIZE: SIGXFSZ and EFBIG, as a write would. */
	if (len > ino->size && len > rlimit_cur(RLIMIT_FSIZE))
		return rlimit_fsize_check(len, 1);
	bool shrinks = len < ino->size;
	long err = ino->ops && ino->ops->truncate ? ino->ops->truncate(ino, len) : -EINVAL;

	if (!err && shrinks)
		uvm_truncate_mappings(ino, len); /* SIGBUS past the new end */
	return err;
}

long sys_fsync(unsigned int fd)
{
	struct file *f = fd_get((int)fd);
	struct inode *ino;

	if (!f)
		return -EBADF;
	ino = f->inode;
	if (S_ISCHR(ino->mode) || S_ISFIFO(ino->mode))
		return -EINVAL;
	if (S_ISBLK(ino->mode)) /* the raw disk: its cached blocks */
		return blk_present() ? bcache_sync() : 0;
	if (ino->ops && ino->ops->fsync)
		return ino->ops->fsync(ino);
	if (ino->sb && ino->sb->ops && ino->sb->ops->sync)
		return ino->sb->ops->sync(ino->sb);
	return 0;
}

/* Sluice's own: write back and forget the block cache (tests). */
long sys_sluice_drop_caches(void)
{
	vfs_sync_all();
	ext2_pc_drop_caches();
	return blk_present() ? bcache_drop() : 0;
}

/* Data and metadata go out together here: fdatasync is fsync. */
long sys_fdatasync(unsigned int fd)
{
	return sys_fsync(fd);
}

long sys_sync(void)
{
	vfs_sync_all();
	if (blk_present())
		bcache_sync(); /* /dev/vda's writes too */
	return 0;
}

/* --- directories --- */

struct dirent_buf {
	char __user *ubuf;
	size_t size, used;
	int err;
};

/* One linux_dirent64: ino, off, reclen, type, name, NUL, padded to 8. */
static int fill_dirent(void *ctx, const char *name, size_t len, uint64_t ino, unsigned int dtype,
		       uint64_t next)
{
	struct dirent_buf *d = ctx;
	size_t reclen = ALIGN_UP(19 + len + 1, 8);
	uint8_t rec[19 + NAME_MAX + 1 + 8];

	if (d->used + reclen > d->size) {
		if (!d->used)
			d->err = -EINVAL; /* not even one entry fits */
		return 1;
	}
	memset(rec, 0, reclen);
	memcpy(rec, &ino, 8);
	memcpy(rec + 8, &next, 8);
	rec[16] = (uint8_t)reclen;
	rec[17] = (uint8_t)(reclen >> 8);
	rec[18] = (uint8_t)dtype;
	memcpy(rec + 19, name, len);
	if (copy_to_user(d->ubuf + d->used, rec, reclen)) {
		d->err = -EFAULT;
		return 1;
	}
	d->used += reclen;
	return 0;
}

long sys_getdents64(unsigned int fd, void __user *ubuf, unsigned int size)
{
	struct file *f = fd_get((int)fd);
	struct dirent_buf d = {ubuf, size, 0, 0};
	int err;

	if (!f)
		return -EBADF;
	if (!user_range_ok(ubuf, d.size))
		return -EFAULT;
	if (!S_ISDIR(f->inode->mode) || !f->inode->ops->readdir)
		return -ENOTDIR;
	if (f->inode->nlink == 0)
		return -ENOENT; /* removed: not even "." and "..", as on Linux */
	vfs_prefault(ubuf, size, true);
	err = f->inode->ops->readdir(f->inode, &f->pos, fill_dirent, &d);
	if (d.err && !d.used)
		return d.err;
	return d.used ? (long)d.used : err;
}

/* The directory a user path's last name is in, and that name: the opening
 * of every call that makes or removes a name (*dir is held on success). */
static long user_lookup_parent(int dirfd, const char __user *upath, struct inode **dir,
			       char last[NAME_MAX + 1], bool *slash)
{
	char *path;
	long err = user_path(upath, &path);

	if (err)
		return err;
	err = vfs_lookup_parent(dirfd, path, dir, last, slash);
	kfree(path);
	return err;
}

/* -EEXIST if last already names something in dir ("." and ".." always do). */
static long name_taken(struct inode *dir, const char *last)
{
	struct inode *old;

	if (vfs_is_dot(last))
		return -EEXIST;
	if (vfs_lookup_in(dir, last, &old))
		return 0;
	vfs_put(old);
	return -EEXIST;
}

/* May the caller add or remove names in dir: a writable file system, and
 * write and search permission (Linux's may_create, less the name). */
static long may_change_dir(struct inode *dir)
{
	if (dir->sb && (dir->sb->flags & SB_RDONLY))
		return -EROFS;
	return vfs_permission(dir, MAY_WRITE | MAY_EXEC);
}

long sys_mkdirat(int dirfd, const char __user *upath, unsigned short mode)
{
	char last[NAME_MAX + 1];
	struct inode *dir;
	bool slash;
	long err = user_lookup_parent(dirfd, upath, &dir, last, &slash);

	if (err)
		return err;
	err = name_taken(dir, last);
	if (!err)
		err = may_change_dir(dir);
	if (!err)
		err = dir->ops->mkdir ? dir->ops->mkdir(dir, last, strlen(last),
							mode & 01777 & ~current_proc()->fs->umask)
				      : -EPERM;
	vfs_put(dir);
	return err;
}

/* mknodat's types (Linux's may_mknod): no directories (EPERM), nothing
 * unknown (EINVAL); type 0 is a regular file. */
static long mknod_type(uint32_t *mode)
{
	switch (*mode & S_IFMT) {
	case 0:
		*mode |= S_IFREG;
		return 0;
	case S_IFREG:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return 0;
	case S_IFDIR:
		return -EPERM;
	}
	return -EINVAL;
}

/* A FIFO, socket, device node or empty regular file.  dev is the user's
 * encoding of a device number (glibc's makedev: major in bits 8-19). */
long sys_mknodat(int dirfd, const char __user *upath, unsigned short umode, unsigned int dev)
{
	char last[NAME_MAX + 1];
	struct inode *dir;
	uint32_t mode = umode, major = (dev >> 8) & 0xfff,
		 minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
	bool slash;
	long err = mknod_type(&mode);

	if (!err)
		err = user_lookup_parent(dirfd, upath, &dir, last, &slash);
	if (err)
		return err;
	mode &= S_IFMT | (07777 & ~current_proc()->fs->umask);
	if ((err = name_taken(dir, last))) {
		/* EEXIST before the trailing slash's ENOENT, as Linux */
	} else if (slash) {
		err = -ENOENT;
	} else if (!(err = may_change_dir(dir))) {
		if ((S_ISCHR(mode) || S_ISBLK(mode)) && !cred_capable(cred_current()))
			err = -EPERM; /* CAP_MKNOD */
		else if (!dir->ops->mknod)
			err = -EPERM;
		else
			err = dir->ops->mknod(dir, last, strlen(last), mode,
					      S_ISCHR(mode) || S_ISBLK(mode)
						      ? MKDEV(MIN(major, 0xffu), MIN(minor, 0xffu))
						      : 0);
	}
	vfs_put(dir);
	return err;
}

/*
 * Remove dir's entry last: unlinkat's checks, then the file system's op.
 * An rmdir holds mountpoint_lock from its check that nothing is mounted on
 * the directory to the removal, so that no mount lands in between.
 */
static long remove_entry(struct inode *dir, const char *last, bool rmdir, bool slash)
{
	struct inode *victim;
	long err;

	if (rmdir)
		mutex_lock(&mountpoint_lock);
	err = vfs_lookup_in(dir, last, &victim);
	if (!err) {
		if (rmdir && !S_ISDIR(victim->mode))
			err = -ENOTDIR;
		else if (!rmdir && S_ISDIR(victim->mode))
			err = -EISDIR;
		else if (!rmdir && slash)
			err = -ENOTDIR;
		else if (victim->mounted || victim->covered)
			err = -EBUSY;
		else if (dir->sb && (dir->sb->flags & SB_RDONLY))
			err = -EROFS;
		else
			err = vfs_may_delete(dir, victim);
		vfs_put(victim);
		if (!err) {
			int (*op)(struct inode *, const char *, size_t) =
				rmdir ? dir->ops->rmdir : dir->ops->unlink;
			err = op ? op(dir, last, strlen(last)) : -EPERM;
		}
	}
	if (rmdir)
		mutex_unlock(&mountpoint_lock);
	return err;
}

long sys_unlinkat(int dirfd, const char __user *upath, int flags)
{
	char *path, last[NAME_MAX + 1];
	struct inode *dir;
	bool slash, rmdir = flags & AT_REMOVEDIR;
	long err;

	if (flags & ~(unsigned long)AT_REMOVEDIR)
		return -EINVAL;
	err = user_path(upath, &path);
	if (err)
		return err;
	size_t n = 0;
	while (path[n] == '/')
		n++;
	bool root = n && !path[n]; /* "/", "//"...: the root itself */
	err = vfs_lookup_parent(dirfd, path, &dir, last, &slash);
	kfree(path);
	if (err)
		return err;
	if (root)
		err = rmdir ? -EBUSY : -EISDIR; /* as Linux: the root is in use */
	else if (vfs_is_dot(last))
		err = rmdir ? (strcmp(last, ".") ? -ENOTEMPTY : -EINVAL) : -EISDIR;
	else
		err = remove_entry(dir, last, rmdir, slash);
	vfs_put(dir);
	return err;
}

/* Is a an ancestor of (or the same as) b?  Walks b's ".." chain up. */
static bool is_ancestor(struct inode *a, struct inode *b)
{
	struct inode *cur = vfs_get(b), *up;
	bool found;

	for (int depth = 0; depth < 4096 && cur != a && !fatal_signal_pending(); depth++) {
		if (vfs_lookup_in(cur, "..", &up))
			break;
		bool top = up == cur; /* the root is its own parent */
		vfs_put(cur);
		cur = up;
		if (top)
			break;
	}
	found = cur == a;
	vfs_put(cur);
	return found;
}

/*
 * Renames between two directories go one at a time (Linux's
 * s_vfs_rename_mutex, but one for all file systems).  The check that a
 * directory is not moved under itself walks ".." up from the new parent;
 * two such moves at once could each pass it and make a loop no walk from
 * the root reaches: rename a b/a while rename b a/b.
 */
static struct mutex rename_lock = MUTEX_INIT;

long sys_renameat2(int odirfd, const char __user *uold, int ndirfd, const char __user *unew,
		   unsigned int flags)
{
	char *opath = NULL, *npath = NULL, olast[NAME_MAX + 1], nlast[NAME_MAX + 1];
	struct inode *odir = NULL, *ndir = NULL, *src = NULL, *dst = NULL;
	bool oslash, nslash, locked = false, held = false;
	long err;

	if (flags)
		return -EINVAL; /* RENAME_NOREPLACE and friends: not yet */
	err = user_path(uold, &opath);
	if (!err)
		err = user_path(unew, &npath);
	if (!err)
		err = vfs_lookup_parent(odirfd, opath, &odir, olast, &oslash);
	if (!err)
		err = vfs_lookup_parent(ndirfd, npath, &ndir, nlast, &nslash);
	if (!err && (vfs_is_dot(olast) || vfs_is_dot(nlast)))
		err = -EBUSY;
	if (!err && odir != ndir) {
		mutex_lock(&rename_lock);
		locked = true;
	}
	if (!err) { /* from the checks that nothing is mounted on src or dst to the change */
		mutex_lock(&mountpoint_lock);
		held = true;
	}
	if (!err)
		err = vfs_lookup_in(odir, olast, &src);
	if (!err && odir->sb != ndir->sb)
		err = -EXDEV;
	if (!err && (oslash || nslash) && !S_ISDIR(src->mode))
		err = -ENOTDIR;
	if (!err && (src->mounted || src->covered))
		err = -EBUSY;
	if (!err) {
		int e = vfs_lookup_in(ndir, nlast, &dst);
		if (e && e != -ENOENT)
			err = e;
		if (e)
			dst = NULL;
	}
	if (!err && dst) {
		if (dst == src)
			goto out; /* the same file: nothing to do */
		if (S_ISDIR(src->mode) && !S_ISDIR(dst->mode))
			err = -ENOTDIR;
		else if (!S_ISDIR(src->mode) && S_ISDIR(dst->mode))
			err = -EISDIR;
		else if (dst->mounted || dst->covered)
			err = -EBUSY;
	}
	if (!err && S_ISDIR(src->mode) && is_ancestor(src, ndir))
		err = -EINVAL; /* a directory into itself */
	if (!err && odir->sb && (odir->sb->flags & SB_RDONLY))
		err = -EROFS;
	if (!err)
		err = vfs_may_delete(odir, src);
	if (!err)
		err = dst ? vfs_may_delete(ndir, dst) : vfs_permission(ndir, MAY_WRITE | MAY_EXEC);
	if (!err && S_ISDIR(src->mode) && odir != ndir)
		err = vfs_permission(src, MAY_WRITE); /* its ".." changes */
	if (!err)
		err = odir->ops->rename ? odir->ops->rename(odir, olast, strlen(olast), ndir, nlast,
							    strlen(nlast))
					: -EPERM;
	if (!err && S_ISDIR(src->mode))
		inode_set_parent(src, ndir, false); /* what ".." now leads to */
out:
	if (held)
		mutex_unlock(&mountpoint_lock);
	if (locked)
		mutex_unlock(&rename_lock);
	vfs_put(dst);
	vfs_put(src);
	vfs_put(ndir);
	vfs_put(odir);
	kfree(npath);
	kfree(opath);
	return err;
}

long sys_linkat(int odirfd, const char __user *uold, int ndirfd, const char __user *unew, int flags)
{
	char *opath = NULL, *npath = NULL, last[NAME_MAX + 1];
	struct inode *src = NULL, *dir = NULL;
	bool slash;
	long err;

	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = user_path(uold, &opath);
	if (!err)
		err = user_path(unew, &npath);
	if (!err)
		err = vfs_lookup_at(odirfd, opath, flags, flags & AT_SYMLINK_FOLLOW, &src);
	if (!err)
		err = vfs_lookup_parent(ndirfd, npath, &dir, last, &slash);
	if (!err && S_ISDIR(src->mode))
		err = -EPERM;
	if (!err)
		err = name_taken(dir, last);
	if (!err && src->sb != dir->sb)
		err = -EXDEV;
	if (!err)
		err = may_change_dir(dir);
	if (!err)
		err = dir->ops->link ? dir->ops->link(dir, last, strlen(last), src) : -EPERM;
	vfs_put(dir);
	vfs_put(src);
	kfree(npath);
	kfree(opath);
	return err;
}

long sys_symlinkat(const char __user *utarget, int dirfd, const char __user *upath)
{
	char *target = NULL, last[NAME_MAX + 1];
	struct inode *dir = NULL;
	bool slash;
	long err = user_path(utarget, &target);

	if (!err && !*target)
		err = -ENOENT;
	if (!err)
		err = user_lookup_parent(dirfd, upath, &dir, last, &slash);
	if (!err)
		err = name_taken(dir, last);
	if (!err)
		err = may_change_dir(dir);
	if (!err)
		err = dir->ops->symlink ? dir->ops->symlink(dir, last, strlen(last), target)
					: -EPERM;
	vfs_put(dir);
	kfree(target);
	return err;
}

static long set_cwd(struct inode *ino)
{
	long err = S_ISDIR(ino->mode) ? vfs_permission(ino, MAY_EXEC) : -ENOTDIR;

	if (err) {
		vfs_put(ino);
		return err;
	}
	fs_cwd_set(current_proc(), ino); /* under fs->lock: /proc reads it */
	return 0;
}

long sys_chdir(const char __user *upath)
{
	struct inode *ino;
	long err = user_lookup(upath, &ino);

	return err ? err : set_cwd(ino);
}

long sys_fchdir(unsigned int fd)
{
	struct file *f = fd_get((int)fd);

	return f ? set_cwd(vfs_get(f->inode)) : -EBADF;
}

/* The process's root from now on (its children's too); root only.  The
 * cwd stays, as on Linux, even outside the new root. */
long sys_chroot(const char __user *upath)
{
	struct proc *p = current_proc();
	struct inode *ino;
	long err = user_lookup(upath, &ino);

	if (err)
		return err;
	err = S_ISDIR(ino->mode) ? vfs_permission(ino, MAY_EXEC) : -ENOTDIR;
	if (!err && !cred_capable(cred_current()))
		err = -EPERM; /* CAP_SYS_CHROOT */
	if (err) {
		vfs_put(ino);
		return err;
	}
	unsigned long flags = spin_lock_irqsave(&p->fs->lock); /* shared by CLONE_FS */
	struct inode *old = p->fs->root;

	p->fs->root = ino;
	spin_unlock_irqrestore(&p->fs->lock, flags);
	vfs_put(old);
	return 0;
}

long sys_getcwd(char __user *ubuf, unsigned long size)
{
	struct proc *p = current_proc();
	char *buf = kmalloc(PATH_MAX);
	struct inode *cwd = fs_cwd_get(p);
	long n;

	if (!buf) {
		vfs_put(cwd);
		return -ENOMEM;
	}
	n = vfs_path_of(cwd, buf, PATH_MAX);
	vfs_put(cwd);
	if (n >= 0 && (unsigned long)n > size)
		n = -ERANGE;
	if (n >= 0 && copy_to_user(ubuf, buf, (size_t)n))
		n = -EFAULT;
	kfree(buf);
	return n;
}

/* --- file systems --- */

static long put_statfs(struct inode *ino, void __user *ubuf)
{
	struct kstatfs st;
	struct super_block *sb = ino->sb;

	memset(&st, 0, sizeof(st));
	st.f_namelen = NAME_MAX;
	st.f_bsize = st.f_frsize = 4096;
	if (sb && sb->ops && sb->ops->statfs) {
		int err = sb->ops->statfs(sb, &st);
		if (err)
			return err;
	}
	st.f_flags = sb && (sb->flags & SB_RDONLY) ? 1 : 0;
	return copy_to_user(ubuf, &st, sizeof(st));
}

long sys_statfs(const char __user *upath, void __user *ubuf)
{
	struct inode *ino;
	long err = user_lookup(upath, &ino);

	if (err)
		return err;
	err = put_statfs(ino, ubuf);
	vfs_put(ino);
	return err;
}

long sys_fstatfs(unsigned int fd, void __user *ubuf)
{
	struct file *f = fd_get((int)fd);

	return f ? put_statfs(f->inode, ubuf) : -EBADF;
}
