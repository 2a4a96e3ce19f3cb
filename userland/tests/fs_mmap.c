/*
 * fs_mmap.c - mmap of regular files (docs/user-memory.md, "File mappings"):
 * private mappings and their copy on write, pages past the end (zeros in
 * the last page, SIGBUS beyond it), shared mappings and read/write seeing
 * one another's bytes, across fork, /proc/self/maps, the errors, and no
 * page lost.  Each runs on the ramfs (-d /tmp) and on ext2 (-d /mnt), and
 * on Linux for reference.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fstests.h"

#define PG	      4096ul
#define L_MAP_SHARED  0x01
#define L_MAP_PRIVATE 0x02
#define L_MAP_FIXED   0x10
#define L_MAP_ANON    0x20
#define L_BUS_ADRERR  2
#define L_EOVERFLOW   75 /* Linux's number (picolibc's differs) */

static long raw_mmap(void *addr, unsigned long len, long prot, long flags, long fd, long off)
{
	return syscall6(__NR_mmap, (long)addr, (long)len, prot, flags, fd, off);
}

static uint8_t *xmmap(unsigned long len, long prot, long flags, int fd, long off)
{
	long r = raw_mmap(NULL, len, prot, flags, fd, off);

	if (r < 0 && r > -4096)
		FAIL("mmap(len %lu, prot %ld, flags %#lx, off %ld): %ld", len, prot, flags, off, r);
	return (uint8_t *)r;
}

static void xmunmap(void *p, unsigned long len)
{
	CHECK_EQ(syscall2(__NR_munmap, (long)p, (long)len), 0);
}

/* A file of file k's bytes, size long, open read-write. */
static int pattern_file(const char *name, unsigned k, uint64_t size)
{
	make_file(name, k, size);
	return xopen(name, L_O_RDWR);
}

/* --- pages past the end --- */

static volatile uint8_t *bus_addr;

static void on_bus(int lsig, void *info, void *uc)
{
	const struct {
		int si_signo, si_errno, si_code, pad;
		void *si_addr;
	} *fi = info;

	(void)lsig;
	(void)uc;
	_exit(fi->si_addr == (void *)bus_addr ? 10 + fi->si_code : 99);
}

/* In a child: touch p; want SIGBUS with BUS_ADRERR at p. */
static void expect_sigbus(volatile uint8_t *p, bool store)
{
	struct sigaction sa;
	int pid;

	bus_addr = p;
	fflush(stdout);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = (_sig_func_ptr)(void (*)(void))on_bus;
		sa.sa_flags = LINUX_SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGBUS, &sa, NULL);
		if (store)
			*p = 1;
		else
			(void)*p;
		_exit(98);
	}
	int status = reap(pid);
	if (on_linux && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) {
		note("qemu-riscv64 reports SIGSEGV where Linux sends SIGBUS");
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 10 + L_BUS_ADRERR)
		FAIL("touching %p past the end: wait status %#x, want SIGBUS, BUS_ADRERR",
		     (void *)p, status);
}

/*
 * A private read-only mapping of a file of 2.5 pages, 4 pages long: the
 * file's bytes, zeros after them in the last page, SIGBUS for loads and
 * stores on the page beyond, and -EFAULT for a system call reading there.
 */
void test_mmap_private_eof(void)
{
	int fd = pattern_file("f", 3, 2 * PG + PG / 2);
	uint8_t *p = xmmap(4 * PG, PROT_READ, L_MAP_PRIVATE, fd, 0);
	int out = xopen("out", L_O_RDWR | LINUX_O_CREAT);

	CHECK_EQ(gen_diff(p, 3, 0, 2 * PG + PG / 2), -1);
	for (unsigned long i = 2 * PG + PG / 2; i < 3 * PG; i++)
		if (p[i])
			FAIL("byte %lu past the end is %#x, want 0", i, p[i]);
	expect_sigbus(p + 3 * PG + 5, false);
	uint8_t *w = xmmap(4 * PG, PROT_READ | PROT_WRITE, L_MAP_PRIVATE, fd, 0);
	expect_sigbus(w + 3 * PG, true);
	w[2 * PG + PG / 2] = 1; /* the last page's tail: a private copy */
	xmunmap(w, 4 * PG);
	CHECK_EQ(syscall3(__NR_write, out, (long)(p + 3 * PG), 16), -EFAULT);
	/* An offset: the mapping starts at the file's page 1. */
	uint8_t *q = xmmap(PG, PROT_READ, L_MAP_PRIVATE, fd, (long)PG);
	CHECK_EQ(gen_diff(q, 3, PG, PG), -1);
	xmunmap(q, PG);
	xmunmap(p, 4 * PG);
	xclose(out);
	xclose(fd);
}

/*
 * A private writable mapping: a store changes the mapping only (the file,
 * and another mapping of it, keep their bytes); a page not yet touched
 * shows what write() put in the file before; a forked child's stores are
 * its own.  mprotect adds and takes away write permission.
 */
void test_mmap_private_cow(void)
{
	int fd = pattern_file("f", 4, 3 * PG);
	uint8_t *p = xmmap(3 * PG, PROT_READ | PROT_WRITE, L_MAP_PRIVATE, fd, 0);
	uint8_t *ro = xmmap(3 * PG, PROT_READ, L_MAP_PRIVATE, fd, 0);

	CHECK_EQ(p[10], gen_byte(4, 10)); /* mapped for reading first */
	p[10] = (uint8_t)~gen_byte(4, 10);
	CHECK_EQ(ro[10], gen_byte(4, 10));
	check_fd(fd, 4, 0, 3 * PG);
	CHECK_EQ(syscall4(__NR_pwrite64, fd, (long)"new", 3, (long)(2 * PG)), 3);
	CHECK(!memcmp(p + 2 * PG, "new", 3)); /* untouched until now */
	CHECK(!memcmp(ro + 2 * PG, "new", 3));

	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		p[PG] = 0x5a;
		uint8_t want = (uint8_t)~gen_byte(4, 10);
		_exit(p[10] == want && p[PG] == 0x5a ? 0 : 1);
	}
	expect_ok(reap(pid), "the child");
	CHECK_EQ(p[PG], gen_byte(4, PG));

	/* mprotect: read-only, then writable again (a copy, not the file). */
	CHECK_EQ(syscall3(__NR_mprotect, (long)ro, (long)PG, PROT_READ | PROT_WRITE), 0);
	ro[1] = 0x77;
	CHECK_EQ(syscall3(__NR_mprotect, (long)ro, (long)PG, PROT_READ), 0);
	CHECK_EQ(ro[1], 0x77);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_a, 2, 0), 2);
	CHECK_EQ(buf_a[1], gen_byte(4, 1));
	xmunmap(p, 3 * PG);
	xmunmap(ro, 3 * PG);
	xclose(fd);
}

/* Map the file shared, or fail. */
static uint8_t *map_shared(int fd, unsigned long len, long prot)
{
	return xmmap(len, prot, L_MAP_SHARED, fd, 0);
}

/*
 * A shared mapping and the file are one: a store is what read() returns
 * next, write() is what the mapping shows next, in a forked child too,
 * and the bytes stay in the file after munmap and close.
 */
void test_mmap_shared_coherent(void)
{
	int fd = pattern_file("f", 5, 2 * PG);
	uint8_t *p = map_shared(fd, 2 * PG, PROT_READ | PROT_WRITE);

	CHECK_EQ(gen_diff(p, 5, 0, 2 * PG), -1);
	memcpy(p + 100, "stored", 6);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_a, 6, 100), 6);
	CHECK(!memcmp(buf_a, "stored", 6));
	CHECK_EQ(syscall4(__NR_pwrite64, fd, (long)"written", 7, (long)(PG + 1)), 7);
	CHECK(!memcmp(p + PG + 1, "written", 7));

	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		memcpy(p + 200, "child", 5);
		_exit(0);
	}
	expect_ok(reap(pid), "the child");
	CHECK(!memcmp(p + 200, "child", 5));
	xmunmap(p, 2 * PG);
	xclose(fd);
	fd = xopen("f", L_O_RDONLY);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_a, 5, 200), 5);
	CHECK(!memcmp(buf_a, "child", 5));
	xclose(fd);
}

/*
 * read() and getdents64() into a mapping of a file, of the same file at
 * the same place too: the copy needs the page while the file system is
 * busy with the read (Sluice faults such pages in first).
 */
void test_mmap_read_into(void)
{
	int fd = pattern_file("f", 6, 4 * PG);
	uint8_t *p = xmmap(4 * PG, PROT_READ | PROT_WRITE, L_MAP_PRIVATE, fd, 0);

	CHECK_EQ(syscall3(__NR_read, fd, (long)p, (long)(4 * PG)), (long)(4 * PG));
	CHECK_EQ(gen_diff(p, 6, 0, 4 * PG), -1);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)(p + 1), 100, 0), 100);
	CHECK_EQ(gen_diff(p + 1, 6, 0, 100), -1);
	int dir = xopen(".", L_O_RDONLY);
	CHECK(syscall3(__NR_getdents64, dir, (long)(p + PG), (long)PG) > 0);
	xclose(dir);
	/* write() from a mapping of the file being written. */
	uint8_t *q = xmmap(PG, PROT_READ, L_MAP_PRIVATE, fd, 0);
	CHECK_EQ(syscall4(__NR_pwrite64, fd, (long)q, (long)PG, (long)PG), (long)PG);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_a, (long)PG, (long)PG), (long)PG);
	CHECK_EQ(gen_diff(buf_a, 6, 0, PG), -1);
	xmunmap(q, PG);
	xmunmap(p, 4 * PG);
	xclose(fd);
}

/* The errors Linux gives, in its order. */
void test_mmap_errors(void)
{
	int fd = pattern_file("f", 7, PG);
	int ro = xopen("f", L_O_RDONLY), wo = xopen("f", L_O_WRONLY);
	int dir = xopen(".", L_O_RDONLY);
	long r;

	CHECK_EQ(raw_mmap(NULL, PG, PROT_READ, L_MAP_PRIVATE, 99, 0), -EBADF);
	CHECK_EQ(raw_mmap(NULL, PG, PROT_READ, L_MAP_PRIVATE, fd, 100), -EINVAL);
	CHECK_EQ(raw_mmap(NULL, PG, PROT_READ, L_MAP_PRIVATE, 99, 100), -EINVAL);
	CHECK_EQ(raw_mmap(NULL, 0, PROT_READ, L_MAP_PRIVATE, fd, 0), -EINVAL);
	CHECK_EQ(raw_mmap(NULL, PG, PROT_READ, 0, fd, 0), -EINVAL);
	CHECK_EQ(raw_mmap(NULL, PG, PROT_READ, L_MAP_PRIVATE, wo, 0), -EACCES);
	CHECK_EQ(raw_mmap(NULL, PG, PROT_READ | PROT_WRITE, L_MAP_SHARED, ro, 0), -EACCES);
	CHECK_EQ(raw_mmap(NULL, PG, PROT_READ, L_MAP_PRIVATE, dir, 0), -ENODEV);
	CHECK_EQ(raw_mmap(NULL, PG, PROT_READ, L_MAP_PRIVATE, fd, -(long)PG), -L_EOVERFLOW);
	/* Read-only fds map privately, writable too, and shared for reading. */
	r = raw_mmap(NULL, PG, PROT_READ | PROT_WRITE, L_MAP_PRIVATE, ro, 0);
	CHECK(r > 0);
	xmunmap((void *)r, PG);
	r = raw_mmap(NULL, PG, PROT_READ, L_MAP_SHARED, ro, 0);
	CHECK(r > 0);
	xmunmap((void *)r, PG);
	xclose(dir);
	xclose(wo);
	xclose(ro);
	xclose(fd);
}

/* /proc/self/maps names the file, its offset, device and inode, as Linux. */
void test_mmap_maps(void)
{
	int fd = pattern_file("mapped", 8, 3 * PG);
	uint8_t *p = xmmap(2 * PG, PROT_READ, L_MAP_PRIVATE, fd, (long)PG);
	struct linux_stat st = xstat("mapped");
	char want[L_PATH_MAX + 200], line[L_PATH_MAX + 200];
	int m = xopen("/proc/self/maps", L_O_RDONLY);
	long n = 0, r;

	while (n < BUF_SIZE - 1 && (r = syscall3(__NR_read, m, (long)buf_a + n, 4096)) > 0)
		n += r;
	buf_a[n] = 0;
	xclose(m);
	snprintf(want, sizeof(want), "%08lx-%08lx r--p %08lx %02x:%02x %lu", (unsigned long)p,
		 (unsigned long)p + 2 * PG, PG, (unsigned)((st.st_dev >> 8) & 0xfff),
		 (unsigned)((st.st_dev & 0xff) | ((st.st_dev >> 12) & 0xfff00)),
		 (unsigned long)st.st_ino);
	char *at = strstr((char *)buf_a, want);
	if (!at)
		FAIL("no line \"%s\" in:\n%s", want, (char *)buf_a);
	char *end = strchr(at, '\n');
	size_t len = end ? (size_t)(end - at) : strlen(at);
	memcpy(line, at, len);
	line[len] = 0;
	snprintf(want, sizeof(want), "%s/mapped", scratch_path);
	/* The name starts at column 73, as Linux pads it. */
	if (len < 73 || strcmp(line + 73, want))
		FAIL("maps line \"%s\": want the name %s at column 73", line, want);
	xmunmap(p, 2 * PG);
	xclose(fd);
}

/* Mapping, copying, sharing with a child, unlinking while mapped: every
 * page comes back. */
static void map_round(void)
{
	int fd = pattern_file("f", 9, 3 * PG + 7);
	uint8_t *p = xmmap(4 * PG, PROT_READ | PROT_WRITE, L_MAP_PRIVATE, fd, 0);
	long r = raw_mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, L_MAP_SHARED, fd, 0);
	uint8_t *s = (uint8_t *)r;

	CHECK(r > 0);
	p[0] = 1;
	(void)p[PG];
	s[2 * PG] = 2;
	xclose(fd);
	CHECK_EQ(sys_unlink("f"), 0);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		p[PG] = 3;
		_exit(p[0] == 1 ? 0 : 1);
	}
	expect_ok(reap(pid), "the child");
	CHECK_EQ(gen_diff(p + 2 * PG + 1, 9, 2 * PG + 1, PG + 6), -1);
	xmunmap(p, 4 * PG);
	xmunmap(s, 3 * PG);
}

void test_mmap_frees(void)
{
	long before, after;

	if (on_linux)
		return; /* Sluice's free page count */
	map_round();	/* the first use of each kmalloc size */
	before = sluice_free_pages();
	for (int i = 0; i < 20; i++)
		map_round();
	after = sluice_free_pages();
	if (before - after > 2)
		FAIL("%ld pages lost over 20 rounds of mapping", before - after);
}

/*
 * madvise(MADV_DONTNEED) gives anonymous memory back as zeros and a
 * private file mapping back as the file; msync checks its range; both
 * answer ENOMEM for a hole and EINVAL for what they do not know.
 */
void test_mmap_madvise_msync(void)
{
	int fd = pattern_file("f", 10, 2 * PG);
	uint8_t *p = xmmap(2 * PG, PROT_READ | PROT_WRITE, L_MAP_PRIVATE, fd, 0);
	uint8_t *a = xmmap(3 * PG, PROT_READ | PROT_WRITE, L_MAP_PRIVATE | L_MAP_ANON, -1, 0);

	p[5] = (uint8_t)(gen_byte(10, 5) + 1);
	a[PG + 7] = 9;
	CHECK_EQ(syscall3(__NR_madvise, (long)p, (long)(2 * PG), 4), 0);
	CHECK_EQ(p[5], gen_byte(10, 5));
	CHECK_EQ(syscall3(__NR_madvise, (long)a, (long)(3 * PG), 4), 0);
	CHECK_EQ(a[PG + 7], 0);
	CHECK_EQ(syscall3(__NR_madvise, (long)a, (long)PG, 3), 0); /* WILLNEED: a hint */
	CHECK_EQ(syscall3(__NR_madvise, (long)a + 1, (long)PG, 4), -EINVAL);
	if (!on_linux) /* Linux's answer; qemu-riscv64 takes every advice */
		CHECK_EQ(syscall3(__NR_madvise, (long)a, (long)PG, 7), -EINVAL);
	CHECK_EQ(syscall3(__NR_msync, (long)p, (long)(2 * PG), 4), 0);
	CHECK_EQ(syscall3(__NR_msync, (long)p, 1, 1), 0);
	CHECK_EQ(syscall3(__NR_msync, (long)p, (long)PG, 5), -EINVAL);
	CHECK_EQ(syscall3(__NR_msync, (long)p + 1, (long)PG, 4), -EINVAL);
	CHECK_EQ(syscall3(__NR_msync, (long)p, (long)PG, 8), -EINVAL);
	xmunmap(a + PG, PG);
	CHECK_EQ(syscall3(__NR_msync, (long)a, (long)(3 * PG), 4), -ENOMEM);
	if (!on_linux) /* madvise(2); qemu-riscv64 does not look */
		CHECK_EQ(syscall3(__NR_madvise, (long)a, (long)(3 * PG), 4), -ENOMEM);
	xmunmap(a, 3 * PG);
	xmunmap(p, 2 * PG);
	xclose(fd);
}

static long raw_mremap(void *a, unsigned long ol, unsigned long nl, long flags, void *na)
{
	return syscall5(__NR_mremap, (long)a, (long)ol, (long)nl, flags, (long)na);
}

/*
 * mremap: grow (the new part zeros, or the file), shrink, move with
 * MREMAP_MAYMOVE and to a place with MREMAP_FIXED, the pages going along;
 * Linux's errors.
 */
void test_mmap_mremap(void)
{
	int fd = pattern_file("f", 11, 4 * PG);
	uint8_t *a = xmmap(2 * PG, PROT_READ | PROT_WRITE, L_MAP_PRIVATE | L_MAP_ANON, -1, 0);
	uint8_t *wall = xmmap(PG, PROT_READ, L_MAP_PRIVATE | L_MAP_ANON, -1, 0);
	uint8_t *b;

	a[0] = 1, a[PG] = 2;
	/* The page after a is taken by wall only if the kernel put it there. */
	if (wall == a + 2 * PG)
		CHECK_EQ(raw_mremap(a, 2 * PG, 3 * PG, 0, NULL), -ENOMEM);
	b = (uint8_t *)raw_mremap(a, 2 * PG, 4 * PG, 1, NULL);
	CHECK((long)b > 0);
	CHECK(b[0] == 1 && b[PG] == 2 && b[3 * PG + 9] == 0);
	CHECK_EQ(raw_mremap(b, 4 * PG, PG, 0, NULL), (long)b); /* shrink */
	CHECK_EQ(syscall3(__NR_msync, (long)b + PG, (long)PG, 4), -ENOMEM);
	/* MREMAP_FIXED onto another mapping: it goes, b's page moves in. */
	uint8_t *c = xmmap(3 * PG, PROT_READ | PROT_WRITE, L_MAP_PRIVATE | L_MAP_ANON, -1, 0);
	CHECK_EQ(raw_mremap(b, PG, PG, 3, c + PG), (long)(c + PG));
	CHECK_EQ(c[PG], 1);
	CHECK_EQ(syscall3(__NR_msync, (long)b, (long)PG, 4), -ENOMEM);
	/* A file mapping grows into the rest of the file. */
	uint8_t *f = xmmap(2 * PG, PROT_READ, L_MAP_PRIVATE, fd, (long)PG);
	(void)f[0];
	uint8_t *g = (uint8_t *)raw_mremap(f, 2 * PG, 3 * PG, 1, NULL);
	CHECK((long)g > 0);
	CHECK_EQ(gen_diff(g, 11, PG, 3 * PG), -1);
	/* Errors. */
	CHECK_EQ(raw_mremap(g, PG, PG, 8, NULL), -EINVAL);
	CHECK_EQ(raw_mremap(g, PG, 2 * PG, 2, c), -EINVAL);
	CHECK_EQ(raw_mremap(g + 1, PG, 2 * PG, 1, NULL), -EINVAL);
	if (!on_linux) /* Linux's mremap(2); qemu-riscv64 answers ENOMEM */
		CHECK_EQ(raw_mremap(g, PG, 0, 1, NULL), -EINVAL);
	CHECK_EQ(raw_mremap(g, 2 * PG, 2 * PG, 3, g + PG), -EINVAL); /* overlapping */
	xmunmap(wall, PG);
	CHECK_EQ(raw_mremap(wall, PG, 2 * PG, 1, NULL), -EFAULT); /* nothing there */
	xmunmap(g, 3 * PG);
	xmunmap(c, 3 * PG);
	xclose(fd);
}

/*
 * Stores through a shared mapping reach the disk: after fsync, sync, and
 * the last munmap and close, with the block cache emptied (Sluice's
 * sluice_drop_caches), the file reads back what was stored.
 */
void test_mmap_shared_durable(void)
{
	int fd = pattern_file("f", 12, 2 * PG + 100);
	uint8_t *p = xmmap(3 * PG, PROT_READ | PROT_WRITE, L_MAP_SHARED, fd, 0);

	memcpy(p + 10, "first", 5);
	memcpy(p + 2 * PG + 50, "tail", 4);
	CHECK_EQ(syscall1(__NR_fsync, fd), 0);
	memcpy(p + PG + 7, "second", 6); /* after the fsync: msync, sync, or the last close */
	CHECK_EQ(syscall3(__NR_msync, (long)p, (long)(3 * PG), 4 /* MS_SYNC */), 0);
	syscall0(__NR_sync);
	xmunmap(p, 3 * PG);
	xclose(fd);
	if (!on_linux)
		CHECK_EQ(syscall0(__NR_sluice_drop_caches), 0);
	fd = xopen("f", L_O_RDONLY);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_a, (long)(3 * PG), 0), (long)(2 * PG + 100));
	CHECK(!memcmp(buf_a + 10, "first", 5));
	CHECK(!memcmp(buf_a + PG + 7, "second", 6));
	CHECK(!memcmp(buf_a + 2 * PG + 50, "tail", 4));
	CHECK_EQ(gen_diff(buf_a + 2 * PG + 54, 12, 2 * PG + 54, 46), -1);
	xclose(fd);
}

/*
 * mincore of a file mapping: a page of the file is in memory if the
 * file's cache holds it, touched through this mapping or not (written a
 * moment ago, it is); the page past the end of the file is not.
 */
void test_mmap_mincore(void)
{
	int fd = pattern_file("f", 13, 2 * PG + 10);
	uint8_t *p = xmmap(4 * PG, PROT_READ, L_MAP_SHARED, fd, 0);
	unsigned char vec[4];

	memset(vec, 0x55, sizeof(vec));
	CHECK_EQ(syscall3(__NR_mincore, (long)p, (long)(4 * PG), (long)vec), 0);
	CHECK_EQ(vec[0] & 1, 1);
	CHECK_EQ(vec[1] & 1, 1);
	CHECK_EQ(vec[2] & 1, 1);
	CHECK_EQ(vec[3], 0);
	CHECK_EQ(p[PG], gen_byte(13, PG));
	CHECK_EQ(syscall3(__NR_mincore, (long)p, (long)(2 * PG), (long)vec), 0);
	CHECK_EQ(vec[1] & 1, 1);
	xmunmap(p, 4 * PG);
	xclose(fd);
}

/*
 * truncate takes the pages past the new end away from every mapping of
 * the file, shared and private (a private copy too): touching them then
 * is SIGBUS, as on Linux; the page holding the new end stays, zeros past
 * it.  Growing the file again brings zeros back, not the old bytes.
 */
void test_mmap_truncate(void)
{
	int fd = pattern_file("f", 14, 4 * PG);
	uint8_t *s = xmmap(4 * PG, PROT_READ | PROT_WRITE, L_MAP_SHARED, fd, 0);
	uint8_t *p = xmmap(4 * PG, PROT_READ | PROT_WRITE, L_MAP_PRIVATE, fd, 0);

	CHECK_EQ(s[3 * PG], gen_byte(14, 3 * PG)); /* mapped now */
	CHECK_EQ(p[2 * PG + 1], gen_byte(14, 2 * PG + 1));
	p[3 * PG] = 0x77; /* a private copy of the last page */
	CHECK_EQ(syscall2(__NR_ftruncate, fd, (long)(PG + 100)), 0);
	expect_sigbus(s + 3 * PG, false);
	expect_sigbus(s + 2 * PG + 1, true);
	expect_sigbus(p + 2 * PG + 1, false);
	expect_sigbus(p + 3 * PG, false); /* the copy went too */
	CHECK_EQ(s[PG + 99], gen_byte(14, PG + 99));
	CHECK_EQ(s[PG + 100], 0);
	CHECK_EQ(p[PG + 100], 0);
	/* A store past the end, in the page holding it, is not the file's:
	 * a disk file system's write-back zeroes it (Linux's, and ext2's
	 * here), so growing the file shows zeros there.  A RAM file system
	 * has no write-back: there it stays (tmpfs's answer varies). */
	struct statfs st;
	CHECK_EQ(statfs(".", &st), 0);
	bool disk = st.f_type != 0x858458f6 && st.f_type != 0x01021994; /* ramfs, tmpfs */
	if (disk)
		s[PG + 200] = 0x5a;
	CHECK_EQ(syscall3(__NR_msync, (long)s, (long)(2 * PG), 4 /* MS_SYNC */), 0);
	CHECK_EQ(syscall2(__NR_ftruncate, fd, (long)(4 * PG)), 0);
	CHECK_EQ(s[3 * PG], 0); /* zeros where the old bytes were */
	CHECK_EQ(p[2 * PG + 1], 0);
	CHECK_EQ(s[PG + 200], 0);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_a, 1, (long)(PG + 200)), 1);
	CHECK_EQ(buf_a[0], 0);
	xmunmap(p, 4 * PG);
	xmunmap(s, 4 * PG);
	xclose(fd);
}

/* getrusage(RUSAGE_SELF)'s ru_minflt + ru_majflt, and its ru_inblock. */
static long faults_so_far(long *majflt, long *inblock)
{
	long ru[18];

	CHECK_EQ(syscall2(__NR_getrusage, 0, (long)ru), 0);
	*majflt = ru[9];
	*inblock = ru[11];
	return ru[8] + ru[9];
}

/*
 * Faults as getrusage counts them: a first store into a page of a private
 * file mapping is one fault (the copy is made at once, as Linux's
 * do_cow_fault; it took a read fault and then a copy-on-write one
 * before); a first load maps its cached neighbours too (fault-around, 16
 * pages, as Linux): 4 stores and then 4 loads are 5 faults, on Linux too.
 * With the caches emptied (Sluice's sluice_drop_caches), a file system on
 * a disk reads each page back: 8 major faults, ru_inblock grown (nothing
 * is cached to map around); a RAM one keeps its pages: 1 minor fault.
 */
void test_mmap_fault_counts(void)
{
	long maj0, maj1, in0, in1;
	int fd = pattern_file("f", 14, 8 * PG);
	uint8_t *p = xmmap(8 * PG, PROT_READ | PROT_WRITE, L_MAP_PRIVATE, fd, 0);
	volatile uint8_t sum = 0;

	long f0 = faults_so_far(&maj0, &in0);
	for (int i = 0; i < 4; i++)
		p[i * PG + 1] = 0xee; /* the first touch is a store */
	for (int i = 4; i < 8; i++)
		sum += p[i * PG];
	long f1 = faults_so_far(&maj1, &in1);
	if (!on_linux) /* qemu-riscv64 reports its host process's faults */
		CHECK_EQ(f1 - f0, 5);
	CHECK_EQ(p[1], 0xee);
	CHECK_EQ(p[2], gen_byte(14, 2));
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_a, 2, 0), 2);
	CHECK_EQ(buf_a[1], gen_byte(14, 1)); /* the store is the mapping's only */
	xmunmap(p, 8 * PG);
	xclose(fd);
	if (on_linux)
		return;

	/* Closed and clean: nothing holds the cached pages any more. */
	syscall0(__NR_sync);
	CHECK_EQ(syscall0(__NR_sluice_drop_caches), 0);
	fd = xopen("f", L_O_RDONLY);
	p = xmmap(8 * PG, PROT_READ, L_MAP_PRIVATE, fd, 0);
	f0 = faults_so_far(&maj0, &in0);
	for (int i = 0; i < 8; i++)
		sum += p[i * PG];
	f1 = faults_so_far(&maj1, &in1);
	if (in1 > in0) { /* a disk: each page read by its own fault */
		CHECK_EQ(f1 - f0, 8);
		CHECK_EQ(maj1 - maj0, 8);
	} else { /* in memory: one fault maps them all */
		CHECK_EQ(f1 - f0, 1);
		CHECK_EQ(maj1, maj0);
	}
	CHECK_EQ(p[PG + 3], gen_byte(14, PG + 3));
	xmunmap(p, 8 * PG);
	xclose(fd);
	(void)sum;
}

/*
 * sync writes an open file's dirty pages, also those written before its
 * last close and open again (on ext2 they waited in the parked cache the
 * close left, and the open took them back off sync's list: sync missed
 * them while the file stayed open).  Shown through the caches: once
 * clean, sluice_drop_caches lets the pages go and a read goes to the disk
 * (ru_inblock grows).  On a RAM file system there is no disk to show it.
 */
void test_sync_reopened_file(void)
{
	long maj, in0, in1;
	struct {
		long type, rest[15];
	} st;

	make_file("f", 15, 8 * PG); /* written, closed: dirty pages parked */
	int fd = xopen("f", L_O_RDONLY);
	syscall0(__NR_sync);
	if (on_linux || syscall2(__NR_fstatfs, fd, (long)&st) != 0 || st.type != 0xef53) {
		xclose(fd); /* not ext2 (or the host): nothing more to see */
		return;
	}
	CHECK_EQ(syscall0(__NR_sluice_drop_caches), 0);
	faults_so_far(&maj, &in0);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_a, (long)(8 * PG), 0), (long)(8 * PG));
	faults_so_far(&maj, &in1);
	CHECK(in1 > in0); /* read from the disk: sync had written them */
	CHECK_EQ(gen_diff(buf_a, 15, 0, 8 * PG), -1);
	xclose(fd);
}

/* Read requests the disk has completed (/proc/diskstats' vda line), or -1. */
static long disk_reads(void)
{
	static char text[1024];
	int fd = (int)sys_open("/proc/diskstats", L_O_RDONLY, 0);
	long n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;

	if (fd >= 0)
		xclose(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	char *vda = strstr(text, " vda ");
	return vda ? strtol(vda + 5, NULL, 10) : -1;
}

/*
 * Read-ahead: a file read from its start a page at a time, not in any
 * cache, comes from the disk 32 KiB a request, not a page a request (64
 * requests for these 64 pages before; about a dozen now, its metadata
 * and the page an indirect block splits included).  ext2 only.
 */
void test_readahead(void)
{
	struct {
		long type, rest[15];
	} st;

	make_file("ra", 16, 64 * PG);
	int fd = xopen("ra", L_O_RDONLY);
	if (on_linux || syscall2(__NR_fstatfs, fd, (long)&st) != 0 || st.type != 0xef53) {
		xclose(fd);
		return;
	}
	xclose(fd);
	syscall0(__NR_sync);
	CHECK_EQ(syscall0(__NR_sluice_drop_caches), 0);
	fd = xopen("ra", L_O_RDONLY);
	long r0 = disk_reads();
	for (int i = 0; i < 64; i++) {
		CHECK_EQ(syscall4(__NR_pread64, fd, (long)buf_a, (long)PG, (long)i * PG), (long)PG);
		CHECK_EQ(gen_diff(buf_a, 16, (uint64_t)i * PG, PG), -1);
	}
	long r1 = disk_reads();
	printf("  readahead: 64 pages in %ld read requests\n", r1 - r0);
	CHECK(r0 >= 0 && r1 - r0 <= 24);
	xclose(fd);
}
