/*
 * File descriptors until the file system brings real open files: the
 * console (fds 0, 1 and 2 of init, inherited), /dev/null and /dev/vda, the
 * raw disk (openat).
 * read, write, readv, writev, close, openat, fstat and the terminal ioctls
 * a C library asks at start-up.  Console reads sleep until the UART's
 * interrupt brings input (console.c); the line discipline comes later.
 */
#include <sluice/bcache.h>
#include <sluice/blk.h>
#include <sluice/console.h>
#include <sluice/mm.h>
#include <sluice/errno.h>
#include <sluice/proc.h>
#include <sluice/string.h>
#include <sluice/timer.h>
#include <sluice/uaccess.h>

#define AT_FDCWD (-100)
#define AT_EMPTY_PATH 0x1000

/* What fd is open on, FD_NONE if nothing.  fd is a C int: like Linux,
 * ignore the upper 32 bits of the register. */
static int fd_kind(unsigned long ufd)
{
	int fd = (int)ufd;

	return fd >= 0 && fd < PROC_FDS ? current_proc()->fd_kind[fd] : FD_NONE;
}

/*
 * /dev/vda: len bytes at the fd's offset, through the block cache, a block
 * at a time (as Linux's raw block devices go through its page cache).
 * Writes reach the disk on fsync (or when the cache needs the buffer).
 */
static long blk_file_rw(int fd, char *ubuf, size_t len, bool write)
{
	struct proc *p = current_proc();
	uint64_t off = p->fd_offset[fd], size = blk_sectors() * BLK_SECTOR;
	size_t done = 0;

	if (off >= size)
		return write && len ? -ENOSPC : 0;
	len = MIN(len, size - off);
	while (done < len) {
		struct bcache_buf *b;
		size_t in = (off + done) % BCACHE_BLOCK, n = MIN(len - done, BCACHE_BLOCK - in);
		int err = bcache_get((off + done) / BCACHE_BLOCK, &b);
		if (!err)
			err = write ? copy_from_user(b->data + in, ubuf + done, n)
				    : copy_to_user(ubuf + done, b->data + in, n);
		if (!err && write)
			bcache_dirty(b);
		if (b)
			bcache_put(b);
		if (err)
			return done ? (long)done : err;
		done += n;
	}
	p->fd_offset[fd] = off + len;
	return (long)len;
}

long sys_write(unsigned long fd, unsigned long ubuf, unsigned long len)
{
	char buf[256];
	unsigned long done = 0;
	int kind = fd_kind(fd);

	if (kind == FD_NONE)
		return -EBADF;
	if (!user_range_ok((void *)ubuf, len))
		return -EFAULT;
	if (kind == FD_NULL)
		return (long)len; /* a sink: everything is written, nothing kept */
	if (kind == FD_BLOCK)
		return blk_file_rw((int)fd, (char *)ubuf, len, true);
	while (done < len) {
		size_t n = MIN(len - done, sizeof(buf));
		if (copy_from_user(buf, (char *)ubuf + done, n))
			return done ? (long)done : -EFAULT;
		console_write_user(buf, n);
		done += n;
	}
	return (long)done;
}

long sys_read(unsigned long fd, unsigned long ubuf, unsigned long len)
{
	char buf[128];
	int kind = fd_kind(fd);

	if (kind == FD_NONE)
		return -EBADF;
	if (!user_range_ok((void *)ubuf, len))
		return -EFAULT;
	if (!len || kind == FD_NULL)
		return 0; /* /dev/null reads as end of file */
	if (kind == FD_BLOCK)
		return blk_file_rw((int)fd, (char *)ubuf, len, false);
	long n = console_read(buf, MIN(len, sizeof(buf)));
	if (n < 0)
		return n;
	return copy_to_user((void *)ubuf, buf, (size_t)n) ? -EFAULT : n;
}

struct iovec {
	uint64_t base, len;
};

static long do_iov(unsigned long fd, unsigned long uiov, unsigned long cnt, bool write)
{
	long total = 0;

	if (cnt > 1024)
		return -EINVAL;
	for (unsigned long i = 0; i < cnt; i++) {
		struct iovec v;
		if (copy_from_user(&v, (struct iovec *)uiov + i, sizeof(v)))
			return total ? total : -EFAULT;
		long n = write ? sys_write(fd, v.base, v.len) : sys_read(fd, v.base, v.len);
		if (n < 0)
			return total ? total : n;
		total += n;
		if ((unsigned long)n < v.len || !write)
			break; /* a short transfer ends the call */
	}
	return total;
}

long sys_writev(unsigned long fd, unsigned long uiov, unsigned long cnt)
{
	return do_iov(fd, uiov, cnt, true);
}

long sys_readv(unsigned long fd, unsigned long uiov, unsigned long cnt)
{
	return do_iov(fd, uiov, cnt, false);
}

long sys_close(unsigned long fd)
{
	if (fd_kind(fd) == FD_NONE)
		return -EBADF;
	current_proc()->fd_kind[(int)fd] = FD_NONE;
	return 0;
}

/* Only /dev/null exists until the file system does. */
long sys_openat(unsigned long dirfd, unsigned long upath, unsigned long flags, unsigned long mode)
{
	char path[256];
	long n = strncpy_from_user(path, (const char *)upath, sizeof(path));
	struct proc *p = current_proc();

	if (n < 0)
		return n == -ENAMETOOLONG ? -ENOENT : n;
	int kind = !strcmp(path, "/dev/null") ? FD_NULL
		   : !strcmp(path, "/dev/vda") && blk_present() ? FD_BLOCK : FD_NONE;
	if (kind == FD_NONE)
		return -ENOENT;
	for (int fd = 0; fd < PROC_FDS; fd++) {
		if (p->fd_kind[fd] == FD_NONE) {
			p->fd_kind[fd] = (uint8_t)kind;
			p->fd_offset[fd] = 0;
			return fd; /* the lowest free fd, as POSIX requires */
		}
	}
	return -EMFILE;
}

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

long sys_lseek(unsigned long ufd, unsigned long uoff, unsigned long whence)
{
	int kind = fd_kind(ufd), fd = (int)ufd;
	int64_t off = (int64_t)uoff, base;
	struct proc *p = current_proc();

	if (kind == FD_NONE)
		return -EBADF;
	if (kind != FD_BLOCK)
		return kind == FD_NULL ? 0 : -ESPIPE; /* Linux: /dev/null seeks to 0 */
	if (whence == SEEK_SET)
		base = 0;
	else if (whence == SEEK_CUR)
		base = (int64_t)p->fd_offset[fd];
	else if (whence == SEEK_END)
		base = (int64_t)(blk_sectors() * BLK_SECTOR);
	else
		return -EINVAL;
	if ((off < 0 && base + off < 0) || (off > 0 && base + off < base))
		return -EINVAL;
	p->fd_offset[fd] = (uint64_t)(base + off);
	return base + off;
}

long sys_fsync(unsigned long fd)
{
	int kind = fd_kind(fd);

	if (kind == FD_NONE)
		return -EBADF;
	return kind == FD_BLOCK ? bcache_sync() : (kind == FD_CONSOLE ? -EINVAL : 0);
}

long sys_readlinkat(unsigned long dirfd, unsigned long upath, unsigned long ubuf,
		    unsigned long size)
{
	char path[256];
	long n = strncpy_from_user(path, (const char *)upath, sizeof(path));

	return n < 0 && n != -ENAMETOOLONG ? n : -ENOENT; /* no links without a file system */
}

long sys_getcwd(unsigned long ubuf, unsigned long size)
{
	if (size < 2)
		return -ERANGE;
	return copy_to_user((void *)ubuf, "/", 2) ? -EFAULT : 2;
}

/* struct stat as asm-generic lays it out for 64-bit machines. */
struct kstat {
	uint64_t st_dev, st_ino;
	uint32_t st_mode, st_nlink, st_uid, st_gid;
	uint64_t st_rdev, pad1;
	int64_t st_size;
	int32_t st_blksize, pad2;
	int64_t st_blocks;
	int64_t times[6];
	uint32_t unused[2];
};

long sys_fstat(unsigned long fd, unsigned long ustat)
{
	struct kstat st;
	int kind = fd_kind(fd);

	if (kind == FD_NONE)
		return -EBADF;
	memset(&st, 0, sizeof(st));
	st.st_mode = kind == FD_BLOCK ? 0060660 : kind == FD_NULL ? 0020666 : 0020620;
	st.st_nlink = 1;
	/* Linux's numbers: /dev/console 5:1, /dev/null 1:3, /dev/vda 254:0 */
	st.st_rdev = kind == FD_BLOCK ? (254u << 8) : kind == FD_NULL ? (1u << 8) | 3 : (5u << 8) | 1;
	if (kind == FD_BLOCK)
		st.st_size = (int64_t)(blk_sectors() * BLK_SECTOR);
	st.st_blksize = 1024;
	return copy_to_user((void *)ustat, &st, sizeof(st));
}

long sys_newfstatat(unsigned long dirfd, unsigned long upath, unsigned long ustat,
		    unsigned long flags)
{
	char c;

	if (copy_from_user(&c, (void *)upath, 1))
		return -EFAULT;
	if (c == '\0' && (flags & AT_EMPTY_PATH))
		return sys_fstat(dirfd, ustat);
	return c == '\0' ? -ENOENT : sys_readlinkat(dirfd, upath, 0, 0);
}

#define TCGETS 0x5401
#define TCSETS 0x5402
#define TCSETSW 0x5403
#define TCSETSF 0x5404
#define TIOCGPGRP 0x540f
#define TIOCSPGRP 0x5410
#define TIOCGWINSZ 0x5413

long sys_ioctl(unsigned long fd, unsigned long cmd, unsigned long arg)
{
	int kind = fd_kind(fd);

	if (kind == FD_NONE)
		return -EBADF;
	if (kind != FD_CONSOLE)
		return -ENOTTY;
	if (cmd == TIOCGWINSZ) {
		uint16_t ws[4] = { 24, 80, 0, 0 };
		return copy_to_user((void *)arg, ws, sizeof(ws));
	}
	uint8_t t[36];
	int pgrp;
	switch (cmd) {
	case TCGETS:
		console_get_termios(t);
		return copy_to_user((void *)arg, t, sizeof(t));
	case TCSETS:
	case TCSETSW: /* output is written synchronously: nothing to drain */
	case TCSETSF:
		if (copy_from_user(t, (void *)arg, sizeof(t)))
			return -EFAULT;
		console_set_termios(t);
		return 0;
	case TIOCGPGRP:
		pgrp = console_fg_pgrp();
		return copy_to_user((void *)arg, &pgrp, sizeof(pgrp));
	case TIOCSPGRP:
		if (copy_from_user(&pgrp, (void *)arg, sizeof(pgrp)))
			return -EFAULT;
		if (pgrp <= 0)
			return -EINVAL;
		console_set_fg_pgrp(pgrp);
		return 0;
	}
	return -ENOTTY;
}

/* Sluice's own: write back and forget the block cache (tests). */
long sys_sluice_drop_caches(void)
{
	return blk_present() ? bcache_drop() : 0;
}
