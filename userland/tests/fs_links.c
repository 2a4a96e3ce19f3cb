/*
 * fs_links.c - fstests on symbolic links and on SIGKILL in long calls.
 *
 * symlink_limit: one lookup follows at most 40 links in all (Linux's
 * MAXSYMLINKS), counted over the whole path: a chain of 40 resolves, 41
 * is ELOOP, and so is a path through two chains of 20 and 21.
 *
 * symlink_branching: links that each name the previous one ten times
 * ("b1/../b1/../...") would take 10^8 steps to resolve if each nesting
 * level had its own limit; with one count per lookup it is ELOOP at once.
 *
 * kill_long_read: SIGKILL ends a process inside one readv of gigabytes
 * (a sparse file, /dev/zero) at once, not when the call is done.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fstests.h"

static long sys_symlink(const char *target, const char *path)
{
	return syscall3(__NR_symlinkat, (long)target, LINUX_AT_FDCWD, (long)path);
}

static long sys_lstat(const char *path, struct linux_stat *st)
{
	return syscall4(__NR_newfstatat, LINUX_AT_FDCWD, (long)path, (long)st,
			LINUX_AT_SYMLINK_NOFOLLOW);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- symlink_limit --- */

#define MAXSYMLINKS 40

/* stat path: 0 or -errno, with path in the failure message. */
static void stat_is(const char *path, long want)
{
	struct linux_stat st;
	long r = sys_stat(path, &st);

	if (r != want)
		FAIL("stat %s: %ld, want %ld", path, r, want);
}

void test_symlink_limit(void)
{
	char name[16], target[16], path[L_PATH_MAX];
	struct linux_stat st;

	xmkdir("dir");
	make_file("dir/f", 5, 10);
	/* c0 -> dir, c1 -> c0, ...: reaching dir through cN follows N + 1. */
	CHECK_EQ(sys_symlink("dir", "c0"), 0);
	for (int i = 1; i <= MAXSYMLINKS + 1; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		snprintf(target, sizeof(target), "c%d", i - 1);
		CHECK_EQ(sys_symlink(target, name), 0);
	}
	stat_is("c39", 0);
	stat_is("c39/", 0);
	stat_is("c39/f", 0);
	stat_is("c40", -LINUX_ELOOP);
	stat_is("c40/", -LINUX_ELOOP);
	stat_is("c40/f", -LINUX_ELOOP);
	stat_is("c41/.", -LINUX_ELOOP);
	CHECK_EQ(sys_lstat("c40", &st), 0);
	/* The count is for the whole lookup: 20 + 20 links, then 21 + 20. */
	stat_is("c19/../c19/f", 0);
	stat_is("c20/../c19/f", -LINUX_ELOOP);
	long fd = sys_open("c39/new", L_O_WRONLY | LINUX_O_CREAT, 0644);
	CHECK(fd >= 0);
	xclose((int)fd);
	CHECK_EQ(sys_open("c40/new2", L_O_WRONLY | LINUX_O_CREAT, 0644), -LINUX_ELOOP);
	CHECK_EQ(sys_mkdir("c40/d"), -LINUX_ELOOP);
	/* Loops. */
	CHECK_EQ(sys_symlink("self", "self"), 0);
	stat_is("self", -LINUX_ELOOP);
	CHECK_EQ(sys_symlink("pong/x", "ping"), 0);
	CHECK_EQ(sys_symlink("ping/x", "pong"), 0);
	stat_is("ping", -LINUX_ELOOP);
	/* An absolute target, and one that ends the count inside a directory. */
	snprintf(path, sizeof(path), "%s/dir", scratch_path);
	CHECK_EQ(sys_symlink(path, "abs"), 0);
	stat_is("abs/f", 0);
	stat_is("abs/../c38/f", 0);
}

/* --- symlink_branching --- */

#define BRANCH 10
#define LEVELS 8

static void stat_branching(void)
{
	stat_is("b8", -LINUX_ELOOP);
}

/* Wait for pid for at most secs: its status, or -1 if it is still there. */
static int reap_within(int pid, double secs)
{
	double t0 = now();
	int status;

	while (now() - t0 < secs) {
		int w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return status;
		if (w < 0 && errno != EINTR)
			FAIL("waitpid(%d): %s", pid, strerror(errno));
		sched_yield();
	}
	return -1;
}

void test_symlink_branching(void)
{
	char name[16], target[BRANCH * 8];
	int pid, status;

	xmkdir("dir");
	CHECK_EQ(sys_symlink("dir", "b0"), 0);
	for (int k = 1; k <= LEVELS; k++) {
		target[0] = '\0';
		for (int j = 0; j < BRANCH; j++) /* "b0/../b0/../.../b0" */
			snprintf(target + strlen(target), sizeof(target) - strlen(target), "%sb%d",
				 j ? "/../" : "", k - 1);
		snprintf(name, sizeof(name), "b%d", k);
		CHECK_EQ(sys_symlink(target, name), 0);
	}
	stat_is("b1", 0); /* 1 + 10 links */
	stat_is("b1/../b1", 0);
	stat_is("b2", -LINUX_ELOOP); /* 1 + 10 * 11 */
	/* In a child: before the limit counted per lookup this ran for hours. */
	pid = spawn(stat_branching);
	status = reap_within(pid, 20);
	if (status == -1) {
		kill(pid, SIGKILL);
		if (reap_within(pid, 10) == -1)
			FAIL("the lookup of b8 runs on after SIGKILL");
		FAIL("the lookup of b8 takes more than 20 s");
	}
	expect_ok(status, "the lookup of b8");
}

/* --- kill_long_read --- */

#define CHUNK (4 << 20)
#define NIOV  1024

struct iov {
	void *base;
	size_t len;
};

static const char *reader_path;

/* readv of 4 GiB into one 4 MiB buffer, over and over. */
static void long_reader(void)
{
	static struct iov iov[NIOV];
	char *buf = mmap(NULL, CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long fd = sys_open(reader_path, L_O_RDONLY, 0);

	CHECK(buf != MAP_FAILED);
	CHECK(fd >= 0);
	for (int i = 0; i < NIOV; i++)
		iov[i] = (struct iov){buf, CHUNK};
	for (;;) {
		CHECK(syscall3(__NR_readv, fd, (long)iov, NIOV) > 0);
		CHECK_EQ(sys_lseek(fd, 0, SEEK_SET), 0);
	}
}

/* Start a reader of path, SIGKILL it mid-call: it must be gone at once. */
static void kill_reader(const char *path)
{
	struct timespec pause = {0, 300 * 1000 * 1000};
	int pid, status;
	double t0;

	reader_path = path;
	pid = spawn(long_reader);
	nanosleep(&pause, NULL);
	t0 = now();
	CHECK_EQ(kill(pid, SIGKILL), 0);
	status = reap_within(pid, 3);
	if (status == -1)
		FAIL("a reader of %s lives on %.1f s after SIGKILL", path, now() - t0);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		FAIL("the reader of %s: wait status %#x, want killed by SIGKILL", path, status);
}

void test_kill_long_read(void)
{
	int fd = xopen("sparse", L_O_RDWR | LINUX_O_CREAT);

	CHECK_EQ(syscall2(__NR_ftruncate, fd, 8l << 30), 0);
	xclose(fd);
	kill_reader("sparse");
	kill_reader("/dev/zero");
}
