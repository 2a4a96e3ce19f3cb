/*
 * fstests - Sluice's in-guest file-system tests.
 *
 *   fstests [-l] [-d DIR] [-q PROG] [name...]   run the tests (all, or those named)
 *   fstests [-l] -w DIR                         write the set the host checks
 *   fstests [-l] -d DIR -w DIR2 [name...]       the tests, then (if they passed) the set
 *
 *   -d DIR   work under DIR (default: the working directory), so the same
 *            program tests the ramfs root (-d /tmp) and the ext2 disk (-d /mnt)
 *   -l       reference run on Linux (qemu-riscv64 user mode): skip only what
 *            is Sluice's own (/dev/console)
 *   -q PROG  run this program again (fd_cloexec's exec) through PROG, e.g.
 *            qemu-riscv64 on a Linux host; without it on Linux, that part is
 *            skipped
 *   -w DIR   write the deterministic set of files tools/check-ext2-image.py
 *            checks (fsgen.c), then sync
 *
 * Each test runs in a child process whose working directory is a fresh
 * scratch directory DIR/fstests.<pid>/<test>; afterwards the harness
 * removes that directory, which must succeed too.  It prints
 * "fstests: <name>: ok" or "fstests: <name>: FAIL: why" per test, then
 * "fstests: all N tests passed" or "fstests: M of N FAILED", and exits 0
 * only if all passed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fstests.h"

#define TEST(name)                                                                                 \
	{                                                                                          \
#name, test_##name                                                                 \
	}

static const struct fstest tests[] = {
	/* Files (fs_files.c). */
	TEST(many_files),
	TEST(large_file),
	TEST(pread_pwrite),
	TEST(sparse),
	TEST(truncate),
	TEST(hard_links),
	TEST(open_excl),
	TEST(open_trunc),
	TEST(open_append),
	TEST(open_errors),
	TEST(fsync),
	/* Directories, rename and paths (fs_dirs.c). */
	TEST(dir_deep),
	TEST(dir_wide),
	TEST(rmdir_errors),
	TEST(rename_file),
	TEST(rename_dir),
	TEST(rename_errors),
	TEST(path_relative),
	TEST(path_dots),
	TEST(path_errors),
	TEST(path_dirfd),
	TEST(getcwd),
	/* File descriptors, pipes, several processes, devices (fs_fds.c). */
	TEST(dup),
	TEST(fcntl),
	TEST(fd_lowest),
	TEST(fd_shared_fork),
	TEST(fd_cloexec),
	TEST(fd_ebadf),
	TEST(fstat_empty_path),
	TEST(pipe_bulk),
	TEST(pipe_eof),
	TEST(pipe_epipe),
	TEST(pipe_sigpipe),
	TEST(pipeline),
	TEST(concurrent_writers),
	/* What pipes promise: shared ends, atomic writes, sizes (fs_pipes.c). */
	TEST(pipe_readers),
	TEST(pipe_writers),
	TEST(pipe_capacity),
	TEST(pipe_setsize),
	TEST(pipe_atomic),
	TEST(pipe_pages),
	/* Offsets, counts and sizes at their limits (fs_limits.c). */
	TEST(lseek_overflow),
	TEST(offset_limits),
	TEST(iov_limits),
	TEST(size_widths),
	TEST(concurrent_renames),
	TEST(concurrent_rename_rmdir),
	TEST(concurrent_churn),
	TEST(dev_null),
	TEST(dev_zero),
	TEST(dev_full),
	TEST(dev_urandom),
	TEST(dev_console),
	/* Lifetimes: removed directories, mounts in use (fs_life.c). */
	TEST(rmdir_cwd),
	TEST(rmdir_chain),
	TEST(umount_busy),
	TEST(path_no_search),
	TEST(mount_rmdir_race),
	TEST(mount_moved_parent),
	TEST(mount_names_escaped),
	TEST(mount_source),
	TEST(mount_many),
	TEST(remount_ro),
	TEST(umount_frees),
	TEST(umount_race),
	TEST(tmpfs_limits),
	TEST(dev_shm),
	/* Symbolic links, SIGKILL in long calls (fs_links.c). */
	TEST(symlink_limit),
	TEST(symlink_branching),
	TEST(kill_long_read),
	/* Modes, owners, times, the umask (fs_attr.c). */
	TEST(attr_chmod),
	TEST(attr_umask),
	TEST(attr_utimes),
	TEST(attr_chown),
	/* FIFOs, device and socket nodes (fs_nodes.c). */
	TEST(fifo_open),
	TEST(fifo_data),
	TEST(fifo_race),
	TEST(fifo_counted),
	TEST(mknod_nodes),
	/* Users, groups, permissions (fs_perm.c). */
	TEST(perm_ids),
	TEST(perm_files),
	TEST(chroot),
	TEST(perm_setuid_exec),
	/* More file calls: truncate, fallocate, fadvise64, syncfs, statx, sendfile,
	 * copy_file_range (fs_calls.c). */
	TEST(truncate_path),
	TEST(fallocate),
	TEST(fadvise),
	TEST(syncfs),
	TEST(statx),
	TEST(sendfile),
	TEST(copy_range),
	TEST(dev_fd),
	/* Advisory locks: flock, POSIX and OFD record locks (fs_locks.c). */
	TEST(flock),
	TEST(posix_locks),
	TEST(lock_deadlock),
	TEST(ofd_locks),
	/* mmap of files (fs_mmap.c). */
	TEST(mmap_private_eof),
	TEST(mmap_private_cow),
	TEST(mmap_shared_coherent),
	TEST(mmap_read_into),
	TEST(mmap_errors),
	TEST(mmap_maps),
	TEST(mmap_frees),
	TEST(mmap_madvise_msync),
	TEST(mmap_mremap),
	TEST(mmap_shared_durable),
	TEST(mmap_mincore),
	TEST(mmap_truncate),
	TEST(mmap_fault_counts),
	TEST(sync_reopened_file),
	TEST(readahead),
	/* The page cache as /proc shows it, the flusher (fs_cache.c). */
	TEST(meminfo_counts),
	TEST(writeback_flusher),
};
#define NTESTS (sizeof(tests) / sizeof(tests[0]))

bool on_linux;
const char *self_path = "/bin/fstests";
const char *exec_interp;
char scratch_path[L_PATH_MAX];
/* Run t in a child inside top/<name>; then remove that directory. */
static bool run_one(const struct fstest *t, const char *top, char *why, size_t n)
{
	char dir[L_PATH_MAX];
	long r;

	snprintf(dir, sizeof(dir), "%s/%s", top, t->name);
	if ((r = sys_mkdir(dir)) < 0)
		return snprintf(why, n, "mkdir %s: %ld", dir, r), false;
	snprintf(scratch_path, L_PATH_MAX, "%s", dir); /* the child's copy */
	if (harness_run_child(t->name, t->fn, dir, 0, why, n) <= 0)
		return false;
	if ((r = remove_tree(dir)) < 0)
		return snprintf(why, n, "removing %s afterwards: error %ld", dir, -r), false;
	return true;
}

static bool selected(const struct fstest *t, int argc, char **argv, int first)
{
	if (first >= argc)
		return true;
	for (int i = first; i < argc; i++)
		if (strcmp(argv[i], t->name) == 0)
			return true;
	return false;
}

static int unknown_names(int argc, char **argv, int first)
{
	int bad = 0;

	for (int i = first; i < argc; i++) {
		size_t j = 0;
		while (j < NTESTS && strcmp(argv[i], tests[j].name))
			j++;
		if (j == NTESTS) {
			printf("fstests: no test named %s\n", argv[i]);
			bad++;
		}
	}
	return bad;
}

static int run_all(const char *dir, int argc, char **argv, int first)
{
	char top[L_PATH_MAX], cwd[L_PATH_MAX];
	int n = 0, failed = 0;

	if (chdir(dir) < 0 || !getcwd(cwd, sizeof(cwd))) {
		printf("fstests: cannot work in %s: %s\n", dir, strerror(errno));
		return 1;
	}
	snprintf(top, sizeof(top), "%s/fstests.%d", strcmp(cwd, "/") ? cwd : "", getpid());
	if (sys_mkdir(top) < 0) {
		printf("fstests: cannot make %s\n", top);
		return 1;
	}
	printf("fstests: starting in %s%s\n", top, on_linux ? " (Linux reference run)" : "");
	for (size_t i = 0; i < NTESTS; i++) {
		char why[200] = "";
		if (!selected(&tests[i], argc, argv, first))
			continue;
		n++;
		if (run_one(&tests[i], top, why, sizeof(why))) {
			printf("fstests: %s: ok\n", tests[i].name);
		} else {
			printf("fstests: %s: FAIL: %s\n", tests[i].name, why);
			failed++;
		}
	}
	if (!failed && sys_rmdir(top) < 0) {
		printf("fstests: cannot remove %s\n", top);
		failed++;
	}
	if (failed)
		printf("fstests: %d of %d FAILED\n", failed, n);
	else
		printf("fstests: all %d tests passed\n", n);
	return failed ? 1 : 0;
}

/* path made absolute in buf (the tests chdir before they exec or write). */
static const char *absolute(const char *path, char *buf, size_t n)
{
	char cwd[L_PATH_MAX];

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return path;
	snprintf(buf, n, "%s/%s", cwd, path);
	return buf;
}

static int usage(void)
{
	printf("usage: fstests [-l] [-d DIR] [-q PROG] [-w DIR] [name...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	static char self[L_PATH_MAX], wdir[L_PATH_MAX];
	const char *dir = NULL, *write_dir = NULL;
	int i, r;

	if (argc > 1 && strcmp(argv[1], "--fd-helper") == 0)
		return fd_helper(argc, argv);
	sluice_touch_program(); /* its text comes by fault: all of it now */
	if (argc > 1 && strcmp(argv[1], "--ids-helper") == 0)
		return ids_helper(argc, argv);
	/* A bare name was found on the PATH, which only has /bin. */
	if (strchr(argv[0], '/'))
		self_path = absolute(argv[0], self, sizeof(self));
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-l") == 0)
			on_linux = true;
		else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "-q") == 0 && i + 1 < argc)
			exec_interp = argv[++i];
		else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc)
			write_dir = absolute(argv[++i], wdir, sizeof(wdir));
		else
			return usage();
	}
	if (unknown_names(argc, argv, i))
		return 2;
	/* -w alone only writes; with -d or names, the tests come first. */
	if (write_dir && !dir && i == argc)
		return gen_write_set(write_dir) < 0 ? 1 : 0;
	r = run_all(dir ? dir : ".", argc, argv, i);
	if (r == 0 && write_dir && gen_write_set(write_dir) < 0)
		r = 1;
	return r;
}
