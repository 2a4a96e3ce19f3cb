/*
 * t_uaccess.c - the kernel's user-memory helpers seen from user space:
 * partial clears at an unmapped page.
 */
#include <errno.h>
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
