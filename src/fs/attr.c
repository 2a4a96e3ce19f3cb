/*
 * Owners, permissions and times (docs/filesystems.md, "Owners and
 * permissions"): the VFS's permission check, the owner of a new inode, and
 * the calls that change attributes: chmod, chown, utimensat and umask.
 * Each checks Linux's rules here, then hands a struct iattr to the file
 * system (inode_ops.setattr), which stores it (ext2 on the disk) or, if it
 * has none, the VFS sets it in struct inode (ramfs, devtmpfs, pipes).
 */
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/proc.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
#include <sluice/timer.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

#define NSEC_PER_SEC 1000000000ull
#define UTIME_NOW    ((1l << 30) - 1)
#define UTIME_OMIT   ((1l << 30) - 2)

void vfs_stamp(struct inode *ino, unsigned int which)
{
	uint64_t ns = timer_realtime_ns();
	int64_t s = (int64_t)(ns / NSEC_PER_SEC);
	uint32_t n = (uint32_t)(ns % NSEC_PER_SEC);

	if (which & STAMP_A)
		ino->atime = s, ino->atime_ns = n;
	if (which & STAMP_M)
		ino->mtime = s, ino->mtime_ns = n;
	if (which & STAMP_C)
		ino->ctime = s, ino->ctime_ns = n;
}

void vfs_apply_attr(struct inode *ino, const struct iattr *ia)
{
	if (ia->valid & ATTR_MODE)
		ino->mode = (ino->mode & S_IFMT) | (ia->mode & 07777);
	if (ia->valid & ATTR_UID)
		ino->uid = ia->uid;
	if (ia->valid & ATTR_GID)
		ino->gid = ia->gid;
	if (ia->valid & ATTR_ATIME)
		ino->atime = ia->atime, ino->atime_ns = ia->atime_ns;
	if (ia->valid & ATTR_MTIME)
		ino->mtime = ia->mtime, ino->mtime_ns = ia->mtime_ns;
	if (ia->valid & ATTR_CTIME)
		ino->ctime = ia->ctime, ino->ctime_ns = ia->ctime_ns;
}

void vfs_new_owner(struct inode *dir, uint32_t *mode, uint32_t *uid, uint32_t *gid)
{
	const struct cred *c = cred_current();

	*uid = c->fsuid;
	*gid = c->fsgid;
	if (!dir || !(dir->mode & S_ISGID))
		return;
	/* A set-group-id directory: its group for everything made in it; a
	 * new directory carries the bit on, and a file keeps a set-gid bit
	 * only if its maker could have set it (Linux's mode_strip_sgid). */
	*gid = dir->gid;
	if (S_ISDIR(*mode))
		*mode |= S_ISGID;
	else if ((*mode & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP) &&
		 !cred_in_group(c, dir->gid) && !cred_fs_capable(c))
		*mode &= ~(uint32_t)S_ISGID;
}

int vfs_may(const struct cred *c, struct inode *ino, int mask)
{
	uint32_t m = ino->mode, bits;

	if (cred_fs_capable(c)) {
		/* CAP_DAC_OVERRIDE: all but executing a file no one may. */
		if (!(mask & MAY_EXEC) || S_ISDIR(m) || (m & 0111))
			return 0;
		return -EACCES;
	}
	if (c->fsuid == ino->uid)
		bits = m >> 6;
	else if (cred_in_group(c, ino->gid))
		bits = m >> 3;
	else
		bits = m;
	return (mask & ~bits & 7) ? -EACCES : 0;
}

int vfs_may_delete(struct inode *dir, struct inode *victim)
{
	const struct cred *c;
	int err = vfs_permission(dir, MAY_WRITE | MAY_EXEC);

	if (err || !(dir->mode & S_ISVTX))
		return err;
	/* The sticky bit (/tmp): only the file's or the directory's owner. */
	c = cred_current();
	if (!cred_fs_capable(c) && c->fsuid != victim->uid && c->fsuid != dir->uid)
		return -EPERM;
	return 0;
}

static bool read_only(struct inode *ino)
{
	return ino->sb && (ino->sb->flags & SB_RDONLY);
}

static bool owner_or_capable(const struct cred *c, struct inode *ino)
{
	return c->fsuid == ino->uid || cred_fs_capable(c);
}

/* Store a checked change; every one sets ctime, as Linux's do. */
static long setattr(struct inode *ino, struct iattr *ia)
{
	uint64_t ns = timer_realtime_ns();

	ia->valid |= ATTR_CTIME;
	ia->ctime = (int64_t)(ns / NSEC_PER_SEC);
	ia->ctime_ns = (uint32_t)(ns % NSEC_PER_SEC);
	if (ino->ops && ino->ops->setattr)
		return ino->ops->setattr(ino, ia);
	vfs_apply_attr(ino, ia);
	return 0;
}

/* The inode an fd refers to, counted. */
static long fd_inode(unsigned int fd, struct inode **out)
{
	struct file *f = fd_get((int)fd);

	if (!f)
		return -EBADF;
	*out = vfs_get(f->inode);
	return 0;
}

/* The inode path names under dirfd (AT_EMPTY_PATH and follow as flags say). */
static long path_inode(int dirfd, const char __user *upath, int flags, struct inode **out)
{
	char *path;
	long err = user_path(upath, &path);

	if (err)
		return err;
	err = vfs_lookup_at(dirfd, path, flags, !(flags & AT_SYMLINK_NOFOLLOW), out);
	kfree(path);
	return err;
}

/* --- chmod --- */

/* Only the owner (or root) changes the mode; S_ISGID stays only for a
 * member of the file's group (or root). */
static long do_chmod(struct inode *ino, unsigned short mode)
{
	const struct cred *c = cred_current();
	struct iattr ia = {.valid = ATTR_MODE, .mode = mode & 07777u};

	if (read_only(ino))
		return -EROFS;
	if (!owner_or_capable(c, ino))
		return -EPERM;
	if (!cred_fs_capable(c) && !cred_in_group(c, ino->gid))
		ia.mode &= ~(uint32_t)S_ISGID;
	return setattr(ino, &ia);
}

static long chmod_put(struct inode *ino, unsigned short mode)
{
	long err = do_chmod(ino, mode);

	vfs_put(ino);
	return err;
}

long sys_fchmod(unsigned int fd, unsigned short mode)
{
	struct inode *ino;
	long err = fd_inode(fd, &ino);

	return err ? err : chmod_put(ino, mode);
}

long sys_fchmodat(int dirfd, const char __user *upath, unsigned short mode)
{
	struct inode *ino;
	long err = path_inode(dirfd, upath, 0, &ino);

	return err ? err : chmod_put(ino, mode);
}

/* fchmodat with flags: a symbolic link's own mode cannot change (Linux
 * says EOPNOTSUPP). */
long sys_fchmodat2(int dirfd, const char __user *upath, unsigned short mode, unsigned int flags)
{
	struct inode *ino;
	long err;

	if (flags & ~(unsigned int)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = path_inode(dirfd, upath, (int)flags, &ino);
	if (err)
		return err;
	if (S_ISLNK(ino->mode)) {
		vfs_put(ino);
		return -EOPNOTSUPP;
	}
	return chmod_put(ino, mode);
}

/* --- chown --- */

/*
 * Linux's rules: root may give any owner and group; the owner may only set
 * the group to one of its own.  A non-directory loses set-user-id, and
 * set-group-id where it means "executable by the group" (S_IXGRP), even
 * when root changes it.
 */
static long do_chown(struct inode *ino, uint32_t uid, uint32_t gid)
{
	const struct cred *c = cred_current();
	bool cap = cred_fs_capable(c);
	struct iattr ia = {0};

	if (read_only(ino))
		return -EROFS;
	if (uid != (uint32_t)-1) {
		if (!cap && (c->fsuid != ino->uid || uid != ino->uid))
			return -EPERM;
		ia.valid |= ATTR_UID, ia.uid = uid;
	}
	if (gid != (uint32_t)-1) {
		if (!cap && (c->fsuid != ino->uid || (gid != ino->gid && !cred_in_group(c, gid))))
			return -EPERM;
		ia.valid |= ATTR_GID, ia.gid = gid;
	}
	if (!S_ISDIR(ino->mode)) {
		uint32_t m = ino->mode & 07777u, kill = S_ISUID;
		if ((m & (S_ISGID | S_IXGRP)) == (S_ISGID | S_IXGRP))
			kill |= S_ISGID;
		if (m & kill)
			ia.valid |= ATTR_MODE, ia.mode = m & ~kill;
	}
	return setattr(ino, &ia);
}

long sys_fchown(unsigned int fd, unsigned int uid, unsigned int gid)
{
	struct inode *ino;
	long err = fd_inode(fd, &ino);

	if (err)
		return err;
	err = do_chown(ino, uid, gid);
	vfs_put(ino);
	return err;
}

long sys_fchownat(int dirfd, const char __user *upath, unsigned int uid, unsigned int gid,
		  int flags)
{
	struct inode *ino;
	long err;

	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = path_inode(dirfd, upath, flags, &ino);
	if (err)
		return err;
	err = do_chown(ino, uid, gid);
	vfs_put(ino);
	return err;
}

/* --- utimensat --- */

struct kernel_timespec {
	int64_t tv_sec;
	long tv_nsec;
};

static bool nsec_ok(long ns)
{
	return ns == UTIME_NOW || ns == UTIME_OMIT || (ns >= 0 && ns < (long)NSEC_PER_SEC);
}

/* One of the two times: omitted, now, or as given (*explicit). */
static void utime_one(const struct kernel_timespec *t, uint64_t now, unsigned int flag,
		      struct iattr *ia, int64_t *sec, uint32_t *nsec, bool *explicit)
{
	if (t && t->tv_nsec == UTIME_OMIT)
		return;
	ia->valid |= flag;
	if (!t || t->tv_nsec == UTIME_NOW) {
		*sec = (int64_t)(now / NSEC_PER_SEC);
		*nsec = (uint32_t)(now % NSEC_PER_SEC);
	} else {
		*sec = t->tv_sec;
		*nsec = (uint32_t)t->tv_nsec;
		*explicit = true;
	}
}

/*
 * Setting both times to now needs the owner or write permission; setting
 * a time to a given value needs the owner (or root), as Linux's
 * vfs_utimes.  t NULL: both now.
 */
static long do_utimes(struct inode *ino, const struct kernel_timespec *t)
{
	const struct cred *c = cred_current();
	struct iattr ia = {0};
	uint64_t now = timer_realtime_ns();
	bool explicit = false;

	if (t && (!nsec_ok(t[0].tv_nsec) || !nsec_ok(t[1].tv_nsec)))
		return -EINVAL;
	utime_one(t, now, ATTR_ATIME, &ia, &ia.atime, &ia.atime_ns, &explicit);
	utime_one(t ? t + 1 : NULL, now, ATTR_MTIME, &ia, &ia.mtime, &ia.mtime_ns, &explicit);
	if (read_only(ino))
		return -EROFS;
	if (!owner_or_capable(c, ino)) {
		if (explicit)
			return -EPERM;
		if (vfs_may(c, ino, MAY_WRITE))
			return -EACCES;
	}
	return setattr(ino, &ia);
}

long sys_utimensat(int dirfd, const char __user *upath, const void __user *utimes, int flags)
{
	struct kernel_timespec t[2];
	struct inode *ino;
	long err;

	if (utimes && copy_from_user(t, utimes, sizeof(t)))
		return -EFAULT;
	if (utimes && t[0].tv_nsec == UTIME_OMIT && t[1].tv_nsec == UTIME_OMIT)
		return 0; /* nothing to change: Linux does not even look */
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (!upath && dirfd != AT_FDCWD) /* futimens: the fd's own file */
		err = flags ? -EINVAL : fd_inode((unsigned int)dirfd, &ino);
	else
		err = path_inode(dirfd, upath, flags, &ino);
	if (err)
		return err;
	err = do_utimes(ino, utimes ? t : NULL);
	vfs_put(ino);
	return err;
}

/* --- umask --- */

long sys_umask(int mask)
{
	struct proc *p = current_proc();
	/* The fs may be shared (CLONE_FS): swap atomically, as Linux does. */
	return __atomic_exchange_n(&p->fs->umask, (uint32_t)mask & 0777, __ATOMIC_RELAXED);
}
