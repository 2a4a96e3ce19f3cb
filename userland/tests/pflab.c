/*
 * pflab - the page-fault lab's checks (docs/labs/pagefaults.md), one line
 * each, read by test/labs/pagefaults.py.  Pages in use are measured with
 * sluice_free_pages() (Sluice's call 1000), costs with rdinstret (exact
 * under QEMU's -icount shift=0, which the grader uses).
 *
 *   pflab sparse   touch one page per MiB of a 256 MiB region: demand zero
 *   pflab fork     fork a process that touched 512 pages: copy on write
 *   pflab switches 1000 round trips between two processes over pipes, and
 *                  the whole-TLB flushes they cost (/proc/vmstat): without
 *                  ASIDs (sluice.noasid) each switch must flush
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscall.h"

#define PAGE 4096
#define MIB  (1024 * 1024)

static inline uint64_t rd_instret(void)
{
	uint64_t v;
	__asm__ volatile("rdinstret %0" : "=r"(v));
	return v;
}

/* 256 MiB, twice the grader's RAM: only what is touched may take pages. */
static int sparse(void)
{
	const size_t len = 256ul * MIB;
	long before = sluice_free_pages(), bad = 0;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		printf("pflab: sparse: mmap of 256 MiB failed\n");
		return 1;
	}
	for (size_t off = 0; off < len; off += MIB) {
		bad += p[off + 100] != 0; /* a fresh page reads as zeros */
		p[off + 100] = (char)(off / MIB + 1);
	}
	for (size_t off = 0; off < len; off += MIB)
		bad += p[off + 100] != (char)(off / MIB + 1);
	long used = before - sluice_free_pages();
	printf("pflab: sparse: 256 pages touched in a 256 MiB region, %ld pages in use%s\n", used,
	       bad ? ", WRONG CONTENTS" : "");
	munmap(p, len);
	return bad != 0;
}

static void fill(char *p, size_t len, char c)
{
	for (size_t off = 0; off < len; off += PAGE)
		p[off] = c, p[off + PAGE - 1] = c;
}

static long count_not(const char *p, size_t len, char c)
{
	long bad = 0;

	for (size_t off = 0; off < len; off += PAGE)
		bad += (p[off] != c) + (p[off + PAGE - 1] != c);
	return bad;
}

/* The child: report its cost, write its own copy, check it after the parent wrote. */
static int fork_child(char *p, size_t len, long before, int to_parent, int from_parent)
{
	long cost = before - sluice_free_pages();
	char go;

	write(to_parent, &cost, sizeof(cost));
	fill(p, len, 'c');
	write(to_parent, &cost, sizeof(cost));
	read(from_parent, &go, 1); /* the parent has written 'q' over its own */
	return count_not(p, len, 'c') != 0;
}

static int fork_check(void)
{
	const size_t len = 512 * PAGE;
	int c2p[2], p2c[2], status = 0;
	long cost = -1, bad;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || pipe(c2p) || pipe(p2c))
		return printf("pflab: fork: no memory or pipes\n"), 1;
	fill(p, len, 'p');
	long before = sluice_free_pages();
	pid_t pid = fork();
	if (pid == 0)
		_exit(fork_child(p, len, before, c2p[1], p2c[0]));
	read(c2p[0], &cost, sizeof(cost));
	printf("pflab: fork: the child started with %ld pages more in use (512 pages touched)\n",
	       cost);
	read(c2p[0], &cost, sizeof(cost)); /* the child has written its copy */
	bad = count_not(p, len, 'p');
	uint64_t i0 = rd_instret();
	fill(p, len, 'q'); /* the pages are the parent's alone now */
	uint64_t per_page = (rd_instret() - i0) / 512;
	bad += count_not(p, len, 'q');
	write(p2c[1], "g", 1);
	waitpid(pid, &status, 0);
	printf("pflab: fork: parent and child each see their own copy: %s\n",
	       !bad && WIFEXITED(status) && !WEXITSTATUS(status) ? "ok" : "WRONG");
	printf("pflab: fork: the parent's writes after the child's copies: %llu instructions a "
	       "page\n",
	       (unsigned long long)per_page);
	close(c2p[0]), close(c2p[1]), close(p2c[0]), close(p2c[1]);
	long lost = before - sluice_free_pages();
	if (lost > 0)
		printf("pflab: fork: %ld pages lost after the child exited\n", lost);
	else
		printf("pflab: fork: every page back after the child exited: ok\n");
	munmap(p, len);
	return bad || lost > 0;
}

/* /proc/vmstat's nr_tlb_local_flush_all, or -1. */
static long flushes_all(void)
{
	static char buf[1024];
	long v = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "nr_tlb_local_flush_all %ld", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

static int switches(void)
{
	int a[2], b[2], status;
	char c = 'x';

	if (pipe(a) || pipe(b))
		return 1;
	long before = flushes_all();
	pid_t pid = fork();
	if (pid == 0) {
		while (read(a[0], &c, 1) == 1 && c != 'q')
			write(b[1], &c, 1);
		_exit(0);
	}
	for (int i = 0; i < 1000; i++)
		if (write(a[1], &c, 1) != 1 || read(b[0], &c, 1) != 1)
			return printf("pflab: switches: a pipe failed\n"), 1;
	write(a[1], "q", 1);
	waitpid(pid, &status, 0);
	printf("pflab: switches: 1000 round trips between two processes, %ld whole-TLB flushes\n",
	       flushes_all() - before);
	return 0;
}

int main(int argc, char **argv)
{
	sluice_touch_program(); /* its text comes by fault: all of it now, before any count */
	if (argc > 1 && !strcmp(argv[1], "switches"))
		return switches();
	if (argc > 1 && !strcmp(argv[1], "sparse"))
		return sparse();
	if (argc > 1 && !strcmp(argv[1], "fork"))
		return fork_check();
	printf("usage: pflab sparse | fork | switches\n");
	return 2;
}
