/*
 * t_shm.c - shared anonymous memory: mmap(MAP_SHARED | MAP_ANONYMOUS) is
 * one memory for every process fork gives it to, each page whenever it is
 * first touched, as on Linux (where a shmem file backs it: /proc/<pid>/maps
 * says "/dev/zero (deleted)").  Parent and child counters, IPC without a
 * file, and busybox depend on it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "usertests.h"

#define MADV_DONTNEED_	4
#define MREMAP_MAYMOVE_ 1
#define MREMAP_FIXED_	2

/* A fresh shared anonymous read-write mapping of n bytes, untouched. */
static volatile char *map_shared(size_t n)
{
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	CHECK_EQ((uintptr_t)p % PAGE_SIZE, 0);
	return p;
}

static void unmap(volatile char *p, size_t n)
{
	CHECK_EQ(munmap((void *)p, n), 0);
}

/* A child's and a grandchild's stores, to pages nobody touched before the
 * forks, reach the parent (and the grandchild's, the child). */
static void from_child(void)
{
	volatile char *p = map_shared(3 * PAGE_SIZE);
	int pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		p[0] = 11;
		p[2 * PAGE_SIZE + 5] = 22;
		int g = fork();
		if (g == 0) {
			p[PAGE_SIZE + 7] = 33;
			_exit(0);
		}
		_exit(g > 0 && reap(g) == 0 && p[PAGE_SIZE + 7] == 33 ? 0 : 1);
	}
	expect_exit(reap(pid), 0);
	CHECK_EQ(p[0], 11);
	CHECK_EQ(p[2 * PAGE_SIZE + 5], 22);
	CHECK_EQ(p[PAGE_SIZE + 7], 33);
	unmap(p, 3 * PAGE_SIZE);
}

/* The parent's stores after fork reach a child that had touched the pages
 * itself (read them) before: a two-way pipe handshake orders the two. */
static void to_child(void)
{
	volatile char *p = map_shared(2 * PAGE_SIZE);
	int ready[2], go[2];
	char c;

	CHECK_EQ(pipe(ready), 0);
	CHECK_EQ(pipe(go), 0);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		bool zero = p[0] == 0 && p[PAGE_SIZE] == 0;
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		_exit(zero && p[0] == 44 && p[PAGE_SIZE] == 55 ? 0 : 1);
	}
	CHECK_EQ(read(ready[0], &c, 1), 1);
	p[0] = 44;
	p[PAGE_SIZE] = 55;
	CHECK_EQ(write(go[1], "g", 1), 1);
	expect_exit(reap(pid), 0);
	for (int i = 0; i < 2; i++)
		close(ready[i]), close(go[i]);
	unmap(p, 2 * PAGE_SIZE);
}

void test_shared_anon_fork(void)
{
	from_child();
	to_child();
}

/* The child, forked before, still sees the parent's stores after the
 * parent's munmap (the pipe says when). */
static void parent_unmaps(volatile char *p, size_t n)
{
	int go[2];
	char c;

	CHECK_EQ(pipe(go), 0);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(read(go[0], &c, 1) == 1 && p[2 * PAGE_SIZE] == 88 && p[0] == 77 ? 0 : 1);
	unmap(p, n);
	CHECK_EQ(write(go[1], "g", 1), 1);
	expect_exit(reap(pid), 0);
	close(go[0]);
	close(go[1]);
}

/* The pages stay the mapping's whatever drops them from one process: the
 * other's munmap, PROT_NONE and back, MADV_DONTNEED (Linux keeps a shmem
 * page and maps it again). */
void test_shared_anon_keep(void)
{
	volatile char *p = map_shared(3 * PAGE_SIZE);
	int pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		p[PAGE_SIZE] = 66;
		_exit(munmap((void *)p, 3 * PAGE_SIZE) ? 1 : 0);
	}
	expect_exit(reap(pid), 0);
	CHECK_EQ(p[PAGE_SIZE], 66);
	p[0] = 77;
	CHECK_EQ(mprotect((void *)p, 3 * PAGE_SIZE, PROT_NONE), 0);
	CHECK_EQ(mprotect((void *)p, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	CHECK_EQ(p[0], 77);
	CHECK_EQ(syscall3(__NR_madvise, (long)p, 3 * PAGE_SIZE, MADV_DONTNEED_), 0);
	CHECK_EQ(p[0], 77);
	CHECK_EQ(p[PAGE_SIZE], 66);
	p[2 * PAGE_SIZE] = 88;
	parent_unmaps(p, 3 * PAGE_SIZE);
}

/*
 * mremap moves the parent's mapping: still the child's memory.  Grown, the
 * part past the memory's size is past the end of Linux's shmem file:
 * touching it is SIGBUS.
 */
void test_shared_anon_mremap(void)
{
	volatile char *p = map_shared(2 * PAGE_SIZE);
	char *to = mmap(NULL, 2 * PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int go[2];
	char c;

	CHECK(to != MAP_FAILED);
	CHECK_EQ(pipe(go), 0);
	p[0] = 1;
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		p[PAGE_SIZE] = 2;
		_exit(0);
	}
	volatile char *q = (char *)syscall5(__NR_mremap, (long)p, 2 * PAGE_SIZE, 2 * PAGE_SIZE,
					    MREMAP_MAYMOVE_ | MREMAP_FIXED_, (long)to);
	CHECK_EQ(q, to);
	CHECK_EQ(q[0], 1);
	CHECK_EQ(write(go[1], "g", 1), 1);
	expect_exit(reap(pid), 0);
	CHECK_EQ(q[PAGE_SIZE], 2);
	q = (char *)syscall5(__NR_mremap, (long)q, 2 * PAGE_SIZE, 3 * PAGE_SIZE, MREMAP_MAYMOVE_,
			     0);
	CHECK((long)q > 0);
	CHECK_EQ(q[PAGE_SIZE], 2);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(q[2 * PAGE_SIZE]); /* SIGBUS */
	expect_killed(reap(pid), SIGBUS);
	unmap(q, 3 * PAGE_SIZE);
	close(go[0]);
	close(go[1]);
}

/* The /proc/self/maps line of a mapping at p, in buf; false if none. */
static bool maps_line(const volatile char *p, char *buf, size_t size)
{
	static char text[16384];
	char want[32];
	int fd = open("/proc/self/maps", O_RDONLY);
	long n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return false;
	text[n] = '\0';
	snprintf(want, sizeof(want), "%08lx-", (unsigned long)p);
	char *at = strstr(text, want), *end = at ? strchr(at, '\n') : NULL;
	if (!at || !end || (size_t)(end - at) >= size)
		return false;
	memcpy(buf, at, (size_t)(end - at));
	buf[end - at] = '\0';
	return true;
}

/* /proc/self/maps names it as Linux does: shared, offset 0, an inode, and
 * "/dev/zero (deleted)"; the part past a split is at its offset. */
void test_shared_anon_maps(void)
{
	volatile char *p = map_shared(2 * PAGE_SIZE);
	char line[256], perms[8], dev[16], name[64];
	unsigned long lo, hi, off, ino;

	CHECK(maps_line(p, line, sizeof(line)));
	CHECK_EQ(sscanf(line, "%lx-%lx %7s %lx %15s %lu %63[^\n]", &lo, &hi, perms, &off, dev, &ino,
			name),
		 7);
	CHECK_EQ(hi - lo, 2 * PAGE_SIZE);
	CHECK(!strcmp(perms, "rw-s"));
	CHECK_EQ(off, 0);
	CHECK(ino != 0);
	CHECK(!strcmp(name, "/dev/zero (deleted)"));
	CHECK_EQ(mprotect((void *)(p + PAGE_SIZE), PAGE_SIZE, PROT_READ), 0);
	CHECK(maps_line(p + PAGE_SIZE, line, sizeof(line)));
	CHECK(strstr(line, " r--s 00001000 ") != NULL);
	CHECK(strstr(line, "/dev/zero (deleted)") != NULL);
	unmap(p, 2 * PAGE_SIZE);
}

/* /proc/meminfo's field (with its colon) in kB, or -1. */
static long meminfo_kb(const char *field)
{
	static char text[4096];
	int fd = open("/proc/meminfo", O_RDONLY);
	long n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	char *at = strstr(text, field);
	return at ? strtol(at + strlen(field), NULL, 10) : -1;
}

/*
 * Sluice: the pages count in /proc/meminfo's Shmem while mapped, and every
 * page comes back when the last process lets go (10 rounds of fork, touch,
 * exit, munmap).  Linux (a reference run) shares the host's memory with
 * everything else: nothing to measure there.
 */
void test_shared_anon_pages(void)
{
	enum { PAGES = 8, ROUNDS = 10 };

	if (on_linux)
		return;
	long shmem = meminfo_kb("Shmem:"), before = sluice_free_pages();
	for (int r = 0; r < ROUNDS; r++) {
		volatile char *p = map_shared(PAGES * PAGE_SIZE);
		int pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			for (int i = 0; i < PAGES; i++)
				p[i * PAGE_SIZE] = (char)i;
			_exit(0);
		}
		expect_exit(reap(pid), 0);
		if (r == 0)
			CHECK(meminfo_kb("Shmem:") >= shmem + PAGES * 4);
		CHECK_EQ(p[(PAGES - 1) * PAGE_SIZE], PAGES - 1);
		unmap(p, PAGES * PAGE_SIZE);
	}
	long lost = before - sluice_free_pages();
	if (lost > 2)
		FAIL("%ld pages lost over %d rounds", lost, ROUNDS);
	CHECK(meminfo_kb("Shmem:") <= shmem);
}

/*
 * A futex call on a shared anonymous page nobody touched yet faults the
 * page in, which may sleep (the file system's mutex); it must not hold the
 * futex lock meanwhile, or every other futex call waits (on one hart, for
 * ever).  The QEMU case usertests-fault-race boots with
 * sluice.fault_delay=1000, which holds the fault on page 1000 for 200 ms;
 * the parent's futex call on a word of its own comes at 50 ms.
 */
void test_futex_shm_fault(void)
{
	if (on_linux || !cmdline_has("sluice.fault_delay=1000")) {
		printf("  futex_shm_fault: needs sluice.fault_delay=1000 "
		       "(usertests-fault-race)\n");
		return;
	}
	volatile char *p = map_shared(1001 * PAGE_SIZE);
	int pid = fork(), word = 0;
	CHECK(pid >= 0);
	if (pid == 0) /* FUTEX_WAIT reads the word: page 1000's fault, held */
		_exit(syscall6(__NR_futex, (long)(p + 1000 * PAGE_SIZE), 0, 1, 0, 0, 0) == -EAGAIN
			      ? 0
			      : 1);
	sleep_ms_all(50);
	long t0 = now_ms();
	CHECK_EQ(syscall6(__NR_futex, (long)&word, 1, 1, 0, 0, 0), 0);
	long took = now_ms() - t0;
	expect_exit(reap(pid), 0);
	if (took > 100)
		FAIL("a futex call waited %ld ms for another's page fault", took);
	unmap(p, 1001 * PAGE_SIZE);
}

/* --- futexes in shared memory, across processes --- */

#define FUTEX_WAIT_	    0
#define FUTEX_WAKE_	    1
#define FUTEX_CMP_REQUEUE_  4
#define FUTEX_WAKE_OP_	    5
#define FUTEX_WAIT_BITSET_  9
#define FUTEX_WAKE_BITSET_  10
#define FUTEX_PRIVATE_FLAG_ 128
#define CLOCK_MONOTONIC_    1

static long futex(volatile uint32_t *uaddr, long op, long val, long arg4, volatile uint32_t *uaddr2,
		  long val3)
{
	return syscall6(__NR_futex, (long)uaddr, op, val, arg4, (long)uaddr2, val3);
}

/*
 * Fork a child that waits on w (holding 0) with op (FUTEX_WAIT or
 * WAIT_BITSET for bitset, maybe private) for at most ms milliseconds: it
 * exits 0 if woken, 1 if the wait timed out, 2 on another answer.  The
 * parent goes on once the child is about to wait.
 */
static int fork_waiter(volatile uint32_t *w, long op, uint32_t bitset, long ms)
{
	int ready[2];
	char c;

	*w = 0;
	CHECK_EQ(pipe(ready), 0);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct timespec ts = {ms / 1000, ms % 1000 * 1000000};
		if ((op & ~FUTEX_PRIVATE_FLAG_) == FUTEX_WAIT_BITSET_) { /* an absolute deadline */
			struct timespec now;
			syscall2(__NR_clock_gettime, CLOCK_MONOTONIC_, (long)&now);
			ts.tv_sec += now.tv_sec + (ts.tv_nsec + now.tv_nsec) / 1000000000;
			ts.tv_nsec = (ts.tv_nsec + now.tv_nsec) % 1000000000;
		}
		if (write(ready[1], "r", 1) != 1)
			_exit(3);
		long r = futex(w, op, 0, (long)&ts, NULL, bitset);
		_exit(r == 0 ? 0 : r == -LINUX_ETIMEDOUT ? 1 : 2);
	}
	CHECK_EQ(read(ready[0], &c, 1), 1);
	close(ready[0]);
	close(ready[1]);
	return pid;
}

/* Call the waking futex op (uaddr, op, nr, arg4, uaddr2, val3) until it
 * wakes or moves someone (the waiter is asleep), for at most 2 s. */
static long wake_until(volatile uint32_t *uaddr, long op, long nr, long arg4,
		       volatile uint32_t *uaddr2, long val3)
{
	long n = 0;

	for (long t0 = now_ms(); n == 0 && now_ms() - t0 < 2000; sleep_ms(5))
		n = futex(uaddr, op, nr, arg4, uaddr2, val3);
	return n;
}

/* p's one page moved to a fresh address in this process only. */
static volatile uint32_t *moved(volatile char *p)
{
	char *to = mmap(NULL, PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(to != MAP_FAILED);
	CHECK(to != (char *)p);
	long q = syscall5(__NR_mremap, (long)p, PAGE_SIZE, PAGE_SIZE,
			  MREMAP_MAYMOVE_ | MREMAP_FIXED_, (long)to);
	CHECK_EQ(q, (long)to);
	return (volatile uint32_t *)q;
}

/*
 * A futex (not FUTEX_PRIVATE_FLAG) in shared anonymous memory is the
 * memory's, not the address space's, as on Linux: a child's FUTEX_WAIT is
 * woken by the parent's FUTEX_WAKE at another address of the same word
 * (its mapping moved by mremap), and WAIT_BITSET by WAKE_BITSET.  glibc's
 * process-shared mutexes, semaphores and barriers are such futexes.
 */
void test_futex_shared_anon(void)
{
	volatile char *p = map_shared(PAGE_SIZE);
	int pid = fork_waiter((volatile uint32_t *)(p + 40), FUTEX_WAIT_, 0, 3000);
	volatile uint32_t *q = moved(p);

	CHECK_EQ(wake_until(q + 10, FUTEX_WAKE_, 1, 0, NULL, 0), 1);
	expect_exit(reap(pid), 0);
	pid = fork_waiter(q + 11, FUTEX_WAIT_BITSET_, 6, 3000);
	q = moved((volatile char *)q);
	CHECK_EQ(wake_until(q + 11, FUTEX_WAKE_BITSET_, 1, 0, NULL, 2), 1);
	expect_exit(reap(pid), 0);
	unmap((volatile char *)q, PAGE_SIZE);
}

/*
 * The same for a file's MAP_SHARED mapping (a file in /tmp): the child
 * maps its two pages from offset 0, the parent only the second, from
 * offset PAGE_SIZE: the word is the file's byte PAGE_SIZE + 8 in both.
 */
void test_futex_shared_file(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/tmp/futex-shared-%d", getpid());
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	CHECK_EQ(unlink(path), 0);
	CHECK_EQ(ftruncate(fd, 2 * PAGE_SIZE), 0);
	char *c = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(c != MAP_FAILED);
	int pid = fork_waiter((volatile uint32_t *)(c + PAGE_SIZE + 8), FUTEX_WAIT_, 0, 3000);
	char *q = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, PAGE_SIZE);
	CHECK(q != MAP_FAILED);
	CHECK_EQ(munmap(c, 2 * PAGE_SIZE), 0); /* the parent's first view goes */
	CHECK_EQ(wake_until((volatile uint32_t *)(q + 8), FUTEX_WAKE_, 1, 0, NULL, 0), 1);
	expect_exit(reap(pid), 0);
	CHECK_EQ(munmap(q, PAGE_SIZE), 0);
	close(fd);
}

/*
 * FUTEX_PRIVATE_FLAG keeps a futex to its address space even in shared
 * memory, as on Linux: neither a private nor a shared wake of another
 * process (at the same address, fork having kept it) reaches a private
 * waiter, and the child's wait times out.
 */
void test_futex_shared_private(void)
{
	volatile uint32_t *w = (volatile uint32_t *)map_shared(PAGE_SIZE);
	int pid = fork_waiter(w, FUTEX_WAIT_ | FUTEX_PRIVATE_FLAG_, 0, 300);

	sleep_ms_all(50);
	CHECK_EQ(futex(w, FUTEX_WAKE_ | FUTEX_PRIVATE_FLAG_, 1, 0, NULL, 0), 0);
	CHECK_EQ(futex(w, FUTEX_WAKE_, 1, 0, NULL, 0), 0);
	expect_exit(reap(pid), 1);
	unmap((volatile char *)w, PAGE_SIZE);
}

/*
 * CMP_REQUEUE and WAKE_OP across processes: the parent moves the child's
 * waiter from one word to another of the shared page, then wakes it there;
 * and WAKE_OP's second word's waiter (in the child) wakes when the
 * operation's comparison holds.  All at the parent's own addresses.
 */
void test_futex_shared_requeue(void)
{
	volatile char *p = map_shared(PAGE_SIZE);
	volatile uint32_t *cw = (volatile uint32_t *)p;
	int pid = fork_waiter(cw, FUTEX_WAIT_, 0, 3000);
	volatile uint32_t *q = moved(p);

	CHECK_EQ(wake_until(q, FUTEX_CMP_REQUEUE_, 0, 1, q + 1, 0), 1);
	CHECK_EQ(futex(q, FUTEX_WAKE_, 1, 0, NULL, 0), 0); /* not there now */
	CHECK_EQ(futex(q + 1, FUTEX_WAKE_, 1, 0, NULL, 0), 1);
	expect_exit(reap(pid), 0);
	/* WAKE_OP: q[3] = 0 (SET 0, CMP EQ 0): wake q[2]'s none, q[3]'s one. */
	pid = fork_waiter((volatile uint32_t *)(q + 3), FUTEX_WAIT_, 0, 3000);
	q = moved((volatile char *)q);
	CHECK_EQ(wake_until(q + 2, FUTEX_WAKE_OP_, 1, 1, q + 3, 0), 1);
	expect_exit(reap(pid), 0);
	unmap((volatile char *)q, PAGE_SIZE);
}

#define FUTEX_WAITERS_	  0x80000000u
#define FUTEX_OWNER_DIED_ 0x40000000u

/*
 * A child dies holding a robust lock in shared memory: the kernel marks
 * the word OWNER_DIED and wakes the parent, asleep on it at another
 * address: the robust list's wake is a shared one, as Linux's.  Sluice
 * only: qemu-riscv64 does not pass robust lists to the host.
 */
void test_futex_shared_robust(void)
{
	static struct {
		uint64_t list;
		int64_t offset;
		uint64_t pending;
	} head;
	volatile char *p = map_shared(PAGE_SIZE);
	int ready[2];
	char c;

	if (on_linux)
		return;
	CHECK_EQ(pipe(ready), 0);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) { /* the lock: a list link at p + 64, its word at p + 72 */
		*(volatile uint32_t *)(p + 72) = (uint32_t)getpid() | FUTEX_WAITERS_;
		*(volatile uint64_t *)(p + 64) = (uint64_t)&head;
		head.list = (uint64_t)(p + 64);
		head.offset = 8;
		if (syscall2(__NR_set_robust_list, (long)&head, sizeof(head)) != 0 ||
		    write(ready[1], "r", 1) != 1)
			_exit(2);
		sleep_ms_all(200);
		_exit(0); /* still holding it */
	}
	CHECK_EQ(read(ready[0], &c, 1), 1);
	volatile uint32_t *w = moved(p) + 72 / 4;
	struct timespec ts = {3, 0};
	CHECK_EQ(futex(w, FUTEX_WAIT_, (long)*w, (long)&ts, NULL, 0), 0);
	CHECK_EQ(*w, FUTEX_WAITERS_ | FUTEX_OWNER_DIED_);
	expect_exit(reap(pid), 0);
	unmap((volatile char *)w - 72, PAGE_SIZE);
	close(ready[0]);
	close(ready[1]);
}
