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
 *     bbpoll -m K -n N clock    N clock_gettime(CLOCK_MONOTONIC) system calls
 *                               (raw: no vDSO on either kernel)
 *     bbpoll -m K -n N sleep0   N nanosleep({0, 0})
 *     bbpoll -m K -n N thread   N thread create + join: clone with glibc's
 *                               pthread_create flags, exit, the tid word's
 *                               futex wake (pthread_join's kernel part)
 *     bbpoll -m K -n N wake     N FUTEX_WAKEs with nobody waiting
 *     bbpoll -m K -n N handoff  N/2 round trips of a turn between two
 *                               threads through a futex (a wait, a wake and
 *                               a switch each way; one hart)
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

static long raw_futex(volatile uint32_t *w, int op, uint32_t val)
{
	return syscall6(__NR_futex, (long)w, op, val, 0, 0, 0);
}

#define L_FUTEX_WAIT_PRIVATE 128
#define L_FUTEX_WAKE_PRIVATE 129
#define THREAD_FLAGS                                                                               \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
	 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

static char thread_stack[16384] __attribute__((aligned(16)));
static volatile uint32_t turn;
static long handoffs;

static long thread_nothing(void *arg)
{
	return (long)arg;
}

/* pthread_join's kernel part: wait until the tid word is cleared.  A
 * shared wait, as glibc's: Linux's wake at a thread's exit is a shared
 * one, which a private wait on the word does not see. */
static void join(volatile uint32_t *tid)
{
	uint32_t t;

	while ((t = *tid) != 0)
		raw_futex(tid, 0 /* FUTEX_WAIT */, t);
}

static long start_thread(volatile uint32_t *tid, long (*fn)(void *))
{
	return clone_call(THREAD_FLAGS, thread_stack + sizeof(thread_stack), (int *)tid, 0,
			  (int *)tid, fn, 0);
}

static long ping_back(void *arg)
{
	for (long i = 0; i < handoffs; i++) {
		while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 1)
			raw_futex(&turn, L_FUTEX_WAIT_PRIVATE, 0);
		__atomic_store_n(&turn, 0, __ATOMIC_RELEASE);
		raw_futex(&turn, L_FUTEX_WAKE_PRIVATE, 1);
	}
	return (long)arg;
}

/* Issue 10's thread and time figures: one loop of N between the marks. */
static int bench_threads_time(const char *what, int k, int n)
{
	struct timespec ts, zero = {0, 0};
	volatile uint32_t tid = 0;
	int bad = 0;

	if (!strcmp(what, "handoff")) {
		handoffs = n / 2;
		turn = 0;
		if (start_thread(&tid, ping_back) < 0)
			return 1;
	}
	mark(k, 0);
	if (!strcmp(what, "clock"))
		for (int i = 0; i < n; i++)
			bad |= syscall2(__NR_clock_gettime, CLOCK_MONOTONIC, (long)&ts) != 0;
	else if (!strcmp(what, "sleep0"))
		for (int i = 0; i < n; i++)
			bad |= syscall2(__NR_nanosleep, (long)&zero, 0) != 0;
	else if (!strcmp(what, "wake"))
		for (int i = 0; i < n; i++)
			bad |= raw_futex(&turn, L_FUTEX_WAKE_PRIVATE, 1) != 0;
	else if (!strcmp(what, "thread"))
		for (int i = 0; i < n; i++) {
			tid = 0;
			bad |= start_thread(&tid, thread_nothing) < 0;
			join(&tid);
		}
	else /* handoff */
		for (long i = 0; i < handoffs; i++) {
			__atomic_store_n(&turn, 1, __ATOMIC_RELEASE);
			raw_futex(&turn, L_FUTEX_WAKE_PRIVATE, 1);
			while (__atomic_load_n(&turn, __ATOMIC_ACQUIRE) != 0)
				raw_futex(&turn, L_FUTEX_WAIT_PRIVATE, 1);
		}
	mark(k, 1);
	if (!strcmp(what, "handoff"))
		join(&tid);
	return bad;
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
	if (k >= 8 && k <= 31 && n >= 1 && optind + 1 == argc) {
		if (!strcmp(argv[optind], "poll"))
			bad = bench_poll(k, n);
		else if (!strcmp(argv[optind], "epoll"))
			bad = bench_epoll(k, n);
		else if (!strcmp(argv[optind], "sleep"))
			bad = bench_sleep(k, n);
		else if (!strcmp(argv[optind], "fault"))
			bad = bench_fault(k, n);
		else if (!strcmp(argv[optind], "clock") || !strcmp(argv[optind], "sleep0") ||
			 !strcmp(argv[optind], "thread") || !strcmp(argv[optind], "wake") ||
			 !strcmp(argv[optind], "handoff"))
			bad = bench_threads_time(argv[optind], k, n);
		else
			k = -1;
	}
	if (k < 8 || k > 31 || n < 1 || optind + 1 != argc) {
		fprintf(stderr, "usage: bbpoll -m K(8..31) [-n N] "
				"poll|epoll|sleep|fault|clock|sleep0|thread|wake|handoff\n");
		return 2;
	}
	if (bad)
		fprintf(stderr, "bbpoll: a call did not report the one ready fd\n");
	return bad;
}
