/*
 * t_sched.c - nice values (getpriority, setpriority) and what the
 * scheduler makes of them, CPU affinity, and the scheduling policy calls,
 * as Linux answers them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "usertests.h"

#define PRIO_PROCESS 0
#define PRIO_PGRP    1
#define PRIO_USER    2

static long getprio(int which, int who)
{
	return syscall2(__NR_getpriority, which, who);
}

static long setprio(int which, int who, int nice)
{
	return syscall3(__NR_setpriority, which, who, nice);
}

static long set_affinity(int pid, uint64_t mask)
{
	return syscall3(__NR_sched_setaffinity, pid, sizeof(mask), (long)&mask);
}

static int this_cpu(void)
{
	unsigned cpu = ~0u;

	CHECK_EQ(syscall3(__NR_getcpu, (long)&cpu, 0, 0), 0);
	return (int)cpu;
}

static void drop_root(void)
{
	CHECK_EQ(syscall3(__NR_setresgid, 1000, 1000, 1000), 0);
	CHECK_EQ(syscall3(__NR_setresuid, 1000, 1000, 1000), 0);
}

static void nice_as_user(void)
{
	drop_root();
	CHECK_EQ(setprio(PRIO_PROCESS, 0, 10), 0);
	CHECK_EQ(getprio(PRIO_PROCESS, 0), 10);
	CHECK_EQ(setprio(PRIO_PROCESS, 0, 5), -EACCES); /* a lower nice: root's */
	CHECK_EQ(setprio(PRIO_PROCESS, 1, 10), -EPERM); /* init is root's */
	CHECK_EQ(setprio(PRIO_PROCESS, 0, 12), 0);
}

/* getpriority's 20 - nice, setpriority's clamping and refusals. */
void test_priority(void)
{
	long base = getprio(PRIO_PROCESS, 0);

	if (!on_linux)
		CHECK_EQ(base, 20);
	CHECK_EQ(setprio(PRIO_PROCESS, 0, 5), 0);
	CHECK_EQ(getprio(PRIO_PROCESS, 0), 15);
	CHECK_EQ(getprio(PRIO_PROCESS, getpid()), 15);
	CHECK_EQ(setprio(PRIO_PROCESS, 0, 100), 0); /* clamped to 19 */
	CHECK_EQ(getprio(PRIO_PROCESS, 0), 1);
	CHECK(getprio(PRIO_PGRP, 0) >= 1);
	CHECK(getprio(PRIO_USER, 0) >= 1);
	/* A child starts with its parent's. */
	int pid = fork();
	if (pid == 0)
		_exit(getprio(PRIO_PROCESS, 0) != 1);
	CHECK_EQ(raw_reap(pid), 0);
	CHECK_EQ(getprio(3, 0), -EINVAL);
	CHECK_EQ(setprio(-1, 0, 0), -EINVAL);
	pid = spawn_exit(0);
	raw_reap(pid);
	CHECK_EQ(getprio(PRIO_PROCESS, pid), -ESRCH);
	CHECK_EQ(setprio(PRIO_PROCESS, pid, 3), -ESRCH);
	if (on_linux)
		return; /* the host's container: no CAP_SYS_NICE or CAP_SETUID */
	CHECK_EQ(setprio(PRIO_PROCESS, 0, -100), 0); /* root may lower it: clamped to -20 */
	CHECK_EQ(getprio(PRIO_PROCESS, 0), 40);
	CHECK_EQ(setprio(PRIO_PROCESS, 0, 0), 0);
	CHECK_EQ(raw_reap(spawn(nice_as_user)), 0);
}

/* Spin until the deadline, counting; write the count to fd. */
static void hog(int fd, const struct timespec *end, int nice)
{
	struct timespec now;
	uint64_t n = 0;

	CHECK_EQ(setprio(PRIO_PROCESS, 0, nice), 0);
	for (;;) {
		for (volatile int i = 0; i < 4096; i++)
			;
		n++;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end->tv_sec ||
		    (now.tv_sec == end->tv_sec && now.tv_nsec >= end->tv_nsec))
			break;
	}
	CHECK_EQ(write(fd, &n, sizeof(n)), sizeof(n));
	_exit(0);
}

/* Two CPU hogs on one hart for 1.5 s: the one at nice 19 gets well under
 * a third of the loops of the one at nice 0 (counted, not timed). */
void test_nice_share(void)
{
	struct timespec end;
	uint64_t n0 = 0, n19 = 0;
	int p[2], pid0, pid19;

	CHECK_EQ(set_affinity(0, 1), 0); /* both on hart (CPU) 0 */
	CHECK_EQ(pipe(p), 0);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += 1;
	end.tv_nsec += 500000000;
	if (end.tv_nsec >= 1000000000)
		end.tv_sec++, end.tv_nsec -= 1000000000;
	if ((pid19 = fork()) == 0)
		hog(p[1], &end, 19);
	if ((pid0 = fork()) == 0)
		hog(p[1], &end, 0);
	CHECK_EQ(raw_reap(pid0), 0);
	CHECK_EQ(read(p[0], &n0, sizeof(n0)), sizeof(n0));
	CHECK_EQ(raw_reap(pid19), 0);
	CHECK_EQ(read(p[0], &n19, sizeof(n19)), sizeof(n19));
	printf("  nice_share: nice 0 looped %llu times, nice 19 %llu\n", (unsigned long long)n0,
	       (unsigned long long)n19);
	CHECK(n19 * 3 < n0);
}

static int online_cpus(void)
{
	uint64_t mask = 0;

	CHECK_EQ(syscall3(__NR_sched_getaffinity, 0, sizeof(mask), (long)&mask), sizeof(mask));
	return __builtin_popcountll(mask);
}

/* sched_setaffinity: pinned to CPU 1 it runs only there; its refusals. */
void test_affinity(void)
{
	uint64_t mask = 0;
	int cpus = online_cpus();

	CHECK(cpus >= 1);
	CHECK_EQ(set_affinity(0, 0), -EINVAL);
	CHECK_EQ(set_affinity(0, 1ull << 60), -EINVAL); /* no such CPU runs */
	CHECK_EQ(syscall3(__NR_sched_setaffinity, 0, 0, (long)&mask), -EINVAL);
	CHECK_EQ(syscall3(__NR_sched_setaffinity, 0, 8, KERNEL_HALF), -EFAULT);
	CHECK_EQ(set_affinity(-1, 1), -ESRCH);
	int pid = spawn_exit(0);
	raw_reap(pid);
	CHECK_EQ(set_affinity(pid, 1), -ESRCH);
	CHECK_EQ(set_affinity(0, 1), 0);
	CHECK_EQ(this_cpu(), 0);
	CHECK_EQ(syscall3(__NR_sched_getaffinity, 0, 8, (long)&mask), 8);
	CHECK_EQ(mask, 1);
	CHECK_EQ(set_affinity(0, ~0ull), 0);
	CHECK_EQ(online_cpus(), cpus);
	if (cpus < 2)
		return; /* one hart: nowhere else to go */
	CHECK_EQ(set_affinity(0, 2), 0);
	for (int i = 0; i < 20; i++) {
		CHECK_EQ(this_cpu(), 1);
		sched_yield();
	}
	pid = fork();
	if (pid == 0)
		_exit(this_cpu() != 1); /* inherited */
	CHECK_EQ(raw_reap(pid), 0);
}

static void policy_as_user(void)
{
	int prio = 10;

	drop_root();
	CHECK_EQ(syscall3(__NR_sched_setscheduler, 0, 1, (long)&prio), -EPERM);
}

/* SCHED_OTHER and the policy calls' answers and refusals. */
void test_sched_policy(void)
{
	int prio = 7;

	CHECK_EQ(syscall1(__NR_sched_getscheduler, 0), 0);
	CHECK_EQ(syscall2(__NR_sched_getparam, 0, (long)&prio), 0);
	CHECK_EQ(prio, 0);
	CHECK_EQ(syscall3(__NR_sched_setscheduler, 0, 0, (long)&prio), 0);
	CHECK_EQ(syscall2(__NR_sched_setparam, 0, (long)&prio), 0);
	prio = 5;
	CHECK_EQ(syscall3(__NR_sched_setscheduler, 0, 0, (long)&prio), -EINVAL);
	CHECK_EQ(syscall2(__NR_sched_setparam, 0, (long)&prio), -EINVAL);
	CHECK_EQ(syscall3(__NR_sched_setscheduler, 0, 8, (long)&prio), -EINVAL);
	CHECK_EQ(syscall3(__NR_sched_setscheduler, 0, 0, 0), -EINVAL);
	CHECK_EQ(syscall3(__NR_sched_setscheduler, -1, 0, (long)&prio), -EINVAL);
	CHECK_EQ(syscall3(__NR_sched_setscheduler, 0, 0, KERNEL_HALF), -EFAULT);
	CHECK_EQ(syscall2(__NR_sched_getparam, 0, 0), -EINVAL);
	CHECK_EQ(syscall2(__NR_sched_getparam, 0, KERNEL_HALF), -EFAULT);
	CHECK_EQ(syscall1(__NR_sched_getscheduler, -1), -EINVAL);
	CHECK_EQ(syscall1(__NR_sched_get_priority_max, 1), 99);
	CHECK_EQ(syscall1(__NR_sched_get_priority_min, 1), 1);
	CHECK_EQ(syscall1(__NR_sched_get_priority_max, 2), 99);
	CHECK_EQ(syscall1(__NR_sched_get_priority_max, 0), 0);
	CHECK_EQ(syscall1(__NR_sched_get_priority_min, 0), 0);
	CHECK_EQ(syscall1(__NR_sched_get_priority_max, 6), 0); /* SCHED_DEADLINE */
	CHECK_EQ(syscall1(__NR_sched_get_priority_max, 8), -EINVAL);
	CHECK_EQ(syscall1(__NR_sched_get_priority_min, -1), -EINVAL);
	int pid = spawn_exit(0);
	raw_reap(pid);
	CHECK_EQ(syscall1(__NR_sched_getscheduler, pid), -ESRCH);
	if (on_linux)
		return; /* the host's container may not grant real-time or setuid */
	prio = 10;
	CHECK_EQ(syscall3(__NR_sched_setscheduler, 0, 1, (long)&prio), 0);
	CHECK_EQ(syscall1(__NR_sched_getscheduler, 0), 1);
	CHECK_EQ(syscall3(__NR_sched_setscheduler, 0, 0, (long)&(int){0}), 0);
	CHECK_EQ(raw_reap(spawn(policy_as_user)), 0);
}

/* A whole number from the first line of path that starts with prefix
 * (the rest of that line after it), or -1. */
/* Path's text (one read) into buf, NUL-terminated: its length, or -1. */
static long read_text(const char *path, char *buf, size_t size)
{
	int fd = open(path, 0);
	long n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

static long field_after(const char *path, const char *prefix)
{
	static char buf[16384];

	if (read_text(path, buf, sizeof(buf)) <= 0)
		return -1;
	size_t len = strlen(prefix);
	for (char *line = buf; line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, prefix, len))
			return strtol(line + len, NULL, 10);
	return -1;
}

/* How many harts are online: /proc/harts has a line each. */
static int harts_online(void)
{
	static char buf[4096];
	long n = read_text("/proc/harts", buf, sizeof(buf));
	int lines = 0;

	for (long i = 0; i < n; i++)
		lines += buf[i] == '\n';
	return lines;
}

/*
 * Tickless idle: while this process sleeps a second and nothing else
 * runs, the harts take timer interrupts only for what waits on time (this
 * sleep, a cap of one a second each), not 100 ticks a second each (400 on
 * 4 harts before).  /proc/traps's "1005 N timer" line counts them.
 */
void test_idle_no_tick(void)
{
	if (on_linux)
		return; /* Sluice's own /proc/traps */
	int harts = harts_online();
	long t0 = field_after("/proc/traps", "1005 ");
	struct timespec one = {1, 0};
	CHECK(harts >= 1 && t0 >= 0);
	nanosleep(&one, NULL);
	long t1 = field_after("/proc/traps", "1005 ");
	printf("  idle_no_tick: %ld timer interrupts in 1 s on %d harts\n", t1 - t0, harts);
	CHECK(t1 - t0 < 10 * harts + 10);
}

/* The state letter of /proc/<pid>/stat ('S': asleep), or 0. */
static char proc_state(int pid)
{
	char path[32], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_text(path, buf, sizeof(buf)) <= 0)
		return 0;
	char *paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' ? paren[2] : 0;
}

/* The child of exit_wake_sync: exit with its hart once its parent sleeps
 * in wait4, so that the exit is what wakes it. */
static void exit_when_parent_sleeps(void)
{
	while (proc_state(getppid()) != 'S')
		sched_yield();
	_exit(this_cpu());
}

/* The processes placed on another, idle hart so far: /proc/harts's
 * "placed" counts summed. */
static long placed_remote(void)
{
	static char buf[4096];
	long sum = 0;

	if (read_text("/proc/harts", buf, sizeof(buf)) <= 0)
		return -1;
	for (char *at = buf; (at = strstr(at, " placed ")) != NULL; at += 8)
		sum += strtol(at + 8, NULL, 10);
	return sum;
}

/*
 * A parent woken by its child's exit runs next on the hart the child died
 * on when nothing else waits there (Linux's sync wakeup, sched.c's
 * wake_sync): that hart is about to be free, so the parent needs no IPI
 * and no other hart.  Before, it was placed on an idle hart (never the
 * child's, busy with the exit), which an IPI woke, and there it waited for
 * the child to be off its own.  So each round places one process
 * remotely, the child at its fork, not two.
 */
void test_exit_wake_sync(void)
{
	const int rounds = 40;
	int told = 0, same = 0;

	if (on_linux)
		return; /* Sluice's own /proc/harts */
	long placed = placed_remote();
	CHECK(placed >= 0);
	for (int i = 0; i < rounds; i++) {
		int before = this_cpu(), pid = fork();
		if (pid == 0)
			exit_when_parent_sleeps();
		int child = raw_reap(pid) >> 8 & 0xff; /* Linux's wait status */
		if (child != before) {		       /* only then does the placement tell */
			told++;
			same += child == this_cpu();
		}
	}
	placed = placed_remote() - placed;
	printf("  exit_wake_sync: %d of %d parents woken on their child's other hart; "
	       "%ld placed on an idle hart in %d rounds (%d harts)\n",
	       same, told, placed, rounds, harts_online());
	CHECK(same >= told - 1);
	CHECK(placed <= rounds + rounds / 4);
}

/* CLOCK_MONOTONIC in nanoseconds. */
static long long mono_ns(void)
{
	struct timespec t;

	CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &t), 0);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* A child of sched_spreads: at the go, may run on any hart; busy until
 * 600 ms after it; notes in slot[0] how long after the go it first found
 * itself off hart 0. */
static void spread_child(volatile long long *go, volatile long long *slot)
{
	while (!*go)
		;
	CHECK_EQ(set_affinity(0, ~0ull), 0);
	for (long long now = mono_ns(); now - *go < 600000000LL; now = mono_ns())
		if (this_cpu() != 0 && !*slot)
			*slot = now - *go > 0 ? now - *go : 1;
	_exit(0);
}

/*
 * Two busy processes on one hart spread to an idle one within a few
 * ticks.  An idle hart has no tick (tickless idle), so before, nothing
 * made one look for work until its one-second cap or some wake-up of its
 * own; now the busy hart's tick wakes an idle hart to steal the waiting
 * process (sched.c's kick_idle_hart).  Both start pinned to hart 0 and
 * unpin themselves at the go (so the first runs on, the second unpins when
 * it gets its turn, and the first then waits in hart 0's queue); the
 * parent sleeps through it in one long sleep so that its own wake-ups do
 * not make a hart look.
 */
void test_sched_spreads(void)
{
	const uint64_t hart0 = 1, any = ~0ull;
	int pids[2];

	if (on_linux || harts_online() < 2)
		return; /* Sluice's own balancing; one hart: nowhere to go */
	volatile long long *shared =
		mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(shared != MAP_FAILED);
	CHECK_EQ(set_affinity(0, hart0), 0);
	for (int i = 0; i < 2; i++)
		if ((pids[i] = fork()) == 0)
			spread_child(&shared[0], &shared[1 + i]);
	CHECK_EQ(set_affinity(0, any), 0);
	struct timespec settle = {0, 50000000}; /* both on hart 0's queue */
	nanosleep(&settle, NULL);
	shared[0] = mono_ns();
	struct timespec wait = {0, 700000000};
	nanosleep(&wait, NULL);
	for (int i = 0; i < 2; i++)
		CHECK_EQ(raw_reap(pids[i]), 0);
	long long first =
		shared[1] && (!shared[2] || shared[1] < shared[2]) ? shared[1] : shared[2];
	printf("  sched_spreads: a process left hart 0 %lld ms after it could\n", first / 1000000);
	CHECK(first > 0 && first < 200000000LL);
	munmap((void *)shared, 4096);
}
