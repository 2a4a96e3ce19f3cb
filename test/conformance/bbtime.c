/*
 * bbtime - how make bench counts what a busybox command costs, on Sluice
 * and on Debian's Linux kernel alike (docs/benchmarks.md, "Busybox next
 * to Linux").
 *
 *     bbtime -m K [-n N] [-d] PROGRAM ARG...
 *     bbtime -m K [-n N] -r FILE
 *
 * runs PROGRAM N times (default 1), each a fork, an execve and a wait4,
 * between two marker instructions, 2K before and 2K+1 after (K from 16 to
 * 31).  With -r it reads FILE instead, whole, with one pread of up to
 * 64 KiB from offset 0, N times between the markers (after one read
 * before them, so the file and the buffer are in memory).  It prints
 * nothing itself: QEMU's hartinsn plugin (test/qemu/hartinsn.c) prints the
 * instructions retired so far at each marker, so the difference is what
 * the N runs cost, kernel and user together.  Built with Sluice's small
 * runtime, so that the program doing the counting is the same few
 * instructions on both kernels.
 *
 * With -d it first writes everything back and empties the page cache, so
 * that both kernels start from a disk whose files no memory holds (the tar
 * figure on ext2): sync, then Linux's /proc/sys/vm/drop_caches ("3": pages,
 * dentries and inodes) where there is one, else Sluice's own call
 * sluice_drop_caches (which syncs itself and forgets the page cache and
 * the block cache).  That is before the first marker: not counted.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mark.h"
#include "syscall.h"

/* -r: N reads of a cached file between the markers. */
static int time_reads(int k, int n, const char *path)
{
	static char buf[64 * 1024];
	int fd = open(path, O_RDONLY), failed = 0;
	ssize_t want = fd < 0 ? -1 : pread(fd, buf, sizeof(buf), 0);

	if (want <= 0) {
		fprintf(stderr, "bbtime: cannot read %s\n", path);
		return 1;
	}
	mark(k, 0);
	for (int i = 0; i < n; i++)
		failed |= pread(fd, buf, sizeof(buf), 0) != want;
	mark(k, 1);
	close(fd);
	if (failed)
		fprintf(stderr, "bbtime: a read of %s came short\n", path);
	return failed;
}

/* N runs of argv[0] (fork, execve, wait4) between the markers. */
static int time_runs(int k, int n, char **argv)
{
	extern char **environ;
	int failed = 0;

	mark(k, 0);
	for (int i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();
		if (pid == 0) {
			execve(argv[0], argv, environ);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0)
			failed = 1;
	}
	mark(k, 1);
	if (failed)
		fprintf(stderr, "bbtime: %s failed\n", argv[0]);
	return failed;
}

/* -d: the disk's files out of memory, on either kernel (see the top). */
static int drop_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
	long err = 0;

	sync();
	if (fd >= 0) {
		err = write(fd, "3\n", 2) == 2 ? 0 : -1;
		close(fd);
	} else {
		err = syscall0(__NR_sluice_drop_caches);
	}
	if (err)
		fprintf(stderr, "bbtime: cannot drop the caches\n");
	return err != 0;
}

int main(int argc, char **argv)
{
	int k = -1, n = 1, opt, drop = 0;
	const char *file = NULL;

	while ((opt = getopt(argc, argv, "+m:n:r:d")) != -1) {
		if (opt == 'm')
			k = atoi(optarg);
		else if (opt == 'n')
			n = atoi(optarg);
		else if (opt == 'r')
			file = optarg;
		else if (opt == 'd')
			drop = 1;
		else
			k = -1;
	}
	if (k < 16 || k > 31 || n < 1 || (optind >= argc && !file)) {
		fprintf(stderr,
			"usage: bbtime -m K(16..31) [-n N] [-d] PROGRAM ARG... | -r FILE\n");
		return 2;
	}
	if (drop && drop_caches())
		return 1;
	if (file)
		return time_reads(k, n, file);
	return time_runs(k, n, argv + optind);
}
