/*
 * stress - Sluice's stress tests (see stress.h and docs/robustness.md).
 *
 *   stress [-l] [name...]
 *
 *   -l     reference run on Linux (qemu-riscv64 user mode): only the tests
 *          marked safe on a host, without the checks of what only Sluice
 *          promises (its limits, its free-page count)
 *   name   run only these tests
 *
 * Each test runs in a child process; the harness prints "ok   name" with
 * what it took, or "FAIL name: why", and finally "stress: N passed, N
 * failed".  After each test it waits until the free-page count is back at
 * what it was before the test and the processes are gone: a test that
 * leaves a page behind fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stress.h"

struct test {
	const char *name;
	void (*fn)(void);
	bool on_host; /* safe, and meaningful, under qemu-riscv64 on a Linux host */
};

#define TEST(name, host)                                                                           \
	{                                                                                          \
#name, test_##name, host                                                           \
	}
#define SLUICE false
#define HOST   true

static const struct test tests[] = {
	TEST(oom_hog, SLUICE),
	TEST(oom_copy_hog, SLUICE),
	TEST(oom_bystander_pipe, SLUICE),
	TEST(oom_bystander_sleep, SLUICE),
	TEST(oom_copy_bystander, SLUICE),
	TEST(kernel_alloc_sweep, SLUICE),
	TEST(fork_bomb, SLUICE),
	TEST(thousand_procs, SLUICE),
	TEST(signal_storm, HOST),
	TEST(sigkill_sleepers, HOST),
	TEST(deep_recursion, HOST),
	TEST(elf_malformed, SLUICE),
	TEST(argv_limits, HOST),
	TEST(fd_exhaustion, HOST),
	TEST(file_max, SLUICE),
	TEST(enospc_ext2, SLUICE),
	TEST(pcache_read_big, SLUICE),
	TEST(pcache_before_oom, SLUICE),
};
#define NTESTS (sizeof(tests) / sizeof(tests[0]))

bool on_linux;
/* --- helpers --- */

long raw_fork(void)
{
	return syscall5(__NR_clone, LINUX_SIGCHLD, 0, 0, 0, 0);
}

int reap_within(int pid, long ms)
{
	long deadline = now_ms() + ms, w;
	int status = 0;

	while ((w = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() < deadline)
		sleep_ms_all(10);
	if (w != 0 && w != pid)
		FAIL("waitpid(%d) = %ld", pid, w);
	return w == pid ? status : -1;
}

long free_pages(void)
{
	return on_linux ? -1 : syscall0(__NR_sluice_free_pages);
}

long proc_number(const char *path)
{
	char buf[64];
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path, 0, 0), n;

	if (fd < 0)
		return -1;
	n = syscall3(__NR_read, fd, (long)buf, sizeof(buf) - 1);
	syscall1(__NR_close, fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

long proc_processes(void)
{
	static char buf[4096]; /* no malloc: the harness's own pages stay put */
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)"/proc", LINUX_O_DIRECTORY, 0);
	long n = 0, got;

	if (fd < 0)
		return -1;
	while ((got = syscall3(__NR_getdents64, fd, (long)buf, sizeof(buf))) > 0) {
		for (long off = 0; off < got;) {
			const char *name =
				buf + off + 19; /* after d_ino, d_off, d_reclen, d_type */
			n += name[0] >= '1' && name[0] <= '9';
			off += *(unsigned short *)(buf + off + 16);
		}
	}
	syscall1(__NR_close, fd);
	return n;
}

void make_pipe(int fds[2])
{
	long r = syscall2(__NR_pipe2, (long)fds, LINUX_O_CLOEXEC);

	if (r)
		FAIL("pipe2: %ld", r);
}

long read_full(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		long r = syscall3(__NR_read, fd, (long)buf + (long)got, (long)(n - got));
		if (r == -EINTR)
			continue;
		if (r <= 0)
			return got ? (long)got : r;
		got += (size_t)r;
	}
	return (long)got;
}

void write_full(int fd, const void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		long r = syscall3(__NR_write, fd, (long)buf + (long)done, (long)(n - done));
		if (r == -EINTR)
			continue;
		if (r <= 0)
			FAIL("write: %ld", r);
		done += (size_t)r;
	}
}

void __attribute__((noinline)) touch_stack(size_t n)
{
	volatile char *pad = __builtin_alloca(n);

	for (size_t i = 0; i < n; i += 512)
		pad[i] = 0;
}

/* --- the harness --- */

/* Free pages once the page cache is dropped: its clean pages count as
 * free, its bookkeeping does not. */
static long free_pages_dropped(void)
{
	if (!on_linux)
		syscall0(__NR_sluice_drop_caches);
	return free_pages();
}

/* Wait until the pages and the processes the test took are back: init
 * reaps orphans in its own time.  The pages still missing, or 0. */
static long settle(long pages, long procs)
{
	long deadline = now_ms() + 20000, now_free = free_pages_dropped();

	while (now_ms() < deadline) {
		now_free = free_pages_dropped();
		if (now_free == pages && (procs < 0 || proc_processes() == procs))
			return 0;
		sleep_ms_all(20);
	}
	return pages - now_free;
}

static bool run_one(const struct test *t)
{
	char why[160] = "";
	long procs = on_linux ? -1 : proc_processes(), pages, start = now_ms(), lost;
	bool ok;

	fflush(stdout);
	pages = free_pages_dropped();
	ok = harness_run_child(t->name, t->fn, NULL, 0, why, sizeof(why)) > 0;
	lost = on_linux ? 0 : settle(pages, procs);
	if (ok && lost) {
		snprintf(why, sizeof(why),
			 "%ld pages not back after 20 s (%ld processes now, %ld before)", lost,
			 proc_processes(), procs);
		ok = false;
	}
	if (ok)
		printf("ok   %s (%ld ms)\n", t->name, now_ms() - start);
	else
		printf("FAIL %s: %s\n", t->name, why);
	return ok;
}

static bool selected(const struct test *t, int argc, char **argv)
{
	bool named;

	return harness_named(t->name, argc, argv, NULL, &named) ||
	       (!named && (!on_linux || t->on_host));
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	if (argc >= 2 && strcmp(argv[1], "--sweep") == 0)
		return sweep_main(argc > 2 ? argv[2] : NULL);
	if (argc == 4 && strcmp(argv[1], "--hog") == 0)
		return sweep_hog_main(atoi(argv[2]), atoi(argv[3]));
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-l") == 0) {
			on_linux = true;
		} else if (argv[i][0] == '-') {
			printf("usage: stress [-l] [name...]\n");
			return 2;
		}
	}
	printf("stress: starting (pid %d, %ld free pages, threads-max %ld, file-max %ld)\n",
	       getpid(), free_pages(), proc_number("/proc/sys/kernel/threads-max"),
	       proc_number("/proc/sys/fs/file-max"));
	touch_stack(64 * 1024);
	sluice_touch_program(); /* its text comes by fault: all of it now */
	for (size_t i = 0; i < NTESTS; i++) {
		if (!selected(&tests[i], argc, argv))
			continue;
		if (run_one(&tests[i]))
			passed++;
		else
			failed++;
	}
	printf("stress: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
