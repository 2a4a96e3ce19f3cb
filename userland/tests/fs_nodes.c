/*
 * fs_nodes.c - fstests on mknodat's nodes: FIFOs, devices, sockets.
 *
 * fifo_open: opening a FIFO waits for the other side, as fifo(7) says: a
 * reader for a writer and a writer for a reader; O_NONBLOCK lets a reader
 * open at once and makes a writer with no reader ENXIO; O_RDWR never
 * waits; a signal ends the wait with EINTR.
 *
 * fifo_data: bytes go through a FIFO between two processes, end of file
 * when the writer closes, EPIPE when the reader is gone, and the FIFO can
 * be opened again afterwards (a fresh pipe, nothing left in it).
 *
 * fifo_race: 300 rounds of a writer that opens, writes and closes at once
 * against a reader opening, in both orders: the reader never waits for a
 * writer that has come and gone (it once did, on two harts).
 *
 * mknod_nodes: a character device node opens the device its number names
 * (1:3 is null), a socket's node is ENXIO to open, and mknodat's errors:
 * EEXIST, EPERM for a directory, EINVAL for an unknown type, ENOENT,
 * EFAULT, EBADF.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fstests.h"

#define L_O_NONBLOCK 04000
#define L_S_IFSOCK   0140000
#define L_S_IFBLK    0060000
#define L_ENXIO	     6

static long l_mknod(const char *path, long mode, long dev)
{
	return syscall4(__NR_mknodat, LINUX_AT_FDCWD, (long)path, mode, dev);
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* A child that opens "p" with flags, writes one byte if it may write,
 * and exits with 0 if the open worked. */
static int open_child(long flags)
{
	int pid = fork();

	if (pid == 0) {
		long fd = sys_open("p", flags, 0);
		if (fd < 0)
			_exit(2);
		if ((flags & 3) != L_O_RDONLY)
			syscall3(__NR_write, fd, (long)"x", 1);
		_exit(0);
	}
	CHECK(pid > 0);
	return pid;
}

static void no_handler(int sig)
{
	(void)sig;
}

void test_fifo_open(void)
{
	int status, pid;
	long fd, fd2;
	char c;

	syscall1(__NR_umask, 0);
	CHECK_EQ(l_mknod("p", L_S_IFIFO | 0600, 0), 0);
	CHECK_EQ(xstat("p").st_mode, L_S_IFIFO | 0600);
	/* O_NONBLOCK: a writer with no reader is ENXIO; a reader opens. */
	CHECK_EQ(sys_open("p", L_O_WRONLY | L_O_NONBLOCK, 0), -L_ENXIO);
	fd = sys_open("p", L_O_RDONLY | L_O_NONBLOCK, 0);
	CHECK(fd >= 0);
	CHECK_EQ(syscall3(__NR_read, fd, (long)&c, 1), 0); /* no writer: end of file */
	fd2 = sys_open("p", L_O_WRONLY | L_O_NONBLOCK, 0); /* a reader now */
	CHECK(fd2 >= 0);
	CHECK_EQ(syscall3(__NR_read, fd, (long)&c, 1), -EAGAIN);
	xclose((int)fd2);
	xclose((int)fd);
	/* A blocking writer waits until a reader opens. */
	pid = open_child(L_O_WRONLY);
	pause_ms(50);
	CHECK_EQ(waitpid(pid, &status, WNOHANG), 0); /* still in open */
	fd = sys_open("p", L_O_RDONLY, 0);
	CHECK(fd >= 0);
	CHECK_EQ(syscall3(__NR_read, fd, (long)&c, 1), 1);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	xclose((int)fd);
	/* O_RDWR never waits. */
	fd = sys_open("p", L_O_RDWR, 0);
	CHECK(fd >= 0);
	xclose((int)fd);
	/* A blocking reader waits; a signal ends the wait with EINTR. */
	pid = fork();
	if (pid == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = no_handler;
		sigaction(SIGUSR1, &sa, NULL);
		_exit(sys_open("p", L_O_RDONLY, 0) == -EINTR ? 0 : 3);
	}
	pause_ms(50);
	CHECK_EQ(waitpid(pid, &status, WNOHANG), 0);
	kill(pid, SIGUSR1);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void test_fifo_data(void)
{
	static const char msg[] = "through the fifo";
	char buf[64];
	int status;

	CHECK_EQ(l_mknod("p", L_S_IFIFO | 0644, 0), 0);
	for (int round = 0; round < 2; round++) {
		int pid = fork();
		if (pid == 0) {
			long w = sys_open("p", L_O_WRONLY, 0);
			_exit(w >= 0 && syscall3(__NR_write, w, (long)msg, sizeof(msg)) ==
						      (long)sizeof(msg)
				      ? 0
				      : 1);
		}
		long fd = sys_open("p", L_O_RDONLY, 0);
		CHECK(fd >= 0);
		size_t got = 0;
		long n;
		while ((n = syscall3(__NR_read, fd, (long)buf + got, sizeof(buf) - got)) > 0)
			got += (size_t)n;
		CHECK_EQ(n, 0);
		CHECK_EQ(got, sizeof(msg));
		CHECK(!memcmp(buf, msg, sizeof(msg)));
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		xclose((int)fd);
	}
	/* A writer whose reader has gone: EPIPE (SIGPIPE ignored here). */
	signal(SIGPIPE, SIG_IGN);
	long r = sys_open("p", L_O_RDONLY | L_O_NONBLOCK, 0);
	long w = sys_open("p", L_O_WRONLY | L_O_NONBLOCK, 0);
	CHECK(r >= 0 && w >= 0);
	xclose((int)r);
	CHECK_EQ(syscall3(__NR_write, w, (long)"x", 1), -EPIPE);
	CHECK_EQ(sys_lseek(w, 0, SEEK_SET), -ESPIPE);
	xclose((int)w);
	CHECK_EQ(sys_unlink("p"), 0);
}

/* --- fifo_race --- */

#define FIFO_ROUNDS 300

static void alarm_handler(int sig)
{
	(void)sig;
}

/* alarm(2), through setitimer (ITIMER_REAL): the runtime has no alarm. */
static void l_alarm(long sec)
{
	long it[4] = {0, 0, sec, 0};

	CHECK_EQ(syscall3(__NR_setitimer, 0, (long)it, 0), 0);
}

/* One round: a writer that opens, writes a byte and closes at once, and
 * this process opening to read, in either order (the writer first on odd
 * rounds, as far as a yield makes it so).  The reader must get the byte
 * and end of file; an open that never returns is caught by the alarm. */
static void fifo_round(int round)
{
	char buf[4];
	int status;
	int pid = fork();

	if (pid == 0) {
		long w = sys_open("p", L_O_WRONLY, 0);
		_exit(w >= 0 && syscall3(__NR_write, w, (long)"x", 1) == 1 ? 0 : 1);
	}
	CHECK(pid > 0);
	for (int i = 0; i < (round & 1) * 20; i++)
		sched_yield();
	long fd = sys_open("p", L_O_RDONLY, 0);
	if (fd == -EINTR)
		FAIL("round %d: open for reading never returned", round);
	CHECK(fd >= 0);
	long n = 0, r;
	while ((r = syscall3(__NR_read, fd, (long)buf, sizeof(buf))) > 0)
		n += r;
	CHECK_EQ(r, 0);
	CHECK_EQ(n, 1);
	xclose((int)fd);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void test_fifo_race(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = alarm_handler; /* no SA_RESTART: a hung open gets EINTR */
	sigaction(SIGALRM, &sa, NULL);
	CHECK_EQ(l_mknod("p", L_S_IFIFO | 0600, 0), 0);
	for (int round = 0; round < FIFO_ROUNDS; round++) {
		l_alarm(10);
		fifo_round(round);
	}
	l_alarm(0);
}

/* The kernel's count of pipes (/proc/sluice-objects), Sluice's own. */
static long pipes_counted(void)
{
	char text[2048], *at;
	long fd = sys_open("/proc/sluice-objects", L_O_RDONLY, 0), n;

	CHECK(fd >= 0);
	n = syscall3(__NR_read, fd, (long)text, sizeof(text) - 1);
	CHECK(n > 0);
	text[n] = 0;
	xclose((int)fd);
	at = strstr(text, "\npipes ");
	CHECK(at != NULL);
	return strtol(at + 7, NULL, 10);
}

/* A FIFO's pipe is counted while it is open, and counted out after: the
 * count once went down at each FIFO's last close without going up at its
 * first open (the fuzzer's "LEAK: pipes 0 before the run, -1 after"). */
void test_fifo_counted(void)
{
	if (on_linux)
		return; /* /proc/sluice-objects is Sluice's */
	long before = pipes_counted();
	CHECK_EQ(l_mknod("p", L_S_IFIFO | 0600, 0), 0);
	long fd = sys_open("p", L_O_RDWR, 0);
	CHECK(fd >= 0);
	CHECK_EQ(pipes_counted(), before + 1);
	xclose((int)fd);
	CHECK_EQ(pipes_counted(), before);
}

void test_mknod_nodes(void)
{
	long fd;
	char c;

	syscall1(__NR_umask, 0);
	CHECK_EQ(l_mknod("null2", L_S_IFCHR | 0666, (1 << 8) | 3), 0);
	struct linux_stat st = xstat("null2");
	CHECK_EQ(st.st_mode, L_S_IFCHR | 0666);
	CHECK_EQ(st.st_rdev, 0x103);
	fd = sys_open("null2", L_O_RDWR, 0);
	CHECK(fd >= 0);
	CHECK_EQ(syscall3(__NR_write, fd, (long)"abc", 3), 3);
	CHECK_EQ(syscall3(__NR_read, fd, (long)&c, 1), 0);
	xclose((int)fd);
	CHECK_EQ(l_mknod("blk", L_S_IFBLK | 0600, (7 << 8) | 200), 0);
	CHECK_EQ(xstat("blk").st_rdev, (7 << 8) | 200);
	CHECK_EQ(l_mknod("sock", L_S_IFSOCK | 0600, 0), 0);
	CHECK_EQ(xstat("sock").st_mode, L_S_IFSOCK | 0600);
	CHECK_EQ(sys_open("sock", L_O_RDONLY, 0), -L_ENXIO);
	CHECK_EQ(l_mknod("file", 0644, 0), 0); /* type 0: a regular file */
	CHECK_EQ(xstat("file").st_mode, L_S_IFREG | 0644);
	/* Errors. */
	CHECK_EQ(l_mknod("file", L_S_IFIFO | 0644, 0), -EEXIST);
	CHECK_EQ(l_mknod("d", L_S_IFDIR | 0755, 0), -EPERM);
	CHECK_EQ(l_mknod("x", 0170000 | 0644, 0), -EINVAL);
	CHECK_EQ(l_mknod("missing/x", L_S_IFIFO | 0644, 0), -ENOENT);
	CHECK_EQ(syscall4(__NR_mknodat, LINUX_AT_FDCWD, 1, L_S_IFIFO | 0644, 0), -EFAULT);
	CHECK_EQ(syscall4(__NR_mknodat, 99, (long)"x", L_S_IFIFO | 0644, 0), -EBADF);
}
