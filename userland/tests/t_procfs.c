/*
 * t_procfs.c - /proc as Linux programs read it: /proc/self, a process's
 * stat, status, cmdline, environ and fd links in Linux's formats, and bad
 * input: a process that is reaped while its files are open, reads at odd
 * offsets, names Linux refuses.  docs/proc.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "usertests.h"

#define STAT_MODE_OFF 16 /* st_mode in riscv64 Linux's struct stat */
#define S_FMT	      0170000
#define S_LNK	      0120000
#define S_DIR	      0040000

static int child_pipe[2];

static void wait_on_pipe(void)
{
	char c;

	syscall3(__NR_read, child_pipe[0], (long)&c, 1);
}

/* Read a whole file with the raw call: its length, or -errno. */
static long slurp(const char *path, char *buf, size_t size)
{
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path, O_RDONLY, 0), n, got = 0;

	if (fd < 0)
		return fd;
	while ((n = syscall3(__NR_read, fd, (long)buf + got, (long)(size - 1 - got))) > 0)
		got += n;
	close((int)fd);
	buf[got] = '\0';
	return n < 0 ? n : got;
}

static long readlink_raw(const char *path, char *buf, size_t size)
{
	long n = syscall4(__NR_readlinkat, LINUX_AT_FDCWD, (long)path, (long)buf, (long)size - 1);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static unsigned int mode_of(const char *path, int flags)
{
	uint64_t st[16];

	if (syscall4(__NR_newfstatat, LINUX_AT_FDCWD, (long)path, (long)st, flags))
		return 0;
	return *(uint32_t *)((char *)st + STAT_MODE_OFF) & S_FMT;
}

/* /proc/self is a link to the reader's own directory. */
void test_proc_self(void)
{
	char buf[32], want[32];

	snprintf(want, sizeof(want), "%d", getpid());
	CHECK(readlink_raw("/proc/self", buf, sizeof(buf)) > 0);
	CHECK(strcmp(buf, want) == 0);
	CHECK_EQ(mode_of("/proc/self", LINUX_AT_SYMLINK_NOFOLLOW), S_LNK);
	CHECK_EQ(mode_of("/proc/self", 0), S_DIR);
	CHECK_EQ(mode_of("/proc/self/fd", 0), S_DIR);
}

/* stat's fields after the name, which may hold spaces: 50 on Linux 6. */
void test_proc_stat(void)
{
	char buf[1024], *p;
	int pid = 0, ppid = 0, fields = 0;
	char state = 0;

	CHECK(slurp("/proc/self/stat", buf, sizeof(buf)) > 0);
	CHECK(sscanf(buf, "%d", &pid) == 1 && pid == getpid());
	CHECK((p = strrchr(buf, ')')) != NULL);
	CHECK(sscanf(p + 1, " %c %d", &state, &ppid) == 2);
	CHECK_EQ(ppid, getppid());
	for (char *q = p + 1; *q; q++)
		fields += *q == ' ' && q[1] && q[1] != '\n';
	if (!on_linux) { /* qemu-riscv64 makes up its own /proc/self/stat */
		CHECK(state == 'R');
		CHECK_EQ(fields, 50);
	}
	CHECK(slurp("/proc/self/status", buf, sizeof(buf)) > 0);
	snprintf(buf + 512, 64, "\nPid:\t%d\n", getpid());
	CHECK(strstr(buf, buf + 512) != NULL);
	CHECK(strncmp(buf, "Name:\t", 6) == 0 && strstr(buf, "\nState:\tR (running)\n"));
	CHECK(slurp("/proc/self/statm", buf, sizeof(buf)) > 0);
	CHECK(sscanf(buf, "%d %d", &pid, &ppid) == 2 && pid > 0 && ppid > 0);
}

/* A child's cmdline and environ are its memory's strings, as its parent's
 * (it has not exec'd); a child asleep shows state S. */
void test_proc_cmdline(void)
{
	static char mine[4096], its[4096];
	char path[48];
	long n;

	n = slurp("/proc/self/cmdline", mine, sizeof(mine));
	CHECK(n > 0 && mine[n - 1] == '\0' && strstr(mine, "usertests"));
	if (on_linux) /* another process's files are the host's, not qemu's */
		return;
	CHECK_EQ(pipe(child_pipe), 0);
	int pid = spawn(wait_on_pipe);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	CHECK_EQ(slurp(path, its, sizeof(its)), n);
	CHECK(memcmp(mine, its, (size_t)n) == 0);
	n = slurp("/proc/self/environ", mine, sizeof(mine));
	snprintf(path, sizeof(path), "/proc/%d/environ", pid);
	CHECK_EQ(slurp(path, its, sizeof(its)), n);
	CHECK(memcmp(mine, its, (size_t)n) == 0);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (int i = 0; i < 100 && (slurp(path, its, sizeof(its)) <= 0 || !strstr(its, ") S "));
	     i++)
		usleep(10000);
	CHECK(strstr(its, ") S ") != NULL);
	kill(pid, SIGKILL);
	reap(pid);
}

/*
 * A cmdline longer than the 8 KiB a /proc text starts with is read whole,
 * as on Linux: a shell exec'd with a 20,000-byte argument, waiting on a
 * pipe.  (Sluice cut it at 8 KiB.)
 */
void test_proc_cmdline_long(void)
{
	static char big[20001], its[32768];
	char path[48];
	int go[2];

	if (on_linux) /* another process's files are the host's, not qemu's */
		return;
	memset(big, 'a', sizeof(big) - 1);
	CHECK_EQ(pipe(go), 0);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char *argv[] = {"sh", "-c", "read x", big, NULL};
		dup2(go[0], 0);
		close(go[1]);
		execve("/bin/sh", argv, environ);
		_exit(99);
	}
	close(go[0]);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	long n = 0, want = 3 + 3 + 7 + (long)sizeof(big);
	for (int i = 0; i < 200 && (n = slurp(path, its, sizeof(its))) != want; i++)
		usleep(10000); /* until the exec is done */
	close(go[1]);
	reap(pid);
	CHECK_EQ(n, want);
	CHECK(!memcmp(its, "sh\0-c\0read x\0", 13) && !memcmp(its + 13, big, sizeof(big)));
}

/*
 * maps lists every region, however many, [stack] among them, as Linux:
 * glibc's pthread_getattr_np finds the main thread's stack there.  And stat's
 * vsize counts them all.  (Sluice cut maps at 8 KiB, some 80 regions,
 * and stat and status counted the first 32.)
 */
void test_proc_maps_many(void)
{
	static char maps[262144], stat[1024];
	enum { N = 300 };
	char *p = mmap(NULL, 2 * N * PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	/* every other page writable: N regions that cannot merge */
	for (int i = 0; i < N; i++)
		CHECK_EQ(mprotect(p + 2 * i * PAGE_SIZE, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	long n = slurp("/proc/self/maps", maps, sizeof(maps));
	int lines = 0;
	for (long i = 0; i < n; i++)
		lines += maps[i] == '\n';
	CHECK(n > 0 && maps[n - 1] == '\n');
	if (lines < 2 * N || !strstr(maps, "[stack]\n"))
		FAIL("maps: %d lines, %s [stack]", lines,
		     strstr(maps, "[stack]\n") ? "with" : "no");
	if (!on_linux) { /* qemu-riscv64 makes up its own stat */
		unsigned long vsize = 0;
		CHECK(slurp("/proc/self/stat", stat, sizeof(stat)) > 0);
		char *f = strrchr(stat, ')');
		for (int field = 2; f && field < 23; field++)
			f = strchr(f + 1, ' ');
		CHECK(f && sscanf(f + 1, "%lu", &vsize) == 1);
		if (vsize < 2ul * N * PAGE_SIZE)
			FAIL("stat's vsize %lu: less than the %d pages mapped here", vsize, 2 * N);
	}
	CHECK_EQ(munmap(p, 2 * N * PAGE_SIZE), 0);
}

/*
 * A process reaped while its /proc files are open: a text not read yet is
 * ESRCH (Linux makes it at the first read), one begun reads on; its fd
 * directory and its names are gone (ENOENT).
 */
void test_proc_reaped(void)
{
	char path[48], buf[512];
	long st, status, dir;

	CHECK_EQ(pipe(child_pipe), 0);
	int pid = spawn(wait_on_pipe);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	CHECK((st = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path, O_RDONLY, 0)) >= 0);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	CHECK((status = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path, O_RDONLY, 0)) >= 0);
	CHECK_EQ(syscall3(__NR_read, status, (long)buf, 5), 5);
	CHECK(memcmp(buf, "Name:", 5) == 0);
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	CHECK((dir = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path, O_RDONLY, 0)) >= 0);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	reap(pid);
	CHECK_EQ(syscall3(__NR_read, st, (long)buf, sizeof(buf)), -ESRCH);
	CHECK(syscall3(__NR_read, status, (long)buf, sizeof(buf)) > 0);
	CHECK_EQ(syscall3(__NR_getdents64, dir, (long)buf, sizeof(buf)), -ENOENT);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	CHECK_EQ(syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path, O_RDONLY, 0), -ENOENT);
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	CHECK_EQ(readlink_raw(path, buf, sizeof(buf)), -ENOENT);
	close((int)st);
	close((int)status);
	close((int)dir);
}

/* pread at any offset sees the one text the first read made; byte-at-a-
 * time reads put the same text together. */
void test_proc_offsets(void)
{
	char whole[512], part[64], one[512];
	long n = slurp("/proc/version", whole, sizeof(whole)), got = 0;
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)"/proc/version", O_RDONLY, 0);

	CHECK(n > 10 && fd >= 0);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)part, 7, 3), 7);
	CHECK(memcmp(part, whole + 3, 7) == 0);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)part, 7, n), 0);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)part, 7, 1L << 40), 0);
	CHECK_EQ(syscall4(__NR_pread64, fd, (long)part, 7, -1), -EINVAL);
	while (got < (long)sizeof(one) && syscall3(__NR_read, fd, (long)one + got, 1) == 1)
		got++;
	CHECK_EQ(got, n);
	CHECK(memcmp(one, whole, (size_t)n) == 0);
	close((int)fd);
}

/* fd links name the file again; names Linux refuses are refused. */
void test_proc_fd_links(void)
{
	char path[48], buf[128];
	int fds[2];
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)"/proc/version", O_RDONLY, 0);

	CHECK(fd >= 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%ld", fd);
	CHECK(readlink_raw(path, buf, sizeof(buf)) > 0);
	CHECK(strcmp(buf, "/proc/version") == 0);
	CHECK_EQ(pipe(fds), 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	CHECK(readlink_raw(path, buf, sizeof(buf)) > 0);
	CHECK(strncmp(buf, "pipe:[", 6) == 0);
	CHECK_EQ(readlink_raw("/proc/self/fd/999", buf, sizeof(buf)), -ENOENT);
	snprintf(path, sizeof(path), "/proc/self/fd/0%ld", fd);
	CHECK_EQ(readlink_raw(path, buf, sizeof(buf)), -ENOENT);
	snprintf(path, sizeof(path), "/proc/0%d/stat", getpid());
	CHECK_EQ(syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path, O_RDONLY, 0), -ENOENT);
	CHECK_EQ(syscall4(__NR_openat, LINUX_AT_FDCWD, (long)"/proc/-1", O_RDONLY, 0), -ENOENT);
	CHECK_EQ(chdir("/proc"), 0);
	CHECK(readlink_raw("/proc/self/cwd", buf, sizeof(buf)) > 0);
	CHECK(strcmp(buf, "/proc") == 0);
	CHECK_EQ(chdir("/"), 0);
	close((int)fd);
	close(fds[0]);
	close(fds[1]);
}

/*
 * getdents64 of /proc/self/fd after an lseek far past its last fd: no
 * entries, as on Linux (which refuses positions past 2^31 - 1).  Sluice once turned the position into a negative
 * fd number and read the fd table below its start: a kernel page fault
 * (fuzz seed 9211 on 4 harts).
 */
void test_proc_fd_far_pos(void)
{
	static const long far[] = {1026, 0x80000002L, 0x100000002L, 0x7fffffffffffffffL};
	char buf[512];
	int fd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY);

	CHECK(fd >= 0);
	for (size_t i = 0; i < sizeof(far) / sizeof(far[0]); i++) {
		long r = syscall3(__NR_lseek, fd, far[i], SEEK_SET);
		/* Linux's procfs stops positions at 2^31 - 1 (EINVAL); Sluice's
		 * takes them, and then must list nothing. */
		CHECK(r == far[i] || (far[i] > 0x7fffffffL && r == -EINVAL));
		if (r == far[i])
			CHECK_EQ(syscall3(__NR_getdents64, fd, (long)buf, sizeof(buf)), 0);
	}
	CHECK_EQ(syscall3(__NR_lseek, fd, 0, SEEK_SET), 0);
	CHECK(syscall3(__NR_getdents64, fd, (long)buf, sizeof(buf)) > 0);
	close(fd);
}
