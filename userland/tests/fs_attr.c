/*
 * fs_attr.c - fstests on attributes: modes, owners, times and the umask.
 *
 * attr_chmod: fchmod, fchmodat and fchmodat2 set the permission bits
 * (set-uid, set-gid and sticky included), keep the type, move ctime, and
 * give Linux's errors (EBADF, ENOENT, EFAULT, EINVAL, EOPNOTSUPP on a
 * symbolic link's own mode).
 *
 * attr_umask: umask returns the old mask; open, mkdir and mknod lose its
 * bits, a symbolic link does not; a fork inherits it.
 *
 * attr_utimes: utimensat with given times (nanoseconds kept, or 0 where the
 * disk keeps seconds), UTIME_NOW, UTIME_OMIT, NULL, futimens (a NULL path
 * and an fd), AT_SYMLINK_NOFOLLOW on a link, and the errors.
 *
 * attr_chown: fchownat and fchown set owner and group (-1 keeps one), clear
 * set-uid and group-executable set-gid on a file but not on a directory,
 * change a link itself with AT_SYMLINK_NOFOLLOW, and give Linux's errors;
 * a set-group-id directory passes its group (and the bit, to directories)
 * to what is made in it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fstests.h"

#define L_UTIME_NOW  ((1l << 30) - 1)
#define L_UTIME_OMIT ((1l << 30) - 2)
#define L_EOPNOTSUPP 95
#define BAD_PTR	     ((long)1) /* never mapped */

struct l_timespec {
	long sec, nsec;
};

static long l_umask(long mask)
{
	return syscall1(__NR_umask, mask);
}

static long l_chmod(const char *path, long mode)
{
	return syscall3(__NR_fchmodat, LINUX_AT_FDCWD, (long)path, mode);
}

static long l_utimens(long dirfd, const char *path, const struct l_timespec *t, long flags)
{
	return syscall4(__NR_utimensat, dirfd, (long)path, (long)t, flags);
}

static long l_chown(const char *path, long uid, long gid, long flags)
{
	return syscall5(__NR_fchownat, LINUX_AT_FDCWD, (long)path, uid, gid, flags);
}

static long l_symlink(const char *target, const char *path)
{
	return syscall3(__NR_symlinkat, (long)target, LINUX_AT_FDCWD, (long)path);
}

static struct linux_stat xlstat(const char *path)
{
	struct linux_stat st;
	long r = syscall4(__NR_newfstatat, LINUX_AT_FDCWD, (long)path, (long)&st,
			  LINUX_AT_SYMLINK_NOFOLLOW);

	if (r < 0)
		FAIL("lstat %s: error %ld", path, -r);
	return st;
}

static unsigned mode_of(const char *path)
{
	return xstat(path).st_mode;
}

/* --- attr_chmod --- */

void test_attr_chmod(void)
{
	int fd;
	long r;

	l_umask(0);
	fd = xopen("f", L_O_RDWR | LINUX_O_CREAT);
	CHECK_EQ(syscall2(__NR_fchmod, fd, 0600), 0);
	CHECK_EQ(mode_of("f"), L_S_IFREG | 0600);
	CHECK_EQ(l_chmod("f", 04755), 0);
	CHECK_EQ(mode_of("f"), L_S_IFREG | 04755);
	CHECK_EQ(l_chmod("f", 0170777), 0); /* type bits in the argument are ignored */
	CHECK_EQ(mode_of("f"), L_S_IFREG | 0777);
	xmkdir("d");
	CHECK_EQ(l_chmod("d", 01711), 0);
	CHECK_EQ(mode_of("d"), L_S_IFDIR | 01711);
	/* chmod moves ctime, not mtime. */
	struct l_timespec old[2] = {{1000, 0}, {1000, 0}};
	CHECK_EQ(l_utimens(LINUX_AT_FDCWD, "f", old, 0), 0);
	CHECK_EQ(l_chmod("f", 0644), 0);
	struct linux_stat st = xstat("f");
	CHECK_EQ(st.mtime_sec, 1000);
	CHECK(st.ctime_sec > 1000);
	/* Errors. */
	CHECK_EQ(syscall2(__NR_fchmod, 99, 0600), -EBADF);
	CHECK_EQ(l_chmod("missing", 0600), -ENOENT);
	CHECK_EQ(syscall3(__NR_fchmodat, LINUX_AT_FDCWD, BAD_PTR, 0600), -EFAULT);
	CHECK_EQ(syscall3(__NR_fchmodat, 99, (long)"f", 0600), -EBADF);
	CHECK_EQ(l_symlink("f", "l"), 0);
	CHECK_EQ(l_chmod("l", 0600), 0); /* follows the link */
	CHECK_EQ(mode_of("f"), L_S_IFREG | 0600);
	r = syscall4(__NR_fchmodat2, LINUX_AT_FDCWD, (long)"l", 0644, LINUX_AT_SYMLINK_NOFOLLOW);
	if (r == -38 && on_linux) /* ENOSYS */ {
		note("fchmodat2 unknown to this qemu-riscv64: skipped");
	} else {
		CHECK_EQ(r, -L_EOPNOTSUPP);
		CHECK_EQ(syscall4(__NR_fchmodat2, LINUX_AT_FDCWD, (long)"f", 0640, 0x8000),
			 -EINVAL);
		CHECK_EQ(syscall4(__NR_fchmodat2, fd, (long)"", 0640, LINUX_AT_EMPTY_PATH), 0);
		CHECK_EQ(mode_of("f"), L_S_IFREG | 0640);
	}
	xclose(fd);
}

/* --- attr_umask --- */

void test_attr_umask(void)
{
	int status;

	l_umask(022);
	CHECK_EQ(l_umask(027), 022);
	xclose(xopen("f", L_O_RDWR | LINUX_O_CREAT)); /* 0644 asked */
	CHECK_EQ(mode_of("f"), L_S_IFREG | 0640);
	CHECK_EQ(syscall3(__NR_mkdirat, LINUX_AT_FDCWD, (long)"d", 01777), 0);
	CHECK_EQ(mode_of("d"), L_S_IFDIR | 01750);
	CHECK_EQ(syscall4(__NR_mknodat, LINUX_AT_FDCWD, (long)"p", L_S_IFIFO | 0666, 0), 0);
	CHECK_EQ(mode_of("p"), L_S_IFIFO | 0640);
	CHECK_EQ(l_symlink("f", "l"), 0);
	CHECK_EQ(xlstat("l").st_mode, 0120777);
	/* Only the permission bits count; a child starts with the parent's. */
	CHECK_EQ(l_umask(07777), 027);
	int pid = fork();
	if (pid == 0)
		_exit(l_umask(0) == 0777 ? 0 : 1);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(l_umask(022), 0777);
}

/* --- attr_utimes --- */

/* A time as stored: nanoseconds kept, or 0 on a disk that keeps seconds. */
static void check_time(long sec, long nsec, long want_sec, long want_nsec)
{
	if (sec != want_sec || (nsec != want_nsec && nsec != 0))
		FAIL("time %ld.%09ld, want %ld.%09ld", sec, nsec, want_sec, want_nsec);
}

static void utimes_errors(int fd)
{
	struct l_timespec bad[2] = {{0, 1000000000}, {0, 0}};
	struct l_timespec omit[2] = {{0, L_UTIME_OMIT}, {0, L_UTIME_OMIT}};

	CHECK_EQ(l_utimens(LINUX_AT_FDCWD, "f", bad, 0), -EINVAL);
	bad[0].nsec = -1;
	CHECK_EQ(l_utimens(LINUX_AT_FDCWD, "f", bad, 0), -EINVAL);
	CHECK_EQ(l_utimens(LINUX_AT_FDCWD, "f", NULL, 0x8000), -EINVAL);
	CHECK_EQ(l_utimens(LINUX_AT_FDCWD, "missing", NULL, 0), -ENOENT);
	CHECK_EQ(l_utimens(99, NULL, NULL, 0), -EBADF);
	CHECK_EQ(l_utimens(LINUX_AT_FDCWD, NULL, NULL, 0), -EFAULT);
	CHECK_EQ(l_utimens(fd, NULL, NULL, LINUX_AT_SYMLINK_NOFOLLOW), -EINVAL);
	CHECK_EQ(syscall4(__NR_utimensat, LINUX_AT_FDCWD, (long)"f", BAD_PTR, 0), -EFAULT);
	CHECK_EQ(syscall4(__NR_utimensat, LINUX_AT_FDCWD, BAD_PTR, 0, 0), -EFAULT);
	CHECK_EQ(l_utimens(LINUX_AT_FDCWD, "f", omit, 0), 0);
	/* Both omitted: nothing to do, and Linux does not even look. */
	CHECK_EQ(l_utimens(LINUX_AT_FDCWD, "missing", omit, 0), 0);
	CHECK_EQ(l_utimens(LINUX_AT_FDCWD, NULL, omit, 0), 0);
	CHECK_EQ(l_utimens(fd, NULL, omit, 0x8000), 0);
	bad[0].nsec = -1;
	CHECK_EQ(l_utimens(LINUX_AT_FDCWD, "missing", bad, 0), -ENOENT);
	CHECK_EQ(l_utimens(LINUX_AT_FDCWD, "f", bad, 0x8000), -EINVAL);
	CHECK_EQ(syscall4(__NR_utimensat, LINUX_AT_FDCWD, (long)"f", BAD_PTR, 0x8000), -EFAULT);
}

void test_attr_utimes(void)
{
	struct l_timespec t[2] = {{1000000000, 123456789}, {981173106, 5}};
	struct timespec now;
	struct linux_stat st;
	int fd = xopen("f", L_O_RDWR | LINUX_O_CREAT);

	CHECK_EQ(l_utimens(LINUX_AT_FDCWD, "f", t, 0), 0);
	st = xstat("f");
	check_time(st.atime_sec, st.atime_nsec, 1000000000, 123456789);
	check_time(st.mtime_sec, st.mtime_nsec, 981173106, 5);
	/* UTIME_OMIT keeps a time; UTIME_NOW sets it to the real-time clock. */
	t[0].nsec = L_UTIME_OMIT;
	t[1].nsec = L_UTIME_NOW;
	CHECK_EQ(l_utimens(LINUX_AT_FDCWD, "f", t, 0), 0);
	clock_gettime(CLOCK_REALTIME, &now);
	st = xstat("f");
	check_time(st.atime_sec, st.atime_nsec, 1000000000, 123456789);
	CHECK(st.mtime_sec <= now.tv_sec && st.mtime_sec >= now.tv_sec - 5);
	CHECK(st.ctime_sec >= st.mtime_sec);
	/* futimens: a NULL path and the fd; NULL times: both now. */
	t[0] = (struct l_timespec){5, 0};
	t[1] = (struct l_timespec){6, 0};
	CHECK_EQ(l_utimens(fd, NULL, t, 0), 0);
	st = xstat("f");
	CHECK(st.atime_sec == 5 && st.mtime_sec == 6);
	CHECK_EQ(l_utimens(fd, NULL, NULL, 0), 0);
	st = xstat("f");
	CHECK(st.atime_sec >= now.tv_sec - 5 && st.mtime_sec >= now.tv_sec - 5);
	/* AT_SYMLINK_NOFOLLOW: the link's own times, not its target's. */
	CHECK_EQ(l_symlink("f", "l"), 0);
	t[0] = t[1] = (struct l_timespec){7, 0};
	CHECK_EQ(l_utimens(LINUX_AT_FDCWD, "l", t, LINUX_AT_SYMLINK_NOFOLLOW), 0);
	CHECK_EQ(xlstat("l").mtime_sec, 7);
	CHECK(xstat("f").mtime_sec != 7);
	utimes_errors(fd);
	xclose(fd);
}

/* --- attr_chown --- */

void test_attr_chown(void)
{
	struct linux_stat st;
	int fd;

	l_umask(0);
	fd = xopen("f", L_O_RDWR | LINUX_O_CREAT);
	st = xstat("f");
	CHECK_EQ(st.st_uid, getuid());
	CHECK_EQ(l_chown("f", 1000, 1001, 0), 0);
	st = xstat("f");
	CHECK(st.st_uid == 1000 && st.st_gid == 1001);
	CHECK_EQ(syscall3(__NR_fchown, fd, -1, 1002), 0);
	st = xstat("f");
	CHECK(st.st_uid == 1000 && st.st_gid == 1002);
	/* Set-uid goes, and set-gid with group execute; set-gid alone stays. */
	CHECK_EQ(l_chmod("f", 06755), 0);
	CHECK_EQ(l_chown("f", -1, -1, 0), 0);
	CHECK_EQ(mode_of("f"), L_S_IFREG | 0755);
	CHECK_EQ(l_chmod("f", 06745), 0);
	CHECK_EQ(l_chown("f", 0, 0, 0), 0);
	CHECK_EQ(mode_of("f"), L_S_IFREG | 02745);
	xmkdir("d");
	CHECK_EQ(l_chmod("d", 06755), 0);
	CHECK_EQ(l_chown("d", 1000, 1000, 0), 0);
	CHECK_EQ(mode_of("d"), L_S_IFDIR | 06755);
	/* A link itself, with AT_SYMLINK_NOFOLLOW; else its target. */
	CHECK_EQ(l_symlink("f", "l"), 0);
	CHECK_EQ(l_chown("l", 1003, 1003, LINUX_AT_SYMLINK_NOFOLLOW), 0);
	CHECK_EQ(xlstat("l").st_uid, 1003);
	CHECK_EQ(xstat("f").st_uid, 0);
	CHECK_EQ(syscall5(__NR_fchownat, fd, (long)"", 1004, -1, LINUX_AT_EMPTY_PATH), 0);
	CHECK_EQ(xstat("f").st_uid, 1004);
	/* A set-group-id directory gives its group to what is made in it, and
	 * the bit to new directories. */
	xmkdir("g");
	CHECK_EQ(l_chown("g", -1, 1234, 0), 0);
	CHECK_EQ(l_chmod("g", 02775), 0);
	xclose(xopen("g/f", L_O_RDWR | LINUX_O_CREAT));
	CHECK_EQ(xstat("g/f").st_gid, 1234);
	CHECK_EQ(mode_of("g/f"), L_S_IFREG | 0644);
	xmkdir("g/d");
	st = xstat("g/d");
	CHECK(st.st_gid == 1234 && st.st_mode == (L_S_IFDIR | 02755));
	/* Errors. */
	CHECK_EQ(syscall3(__NR_fchown, 99, 0, 0), -EBADF);
	CHECK_EQ(l_chown("missing", 0, 0, 0), -ENOENT);
	CHECK_EQ(l_chown("f", 0, 0, 0x8000), -EINVAL);
	CHECK_EQ(syscall5(__NR_fchownat, LINUX_AT_FDCWD, BAD_PTR, 0, 0, 0), -EFAULT);
	CHECK_EQ(l_chown("f", 0, 0, 0), 0);
	xclose(fd);
}
