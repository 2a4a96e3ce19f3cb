/*
 * fs_limits.c - fstests on sums a program chooses: file offsets near the
 * largest file size and near 2^63, read and write counts, and the sizes
 * Linux takes as 32-bit ints.  Each answer is Linux's (the reference run
 * checks the tests against it): EINVAL for an offset that would pass
 * 2^63 - 1 or the file system's largest file, EFBIG for a write or
 * truncate past that largest file.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "fstests.h"

#define L_SEEK_SET 0
#define L_SEEK_CUR 1
#define L_SEEK_END 2

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
