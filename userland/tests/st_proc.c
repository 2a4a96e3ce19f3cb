/*
 * st_proc.c - processes in numbers: a fork bomb (it must end in EAGAIN at
 * threads-max, not in a starved kernel), a thousand processes at once,
 * signal storms, SIGKILL for processes asleep in every kind of wait, and
 * recursion off the end of the stack.
 */
#include <stdio.h>
#include <string.h>

#include "stress.h"

/* rt_sigaction with Linux's numbers: handler for sig, no flags. */
static void on_signal(int sig, void (*handler)(int))
{
	struct kernel_sigaction ka = {.handler = (void *)handler};

	CHECK_EQ(syscall4(__NR_rt_sigaction, sig, (long)&ka, 0, 8), 0);
}

static void sleep_forever(void)
{
	for (;;)
		sleep_ms_all(100000);
}

/*
 * Signal the process group until nobody is left in it: a member may fork
 * after the signal went out, and its child, not there to get it, would
 * carry on.  Again only every 5 s: each round interrupts every member.
 * The group's leader is our child: kill finds it until it is reaped (as
 * on Linux), so it is reaped here as soon as it ends; its wait status is
 * the result.
 */
static int signal_group(int pgid, int sig)
{
	int status = 0;
	bool reaped = false;

	for (int i = 0;; i++) {
		if (!reaped)
			reaped = syscall4(__NR_wait4, pgid, (long)&status, 1 /* WNOHANG */, 0) ==
				 pgid;
		if (syscall2(__NR_kill, -pgid, i % 50 ? 0 : sig) != 0)
			break;
		sleep_ms_all(100);
	}
	if (!reaped)
		test_fail(__FILE__, __LINE__, "the group's leader %d went unreaped", pgid);
	return status;
}

/* --- the fork bomb --- */

static int bomb_pipe[2];
static volatile int bomb_over;

static void bomb_stop(int sig)
{
	(void)sig;
	bomb_over = 1;
}

/*
 * Every process forks for ever; at its first failure it reports the error
 * and waits.  SIGTERM ends the bomb: each process reaps its children and
 * exits, so nothing is left for init to reap (and report).
 */
static void bomb(void)
{
	CHECK_EQ(syscall2(__NR_setpgid, 0, 0), 0);
	on_signal(LINUX_SIGTERM, bomb_stop);
	while (!bomb_over) {
		long pid = raw_fork();
		if (pid < 0) {
			int err = (int)-pid;
			long ts[2] = {100, 0};
			syscall3(__NR_write, bomb_pipe[1], (long)&err, sizeof(err));
			while (!bomb_over) /* SIGTERM ends the sleep: EINTR */
				syscall2(__NR_nanosleep, (long)ts, 0);
		}
	}
	while (syscall4(__NR_wait4, -1, 0, 0, 0) != -ECHILD)
		;
	_exit(0);
}

static void nothing(void)
{
}

void test_fork_bomb(void)
{
	long max = proc_number("/proc/sys/kernel/threads-max"), before = proc_processes();
	long n, prev = -1, free;
	int err = 0, root;

	long start = now_ms(), full, ended;

	make_pipe(bomb_pipe);
	root = spawn(bomb);
	CHECK_EQ(read_full(bomb_pipe[0], &err, sizeof(err)), sizeof(err));
	/* Let every process get to its failed fork: the count stops growing. */
	while ((n = proc_processes()) != prev) {
		prev = n;
		sleep_ms_all(300);
	}
	free = free_pages();
	full = now_ms();
	printf("  fork_bomb: %s at %ld processes (threads-max %ld), %ld pages still free\n",
	       err == EAGAIN ? "EAGAIN" : strerror(err), n, max, free);
	/* Ended first, checked after: a failed check must not leave it running. */
	expect_exit(signal_group(root, LINUX_SIGTERM), 0);
	ended = now_ms();
	printf("  fork_bomb: full in %ld ms, all gone %ld ms after SIGTERM\n", full - start,
	       ended - full);
	CHECK_EQ(err, EAGAIN); /* the task limit, not memory, stopped it */
	CHECK(n >= max - 2 && n <= max);
	CHECK(free > 1024); /* the kernel was not starved */
	/* The system recovers: every process is gone, and fork works. */
	CHECK_EQ(proc_processes(), before);
	expect_exit(reap(spawn(nothing)), 0);
}

/* --- a thousand processes --- */

#define THOUSAND 1000
static int gate[2];

/* Wait at the gate (end of file when the parent closes it), then exit. */
static void at_the_gate(void)
{
	char c;

	syscall1(__NR_close, gate[1]);
	_exit(syscall3(__NR_read, gate[0], (long)&c, 1) == 0 ? 7 : 1);
}

void test_thousand_procs(void)
{
	static int pids[THOUSAND];
	long max = proc_number("/proc/sys/kernel/threads-max"), before = proc_processes();

	if (max < THOUSAND + before + 1)
		test_fail(__FILE__, __LINE__, "threads-max %ld is too small: run with 256 MiB",
			  max);
	CHECK_EQ(syscall2(__NR_pipe2, (long)gate, 0), 0);
	for (int i = 0; i < THOUSAND; i++)
		pids[i] = spawn(at_the_gate);
	CHECK_EQ(proc_processes(), before + THOUSAND);
	syscall1(__NR_close, gate[1]); /* open the gate: all thousand read end of file */
	for (int i = 0; i < THOUSAND; i++)
		expect_exit(reap(pids[i]), 7);
	CHECK_EQ(proc_processes(), before);
}

/* --- signal storms --- */

static volatile long storm_caught;
static volatile int storm_over;

static void storm_count(int sig)
{
	(void)sig;
	storm_caught++;
}

static void storm_stop(int sig)
{
	(void)sig;
	storm_over = 1;
}

static int storm_out[2];

/* The target: handles SIGUSR1 while it sleeps, forks and uses a pipe. */
static void storm_target(void)
{
	int p[2];
	char c = 'x';

	on_signal(LINUX_SIGUSR1, storm_count);
	on_signal(LINUX_SIGUSR2, storm_stop);
	write_full(storm_out[1], &c, 1); /* ready: the handlers are in place */
	make_pipe(p);
	while (!storm_over) {
		sleep_ms_all(1);
		long pid = raw_fork();
		if (pid == 0)
			_exit(3);
		if (pid > 0)
			expect_exit(reap((int)pid), 3);
		write_full(p[1], &c, 1);
		CHECK_EQ(read_full(p[0], &c, 1), 1);
	}
	write_full(storm_out[1], (const void *)&storm_caught, sizeof(long));
}

static int storm_victim;

static void storm_sender(void)
{
	for (int i = 0; i < 2000; i++)
		CHECK_EQ(syscall2(__NR_kill, storm_victim, LINUX_SIGUSR1), 0);
}

void test_signal_storm(void)
{
	enum { SENDERS = 8 };
	int senders[SENDERS];
	long caught = 0;
	char ready;

	make_pipe(storm_out);
	storm_victim = spawn(storm_target);
	CHECK_EQ(read_full(storm_out[0], &ready, 1), 1);
	for (int i = 0; i < SENDERS; i++)
		senders[i] = spawn(storm_sender);
	for (int i = 0; i < SENDERS; i++)
		expect_exit(reap(senders[i]), 0);
	CHECK_EQ(syscall2(__NR_kill, storm_victim, LINUX_SIGUSR2), 0);
	expect_exit(reap(storm_victim), 0);
	CHECK_EQ(read_full(storm_out[0], &caught, sizeof(caught)), sizeof(caught));
	printf("  signal_storm: %d signals sent, %ld handled (the rest merged while pending)\n",
	       SENDERS * 2000, caught);
	CHECK(caught > 0 && caught <= SENDERS * 2000);
}

/* --- SIGKILL for sleepers --- */

static int sleep_pipe[2], full_pipe[2];

static void sleep_in_read(void)
{
	char c;

	syscall1(__NR_close, sleep_pipe[1]); /* the parent's is the last writer */
	syscall3(__NR_read, sleep_pipe[0], (long)&c, 1);
}

static void sleep_in_write(void)
{
	static char buf[65536];

	for (;;) /* the pipe fills, then the write sleeps */
		syscall3(__NR_write, full_pipe[1], (long)buf, sizeof(buf));
}

/* In wait4, for a child that waits for the parent's pipe to close. */
static void sleep_in_wait(void)
{
	spawn(sleep_in_read);
	for (;;)
		syscall4(__NR_wait4, -1, 0, 0, 0);
}

static void (*const sleepers[])(void) = {sleep_in_read, sleep_in_write, sleep_forever,
					 sleep_in_wait};

void test_sigkill_sleepers(void)
{
	enum { N = 64 };
	int pids[N];
	long start;

	make_pipe(sleep_pipe);
	make_pipe(full_pipe);
	for (int i = 0; i < N; i++)
		pids[i] = spawn(sleepers[i % 4]);
	sleep_ms_all(500); /* all asleep by now */
	start = now_ms();
	for (int i = 0; i < N; i++)
		CHECK_EQ(syscall2(__NR_kill, pids[i], LINUX_SIGKILL), 0);
	for (int i = 0; i < N; i++)
		expect_killed(reap(pids[i]), SIGKILL);
	printf("  sigkill_sleepers: %d sleepers in read, write, nanosleep and wait4 killed in "
	       "%ld ms\n",
	       N, now_ms() - start);
	CHECK(now_ms() - start < 5000);
	/* The waiters' children (now init's) read end of file and exit. */
	syscall1(__NR_close, sleep_pipe[1]);
}

/* --- recursion off the end of the stack --- */

/* Until the stack runs out: the bound is never reached (16 GiB of frames). */
static volatile int recurse_limit = 1 << 24;

static int __attribute__((noinline)) recurse(int depth)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	if (depth >= recurse_limit)
		return frame[0];
	return recurse(depth + 1) + frame[0];
}

static void recurse_with_handler(void)
{
	on_signal(LINUX_SIGSEGV, storm_count); /* no stack left to run it on */
	recurse(0);
}

static void recurse_plain(void)
{
	recurse(0);
}

void test_deep_recursion(void)
{
	int pids[4];

	for (int i = 0; i < 4; i++)
		pids[i] = spawn(i % 2 ? recurse_with_handler : recurse_plain);
	for (int i = 0; i < 4; i++)
		expect_killed(reap(pids[i]), SIGSEGV);
}
