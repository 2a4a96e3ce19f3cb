/*
 * t_mem.c - the user address space: the break, anonymous and fixed
 * mappings, protections, and the faults that must become signals.
 *
 * The fault tests end by a signal when they pass (the table names it); if
 * the access does not fault they return, and the harness reports the exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "usertests.h"

static uintptr_t page_up(uintptr_t a)
{
	return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static bool all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* A fresh anonymous read-write private mapping of n bytes. */
static char *map_rw(size_t n)
{
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	CHECK_EQ((uintptr_t)p % PAGE_SIZE, 0);
	return p;
}

void test_brk_grow_shrink(void)
{
	size_t n = 3 * PAGE_SIZE + 123;
	char *start = sbrk(0), *p, *fresh;

	CHECK(start != (void *)-1);
	CHECK_EQ(syscall1(__NR_brk, 0), start);
	p = sbrk((intptr_t)n);
	CHECK_EQ(p, start);
	CHECK_EQ(sbrk(0), start + n);
	CHECK_EQ(syscall1(__NR_brk, 0), start + n);
	/*
	 * Whole pages above the one holding the old break are new and zero
	 * (that one may hold bytes from an earlier break).
	 */
	fresh = (char *)page_up((uintptr_t)start);
	CHECK(all_zero(fresh, (size_t)(start + n - fresh)));
	memset(p, 0xa5, n);
	for (size_t i = 0; i < n; i += 97)
		CHECK_EQ((unsigned char)p[i], 0xa5);

	/* Shrink: the pages go back; growing again must give zeroes. */
	CHECK_EQ(sbrk(-(intptr_t)n), start + n);
	CHECK_EQ(sbrk(0), start);
	CHECK_EQ(sbrk((intptr_t)n), start);
	CHECK(all_zero(fresh, (size_t)(start + n - fresh)));
	CHECK_EQ(brk(start), 0);
	CHECK_EQ(sbrk(0), start);
}

void test_brk_bad(void)
{
	long cur = syscall1(__NR_brk, 0);

	CHECK(cur > 0);
	/*
	 * A refused brk returns the break unchanged.  (qemu-riscv64 7.2, for
	 * reference runs, refuses every brk after one to PAST_USER.)
	 */
	if (!on_linux)
		CHECK_EQ(syscall1(__NR_brk, PAST_USER), cur);
	CHECK_EQ(syscall1(__NR_brk, KERNEL_HALF), cur);
	CHECK_EQ(syscall1(__NR_brk, LOW_UNMAPPED), cur); /* below the program */
	CHECK_EQ(syscall1(__NR_brk, 0), cur);
	errno = 0;
	CHECK(sbrk(1L << 40) == (void *)-1); /* more than Sv39's user half */
	CHECK_EQ(errno, ENOMEM);
	CHECK_EQ(sbrk(0), cur);
}

void test_malloc_big(void)
{
	enum { N = 8, SIZE = 256 * 1024 };
	unsigned char *p[N], *big;

	for (int i = 0; i < N; i++) {
		p[i] = malloc(SIZE);
		CHECK(p[i] != NULL);
		memset(p[i], i + 1, SIZE);
	}
	for (int i = 0; i < N; i++)
		for (int j = 0; j < SIZE; j += 4093)
			CHECK_EQ(p[i][j], i + 1);
	for (int i = 0; i < N; i++)
		free(p[i]);
	big = malloc(4 << 20);
	CHECK(big != NULL);
	memset(big, 0x3c, 4 << 20);
	CHECK_EQ(big[(4 << 20) - 1], 0x3c);
	free(big);
}

void test_mmap_anon(void)
{
	size_t n = 3 * PAGE_SIZE;
	char *p = map_rw(n), *q = map_rw(PAGE_SIZE);

	CHECK(all_zero(p, n));
	CHECK(all_zero(q, PAGE_SIZE));
	CHECK(q + PAGE_SIZE <= p || q >= p + n); /* no overlap */
	memset(p, 0x11, n);
	memset(q, 0x22, PAGE_SIZE);
	CHECK_EQ(p[0], 0x11);
	CHECK_EQ(p[n - 1], 0x11);
	CHECK_EQ(q[PAGE_SIZE - 1], 0x22);
	CHECK_EQ(munmap(p, n), 0);
	CHECK_EQ(munmap(q, PAGE_SIZE), 0);
	/* A length that is not a page multiple covers the last page too. */
	p = map_rw(100);
	p[PAGE_SIZE - 1] = 1;
	CHECK_EQ(munmap(p, 100), 0);
}

void test_mmap_fixed(void)
{
	/* Find a free place: map, unmap, then ask for it by address. */
	char *hole = map_rw(4 * PAGE_SIZE), *p;

	CHECK_EQ(munmap(hole, 4 * PAGE_SIZE), 0);
	p = mmap(hole + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	CHECK_EQ(p, hole + PAGE_SIZE);
	CHECK(all_zero(p, 2 * PAGE_SIZE));
	memset(p, 0x33, 2 * PAGE_SIZE);

	/* MAP_FIXED over a mapping replaces that part with fresh zeroes. */
	CHECK_EQ(mmap(p + PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0),
		 p + PAGE_SIZE);
	CHECK_EQ(p[0], 0x33);
	CHECK_EQ(p[PAGE_SIZE - 1], 0x33);
	CHECK(all_zero(p + PAGE_SIZE, PAGE_SIZE));
	CHECK_EQ(munmap(p, 2 * PAGE_SIZE), 0);
}

static long raw_mmap(unsigned long addr, unsigned long len, long prot, long flags, long fd)
{
	return syscall6(__NR_mmap, (long)addr, (long)len, prot, flags, fd, 0);
}

void test_mmap_bad(void)
{
	long rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
	long r;

	CHECK_EQ(raw_mmap(0, 0, rw, anon, -1), -EINVAL);
	CHECK_EQ(raw_mmap(0, PAGE_SIZE, rw, MAP_ANONYMOUS, -1), -EINVAL); /* private or shared? */
	CHECK_EQ(raw_mmap(0x20000001, PAGE_SIZE, rw, anon | MAP_FIXED, -1), -EINVAL);
	CHECK_EQ(raw_mmap(0, 1ul << 50, rw, anon, -1), -ENOMEM);
	CHECK_EQ(raw_mmap(0, PAGE_SIZE, rw, MAP_PRIVATE, -1), -EBADF); /* a file, no fd */
	/* Into the kernel half: Linux says ENOMEM; EINVAL is as good an answer. */
	r = raw_mmap(KERNEL_HALF, PAGE_SIZE, rw, anon | MAP_FIXED, -1);
	CHECK(r == -ENOMEM || r == -EINVAL);
	/* Across the end of Sv39's user half (Sv48 Linux would allow it). */
	if (!on_linux) {
		r = raw_mmap(PAST_USER - PAGE_SIZE, 2 * PAGE_SIZE, rw, anon | MAP_FIXED, -1);
		CHECK(r == -ENOMEM || r == -EINVAL);
	}

	CHECK_EQ(syscall2(__NR_munmap, 0x20000001, PAGE_SIZE), -EINVAL);
	CHECK_EQ(syscall2(__NR_munmap, 0x20000000, 0), -EINVAL);
	CHECK_EQ(syscall3(__NR_mprotect, 0x20000001, PAGE_SIZE, PROT_READ), -EINVAL);
	/* Unmapping nothing is fine. */
	CHECK_EQ(syscall2(__NR_munmap, 0x20000000, PAGE_SIZE), 0);
}

/*
 * Lengths whose rounding to pages, or whose sum with the address, wraps
 * past 2^64: Linux's answers (ENOMEM: no such memory; munmap's EINVAL),
 * and nothing is changed.  Not on Linux: qemu-riscv64 emulates these
 * calls itself and aborts on them (7.2).
 */
void test_mm_wrap(void)
{
	long rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
	long cur = syscall1(__NR_brk, 0);
	volatile char *p;

	if (on_linux)
		return;
	CHECK_EQ(raw_mmap(0, ~0ul, rw, anon, -1), -ENOMEM); /* rounds up to 0 */
	CHECK_EQ(raw_mmap(0, ~0ul - PAGE_SIZE + 2, rw, anon, -1), -ENOMEM);
	p = map_rw(2 * PAGE_SIZE);
	CHECK_EQ(syscall3(__NR_mprotect, (long)p, ~0ul, PROT_READ), -ENOMEM);
	CHECK_EQ(syscall3(__NR_mprotect, (long)p, -(long)p, PROT_READ), -ENOMEM); /* to 2^64 */
	CHECK_EQ(syscall3(__NR_mprotect, (long)p, 1ul << 62, PROT_READ), -ENOMEM);
	CHECK_EQ(syscall2(__NR_munmap, (long)p, ~0ul), -EINVAL);
	CHECK_EQ(syscall2(__NR_munmap, (long)p, -(long)p), -EINVAL);
	CHECK_EQ(syscall2(__NR_munmap, (long)p, 1ul << 62), -EINVAL);
	p[0] = 1; /* still mapped, still writable */
	p[PAGE_SIZE] = 2;
	CHECK_EQ(syscall1(__NR_brk, ~0ul), cur);
	CHECK_EQ(syscall1(__NR_brk, -(long)PAGE_SIZE), cur);
}

void test_munmap_fault(void)
{
	volatile char *p = map_rw(PAGE_SIZE);

	p[10] = 1;
	CHECK_EQ(munmap((void *)p, PAGE_SIZE), 0);
	(void)p[10]; /* SIGSEGV */
}

void test_mprotect_ro(void)
{
	volatile char *p = map_rw(2 * PAGE_SIZE);

	p[0] = 5;
	p[PAGE_SIZE] = 6;
	CHECK_EQ(mprotect((void *)p, PAGE_SIZE, PROT_READ), 0);
	CHECK_EQ(p[0], 5); /* still readable */
	p[PAGE_SIZE] = 7;  /* the second page is still writable */
	p[0] = 1;	   /* SIGSEGV */
}

void test_text_store(void)
{
	volatile unsigned int *code = (volatile unsigned int *)(uintptr_t)&test_text_store;

	*code = 0; /* SIGSEGV */
}

void test_rodata_store(void)
{
	static const char ro[] = "read-only";
	volatile char *p = (volatile char *)(uintptr_t)ro;

	*p = 'R'; /* SIGSEGV */
}

/* Through a volatile pointer, so GCC emits the access, not a trap. */
static void load_from(unsigned long addr)
{
	volatile long *volatile p = (volatile long *)addr;

	(void)*p;
}

static void store_to(unsigned long addr)
{
	volatile long *volatile p = (volatile long *)addr;

	*p = 1;
}

void test_null_load(void)
{
	load_from(0); /* SIGSEGV */
}

void test_kernel_load(void)
{
	load_from(KERNEL_IMAGE); /* mapped for the kernel, not for us: SIGSEGV */
}

void test_kernel_store(void)
{
	store_to(KERNEL_HALF); /* SIGSEGV */
}

/* A function that is just `ret`: 0x8082 is c.jr ra; 0x00008067 is jalr x0, ra. */
static const uint32_t ret_insn = 0x00008067;

void test_exec_nx(void)
{
	char *p = map_rw(PAGE_SIZE);
	void (*fn)(void) = (void (*)(void))(uintptr_t)p;

	memcpy(p, &ret_insn, sizeof(ret_insn));
	fn(); /* not executable: SIGSEGV */
}

void test_exec_data(void)
{
	static uint32_t code[4];
	void (*fn)(void) = (void (*)(void))(uintptr_t)code;

	code[0] = ret_insn;
	fn(); /* the data segment is not executable: SIGSEGV */
}

void test_illegal_insn(void)
{
	__asm__ volatile("unimp"); /* SIGILL */
}

void test_ebreak(void)
{
	__asm__ volatile("ebreak"); /* SIGTRAP */
}

/*
 * A misaligned atomic: the hardware (QEMU, like real harts) traps it where
 * it could split plain loads and stores: SIGBUS.
 */
void test_misaligned_amo(void)
{
	static uint64_t words[2];
	volatile uint32_t *p = (volatile uint32_t *)((char *)words + 1);
	uint32_t old;

	__asm__ volatile("amoadd.w %0, %2, (%1)" : "=r"(old) : "r"(p), "r"(1) : "memory");
	(void)old;
}

/*
 * Touch more memory than the machine has: the kernel runs out of pages in
 * the middle of a page fault, kills this process (SIGKILL, as an
 * out-of-memory killer does) and survives; the parent then goes on, and
 * init's leak check proves every page came back.
 */
void test_out_of_memory(void)
{
	const size_t len = 1ul << 32; /* 4 GiB: more than any test machine has */

	/* A reference run would eat the host's memory: not tried there. */
	if (on_linux) {
		printf("  out_of_memory: not on a Linux host\n");
		kill(getpid(), SIGKILL);
	}
	volatile char *p = (volatile char *)raw_mmap(0, len, PROT_READ | PROT_WRITE,
						     MAP_PRIVATE | MAP_ANONYMOUS, -1);

	CHECK((long)p > 0);
	for (size_t off = 0; off < len; off += 4096)
		p[off] = 1;
	CHECK(!"touched 4 GiB without running out of memory");
}

/*
 * mincore: a byte per page, bit 0 set for a page in memory; a page never
 * touched is not.  Errors as Linux's: EINVAL for an unaligned address,
 * ENOMEM for a range that meets an unmapped page (the bytes before it
 * written) or leaves user space, EFAULT for a vector it cannot write.
 */
void test_mincore(void)
{
	unsigned char vec[8];
	char *p = map_rw(4 * PAGE_SIZE);

	p[0] = 1;
	p[2 * PAGE_SIZE] = 1;
	memset(vec, 0x55, sizeof(vec));
	CHECK_EQ(syscall3(__NR_mincore, (long)p, 4 * PAGE_SIZE, (long)vec), 0);
	CHECK_EQ(vec[0] & 1, 1);
	CHECK_EQ(vec[1], 0);
	CHECK_EQ(vec[2] & 1, 1);
	CHECK_EQ(vec[3], 0);
	CHECK_EQ(vec[4], 0x55); /* only as many bytes as pages */
	/* A length that is not a whole number of pages counts the part. */
	memset(vec, 0x55, sizeof(vec));
	CHECK_EQ(syscall3(__NR_mincore, (long)p, PAGE_SIZE + 1, (long)vec), 0);
	CHECK_EQ(vec[1], 0);
	CHECK_EQ(vec[2], 0x55);
	CHECK_EQ(syscall3(__NR_mincore, (long)p, 0, (long)vec), 0);
	CHECK_EQ(syscall3(__NR_mincore, (long)p + 1, PAGE_SIZE, (long)vec), -EINVAL);
	CHECK_EQ(syscall3(__NR_mincore, (long)p, 4 * PAGE_SIZE, 0), -EFAULT);
	CHECK_EQ(syscall3(__NR_mincore, (long)p, 4 * PAGE_SIZE, (long)KERNEL_HALF), -EFAULT);
	CHECK_EQ(syscall3(__NR_mincore, (long)p, 1ul << 62, (long)vec), -ENOMEM);
	/* A hole at the end: ENOMEM, after the pages before it are told. */
	CHECK_EQ(syscall2(__NR_munmap, (long)(p + 3 * PAGE_SIZE), PAGE_SIZE), 0);
	memset(vec, 0x55, sizeof(vec));
	CHECK_EQ(syscall3(__NR_mincore, (long)p, 4 * PAGE_SIZE, (long)vec), -ENOMEM);
	CHECK_EQ(vec[0] & 1, 1);
	CHECK_EQ(syscall3(__NR_mincore, (long)(p + 3 * PAGE_SIZE), PAGE_SIZE, (long)vec), -ENOMEM);
	CHECK_EQ(syscall2(__NR_munmap, (long)p, 3 * PAGE_SIZE), 0);
}

/* getrusage(RUSAGE_SELF)'s minor faults. */
static long minor_faults(void)
{
	long ru[18];

	CHECK_EQ(syscall2(__NR_getrusage, 0, (long)ru), 0);
	return ru[8];
}

/* Resident pages, as /proc/self/statm's second field says. */
static long resident_pages(void)
{
	char buf[128];
	int fd = open("/proc/self/statm", O_RDONLY);
	long n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	CHECK(n > 0);
	close(fd);
	buf[n] = '\0';
	return strtol(strchr(buf, ' ') + 1, NULL, 10);
}

/* Every page of n bytes at p reads as zero (one word of each, and whole
 * pages now and then). */
static bool pages_zero(const char *p, size_t n)
{
	for (size_t off = 0; off < n; off += PAGE_SIZE)
		if (*(const volatile long *)(p + off) ||
		    (off % (64 * PAGE_SIZE) == 0 && !all_zero(p + off, PAGE_SIZE)))
			return false;
	return true;
}

#define ZP_BYTES (16ul << 20)

/* In a child: a fresh mapping reads as zero everywhere, and its first
 * stores make pages of its own. */
static void zero_page_child(void)
{
	char *q = map_rw(ZP_BYTES);

	CHECK(pages_zero(q, ZP_BYTES));
	q[3 * PAGE_SIZE] = 5;
	CHECK(pages_zero(q + 4 * PAGE_SIZE, ZP_BYTES - 4 * PAGE_SIZE));
	_exit(0);
}

/*
 * zero_page: reading private anonymous memory nobody has written maps the
 * one shared zero page, as on Linux: 16 MiB read take only page tables
 * (Sluice's free pages; not resident in /proc/self/statm, Linux's RSS
 * too), and writing it to a file takes the file's pages only (robustness
 * finding 4: each page read was a new zeroed page, so writing an untouched
 * mapping to /tmp took twice its size).  The first store to such a page
 * gets a page of its own; mprotect to read-only and back does not make the
 * zero page writable (a store then would show in every fresh mapping,
 * which a child checks); fork shares it; MAP_POPULATE of a private
 * writable mapping makes pages of its own (stores then take no fault).
 */
void test_zero_page(void)
{
	char *p = map_rw(ZP_BYTES);
	long free0 = on_linux ? -1 : sluice_free_pages(), rss0 = resident_pages();

	CHECK(pages_zero(p, ZP_BYTES));
	if (free0 >= 0) {
		long used = free0 - sluice_free_pages();
		if (used > 64) /* the tables: 8 pages for 16 MiB, and a few */
			FAIL("reading %lu pages of zeroes took %ld pages", ZP_BYTES / PAGE_SIZE,
			     used);
	}
	if (!on_linux && resident_pages() - rss0 > 16)
		FAIL("resident: %ld pages, then %ld", rss0, resident_pages());

	/* the first store: a page of its own; its neighbours stay zero */
	p[5 * PAGE_SIZE + 7] = 42;
	CHECK_EQ(p[5 * PAGE_SIZE + 7], 42);
	CHECK(all_zero(p + 4 * PAGE_SIZE, PAGE_SIZE));
	CHECK(all_zero(p + 6 * PAGE_SIZE, PAGE_SIZE));
	CHECK(all_zero(p + 5 * PAGE_SIZE, 7));

	/* read-only and back: the zero page is still not written in place */
	CHECK_EQ(mprotect(p, ZP_BYTES, PROT_READ), 0);
	CHECK_EQ(mprotect(p, ZP_BYTES, PROT_READ | PROT_WRITE), 0);
	p[9 * PAGE_SIZE] = 1;
	CHECK_EQ(p[9 * PAGE_SIZE], 1);
	CHECK(all_zero(p + 10 * PAGE_SIZE, PAGE_SIZE));

	/* fork shares it; the child's stores are its own */
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK(pages_zero(p + 16 * PAGE_SIZE, ZP_BYTES - 16 * PAGE_SIZE));
		p[20 * PAGE_SIZE] = 9;
		zero_page_child();
	}
	int status;
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK_EQ(status, 0);
	CHECK_EQ(p[20 * PAGE_SIZE], 0);

	/* the kernel reads it (a write to a file) and writes into it (read) */
	int fd = open("/tmp/zero_page", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	long free1 = on_linux ? -1 : sluice_free_pages();
	CHECK_EQ(write(fd, p + 32 * PAGE_SIZE, 1 << 20), 1 << 20);
	if (free1 >= 0) {
		long used = free1 - sluice_free_pages();
		if (used > 256 + 64) /* the file's 256 pages, and a few */
			FAIL("writing 256 pages of an untouched mapping took %ld pages", used);
	}
	CHECK_EQ(lseek(fd, 0, SEEK_SET), 0);
	memset(p + 40 * PAGE_SIZE + 1, 0x77, 3); /* (not zero: read must write over it) */
	CHECK_EQ(pwrite(fd, "abc", 3, 0), 3);
	CHECK_EQ(read(fd, p + 41 * PAGE_SIZE + 1, 3), 3); /* into the zero page's place */
	CHECK(!memcmp(p + 41 * PAGE_SIZE + 1, "abc", 3));
	CHECK(all_zero(p + 42 * PAGE_SIZE, PAGE_SIZE));
	close(fd);
	CHECK_EQ(unlink("/tmp/zero_page"), 0);
	CHECK_EQ(munmap(p, ZP_BYTES), 0);

	/* MAP_POPULATE, private and writable: the pages are there to store to */
	size_t n = 64 * PAGE_SIZE;
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1,
		 0);
	CHECK(p != MAP_FAILED);
	long f0 = minor_faults();
	for (size_t off = 0; off < n; off += PAGE_SIZE)
		p[off] = 1;
	if (!on_linux && minor_faults() != f0)
		FAIL("stores to a MAP_POPULATE mapping took %ld faults", minor_faults() - f0);
	CHECK_EQ(munmap(p, n), 0);
}

/* Is this kernel argument on the command line (usertests.h)? */
bool cmdline_has(const char *word)
{
	char buf[512];
	int fd = open("/proc/cmdline", O_RDONLY);
	long n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, word) != NULL;
}

/*
 * A truncate while a fault on the page it cuts off is under way: the
 * fault got the page from the file system before the truncate and maps it
 * after, but the page is past the end now, so the access is SIGBUS (not
 * the old bytes).  The QEMU case usertests-fault-race boots with
 * sluice.fault_delay=1000, which holds each fault on file page 1000 or
 * later for 200 ms between the two steps; the truncate comes at 50 ms.
 * Without the hook (any other run, Linux) the test does nothing.
 */
void test_truncate_fault_race(void)
{
	const long pg = 4096, at = 1000 * pg;

	if (on_linux || !cmdline_has("sluice.fault_delay=1000")) {
		printf("  truncate_fault_race: needs sluice.fault_delay=1000 "
		       "(usertests-fault-race)\n");
		return;
	}
	int fd = open("/tmp/trunc-race", O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK_EQ(pwrite(fd, "x", 1, at), 1);
	volatile char *p = mmap(NULL, at + pg, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(p[at] == 'x' ? 0 : 1); /* the fault the hook holds */
	struct timespec t = {0, 50000000};
	nanosleep(&t, NULL);
	CHECK_EQ(ftruncate(fd, 0), 0);
	int status = reap(pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS);
	munmap((void *)p, at + pg);
	close(fd);
	unlink("/tmp/trunc-race");
}

/*
 * A kernel copy whose fault is answered as handled while its page stays
 * unmapped (a bug in the VM; sluice.fault_stuck=0x3000000000 makes one on
 * purpose): the copy must fail with EFAULT and the call return, instead of
 * faulting again for ever where no signal, SIGKILL included, is looked at
 * (fuzz finding 17, docs/robustness.md).  The QEMU case
 * usertests-fault-race boots with the hook; elsewhere the test does
 * nothing.
 */
void test_copy_fault_stuck(void)
{
	char *const at = (char *)0x3000000000ul;

	if (on_linux || !cmdline_has("sluice.fault_stuck=0x3000000000")) {
		printf("  copy_fault_stuck: needs sluice.fault_stuck=0x3000000000 "
		       "(usertests-fault-race)\n");
		return;
	}
	char *p = mmap(at, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		       -1, 0);
	CHECK(p == at);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* The path is in the untouched page: the kernel's copy faults. */
		int fd = open(p, O_RDONLY);
		_exit(fd == -1 && errno == EFAULT ? 0 : 1);
	}
	int status = 0, r = 0;
	for (long end = now_ms() + 5000;
	     (r = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() < end;)
		sleep_ms(10);
	if (r == 0) {
		printf("  copy_fault_stuck: the copy still runs after 5 s; SIGKILL\n");
		kill(pid, SIGKILL);
		status = reap(pid);
		CHECK(!"the copy ended");
	}
	expect_exit(status, 0);
	munmap(p, 4096);
}
