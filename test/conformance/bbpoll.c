/*
 * bbpoll - make bench's polling figures, on Sluice and on Debian's Linux
 * kernel alike (docs/benchmarks.md, "Busybox next to Linux").
 *
 *     bbpoll -m K -n N poll     N ppolls of one pipe with a byte in it
 *     bbpoll -m K -n N epoll    N epoll_waits on 100 pipes, one with a byte
 *     bbpoll -m K -n N sleep    N nanosleeps of 100 us: prints the mean time
 *                               each took on CLOCK_MONOTONIC (under -icount,
 *                               the guest's virtual time), not instructions
 *     bbpoll -m K -n N fault    map the first N pages of /tmp/fmap (a cached
 *                               file) private and read-only, load a byte of
 *                               each, unmap: the file mapping's fault per page
 *
 * Both wait with no timeout (a server's wait) and find the fd ready at
 * once; the byte stays, so every call reports it (level-triggered).  The
 * setup comes before marker 2K and the loop runs between it and marker
 * 2K+1, so the figure is N calls and the loop's few instructions; QEMU's
 * hartinsn plugin prints the counts (bbtime.c says more).  Raw system
 * calls, with Sluice's small runtime: the same instructions on both kernels.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "syscall.h"

#include "mark.h"

#define PIPES	    100
#define L_POLLIN    1
#define L_EPOLL_ADD 1

struct lpollfd {
	int fd;
	short events, revents;
};

struct lepoll_event {
	uint32_t events;
	uint32_t pad; /* riscv64's struct epoll_event is not packed */
	uint64_t data;
};

/* A pipe with a byte in it: its read end. */
static int ready_pipe(void)
{
	int fds[2];

	if (pipe(fds) || write(fds[1], "x", 1) != 1)
		exit(3);
	return fds[0];
}

static int bench_poll(int k, int n)
{
	struct lpollfd p = {ready_pipe(), L_POLLIN, 0};
	int bad = 0;

	mark(k, 0);
	for (int i = 0; i < n; i++)
		bad |= syscall5(__NR_ppoll, (long)&p, 1, 0, 0, 8) != 1;
	mark(k, 1);
	return bad;
}

static int bench_epoll(int k, int n)
{
	struct lepoll_event ev[16];
	long ep = syscall1(__NR_epoll_create1, 0);
	int bad = ep < 0;

	for (int i = 0; i < PIPES && !bad; i++) {
		int fds[2];
		if (pipe(fds))
			exit(3);
		struct lepoll_event e = {L_POLLIN, 0, (uint64_t)i};
		bad |= syscall4(__NR_epoll_ctl, ep, L_EPOLL_ADD, fds[0], (long)&e) != 0;
		if (i == PIPES / 2 && write(fds[1], "x", 1) != 1)
			exit(3);
	}
	mark(k, 0);
	for (int i = 0; i < n; i++)
		bad |= syscall6(__NR_epoll_pwait, ep, (long)ev, 16, -1, 0, 8) != 1;
	mark(k, 1);
	return bad;
}

static long mono_ns(void)
{
	struct timespec ts;

	syscall2(__NR_clock_gettime, CLOCK_MONOTONIC, (long)&ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* How long a 100 us sleep lasts: the time a timer takes to come. */
static int bench_sleep(int k, int n)
{
	struct timespec t = {0, 100000};
	int bad = 0;

	mark(k, 0);
	long t0 = mono_ns();
	for (int i = 0; i < n; i++)
		bad |= syscall2(__NR_nanosleep, (long)&t, 0) != 0;
	long dt = mono_ns() - t0;
	mark(k, 1);
	printf("bbpoll: nanosleep(100 us): %ld ns per call\n", dt / n);
	return bad;
}

/* First touches of a cached file's pages through a private read-only
 * mapping: what a program's text costs as it runs. */
static int bench_fault(int k, int n)
{
	int fd = open("/tmp/fmap", O_RDONLY);
	volatile const char *p;
	int sum = 0;

	if (fd < 0)
		return 1;
	mark(k, 0);
	p = (const char *)syscall6(__NR_mmap, 0, (long)n * 4096, 1 /* PROT_READ */,
				   2 /* MAP_PRIVATE */, fd, 0);
	if ((long)p < 0 && (long)p > -4096)
		return 1;
	for (int i = 0; i < n; i++)
		sum += p[(long)i * 4096];
	syscall2(__NR_munmap, (long)p, (long)n * 4096);
	mark(k, 1);
	close(fd);
	return sum == -1; /* (keeps the loads) */
}

int main(int argc, char **argv)
{
	int k = -1, n = 1, opt, bad = 1;

	while ((opt = getopt(argc, argv, "m:n:")) != -1) {
		if (opt == 'm')
			k = atoi(optarg);
		else if (opt == 'n')
			n = atoi(optarg);
		else
			k = -1;
	}
	if (k >= 16 && k <= 31 && n >= 1 && optind + 1 == argc) {
		if (!strcmp(argv[optind], "poll"))
			bad = bench_poll(k, n);
		else if (!strcmp(argv[optind], "epoll"))
			bad = bench_epoll(k, n);
		else if (!strcmp(argv[optind], "sleep"))
			bad = bench_sleep(k, n);
		else if (!strcmp(argv[optind], "fault"))
			bad = bench_fault(k, n);
		else
			k = -1;
	}
	if (k < 16 || k > 31 || n < 1 || optind + 1 != argc) {
		fprintf(stderr, "usage: bbpoll -m K(16..31) [-n N] poll|epoll|sleep|fault\n");
		return 2;
	}
	if (bad)
		fprintf(stderr, "bbpoll: a call did not report the one ready fd\n");
	return bad;
}
