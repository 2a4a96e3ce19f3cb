/*
 * story - Sluice's founding story as one test: a process opens a file by a
 * relative name on the ext2 disk and reads it, sleeping while the disk
 * works, and meanwhile another process gets the CPU.
 *
 *   story [-l] [DIR]     DIR: where foo is (default /mnt)
 *
 * The parent chdirs to DIR first.  A CPU-bound child counts in a loop;
 * each SIGUSR1 makes it write its count to a pipe.  The parent asks for a
 * count (to know the child runs), drops the block cache (Sluice's syscall
 * 1002, so the read must go to the disk; skipped with -l, the reference
 * run on Linux), takes a count A, calls open("foo", O_RDONLY) and reads
 * it all, takes a count B, and checks foo against fsgen.h's generator
 * (file 1, 300000 bytes, as tools/mk-ext2-image.py writes it) and that
 * B > A: the child ran while the read slept.  Then it reads foo again,
 * and /proc/diskstats must say that the first read went to the disk and
 * the second did not (the block cache is shared).  It prints
 *
 *     story: ok: read N bytes of foo; the counter went from A to B while the read slept
 *     story: ok: the first read took S sectors from the disk, the second 0
 *
 * and exits 0, or prints "story: FAIL: why" and exits 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsgen.h"
#include "syscall.h"

static volatile unsigned long counter;
static int report_fd;
static uint8_t data[512 * 1024];

/* In the child: report the count so far (write is async-signal-safe). */
static void on_usr1(int sig)
{
	unsigned long n = counter;

	(void)sig;
	write(report_fd, &n, sizeof(n));
}

static int fail(const char *fmt, const char *arg, long n)
{
	printf("story: FAIL: ");
	printf(fmt, arg, n);
	printf("\n");
	return 1;
}

/* Ask the counting child for its count. */
static long sample(int child, int fd, unsigned long *n)
{
	if (kill(child, SIGUSR1) < 0)
		return -errno;
	return read(fd, n, sizeof(*n)) == sizeof(*n) ? 0 : -EIO;
}

/* Read all of foo from the working directory into data; the length or -errno. */
static long read_foo(void)
{
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)"foo", 0 /* O_RDONLY */, 0);
	long total = 0, r;

	if (fd < 0)
		return fd;
	while ((r = syscall3(__NR_read, fd, (long)data + total, 65536)) > 0 &&
	       total + r < (long)sizeof(data) - 65536)
		total += r;
	syscall1(__NR_close, fd);
	return r < 0 ? r : total + r;
}

static int check_foo(long n)
{
	long d;

	if (n != (long)gen_foo.size)
		return fail("%s is %ld bytes long, want 300000", "foo", n);
	d = gen_diff(data, gen_foo.k, 0, (size_t)n);
	if (d >= 0)
		return fail("%s differs from the generator at byte %ld", "foo", d);
	return 0;
}

/*
 * On Linux foo comes from the page cache and the read need not sleep at
 * all, so B may still be A: there the child need only count at some point
 * (which checks the counting and the sampling).
 */
static int linux_ending(int child, int fd, long n, unsigned long a, unsigned long b)
{
	struct timespec ms = {0, 1000000};

	for (int i = 0; i < 1000 && b <= a; i++) {
		nanosleep(&ms, NULL);
		if (sample(child, fd, &b) < 0)
			return fail("%s: no count from the child (%ld)", "later", -1);
	}
	if (b <= a)
		return fail("the counter did not move in a second (%s%ld)", "", (long)a);
	printf("story: ok: read %ld bytes of foo; the counter went from %lu to %lu (Linux "
	       "reference run: the read need not sleep)\n",
	       n, a, b);
	return 0;
}

/* Sectors read from the disk so far (/proc/diskstats' vda line), or -1. */
static long sectors_read(void)
{
	char text[512];
	unsigned long reads, merged, sectors;
	long n = 0, r;
	int fd = open("/proc/diskstats", O_RDONLY);

	if (fd < 0)
		return -1;
	while (n < (long)sizeof(text) - 1 &&
	       (r = read(fd, text + n, sizeof(text) - 1 - (size_t)n)) > 0)
		n += r;
	close(fd);
	text[n] = '\0';
	char *vda = strstr(text, " vda ");
	if (!vda || sscanf(vda, " vda %lu %lu %lu", &reads, &merged, &sectors) != 3)
		return -1;
	return (long)sectors;
}

/* foo again: it must come from the block cache, not the disk. */
static int read_again(void)
{
	long s0 = sectors_read(), n, s1;

	if (s0 < 0)
		return fail("%s has no vda line (%ld)", "/proc/diskstats", s0);
	n = read_foo();
	s1 = sectors_read();
	if (n < 0 || check_foo(n))
		return n < 0 ? fail("reading %s again: error %ld", "foo", -n) : 1;
	if (s1 != s0)
		return fail("%s: read again, foo took %ld sectors from the disk", "cache", s1 - s0);
	return 0;
}

/* The story, with the counting child running; 0 if it all went right. */
static int tell(int child, int fd, bool on_linux)
{
	unsigned long a, b;
	long r, n;

	/* The first count only says the child is running. */
	if ((r = sample(child, fd, &a)) < 0)
		return fail("%s: no count from the child (%ld)", "at first", r);
	if (!on_linux && (r = syscall0(__NR_sluice_drop_caches)) != 0)
		return fail("%s failed: %ld", "sluice_drop_caches", r);
	if ((r = sample(child, fd, &a)) < 0)
		return fail("%s: no count from the child (%ld)", "before", r);
	long s0 = on_linux ? 0 : sectors_read();
	n = read_foo();
	if (n < 0)
		return fail("reading %s: error %ld", "foo", -n);
	if ((r = sample(child, fd, &b)) < 0)
		return fail("%s: no count from the child (%ld)", "after", r);
	if (check_foo(n))
		return 1;
	if (on_linux)
		return linux_ending(child, fd, n, a, b);
	if (b <= a)
		return fail("the counter did not move while the read slept (%s%ld)", "", (long)a);
	printf("story: ok: read %ld bytes of foo; the counter went from %lu to %lu while the "
	       "read slept\n",
	       n, a, b);
	long s1 = sectors_read();
	if (s0 < 0 || s1 - s0 < n / 512)
		return fail("/proc/diskstats: %s %ld sectors for the first read", "only", s1 - s0);
	if (read_again())
		return 1;
	printf("story: ok: the first read took %ld sectors from the disk, the second 0\n", s1 - s0);
	return 0;
}

int main(int argc, char **argv)
{
	bool on_linux = argc > 1 && strcmp(argv[1], "-l") == 0;
	const char *dir = argc > 1 + on_linux ? argv[1 + on_linux] : "/mnt";
	int p[2], child, status, result;

	if (chdir(dir) < 0)
		return fail("chdir %s: error %ld", dir, errno);
	if (pipe(p) < 0 || signal(SIGUSR1, on_usr1) == SIG_ERR)
		return fail("%s: error %ld", "pipe or signal", errno);
	report_fd = p[1]; /* before fork: a SIGUSR1 may come at once */
	fflush(stdout);
	child = fork();
	if (child < 0)
		return fail("%s: error %ld", "fork", errno);
	if (child == 0) {
		close(p[0]);
		for (;;)
			counter++;
	}
	close(p[1]);
	result = tell(child, p[0], on_linux);
	kill(child, SIGKILL);
	if (waitpid(child, &status, 0) != child || !WIFSIGNALED(status) ||
	    WTERMSIG(status) != SIGKILL)
		result =
			fail("the counting child ended %s(wait status %#lx)", "strangely ", status);
	return result;
}
