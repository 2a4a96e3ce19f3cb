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
#include <sluice/panic.h>
#include <sluice/proc.h>
#include <sluice/string.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

struct file *file_alloc(struct inode *ino, const struct file_ops *ops, uint32_t flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->inode = ino;
	f->ops = ops;
	f->flags = flags;
	f->refs = 1;
	return f;
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
	if (f->ops && f->ops->release)
		f->ops->release(f);
	vfs_put(f->inode);
	kfree(f);
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

	if (fd < 0 || fd >= FD_MAX)
		return NULL;
	if (__atomic_load_n(&t->refs, __ATOMIC_ACQUIRE) == 1)
		return t->fd[fd];
	unsigned long flags = spin_lock_irqsave(&t->lock);
	f = t->fd[fd];
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

int fd_install_from(struct file *f, int min, bool cloexec)
{
	struct fdtable *t = current_proc()->fds;
	unsigned long flags = spin_lock_irqsave(&t->lock);

	for (int fd = min; fd < FD_MAX; fd++) {
		if (!t->fd[fd]) {
			t->fd[fd] = f;
			if (cloexec)
				t->cloexec |= 1ull << fd;
			else
				t->cloexec &= ~(1ull << fd);
			spin_unlock_irqrestore(&t->lock, flags);
			return fd;
		}
	}
	spin_unlock_irqrestore(&t->lock, flags);
	return -EMFILE;
}

int fd_install(struct file *f, bool cloexec)
{
	return fd_install_from(f, 0, cloexec);
}

/* A new table: a copy of from's slots (each file counted once more), or
 * empty if from is NULL. */
static struct fdtable *fdtable_copy(struct fdtable *from)
{
	struct fdtable *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->lock = (struct spinlock)SPINLOCK_INIT;
	t->refs = 1;
	if (!from)
		return t;
	unsigned long flags = spin_lock_irqsave(&from->lock);
	for (int fd = 0; fd < FD_MAX; fd++)
		if (from->fd[fd])
			t->fd[fd] = file_get(from->fd[fd]);
	t->cloexec = from->cloexec;
	spin_unlock_irqrestore(&from->lock, flags);
	return t;
}

/* Drop a hold on t; the last closes every file (which may sleep). */
static void fdtable_put(struct fdtable *t)
{
	if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (int fd = 0; fd < FD_MAX; fd++)
		file_put(t->fd[fd]);
	kfree(t);
}

static struct fs_info *fs_copy(struct fs_info *from)
{
	struct fs_info *fs = kzalloc(sizeof(*fs));

	if (!fs)
		return NULL;
	fs->lock = (struct spinlock)SPINLOCK_INIT;
	fs->refs = 1;
	fs->cwd = from ? fs_cwd_get_of(from) : NULL;
	return fs;
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
			p->fds = own;
			fdtable_put(t);
			t = own;
		}
	}
	for (int fd = 0; fd < FD_MAX; fd++) {
		if (t->cloexec & (1ull << fd)) {
			unsigned long flags = spin_lock_irqsave(&t->lock);
			struct file *f = t->fd[fd];
			t->fd[fd] = NULL;
			spin_unlock_irqrestore(&t->lock, flags);
			file_put(f);
		}
	}
	t->cloexec = 0;
}

void files_exit(struct proc *p)
{
	struct fs_info *fs = p->fs;

	if (p == current_proc())
		fd_borrow_end();
	if (p->fds)
		fdtable_put(p->fds);
	p->fds = NULL;
	p->fs = NULL;
	if (fs && __atomic_sub_fetch(&fs->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		vfs_put(fs->cwd);
		kfree(fs);
	}
}

/* fs's cwd, counted, or the root (under fs->lock: chdir may swap it). */
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

static long generic_read(struct file *f, char *ubuf, size_t len)
{
	struct inode *ino = f->inode;

	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (!ino->ops || !ino->ops->read)
		return -EINVAL;
	long n = ino->ops->read(ino, ubuf, len, f->pos, true);
	if (n > 0)
		f->pos += (uint64_t)n;
	return n;
}

static long generic_write(struct file *f, const char *ubuf, size_t len)
{
	struct inode *ino = f->inode;
	long n;

	if (!ino->ops || !ino->ops->write)
		return -EINVAL;
	if (ino->sb && (ino->sb->flags & SB_RDONLY))
		return -EROFS;
	if (f->flags & O_APPEND) {
		struct mutex *m = append_lock(ino);
		mutex_lock(m);
		n = ino->ops->write(ino, ubuf, len, ino->size, true);
		f->pos = ino->size;
		mutex_unlock(m);
		return n;
	}
	n = ino->ops->write(ino, ubuf, len, f->pos, true);
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

/* The inode for an O_CREAT open: the existing one or a new file. */
static int open_create(int dirfd, const char *path, uint32_t flags, uint32_t mode,
		       struct inode **out)
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
		err = vfs_lookup(dirfd, path, true, out);
	} else if (err == -ENOENT) {
		if (dir->sb && (dir->sb->flags & SB_RDONLY))
			err = -EROFS;
		else if (!dir->ops || !dir->ops->create)
			err = -EACCES;
		else
			err = dir->ops->create(dir, last, strlen(last), S_IFREG | (mode & 07777), out);
		if (!err)
			vfs_adopt(*out); /* dir's mount, held through dir, counts it too */
		/* Another process made it between our lookup and create: without
		 * O_EXCL, open the one it made. */
		if (err == -EEXIST && !(flags & O_EXCL)) {
			vfs_put(dir);
			return open_create(dirfd, path, flags, mode, out);
		}
	}
	vfs_put(dir);
	return err;
}

int vfs_open(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **out)
{
	struct inode *ino;
	const struct file_ops *ops;
	int err;

	if (flags & O_CREAT)
		err = open_create(dirfd, path, flags, mode, &ino);
	else
		err = vfs_lookup(dirfd, path, !(flags & O_NOFOLLOW), &ino);
	if (err)
		return err;
	err = may_open(ino, flags);
	if (!err && S_ISREG(ino->mode) && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY &&
	    ino->size) {
		err = ino->ops && ino->ops->truncate ? ino->ops->truncate(ino, 0) : -EINVAL;
	}
	ops = ino->fops ? ino->fops
	      : S_ISCHR(ino->mode) || S_ISBLK(ino->mode) ? dev_file_ops(ino->mode, ino->rdev)
	      : S_ISFIFO(ino->mode) ? NULL
				    : &generic_file_ops;
	if (!err && !ops)
		err = -ENXIO;
	if (err) {
		vfs_put(ino);
		return err;
	}
	struct file *f = file_alloc(ino, ops, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK));
	if (!f) {
		vfs_put(ino);
		return -ENOMEM;
	}
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
