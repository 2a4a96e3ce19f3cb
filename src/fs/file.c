/*
 * Open files and file descriptors (sluice/vfs.h).
 *
 * open() makes a struct file: the inode, the offset, the flags.  An fd is
 * a slot in the process's table pointing at one; dup and fork make more
 * slots pointing at the same file, so they share its offset, as POSIX
 * requires.  A file lives until its last fd is closed.
 */
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/mutex.h>
#include <sluice/objcount.h>
#include <sluice/panic.h>
#include <sluice/proc.h>
#include <sluice/string.h>
#include <sluice/uvm.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

static unsigned long nr_files; /* struct files allocated now (atomic) */

/*
 * Linux's file-max is a tenth of RAM in KiB, reckoning about 1 KiB a
 * file.  Here the costliest open file is a pipe end, about a page (half a
 * pipe's 8 KiB buffer block), so: one file per 4 pages, which keeps files
 * below about a quarter of RAM however they are opened (8192 on 128 MiB).
 */
unsigned long file_max(void)
{
	return MAX(page_total_count() / 4, 2ul * FD_MAX);
}

unsigned long file_count(void)
{
	return __atomic_load_n(&nr_files, __ATOMIC_RELAXED);
}

int file_alloc(struct inode *ino, const struct file_ops *ops, uint32_t flags, struct file **out)
{
	struct file *f;

	/* Counted first, so that racing opens cannot pass the limit together. */
	if (__atomic_add_fetch(&nr_files, 1, __ATOMIC_RELAXED) > file_max()) {
		__atomic_sub_fetch(&nr_files, 1, __ATOMIC_RELAXED);
		return -ENFILE;
	}
	f = kzalloc(sizeof(*f));
	if (!f) {
		__atomic_sub_fetch(&nr_files, 1, __ATOMIC_RELAXED);
		return -ENOMEM;
	}
	f->inode = ino;
	f->ops = ops;
	f->flags = flags;
	f->refs = 1;
	objcount_add(OBJ_FILE, 1);
	*out = f;
	return 0;
}

struct file *file_get(struct file *f)
{
	__atomic_fetch_add(&f->refs, 1, __ATOMIC_RELAXED);
	return f;
}

void file_put(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	locks_remove_file(f);
	if (f->ops && f->ops->release)
		f->ops->release(f);
	if (f->write_access)
		inode_put_write(f->inode);
	if (f->deny_write)
		inode_allow_write(f->inode);
	vfs_put(f->inode);
	vfs_put(f->dir);
	objcount_add(OBJ_FILE, -1);
	kfree(f->map_name);
	kfree(f);
	__atomic_sub_fetch(&nr_files, 1, __ATOMIC_RELAXED);
}

int file_map_page(struct file *f, uint64_t pg, bool shared, paddr_t *pa)
{
	struct inode *ino = f->inode;

	if (!ino->ops || !ino->ops->map_page)
		return -ENODEV;
	return ino->ops->map_page(ino, pg, shared, pa);
}

unsigned int file_map_cached(struct file *f, uint64_t pg, unsigned int n, paddr_t *pa)
{
	struct inode *ino = f->inode;

	return ino->ops && ino->ops->map_cached ? ino->ops->map_cached(ino, pg, n, pa) : 0;
}

/*
 * Linux prints the file's path as it is when /proc/<pid>/maps is read;
 * the maps are made under locks that finding a path (reading directories)
 * may not sleep under, so the path is taken when the file is mapped.
 */
void file_name_for_maps(struct file *f)
{
	char *path, *name = NULL, *none = NULL;
	int n;

	if (__atomic_load_n(&f->map_name, __ATOMIC_ACQUIRE) || !(path = kmalloc(PATH_MAX)))
		return;
	n = vfs_file_path(f->dir, f->inode, path, PATH_MAX);
	if (n >= 0 && (name = kmalloc((size_t)n + 1)))
		memcpy(name, path, (size_t)n + 1);
	kfree(path);
	if (name && !__atomic_compare_exchange_n(&f->map_name, &none, name, false, __ATOMIC_ACQ_REL,
						 __ATOMIC_ACQUIRE))
		kfree(name);
}

/* --- the fd table --- */

static struct inode *fs_cwd_get_of(struct fs_info *fs);

/*
 * The file an fd names.  While no other task shares the table, only this
 * one changes it, so the file stays open at least until this task closes
 * it: the pointer is lent uncounted.  A shared table (threads) may lose
 * the fd to another thread's close at any moment: then the file is
 * counted and kept in the task's borrow list until the system call ends
 * (fd_borrow_end, from the trap path).  A table's count only rises by a
 * clone of a task that holds it, so a count of 1 cannot change under us.
 */
struct file *fd_get(int fd)
{
	struct proc *p = current_proc();
	struct fdtable *t = p->fds;
	struct file *f;

	if (fd < 0)
		return NULL;
	if (__atomic_load_n(&t->refs, __ATOMIC_ACQUIRE) == 1) /* only we change it */
		return fd < t->size ? t->fd[fd] : NULL;
	unsigned long flags = spin_lock_irqsave(&t->lock);
	f = fd < t->size ? t->fd[fd] : NULL;
	if (f && p->fd_borrowed_n < (int)ARRAY_SIZE(p->fd_borrowed)) {
		file_get(f);
		p->fd_borrowed[p->fd_borrowed_n++] = f;
	}
	/* A call borrowing more (none does today) goes on uncounted. */
	spin_unlock_irqrestore(&t->lock, flags);
	return f;
}

void fd_borrow_end(void)
{
	struct proc *p = current_proc();

	while (p->fd_borrowed_n > 0)
		file_put(p->fd_borrowed[--p->fd_borrowed_n]);
}

/* The fds a process may have: RLIMIT_NOFILE's soft value, at most FD_MAX. */
static int fd_end(void)
{
	return (int)MIN((uint64_t)FD_MAX, rlimit_cur(RLIMIT_NOFILE));
}

/* Replace t's arrays by ones of size slots (bigger), copying them. */
static int fdtable_resize(struct fdtable *t, int size)
{
	struct file **fd = kzalloc((size_t)size * sizeof(*fd));
	uint64_t *cloexec = kzalloc((size_t)size / 64 * sizeof(*cloexec));
	struct file **old_fd = NULL;
	uint64_t *old_cloexec = NULL;

	if (!fd || !cloexec) {
		kfree(fd);
		kfree(cloexec);
		return -ENOMEM;
	}
	unsigned long flags = spin_lock_irqsave(&t->lock);
	if (t->size < size) { /* (another thread may have grown it meanwhile) */
		memcpy(fd, t->fd, (size_t)t->size * sizeof(*fd));
		memcpy(cloexec, t->cloexec, (size_t)t->size / 64 * sizeof(*cloexec));
		old_fd = t->fd, old_cloexec = t->cloexec;
		t->fd = fd, t->cloexec = cloexec;
		t->size = size;
		fd = NULL, cloexec = NULL;
	}
	spin_unlock_irqrestore(&t->lock, flags);
	kfree(fd);
	kfree(cloexec);
	if (old_fd != t->fd_first) /* (kfree(NULL) does nothing) */
		kfree(old_fd);
	if (old_cloexec != t->cloexec_first)
		kfree(old_cloexec);
	return 0;
}

int fd_table_grow(int n)
{
	struct fdtable *t = current_proc()->fds;
	int size = __atomic_load_n(&t->size, __ATOMIC_RELAXED);

	if (n < size)
		return 0;
	while (size <= n)
		size *= 2;
	return fdtable_resize(t, MIN(size, FD_MAX));
}

/* The lowest free fd in [min, end) of t (lock held), or -1. */
static int fd_lowest_free(struct fdtable *t, int min, int end)
{
	for (int fd = min; fd < MIN(end, t->size); fd++)
		if (!t->fd[fd])
			return fd;
	return -1;
}

int fd_install_from(struct file *f, int min, bool cloexec)
{
	struct fdtable *t = current_proc()->fds;
	int end = fd_end();

	for (;;) {
		unsigned long flags = spin_lock_irqsave(&t->lock);
		int fd = fd_lowest_free(t, min, end), size = t->size;
		if (fd >= 0) {
			t->fd[fd] = f;
			fd_cloexec_set(t, fd, cloexec);
		}
		spin_unlock_irqrestore(&t->lock, flags);
		if (fd >= 0)
			return fd;
		/* Every slot up to size is taken: grow, if the limit allows. */
		if (MAX(min, size) >= end)
			return -EMFILE;
		if (fd_table_grow(MAX(min, size)))
			return -ENOMEM; /* as Linux's expand_files */
	}
}

int fd_install(struct file *f, bool cloexec)
{
	return fd_install_from(f, 0, cloexec);
}

int fd_check_free(void)
{
	struct fdtable *t = current_proc()->fds;
	int end = fd_end();
	unsigned long flags = spin_lock_irqsave(&t->lock);
	int err = fd_lowest_free(t, 0, end) >= 0 || t->size < end ? 0 : -EMFILE;

	spin_unlock_irqrestore(&t->lock, flags);
	return err;
}

/* Free t's arrays and t (its files already put). */
static void fdtable_free(struct fdtable *t)
{
	if (t->fd != t->fd_first)
		kfree(t->fd);
	if (t->cloexec != t->cloexec_first)
		kfree(t->cloexec);
	kfree(t);
}

/* Copy from's slots (each file counted once more) into t, which no one
 * else sees yet: false, and nothing copied, if from has more slots than t
 * (a thread of from's grew it). */
static bool fdtable_fill(struct fdtable *t, struct fdtable *from)
{
	unsigned long flags = spin_lock_irqsave(&from->lock);
	int n = from->size;
	bool fits = n <= t->size;

	for (int fd = 0; fits && fd < n; fd++)
		if (from->fd[fd])
			t->fd[fd] = file_get(from->fd[fd]);
	if (fits)
		memcpy(t->cloexec, from->cloexec, (size_t)n / 64 * sizeof(*t->cloexec));
	spin_unlock_irqrestore(&from->lock, flags);
	return fits;
}

/* A new table: a copy of from's slots (each file counted once more), or
 * empty if from is NULL.  Only a table grown past FD_FIRST costs more. */
static struct fdtable *fdtable_copy(struct fdtable *from)
{
	struct fdtable *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->lock = (struct spinlock)SPINLOCK_INIT;
	t->refs = 1;
	t->size = FD_FIRST;
	t->fd = t->fd_first;
	t->cloexec = t->cloexec_first;
	while (from && !fdtable_fill(t, from)) {
		if (fdtable_resize(t, __atomic_load_n(&from->size, __ATOMIC_RELAXED))) {
			fdtable_free(t);
			return NULL;
		}
	}
	return t;
}

/* Drop a hold on t; the last closes every file (which may sleep). */
static void fdtable_put(struct fdtable *t)
{
	if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (int fd = 0; fd < t->size; fd++) {
		if (t->fd[fd]) {
			locks_remove_posix(t->fd[fd], t); /* as each close would */
			file_put(t->fd[fd]);
		}
	}
	fdtable_free(t);
}

/* A copy of from (cwd, root, umask), or Linux's init_fs if from is NULL. */
static struct fs_info *fs_copy(struct fs_info *from)
{
	struct fs_info *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->lock = (struct spinlock)SPINLOCK_INIT;
	fs->refs = 1;
	fs->umask = 022;
	if (!from)
		return fs;
	unsigned long flags = spin_lock_irqsave(&from->lock);
	fs->cwd = from->cwd ? vfs_get(from->cwd) : NULL;
	fs->root = from->root ? vfs_get(from->root) : NULL;
	fs->umask = from->umask;
	spin_unlock_irqrestore(&from->lock, flags);
	return fs;
}

static void fs_put(struct fs_info *fs)
{
	if (!fs || __atomic_sub_fetch(&fs->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	vfs_put(fs->cwd);
	vfs_put(fs->root);
	kfree(fs);
}

int files_fork(struct proc *parent, struct proc *child, unsigned int share)
{
	struct fdtable *pt = parent ? parent->fds : NULL;
	struct fs_info *pf = parent ? parent->fs : NULL;

	if (pt && (share & FILES_SHARE_FDS)) {
		__atomic_fetch_add(&pt->refs, 1, __ATOMIC_RELAXED);
		child->fds = pt;
	} else if (!(child->fds = fdtable_copy(pt))) {
		return -ENOMEM;
	}
	if (pf && (share & FILES_SHARE_FS)) {
		__atomic_fetch_add(&pf->refs, 1, __ATOMIC_RELAXED);
		child->fs = pf;
	} else if (!(child->fs = fs_copy(pf))) {
		fdtable_put(child->fds);
		child->fds = NULL;
		return -ENOMEM;
	}
	/* Only exec changes exe and exe_dir, and only in a group of one. */
	if (parent) {
		child->exe = parent->exe ? vfs_get(parent->exe) : NULL;
		child->exe_dir = parent->exe_dir ? vfs_get(parent->exe_dir) : NULL;
	}
	return 0;
}

void files_exec(struct proc *p)
{
	struct fdtable *t = p->fds;

	/* A table shared with another process (CLONE_FILES without threads)
	 * becomes this one's own copy first, as Linux's exec does. */
	if (__atomic_load_n(&t->refs, __ATOMIC_ACQUIRE) > 1) {
		struct fdtable *own = fdtable_copy(t);
		if (own) {
			unsigned long flags = spin_lock_irqsave(&proc_tree_lock);

			p->fds = own; /* under the lock that /proc reads it under */
			spin_unlock_irqrestore(&proc_tree_lock, flags);
			fdtable_put(t);
			t = own;
		}
	}
	/* The table is this process's alone now (exec ended the other
	 * threads): its size and cloexec words stay put. */
	for (int fd = 0; fd < t->size; fd++) {
		if (!t->cloexec[fd / 64]) {
			fd += 63; /* a word with no bit set: the next 64 */
			continue;
		}
		if (fd_cloexec_get(t, fd)) {
			unsigned long flags = spin_lock_irqsave(&t->lock);
			struct file *f = t->fd[fd];
			t->fd[fd] = NULL;
			fd_cloexec_set(t, fd, false);
			spin_unlock_irqrestore(&t->lock, flags);
			locks_remove_posix(f, t);
			file_put(f);
		}
	}
}

void files_exit(struct proc *p)
{
	if (p == current_proc())
		fd_borrow_end();
	/* Detached under proc_tree_lock: /proc looks at them under it. */
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct fdtable *t = p->fds;
	struct fs_info *fs = p->fs;
	struct inode *exe = p->exe, *exe_dir = p->exe_dir;

	p->fds = NULL;
	p->fs = NULL;
	p->exe = p->exe_dir = NULL;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (t)
		fdtable_put(t);
	fs_put(fs);
	vfs_put(exe);
	vfs_put(exe_dir);
}

/* fs's cwd, counted, or NULL for the root (under fs->lock: chdir may swap it). */
static struct inode *fs_cwd_get_of(struct fs_info *fs)
{
	unsigned long flags = spin_lock_irqsave(&fs->lock);
	struct inode *cwd = fs->cwd ? vfs_get(fs->cwd) : NULL;

	spin_unlock_irqrestore(&fs->lock, flags);
	return cwd;
}

struct inode *fs_cwd_get(struct proc *p)
{
	struct inode *cwd = p && p->fs ? fs_cwd_get_of(p->fs) : NULL;

	return cwd ? cwd : vfs_root();
}

void fs_cwd_set(struct proc *p, struct inode *ino)
{
	unsigned long flags = spin_lock_irqsave(&p->fs->lock);
	struct inode *old = p->fs->cwd;

	p->fs->cwd = ino;
	spin_unlock_irqrestore(&p->fs->lock, flags);
	vfs_put(old);
}

/* --- regular files and directories --- */

uint64_t vfs_maxbytes(const struct inode *ino)
{
	return ino->sb && ino->sb->maxbytes ? ino->sb->maxbytes : (uint64_t)INT64_MAX;
}

/* O_APPEND writes must find the end and write there in one go: writers to
 * one file queue on one of these (hashed by inode). */
static struct mutex append_locks[16] = {[0 ... 15] = MUTEX_INIT};

static struct mutex *append_lock(struct inode *ino)
{
	return &append_locks[((uintptr_t)ino / 64) % 16];
}

void vfs_prefault(const void __user *ubuf, size_t len, bool write)
{
	struct proc *p = current_proc();

	if (p && p->mm)
		uvm_prefault_files(p->mm, (vaddr_t)ubuf, len, write);
}

static long generic_read(struct file *f, char *ubuf, size_t len)
{
	struct inode *ino = f->inode;

	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (!ino->ops || !ino->ops->read)
		return -EINVAL;
	vfs_prefault(ubuf, len, true);
	long n = ino->ops->read(ino, ubuf, len, f->pos, true);
	if (n > 0)
		f->pos += (uint64_t)n;
	return n;
}

long file_write_at(struct inode *ino, const char *ubuf, size_t len, uint64_t pos)
{
	long n = S_ISREG(ino->mode) ? rlimit_fsize_check(pos, len) : (long)len;

	return n < 0 ? n : ino->ops->write(ino, ubuf, (size_t)n, pos, true);
}

static long generic_write(struct file *f, const char *ubuf, size_t len)
{
	struct inode *ino = f->inode;
	long n;

	if (!ino->ops || !ino->ops->write)
		return -EINVAL;
	if (ino->sb && (ino->sb->flags & SB_RDONLY))
		return -EROFS;
	vfs_prefault(ubuf, len, false);
	if (f->flags & O_APPEND) {
		struct mutex *m = append_lock(ino);
		mutex_lock(m);
		n = file_write_at(ino, ubuf, len, ino->size);
		f->pos = ino->size;
		mutex_unlock(m);
		return n;
	}
	n = file_write_at(ino, ubuf, len, f->pos);
	if (n > 0)
		f->pos += (uint64_t)n;
	return n;
}

const struct file_ops generic_file_ops = {
	.read = generic_read,
	.write = generic_write,
	.seekable = true,
};

long kernel_read(struct inode *ino, void *buf, size_t len, uint64_t off)
{
	if (!ino->ops || !ino->ops->read)
		return -EINVAL;
	return ino->ops->read(ino, buf, len, off, false);
}

/* --- open --- */

static int may_open(struct inode *ino, uint32_t flags)
{
	uint32_t acc = flags & O_ACCMODE;

	if (S_ISLNK(ino->mode))
		return -ELOOP; /* O_NOFOLLOW on a link */
	if ((flags & O_DIRECTORY) && !S_ISDIR(ino->mode))
		return -ENOTDIR;
	if (S_ISDIR(ino->mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		return -EISDIR;
	if (acc == 3)
		return -EINVAL;
	if (acc != O_RDONLY && S_ISREG(ino->mode) && ino->sb && (ino->sb->flags & SB_RDONLY))
		return -EROFS;
	return 0;
}

/* What the open asks of an existing file: read, write, or both; O_TRUNC
 * writes.  New files are not checked (open(O_CREAT|O_RDWR, 0444) works). */
static int may_access(struct inode *ino, uint32_t flags)
{
	uint32_t acc = flags & O_ACCMODE;
	int mask = (acc != O_WRONLY ? MAY_READ : 0) | (acc != O_RDONLY ? MAY_WRITE : 0);

	if (flags & O_TRUNC)
		mask |= MAY_WRITE;
	return vfs_permission(ino, mask);
}

/* A new regular file last in dir, with mode less the umask. */
static int create_in(struct inode *dir, const char *last, uint32_t mode, struct inode **out)
{
	int err;

	if (dir->sb && (dir->sb->flags & SB_RDONLY))
		return -EROFS;
	err = vfs_permission(dir, MAY_WRITE | MAY_EXEC);
	if (err)
		return err;
	if (!dir->ops || !dir->ops->create)
		return -EACCES;
	mode = S_IFREG | (mode & 07777 & ~current_proc()->fs->umask);
	return dir->ops->create(dir, last, strlen(last), mode, out);
}

/* The inode for an O_CREAT open: the existing one or a new file (*created). */
static int open_create(int dirfd, const char *path, uint32_t flags, uint32_t mode,
		       struct inode **out, bool *created, struct inode **named_in)
{
	char last[NAME_MAX + 1];
	struct inode *dir;
	bool slash;
	int err = vfs_lookup_parent(dirfd, path, &dir, last, &slash);

	if (err)
		return err;
	if (slash || vfs_is_dot(last)) {
		vfs_put(dir);
		return -EISDIR;
	}
	err = vfs_lookup_in(dir, last, out);
	if (!err && (flags & O_EXCL)) {
		vfs_put(*out);
		err = -EEXIST;
	} else if (!err && S_ISDIR((*out)->mode)) {
		vfs_put(*out);
		err = -EISDIR; /* O_CREAT never opens a directory */
	} else if (!err && S_ISLNK((*out)->mode) && !(flags & O_NOFOLLOW)) {
		vfs_put(*out);
		vfs_put(dir);
		return vfs_lookup_named(dirfd, path, true, out, named_in);
	} else if (err == -ENOENT) {
		err = create_in(dir, last, mode, out);
		if (!err) {
			vfs_adopt(*out); /* dir's mount, held through dir, counts it too */
			*created = true;
		}
		/* Another process made it between our lookup and create: without
		 * O_EXCL, open the one it made. */
		if (err == -EEXIST && !(flags & O_EXCL)) {
			vfs_put(dir);
			return open_create(dirfd, path, flags, mode, out, created, named_in);
		}
	}
	if (err)
		vfs_put(dir);
	else
		*named_in = dir; /* the file's name is in it, for /proc's links */
	return err;
}

/* What an open of ino gets: its own ops, a device's, a FIFO's, or the
 * generic ones; NULL (ENXIO) for a device no driver has or a socket's name. */
static const struct file_ops *open_ops(struct inode *ino)
{
	if (ino->fops)
		return ino->fops;
	if (S_ISCHR(ino->mode) || S_ISBLK(ino->mode))
		return dev_file_ops(ino->mode, ino->rdev);
	if (S_ISFIFO(ino->mode))
		return &fifo_fops;
	return S_ISSOCK(ino->mode) ? NULL : &generic_file_ops;
}

int vfs_open(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **out)
{
	struct inode *ino, *dir = NULL;
	const struct file_ops *ops;
	bool created = false;
	int err;

	if (flags & O_CREAT)
		err = open_create(dirfd, path, flags, mode, &ino, &created, &dir);
	else
		err = vfs_lookup_named(dirfd, path, !(flags & O_NOFOLLOW), &ino, &dir);
	if (err)
		return err;
	err = may_open(ino, flags);
	if (!err && !created)
		err = may_access(ino, flags);
	/* Write access before O_TRUNC cuts anything: ETXTBSY for a program
	 * that runs, as Linux's do_dentry_open. */
	bool write = !err && S_ISREG(ino->mode) && (flags & O_ACCMODE) != O_RDONLY;
	if (write && (err = inode_get_write(ino)))
		write = false;
	if (!err && S_ISREG(ino->mode) && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY &&
	    ino->size) {
		err = ino->ops && ino->ops->truncate ? ino->ops->truncate(ino, 0) : -EINVAL;
		if (!err)
			uvm_truncate_mappings(ino, 0);
	}
	ops = open_ops(ino);
	if (!err && !ops)
		err = -ENXIO;
	struct file *f;
	if (!err) /* -ENFILE at file-max, as on Linux; -ENOMEM */
		err = file_alloc(ino, ops, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK), &f);
	if (err) {
		if (write)
			inode_put_write(ino);
		vfs_put(ino);
		vfs_put(dir);
		return err;
	}
	f->write_access = write;
	f->dir = dir;
	if (ops->open) {
		err = ops->open(ino, f);
		if (err) {
			f->ops = NULL; /* no release for what never opened */
			file_put(f);
			return err;
		}
	}
	*out = f;
	return 0;
}
