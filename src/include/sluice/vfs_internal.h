/*
 * The VFS's own interfaces between its files (src/fs/) and the rest of the
 * kernel that uses paths and fds (exec, fork, exit, init).  File systems
 * need only sluice/vfs.h.
 */
#ifndef SLUICE_VFS_INTERNAL_H
#define SLUICE_VFS_INTERNAL_H

#include <sluice/mutex.h>
#include <sluice/vfs.h>

#define AT_FDCWD	    (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR	    0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_EMPTY_PATH	    0x1000

/*
 * The mount table: slot 0 is the root file system.  mount_lock guards the
 * slots; a mount's refs and the links between mounts have a spinlock of
 * their own in vfs.c, which walkers take as they cross.
 */
#define MOUNT_MAX 64 /* mount(2) past it: ENOSPC, as Linux's fs.mount-max */
struct mount {
	struct super_block *sb;
	struct inode *dir; /* the covered directory, a VFS reference; NULL for the root */
	int refs;	   /* VFS references to inodes of sb: umount needs none */
	/* What /proc/mounts shows as the source: what mount(2) was given
	 * ("/dev/vda", "none", "", up to PATH_MAX), a copy of the mount's own
	 * (kfree'd at umount); the root's is its type, not freed. */
	const char *source;
};
extern struct mount mounts[MOUNT_MAX];
extern struct mutex mount_lock;
/*
 * Held by a mount across its checks of the directory (not removed, nothing
 * mounted) and the mount itself, and by rmdir and a directory's rename
 * across their check that nothing is mounted on it and the change: so a
 * mount never lands on a directory being removed or moved (which no path
 * would then reach, nor umount).  Taken before mount_lock and before any
 * file system's locks.
 */
extern struct mutex mountpoint_lock;
/* Where m is mounted now, as a path (mount_lock held), as /proc/mounts
 * shows it; size PATH_MAX for any path. */
void vfs_mount_path(const struct mount *m, char *buf, size_t size);

/*
 * VFS references: an inode reference and one to the mount the inode is on
 * (Linux's struct path holds a counted vfsmount the same way).  What the
 * lookups below hand out, what a file and a cwd hold, and what a mount
 * holds of the directory it covers are all such; umount is EBUSY while any
 * is left.  vfs_get needs a VFS reference to ino already.
 */
struct inode *vfs_get(struct inode *ino);
void vfs_put(struct inode *ino);
/* Make an inode reference a file system handed out (create's) a VFS
 * reference; the caller holds one to a directory on the same mount. */
void vfs_adopt(struct inode *ino);

/* A path from user memory into a new PATH_MAX kernel buffer (*out: kfree
 * it): 0, -EFAULT, -ENAMETOOLONG (no NUL within PATH_MAX) or -ENOMEM. */
long user_path(const char __user *upath, char **out);

/* Resolve path from dirfd (AT_FDCWD: the cwd).  follow: a symbolic link as
 * the last component is followed.  *out: a VFS reference, as for all below. */
int vfs_lookup(int dirfd, const char *path, bool follow, struct inode **out);
/* The directory that would hold path's last component (counted) and that
 * component (NAME_MAX + 1 bytes; "." for "/"); *slash if path ended in '/'. */
int vfs_lookup_parent(int dirfd, const char *path, struct inode **dir, char *last, bool *slash);
/* The entry name in dir, "." and ".." included, mounts crossed. */
int vfs_lookup_in(struct inode *dir, const char *name, struct inode **out);
bool vfs_is_dot(const char *name);
int vfs_start(int dirfd, struct inode **out);
/* vfs_lookup, or with AT_EMPTY_PATH in flags and "" dirfd's own inode. */
int vfs_lookup_at(int dirfd, const char *path, int flags, bool follow, struct inode **out);
struct inode *vfs_root(void);
/* dir's absolute path into buf: its length with the NUL, or an error.  No
 * permission is needed on the way up, as for Linux's d_path: getcwd and
 * /proc/mounts answer whatever the directories' modes. */
int vfs_path_of(struct inode *dir, char *buf, size_t size);
/* As vfs_lookup, and *dir (a reference, or NULL when the path named no
 * entry of a directory, as "/" does) the directory the last name was found
 * in: what /proc's links need to name a file again later. */
int vfs_lookup_named(int dirfd, const char *path, bool follow, struct inode **out,
		     struct inode **dir);
/* The absolute path of ino, found as the entry of dir (ignored for a
 * directory, which knows its parent): its length, or a negative errno
 * (-ENOENT once it has no name there). */
int vfs_file_path(struct inode *dir, struct inode *ino, char *buf, size_t size);
int vfs_umount(const char *path);
/* mount -o remount[,ro] of the mount whose root path names (EINVAL if none). */
int vfs_remount(const char *path, bool readonly);
int vfs_sync_all(void);

/*
 * Permissions (attr.c), Linux's generic_permission: the owner's, the
 * group's or the others' bits of ino must grant every MAY_* in mask; an
 * fsuid of 0 may do anything but execute a file without an x bit.  0 or
 * -EACCES.  vfs_permission asks for the current process.
 */
#define MAY_EXEC  1
#define MAY_WRITE 2
#define MAY_READ  4
struct cred;
int vfs_may(const struct cred *c, struct inode *ino, int mask);
const struct cred *cred_current(void);
static inline int vfs_permission(struct inode *ino, int mask)
{
	uint32_t all = (uint32_t)mask * 0111; /* the bits asked, in every class */

	/* Granted to owner, group and others alike (a 0755 directory searched,
	 * /tmp written): anyone may, root too, with no look at who asks. */
	if ((ino->mode & all) == all)
		return 0;
	return vfs_may(cred_current(), ino, mask);
}
/* May the current process remove victim's name from dir (write and
 * search on dir, and the sticky bit's rule)?  0, -EACCES or -EPERM. */
int vfs_may_delete(struct inode *dir, struct inode *victim);
/* fds of the current process (file.c).  fd_get: the file fd names, NULL if
 * none; lent, not counted by the caller: valid until the system call ends,
 * even if another thread sharing the table closes the fd meanwhile. */
struct file *fd_get(int fd);
/* The end of a system call that borrowed files (fd_borrowed_n > 0). */
void fd_borrow_end(void);
int fd_install(struct file *f, bool cloexec);		    /* the lowest free fd, or -EMFILE */
int fd_install_from(struct file *f, int min, bool cloexec); /* the lowest >= min */
/* The largest file size on ino's file system (super_block.maxbytes). */
uint64_t vfs_maxbytes(const struct inode *ino);

/* Truncate or extend a regular file to len, the caller having checked the
 * file (type, write access, mount, vfs_maxbytes): RLIMIT_FSIZE (SIGXFSZ,
 * EFBIG), then the file system's truncate.  truncate and ftruncate. */
long vfs_truncate_checked(struct inode *ino, uint64_t len);
/* 0 if the current process has a free fd, else -EMFILE.  Only the process
 * itself changes its table, so the fd is still free when it installs one. */
int fd_check_free(void);
/* Open path as open(2) does: a counted file. */
int vfs_open(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **out);
/* The generic file operations of regular files and directories. */
extern const struct file_ops generic_file_ops;
/*
 * Shared anonymous memory (src/fs/ramfs.c): shmem_init makes, at boot, the
 * tmpfs nothing mounts; shmem_zero_file a new unlinked file of it, size
 * bytes of zeros, open for reading and writing (refs 1), for mmap to map
 * MAP_SHARED (Linux's shmem_zero_setup).  -ENOMEM, -ENFILE.
 */
void shmem_init(void);
int shmem_zero_file(uint64_t size, struct file **out);
/* Write user memory to ino at pos through its ops, a regular file only up
 * to the caller's RLIMIT_FSIZE (beyond it: SIGXFSZ and -EFBIG). */
long file_write_at(struct inode *ino, const char *ubuf, size_t len, uint64_t pos);

/* Process life (fork, exec, exit). */
struct proc;
#define FILES_SHARE_FDS 1 /* CLONE_FILES: the same fd table */
#define FILES_SHARE_FS	2 /* CLONE_FS: the same working directory */
/* The child's fd table and cwd: the parent's shared (share bits), or
 * copies; parent NULL: empty ones.  0 or -ENOMEM. */
int files_fork(struct proc *parent, struct proc *child, unsigned int share);
void files_exec(struct proc *p); /* unshare the table, close the close-on-exec fds */
void files_exit(struct proc *p); /* drop the table and the cwd (the last closes all) */
/* The current cwd, counted (the root if none), and chdir's swap. */
struct inode *fs_cwd_get(struct proc *p);
void fs_cwd_set(struct proc *p, struct inode *ino);

/* F_GETPIPE_SZ and F_SETPIPE_SZ (pipe.c): the size or -errno; -EBADF if f
 * is not a pipe. */
long pipe_fcntl(struct file *f, unsigned int cmd, unsigned long arg);

/* A FIFO's open file operations (pipe.c): a pipe shared by every open of
 * the inode, with Linux's rules for waiting in open. */
extern const struct file_ops fifo_fops;
/* One buffer of a readv/writev list, checked: in user space, lengths
 * summing to at most MAX_RW_COUNT. */
struct kiovec {
	uint64_t base, len;
};
#define MAX_RW_COUNT 0x7ffff000ul /* Linux's most bytes one read or write moves */
/* readv/writev of a pipe: one read or write of the list's total, as Linux
 * does it (so a writev of at most PIPE_BUF bytes is atomic). */
long pipe_rw_iov(struct file *f, const struct kiovec *iov, unsigned long cnt, size_t total,
		 bool write);
/* A write of kernel memory into a pipe or FIFO f (sendfile), as write(2)
 * would do it: waits, EAGAIN, EPIPE with SIGPIPE; -EINVAL if f is not one. */
long pipe_write_kernel(struct file *f, const void *buf, size_t len);

/*
 * A new anonymous file (eventfd, timerfd: no name, an inode of its own) with
 * ops and priv (kmalloc'ed: the file's from now on, freed by its release,
 * or here if no file could be made), O_RDWR plus O_NONBLOCK from flags, in
 * the lowest free fd (close-on-exec if flags has O_CLOEXEC): the fd, or
 * -EMFILE, -ENFILE, -ENOMEM.  name is what /proc/<pid>/fd shows after
 * "anon_inode:" (anon_file_name: false if f is not such a file).
 */
int anon_file_install(const char *name, const struct file_ops *ops, void *priv, uint32_t flags);
bool anon_file_name(struct file *f, const char **name);

/*
 * Advisory locks (locks.c).  locks_remove_posix: the fd table owner
 * closes an fd of f (close, dup2 over it, exec, exit): its POSIX locks on
 * f's file go.  locks_remove_file: f's last reference went: its flock and
 * OFD locks go.  locks_fcntl: F_GETLK, F_SETLK, F_SETLKW and the F_OFD_
 * ones, with uarg the user's struct flock.
 */
void locks_remove_posix(struct file *f, struct fdtable *owner);
void locks_remove_file(struct file *f);
long locks_fcntl(struct file *f, unsigned int cmd, void __user *uarg);

/* Device files: the operations for a device number (devices.c). */
const struct file_ops *dev_file_ops(uint32_t mode, uint32_t rdev);

/* Before a file system copies to or from user memory with its own lock
 * held: fault in the pages there that map files (uvm_prefault_files). */
void vfs_prefault(const void __user *ubuf, size_t len, bool write);

/* Kernel file I/O (exec reads programs this way). */
long kernel_read(struct inode *ino, void *buf, size_t len, uint64_t off);

#endif
