/*
 * fs.c - file-system calls: open, stat, directories, pipes, dup, mount...
 *
 * picolibc's headers number open flags, *at flags, fcntl commands and
 * struct stat the way newlib does, not the way Linux does; each wrapper
 * translates at the boundary so a program sees only picolibc's names.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dirent.h"
#include "syscall.h"

#define L_AT_FDCWD (-100)

/* picolibc's O_* to Linux's. */
static long oflags_to_linux(int f)
{
	long l = f & O_ACCMODE;

	if (f & O_CREAT)
		l |= LINUX_O_CREAT;
	if (f & O_EXCL)
		l |= LINUX_O_EXCL;
	if (f & O_NOCTTY)
		l |= LINUX_O_NOCTTY;
	if (f & O_TRUNC)
		l |= LINUX_O_TRUNC;
	if (f & O_APPEND)
		l |= LINUX_O_APPEND;
	if (f & O_NONBLOCK)
		l |= LINUX_O_NONBLOCK;
	if (f & O_DIRECTORY)
		l |= LINUX_O_DIRECTORY;
	if (f & O_NOFOLLOW)
		l |= LINUX_O_NOFOLLOW;
	if (f & O_CLOEXEC)
		l |= LINUX_O_CLOEXEC;
	return l;
}

static int oflags_from_linux(long l)
{
	int f = (int)(l & 3);

	if (l & LINUX_O_APPEND)
		f |= O_APPEND;
	if (l & LINUX_O_NONBLOCK)
		f |= O_NONBLOCK;
	return f;
}

static long atflags_to_linux(int f)
{
	long l = 0;

	if (f & AT_SYMLINK_NOFOLLOW)
		l |= LINUX_AT_SYMLINK_NOFOLLOW;
	if (f & AT_REMOVEDIR)
		l |= LINUX_AT_REMOVEDIR;
	if (f & AT_SYMLINK_FOLLOW)
		l |= LINUX_AT_SYMLINK_FOLLOW;
#ifdef AT_EMPTY_PATH
	if (f & AT_EMPTY_PATH)
		l |= LINUX_AT_EMPTY_PATH;
#endif
	return l;
}

static long dirfd_to_linux(int fd)
{
	return fd == AT_FDCWD ? L_AT_FDCWD : fd;
}

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return (int)syscall_result(syscall4(__NR_openat, dirfd_to_linux(dirfd), (long)path,
					    oflags_to_linux(flags), mode));
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	return openat(AT_FDCWD, path, flags, mode);
}

int creat(const char *path, mode_t mode)
{
	return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	return syscall_result(syscall4(__NR_pread64, fd, (long)buf, (long)len, off));
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return syscall_result(syscall4(__NR_pwrite64, fd, (long)buf, (long)len, off));
}

int dup(int fd)
{
	return (int)syscall_result(syscall1(__NR_dup, fd));
}

int dup3(int fd, int fd2, int flags)
{
	return (int)syscall_result(
		syscall3(__NR_dup3, fd, fd2, (flags & O_CLOEXEC) ? LINUX_O_CLOEXEC : 0));
}

/* dup3 refuses fd == fd2; dup2 answers fd2 if fd is open. */
int dup2(int fd, int fd2)
{
	if (fd == fd2)
		return (int)syscall_result(syscall3(__NR_fcntl, fd, LINUX_F_GETFD, 0)) < 0 ? -1
											   : fd2;
	return dup3(fd, fd2, 0);
}

int pipe2(int fds[2], int flags)
{
	return (int)syscall_result(
		syscall2(__NR_pipe2, (long)fds, oflags_to_linux(flags & (O_CLOEXEC | O_NONBLOCK))));
}

int pipe(int fds[2])
{
	return pipe2(fds, 0);
}

int fcntl(int fd, int cmd, ...)
{
	va_list ap;
	long arg, lcmd;

	va_start(ap, cmd);
	arg = va_arg(ap, long);
	va_end(ap);
	switch (cmd) {
	case F_DUPFD:
		lcmd = LINUX_F_DUPFD;
		break;
	case F_DUPFD_CLOEXEC:
		lcmd = LINUX_F_DUPFD_CLOEXEC;
		break;
	case F_GETFD:
		lcmd = LINUX_F_GETFD;
		break;
	case F_SETFD:
		lcmd = LINUX_F_SETFD; /* FD_CLOEXEC is 1 in both */
		break;
	case F_GETFL: {
		long r = syscall_result(syscall3(__NR_fcntl, fd, LINUX_F_GETFL, 0));
		return r < 0 ? -1 : oflags_from_linux(r);
	}
	case F_SETFL:
		lcmd = LINUX_F_SETFL;
		arg = oflags_to_linux((int)arg);
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	return (int)syscall_result(syscall3(__NR_fcntl, fd, lcmd, arg));
}

/* Linux's struct stat for 64-bit asm-generic machines to picolibc's. */
static void stat_from_linux(const struct linux_stat *l, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = (dev_t)l->st_dev;
	st->st_ino = (ino_t)l->st_ino;
	st->st_mode = (mode_t)l->st_mode; /* S_IF* and permissions agree */
	st->st_nlink = (nlink_t)l->st_nlink;
	st->st_uid = (uid_t)l->st_uid;
	st->st_gid = (gid_t)l->st_gid;
	st->st_rdev = (dev_t)l->st_rdev;
	st->st_size = (off_t)l->st_size;
	st->st_blksize = (blksize_t)l->st_blksize;
	st->st_blocks = (blkcnt_t)l->st_blocks;
	st->st_atim.tv_sec = l->atime_sec;
	st->st_atim.tv_nsec = l->atime_nsec;
	st->st_mtim.tv_sec = l->mtime_sec;
	st->st_mtim.tv_nsec = l->mtime_nsec;
	st->st_ctim.tv_sec = l->ctime_sec;
	st->st_ctim.tv_nsec = l->ctime_nsec;
}

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	struct linux_stat l;
	long r = syscall_result(syscall4(__NR_newfstatat, dirfd_to_linux(dirfd), (long)path,
					 (long)&l, atflags_to_linux(flags)));

	if (r < 0)
		return -1;
	stat_from_linux(&l, st);
	return 0;
}

int stat(const char *path, struct stat *st)
{
	return fstatat(AT_FDCWD, path, st, 0);
}

int lstat(const char *path, struct stat *st)
{
	return fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

int fstat(int fd, struct stat *st)
{
	struct linux_stat l;

	if (syscall_result(syscall2(__NR_fstat, fd, (long)&l)) < 0)
		return -1;
	stat_from_linux(&l, st);
	return 0;
}

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	return (int)syscall_result(syscall3(__NR_mkdirat, dirfd_to_linux(dirfd), (long)path, mode));
}

int mkdir(const char *path, mode_t mode)
{
	return mkdirat(AT_FDCWD, path, mode);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	return (int)syscall_result(syscall3(__NR_unlinkat, dirfd_to_linux(dirfd), (long)path,
					    atflags_to_linux(flags)));
}

int unlink(const char *path)
{
	return unlinkat(AT_FDCWD, path, 0);
}

int rmdir(const char *path)
{
	return unlinkat(AT_FDCWD, path, AT_REMOVEDIR);
}

int renameat(int olddirfd, const char *old, int newdirfd, const char *new)
{
	return (int)syscall_result(syscall5(__NR_renameat2, dirfd_to_linux(olddirfd), (long)old,
					    dirfd_to_linux(newdirfd), (long)new, 0));
}

int rename(const char *old, const char *new)
{
	return renameat(AT_FDCWD, old, AT_FDCWD, new);
}

int linkat(int olddirfd, const char *old, int newdirfd, const char *new, int flags)
{
	return (int)syscall_result(syscall5(__NR_linkat, dirfd_to_linux(olddirfd), (long)old,
					    dirfd_to_linux(newdirfd), (long)new,
					    atflags_to_linux(flags)));
}

int link(const char *old, const char *new)
{
	return linkat(AT_FDCWD, old, AT_FDCWD, new, 0);
}

int symlink(const char *target, const char *path)
{
	return (int)syscall_result(syscall3(__NR_symlinkat, (long)target, L_AT_FDCWD, (long)path));
}

ssize_t readlink(const char *restrict path, char *restrict buf, size_t size)
{
	return syscall_result(
		syscall4(__NR_readlinkat, L_AT_FDCWD, (long)path, (long)buf, (long)size));
}

int chdir(const char *path)
{
	return (int)syscall_result(syscall1(__NR_chdir, (long)path));
}

char *getcwd(char *buf, size_t size)
{
	long r = syscall_result(syscall2(__NR_getcwd, (long)buf, (long)size));

	return r < 0 ? NULL : buf;
}

int ftruncate(int fd, off_t len)
{
	return (int)syscall_result(syscall2(__NR_ftruncate, fd, len));
}

int truncate(const char *path, off_t len)
{
	int fd = open(path, O_WRONLY), r;

	if (fd < 0)
		return -1;
	r = ftruncate(fd, len);
	close(fd);
	return r;
}

int fsync(int fd)
{
	return (int)syscall_result(syscall1(__NR_fsync, fd));
}

void sync(void)
{
	syscall0(__NR_sync);
}

int access(const char *path, int mode)
{
	return (int)syscall_result(syscall4(__NR_faccessat, L_AT_FDCWD, (long)path, mode, 0));
}

int isatty(int fd)
{
	uint8_t t[64];

	if (syscall_result(syscall3(__NR_ioctl, fd, LINUX_TCGETS, (long)t)) < 0)
		return 0;
	return 1;
}

pid_t tcgetpgrp(int fd)
{
	int pgrp;

	if (syscall_result(syscall3(__NR_ioctl, fd, LINUX_TIOCGPGRP, (long)&pgrp)) < 0)
		return -1;
	return pgrp;
}

int tcsetpgrp(int fd, pid_t pgrp)
{
	int p = pgrp;

	return (int)syscall_result(syscall3(__NR_ioctl, fd, LINUX_TIOCSPGRP, (long)&p));
}

int setpgid(pid_t pid, pid_t pgid)
{
	return (int)syscall_result(syscall2(__NR_setpgid, pid, pgid));
}

pid_t setsid(void)
{
	return (pid_t)syscall_result(syscall0(__NR_setsid));
}

pid_t getsid(pid_t pid)
{
	return (pid_t)syscall_result(syscall1(__NR_getsid, pid));
}

pid_t getpgid(pid_t pid)
{
	return (pid_t)syscall_result(syscall1(__NR_getpgid, pid));
}

pid_t getpgrp(void)
{
	return getpgid(0);
}

int mount(const char *source, const char *target, const char *fstype, unsigned long flags,
	  const void *data)
{
	return (int)syscall_result(syscall5(__NR_mount, (long)source, (long)target, (long)fstype,
					    (long)flags, (long)data));
}

int umount2(const char *target, int flags)
{
	return (int)syscall_result(syscall2(__NR_umount2, (long)target, flags));
}

int umount(const char *target)
{
	return umount2(target, 0);
}

int statfs(const char *path, struct statfs *buf)
{
	return (int)syscall_result(syscall2(__NR_statfs, (long)path, (long)buf));
}

int fstatfs(int fd, struct statfs *buf)
{
	return (int)syscall_result(syscall2(__NR_fstatfs, fd, (long)buf));
}

ssize_t getdents64(int fd, void *buf, size_t len)
{
	return syscall_result(syscall3(__NR_getdents64, fd, (long)buf, (long)len));
}

/* Directory streams over getdents64. */
struct __dirstream {
	int fd;
	int pos, len;
	struct dirent ent;
	char buf[2048];
};

DIR *fdopendir(int fd)
{
	struct stat st;
	DIR *d;

	if (fstat(fd, &st) < 0)
		return NULL;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return NULL;
	}
	d = malloc(sizeof(*d));
	if (!d)
		return NULL;
	d->fd = fd;
	d->pos = d->len = 0;
	return d;
}

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d)
		close(fd);
	return d;
}

struct dirent *readdir(DIR *d)
{
	struct linux_dirent64 *l;

	if (d->pos >= d->len) {
		ssize_t n = getdents64(d->fd, d->buf, sizeof(d->buf));
		if (n <= 0)
			return NULL; /* end (errno untouched) or an error (errno set) */
		d->pos = 0;
		d->len = (int)n;
	}
	l = (struct linux_dirent64 *)(d->buf + d->pos);
	d->pos += l->d_reclen;
	d->ent.d_ino = l->d_ino;
	d->ent.d_off = l->d_off;
	d->ent.d_reclen = l->d_reclen;
	d->ent.d_type = l->d_type;
	strncpy(d->ent.d_name, l->d_name, sizeof(d->ent.d_name) - 1);
	d->ent.d_name[sizeof(d->ent.d_name) - 1] = '\0';
	return &d->ent;
}

void rewinddir(DIR *d)
{
	lseek(d->fd, 0, SEEK_SET);
	d->pos = d->len = 0;
}

int dirfd(DIR *d)
{
	return d->fd;
}

int closedir(DIR *d)
{
	int r = close(d->fd);

	free(d);
	return r;
}
