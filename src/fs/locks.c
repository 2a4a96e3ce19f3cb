/*
 * Advisory file locks (docs/filesystems.md, "Locks"): flock (32), and
 * fcntl's record locks, POSIX's (F_GETLK, F_SETLK, F_SETLKW) and Linux's
 * open-file-description ones (F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW).
 *
 * Each inode keeps a list of its locks.  A lock has an owner:
 *   flock and OFD locks   the open file (struct file): shared by dup and
 *                         fork, gone when the file's last reference goes;
 *   POSIX locks           the fd table (struct fdtable), as Linux's
 *                         current->files: shared by threads, not by fork,
 *                         gone when the owner closes any fd of the file,
 *                         and so at exit.
 * Byte ranges are [start, end], end inclusive; LOCK_EOF means "to the end
 * of the file, however long".  flock locks are a name space of their own;
 * POSIX and OFD locks conflict with each other.
 *
 * One spinlock guards every list; a waiter sleeps on one queue that every
 * unlock wakes, and looks again.  Entries are allocated before the lock
 * is taken (a change needs at most two new ones: a split and the new
 * lock) and freed after it is dropped.  A blocked POSIX owner is listed
 * with the owner it waits for, so that a wait that would close a circle
 * is EDEADLK, as on Linux.
 */
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/proc.h>
#include <sluice/syscall.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>
#include <sluice/waitq.h>

#define F_RDLCK		   0
#define F_WRLCK		   1
#define F_UNLCK		   2
#define F_GETLK		   5
#define F_SETLKW	   7
#define F_OFD_GETLK	   36
#define F_OFD_SETLKW	   38
#define LOCK_SH		   1
#define LOCK_EX		   2
#define LOCK_NB		   4
#define LOCK_UN		   8
#define LOCK_MAND	   32
#define LOCK_EOF	   INT64_MAX /* Linux's OFFSET_MAX */
#define DEADLOCK_MAX_DEPTH 10	     /* as Linux's MAX_DEADLK_ITERATIONS */

enum lock_kind { LK_FLOCK, LK_POSIX, LK_OFD };

struct file_lock {
	struct file_lock *next;
	enum lock_kind kind;
	int type;	    /* F_RDLCK or F_WRLCK */
	int64_t start, end; /* end inclusive; LOCK_EOF: to the end */
	void *owner;	    /* struct file (flock, OFD) or struct fdtable (POSIX) */
	struct file *file;  /* the file it was set through (uncounted: it goes first) */
	int pid;	    /* F_GETLK's l_pid: the setter's process, or -1 (OFD) */
};

/* A POSIX owner asleep in F_SETLKW, and whom it waits for. */
struct lock_waiter {
	struct lock_waiter *next;
	void *owner, *blocker;
};

static struct spinlock locks_lock = SPINLOCK_INIT;
static struct waitq locks_wq = WAITQ_INIT;
static struct lock_waiter *waiters;

/* Linux's struct flock on 64-bit machines (32 bytes). */
struct kflock {
	int16_t l_type, l_whence;
	int64_t l_start, l_len;
	int32_t l_pid;
};

static bool is_posix_space(const struct file_lock *l)
{
	return l->kind != LK_FLOCK;
}

static bool overlaps(const struct file_lock *a, const struct file_lock *b)
{
	return a->start <= b->end && b->start <= a->end;
}

/* Would held stop want from being set? */
static bool conflicts(const struct file_lock *held, const struct file_lock *want)
{
	if (held->owner == want->owner || is_posix_space(held) != is_posix_space(want))
		return false;
	if (held->type != F_WRLCK && want->type != F_WRLCK)
		return false;
	return want->kind == LK_FLOCK || overlaps(held, want);
}

static struct file_lock *first_conflict(struct inode *ino, const struct file_lock *want)
{
	for (struct file_lock *l = ino->locks; l; l = l->next)
		if (conflicts(l, want))
			return l;
	return NULL;
}

/* Would owner waiting for blocker close a circle of waiters? */
static bool would_deadlock(void *owner, void *blocker)
{
	for (int depth = 0; depth < DEADLOCK_MAX_DEPTH; depth++) {
		struct lock_waiter *w = waiters;
		while (w && w->owner != blocker)
			w = w->next;
		if (!w)
			return false;
		blocker = w->blocker;
		if (blocker == owner)
			return true;
	}
	return false;
}

/* --- changing an owner's locks (locks_lock held) --- */

struct spare {
	struct file_lock *e[2];	 /* allocated before the lock was taken */
	struct file_lock *freed; /* taken off, to free after it is dropped */
};

static struct file_lock *spare_take(struct spare *s)
{
	struct file_lock *l = s->e[0] ? s->e[0] : s->e[1];

	if (l == s->e[0])
		s->e[0] = NULL;
	else
		s->e[1] = NULL;
	return l;
}

/* Take [start, end] out of the owner's POSIX-space locks on ino, cutting
 * those that reach past it (a lock around it splits in two). */
static void posix_cut(struct inode *ino, const struct file_lock *want, struct spare *s)
{
	for (struct file_lock **pp = &ino->locks, *l; (l = *pp);) {
		if (!is_posix_space(l) || l->owner != want->owner || !overlaps(l, want)) {
			pp = &l->next;
			continue;
		}
		if (l->start < want->start && l->end > want->end) {
			struct file_lock *tail = spare_take(s);
			*tail = *l;
			tail->start = want->end + 1;
			l->end = want->start - 1;
			l->next = tail;
			return; /* it covered the range: nothing else can overlap */
		}
		if (l->start < want->start) {
			l->end = want->start - 1;
		} else if (l->end > want->end) {
			l->start = want->end + 1;
		} else {
			*pp = l->next;
			l->next = s->freed;
			s->freed = l;
			continue;
		}
		pp = &l->next;
	}
}

/* Set want (type F_UNLCK: remove) for its owner, merging it with the
 * owner's touching locks of the same type. */
static void posix_set(struct inode *ino, struct file_lock *want, struct spare *s)
{
	struct file_lock *n;

	posix_cut(ino, want, s);
	if (want->type == F_UNLCK)
		return;
	for (struct file_lock **pp = &ino->locks, *l; (l = *pp);) {
		bool touch = l->start <= (want->end == LOCK_EOF ? LOCK_EOF : want->end + 1) &&
			     want->start <= (l->end == LOCK_EOF ? LOCK_EOF : l->end + 1);
		if (l->kind == want->kind && l->owner == want->owner && l->type == want->type &&
		    touch) {
			want->start = MIN(want->start, l->start);
			want->end = MAX(want->end, l->end);
			*pp = l->next;
			l->next = s->freed;
			s->freed = l;
			continue;
		}
		pp = &l->next;
	}
	/* Kept in order of start, as Linux keeps an owner's: F_GETLK reports
	 * the first conflicting lock of the list. */
	struct file_lock **pp = &ino->locks;
	while (*pp && (*pp)->start <= want->start)
		pp = &(*pp)->next;
	n = spare_take(s);
	*n = *want;
	n->next = *pp;
	*pp = n;
}

/* Remove the locks matching (kind space, owner or file); wake waiters. */
static void locks_remove(struct inode *ino, bool posix, void *owner, struct file *file)
{
	struct file_lock *freed = NULL;
	unsigned long flags = spin_lock_irqsave(&locks_lock);

	for (struct file_lock **pp = &ino->locks, *l; (l = *pp);) {
		if ((posix && l->kind == LK_POSIX && l->owner == owner) ||
		    (!posix && (l->owner == file || l->file == file))) {
			*pp = l->next;
			l->next = freed;
			freed = l;
			continue;
		}
		pp = &l->next;
	}
	spin_unlock_irqrestore(&locks_lock, flags);
	if (!freed)
		return;
	waitq_wake_all(&locks_wq);
	while (freed) {
		struct file_lock *l = freed;
		freed = l->next;
		kfree(l);
	}
}

void locks_remove_posix(struct file *f, struct fdtable *owner)
{
	if (f && __atomic_load_n(&f->inode->locks, __ATOMIC_RELAXED))
		locks_remove(f->inode, true, owner, f);
}

void locks_remove_file(struct file *f)
{
	if (__atomic_load_n(&f->inode->locks, __ATOMIC_RELAXED))
		locks_remove(f->inode, false, f, f);
}

/* flock: the file's own lock on ino, dropped (a change of type is an
 * unlock and a new lock, as on Linux); true if it already had want's. */
static bool flock_drop_own(struct inode *ino, const struct file_lock *want, struct spare *s)
{
	for (struct file_lock **pp = &ino->locks, *l; (l = *pp); pp = &l->next) {
		if (l->kind != LK_FLOCK || l->owner != want->owner)
			continue;
		if (l->type == want->type)
			return true;
		*pp = l->next;
		l->next = s->freed;
		s->freed = l;
		return false;
	}
	return false;
}

/* Wait for the lock c stands in the way of (locks_lock held): 0 to look
 * again, -EDEADLK if a POSIX wait would close a circle, -ERESTARTSYS. */
static long lock_wait(const struct file_lock *want, const struct file_lock *c)
{
	struct lock_waiter me = {waiters, want->owner, NULL};
	bool slept;

	if (want->kind == LK_POSIX && c->kind == LK_POSIX && would_deadlock(want->owner, c->owner))
		return -EDEADLK;
	me.blocker = c->kind == LK_POSIX ? c->owner : NULL;
	waiters = &me;
	slept = waitq_sleep_intr(&locks_wq, &locks_lock);
	for (struct lock_waiter **pp = &waiters; *pp; pp = &(*pp)->next) {
		if (*pp == &me) {
			*pp = me.next;
			break;
		}
	}
	return slept ? 0 : -ERESTARTSYS; /* EINTR, or a restart with SA_RESTART */
}

/* Set want (locks_lock held): -EAGAIN if a lock conflicts and wait is
 * false, else wait until it can be set. */
static long lock_set_locked(struct inode *ino, struct file_lock *want, bool wait, struct spare *s)
{
	struct file_lock *c, *n;
	long err;

	if (want->kind == LK_FLOCK && (flock_drop_own(ino, want, s) || want->type == F_UNLCK))
		return 0;
	while (want->type != F_UNLCK && (c = first_conflict(ino, want)))
		if (!wait || (err = lock_wait(want, c)))
			return wait ? err : -EAGAIN;
	if (want->kind != LK_FLOCK) {
		posix_set(ino, want, s);
		return 0;
	}
	n = spare_take(s);
	*n = *want;
	n->next = ino->locks;
	ino->locks = n;
	return 0;
}

/*
 * Set want on ino: at once, or -EAGAIN if a lock conflicts and wait is
 * false; else sleep until it can be set (-EDEADLK for a POSIX wait that
 * would close a circle, -ERESTARTSYS for a signal).  Every change wakes
 * the waiters to look again.
 */
static long lock_set(struct inode *ino, struct file_lock *want, bool wait)
{
	struct spare s = {{kmalloc(sizeof(*want)), kmalloc(sizeof(*want))}, NULL};
	long err = -ENOLCK;

	if (s.e[0] && s.e[1]) {
		unsigned long flags = spin_lock_irqsave(&locks_lock);
		err = lock_set_locked(ino, want, wait, &s);
		spin_unlock_irqrestore(&locks_lock, flags);
		waitq_wake_all(&locks_wq);
	}
	kfree(s.e[0]);
	kfree(s.e[1]);
	while (s.freed) {
		struct file_lock *l = s.freed;
		s.freed = l->next;
		kfree(l);
	}
	return err;
}

/* The first lock that would stop want, into *out (type F_UNLCK if none). */
static void lock_test(struct inode *ino, const struct file_lock *want, struct file_lock *out)
{
	unsigned long flags = spin_lock_irqsave(&locks_lock);
	struct file_lock *c = first_conflict(ino, want);

	*out = c ? *c : *want;
	if (!c)
		out->type = F_UNLCK;
	spin_unlock_irqrestore(&locks_lock, flags);
}

/* --- flock(2) --- */

long sys_flock(unsigned int fd, unsigned int cmd)
{
	struct file_lock want = {.kind = LK_FLOCK, .start = 0, .end = LOCK_EOF};
	struct file *f;

	if (cmd & LOCK_MAND)
		return 0; /* never worked; Linux takes it and does nothing */
	switch (cmd & ~(unsigned int)LOCK_NB) {
	case LOCK_SH:
		want.type = F_RDLCK;
		break;
	case LOCK_EX:
		want.type = F_WRLCK;
		break;
	case LOCK_UN:
		want.type = F_UNLCK;
		break;
	default:
		return -EINVAL;
	}
	f = fd_get((int)fd);
	if (!f)
		return -EBADF;
	want.owner = want.file = f;
	want.pid = current_proc()->tgid;
	return lock_set(f->inode, &want, !(cmd & LOCK_NB));
}

/* --- fcntl's record locks --- */

/* struct flock's range, from whence, into [start, end] (Linux's
 * flock_to_posix_lock). */
static long range_of(struct file *f, const struct kflock *fl, struct file_lock *l)
{
	int64_t base, start, end;

	if (fl->l_whence == 0)
		base = 0;
	else if (fl->l_whence == 1)
		base = (int64_t)f->pos;
	else if (fl->l_whence == 2)
		base = (int64_t)f->inode->size;
	else
		return -EINVAL;
	if (__builtin_add_overflow(base, fl->l_start, &start))
		return -EOVERFLOW;
	if (start < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		if (__builtin_add_overflow(start, fl->l_len - 1, &end))
			return -EOVERFLOW;
	} else if (fl->l_len < 0) {
		end = start - 1;
		start += fl->l_len;
		if (start < 0)
			return -EINVAL;
	} else {
		end = LOCK_EOF;
	}
	l->start = start;
	l->end = end;
	return 0;
}

/* The lock a struct flock asks for, checked: type, range, and for an OFD
 * lock a zero l_pid. */
static long lock_from_user(struct file *f, bool ofd, const struct kflock *fl, struct file_lock *l)
{
	*l = (struct file_lock){.kind = ofd ? LK_OFD : LK_POSIX, .type = fl->l_type, .file = f};
	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK && fl->l_type != F_UNLCK)
		return -EINVAL;
	if (ofd && fl->l_pid)
		return -EINVAL;
	l->owner = ofd ? (void *)f : (void *)current_proc()->fds;
	l->pid = ofd ? -1 : current_proc()->tgid;
	return range_of(f, fl, l);
}

static long getlk(struct file *f, bool ofd, struct kflock *fl, void __user *uarg)
{
	struct file_lock want, held;
	long err;

	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK)
		return -EINVAL;
	err = lock_from_user(f, ofd, fl, &want);
	if (err)
		return err;
	lock_test(f->inode, &want, &held);
	fl->l_type = (int16_t)held.type;
	if (held.type != F_UNLCK) {
		fl->l_whence = 0;
		fl->l_start = held.start;
		fl->l_len = held.end == LOCK_EOF ? 0 : held.end - held.start + 1;
		fl->l_pid = held.pid;
	}
	return copy_to_user(uarg, fl, sizeof(*fl)) ? -EFAULT : 0;
}

long locks_fcntl(struct file *f, unsigned int cmd, void __user *uarg)
{
	bool ofd = cmd >= F_OFD_GETLK, wait = cmd == F_SETLKW || cmd == F_OFD_SETLKW;
	struct file_lock want;
	struct kflock fl;
	long err;

	if (copy_from_user(&fl, uarg, sizeof(fl)))
		return -EFAULT;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK)
		return getlk(f, ofd, &fl, uarg);
	err = lock_from_user(f, ofd, &fl, &want);
	if (err)
		return err;
	/* A read lock needs a file open for reading, a write lock one open
	 * for writing. */
	if ((want.type == F_RDLCK && (f->flags & O_ACCMODE) == O_WRONLY) ||
	    (want.type == F_WRLCK && (f->flags & O_ACCMODE) == O_RDONLY))
		return -EBADF;
	return lock_set(f->inode, &want, wait);
}
