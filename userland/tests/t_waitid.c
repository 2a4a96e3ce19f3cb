/*
 * t_waitid.c - waitid(2): which children it waits for (P_PID, P_PGID,
 * P_ALL), for what (WEXITED, WSTOPPED, WCONTINUED), WNOHANG and WNOWAIT,
 * the siginfo_t it fills and Linux's refusals.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "usertests.h"

#define P_ALL	 0
#define P_PID	 1
#define P_PGID	 2
#define WSTOPPED 2
#define WEXITED	 4
#define WCONT	 8
#define WNOWAIT	 0x01000000
#define WNOHANG_ 1

#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_STOPPED   5
#define CLD_CONTINUED 6

/* Linux's siginfo_t as riscv64 lays out a SIGCHLD's. */
struct chld_info {
	int signo, err, code, pad;
	int pid;
	unsigned uid;
	int status;
	int rest[25];
};

static long raw_waitid(int which, long id, struct chld_info *si, long options, void *ru)
{
	if (si)
		memset(si, 0xff, sizeof(*si));
	return syscall5(__NR_waitid, which, id, (long)si, options, (long)ru);
}

static void check_info(const struct chld_info *si, int pid, int code, int status)
{
	CHECK_EQ(si->signo, LINUX_SIGCHLD);
	CHECK_EQ(si->err, 0);
	CHECK_EQ(si->code, code);
	CHECK_EQ(si->pid, pid);
	CHECK_EQ(si->uid, getuid());
	CHECK_EQ(si->status, status);
}

static void nap_forever(void)
{
	struct timespec ts = {.tv_sec = 10};

	for (;;)
		nanosleep(&ts, NULL);
}

/* An exit, seen first with WNOWAIT (the child stays), then reaped. */
void test_waitid_exit(void)
{
	struct chld_info si;
	long ru[18];
	int pid = spawn_exit(7);

	CHECK_EQ(raw_waitid(P_PID, pid, &si, WEXITED | WNOWAIT, NULL), 0);
	check_info(&si, pid, CLD_EXITED, 7);
	if (!on_linux)
		CHECK_EQ(si.rest[0], -1); /* Linux writes only the fields above */
	memset(ru, 0xff, sizeof(ru));
	CHECK_EQ(raw_waitid(P_ALL, 0, &si, WEXITED, ru), 0);
	check_info(&si, pid, CLD_EXITED, 7);
	CHECK(ru[1] >= 0 && ru[1] < 1000000); /* ru_utime.tv_usec: written */
	CHECK_EQ(raw_waitid(P_PID, pid, &si, WEXITED, NULL), -ECHILD);

	/* No siginfo wanted: still reaped. */
	pid = spawn_exit(3);
	CHECK_EQ(raw_waitid(P_PID, pid, NULL, WEXITED, NULL), 0);
	CHECK_EQ(raw_waitid(P_PID, pid, NULL, WEXITED, NULL), -ECHILD);
}

/* A killed child; and WNOHANG with nothing to report yet. */
void test_waitid_killed(void)
{
	struct chld_info si;
	int pid = spawn(nap_forever);

	CHECK_EQ(raw_waitid(P_PID, pid, &si, WEXITED | WNOHANG_, NULL), 0);
	if (!on_linux) { /* qemu-riscv64 leaves the buffer alone */
		CHECK_EQ(si.signo, 0);
		CHECK_EQ(si.pid, 0);
		CHECK_EQ(si.status, 0);
	}
	/* Only stops asked for: its end is not one. */
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGKILL), 0);
	CHECK_EQ(raw_waitid(P_PID, pid, &si, WEXITED, NULL), 0);
	check_info(&si, pid, CLD_KILLED, LINUX_SIGKILL);
}

/* Stops and continues: reported once each, or kept with WNOWAIT. */
void test_waitid_stop_cont(void)
{
	struct chld_info si;
	int pid = spawn(nap_forever);

	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGSTOP), 0);
	CHECK_EQ(raw_waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT, NULL), 0);
	check_info(&si, pid, CLD_STOPPED, LINUX_SIGSTOP);
	CHECK_EQ(raw_waitid(P_PID, pid, &si, WSTOPPED, NULL), 0);
	check_info(&si, pid, CLD_STOPPED, LINUX_SIGSTOP);
	CHECK_EQ(raw_waitid(P_PID, pid, &si, WSTOPPED | WNOHANG_, NULL), 0);
	if (!on_linux)
		CHECK_EQ(si.pid, 0);

	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGCONT), 0);
	CHECK_EQ(raw_waitid(P_PID, pid, &si, WCONT, NULL), 0);
	check_info(&si, pid, CLD_CONTINUED, LINUX_SIGCONT);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGTERM), 0);
	CHECK_EQ(raw_waitid(P_PID, pid, &si, WEXITED | WSTOPPED | WCONT, NULL), 0);
	check_info(&si, pid, CLD_KILLED, LINUX_SIGTERM);
}

/* P_PGID: a child in a group of its own, and 0 for the caller's group. */
void test_waitid_pgid(void)
{
	struct chld_info si;
	int pid = spawn(nap_forever);

	CHECK_EQ(setpgid(pid, pid), 0);
	CHECK_EQ(raw_waitid(P_PGID, getpgrp(), &si, WEXITED | WNOHANG_, NULL), -ECHILD);
	CHECK_EQ(raw_waitid(P_PGID, 0, &si, WEXITED | WNOHANG_, NULL), -ECHILD);
	CHECK_EQ(raw_waitid(P_PGID, pid, &si, WEXITED | WNOHANG_, NULL), 0);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGKILL), 0);
	CHECK_EQ(raw_waitid(P_PGID, pid, &si, WEXITED, NULL), 0);
	check_info(&si, pid, CLD_KILLED, LINUX_SIGKILL);

	pid = spawn_exit(5);
	CHECK_EQ(raw_waitid(P_PGID, 0, &si, WEXITED, NULL), 0);
	check_info(&si, pid, CLD_EXITED, 5);
}

/*
 * A zombie is still there for kill(2) until it is reaped, as on Linux: the
 * call succeeds and delivers nothing, for its pid and for its process
 * group.  (A shell's `kill $!` on a job that has just died but is not yet
 * waited for says nothing on Linux.)
 */
void test_waitid_kill_zombie(void)
{
	struct chld_info si;
	int pid = spawn(nap_forever);

	CHECK_EQ(setpgid(pid, pid), 0);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGKILL), 0);
	CHECK_EQ(raw_waitid(P_PID, pid, &si, WEXITED | WNOWAIT, NULL), 0); /* a zombie now */
	CHECK_EQ(syscall2(__NR_kill, pid, 0), 0);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGTERM), 0);
	CHECK_EQ(syscall2(__NR_kill, -pid, 0), 0);
	CHECK_EQ(syscall2(__NR_kill, -pid, LINUX_SIGTERM), 0);
	CHECK_EQ(raw_waitid(P_PID, pid, &si, WEXITED, NULL), 0);
	check_info(&si, pid, CLD_KILLED, LINUX_SIGKILL); /* not the later SIGTERM */
	CHECK_EQ(syscall2(__NR_kill, pid, 0), -ESRCH);
	CHECK_EQ(syscall2(__NR_kill, -pid, 0), -ESRCH);
}

/* Linux's refusals. */
void test_waitid_bad(void)
{
	struct chld_info si;
	int pid;

	CHECK_EQ(raw_waitid(P_ALL, 0, &si, WEXITED, NULL), -ECHILD);
	CHECK_EQ(raw_waitid(P_ALL, 0, &si, 0, NULL), -EINVAL);
	CHECK_EQ(raw_waitid(P_ALL, 0, &si, WNOHANG_, NULL), -EINVAL);
	CHECK_EQ(raw_waitid(P_ALL, 0, &si, WEXITED | 0x100, NULL), -EINVAL);
	CHECK_EQ(raw_waitid(7, 0, &si, WEXITED, NULL), -EINVAL);
	CHECK_EQ(raw_waitid(P_PID, 0, &si, WEXITED, NULL), -EINVAL);
	CHECK_EQ(raw_waitid(P_PID, -1, &si, WEXITED, NULL), -EINVAL);
	CHECK_EQ(raw_waitid(P_PGID, -1, &si, WEXITED, NULL), -EINVAL);
	/* A bad siginfo pointer: the child is reaped all the same. */
	pid = spawn_exit(1);
	CHECK_EQ(syscall5(__NR_waitid, P_PID, pid, KERNEL_HALF, WEXITED, 0), -EFAULT);
	CHECK_EQ(raw_waitid(P_PID, pid, &si, WEXITED, NULL), -ECHILD);
}
