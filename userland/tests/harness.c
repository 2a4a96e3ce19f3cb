/*
 * harness.c - what usertests, fstests and stress share (harness.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

const char *harness_test;
jmp_buf *harness_fail_jump;

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("  %s: %s:%d: ", harness_test ? harness_test : "?", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (harness_fail_jump)
		longjmp(*harness_fail_jump, 1);
	/* _exit, not exit: a vfork child or a thread must not run atexit. */
	fflush(stdout);
	_exit(1);
}

void note(const char *fmt, ...)
{
	va_list ap;

	printf("  %s: ", harness_test ? harness_test : "?");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Put how the child ended, against what the test wanted, into why. */
static bool judge(int status, int expect_signal, char *why, size_t n)
{
	if (WIFEXITED(status)) {
		if (!expect_signal && WEXITSTATUS(status) == 0)
			return true;
		if (expect_signal)
			snprintf(why, n, "exited with status %d, expected signal %d",
				 WEXITSTATUS(status), expect_signal);
		else
			snprintf(why, n, "exited with status %d", WEXITSTATUS(status));
		return false;
	}
	if (WIFSIGNALED(status)) {
		if (WTERMSIG(status) == expect_signal)
			return true;
		snprintf(why, n, "killed by signal %d%s", WTERMSIG(status),
			 expect_signal ? ", expected another" : "");
		return false;
	}
	snprintf(why, n, "wait status %#x", status);
	return false;
}

int harness_run_child(const char *name, void (*fn)(void), const char *dir, int expect_signal,
		      char *why, size_t n)
{
	int pid, status;

	fflush(stdout);
	pid = fork();
	if (pid < 0 && errno == ENOSYS)
		return -1;
	if (pid < 0) {
		snprintf(why, n, "fork: %s", strerror(errno));
		return 0;
	}
	if (pid == 0) {
		harness_test = name;
		if (dir && chdir(dir) < 0)
			FAIL("chdir %s: %s", dir, strerror(errno));
		fn();
		exit(0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		snprintf(why, n, "waitpid: %s", strerror(errno));
		return 0;
	}
	return judge(status, expect_signal, why, n);
}

bool harness_named(const char *name, int argc, char **argv, const char *skip_arg, bool *named)
{
	*named = false;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-') {
			i += skip_arg && strcmp(argv[i], skip_arg) == 0; /* and its value */
			continue;
		}
		*named = true;
		if (strcmp(argv[i], name) == 0)
			return true;
	}
	return false;
}

int spawn(void (*fn)(void))
{
	int pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		FAIL("fork: %s", strerror(errno));
	if (pid == 0) {
		fn();
		exit(0);
	}
	return pid;
}

int spawn_exit(int code)
{
	int pid = fork();

	if (pid < 0)
		FAIL("fork: %s", strerror(errno));
	if (pid == 0)
		_exit(code);
	return pid;
}

int reap(int pid)
{
	int status, w;

	do
		w = waitpid(pid, &status, 0);
	while (w < 0 && errno == EINTR);
	if (w != pid)
		FAIL("waitpid(%d) = %d: %s", pid, w, strerror(errno));
	return status;
}

long raw_wait(long pid, int *status, long options)
{
	return syscall4(__NR_wait4, pid, (long)status, options, 0);
}

int raw_reap(long pid)
{
	int status = 0;

	CHECK_EQ(raw_wait(pid, &status, 0), pid);
	return status;
}

void expect_exit(int status, int code)
{
	if (!WIFEXITED(status))
		FAIL("wait status %#x, want exit %d", status, code);
	CHECK_EQ(WEXITSTATUS(status), code);
}

void expect_killed(int status, int sig)
{
	if (!WIFSIGNALED(status))
		FAIL("wait status %#x, want signal %d", status, sig);
	CHECK_EQ(WTERMSIG(status), sig);
}

void sleep_ms(long ms)
{
	long ts[2] = {ms / 1000, ms % 1000 * 1000000};

	syscall2(__NR_nanosleep, (long)ts, 0);
}

void sleep_ms_all(long ms)
{
	long ts[2] = {ms / 1000, ms % 1000 * 1000000};

	while (syscall2(__NR_nanosleep, (long)ts, (long)ts) == -EINTR)
		;
}

long now_ms(void)
{
	long ts[2];

	syscall2(__NR_clock_gettime, LINUX_CLOCK_MONOTONIC, (long)ts);
	return ts[0] * 1000 + ts[1] / 1000000;
}

uint64_t sigmask_now(void)
{
	uint64_t m = 0;

	CHECK_EQ(syscall4(__NR_rt_sigprocmask, LINUX_SIG_SETMASK, 0, (long)&m, 8), 0);
	return m;
}

void sigmask_set(uint64_t m)
{
	CHECK_EQ(syscall4(__NR_rt_sigprocmask, LINUX_SIG_SETMASK, (long)&m, 0, 8), 0);
}
