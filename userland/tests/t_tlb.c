/*
 * t_tlb.c - TLB flushing: what munmap, mprotect, fork and copy on write
 * must make every hart forget, and what they must not cost.
 *
 * tlb_no_remote: a process with one thread that maps, protects and unmaps
 * memory makes the kernel reach no other hart (SBI remote fences, counted
 * in /proc/vmstat): only the hart running it can hold its translations in
 * use, and the harts it ran on before flush when it comes back.
 *
 * tlb_stress: processes on every hart at once map, fill, fork, write
 * (copy on write), unmap, remap at the same address and protect, checking
 * at each step that each reads its own data, that a fresh mapping reads
 * zeroes (not the page that was there before), and that an unmapped or
 * read-only page faults.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "usertests.h"

/* A count from /proc/vmstat, or -1 if there is no such line. */
static long vmstat_count(const char *name)
{
	static char buf[1024];
	size_t len = strlen(name);
	int fd = open("/proc/vmstat", O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (char *line = buf; *line;) {
		if (strncmp(line, name, len) == 0 && line[len] == ' ')
			return strtol(line + len + 1, NULL, 10);
		char *nl = strchr(line, '\n');
		if (!nl)
			break;
		line = nl + 1;
	}
	return -1;
}

void test_tlb_no_remote(void)
{
	long before;

	if (on_linux)
		return; /* Linux counts these only with CONFIG_DEBUG_TLBFLUSH */
	before = vmstat_count("nr_tlb_remote_flush");
	CHECK(before >= 0);
	for (int i = 0; i < 200; i++) {
		char *p = mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		CHECK(p != MAP_FAILED);
		memset(p, i, 4 * PAGE_SIZE);
		CHECK_EQ(mprotect(p, 2 * PAGE_SIZE, PROT_READ), 0);
		CHECK_EQ(p[0], (char)i);
		CHECK_EQ(munmap(p, 4 * PAGE_SIZE), 0);
		if (i % 8 == 0)
			sched_yield(); /* and perhaps come back on another hart */
	}
	CHECK_EQ(vmstat_count("nr_tlb_remote_flush") - before, 0);
}

#define WORKERS 6
#define ROUNDS	40
#define PAGES	4

static jmp_buf fault_back;
static volatile int faults;

static void on_segv(int sig)
{
	faults += sig == SIGSEGV;
	longjmp(fault_back, 1);
}

/* Does touching p (a store if write) fault with SIGSEGV? */
static bool faults_on(volatile char *p, bool write)
{
	int before = faults;
	sigset_t segv;

	if (setjmp(fault_back) == 0) {
		if (write)
			*p = 1;
		else
			(void)*p;
		return false;
	}
	/* Out of the handler by longjmp: SIGSEGV is still blocked. */
	sigemptyset(&segv);
	sigaddset(&segv, SIGSEGV);
	CHECK_EQ(sigprocmask(SIG_UNBLOCK, &segv, NULL), 0);
	return faults == before + 1;
}

/* The word each page of a round holds: who wrote it, when, which page. */
static uint64_t tag(int who, int round, int page)
{
	return (uint64_t)who << 32 | (uint64_t)round << 8 | (uint64_t)page;
}

static bool pages_hold(char *p, int from, int to, int who, int round)
{
	for (int i = from; i < to; i++)
		if (*(volatile uint64_t *)(p + i * PAGE_SIZE) != tag(who, round, i))
			return false;
	return true;
}

static void fill(char *p, int who, int round)
{
	for (int i = 0; i < PAGES; i++)
		*(volatile uint64_t *)(p + i * PAGE_SIZE) = tag(who, round, i);
}

/*
 * The child of a round: it sees the parent's data, then unmaps page 0 and
 * maps a fresh page there (zeroes), writes page 2 (a copy), and page 1 is
 * gone.  Exit status 0 if all held.
 */
static void stress_child(char *p, int w, int r)
{
	int me = 100 + w;

	if (!pages_hold(p, 0, PAGES, w, r))
		_exit(10);
	if (munmap(p, 2 * PAGE_SIZE))
		_exit(11);
	if (mmap(p, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
		 0) != p)
		_exit(12);
	if (*(volatile uint64_t *)p != 0)
		_exit(13); /* the old page, through a stale translation */
	*(volatile uint64_t *)p = tag(me, r, 0);
	*(volatile uint64_t *)(p + 2 * PAGE_SIZE) = tag(me, r, 2);
	sched_yield();
	if (*(volatile uint64_t *)p != tag(me, r, 0) ||
	    *(volatile uint64_t *)(p + 2 * PAGE_SIZE) != tag(me, r, 2) ||
	    !pages_hold(p, 3, PAGES, w, r))
		_exit(14);
	if (!faults_on(p + PAGE_SIZE, false))
		_exit(15);
	_exit(0);
}

static void stress_round(char *p, int w, int r)
{
	CHECK(mmap(p, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p);
	for (int i = 0; i < PAGES; i++)
		CHECK_EQ(*(volatile uint64_t *)(p + i * PAGE_SIZE), 0);
	fill(p, w, r);
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		stress_child(p, w, r);
	/* The parent writes after the fork (and perhaps after the child's
	 * munmap): its own copies, which the child must never see. */
	fill(p, w, r + 1000);
	sched_yield();
	CHECK(pages_hold(p, 0, PAGES, w, r + 1000));
	CHECK_EQ(reap(pid), 0);
	CHECK(pages_hold(p, 0, PAGES, w, r + 1000));
	CHECK_EQ(mprotect(p, PAGE_SIZE, PROT_READ), 0);
	CHECK(faults_on(p, true)); /* here, and perhaps on another hart: */
	sched_yield();
	CHECK(faults_on(p, true));
	CHECK(pages_hold(p, 0, PAGES, w, r + 1000));
	CHECK_EQ(munmap(p, PAGES * PAGE_SIZE), 0);
	CHECK(faults_on(p + 3 * PAGE_SIZE, false));
}

static void stress_worker(int w)
{
	struct sigaction sa;
	char *p = mmap(NULL, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	CHECK(p != MAP_FAILED);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGSEGV, &sa, NULL), 0);
	for (int r = 0; r < ROUNDS; r++)
		stress_round(p, w, r);
	_exit(0);
}

void test_tlb_stress(void)
{
	pid_t pids[WORKERS];

	for (int w = 0; w < WORKERS; w++) {
		pids[w] = fork();
		CHECK(pids[w] >= 0);
		if (pids[w] == 0)
			stress_worker(w);
	}
	for (int w = 0; w < WORKERS; w++)
		CHECK_EQ(reap(pids[w]), 0);
}
