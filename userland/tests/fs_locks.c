/*
 * fs_locks.c - fstests of advisory locks: flock, fcntl's POSIX record
 * locks (owned by the process, released by any close of the file and at
 * exit, EDEADLK for a circle of waiters) and open-file-description locks.
 * Checked against Linux by the reference run.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fstests.h"

#define LOCK_SH	     1
#define LOCK_EX	     2
#define LOCK_NB	     4
#define LOCK_UN	     8
#define F_RDLCK	     0
#define F_WRLCK	     1
#define F_UNLCK	     2
#define F_GETLK	     5
#define F_SETLK	     6
#define F_SETLKW     7
#define F_OFD_GETLK  36
#define F_OFD_SETLK  37
#define F_OFD_SETLKW 38
#define L_EDEADLK    35 /* Linux's numbers; picolibc's differ */

struct lflock {
	short type, whence;
	long start, len;
	int pid;
};

static int lk_fd, lk_pipe[2];
static int lk_go[2]; /* the parent's go to a holder: hold on 40 ms more */

static long flock_(int fd, int cmd)
{
	return syscall2(__NR_flock, fd, cmd);
}

static long lk(int fd, int cmd, short type, long start, long len)
{
	struct lflock fl = {type, 0, start, len, 0};

	return syscall3(__NR_fcntl, fd, cmd, (long)&fl);
}

/* F_GETLK (or F_OFD_GETLK) of a write lock on [start, start + len). */
static struct lflock getlk(int fd, int cmd, long start, long len)
{
	struct lflock fl = {F_WRLCK, 0, start, len, 0};

	CHECK_EQ(syscall3(__NR_fcntl, fd, cmd, (long)&fl), 0);
	return fl;
}

/* A child that takes an exclusive flock on its own open of "f", says so
 * on the pipe, holds it until 40 ms after the parent's go and exits
 * (which drops it). */
static void flock_holder(void)
{
	int fd = (int)sys_open("f", L_O_RDWR, 0);
	char c;

	CHECK_EQ(flock_(fd, LOCK_EX), 0);
	CHECK_EQ(write(lk_pipe[1], "x", 1), 1);
	CHECK_EQ(read(lk_go[0], &c, 1), 1);
	sleep_ms(40);
}

/* The inherited open file shares its flock; a new open does not. */
static void flock_child(void)
{
	CHECK_EQ(flock_(lk_fd, LOCK_EX | LOCK_NB), 0);
	int fd = (int)sys_open("f", L_O_RDWR, 0);
	CHECK_EQ(flock_(fd, LOCK_SH | LOCK_NB), -EAGAIN);
}

void test_flock(void)
{
	int fd1 = xopen("f", L_O_RDWR | LINUX_O_CREAT), fd2 = (int)sys_open("f", L_O_RDONLY, 0);
	char c;

	CHECK_EQ(flock_(fd1, LOCK_EX), 0);
	CHECK_EQ(flock_(fd1, LOCK_EX), 0); /* again: no change */
	CHECK_EQ(flock_(fd2, LOCK_SH | LOCK_NB), -EAGAIN);
	CHECK_EQ(flock_(fd2, LOCK_EX | LOCK_NB), -EAGAIN);
	int d = (int)syscall1(__NR_dup, fd1);
	CHECK_EQ(flock_(d, LOCK_EX | LOCK_NB), 0); /* the same open file */
	xclose(d);
	CHECK_EQ(flock_(fd1, LOCK_SH), 0); /* converted */
	CHECK_EQ(flock_(fd2, LOCK_SH | LOCK_NB), 0);
	CHECK_EQ(flock_(fd2, LOCK_EX | LOCK_NB), -EAGAIN);
	CHECK_EQ(flock_(fd1, LOCK_UN), 0);
	CHECK_EQ(flock_(fd1, LOCK_UN), 0);
	CHECK_EQ(flock_(fd2, LOCK_EX | LOCK_NB), 0);
	xclose(fd2); /* its last reference: the lock goes */
	CHECK_EQ(flock_(fd1, LOCK_EX | LOCK_NB), 0);
	lk_fd = fd1;
	expect_ok(reap(spawn(flock_child)), "flock_child");
	CHECK_EQ(flock_(fd1, LOCK_UN), 0);

	/* A wait that the holder's exit ends. */
	CHECK_EQ(syscall2(__NR_pipe2, (long)lk_pipe, 0), 0);
	CHECK_EQ(syscall2(__NR_pipe2, (long)lk_go, 0), 0);
	int pid = spawn(flock_holder);
	CHECK_EQ(read(lk_pipe[0], &c, 1), 1);
	CHECK_EQ(flock_(fd1, LOCK_SH | LOCK_NB), -EAGAIN);
	long t0 = now_ms();
	CHECK_EQ(write(lk_go[1], "g", 1), 1);
	CHECK_EQ(flock_(fd1, LOCK_SH), 0);
	CHECK(now_ms() - t0 >= 20);
	expect_ok(reap(pid), "flock_holder");

	CHECK_EQ(flock_(fd1, 0), -EINVAL);
	CHECK_EQ(flock_(fd1, LOCK_SH | LOCK_EX), -EINVAL);
	CHECK_EQ(flock_(fd1, LOCK_NB), -EINVAL);
	CHECK_EQ(flock_(99, LOCK_SH), -EBADF);
	CHECK_EQ(flock_(99, 77), -EINVAL); /* the command is checked first */
	xclose(fd1);
}

/* The child's view of the parent's locks: write lock on [0, 100) less
 * [10, 20), which the parent unlocked. */
static void posix_child(void)
{
	struct lflock fl = getlk(lk_fd, F_GETLK, 50, 10);

	CHECK_EQ(fl.type, F_WRLCK);
	CHECK_EQ(fl.start, 20);
	CHECK_EQ(fl.len, 80);
	CHECK_EQ(fl.pid, getppid());
	fl = getlk(lk_fd, F_GETLK, 0, 0); /* to the end: the first one met */
	CHECK_EQ(fl.type, F_WRLCK);
	CHECK_EQ(fl.start, 0);
	CHECK_EQ(fl.len, 10);
	CHECK_EQ(getlk(lk_fd, F_GETLK, 10, 10).type, F_UNLCK);
	CHECK_EQ(lk(lk_fd, F_SETLK, F_RDLCK, 100, 10), 0);
	CHECK_EQ(lk(lk_fd, F_SETLK, F_RDLCK, 99, 1), -EAGAIN);
	CHECK_EQ(lk(lk_fd, F_SETLK, F_WRLCK, 12, 3), 0);
	CHECK_EQ(lk(lk_fd, F_SETLK, F_RDLCK, 500, 0), -EAGAIN); /* the parent's [200, EOF) */
}

/* After the parent closed another fd of the file: nothing of its is left. */
static void posix_child_after_close(void)
{
	CHECK_EQ(getlk(lk_fd, F_GETLK, 0, 0).type, F_UNLCK);
}

/* A child that write-locks [0, 10), says so, waits for the parent's go
 * (so the parent sees the lock held however late it runs), and exits 40
 * ms after it. */
static void posix_holder(void)
{
	char c;

	CHECK_EQ(lk(lk_fd, F_SETLK, F_WRLCK, 0, 10), 0);
	CHECK_EQ(write(lk_pipe[1], "x", 1), 1);
	CHECK_EQ(read(lk_go[0], &c, 1), 1);
	sleep_ms(40);
}

void test_posix_locks(void)
{
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT);
	struct lflock fl;
	char c;

	lk_fd = fd;
	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 0, 100), 0);
	CHECK_EQ(getlk(fd, F_GETLK, 0, 0).type, F_UNLCK); /* its own never conflict */
	CHECK_EQ(lk(fd, F_SETLK, F_UNLCK, 10, 10), 0);	  /* split in two */
	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 200, 0), 0);	  /* [200, EOF) */
	expect_ok(reap(spawn(posix_child)), "posix_child");

	/* A negative length counts back from start: [5, 10). */
	CHECK_EQ(lk(fd, F_SETLK, F_UNLCK, 0, 0), 0);
	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, 10, -5), 0);

	/* Any close of the file by the owner drops all its locks. */
	int other = (int)sys_open("f", L_O_RDONLY, 0);
	xclose(other);
	expect_ok(reap(spawn(posix_child_after_close)), "posix_child_after_close");

	/* F_SETLKW waits for the holder's exit. */
	CHECK_EQ(syscall2(__NR_pipe2, (long)lk_pipe, 0), 0);
	CHECK_EQ(syscall2(__NR_pipe2, (long)lk_go, 0), 0);
	int pid = spawn(posix_holder);
	CHECK_EQ(read(lk_pipe[0], &c, 1), 1);
	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, 5, 1), -EAGAIN);
	long t0 = now_ms();
	CHECK_EQ(write(lk_go[1], "g", 1), 1);
	CHECK_EQ(lk(fd, F_SETLKW, F_RDLCK, 5, 1), 0);
	CHECK(now_ms() - t0 >= 20);
	expect_ok(reap(pid), "posix_holder");

	/* errors */
	CHECK_EQ(lk(fd, F_SETLK, 5, 0, 1), -EINVAL);
	fl = (struct lflock){F_RDLCK, 3, 0, 1, 0};
	CHECK_EQ(syscall3(__NR_fcntl, fd, F_SETLK, (long)&fl), -EINVAL);
	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, -1, 1), -EINVAL);
	CHECK_EQ(lk(fd, F_SETLK, F_RDLCK, 5, -10), -EINVAL);
	fl = (struct lflock){F_UNLCK, 0, 0, 1, 0};
	CHECK_EQ(syscall3(__NR_fcntl, fd, F_GETLK, (long)&fl), -EINVAL);
	CHECK_EQ(syscall3(__NR_fcntl, fd, F_SETLK, 8), -EFAULT);
	CHECK_EQ(syscall3(__NR_fcntl, fd, F_GETLK, 8), -EFAULT);
	int ro = (int)sys_open("f", L_O_RDONLY, 0), wo = (int)sys_open("f", L_O_WRONLY, 0);
	CHECK_EQ(lk(ro, F_SETLK, F_WRLCK, 0, 1), -EBADF);
	CHECK_EQ(lk(wo, F_SETLK, F_RDLCK, 0, 1), -EBADF);
	CHECK_EQ(lk(ro, F_SETLK, F_RDLCK, 0, 1), 0);
	CHECK_EQ(lk(wo, F_SETLK, F_WRLCK, 0, 1), 0);
	xclose(ro);
	xclose(wo);
	xclose(fd);
}

/* Wait until pid sleeps in fcntl (its /proc/<pid>/syscall starts with
 * fcntl's number, 25), at most 5 s; on the Linux reference run the file
 * shows the emulator's own calls, so wait 50 ms there instead. */
static void wait_in_fcntl(int pid)
{
	char path[40], buf[32];

	if (on_linux) {
		sleep_ms(50);
		return;
	}
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	for (int i = 0; i < 500; i++) {
		int f = (int)sys_open(path, L_O_RDONLY, 0);
		long n = f >= 0 ? read(f, buf, sizeof(buf) - 1) : -1;
		if (f >= 0)
			xclose(f);
		if (n > 3 && !memcmp(buf, "25 ", 3))
			return;
		sleep_ms(10);
	}
	FAIL("child %d never slept in fcntl", pid);
}

/* Child: lock byte 1, tell the parent, then wait for byte 0 (the
 * parent's), which it gets once the parent gives up. */
static void deadlock_child(void)
{
	CHECK_EQ(lk(lk_fd, F_SETLK, F_WRLCK, 1, 1), 0);
	CHECK_EQ(write(lk_pipe[1], "x", 1), 1);
	CHECK_EQ(lk(lk_fd, F_SETLKW, F_WRLCK, 0, 1), 0);
}

void test_lock_deadlock(void)
{
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT);
	char c;

	lk_fd = fd;
	CHECK_EQ(syscall2(__NR_pipe2, (long)lk_pipe, 0), 0);
	CHECK_EQ(lk(fd, F_SETLK, F_WRLCK, 0, 1), 0);
	int pid = spawn(deadlock_child);
	CHECK_EQ(read(lk_pipe[0], &c, 1), 1);
	wait_in_fcntl(pid); /* the child is asleep waiting for byte 0 */
	CHECK_EQ(lk(fd, F_SETLKW, F_WRLCK, 1, 1), -L_EDEADLK);
	CHECK_EQ(lk(fd, F_SETLK, F_UNLCK, 0, 1), 0);
	expect_ok(reap(pid), "deadlock_child");
	xclose(fd);
}

/* OFD locks belong to the open file: two opens conflict even in one
 * process, and with POSIX locks; closing another fd leaves them. */
void test_ofd_locks(void)
{
	int fd1 = xopen("f", L_O_RDWR | LINUX_O_CREAT), fd2 = (int)sys_open("f", L_O_RDWR, 0);
	struct lflock fl;

	CHECK_EQ(lk(fd1, F_OFD_SETLK, F_WRLCK, 0, 10), 0);
	CHECK_EQ(lk(fd2, F_OFD_SETLK, F_WRLCK, 5, 1), -EAGAIN);
	CHECK_EQ(lk(fd2, F_SETLK, F_RDLCK, 5, 1), -EAGAIN); /* POSIX meets OFD */
	CHECK_EQ(lk(fd2, F_OFD_SETLK, F_WRLCK, 10, 5), 0);
	fl = getlk(fd2, F_OFD_GETLK, 0, 0);
	CHECK_EQ(fl.type, F_WRLCK);
	CHECK_EQ(fl.start, 0);
	CHECK_EQ(fl.len, 10);
	CHECK_EQ(fl.pid, -1);
	fl = getlk(fd2, F_GETLK, 3, 1); /* a POSIX look sees it too */
	CHECK_EQ(fl.pid, -1);
	int d = (int)syscall1(__NR_dup, fd2);
	xclose(d); /* not the last reference: fd2's locks stay */
	CHECK_EQ(lk(fd1, F_OFD_SETLK, F_RDLCK, 12, 1), -EAGAIN);
	xclose(fd2);
	CHECK_EQ(lk(fd1, F_OFD_SETLK, F_RDLCK, 12, 1), 0);
	fl = (struct lflock){F_RDLCK, 0, 0, 1, 1};
	CHECK_EQ(syscall3(__NR_fcntl, fd1, F_OFD_SETLK, (long)&fl), -EINVAL); /* l_pid not 0 */
	CHECK_EQ(syscall3(__NR_fcntl, fd1, F_OFD_GETLK, (long)&fl), -EINVAL);
	xclose(fd1);
}
