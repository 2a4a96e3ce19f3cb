/*
 * fs_limits.c - fstests on sums a program chooses: file offsets near the
 * largest file size and near 2^63, read and write counts, iovec lists,
 * and the sizes Linux takes as 32-bit ints.  Each answer is Linux's
 * (the reference run checks the tests against it): EINVAL for an offset
 * that would pass 2^63 - 1 or the file system's largest file, EFBIG for
 * a write or truncate past that largest file.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "fstests.h"

#define L_SEEK_SET 0
#define L_SEEK_CUR 1
#define L_SEEK_END 2

struct iov {
	const void *base;
	unsigned long len;
};

static long pread_at(int fd, void *buf, long n, long off)
{
	return syscall4(__NR_pread64, fd, (long)buf, n, off);
}

static long pwrite_at(int fd, const void *buf, long n, long off)
{
	return syscall4(__NR_pwrite64, fd, (long)buf, n, off);
}

/* lseek's sums: past 2^63 - 1 or below 0 is EINVAL, and the offset stays. */
void test_lseek_overflow(void)
{
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT);

	xwrite(fd, buf_a, 100);
	CHECK_EQ(sys_lseek(fd, -1, L_SEEK_SET), -EINVAL);
	CHECK_EQ(sys_lseek(fd, 1, L_SEEK_SET), 1);
	CHECK_EQ(sys_lseek(fd, LONG_MAX, L_SEEK_CUR), -EINVAL);
	CHECK_EQ(sys_lseek(fd, -2, L_SEEK_CUR), -EINVAL);
	CHECK_EQ(sys_lseek(fd, LONG_MIN, L_SEEK_CUR), -EINVAL);
	CHECK_EQ(sys_lseek(fd, 0, L_SEEK_CUR), 1);
	CHECK_EQ(sys_lseek(fd, LONG_MAX, L_SEEK_END), -EINVAL);
	CHECK_EQ(sys_lseek(fd, LONG_MAX - 99, L_SEEK_END), -EINVAL);
	CHECK_EQ(sys_lseek(fd, -101, L_SEEK_END), -EINVAL);
	CHECK_EQ(sys_lseek(fd, -100, L_SEEK_END), 0);
	CHECK_EQ(sys_lseek(fd, 0, L_SEEK_CUR), 0);
	xclose(fd);
}

/* The largest offset lseek takes: the file system's largest file size. */
static long max_offset(int fd)
{
	long lo = 0, hi = LONG_MAX; /* lo is taken; is hi? */

	if (sys_lseek(fd, hi, L_SEEK_SET) == hi)
		return hi;
	while (hi - lo > 1) {
		long mid = lo + (hi - lo) / 2, r = sys_lseek(fd, mid, L_SEEK_SET);
		if (r == mid)
			lo = mid;
		else if (r == -EINVAL)
			hi = mid;
		else
			FAIL("lseek to %ld = %ld", mid, r);
	}
	return lo;
}

/* At 2^63 - 1 (ramfs, tmpfs): every sum that would pass it is EINVAL. */
static void at_long_max(int fd)
{
	CHECK_EQ(sys_lseek(fd, LONG_MAX, L_SEEK_SET), LONG_MAX);
	CHECK_EQ(sys_lseek(fd, 10, L_SEEK_CUR), -EINVAL);
	CHECK_EQ(sys_lseek(fd, 0, L_SEEK_CUR), LONG_MAX);
	CHECK_EQ(syscall3(__NR_read, fd, (long)buf_b, 10), -EINVAL);
	CHECK_EQ(syscall3(__NR_write, fd, (long)buf_a, 10), -EINVAL);
	CHECK_EQ(syscall3(__NR_read, fd, (long)buf_b, 0), 0);
	/* Sluice's ramfs keeps data below 1 GiB (a file's page array is one
	 * kmalloc block): a write past it is EFBIG, as past a largest file. */
	if (!on_linux) {
		CHECK_EQ(pwrite_at(fd, buf_a, 1, 1l << 31), -EFBIG);
		CHECK_EQ(pwrite_at(fd, buf_a, 10, (1l << 30) - 5), 5);
	}
}

/* Below 2^63 - 1 (ext2, ext4): past the largest file, EINVAL and EFBIG. */
static void at_fs_max(int fd, long max)
{
	CHECK_EQ(sys_lseek(fd, max + 1, L_SEEK_SET), -EINVAL);
	CHECK_EQ(sys_lseek(fd, max, L_SEEK_SET), max);
	CHECK_EQ(sys_lseek(fd, 1, L_SEEK_CUR), -EINVAL);
	CHECK_EQ(syscall3(__NR_read, fd, (long)buf_b, 10), 0);
	CHECK_EQ(syscall3(__NR_write, fd, (long)buf_a, 10), -EFBIG);
	CHECK_EQ(pwrite_at(fd, buf_a, 10, max), -EFBIG);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, max + 1), -EFBIG);
	gen_fill(buf_a, 66, 0, 10);
	CHECK_EQ(pwrite_at(fd, buf_a, 10, max - 5), 5); /* cut at the largest size */
	CHECK_EQ(xstat("f").st_size, max);
	CHECK_EQ(pread_at(fd, buf_b, 10, max - 5), 5);
	CHECK_EQ(gen_diff(buf_b, 66, 0, 5), -1);
}

/* pread, pwrite, read, write and ftruncate at the largest offsets. */
void test_offset_limits(void)
{
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT);
	long max = max_offset(fd);

	CHECK_EQ(sys_lseek(fd, 0, L_SEEK_SET), 0);
	xwrite(fd, buf_a, 100);
	CHECK_EQ(pread_at(fd, buf_b, 10, LONG_MAX - 5), -EINVAL); /* off + n passes 2^63 */
	CHECK_EQ(pwrite_at(fd, buf_a, 10, LONG_MAX - 5), -EINVAL);
	CHECK_EQ(pread_at(fd, buf_b, 10, LONG_MAX - 10), 0);
	CHECK_EQ(pread_at(fd, buf_b, 10, LONG_MIN), -EINVAL);
	CHECK_EQ(pwrite_at(fd, buf_a, 0, LONG_MAX), 0);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, -1), -EINVAL);
	if (max == LONG_MAX)
		at_long_max(fd);
	else
		at_fs_max(fd, max);
	/* A file of the largest size: its end reads as zeros, SEEK_END is there. */
	CHECK_EQ(syscall2(__NR_ftruncate, fd, max), 0);
	CHECK_EQ(xstat("f").st_size, max);
	CHECK_EQ(sys_lseek(fd, 0, L_SEEK_END), max);
	CHECK_EQ(sys_lseek(fd, 1, L_SEEK_END), -EINVAL);
	memset(buf_b, 1, 5);
	CHECK_EQ(pread_at(fd, buf_b, 5, max - 20), 5);
	CHECK(memcmp(buf_b, "\0\0\0\0\0", 5) == 0);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, 0), 0);
	xclose(fd);
}

/* ---- readv and writev */

static int iofd[2];

static void readv_child(void)
{
	struct iov v[2] = {{buf_b, 10}, {buf_b + 10, 10}};

	xclose(iofd[1]);
	/* The pipe holds 10 bytes: readv returns them, it does not wait for 20. */
	long r = syscall3(__NR_readv, iofd[0], (long)v, 2);
	_exit(r == 10 ? 0 : 3);
}

/* A readv of a pipe is one read: what is there, not a wait for more. */
static void readv_pipe(void)
{
	int pid, status = -1;

	CHECK_EQ(syscall2(__NR_pipe2, (long)iofd, 0), 0);
	xwrite(iofd[1], buf_a, 10);
	pid = spawn(readv_child);
	for (int i = 0; i < 100 && status < 0; i++) {
		struct timespec ts = {0, 10 * 1000000};
		syscall2(__NR_nanosleep, (long)&ts, 0);
		if (syscall4(__NR_wait4, pid, (long)&status, 1 /* WNOHANG */, 0) != pid)
			status = -1;
	}
	if (status < 0) {
		syscall2(__NR_kill, pid, LINUX_SIGKILL);
		reap(pid);
		FAIL("readv of two 10-byte buffers from a pipe holding 10 bytes waited for more");
	}
	CHECK_EQ(status, 0); /* Linux's wait status: exit 0 */
	xclose(iofd[0]);
	xclose(iofd[1]);
}

/* Linux checks the whole list before moving a byte. */
void test_iov_limits(void)
{
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT);
	struct iov v[2] = {{buf_a, 10}, {buf_a, 10}};

	v[1].len = 1ul << 63; /* negative as a ssize_t */
	CHECK_EQ(syscall3(__NR_writev, fd, (long)v, 2), -EINVAL);
	CHECK_EQ(syscall3(__NR_readv, fd, (long)v, 2), -EINVAL);
	/* Not user memory: EFAULT, and not even the first buffer is written.
	 * (qemu-riscv64 checks guest pointers itself and writes the first:
	 * Linux's own answer, checked natively on Linux 6.18, is this.) */
	v[1] = (struct iov){(void *)0xffffffffff000000ul, 10};
	if (!on_linux) {
		CHECK_EQ(syscall3(__NR_writev, fd, (long)v, 2), -EFAULT);
		CHECK_EQ(xstat("f").st_size, 0);
	}
	v[1] = (struct iov){buf_a, 10};
	CHECK_EQ(syscall3(__NR_writev, fd, (long)v, 1025), -EINVAL);
	CHECK_EQ(syscall3(__NR_writev, fd, (long)v, 0), 0);
	CHECK_EQ(syscall3(__NR_writev, fd, (long)v, 2), 20);
	/* A file position near 2^63: the list's total counts. */
	if (sys_lseek(fd, LONG_MAX - 15, L_SEEK_SET) == LONG_MAX - 15)
		CHECK_EQ(syscall3(__NR_readv, fd, (long)v, 2), -EINVAL);
	xclose(fd);
	readv_pipe();
}

/* ---- sizes Linux takes as 32-bit ints */

/*
 * getdents64's count is an unsigned int; readlinkat's bufsiz an int.
 * qemu-riscv64 checks such sizes against guest memory at their full 64
 * bits (EFAULT), so a reference run skips this test; these answers were
 * checked on Linux 6.18 natively instead.
 */
void test_size_widths(void)
{
	const long l = LINUX_AT_FDCWD;
	int dir;

	if (on_linux) {
		note("skipped: qemu-riscv64 checks these sizes itself");
		return;
	}
	CHECK_EQ(syscall3(__NR_symlinkat, (long)"target", l, (long)"l"), 0);
	CHECK_EQ(syscall4(__NR_readlinkat, l, (long)"l", (long)buf_b, (1l << 32) + 3), 3);
	CHECK_EQ(memcmp(buf_b, "tar", 3), 0);
	CHECK_EQ(syscall4(__NR_readlinkat, l, (long)"l", (long)buf_b, 1l << 32), -EINVAL);
	CHECK_EQ(syscall4(__NR_readlinkat, l, (long)"l", (long)buf_b, -1), -EINVAL);
	dir = xopen(".", L_O_RDONLY | LINUX_O_DIRECTORY);
	/* 20 bytes: too small for even "." */
	CHECK_EQ(syscall3(__NR_getdents64, dir, (long)buf_b, (1l << 32) + 20), -EINVAL);
	CHECK_EQ(syscall3(__NR_getdents64, dir, (long)buf_b, 1l << 40), -EINVAL);
	CHECK(syscall3(__NR_getdents64, dir, (long)buf_b, (1l << 32) + 4096) > 0);
	xclose(dir);
}
