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
#define MOUNT_MAX 8
struct mount {
	struct super_block *sb;
	struct inode *dir; /* the covered directory, a VFS reference; NULL for the root */
	int refs;	   /* VFS references to inodes of sb: umount needs none */
	char source[32];   /* "/dev/vda", "ramfs", "proc" */
	char path[128];    /* where, as a path */
};
extern struct mount mounts[MOUNT_MAX];
extern struct mutex mount_lock;

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
struct inode *vfs_root(void);
/* dir's absolute path into buf: its length with the NUL, or an error. */
int vfs_path_of(struct inode *dir, char *buf, size_t size);
int vfs_umount(const char *path);
int vfs_sync_all(void);

/* fds of the current process (file.c).  fd_get: the file fd names, NULL if
 * none; lent, not counted by the caller: valid until the system call ends,
 * even if another thread sharing the table closes the fd meanwhile. */
struct file *fd_get(int fd);
/* The end of a system call that borrowed files (fd_borrowed_n > 0). */
void fd_borrow_end(void);
int fd_install(struct file *f, bool cloexec); /* the lowest free fd, or -EMFILE */
int fd_install_from(struct file *f, int min, bool cloexec); /* the lowest >= min */
/* The largest file size on ino's file system (super_block.maxbytes). */
uint64_t vfs_maxbytes(const struct inode *ino);
/* Open path as open(2) does: a counted file. */
int vfs_open(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **out);
/* The generic file operations of regular files and directories. */
extern const struct file_ops generic_file_ops;

/* Process life (fork, exec, exit). */
struct proc;
#define FILES_SHARE_FDS 1 /* CLONE_FILES: the same fd table */
#define FILES_SHARE_FS 2  /* CLONE_FS: the same working directory */
/* The child's fd table and cwd: the parent's shared (share bits), or
 * copies; parent NULL: empty ones.  0 or -ENOMEM. */
int files_fork(struct proc *parent, struct proc *child, unsigned int share);
void files_exec(struct proc *p);  /* unshare the table, close the close-on-exec fds */
void files_exit(struct proc *p);  /* drop the table and the cwd (the last closes all) */
/* The current cwd, counted (the root if none), and chdir's swap. */
struct inode *fs_cwd_get(struct proc *p);
void fs_cwd_set(struct proc *p, struct inode *ino);

/* F_GETPIPE_SZ and F_SETPIPE_SZ (pipe.c): the size or -errno; -EBADF if f
 * is not a pipe. */
long pipe_fcntl(struct file *f, unsigned int cmd, unsigned long arg);

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

/* Device files: the operations for a device number (devices.c). */
const struct file_ops *dev_file_ops(uint32_t mode, uint32_t rdev);

/* Kernel file I/O (exec reads programs this way). */
long kernel_read(struct inode *ino, void *buf, size_t len, uint64_t off);

#endif
