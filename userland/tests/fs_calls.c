/*
 * fs_calls.c - fstests of the file calls beside read and write: truncate
 * by path, fallocate, fadvise64, syncfs, statx, sendfile and
 * copy_file_range.  Each checks Linux's
 * answers, errors included (the reference run on Linux checks the
 * expectations themselves).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "fstests.h"

#define L_AT_FDCWD  (-100)
#define L_EOVERFLOW 75 /* Linux's number; picolibc's EOVERFLOW differs */

/* truncate(2): by path, with vfs_truncate's errors. */
void test_truncate_path(void)
{
	struct linux_stat st;
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT);

	xwrite(fd, "0123456789", 10);
	CHECK_EQ(syscall2(__NR_truncate, (long)"f", 4), 0);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 4);
	CHECK_EQ(syscall2(__NR_truncate, (long)"f", 70000), 0);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 70000);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_b, 8, 0), 8);
	CHECK(memcmp(buf_b, "0123\0\0\0\0", 8) == 0); /* the new part reads as zeros */
	CHECK_EQ(syscall2(__NR_truncate, (long)"f", -1), -EINVAL);
	CHECK_EQ(syscall2(__NR_truncate, (long)"missing", 0), -ENOENT);
	CHECK_EQ(syscall2(__NR_truncate, (long)"f/x", 0), -ENOTDIR);
	CHECK_EQ(syscall2(__NR_truncate, (long)"", 0), -ENOENT);
	CHECK_EQ(syscall2(__NR_truncate, 0, 0), -EFAULT);
	xmkdir("d");
	CHECK_EQ(syscall2(__NR_truncate, (long)"d", 0), -EISDIR);
	CHECK_EQ(syscall2(__NR_truncate, (long)"/dev/null", 0), -EINVAL);
	CHECK_EQ(syscall3(__NR_symlinkat, (long)"f", L_AT_FDCWD, (long)"l"), 0);
	CHECK_EQ(syscall2(__NR_truncate, (long)"l", 1), 0); /* through the link */
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 1);
	xclose(fd);
}

/* fallocate(2) mode 0 grows a file (never shrinks it); KEEP_SIZE keeps it;
 * vfs_fallocate's errors in its order. */
void test_fallocate(void)
{
	struct linux_stat st;
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT), ro, p[2];

	xwrite(fd, "abc", 3);
	CHECK_EQ(syscall4(__NR_fallocate, fd, 0, 0, 10000), 0);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 10000);
	CHECK_EQ(syscall4(__NR_fallocate, fd, 0, 100, 100), 0);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 10000); /* within: unchanged */
	CHECK_EQ(syscall4(__NR_fallocate, fd, 1 /* KEEP_SIZE */, 0, 50000), 0);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 10000);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_b, 4, 0), 4);
	CHECK(memcmp(buf_b, "abc\0", 4) == 0);
	CHECK_EQ(syscall4(__NR_fallocate, fd, 0, -1, 10), -EINVAL);
	CHECK_EQ(syscall4(__NR_fallocate, fd, 0, 0, 0), -EINVAL);
	CHECK_EQ(syscall4(__NR_fallocate, fd, 0, 0, -5), -EINVAL);
	CHECK_EQ(syscall4(__NR_fallocate, fd, 0x100, 0, 10), -EOPNOTSUPP); /* no such mode */
	CHECK_EQ(syscall4(__NR_fallocate, fd, 0, 0x7fffffffffffff00l, 0x1000), -EFBIG);
	CHECK_EQ(syscall4(__NR_fallocate, 99, 0, 0, 10), -EBADF);
	ro = (int)sys_open("f", L_O_RDONLY, 0);
	CHECK(ro >= 0);
	CHECK_EQ(syscall4(__NR_fallocate, ro, 0, 0, 10), -EBADF);
	xclose(ro);
	CHECK_EQ(syscall2(__NR_pipe2, (long)p, 0), 0);
	CHECK_EQ(syscall4(__NR_fallocate, p[1], 0, 0, 10), -ESPIPE);
	xclose(p[0]);
	xclose(p[1]);
	ro = (int)sys_open("/dev/null", L_O_RDWR, 0);
	CHECK(ro >= 0);
	CHECK_EQ(syscall4(__NR_fallocate, ro, 0, 0, 10), -ENODEV);
	xclose(ro);
	xclose(fd);
}

/* fadvise64: every advice is taken; a pipe is ESPIPE, a bad advice or a
 * negative length EINVAL. */
void test_fadvise(void)
{
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT), p[2];

	for (int advice = 0; advice <= 5; advice++)
		CHECK_EQ(syscall4(__NR_fadvise64, fd, 0, 0, advice), 0);
	CHECK_EQ(syscall4(__NR_fadvise64, fd, 100, 1 << 20, 2), 0);
	CHECK_EQ(syscall4(__NR_fadvise64, fd, 0, 0, 6), -EINVAL);
	CHECK_EQ(syscall4(__NR_fadvise64, fd, 0, 0, -1), -EINVAL);
	CHECK_EQ(syscall4(__NR_fadvise64, fd, 0, -1, 0), -EINVAL);
	CHECK_EQ(syscall4(__NR_fadvise64, 99, 0, 0, 0), -EBADF);
	CHECK_EQ(syscall2(__NR_pipe2, (long)p, 0), 0);
	CHECK_EQ(syscall4(__NR_fadvise64, p[0], 0, 0, 0), -ESPIPE);
	CHECK_EQ(syscall4(__NR_fadvise64, p[0], 0, 0, 99), -ESPIPE);
	xclose(p[0]);
	xclose(p[1]);
	xclose(fd);
}

/* syncfs: any open file's file system; EBADF for a closed fd. */
void test_syncfs(void)
{
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT), p[2];

	xwrite(fd, "data", 4);
	CHECK_EQ(syscall1(__NR_syncfs, fd), 0);
	CHECK_EQ(syscall1(__NR_syncfs, 99), -EBADF);
	CHECK_EQ(syscall1(__NR_syncfs, -1), -EBADF);
	CHECK_EQ(syscall2(__NR_pipe2, (long)p, 0), 0);
	CHECK_EQ(syscall1(__NR_syncfs, p[0]), 0);
	xclose(p[0]);
	xclose(p[1]);
	xclose(fd);
}

/* Linux's struct statx, the fields the test reads. */
struct lstatx_ts {
	long sec;
	unsigned int nsec;
	int reserved;
};
struct lstatx {
	unsigned int mask, blksize;
	unsigned long attributes;
	unsigned int nlink, uid, gid;
	unsigned short mode, spare0;
	unsigned long ino, size, blocks, attributes_mask;
	struct lstatx_ts atime, btime, ctime, mtime;
	unsigned int rdev_major, rdev_minor, dev_major, dev_minor;
	unsigned long mnt_id;
	unsigned long spare[13];
};

#define STATX_BASIC_STATS     0x7ffu
#define L_AT_SYMLINK_NOFOLLOW 0x100
#define L_AT_EMPTY_PATH	      0x1000

static long statx(int dirfd, const char *path, int flags, unsigned mask, struct lstatx *sx)
{
	return syscall5(__NR_statx, dirfd, (long)path, flags, mask, (long)sx);
}

/* statx's answer agrees with newfstatat's, field by field. */
static void same_as_stat(const struct lstatx *sx, const struct linux_stat *st)
{
	/* Linux 6.13 on leaves STATX_MTIME and STATX_CTIME out unless asked
	 * (multigrain times), and qemu-user asks for nothing: not checked. */
	CHECK_EQ(sx->mask & STATX_BASIC_STATS & ~0xc0u, STATX_BASIC_STATS & ~0xc0u);
	CHECK_EQ(sx->mode, st->st_mode);
	CHECK_EQ(sx->ino, st->st_ino);
	CHECK_EQ(sx->nlink, st->st_nlink);
	CHECK_EQ(sx->uid, st->st_uid);
	CHECK_EQ(sx->gid, st->st_gid);
	CHECK_EQ(sx->size, st->st_size);
	CHECK_EQ(sx->blocks, st->st_blocks);
	CHECK_EQ(sx->blksize, st->st_blksize);
	if (sx->mask & 0x40) { /* STATX_MTIME: only then is the field valid */
		CHECK_EQ(sx->mtime.sec, st->mtime_sec);
		CHECK_EQ(sx->mtime.nsec, st->mtime_nsec);
	}
	if (sx->mask & 0x80)
		CHECK_EQ(sx->ctime.sec, st->ctime_sec);
	CHECK(on_linux || (sx->mask & 0xc0) == 0xc0); /* Sluice fills them always */
	CHECK_EQ(sx->atime.sec, st->atime_sec);
	/* st_dev as new_encode_dev packs major and minor */
	CHECK_EQ(((unsigned long)sx->dev_major << 8) | (sx->dev_minor & 0xff) |
			 ((unsigned long)(sx->dev_minor & ~0xffu) << 12),
		 st->st_dev);
	CHECK_EQ(((unsigned long)sx->rdev_major << 8) | (sx->rdev_minor & 0xff) |
			 ((unsigned long)(sx->rdev_minor & ~0xffu) << 12),
		 st->st_rdev);
}

void test_statx(void)
{
	struct lstatx sx;
	struct linux_stat st;
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT);

	xwrite(fd, "hello", 5);
	CHECK_EQ(syscall3(__NR_symlinkat, (long)"f", L_AT_FDCWD, (long)"l"), 0);
	memset(&sx, 0xff, sizeof(sx));
	CHECK_EQ(statx(L_AT_FDCWD, "f", 0, STATX_BASIC_STATS, &sx), 0);
	CHECK_EQ(sys_stat("f", &st), 0);
	same_as_stat(&sx, &st);
	CHECK_EQ(sx.size, 5);
	CHECK_EQ(statx(L_AT_FDCWD, "l", 0, STATX_BASIC_STATS, &sx), 0); /* followed */
	same_as_stat(&sx, &st);
	CHECK_EQ(statx(L_AT_FDCWD, "l", L_AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx), 0);
	CHECK_EQ(sx.mode & L_S_IFMT, 0120000);
	CHECK_EQ(sx.size, 1);
	CHECK_EQ(statx(fd, "", L_AT_EMPTY_PATH, 0, &sx), 0); /* the fd's own, mask 0 too */
	same_as_stat(&sx, &st);
	CHECK_EQ(statx(L_AT_FDCWD, ".", 0x2000 /* FORCE_SYNC */, STATX_BASIC_STATS, &sx), 0);
	CHECK_EQ(sx.mode & L_S_IFMT, L_S_IFDIR);
	CHECK_EQ(statx(L_AT_FDCWD, "/dev/null", 0x4000 /* DONT_SYNC */, 0xfff, &sx), 0);
	CHECK_EQ(sys_stat("/dev/null", &st), 0);
	same_as_stat(&sx, &st);
	/* errors */
	CHECK_EQ(statx(L_AT_FDCWD, "f", 0x6000, STATX_BASIC_STATS, &sx), -EINVAL);
	CHECK_EQ(statx(L_AT_FDCWD, "f", 0, 0x80000000u, &sx), -EINVAL);
	CHECK_EQ(statx(L_AT_FDCWD, "f", 0x1, STATX_BASIC_STATS, &sx), -EINVAL);
	CHECK_EQ(statx(L_AT_FDCWD, "missing", 0, STATX_BASIC_STATS, &sx), -ENOENT);
	CHECK_EQ(statx(L_AT_FDCWD, "", 0, STATX_BASIC_STATS, &sx), -ENOENT);
	CHECK_EQ(statx(L_AT_FDCWD, "f", 0, STATX_BASIC_STATS, (struct lstatx *)8), -EFAULT);
	CHECK_EQ(statx(L_AT_FDCWD, (const char *)8, 0, STATX_BASIC_STATS, &sx), -EFAULT);
	CHECK_EQ(statx(99, "f", 0, STATX_BASIC_STATS, &sx), -EBADF);
	CHECK_EQ(statx(fd, "x", 0, STATX_BASIC_STATS, &sx), -ENOTDIR);
	xclose(fd);
}

/* A file of n bytes of file k's pattern, open for reading and writing. */
static int pattern_file(const char *name, unsigned k, long n)
{
	make_file(name, k, (uint64_t)n);
	return (int)sys_open(name, L_O_RDWR, 0);
}

/* sendfile: file to file and file to pipe, from the file's offset or a
 * given one (advanced, the file's left alone); Linux's errors. */
void test_sendfile(void)
{
	long off = 1000;
	int in = pattern_file("in", 3, 70000), out = xopen("out", L_O_RDWR | LINUX_O_CREAT), p[2];

	CHECK(in >= 0);
	CHECK_EQ(syscall4(__NR_sendfile, out, in, 0, 30000), 30000);
	CHECK_EQ(sys_lseek(in, 0, 1), 30000);
	CHECK_EQ(sys_lseek(out, 0, 1), 30000);
	CHECK_EQ(syscall4(__NR_sendfile, out, in, 0, 1 << 20), 40000); /* to the end */
	CHECK_EQ(syscall4(__NR_sendfile, out, in, 0, 100), 0);
	check_file("out", 3, 70000);
	CHECK_EQ(syscall4(__NR_sendfile, out, in, (long)&off, 5000), 5000);
	CHECK_EQ(off, 6000);
	CHECK_EQ(sys_lseek(in, 0, 1), 70000); /* not moved */
	CHECK_EQ(syscall4(__NR_sendfile, out, in, 0, 0), 0);

	CHECK_EQ(syscall2(__NR_pipe2, (long)p, 0), 0);
	off = 10;
	CHECK_EQ(syscall4(__NR_sendfile, p[1], in, (long)&off, 3000), 3000);
	CHECK_EQ(off, 3010);
	CHECK_EQ(syscall3(__NR_read, p[0], (long)buf_a, sizeof(buf_a)), 3000);
	CHECK_EQ(gen_diff(buf_a, 3, 10, 3000), -1);

	/* errors */
	CHECK_EQ(syscall4(__NR_sendfile, out, in, 8, 10), -EFAULT);
	CHECK_EQ(syscall4(__NR_sendfile, out, 99, 0, 10), -EBADF);
	CHECK_EQ(syscall4(__NR_sendfile, 99, in, 0, 10), -EBADF);
	off = -1;
	CHECK_EQ(syscall4(__NR_sendfile, out, in, (long)&off, 10), -EINVAL);
	off = 0;
	CHECK_EQ(syscall4(__NR_sendfile, out, in, (long)&off, -1), -EINVAL); /* count past 2^63 */
	off = 10;
	CHECK_EQ(syscall4(__NR_sendfile, out, in, (long)&off, 0x7ffffffffffffffel), -EINVAL);
	off = 0;
	CHECK_EQ(syscall4(__NR_sendfile, out, p[0], (long)&off, 10), -ESPIPE);
	int ro = (int)sys_open("out", L_O_RDONLY, 0), wo = (int)sys_open("in", L_O_WRONLY, 0);
	CHECK(ro >= 0 && wo >= 0);
	CHECK_EQ(syscall4(__NR_sendfile, ro, in, 0, 10), -EBADF);
	CHECK_EQ(syscall4(__NR_sendfile, out, wo, 0, 10), -EBADF);
	int ap = (int)sys_open("out", L_O_WRONLY | LINUX_O_APPEND, 0);
	CHECK(ap >= 0);
	off = 0;
	CHECK_EQ(syscall4(__NR_sendfile, ap, in, (long)&off, 10), -EINVAL);
	int dir = (int)sys_open(".", L_O_RDONLY, 0);
	CHECK_EQ(syscall4(__NR_sendfile, out, dir, 0, 10), -EINVAL);
	/* A pipe with no reader: EPIPE (SIGPIPE ignored here). */
	struct sigaction sa = {0};
	sa.sa_handler = SIG_IGN;
	CHECK_EQ(sigaction(SIGPIPE, &sa, NULL), 0);
	xclose(p[0]);
	off = 0;
	CHECK_EQ(syscall4(__NR_sendfile, p[1], in, (long)&off, 10), -EPIPE);
	CHECK_EQ(off, 0);
	xclose(p[1]);
	xclose(dir);
	xclose(ap);
	xclose(ro);
	xclose(wo);
	xclose(in);
	xclose(out);
}

/* copy_file_range: between two files and within one, offsets given or
 * the files' own; the input's end shortens it; Linux's errors. */
void test_copy_range(void)
{
	long oi = 0, oo = 0;
	int in = pattern_file("in", 5, 50000), out = xopen("out", L_O_RDWR | LINUX_O_CREAT), p[2];

	CHECK(in >= 0);
	CHECK_EQ(syscall6(__NR_copy_file_range, in, 0, out, 0, 20000, 0), 20000);
	CHECK_EQ(sys_lseek(in, 0, 1), 20000);
	CHECK_EQ(sys_lseek(out, 0, 1), 20000);
	oi = oo = 20000;
	CHECK_EQ(syscall6(__NR_copy_file_range, in, (long)&oi, out, (long)&oo, 1 << 20, 0), 30000);
	CHECK_EQ(oi, 50000);
	CHECK_EQ(oo, 50000);
	CHECK_EQ(sys_lseek(in, 0, 1), 20000); /* the given offsets moved, not the files' */
	check_file("out", 5, 50000);
	CHECK_EQ(syscall6(__NR_copy_file_range, in, (long)&oi, out, (long)&oo, 100, 0), 0);
	/* Within one file, not overlapping: bytes 0..1000 to 60000. */
	oi = 0, oo = 60000;
	CHECK_EQ(syscall6(__NR_copy_file_range, out, (long)&oi, out, (long)&oo, 1000, 0), 1000);
	CHECK_EQ(syscall4(__NR_pread64, out, (long)buf_a, 1000, 60000), 1000);
	CHECK_EQ(gen_diff(buf_a, 5, 0, 1000), -1);
	oi = 0, oo = 500;
	CHECK_EQ(syscall6(__NR_copy_file_range, out, (long)&oi, out, (long)&oo, 1000, 0), -EINVAL);

	/* errors */
	CHECK_EQ(syscall6(__NR_copy_file_range, in, 0, out, 0, 10, 1), -EINVAL);
	CHECK_EQ(syscall6(__NR_copy_file_range, 99, 0, out, 0, 10, 0), -EBADF);
	CHECK_EQ(syscall6(__NR_copy_file_range, in, 0, 99, 0, 10, 0), -EBADF);
	CHECK_EQ(syscall6(__NR_copy_file_range, in, 8, out, 0, 10, 0), -EFAULT);
	CHECK_EQ(syscall6(__NR_copy_file_range, in, 0, out, 8, 10, 0), -EFAULT);
	oi = -1;
	CHECK_EQ(syscall6(__NR_copy_file_range, in, (long)&oi, out, 0, 10, 0), -L_EOVERFLOW);
	CHECK_EQ(syscall2(__NR_pipe2, (long)p, 0), 0);
	CHECK_EQ(syscall6(__NR_copy_file_range, in, 0, p[1], 0, 10, 0), -EINVAL);
	CHECK_EQ(syscall6(__NR_copy_file_range, p[0], 0, out, 0, 10, 0), -EINVAL);
	int dir = (int)sys_open(".", L_O_RDONLY, 0);
	CHECK_EQ(syscall6(__NR_copy_file_range, dir, 0, out, 0, 10, 0), -EISDIR);
	int ro = (int)sys_open("out", L_O_RDONLY, 0), wo = (int)sys_open("in", L_O_WRONLY, 0);
	CHECK_EQ(syscall6(__NR_copy_file_range, in, 0, ro, 0, 10, 0), -EBADF);
	CHECK_EQ(syscall6(__NR_copy_file_range, wo, 0, out, 0, 10, 0), -EBADF);
	int ap = (int)sys_open("out", L_O_WRONLY | LINUX_O_APPEND, 0);
	CHECK_EQ(syscall6(__NR_copy_file_range, in, 0, ap, 0, 10, 0), -EBADF);
	xclose(ap);
	xclose(ro);
	xclose(wo);
	xclose(dir);
	xclose(p[0]);
	xclose(p[1]);
	xclose(in);
	xclose(out);
}

/* A child in a session of its own: no controlling terminal, so /dev/tty
 * is ENXIO. */
static void tty_after_setsid(void)
{
	CHECK(syscall0(__NR_setsid) > 0);
	CHECK_EQ(sys_open("/dev/tty", L_O_RDWR, 0), -ENXIO);
}

/* /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr lead to /proc/self/fd;
 * /dev/tty is the controlling terminal (5:0), or ENXIO without one. */
void test_dev_fd(void)
{
	static const char *const names[][2] = {{"/dev/fd", "/proc/self/fd"},
					       {"/dev/stdin", "/proc/self/fd/0"},
					       {"/dev/stdout", "/proc/self/fd/1"},
					       {"/dev/stderr", "/proc/self/fd/2"}};
	struct linux_stat st;
	char link[64], path[64];

	for (int i = 0; i < 4; i++) {
		long n = syscall4(__NR_readlinkat, L_AT_FDCWD, (long)names[i][0], (long)link,
				  sizeof(link));
		CHECK_EQ(n, (long)strlen(names[i][1]));
		CHECK(memcmp(link, names[i][1], (size_t)n) == 0);
	}
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT);
	xwrite(fd, "through /dev/fd", 15);
	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	int again = (int)sys_open(path, L_O_RDONLY, 0);
	CHECK(again >= 0);
	CHECK_EQ(syscall3(__NR_read, again, (long)buf_a, 64), 15); /* a new open: offset 0 */
	CHECK(memcmp(buf_a, "through /dev/fd", 15) == 0);
	CHECK_EQ(sys_stat(path, &st), 0);
	struct linux_stat st2;
	CHECK_EQ(sys_fstat(fd, &st2), 0);
	CHECK_EQ(st.st_ino, st2.st_ino);
	xclose(again);
	xclose(fd);
	CHECK_EQ(sys_stat("/dev/tty", &st), 0);
	CHECK_EQ(st.st_mode & L_S_IFMT, L_S_IFCHR);
	CHECK_EQ(st.st_rdev, (5 << 8) | 0);
	if (!on_linux) { /* fstests runs in the console's session */
		int tty = (int)sys_open("/dev/tty", L_O_RDWR, 0);
		CHECK(tty >= 0);
		char tio[60];
		CHECK_EQ(syscall3(__NR_ioctl, tty, 0x5401 /* TCGETS */, (long)tio), 0);
		xclose(tty);
	}
	expect_ok(reap(spawn(tty_after_setsid)), "tty_after_setsid");
}
