/*
 * The virtual file system: what every file system and device looks like to
 * the system calls (docs/filesystems.md).
 *
 *   struct inode        a file, directory or device node: its attributes
 *                       and the operations of the file system it lives on.
 *                       Counted: inode_get/inode_put.  The VFS keeps one
 *                       struct inode per (super block, inode number) alive
 *                       at a time (inode_lookup).
 *   struct super_block  one mounted file system: its root, its operations,
 *                       its private state.
 *   struct file         an open file description: an inode, an offset,
 *                       open flags.  Shared by every fd that dup or fork
 *                       made from the same open().  Counted: file_get/put.
 *   struct fdtable      a process's fds: file pointers and close-on-exec.
 *
 * Locking: the VFS calls inode and super-block operations with no lock
 * held; each file system serialises itself (ext2 and ramfs with one mutex
 * per super block).  Operations may sleep.  Names passed to them are not
 * NUL-terminated: (name, len), len 1..NAME_MAX, never "." or "..".
 *
 * Errors are negative errno values, as Linux returns them.
 */
#ifndef SLUICE_VFS_H
#define SLUICE_VFS_H

#include <sluice/spinlock.h>
#include <sluice/types.h>

#define NAME_MAX 255
#define PATH_MAX 4096

/* File types and permission bits, as in st_mode (and ext2's i_mode). */
#define S_IFMT	    0170000
#define S_IFSOCK    0140000
#define S_IFLNK	    0120000
#define S_IFREG	    0100000
#define S_IFBLK	    0060000
#define S_IFDIR	    0040000
#define S_IFCHR	    0020000
#define S_IFIFO	    0010000
#define S_ISDIR(m)  (((m)&S_IFMT) == S_IFDIR)
#define S_ISREG(m)  (((m)&S_IFMT) == S_IFREG)
#define S_ISLNK(m)  (((m)&S_IFMT) == S_IFLNK)
#define S_ISCHR(m)  (((m)&S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m)&S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m)&S_IFMT) == S_IFSOCK)
#define S_ISUID	    04000 /* set-user-id on execve */
#define S_ISGID	    02000 /* set-group-id; on a directory: its group for new files */
#define S_ISVTX	    01000 /* sticky: only owners remove names (/tmp) */
#define S_IXGRP	    00010

/* getdents64's d_type. */
#define DT_UNKNOWN 0
#define DT_FIFO	   1
#define DT_CHR	   2
#define DT_DIR	   4
#define DT_BLK	   6
#define DT_REG	   8
#define DT_LNK	   10

/* Open flags: Linux's (asm-generic/fcntl.h). */
#define O_ACCMODE   00000003
#define O_RDONLY    00000000
#define O_WRONLY    00000001
#define O_RDWR	    00000002
#define O_CREAT	    00000100
#define O_EXCL	    00000200
#define O_NOCTTY    00000400
#define O_TRUNC	    00001000
#define O_APPEND    00002000
#define O_NONBLOCK  00004000
#define O_LARGEFILE 00100000
#define O_DIRECTORY 00200000
#define O_NOFOLLOW  00400000
#define O_CLOEXEC   02000000

/* Device numbers as Linux packs them for st_rdev (old 8:8 encoding, which
 * is how nodes keep them: mknod clamps both parts to 255), and their parts. */
#define MKDEV(major, minor) (((major) << 8) | (minor))
#define MAJOR(dev)	    ((dev) >> 8)
#define MINOR(dev)	    ((dev)&0xff)

/* The device numbers Sluice's nodes have: Linux's (Documentation/admin-guide/devices.txt). */
#define MEM_MAJOR     1	  /* memory devices: null, zero, full, random, urandom */
#define TTYAUX_MAJOR  5	  /* tty (the caller's terminal), console */
#define VIRTBLK_MAJOR 254 /* virtio-blk, as Linux's dynamic major usually falls */
#define RTC_MAJOR     250 /* real-time clocks: dynamic on Linux, 250 on QEMU virt */
#define DEV_NULL      MKDEV(MEM_MAJOR, 3)
#define DEV_ZERO      MKDEV(MEM_MAJOR, 5)
#define DEV_FULL      MKDEV(MEM_MAJOR, 7)
#define DEV_RANDOM    MKDEV(MEM_MAJOR, 8)
#define DEV_URANDOM   MKDEV(MEM_MAJOR, 9)
#define DEV_TTY	      MKDEV(TTYAUX_MAJOR, 0)
#define DEV_CONSOLE   MKDEV(TTYAUX_MAJOR, 1)
#define DEV_VDA	      MKDEV(VIRTBLK_MAJOR, 0)

struct inode;
struct file;
struct super_block;
struct poll_table;
struct pipe;
struct file_lock;

/*
 * A change of attributes (chmod, chown, utimensat), checked by the VFS:
 * the fields valid names are to be stored.  mode holds only the
 * permission bits (07777); the file type never changes.
 */
struct iattr {
	unsigned int valid;
	uint32_t mode, uid, gid;
	int64_t atime, mtime, ctime;
	uint32_t atime_ns, mtime_ns, ctime_ns;
};
#define ATTR_MODE  0x01
#define ATTR_UID   0x02
#define ATTR_GID   0x04
#define ATTR_ATIME 0x08
#define ATTR_MTIME 0x10
#define ATTR_CTIME 0x20

/* Called by readdir for each entry: nonzero stops the walk (no room). */
typedef int (*filldir_t)(void *ctx, const char *name, size_t len, uint64_t ino, unsigned int dtype,
			 uint64_t next_pos);

/* statfs(2)'s answer, asm-generic's 64-bit layout. */
struct kstatfs {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};

/*
 * What a file system does with its inodes.  Any may be NULL where the
 * operation makes no sense (a device node has no lookup): the VFS then
 * answers the errno Linux would (ENOTDIR, EPERM, EINVAL ...).
 *
 * Data: read and write move len bytes at off between the file and buf,
 * which is user memory when user is true (use vfs_copy_out/vfs_copy_in, so
 * a bad pointer is -EFAULT, never a fault); they return the bytes moved (a
 * short count at end of file) or an error.  write extends the file (and
 * fills a hole with zeros on read).
 */
struct inode_ops {
	/* Directories. *out gets a counted inode. */
	int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
	int (*create)(struct inode *dir, const char *name, size_t len, uint32_t mode,
		      struct inode **out); /* a regular file; -EEXIST if the name is taken */
	int (*mkdir)(struct inode *dir, const char *name, size_t len, uint32_t mode);
	/* A name that is not a directory: drop it, and the inode's link. */
	int (*unlink)(struct inode *dir, const char *name, size_t len);
	/* An empty directory (-ENOTEMPTY otherwise). */
	int (*rmdir)(struct inode *dir, const char *name, size_t len);
	int (*link)(struct inode *dir, const char *name, size_t len, struct inode *target);
	/* Within one file system; replaces what newname named, as POSIX
	 * rename does (the VFS has checked directory/non-directory matches
	 * and that a directory is not moved into itself). */
	int (*rename)(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
		      const char *nname, size_t nlen);
	int (*mknod)(struct inode *dir, const char *name, size_t len, uint32_t mode, uint32_t rdev);
	int (*symlink)(struct inode *dir, const char *name, size_t len, const char *target);
	long (*readlink)(struct inode *link, char *buf, size_t size); /* kernel buf */
	/* Entries from *pos on, advancing *pos; 0 at the end or when filldir
	 * said stop.  "." and ".." are the file system's to list. */
	int (*readdir)(struct inode *dir, uint64_t *pos, filldir_t filldir, void *ctx);

	/* Regular files. */
	long (*read)(struct inode *ino, char *buf, size_t len, uint64_t off, bool user);
	long (*write)(struct inode *ino, const char *buf, size_t len, uint64_t off, bool user);
	int (*truncate)(struct inode *ino, uint64_t size); /* grow (sparse) or shrink */
	/* fallocate mode 0 (or keep_size: FALLOC_FL_KEEP_SIZE): storage for
	 * bytes off .. off + len, then (unless keep_size) a size of at least
	 * off + len; -ENOSPC with nothing reserved if it cannot all be had.
	 * NULL: the VFS only grows the file, sparse (ext2). */
	int (*fallocate)(struct inode *ino, uint64_t off, uint64_t len, bool keep_size);
	/*
	 * mmap (docs/user-memory.md, "File mappings"): the file's page pg
	 * (bytes pg * PAGE_SIZE on) in *pa, with one owner (page_share) for
	 * the caller.  shared: the file's own page, so that stores through a
	 * MAP_SHARED mapping are the file's bytes (-ENODEV if the file system
	 * cannot); else it may also be a copy, which the caller then owns
	 * alone.  Bytes past the end of the file read as zero; -ENXIO if the
	 * page starts at or past the end.  -EDEADLK if the current process
	 * holds the file system's lock already (a user copy inside one of its
	 * own operations faulted).  May sleep.  NULL: mmap is -ENODEV.
	 */
	int (*map_page)(struct inode *ino, uint64_t pg, bool shared, paddr_t *pa);
	/*
	 * Fault-around (docs/user-memory.md): up to n of the file's pages
	 * from pg on, for a private mapping, as map_page gives them, but only
	 * while they are in memory already (no disk read, no new page for a
	 * hole): stops at the first that is not, or at the end of the file.
	 * Returns how many it put in pa[].  May sleep.  NULL: none.
	 */
	unsigned int (*map_cached)(struct inode *ino, uint64_t pg, unsigned int n, paddr_t *pa);
	/* Is page pg in memory (mincore)?  May sleep.  NULL: never. */
	bool (*page_cached)(struct inode *ino, uint64_t pg);
	int (*fsync)(struct inode *ino);

	/* Store a checked change of attributes (and set them in ino, with
	 * vfs_apply_attr).  NULL: the file system keeps attributes only in
	 * struct inode, and the VFS sets them there. */
	int (*setattr)(struct inode *ino, const struct iattr *ia);
};

struct super_ops {
	/* The last reference to ino went away: free it on disk if nlink is 0,
	 * and release priv.  The VFS frees the struct inode afterwards. */
	void (*evict)(struct inode *ino);
	/* The last reference is going: called under the inode table's lock,
	 * before ino leaves the hash (so no lookup can make a second struct
	 * inode for it meanwhile) and before evict.  May not sleep.  NULL:
	 * nothing to do. */
	void (*drop)(struct inode *ino);
	int (*sync)(struct super_block *sb);
	/* The flusher (src/fs/writeback.c): write back, as sync does, only
	 * what became dirty before before (timer_ns time).  The mount table's
	 * lock is held: sb is not unmounted meanwhile.  NULL: nothing to do. */
	int (*writeback)(struct super_block *sb, uint64_t before);
	int (*statfs)(struct super_block *sb, struct kstatfs *st);
	/* /proc/mounts: options after "rw", each with a leading comma (NULL:
	 * none); returns the length, as snprintf. */
	int (*show_options)(struct super_block *sb, char *buf, size_t size);
	/* mount -o remount: to read-only or back (NULL: only the VFS's
	 * SB_RDONLY changes). */
	int (*remount)(struct super_block *sb, bool readonly);
	/* Unmount (or a mount that failed): nothing of sb is in use any more
	 * and the VFS has put sb->root; write back, free everything, sb
	 * included. */
	void (*put_super)(struct super_block *sb);
};

struct mount;

struct super_block {
	const struct super_ops *ops;
	const char *type;   /* "ext2", "ramfs", "proc" */
	struct inode *root; /* counted */
	uint64_t dev;	    /* st_dev */
	uint32_t flags;	    /* SB_RDONLY */
	uint64_t maxbytes;  /* the largest file size (lseek stops there); 0: 2^63 - 1 */
	void *priv;
	struct mount *mnt; /* the VFS's: where it is mounted; NULL when not */
};
#define SB_RDONLY 1

struct inode {
	/* Set by the file system (fill the attributes before the inode is
	 * visible; keep them current when they change). */
	uint64_t ino;
	uint32_t mode; /* S_IF* | permissions */
	uint32_t nlink;
	uint32_t uid, gid;
	uint32_t rdev; /* device nodes */
	uint64_t size;
	uint64_t blocks; /* 512-byte units allocated */
	int64_t atime, mtime, ctime;
	uint32_t atime_ns, mtime_ns, ctime_ns; /* 0 where the disk keeps seconds */
	const struct inode_ops *ops;
	const struct file_ops *fops; /* NULL: the VFS's generic file ops */
	void *priv;

	/* The VFS's. */
	struct super_block *sb;
	int refs;		     /* under inode_lock */
	struct super_block *mounted; /* a file system mounted on this directory */
	struct inode *hash_next;
	struct inode *covered; /* the root of a mount: the directory it covers */
	/*
	 * A directory's parent directory, counted: a directory keeps its
	 * parent alive, as Linux's dentries pin theirs, so ".." of a directory
	 * removed with its parent still leads to the (removed) parent.  Set by
	 * the file system if it keeps its tree in memory (ramfs), else by the
	 * VFS when it finds the directory by name and on rename; NULL for a
	 * root.  inode_put drops it after freeing the inode, in a loop, so a
	 * long chain of removed directories is not freed by a deep recursion.
	 */
	struct inode *parent;
	/* A pipe's buffer (pipe.c): a pipe's from its making; a FIFO's from
	 * its first open to its last close, set and cleared under fifo_lock. */
	struct pipe *pipe;
	/* Advisory locks on the file (flock, fcntl's), under locks.c's lock. */
	struct file_lock *locks;
	/* Linux's i_writecount (atomic): > 0, the files open for writing
	 * (and truncates under way); < 0, the programs exec maps from it. */
	int writers;
};

/*
 * The inode (sb, ino), counted: the one already in memory, or a new one the
 * caller must fill.  *fresh says which; a fresh inode has refs 1, sb and ino
 * set, the rest zero; if filling fails, inode_fail(it) drops it.
 * NULL: -ENOMEM.
 */
struct inode *inode_lookup(struct super_block *sb, uint64_t ino, bool *fresh);
void inode_fail(struct inode *ino);
/* A new inode with no number in the hash (pipes, ramfs nodes): refs 1.
 * One never used (filling it failed) goes back with inode_fail. */
struct inode *inode_new(struct super_block *sb, uint64_t ino);
struct inode *inode_get(struct inode *ino);
/* Make parent (which the caller holds) dir's parent, dropping the old one;
 * if only_if_none, only when dir has none yet. */
void inode_set_parent(struct inode *dir, struct inode *parent, bool only_if_none);
/* Drop a reference; the last one evicts it (super_ops.evict), frees it and
 * then drops its parent reference, if any, the same way. */
void inode_put(struct inode *ino);

/*
 * Writing a program that runs, and running one open for writing, is
 * ETXTBSY, as on Linux: an open for writing or a truncate takes write
 * access (inode_get_write, -ETXTBSY while a program is mapped from ino),
 * exec denies it while it maps a program (inode_deny_write, -ETXTBSY while
 * ino is open for writing).  Each has its put.
 */
int inode_get_write(struct inode *ino);
void inode_put_write(struct inode *ino);
int inode_deny_write(struct inode *ino);
void inode_allow_write(struct inode *ino);

/* Pages of ramfs's archive caches (src/fs/ramfs_rom.c) that a mapping
 * holds now: page_free_count counts them as reclaimable, but only the
 * others can be had. */
size_t ramfs_rom_mapped_pages(void);
/* Every archive cache's pages (/proc/meminfo counts them in Cached), and
 * every ramfs's and tmpfs's file pages (Shmem, and Cached too). */
size_t ramfs_rom_cached_pages(void);
size_t ramfs_data_pages(void);

/* The current time for atime/mtime/ctime, in seconds since 1970. */
int64_t vfs_now(void);
/* Set the times which names (STAMP_*) to now, with nanoseconds. */
#define STAMP_A 1
#define STAMP_M 2
#define STAMP_C 4
void vfs_stamp(struct inode *ino, unsigned int which);
/* Set ino's attributes from a change (what a setattr op does in memory). */
void vfs_apply_attr(struct inode *ino, const struct iattr *ia);
/*
 * The owner, group and mode of a new inode in dir, as Linux's
 * inode_init_owner: the caller's fsuid; the directory's group if it is
 * set-group-id (and a new directory keeps that bit), else the caller's
 * fsgid.  *mode (type and permissions) may lose S_ISGID.
 */
void vfs_new_owner(struct inode *dir, uint32_t *mode, uint32_t *uid, uint32_t *gid);

/* Copy to or from a buffer that is user memory when user is set: 0 or -EFAULT. */
int vfs_copy_out(void *dst, const void *src, size_t n, bool user);
int vfs_copy_in(void *dst, const void *src, size_t n, bool user);

/* Open files. */
struct file_ops {
	int (*open)(struct inode *ino, struct file *f); /* may set f->priv */
	long (*read)(struct file *f, char *ubuf, size_t len);
	long (*write)(struct file *f, const char *ubuf, size_t len);
	long (*ioctl)(struct file *f, unsigned long cmd, unsigned long arg);
	void (*release)(struct file *f); /* the last reference went */
	/* What f is ready for now (POLLIN, ...), naming with poll_wait the
	 * queues woken when that changes (sluice/poll.h).  NULL: always
	 * ready to read and write.  Must not sleep long. */
	unsigned int (*poll)(struct file *f, struct poll_table *pt);
	bool seekable;
};

struct file {
	struct inode *inode; /* counted */
	const struct file_ops *ops;
	uint32_t flags; /* O_ACCMODE | O_APPEND | O_NONBLOCK */
	uint64_t pos;
	int refs;	   /* atomic */
	void *priv;	   /* pipes: which end; /proc: the text */
	struct inode *dir; /* the directory its name was found in (counted,
				     * for /proc/<pid>/fd), or NULL */
	char *map_name;	   /* its path when first mapped, for /proc/<pid>/maps
				     * (kmalloc'd, set once), or NULL */
	bool write_access; /* holds inode_get_write (open for writing) */
	bool deny_write;   /* holds inode_deny_write (exec's mapping of a program) */
};

/*
 * A new open file of ino (refs 1) in *out: 0, -ENFILE when file_max()
 * files are open already (the system-wide limit, Linux's file-max), or
 * -ENOMEM.  On failure the caller keeps its reference to ino.
 */
int file_alloc(struct inode *ino, const struct file_ops *ops, uint32_t flags, struct file **out);
struct file *file_get(struct file *f);
void file_put(struct file *f);
/* The inode's map_page for f's file (-ENODEV if it has none). */
int file_map_page(struct file *f, uint64_t pg, bool shared, paddr_t *pa);
/* The inode's map_cached for f's file (0 if it has none). */
unsigned int file_map_cached(struct file *f, uint64_t pg, unsigned int n, paddr_t *pa);
/* Record f's path for /proc/<pid>/maps, once, if it can be found (may sleep). */
void file_name_for_maps(struct file *f);
/* The limit on open files (/proc/sys/fs/file-max), sized from RAM, and how
 * many there are now (the first number of /proc/sys/fs/file-nr). */
unsigned long file_max(void);
unsigned long file_count(void);

/*
 * A process's fds.  FD_MAX is the most a process may have: Linux's default
 * soft RLIMIT_NOFILE (1024, what `ulimit -n` says).  A table starts with
 * FD_FIRST slots inside itself, so fork copies only those, and grows by
 * doubling (a kmalloc'd array) when an fd past them is wanted, as Linux's
 * expand_files does.  It never shrinks.  fd and cloexec change (to a bigger
 * array) only under lock, by a task that holds the table.
 */
#define FD_MAX	 1024
#define FD_FIRST 64
struct fdtable {
	struct spinlock lock;
	int refs;	   /* tasks sharing it (clone with CLONE_FILES) */
	int size;	   /* slots in fd: FD_FIRST, doubled up to FD_MAX */
	struct file **fd;  /* fd_first, or a bigger array */
	uint64_t *cloexec; /* bit n % 64 of word n / 64: fd n closes on exec */
	struct file *fd_first[FD_FIRST];
	uint64_t cloexec_first[FD_FIRST / 64];
};

/* Is fd n close-on-exec in t / make it so or not (t->lock held). */
static inline bool fd_cloexec_get(const struct fdtable *t, int n)
{
	return (t->cloexec[n / 64] >> (n % 64)) & 1;
}

static inline void fd_cloexec_set(struct fdtable *t, int n, bool on)
{
	if (on)
		t->cloexec[n / 64] |= 1ull << (n % 64);
	else
		t->cloexec[n / 64] &= ~(1ull << (n % 64));
}

/* Make the caller's table hold fd n (n < FD_MAX): 0 or -ENOMEM. */
int fd_table_grow(int n);

/* The working directory, chroot's root and the umask, shared by tasks
 * cloned with CLONE_FS (Linux's fs_struct). */
struct fs_info {
	struct spinlock lock; /* guards cwd's and root's swaps against their readers */
	int refs;
	struct inode *cwd;  /* counted; NULL: the root */
	struct inode *root; /* chroot's root (counted); NULL: the name space's */
	uint32_t umask;	    /* permission bits new files do not get (022 for init) */
};

/* Mount fs (a ready super block) on the directory at path (kernel string);
 * source is what /proc/mounts shows ("/dev/vda", "proc"). */
int vfs_mount_sb(struct super_block *sb, const char *path, const char *source);
/* Boot: make sb the root of the name space. */
void vfs_set_root(struct super_block *sb);

/* A number for st_dev, unique per mounted file system. */
uint64_t vfs_new_dev(void);

#endif
