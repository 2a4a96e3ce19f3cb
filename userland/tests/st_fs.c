/*
 * st_fs.c - running out of file descriptors (EMFILE, per process), of open
 * files (ENFILE, system-wide: /proc/sys/fs/file-max) and of disk space
 * (ENOSPC on ext2), and coming back from each.
 */
#include <stdio.h>
#include <string.h>

#include "stress.h"

static long open_null(void)
{
	return syscall4(__NR_openat, LINUX_AT_FDCWD, (long)"/dev/null", 0, 0);
}

/* --- EMFILE --- */

/* What must be EMFILE with a full table, Linux's way: before the path is
 * even looked at, and before O_CREAT makes anything. */
static void full_table_checks(void)
{
	int fds[2];

	CHECK_EQ(syscall1(__NR_dup, 0), -EMFILE);
	CHECK_EQ(syscall3(__NR_fcntl, 0, LINUX_F_DUPFD, 0), -EMFILE);
	CHECK_EQ(syscall2(__NR_pipe2, (long)fds, 0), -EMFILE);
	CHECK_EQ(syscall4(__NR_openat, LINUX_AT_FDCWD, (long)"/tmp/stress-emfile",
			  LINUX_O_CREAT | 1, 0644),
		 -EMFILE);
	CHECK_EQ(syscall4(__NR_faccessat, LINUX_AT_FDCWD, (long)"/tmp/stress-emfile", 0, 0),
		 -ENOENT);
	CHECK_EQ(syscall4(__NR_openat, LINUX_AT_FDCWD, (long)"/no/such/file", 0, 0), -EMFILE);
}

void test_fd_exhaustion(void)
{
	struct rlimit rl;
	long fd, last = -1;

	CHECK_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (on_linux && rl.rlim_cur > 1024) { /* a host's limit may be huge */
		rl.rlim_cur = 1024;
		CHECK_EQ(prlimit(0, RLIMIT_NOFILE, &rl, NULL), 0);
	}
	for (int round = 0; round < 3; round++) {
		while ((fd = open_null()) >= 0)
			last = fd;
		CHECK_EQ(fd, -EMFILE);
		CHECK_EQ(last, (long)rl.rlim_cur - 1); /* every slot up to the limit */
		full_table_checks();
		/* One closed, one open again: the same slot. */
		CHECK_EQ(syscall1(__NR_close, 17), 0);
		CHECK_EQ(open_null(), 17);
		for (long i = 3; i <= last; i++)
			CHECK_EQ(syscall1(__NR_close, i), 0);
	}
}

/* --- ENFILE --- */

struct fill_report {
	long opened, err, pipe_err, dup_fd, reopen_err;
};

static int report[2];

/* Open /dev/null until refused; say how it went; then hold the files. */
static void file_filler(void)
{
	struct fill_report r = {0, 0, 0, -1, 0};
	int fds[2];

	while ((r.err = open_null()) >= 0)
		r.opened++;
	if (r.err == -ENFILE) {
		r.pipe_err = syscall2(__NR_pipe2, (long)fds, 0);
		r.dup_fd = syscall1(__NR_dup, 0); /* no new open file: allowed, as on Linux */
		if (r.dup_fd >= 0)
			syscall1(__NR_close, r.dup_fd);
		r.reopen_err = open_null();
	}
	write_full(report[1], &r, sizeof(r));
	for (;;)
		sleep_ms_all(100000);
}

static int fillers[4096], n_fillers;

/* Kill and reap every filler: done before the checks, so that a failed
 * check leaves no process holding files behind. */
static void end_fillers(void)
{
	for (int i = 0; i < n_fillers; i++)
		syscall2(__NR_kill, fillers[i], LINUX_SIGKILL);
	for (int i = 0; i < n_fillers; i++)
		expect_killed(reap(fillers[i]), SIGKILL);
}

void test_file_max(void)
{
	long max = proc_number("/proc/sys/fs/file-max");
	long before = proc_number("/proc/sys/fs/file-nr") - 1; /* not counting that one */
	long total = 0, free;
	struct fill_report r = {0, 0, 0, 0, 0};

	make_pipe(report);
	before += 2;
	while (r.err != -ENFILE && n_fillers < 4096) {
		long pid = raw_fork();
		if (pid == 0)
			file_filler();
		if (pid < 0 || read_full(report[0], &r, sizeof(r)) != sizeof(r))
			break;
		fillers[n_fillers++] = (int)pid;
		total += r.opened;
		if (r.err != -EMFILE && r.err != -ENFILE)
			break;
	}
	free = free_pages();
	printf("  file_max: %d processes opened %ld files, %ld were open before: %ld at "
	       "file-max %ld; %ld pages free\n",
	       n_fillers, total, before, r.err, max, free);
	end_fillers();
	CHECK_EQ(r.err, -ENFILE);
	CHECK_EQ(total + before, max);
	CHECK_EQ(r.pipe_err, -ENFILE);
	CHECK(r.dup_fd >= 0);
	CHECK_EQ(r.reopen_err, -ENFILE);
	CHECK(free > 1024); /* the kernel was not starved */
	CHECK_EQ(proc_number("/proc/sys/fs/file-nr") - 1, before);
}

/* --- ENOSPC on ext2 --- */

#define EXT2_SUPER_MAGIC 0xef53

static long fill_file(const char *path, long *err)
{
	static char block[16384];
	long n, total = 0;
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path,
			   LINUX_O_CREAT | LINUX_O_TRUNC | 1, 0644);

	CHECK(fd >= 0);
	memset(block, 's', sizeof(block));
	while ((n = syscall3(__NR_write, fd, (long)block, sizeof(block))) > 0)
		total += n;
	*err = n;
	CHECK_EQ(syscall1(__NR_fsync, fd), 0);
	CHECK_EQ(syscall1(__NR_close, fd), 0);
	return total;
}

/* Fill the disk at /mnt, see ENOSPC, delete, and fill it again as far. */
void test_enospc_ext2(void)
{
	struct statfs st;
	long err, first, second;

	if (statfs("/mnt", &st) != 0 || st.f_type != EXT2_SUPER_MAGIC) {
		printf("  enospc_ext2: no ext2 file system on /mnt: nothing to fill\n");
		return;
	}
	for (int round = 0; round < 2; round++) {
		first = fill_file("/mnt/stress-fill", &err);
		CHECK_EQ(err, -ENOSPC);
		/* Full: a new name cannot have a block either, but reading works. */
		CHECK_EQ(syscall3(__NR_mkdirat, LINUX_AT_FDCWD, (long)"/mnt/stress-dir", 0755),
			 -ENOSPC);
		CHECK_EQ(syscall3(__NR_unlinkat, LINUX_AT_FDCWD, (long)"/mnt/stress-fill", 0), 0);
		second = fill_file("/mnt/stress-fill", &err);
		CHECK_EQ(err, -ENOSPC);
		CHECK_EQ(second, first); /* every block came back */
		CHECK_EQ(syscall3(__NR_unlinkat, LINUX_AT_FDCWD, (long)"/mnt/stress-fill", 0), 0);
		printf("  enospc_ext2: round %d: %ld KiB written, then ENOSPC; deleted, written "
		       "again\n",
		       round, first / 1024);
	}
}
