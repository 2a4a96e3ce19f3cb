/*
 * What the kernel's pure code needs from the rest of the kernel, for host
 * tests: printk goes to stdout; panic prints and aborts, unless a test has
 * armed host_expect_panic, in which case it longjmps back to the test.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "host_stubs.h"

jmp_buf *host_expect_panic;
uintptr_t host_phys_to_virt_offset;

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;
	printf("panic: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (host_expect_panic) {
		jmp_buf *env = host_expect_panic;
		host_expect_panic = NULL;
		longjmp(*env, 1);
	}
	abort();
}

/* The block cache counts a process's reads (getrusage's ru_inblock):
 * no process here. */
__attribute__((weak)) void proc_account_inblock(uint64_t sectors)
{
	(void)sectors;
}
