/*
 * t_sigwait.c - waiting for signals and for files: rt_sigsuspend, ppoll and
 * pselect6 with their temporary signal masks and timeouts, stop and
 * continue, sessions.
 *
 * The calls are made raw (syscallN with Linux's numbers and masks), so the
 * tests see exactly what the kernel answers; handlers go through the
 * runtime's sigaction, which numbers signals as picolibc does.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "usertests.h"

#define LBIT(lsig) (1ull << ((lsig)-1))

static volatile int got_usr1;
static volatile uint64_t mask_in_handler;

static uint64_t current_mask(void)
{
	uint64_t m = 0;

	CHECK_EQ(syscall4(__NR_rt_sigprocmask, LINUX_SIG_SETMASK, 0, (long)&m, 8), 0);
	return m;
}

static void set_mask(uint64_t m)
{
	CHECK_EQ(syscall4(__NR_rt_sigprocmask, LINUX_SIG_SETMASK, (long)&m, 0, 8), 0);
}

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
	mask_in_handler = current_mask();
}

static void catch_usr1(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	got_usr1 = 0;
}

/* A child that sends SIGUSR1 to the parent after ms milliseconds. */
static int usr1_later(int ms)
{
	int parent = getpid(), pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		struct timespec ts = {0, ms * 1000000L};
		nanosleep(&ts, NULL);
		syscall2(__NR_kill, parent, LINUX_SIGUSR1);
		_exit(0);
	}
	return pid;
}

/*
 * rt_sigsuspend: SIGUSR1 blocked, then waited for with a mask that lets it
 * in.  The handler runs under the temporary mask (plus SIGUSR1 itself),
 * the call answers EINTR, and the old mask is back afterwards.
 */
void test_sigsuspend(void)
{
	uint64_t waitmask = LBIT(LINUX_SIGUSR2);

	catch_usr1();
	set_mask(LBIT(LINUX_SIGUSR1));
	int pid = usr1_later(20);
	CHECK_EQ(syscall2(__NR_rt_sigsuspend, (long)&waitmask, 8), -EINTR);
	CHECK_EQ(got_usr1, 1);
	CHECK_EQ(mask_in_handler & (LBIT(LINUX_SIGUSR1) | LBIT(LINUX_SIGUSR2)),
		 LBIT(LINUX_SIGUSR1) | LBIT(LINUX_SIGUSR2));
	CHECK_EQ(current_mask(), LBIT(LINUX_SIGUSR1));
	reap(pid);

	/* Already pending and blocked: the call returns at once. */
	CHECK_EQ(syscall2(__NR_kill, getpid(), LINUX_SIGUSR1), 0);
	CHECK_EQ(got_usr1, 1);
	waitmask = 0;
	CHECK_EQ(syscall2(__NR_rt_sigsuspend, (long)&waitmask, 8), -EINTR);
	CHECK_EQ(got_usr1, 2);
	CHECK_EQ(current_mask(), LBIT(LINUX_SIGUSR1));
}

/* Its arguments: a bad pointer, a wrong set size; SIGKILL cannot be
 * blocked by the temporary mask, so the process still dies. */
void test_sigsuspend_bad(void)
{
	uint64_t all = ~0ull;

	CHECK_EQ(syscall2(__NR_rt_sigsuspend, 0, 8), -EFAULT);
	CHECK_EQ(syscall2(__NR_rt_sigsuspend, (long)KERNEL_IMAGE, 8), -EFAULT);
	CHECK_EQ(syscall2(__NR_rt_sigsuspend, (long)&all, 4), -EINVAL);
	CHECK_EQ(syscall2(__NR_rt_sigsuspend, (long)&all, 16), -EINVAL);

	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		syscall2(__NR_rt_sigsuspend, (long)&all, 8);
		_exit(7);
	}
	struct timespec ts = {0, 20000000};
	nanosleep(&ts, NULL);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGKILL), 0);
	int status = reap(pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}
