/*
 * mem.c - the program break and mappings.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "syscall.h"

/*
 * The break as last set through brk()/sbrk(), 0 before the first call.
 * Cached so that sbrk(n) is one system call; a program that moves the
 * break with a raw syscall(__NR_brk) must not mix in sbrk.  fork copies
 * it along with the break itself.
 */
static uintptr_t cur_brk;

/*
 * Ask the kernel to move the break to want (0: only report it).  Its
 * brk(addr) is Linux's: it returns the new break, or the unchanged old one
 * when it cannot move it.
 */
static int call_brk(uintptr_t want)
{
	long r = syscall1(__NR_brk, (long)want);

	if (r < 0 && r >= -4095) { /* a kernel without brk: -ENOSYS */
		errno = errno_from_linux((int)-r);
		return -1;
	}
	cur_brk = (uintptr_t)r;
	return 0;
}

int brk(void *addr)
{
	if (call_brk((uintptr_t)addr) < 0)
		return -1;
	if (cur_brk != (uintptr_t)addr) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void *sbrk(ptrdiff_t incr)
{
	uintptr_t old;

	if (!cur_brk && call_brk(0) < 0)
		return (void *)-1;
	old = cur_brk;
	if (incr == 0)
		return (void *)old;
	/* Wrapping around either end of the address space is no memory. */
	if ((incr > 0 && old + (uintptr_t)incr < old) || (incr < 0 && (uintptr_t)-incr > old)) {
		errno = ENOMEM;
		return (void *)-1;
	}
	if (brk((void *)(old + (uintptr_t)incr)) < 0)
		return (void *)-1;
	return (void *)old;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	/* Failure comes back as -1, which is MAP_FAILED. */
	return (void *)syscall_result(
		syscall6(__NR_mmap, (long)addr, (long)len, prot, flags, fd, off));
}

int munmap(void *addr, size_t len)
{
	return (int)syscall_result(syscall2(__NR_munmap, (long)addr, (long)len));
}

int mprotect(void *addr, size_t len, int prot)
{
	return (int)syscall_result(syscall3(__NR_mprotect, (long)addr, (long)len, prot));
}
