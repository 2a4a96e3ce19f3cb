/*
 * fs_util.c - fstests' helpers: raw calls, checked I/O, generated files,
 * children, and removing a tree (fstests.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dirent.h"
#include "fstests.h"

uint8_t buf_a[BUF_SIZE], buf_b[BUF_SIZE];

long sys_open(const char *path, long lflags, long mode)
{
	return syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path, lflags, mode);
}

long sys_stat(const char *path, struct linux_stat *st)
{
	return syscall4(__NR_newfstatat, LINUX_AT_FDCWD, (long)path, (long)st, 0);
}

long sys_fstat(long fd, struct linux_stat *st)
{
	return syscall2(__NR_fstat, fd, (long)st);
}

long sys_mkdir(const char *path)
{
	return syscall3(__NR_mkdirat, LINUX_AT_FDCWD, (long)path, 0755);
}

long sys_unlink(const char *path)
{
	return syscall3(__NR_unlinkat, LINUX_AT_FDCWD, (long)path, 0);
}

long sys_rmdir(const char *path)
{
	return syscall3(__NR_unlinkat, LINUX_AT_FDCWD, (long)path, LINUX_AT_REMOVEDIR);
}

long sys_rename(const char *from, const char *to)
{
	return syscall5(__NR_renameat2, LINUX_AT_FDCWD, (long)from, LINUX_AT_FDCWD, (long)to, 0);
}

long sys_link(const char *from, const char *to)
{
	return syscall5(__NR_linkat, LINUX_AT_FDCWD, (long)from, LINUX_AT_FDCWD, (long)to, 0);
}

long sys_lseek(long fd, long off, int whence)
{
	return syscall3(__NR_lseek, fd, off, whence);
}

int xopen(const char *path, long lflags)
{
	long fd = sys_open(path, lflags, 0644);

	if (fd < 0)
		FAIL("open %s (flags %#lo): error %ld", path, lflags, -fd);
	return (int)fd;
}

void xwrite(int fd, const void *buf, size_t n)
{
	long r = syscall3(__NR_write, fd, (long)buf, (long)n);

	if (r != (long)n)
		FAIL("write(%d, %zu bytes) = %ld", fd, n, r);
}

void xread(int fd, void *buf, size_t n)
{
	long r = syscall3(__NR_read, fd, (long)buf, (long)n);

	if (r != (long)n)
		FAIL("read(%d, %zu bytes) = %ld", fd, n, r);
}

void xmkdir(const char *path)
{
	long r = sys_mkdir(path);

	if (r < 0)
		FAIL("mkdir %s: error %ld", path, -r);
}

void xclose(int fd)
{
	long r = syscall1(__NR_close, fd);

	if (r < 0)
		FAIL("close(%d): error %ld", fd, -r);
}

struct linux_stat xstat(const char *path)
{
	struct linux_stat st;
	long r = sys_stat(path, &st);

	if (r < 0)
		FAIL("stat %s: error %ld", path, -r);
	return st;
}

/* Odd chunk sizes, so writes and reads straddle block boundaries. */
static const size_t chunk_sizes[] = {4093, 1, 65537, 777, 12289, 511, 200000};
#define NCHUNKS (sizeof(chunk_sizes) / sizeof(chunk_sizes[0]))

void make_file(const char *path, unsigned k, uint64_t size)
{
	int fd = xopen(path, L_O_WRONLY | LINUX_O_CREAT | LINUX_O_TRUNC);
	uint64_t off = 0;

	for (unsigned c = 0; off < size; c++) {
		size_t n = chunk_sizes[c % NCHUNKS];
		if (n > size - off)
			n = (size_t)(size - off);
		gen_fill(buf_a, k, off, n);
		xwrite(fd, buf_a, n);
		off += n;
	}
	xclose(fd);
}

void check_fd(int fd, unsigned k, uint64_t off, uint64_t n)
{
	uint64_t done = 0;

	for (unsigned c = 3; done < n; c++) {
		size_t want = chunk_sizes[c % NCHUNKS];
		long r, d;
		if (want > n - done)
			want = (size_t)(n - done);
		r = syscall3(__NR_read, fd, (long)buf_b, (long)want);
		if (r <= 0)
			FAIL("read at %llu of file %u: %ld", (unsigned long long)(off + done), k,
			     r);
		d = gen_diff(buf_b, k, off + done, (size_t)r);
		if (d >= 0)
			FAIL("file %u: byte %llu is %#x, want %#x", k,
			     (unsigned long long)(off + done + d), buf_b[d],
			     gen_byte(k, off + done + d));
		done += (uint64_t)r;
	}
}

void check_file(const char *path, unsigned k, uint64_t size)
{
	int fd = xopen(path, L_O_RDONLY);
	struct linux_stat st;

	CHECK_EQ(sys_fstat(fd, &st), 0);
	if ((uint64_t)st.st_size != size)
		FAIL("%s: size %ld, want %llu", path, st.st_size, (unsigned long long)size);
	check_fd(fd, k, 0, size);
	/* And then the end of the file. */
	CHECK_EQ(syscall3(__NR_read, fd, (long)buf_b, 1), 0);
	xclose(fd);
}

void expect_ok(int status, const char *who)
{
	if (WIFSIGNALED(status))
		FAIL("%s was killed by signal %d", who, WTERMSIG(status));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		FAIL("%s: wait status %#x, want exit 0", who, status);
}

/* Names of path's entries but "." and ".." (one getdents64 batch), typed. */
struct batch {
	char *names;
	unsigned char *types;
	int n;
};

static long read_batch(const char *path, struct batch *b)
{
	static char dbuf[4096];
	long fd = sys_open(path, L_O_RDONLY | LINUX_O_DIRECTORY, 0), n;

	b->n = 0;
	b->names = NULL;
	b->types = NULL;
	if (fd < 0)
		return fd;
	n = syscall3(__NR_getdents64, fd, (long)dbuf, sizeof(dbuf));
	syscall1(__NR_close, fd);
	if (n < 0)
		return n;
	b->names = malloc((size_t)n);
	b->types = malloc((size_t)n);
	for (long pos = 0, used = 0; pos < n;) {
		struct linux_dirent64 *d = (struct linux_dirent64 *)(dbuf + pos);
		pos += d->d_reclen;
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		strcpy(b->names + used, d->d_name);
		used += (long)strlen(d->d_name) + 1;
		b->types[b->n++] = d->d_type;
	}
	return 0;
}

long remove_tree(const char *path)
{
	char sub[L_PATH_MAX];
	struct batch b;
	long r;

	do {
		if ((r = read_batch(path, &b)) < 0)
			return r == -ENOTDIR ? sys_unlink(path) : r;
		const char *name = b.names;
		for (int i = 0; i < b.n && r == 0; i++, name += strlen(name) + 1) {
			snprintf(sub, sizeof(sub), "%s/%s", path, name);
			r = b.types[i] == DT_DIR ? remove_tree(sub) : sys_unlink(sub);
			if (r == -EISDIR) /* DT_UNKNOWN was a directory */
				r = remove_tree(sub);
		}
		free(b.names);
		free(b.types);
		if (r < 0)
			return r;
	} while (b.n);
	return sys_rmdir(path);
}

long list_dir(const char *path, size_t bufsize,
	      void (*fn)(const struct linux_dirent64 *d, void *arg), void *arg)
{
	static char dbuf[64 * 1024];
	long fd = sys_open(path, L_O_RDONLY | LINUX_O_DIRECTORY, 0), n, count = 0;

	if (fd < 0)
		return fd;
	if (bufsize > sizeof(dbuf))
		bufsize = sizeof(dbuf);
	while ((n = syscall3(__NR_getdents64, fd, (long)dbuf, (long)bufsize)) > 0) {
		for (long pos = 0; pos < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dbuf + pos);
			if (d->d_reclen == 0 || pos + d->d_reclen > n)
				FAIL("getdents64 on %s: bad record length %u at %ld of %ld", path,
				     d->d_reclen, pos, n);
			pos += d->d_reclen;
			if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
				count++;
			if (fn)
				fn(d, arg);
		}
	}
	syscall1(__NR_close, fd);
	return n < 0 ? n : count;
}
