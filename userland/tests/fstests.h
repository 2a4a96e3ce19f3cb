/*
 * fstests.h - the file-system test program's table entry, checks and
 * helpers (fstests.c; the tests are in fs_*.c).
 *
 * A test is a function that returns when it passes.  It runs in a child
 * process of its own whose working directory is a fresh, empty scratch
 * directory under the -d directory; the harness removes the directory
 * afterwards (and fails the test if it cannot).  A failed CHECK prints why
 * and ends the child with status 1 (the checks, spawn(), reap(), note():
 * harness.h).
 */
#ifndef FSTESTS_H
#define FSTESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsgen.h"
#include "harness.h"
#include "syscall.h"

struct fstest {
	const char *name;
	void (*fn)(void);
};

/*
 * -l: a reference run on Linux (qemu-riscv64 user mode): skip only what is
 * Sluice's own (/dev/console may be absent or not ours to open).
 */
extern bool on_linux;
/* This program's absolute path, for the tests that exec it again. */
extern const char *self_path;
/*
 * -q PROG: exec this program through PROG (qemu-riscv64 on a Linux host,
 * whose kernel cannot run a RISC-V program itself); NULL: exec it directly.
 */
extern const char *exec_interp;
/* The absolute path of the running test's scratch directory. */
extern char scratch_path[];

/* Raw calls: the kernel's own answer (value or -errno, Linux numbers). */
long sys_open(const char *path, long lflags, long mode); /* openat(AT_FDCWD) */
long sys_stat(const char *path, struct linux_stat *st);	 /* newfstatat */
long sys_fstat(long fd, struct linux_stat *st);
long sys_mkdir(const char *path);
long sys_unlink(const char *path);
long sys_rmdir(const char *path);
long sys_rename(const char *from, const char *to);
long sys_link(const char *from, const char *to);
long sys_lseek(long fd, long off, int whence);

#define L_O_RDONLY 0
#define L_O_WRONLY 1
#define L_O_RDWR   2
#define L_S_IFMT   0170000
#define L_S_IFDIR  0040000
#define L_S_IFREG  0100000
#define L_S_IFCHR  0020000
#define L_S_IFIFO  0010000
#define L_PATH_MAX 4096
#define L_NAME_MAX 255

/* Open (creating, 0644) or fail the test; returns the fd. */
int xopen(const char *path, long lflags);
/* Write all n bytes / read exactly n bytes, or fail the test. */
void xwrite(int fd, const void *buf, size_t n);
void xread(int fd, void *buf, size_t n);
/* mkdir or fail. */
void xmkdir(const char *path);
/* Close or fail. */
void xclose(int fd);

/* A file holding file k's bytes 0..size (written in odd-sized chunks). */
void make_file(const char *path, unsigned k, uint64_t size);
/* The file at path is exactly file k's bytes 0..size, or the test fails. */
void check_file(const char *path, unsigned k, uint64_t size);
/* The next n bytes of fd are file k's from off (read in odd chunks). */
void check_fd(int fd, unsigned k, uint64_t off, uint64_t n);
/* The stat of path, or fail. */
struct linux_stat xstat(const char *path);

/* The child exited with status 0, or fail saying how it ended. */
void expect_ok(int status, const char *who);

/*
 * Call fn (if not NULL) for every entry of directory path, "." and ".."
 * included, reading with getdents64 into a buffer of bufsize bytes.
 * Returns the number of entries other than "." and "..", or -errno.
 */
long list_dir(const char *path, size_t bufsize,
	      void (*fn)(const struct linux_dirent64 *d, void *arg), void *arg);

/* Remove path and everything under it; 0, or -errno of the first failure. */
long remove_tree(const char *path);

/* Big scratch buffers, shared by the tests (one test runs per process). */
#define BUF_SIZE (256 * 1024)
extern uint8_t buf_a[BUF_SIZE], buf_b[BUF_SIZE];

/* fstests --fd-helper SPEC: the exec side of fd_cloexec (fs_fds.c). */
int fd_helper(int argc, char **argv);
/* fstests --ids-helper R E S: the exec side of perm_setuid_exec (fs_perm.c). */
int ids_helper(int argc, char **argv);

#define T(name) void test_##name(void)
/* fs_cache.c */
T(meminfo_counts);
T(writeback_flusher);
/* fs_mmap.c */
T(mmap_private_eof);
T(mmap_private_cow);
T(mmap_shared_coherent);
T(mmap_read_into);
T(mmap_errors);
T(mmap_maps);
T(mmap_frees);
T(mmap_madvise_msync);
T(mmap_mremap);
T(mmap_shared_durable);
T(mmap_mincore);
T(mmap_truncate);
T(mmap_fault_counts);
T(sync_reopened_file);
T(readahead);
/* fs_files.c */
T(many_files);
T(large_file);
T(pread_pwrite);
T(sparse);
T(truncate);
T(hard_links);
T(open_excl);
T(open_trunc);
T(open_append);
T(open_errors);
T(fsync);
/* fs_dirs.c */
T(dir_deep);
T(dir_wide);
T(rmdir_errors);
T(rename_file);
T(rename_dir);
T(rename_errors);
T(path_relative);
T(path_dots);
T(path_errors);
T(path_dirfd);
T(getcwd);
/* fs_fds.c */
T(dup);
T(fcntl);
T(fd_lowest);
T(fd_shared_fork);
T(fd_cloexec);
T(fd_ebadf);
T(fstat_empty_path);
T(pipe_bulk);
T(pipe_eof);
T(pipe_epipe);
T(pipe_sigpipe);
T(pipeline);
T(concurrent_writers);
/* fs_pipes.c */
T(pipe_readers);
T(pipe_writers);
T(pipe_capacity);
T(pipe_setsize);
T(pipe_atomic);
T(pipe_pages);
/* fs_limits.c */
T(lseek_overflow);
T(offset_limits);
T(iov_limits);
T(size_widths);
/* fs_churn.c */
T(concurrent_renames);
T(concurrent_rename_rmdir);
T(concurrent_churn);
T(dev_null);
T(dev_zero);
T(dev_full);
T(dev_urandom);
T(dev_console);
/* fs_life.c */
T(rmdir_cwd);
T(rmdir_chain);
T(umount_busy);
T(path_no_search);
T(mount_rmdir_race);
T(mount_moved_parent);
T(mount_names_escaped);
T(mount_source);
T(mount_many);
T(remount_ro);
T(umount_frees);
T(umount_race);
T(tmpfs_limits);
T(dev_shm);
/* fs_links.c */
T(symlink_limit);
T(symlink_branching);
T(kill_long_read);
T(attr_chmod);
T(attr_umask);
T(attr_utimes);
T(attr_chown);
T(fifo_open);
T(fifo_data);
T(fifo_race);
T(fifo_counted);
T(mknod_nodes);
T(perm_ids);
T(perm_files);
T(chroot);
T(perm_setuid_exec);
/* fs_calls.c */
T(truncate_path);
T(fallocate);
T(fadvise);
T(syncfs);
T(statx);
T(sendfile);
T(copy_range);
T(dev_fd);
/* fs_locks.c */
T(flock);
T(posix_locks);
T(lock_deadlock);
T(ofd_locks);
#undef T

#endif
