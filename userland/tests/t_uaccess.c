/*
 * t_uaccess.c - the kernel's user-memory helpers seen from user space:
 * partial clears at an unmapped page, and long copies interrupted and
 * preempted.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "usertests.h"

/* A page of p mapped, the next one not. */
static char *page_before_hole(void)
{
	char *p = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);

	CHECK(p != MAP_FAILED);
	CHECK_EQ(munmap(p + PAGE_SIZE, PAGE_SIZE), 0);
	return p;
}

/*
 * read() of /dev/zero that runs into an unmapped page clears up to it and
 * says how much, as Linux's read_zero does; with nothing cleared, EFAULT.
 */
void test_dev_zero_edge(void)
{
	char *p = page_before_hole();
	long fd = syscall4(__NR_openat, -100, (long)"/dev/zero", 0 /* O_RDONLY */, 0);

	CHECK(fd >= 0);
	memset(p, 'x', PAGE_SIZE);
	CHECK_EQ(syscall3(__NR_read, fd, (long)p + 3, PAGE_SIZE - 6), PAGE_SIZE - 6);
	CHECK(p[2] == 'x' && p[3] == 0 && p[PAGE_SIZE - 4] == 0 && p[PAGE_SIZE - 3] == 'x');
	memset(p, 'x', PAGE_SIZE);
	/* qemu-riscv64 (the -l reference) checks the whole buffer first: EFAULT. */
	if (!on_linux) {
		CHECK_EQ(syscall3(__NR_read, fd, (long)p + PAGE_SIZE - 101, 300), 101);
		CHECK(p[PAGE_SIZE - 102] == 'x' && p[PAGE_SIZE - 101] == 0 &&
		      p[PAGE_SIZE - 1] == 0);
	}
	CHECK_EQ(syscall3(__NR_read, fd, (long)p + PAGE_SIZE, 8), -EFAULT);
	CHECK_EQ(syscall1(__NR_close, fd), 0);
	CHECK_EQ(munmap(p, PAGE_SIZE), 0);
}

static void spin(void)
{
	for (volatile unsigned long i = 0;; i++)
		;
}

/* len bytes of fresh anonymous memory: each page faults in on first touch. */
static char *fresh(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	return p;
}

/*
 * One round of long copies, each into or out of pages that are not there
 * yet, so the copy helpers take page faults: a clear (read of /dev/zero),
 * a copy in (pwrite) and a copy out (pread).
 */
static void copy_round(long zero, long fd, size_t len, unsigned int round)
{
	char *a = fresh(len), *b = fresh(len);

	CHECK_EQ(syscall3(__NR_read, zero, (long)a, len), len);
	for (size_t i = 0; i < len; i += PAGE_SIZE / 4)
		a[i] = (char)(i / 7 + round);
	CHECK_EQ(syscall4(__NR_pwrite64, fd, (long)a, len, 0), len);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)b, len, 0), len);
	CHECK(memcmp(a, b, len) == 0);
	CHECK_EQ(munmap(a, len), 0);
	CHECK_EQ(munmap(b, len), 0);
}

/*
 * Long copies with a spinning process beside them, for 0.3 s: ticks and
 * preemptions land inside the copy helpers, as do their page faults.  The
 * kernel checks that user memory is closed (sstatus.SUM clear) in every
 * trap handler and after every switch, and prints "BUG:" if not, which
 * fails the QEMU case; here the copies must simply come out right.
 */
void test_copy_preempt(void)
{
	enum { LEN = 256 * 1024 };
	static const char name[] = "uaccess-copies.tmp";
	int spinner = spawn(spin);
	long zero = syscall4(__NR_openat, -100, (long)"/dev/zero", 0 /* O_RDONLY */, 0);
	long fd = syscall4(__NR_openat, -100, (long)name,
			   2 /* O_RDWR */ | LINUX_O_CREAT | LINUX_O_TRUNC, 0600);
	long end = now_ms() + 300;

	CHECK(zero >= 0 && fd >= 0);
	for (unsigned int round = 0; round < 4 || now_ms() < end; round++)
		copy_round(zero, fd, LEN, round);
	CHECK_EQ(kill(spinner, SIGKILL), 0);
	reap(spinner);
	CHECK_EQ(syscall1(__NR_close, fd), 0);
	CHECK_EQ(syscall1(__NR_close, zero), 0);
	CHECK_EQ(syscall3(__NR_unlinkat, -100, (long)name, 0), 0);
}
