/*
 * fs_files.c - fstests on regular files: many small ones, large ones
 * through indirect blocks, holes, truncation, hard links, open's flags,
 * fsync.
 *
 * Sizes and offsets are chosen around ext2's boundaries with 1 KiB blocks:
 * 12 direct blocks (12 KiB), then 256 through the single-indirect block
 * (to 268 KiB), then double-indirect.  Answers are checked at the register
 * level (Linux errno numbers), as the kernel gives them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fstests.h"

#define KiB	       1024L
#define MiB	       (1024L * KiB)
#define __NR_fdatasync 83
#define L_SEEK_SET     0
#define L_SEEK_CUR     1
#define L_SEEK_END     2

#define NMANY 200

static uint64_t many_size(unsigned i)
{
	return 1 + (i * 37) % 3000;
}

static void many_name(char *name, size_t n, unsigned i)
{
	snprintf(name, n, "f%03u", i);
}

/* 200 files created, read back, half unlinked, the rest read again. */
void test_many_files(void)
{
	struct linux_stat st;
	char name[16];

	for (unsigned i = 0; i < NMANY; i++) {
		many_name(name, sizeof(name), i);
		CHECK_EQ(sys_stat(name, &st), -ENOENT);
		make_file(name, i, many_size(i));
	}
	CHECK_EQ(list_dir(".", 4096, NULL, NULL), NMANY);
	for (unsigned i = 0; i < NMANY; i++) {
		many_name(name, sizeof(name), i);
		check_file(name, i, many_size(i));
	}
	for (unsigned i = 0; i < NMANY; i += 2) {
		many_name(name, sizeof(name), i);
		CHECK_EQ(sys_unlink(name), 0);
		CHECK_EQ(sys_open(name, L_O_RDONLY, 0), -ENOENT);
		CHECK_EQ(sys_unlink(name), -ENOENT);
	}
	CHECK_EQ(list_dir(".", 4096, NULL, NULL), NMANY / 2);
	for (unsigned i = 1; i < NMANY; i += 2) {
		many_name(name, sizeof(name), i);
		check_file(name, i, many_size(i));
		CHECK_EQ(sys_unlink(name), 0);
	}
	CHECK_EQ(list_dir(".", 4096, NULL, NULL), 0);
}

/* pread n bytes at off of file k (size bytes long) and compare. */
static void check_pread(int fd, unsigned k, long off, long n, long size)
{
	long want = off >= size ? 0 : (off + n > size ? size - off : n);
	long r = syscall4(__NR_pread64, fd, (long)buf_b, n, off), d;

	if (r != want)
		FAIL("pread(%ld bytes at %ld) = %ld, want %ld", n, off, r, want);
	d = gen_diff(buf_b, k, (uint64_t)off, (size_t)r);
	if (d >= 0)
		FAIL("pread at %ld: byte %ld differs", off, off + d);
}

/* 3 MiB written in odd chunks, read back; preads around block boundaries. */
void test_large_file(void)
{
	const long size = 3 * MiB + 123;
	const long offs[] = {0,		  1023,		 1024,	    12 * KiB - 1,
			     12 * KiB,	  268 * KiB - 3, 268 * KiB, 524 * KiB - 50,
			     2 * MiB + 5, size - 10,	 size,	    size + 5000};
	int fd;

	make_file("big", 7, (uint64_t)size);
	check_file("big", 7, (uint64_t)size);
	fd = xopen("big", L_O_RDONLY);
	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		check_pread(fd, 7, offs[i], 3000, size);
	/* pread leaves the file offset alone. */
	CHECK_EQ(sys_lseek(fd, 0, L_SEEK_CUR), 0);
	CHECK_EQ(sys_lseek(fd, -10, L_SEEK_END), size - 10);
	check_fd(fd, 7, (uint64_t)size - 10, 10);
	CHECK_EQ(syscall3(__NR_read, fd, (long)buf_b, 100), 0);
	xclose(fd);
}

/* What the file pread_pwrite made holds at offset i. */
static uint8_t patched_byte(uint64_t i, const long *offs, size_t n, long len)
{
	for (size_t j = 0; j < n; j++)
		if ((long)i >= offs[j] && (long)i < offs[j] + len)
			return gen_byte(9, i);
	return i >= 400 * KiB ? 0 : gen_byte(8, i);
}

/* pwrite over a file at offsets across block boundaries, past its end. */
void test_pread_pwrite(void)
{
	const long offs[] = {5, 12 * KiB - 3, 268 * KiB - 10, 300000, 500000};
	const size_t n = sizeof(offs) / sizeof(offs[0]);
	const long len = 5000, size = 500000 + len;
	int fd, p[2];

	make_file("f", 8, 400 * KiB);
	fd = xopen("f", L_O_RDWR);
	CHECK_EQ(sys_lseek(fd, 77, L_SEEK_SET), 77);
	for (size_t j = 0; j < n; j++) {
		gen_fill(buf_a, 9, (uint64_t)offs[j], (size_t)len);
		CHECK_EQ(syscall4(__NR_pwrite64, fd, (long)buf_a, len, offs[j]), len);
	}
	CHECK_EQ(sys_lseek(fd, 0, L_SEEK_CUR), 77);
	for (long off = 0; off < size; off += BUF_SIZE) {
		long want = size - off < BUF_SIZE ? size - off : BUF_SIZE;
		CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_b, BUF_SIZE, off), want);
		for (long i = 0; i < want; i++)
			if (buf_b[i] != patched_byte((uint64_t)(off + i), offs, n, len))
				FAIL("byte %ld is %#x after the pwrites", off + i, buf_b[i]);
	}
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_b, 1, -1), -EINVAL);
	CHECK_EQ(syscall4(__NR_pwrite64, fd, (long)buf_b, 1, -1), -EINVAL);
	xclose(fd);
	/* A pipe has no offset. */
	CHECK_EQ(syscall2(__NR_pipe2, (long)p, 0), 0);
	CHECK_EQ(syscall4(__NR_pread64, p[0], (long)buf_b, 1, 0), -ESPIPE);
	CHECK_EQ(syscall4(__NR_pwrite64, p[1], (long)buf_b, 1, 0), -ESPIPE);
	CHECK_EQ(sys_lseek(p[0], 0, L_SEEK_SET), -ESPIPE);
	xclose(p[0]);
	xclose(p[1]);
}

/* Bytes [from, to) of fd read as zeros. */
static void check_zeros(int fd, long from, long to)
{
	while (from < to) {
		long n = to - from < BUF_SIZE ? to - from : BUF_SIZE;
		CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_b, n, from), n);
		for (long i = 0; i < n; i++)
			if (buf_b[i])
				FAIL("byte %ld in a hole is %#x", from + i, buf_b[i]);
		from += n;
	}
}

/* Writing past the end leaves a hole that reads as zeros and takes no space. */
void test_sparse(void)
{
	const long at = 1 * MiB + 5, at2 = 3 * MiB;
	struct linux_stat st;
	int fd = xopen("s", L_O_RDWR | LINUX_O_CREAT | LINUX_O_EXCL);

	/* Seeking past the end alone does not grow the file. */
	CHECK_EQ(sys_lseek(fd, at, L_SEEK_SET), at);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 0);
	gen_fill(buf_a, 11, (uint64_t)at, 100);
	xwrite(fd, buf_a, 100);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, at + 100);
	gen_fill(buf_a, 11, (uint64_t)at2, 10);
	CHECK_EQ(syscall4(__NR_pwrite64, fd, (long)buf_a, 10, at2), 10);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, at2 + 10);
	CHECK(st.st_blocks * 512 < st.st_size / 4);
	note("%ld bytes in %ld blocks of 512", st.st_size, st.st_blocks);
	check_zeros(fd, 0, at);
	check_zeros(fd, at + 100, at2);
	/* One read across the edge of a hole: zeros, then the data. */
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_b, 300, at - 200), 300);
	for (int i = 0; i < 200; i++)
		CHECK_EQ(buf_b[i], 0);
	CHECK_EQ(gen_diff(buf_b + 200, 11, (uint64_t)at, 100), -1);
	CHECK_EQ(sys_lseek(fd, at2, L_SEEK_SET), at2);
	check_fd(fd, 11, (uint64_t)at2, 10);
	CHECK_EQ(syscall3(__NR_read, fd, (long)buf_b, 10), 0);
	xclose(fd);
}

static void truncate_blocks(void);

/* Shrink and grow: what was cut off comes back as zeros, blocks are freed. */
void test_truncate(void)
{
	struct linux_stat st;
	int fd;

	make_file("t", 12, 10000);
	fd = xopen("t", L_O_RDWR);
	CHECK_EQ(sys_lseek(fd, 0, L_SEEK_END), 10000);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, 5000), 0);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 5000);
	/* The offset stays where it was, past the new end. */
	CHECK_EQ(sys_lseek(fd, 0, L_SEEK_CUR), 10000);
	CHECK_EQ(syscall3(__NR_read, fd, (long)buf_b, 10), 0);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, 20000), 0);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 20000);
	CHECK_EQ(sys_lseek(fd, 0, L_SEEK_SET), 0);
	check_fd(fd, 12, 0, 5000);
	check_zeros(fd, 5000, 20000);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, 0), 0);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_b, 10, 0), 0);
	/* Errors: negative, a read-only fd, a directory, no fd. */
	CHECK_EQ(syscall2(__NR_ftruncate, fd, -1), -EINVAL);
	xclose(fd);
	fd = xopen("t", L_O_RDONLY);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, 0), -EINVAL);
	xclose(fd);
	fd = xopen(".", L_O_RDONLY | LINUX_O_DIRECTORY);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, 0), -EINVAL);
	xclose(fd);
	CHECK_EQ(syscall2(__NR_ftruncate, 99, 0), -EBADF);
	truncate_blocks();
}

/* Across the indirect blocks: 300 KiB cut to 13 KiB + 5, grown back. */
static void truncate_blocks(void)
{
	struct linux_stat st;
	int fd;

	make_file("t2", 13, 300 * KiB);
	fd = xopen("t2", L_O_RDWR);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, 13 * KiB + 5), 0);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK(st.st_blocks * 512 < 64 * KiB);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, 300 * KiB), 0);
	check_fd(fd, 13, 0, 13 * KiB + 5);
	check_zeros(fd, 13 * KiB + 5, 300 * KiB);
	xclose(fd);
}

static void unlink_open(void);

/* Link counts, one inode under several names, and a file open after unlink. */
void test_hard_links(void)
{
	struct linux_stat a, b;
	int fd;

	make_file("a", 14, 3000);
	CHECK_EQ(sys_link("a", "b"), 0);
	a = xstat("a");
	b = xstat("b");
	CHECK_EQ(a.st_ino, b.st_ino);
	CHECK_EQ(a.st_nlink, 2);
	xmkdir("d");
	CHECK_EQ(sys_link("a", "d/c"), 0);
	CHECK_EQ(xstat("b").st_nlink, 3);
	/* Written through one name, read through another. */
	fd = xopen("b", L_O_WRONLY);
	xwrite(fd, "XYZ", 3);
	xclose(fd);
	fd = xopen("d/c", L_O_RDONLY);
	xread(fd, buf_b, 3);
	CHECK(memcmp(buf_b, "XYZ", 3) == 0);
	check_fd(fd, 14, 3, 2997);
	xclose(fd);
	CHECK_EQ(sys_unlink("a"), 0);
	CHECK_EQ(xstat("b").st_nlink, 2);
	CHECK_EQ(sys_link("b", "d/c"), -EEXIST);
	CHECK_EQ(sys_link("d", "e"), -EPERM);
	CHECK_EQ(sys_link("nope", "x"), -ENOENT);
	CHECK_EQ(sys_link("b", "nope/x"), -ENOENT);
	CHECK_EQ(sys_unlink("b"), 0);
	unlink_open();
}

/* The last name goes; the open file lives on until it is closed. */
static void unlink_open(void)
{
	struct linux_stat b;
	int fd = xopen("d/c", L_O_RDWR);

	CHECK_EQ(sys_unlink("d/c"), 0);
	CHECK_EQ(sys_stat("d/c", &b), -ENOENT);
	CHECK_EQ(sys_fstat(fd, &b), 0);
	CHECK_EQ(b.st_nlink, 0);
	CHECK_EQ(b.st_size, 3000);
	CHECK_EQ(sys_lseek(fd, 3, L_SEEK_SET), 3);
	check_fd(fd, 14, 3, 2997);
	xwrite(fd, "more", 4);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_b, 10, 2998), 6);
	CHECK(memcmp(buf_b + 2, "more", 4) == 0);
	xclose(fd);
	CHECK_EQ(list_dir("d", 4096, NULL, NULL), 0);
}

void test_open_excl(void)
{
	struct linux_stat st;
	long fd;

	make_file("x", 15, 100);
	CHECK_EQ(sys_open("x", L_O_WRONLY | LINUX_O_CREAT | LINUX_O_EXCL, 0644), -EEXIST);
	xmkdir("d");
	CHECK_EQ(sys_open("d", L_O_RDONLY | LINUX_O_CREAT | LINUX_O_EXCL, 0644), -EEXIST);
	fd = sys_open("new", L_O_RDWR | LINUX_O_CREAT | LINUX_O_EXCL, 0644);
	CHECK(fd >= 0);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_mode & L_S_IFMT, L_S_IFREG);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(st.st_nlink, 1);
	xclose((int)fd);
	CHECK_EQ(sys_open("new", L_O_RDWR | LINUX_O_CREAT | LINUX_O_EXCL, 0644), -EEXIST);
	/* The failed opens changed nothing. */
	check_file("x", 15, 100);
}

void test_open_trunc(void)
{
	struct linux_stat st;
	int fd;

	make_file("x", 16, 5000);
	/* Without O_TRUNC a write overwrites in place. */
	fd = xopen("x", L_O_WRONLY);
	xwrite(fd, "abc", 3);
	xclose(fd);
	CHECK_EQ(xstat("x").st_size, 5000);
	fd = xopen("x", L_O_RDONLY);
	xread(fd, buf_b, 3);
	CHECK(memcmp(buf_b, "abc", 3) == 0);
	check_fd(fd, 16, 3, 4997);
	xclose(fd);
	fd = xopen("x", L_O_RDWR | LINUX_O_TRUNC);
	CHECK_EQ(sys_fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(syscall3(__NR_read, fd, (long)buf_b, 10), 0);
	xwrite(fd, "0123456789", 10);
	xclose(fd);
	CHECK_EQ(xstat("x").st_size, 10);
}

/* O_APPEND: every write goes to the end, wherever the offset was. */
void test_open_append(void)
{
	int fd, fd2;

	make_file("x", 17, 1000);
	fd = xopen("x", L_O_WRONLY | LINUX_O_APPEND);
	fd2 = xopen("x", L_O_RDWR | LINUX_O_APPEND);
	xwrite(fd, "AAAAAAAAAA", 10);
	CHECK_EQ(sys_lseek(fd, 0, L_SEEK_CUR), 1010);
	CHECK_EQ(sys_lseek(fd, 0, L_SEEK_SET), 0);
	xwrite(fd, "BBBBBBBBBB", 10);
	CHECK_EQ(sys_lseek(fd, 0, L_SEEK_CUR), 1020);
	/* Another fd's offset was 0: its append still lands at the end. */
	xwrite(fd2, "CCCCC", 5);
	CHECK_EQ(sys_lseek(fd2, 0, L_SEEK_CUR), 1025);
	xclose(fd);
	xclose(fd2);
	fd = xopen("x", L_O_RDONLY);
	check_fd(fd, 17, 0, 1000);
	xread(fd, buf_b, 25);
	CHECK(memcmp(buf_b, "AAAAAAAAAABBBBBBBBBBCCCCC", 25) == 0);
	CHECK_EQ(syscall3(__NR_read, fd, (long)buf_b, 1), 0);
	xclose(fd);
}

/* What open, read and write refuse. */
void test_open_errors(void)
{
	char c = 0;
	long fd;

	make_file("f", 18, 10);
	xmkdir("d");
	CHECK_EQ(sys_open("missing", L_O_RDONLY, 0), -ENOENT);
	CHECK_EQ(sys_open("f", L_O_RDONLY | LINUX_O_DIRECTORY, 0), -ENOTDIR);
	CHECK_EQ(sys_open("d", L_O_WRONLY, 0), -EISDIR);
	CHECK_EQ(sys_open("d", L_O_RDWR, 0), -EISDIR);
	CHECK_EQ(sys_open("d", L_O_RDONLY | LINUX_O_CREAT, 0644), -EISDIR);
	fd = xopen("f", L_O_WRONLY);
	CHECK_EQ(syscall3(__NR_read, fd, (long)&c, 1), -EBADF);
	xclose((int)fd);
	fd = xopen("f", L_O_RDONLY);
	CHECK_EQ(syscall3(__NR_write, fd, (long)&c, 1), -EBADF);
	CHECK_EQ(syscall3(__NR_getdents64, fd, (long)buf_b, 4096), -ENOTDIR);
	CHECK_EQ(sys_lseek(fd, -1, L_SEEK_SET), -EINVAL);
	CHECK_EQ(sys_lseek(fd, 0, 7), -EINVAL);
	xclose((int)fd);
	fd = xopen("d", L_O_RDONLY | LINUX_O_DIRECTORY);
	CHECK_EQ(syscall3(__NR_read, fd, (long)&c, 1), -EISDIR);
	CHECK_EQ(syscall3(__NR_write, fd, (long)&c, 1), -EBADF);
	xclose((int)fd);
	check_file("f", 18, 10);
}

void test_fsync(void)
{
	int fd, p[2];

	make_file("f", 19, 70000);
	fd = xopen("f", L_O_RDWR);
	xwrite(fd, "sync", 4);
	CHECK_EQ(syscall1(__NR_fsync, fd), 0);
	CHECK_EQ(syscall1(__NR_fdatasync, fd), 0);
	xclose(fd);
	fd = xopen("f", L_O_RDONLY);
	CHECK_EQ(syscall1(__NR_fsync, fd), 0);
	xclose(fd);
	fd = xopen(".", L_O_RDONLY | LINUX_O_DIRECTORY);
	CHECK_EQ(syscall1(__NR_fsync, fd), 0);
	xclose(fd);
	CHECK_EQ(syscall0(__NR_sync), 0);
	CHECK_EQ(syscall1(__NR_fsync, 99), -EBADF);
	CHECK_EQ(syscall2(__NR_pipe2, (long)p, 0), 0);
	CHECK_EQ(syscall1(__NR_fsync, p[1]), -EINVAL);
	xclose(p[0]);
	xclose(p[1]);
	fd = xopen("f", L_O_RDONLY);
	xread(fd, buf_b, 4);
	CHECK(memcmp(buf_b, "sync", 4) == 0);
	check_fd(fd, 19, 4, 70000 - 4);
	xclose(fd);
}
