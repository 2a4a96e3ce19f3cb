/*
 * t_timer.c - POSIX timers (timer_create and the rest) as Linux runs them:
 * the signal and its siginfo, periods and overruns, L_SIGEV_NONE, absolute
 * CLOCK_REALTIME deadlines, the refusals; and clock_settime and
 * settimeofday, which only root may use.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "usertests.h"

#define L_SIGEV_SIGNAL	  0
#define L_SIGEV_NONE	  1
#define L_SIGEV_TID	  4
#define L_CLOCK_REALTIME  0
#define L_CLOCK_MONOTONIC 1
#define L_SI_TIMER	  (-2)

struct k_sigevent {
	uint64_t value;
	int signo, notify, tid, pad[11];
};

struct k_its {
	long isec, insec, vsec, vnsec;
};

struct k_info {
	int signo, err, code, pad;
	int timerid, overrun;
	uint64_t value;
	int rest[24];
};

static void block_usr1(void)
{
	uint64_t set = 1ull << (LINUX_SIGUSR1 - 1);

	CHECK_EQ(syscall4(__NR_rt_sigprocmask, 0 /* SIG_BLOCK */, (long)&set, 0, 8), 0);
}

/* Wait up to ms for SIGUSR1 (blocked); its number, or -EAGAIN. */
static long wait_usr1(struct k_info *si, long ms)
{
	uint64_t set = 1ull << (LINUX_SIGUSR1 - 1);
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	return syscall4(__NR_rt_sigtimedwait, (long)&set, (long)si, (long)&ts, 8);
}

static int make_timer(int clock, int notify, int tid)
{
	struct k_sigevent ev = {
		.value = 0x1234, .signo = LINUX_SIGUSR1, .notify = notify, .tid = tid};
	int id = -1;

	CHECK_EQ(syscall3(__NR_timer_create, clock, (long)&ev, (long)&id), 0);
	CHECK(id >= 0);
	return id;
}

static long settime(int id, int flags, long vsec, long vnsec, long insec, struct k_its *old)
{
	struct k_its its = {0, insec, vsec, vnsec};

	return syscall4(__NR_timer_settime, id, flags, (long)&its, (long)old);
}

/* A one-shot timer's signal carries L_SI_TIMER, the id and sigev_value. */
void test_timer_signal(void)
{
	struct k_info si;
	struct k_its cur;

	block_usr1();
	int id = make_timer(L_CLOCK_MONOTONIC, L_SIGEV_SIGNAL, 0);
	CHECK_EQ(settime(id, 0, 0, 50000000, 0, NULL), 0);
	CHECK_EQ(syscall2(__NR_timer_gettime, id, (long)&cur), 0);
	CHECK(cur.vsec == 0 && cur.vnsec > 0 && cur.vnsec <= 50000000 && cur.insec == 0);
	CHECK_EQ(wait_usr1(&si, 2000), LINUX_SIGUSR1);
	CHECK_EQ(si.code, L_SI_TIMER);
	if (!on_linux) /* qemu-riscv64's ids are its own; the signal has the host's */
		CHECK_EQ(si.timerid, id);
	CHECK_EQ(si.overrun, 0);
	CHECK_EQ(si.value, 0x1234);
	CHECK_EQ(syscall2(__NR_timer_gettime, id, (long)&cur), 0);
	CHECK(cur.vsec == 0 && cur.vnsec == 0); /* spent */
	CHECK_EQ(wait_usr1(&si, 100), -EAGAIN); /* once only */
	/* By thread id (SIGEV_THREAD_ID, this thread), on CLOCK_REALTIME. */
	int id2 = make_timer(L_CLOCK_REALTIME, L_SIGEV_TID, (int)syscall0(__NR_gettid));
	CHECK(id2 != id);
	CHECK_EQ(settime(id2, 0, 0, 20000000, 0, NULL), 0);
	CHECK_EQ(wait_usr1(&si, 2000), LINUX_SIGUSR1);
	if (!on_linux)
		CHECK_EQ(si.timerid, id2);
	CHECK_EQ(syscall1(__NR_timer_delete, id2), 0);
	CHECK_EQ(syscall1(__NR_timer_delete, id), 0);
}

/* A periodic timer whose signal stays blocked: one signal, the rest overruns. */
void test_timer_overrun(void)
{
	struct k_info si;
	struct k_its old;
	struct timespec nap = {0, 300000000};

	block_usr1();
	int id = make_timer(L_CLOCK_MONOTONIC, L_SIGEV_SIGNAL, 0);
	CHECK_EQ(settime(id, 0, 0, 20000000, 20000000, NULL), 0);
	nanosleep(&nap, NULL);
	CHECK_EQ(wait_usr1(&si, 1000), LINUX_SIGUSR1);
	CHECK(si.overrun >= 5 && si.overrun <= 15);
	CHECK_EQ(syscall1(__NR_timer_getoverrun, id), si.overrun);
	/* Disarmed: the old setting comes back. */
	CHECK_EQ(settime(id, 0, 0, 0, 0, &old), 0);
	CHECK(old.isec == 0 && old.insec == 20000000 && old.vsec == 0 && old.vnsec <= 20000000);
	CHECK_EQ(syscall1(__NR_timer_delete, id), 0);
}

/* L_SIGEV_NONE counts down without a signal; an absolute realtime deadline. */
void test_timer_none_abs(void)
{
	struct k_info si;
	struct k_its cur;
	struct timespec now;

	block_usr1();
	int id = make_timer(L_CLOCK_MONOTONIC, L_SIGEV_NONE, 0);
	CHECK_EQ(settime(id, 0, 5, 0, 0, NULL), 0);
	CHECK_EQ(syscall2(__NR_timer_gettime, id, (long)&cur), 0);
	CHECK(cur.vsec == 4 || cur.vsec == 5);
	CHECK_EQ(settime(id, 0, 0, 10000000, 0, NULL), 0);
	CHECK_EQ(wait_usr1(&si, 100), -EAGAIN);
	CHECK_EQ(syscall1(__NR_timer_delete, id), 0);

	id = make_timer(L_CLOCK_REALTIME, L_SIGEV_SIGNAL, 0);
	clock_gettime(CLOCK_REALTIME, &now);
	CHECK_EQ(settime(id, 1 /* TIMER_ABSTIME */, now.tv_sec, now.tv_nsec, 0, NULL), 0);
	CHECK_EQ(wait_usr1(&si, 1000), LINUX_SIGUSR1); /* past already: at once */
	CHECK_EQ(settime(id, 1, now.tv_sec + 100, 0, 0, NULL), 0);
	CHECK_EQ(syscall2(__NR_timer_gettime, id, (long)&cur), 0);
	CHECK(cur.vsec >= 98 && cur.vsec <= 100);
	CHECK_EQ(syscall1(__NR_timer_delete, id), 0);
}

/* Linux's refusals; a child neither inherits nor sees its parent's timers. */
void test_timer_bad(void)
{
	struct k_sigevent ev = {.signo = LINUX_SIGUSR1, .notify = L_SIGEV_SIGNAL};
	struct k_its its = {0, 0, 1, 0};
	int id;

	CHECK_EQ(syscall3(__NR_timer_create, 99, (long)&ev, (long)&id), -EINVAL);
	CHECK_EQ(syscall3(__NR_timer_create, L_CLOCK_MONOTONIC, KERNEL_HALF, (long)&id), -EFAULT);
	ev.signo = 0;
	CHECK_EQ(syscall3(__NR_timer_create, L_CLOCK_MONOTONIC, (long)&ev, (long)&id), -EINVAL);
	ev.signo = 65;
	CHECK_EQ(syscall3(__NR_timer_create, L_CLOCK_MONOTONIC, (long)&ev, (long)&id), -EINVAL);
	ev = (struct k_sigevent){.signo = LINUX_SIGUSR1, .notify = 3};
	CHECK_EQ(syscall3(__NR_timer_create, L_CLOCK_MONOTONIC, (long)&ev, (long)&id), -EINVAL);
	ev = (struct k_sigevent){.signo = LINUX_SIGUSR1, .notify = L_SIGEV_TID, .tid = 1};
	CHECK_EQ(syscall3(__NR_timer_create, L_CLOCK_MONOTONIC, (long)&ev, (long)&id), -EINVAL);
	/* No sigevent: SIGALRM with the id as the value. */
	CHECK_EQ(syscall3(__NR_timer_create, L_CLOCK_MONOTONIC, 0, (long)&id), 0);
	CHECK_EQ(syscall4(__NR_timer_settime, id, 0, 0, 0), -EINVAL);
	CHECK_EQ(syscall4(__NR_timer_settime, id, 0, KERNEL_HALF, 0), -EFAULT);
	its.vnsec = 1000000000;
	CHECK_EQ(syscall4(__NR_timer_settime, id, 0, (long)&its, 0), -EINVAL);
	its = (struct k_its){0, 0, -1, 0};
	CHECK_EQ(syscall4(__NR_timer_settime, id, 0, (long)&its, 0), -EINVAL);
	CHECK_EQ(syscall4(__NR_timer_settime, id + 1000, 0, (long)&its, 0), -EINVAL);
	CHECK_EQ(syscall2(__NR_timer_gettime, id + 1000, (long)&its), -EINVAL);
	CHECK_EQ(syscall2(__NR_timer_gettime, id, KERNEL_HALF), -EFAULT);
	CHECK_EQ(syscall1(__NR_timer_getoverrun, id + 1000), -EINVAL);
	int pid = fork();
	if (pid == 0)
		_exit(syscall1(__NR_timer_delete, id) != -EINVAL);
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(syscall1(__NR_timer_delete, id), 0);
	CHECK_EQ(syscall1(__NR_timer_delete, id), -EINVAL);
}

static void exec_with_timer(void)
{
	char path[256], *argv[] = {"usertests", "--timer-gone", NULL};
	int id = make_timer(L_CLOCK_MONOTONIC, L_SIGEV_SIGNAL, 0);

	CHECK_EQ(settime(id, 0, 0, 300000000, 0, NULL), 0);
	snprintf(path, sizeof(path), "%s/bin/usertests", bin_prefix);
	execve(path, argv, (char *[]){NULL});
	test_fail(__FILE__, __LINE__, "execve failed");
}

/* execve deletes the caller's timers: the new program has none, and the
 * armed one never fires (SIGUSR1 would kill it). */
void test_timer_exec(void)
{
	if (on_linux)
		return; /* the host cannot exec a RISC-V program itself */
	CHECK_EQ(reap(spawn(exec_with_timer)), 0);
}

/* usertests --timer-gone: no timer 0 here, and none fires for 0.5 s. */
int timer_gone(void)
{
	struct timespec nap = {0, 500000000};

	nanosleep(&nap, NULL);
	return syscall1(__NR_timer_delete, 0) == -EINVAL ? 0 : 1;
}

static void settime_as_user(void)
{
	struct timespec ts;

	CHECK_EQ(syscall3(__NR_setresuid, 1000, 1000, 1000), 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	CHECK_EQ(syscall2(__NR_clock_settime, L_CLOCK_REALTIME, (long)&ts), -EPERM);
	CHECK_EQ(syscall2(__NR_settimeofday, 0, 0), -EPERM);
}

/* clock_settime and settimeofday: CLOCK_REALTIME, by root only. */
void test_settime(void)
{
	struct timespec ts, mono0, mono1;
	long tv[2] = {0, 1000000};

	CHECK_EQ(syscall2(__NR_clock_settime, L_CLOCK_REALTIME, KERNEL_HALF), -EFAULT);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	CHECK_EQ(syscall2(__NR_clock_settime, L_CLOCK_MONOTONIC, (long)&ts), -EINVAL);
	ts.tv_nsec = 1000000000;
	CHECK_EQ(syscall2(__NR_clock_settime, L_CLOCK_REALTIME, (long)&ts), -EINVAL);
	CHECK_EQ(syscall2(__NR_settimeofday, (long)tv, 0), -EINVAL);
	CHECK_EQ(syscall2(__NR_settimeofday, KERNEL_HALF, 0), -EFAULT);
	if (on_linux)
		return; /* the host's clock is not ours to move */
	CHECK_EQ(reap(spawn(settime_as_user)), 0);
	/* Moved a day on and back: CLOCK_MONOTONIC does not move. */
	clock_gettime(CLOCK_MONOTONIC, &mono0);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 86400;
	CHECK_EQ(syscall2(__NR_clock_settime, L_CLOCK_REALTIME, (long)&ts), 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec -= 86400;
	tv[0] = ts.tv_sec;
	tv[1] = ts.tv_nsec / 1000;
	CHECK_EQ(syscall2(__NR_settimeofday, (long)tv, 0), 0);
	clock_gettime(CLOCK_MONOTONIC, &mono1);
	CHECK(mono1.tv_sec - mono0.tv_sec < 5);
	clock_gettime(CLOCK_REALTIME, &ts);
	CHECK(ts.tv_sec - tv[0] < 5);
}
