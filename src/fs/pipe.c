/*
 * Pipes: a bounded buffer between a writing and a reading end.
 *
 * The buffer is a ring of page slots (pipe_ring.c, pure logic; its header
 * tells how bytes fill the pages).  This file adds the rules of the ends:
 *
 * - One mutex serialises every reader and writer of a pipe for the whole
 *   of its copy: two readers never take the same bytes (each takes the
 *   front of the ring and consumes it before the other looks), and a
 *   write of at most PIPE_BUF bytes, which the ring takes whole or not at
 *   all, is never interleaved with another writer's.
 * - Nobody sleeps holding the mutex.  A reader of an empty pipe, or a
 *   writer of a full one, notes the pipe's generation (bumped under the
 *   spinlock by every change a sleeper waits for: data, room, an end
 *   closing, a resize) while it still holds the mutex, lets the mutex go,
 *   and sleeps until the generation moves on: a change made after the
 *   look cannot be missed.
 * - A reader of an empty pipe reads end of file once no writer is left; a
 *   writer gets EPIPE and SIGPIPE once no reader is left.  Signals
 *   interrupt a sleep (EINTR, or a restart with SA_RESTART, or the bytes
 *   moved so far); O_NONBLOCK gives EAGAIN instead of sleeping.
 */
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/mutex.h>
#include <sluice/objcount.h>
#include <sluice/pipe_ring.h>
#include <sluice/poll.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
#include <sluice/testhooks.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#define FIONREAD     0x541B

struct pipe {
	struct mutex mutex;   /* held by a reader or writer for its whole copy: ring */
	struct spinlock lock; /* gen, readers, writers: what sleepers test */
	struct waitq readers_wq, writers_wq;
	uint64_t gen;	      /* bumped by every change a sleeper waits for */
	int readers, writers; /* open ends */
	/* FIFOs: ends ever opened (a reader waiting in open wakes when a
	 * writer came, even if it left again); opens holding the pipe
	 * (under fifo_lock). */
	uint64_t r_opened, w_opened;
	int users;
	struct pipe_ring ring;
};

static struct pipe *pipe_of(struct file *f)
{
	return f->inode->pipe;
}

/* --- the ring's memory: user buffers and whole pages --- */

/*
 * The user's side of one read or write: its buffers (one, or a readv or
 * writev list) as one stream.  The ring's copies go forward through it,
 * so a cursor remembers which buffer the last one reached.
 */
struct pipe_user {
	const struct kiovec *iov;
	unsigned long cnt;
	size_t skip;	   /* the stream's bytes moved by earlier ring calls */
	bool out;	   /* a read: from the ring to the user */
	unsigned long seg; /* the cursor: buffer seg starts at stream byte seg_at */
	size_t seg_at;
	bool kernel; /* the buffers are kernel memory (sendfile's) */
};

static int pipe_user_copy(void *ctx, uint8_t *ring, size_t at, size_t n)
{
	struct pipe_user *u = ctx;

	at += u->skip;
	if (at < u->seg_at)
		u->seg = 0, u->seg_at = 0;
	while (n) {
		while (at >= u->seg_at + u->iov[u->seg].len)
			u->seg_at += u->iov[u->seg++].len;
		size_t in = at - u->seg_at, k = MIN(n, u->iov[u->seg].len - in);
		char *ubuf = (char *)u->iov[u->seg].base + in;
		int err = 0;
		if (u->kernel)
			memcpy(u->out ? ubuf : (char *)ring, u->out ? (char *)ring : ubuf, k);
		else
			err = u->out ? copy_to_user(ubuf, ring, k) : copy_from_user(ring, ubuf, k);
		if (err)
			return err;
		ring += k, at += k, n -= k;
	}
	return 0;
}

static void *pipe_page_get(void *ctx)
{
	paddr_t pa = page_alloc(0);

	return pa ? phys_to_virt(pa) : NULL;
}

static void pipe_page_put(void *ctx, void *page)
{
	page_free(virt_to_phys(page), 0);
}

static struct pipe_io pipe_io_for(struct pipe_user *u)
{
	return (struct pipe_io){pipe_user_copy, pipe_page_get, pipe_page_put, u};
}

/* --- sleeping and waking --- */

/* The generation now, and the number of the other side's open ends. */
static uint64_t pipe_look(struct pipe *p, const int *ends, int *n)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	uint64_t g = p->gen;

	*n = *ends;
	spin_unlock_irqrestore(&p->lock, flags);
	return g;
}

/*
 * Record a change sleepers on wq wait for, and wake them.  A sleeper joins
 * wq while it holds the spinlock (pipe_wait), so an empty queue seen under
 * it has nobody to wake: the common case costs no wakeup call.
 */
static void pipe_changed(struct pipe *p, struct waitq *wq)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	bool sleepers = waitq_active(wq);

	p->gen++;
	spin_unlock_irqrestore(&p->lock, flags);
	if (sleepers)
		waitq_wake_all(wq);
}

/*
 * Called with the mutex held, after the look that found generation g:
 * sleep until the pipe changes or a signal comes, without the mutex, then
 * take it again.
 */
static void pipe_wait(struct pipe *p, struct waitq *wq, uint64_t g)
{
	unsigned long flags;

	mutex_unlock(&p->mutex);
	flags = spin_lock_irqsave(&p->lock);
	while (p->gen == g && !signal_pending())
		waitq_sleep(wq, &p->lock);
	spin_unlock_irqrestore(&p->lock, flags);
	mutex_lock(&p->mutex);
}

/* --- the file operations --- */

static long pipe_do_read(struct file *f, struct pipe_user *u, size_t len)
{
	struct pipe *p = pipe_of(f);
	struct pipe_io io = pipe_io_for(u);
	int err = 0, writers;
	size_t n;
	long ret;

	if (!len)
		return 0;
	mutex_lock(&p->mutex);
	for (;;) {
		n = pipe_ring_read(&p->ring, len, &io, &err);
		if (n || err) {
			ret = n ? (long)n : err;
			break;
		}
		uint64_t g = pipe_look(p, &p->writers, &writers);
		if (!writers) {
			ret = 0; /* end of file */
			break;
		}
		if (f->flags & O_NONBLOCK || signal_pending()) {
			ret = f->flags & O_NONBLOCK ? -EAGAIN : -ERESTARTSYS;
			break;
		}
		pipe_wait(p, &p->readers_wq, g);
	}
	mutex_unlock(&p->mutex);
	if (n)
		pipe_changed(p, &p->writers_wq);
	return ret;
}

/*
 * The ring takes what fits; the rest waits for room.  A write of at most
 * PIPE_BUF bytes fits whole or not at all (pipe_ring.h), so it never
 * waits half done, and the mutex keeps other writers out while it copies.
 */
static long pipe_do_write(struct file *f, struct pipe_user *u, size_t len)
{
	struct pipe *p = pipe_of(f);
	struct pipe_io io = pipe_io_for(u);
	size_t done = 0;
	int err = 0, readers;
	long ret = 0;

	if (!len)
		return 0;
	mutex_lock(&p->mutex);
	for (;;) {
		uint64_t g = pipe_look(p, &p->readers, &readers);
		if (!readers) {
			signal_send(current_proc(), SIGPIPE);
			ret = -EPIPE;
			break;
		}
		u->skip = done;
		size_t n = pipe_ring_write(&p->ring, len - done, done == 0, &io, &err);
		done += n;
		if (n)
			pipe_changed(p, &p->readers_wq);
		if (err || done == len) {
			ret = err;
			break;
		}
		if (n)
			continue; /* it filled up: look again before sleeping */
		if (f->flags & O_NONBLOCK || signal_pending()) {
			ret = f->flags & O_NONBLOCK ? -EAGAIN : -ERESTARTSYS;
			break;
		}
		pipe_wait(p, &p->writers_wq, g);
	}
	mutex_unlock(&p->mutex);
	return done ? (long)done : ret;
}

static long pipe_read(struct file *f, char *ubuf, size_t len)
{
	struct kiovec v = {(uint64_t)ubuf, len};
	struct pipe_user u = {&v, 1, 0, true, 0, 0, false};

	return pipe_do_read(f, &u, len);
}

static long pipe_write(struct file *f, const char *ubuf, size_t len)
{
	struct kiovec v = {(uint64_t)ubuf, len};
	struct pipe_user u = {&v, 1, 0, false, 0, 0, false};

	return pipe_do_write(f, &u, len);
}

long pipe_rw_iov(struct file *f, const struct kiovec *iov, unsigned long cnt, size_t total,
		 bool write)
{
	struct pipe_user u = {iov, cnt, 0, !write, 0, 0, false};

	return write ? pipe_do_write(f, &u, total) : pipe_do_read(f, &u, total);
}

static const struct file_ops pipe_fops;

long pipe_write_kernel(struct file *f, const void *buf, size_t len)
{
	struct kiovec v = {(uint64_t)buf, len};
	struct pipe_user u = {&v, 1, 0, false, 0, 0, true};

	if (f->ops != &pipe_fops && f->ops != &fifo_fops)
		return -EINVAL;
	return pipe_do_write(f, &u, len);
}

/* An end opened (delta 1) or closed (-1) with access mode acc (O_RDWR: a
 * FIFO's reader and writer at once); sleepers on both sides look again.
 * Returns the other side as it was at the change, for a FIFO's open to
 * wait on (fifo_wait_partner): its opens so far, or ~0 if one is open. */
static uint64_t pipe_ends(struct pipe *p, uint32_t acc, int delta)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	bool other_open = acc == O_RDONLY ? p->writers : p->readers;
	uint64_t partner = !other_open ? (acc == O_RDONLY ? p->w_opened : p->r_opened) : ~0ull;

	if (acc != O_WRONLY) {
		p->readers += delta;
		p->r_opened += delta > 0;
	}
	if (acc != O_RDONLY) {
		p->writers += delta;
		p->w_opened += delta > 0;
	}
	p->gen++;
	spin_unlock_irqrestore(&p->lock, flags);
	waitq_wake_all(&p->readers_wq);
	waitq_wake_all(&p->writers_wq);
	return partner;
}

static void pipe_release(struct file *f)
{
	pipe_ends(pipe_of(f), f->flags & O_ACCMODE, -1);
}

/* FIONREAD: the bytes held, as an int. */
static long pipe_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	struct pipe *p = pipe_of(f);
	int n;

	if (cmd != FIONREAD)
		return -ENOTTY;
	mutex_lock(&p->mutex);
	n = (int)MIN(p->ring.bytes, (size_t)INT32_MAX);
	mutex_unlock(&p->mutex);
	return copy_to_user((void *)arg, &n, sizeof(n));
}

/*
 * Ready as Linux's pipes are: the read end for input when bytes are held,
 * hung up when no writer is left; the write end for output while a slot
 * is free, in error when no reader is left.  Read under the spinlock that
 * pipe_changed takes after every change, so a change made after this look
 * finds the entry poll_wait has hung on the queue.
 */
static unsigned int pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = pipe_of(f);
	bool reader = (f->flags & O_ACCMODE) == O_RDONLY;
	unsigned int mask = 0;

	poll_wait(pt, reader ? &p->readers_wq : &p->writers_wq);
	unsigned long flags = spin_lock_irqsave(&p->lock);
	if (reader && __atomic_load_n(&p->ring.bytes, __ATOMIC_RELAXED))
		mask |= POLLIN | POLLRDNORM;
	if (reader && !p->writers)
		mask |= POLLHUP;
	if (!reader && !pipe_ring_full(&p->ring))
		mask |= POLLOUT | POLLWRNORM;
	if (!reader && !p->readers)
		mask |= POLLERR;
	spin_unlock_irqrestore(&p->lock, flags);
	return mask;
}

static const struct file_ops pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.release = pipe_release,
	.poll = pipe_poll,
};

/*
 * F_SETPIPE_SZ: a new slot array, the held slots moved into it.  Growing
 * past pipe-max-size (1 MiB) is root's only (Linux: CAP_SYS_RESOURCE);
 * the slot array is one kmalloc block, so sizes past 512 MiB are -ENOMEM.
 */
#define PIPE_MAX_UNPRIV (1024 * 1024)

static long pipe_set_size(struct pipe *p, unsigned long arg)
{
	long size = pipe_size_round(arg);
	struct pipe_buf *bufs, *old;
	int err;

	if (size < 0)
		return size;
	if (size > PIPE_MAX_UNPRIV &&
	    (unsigned long)size > __atomic_load_n(&p->ring.slots, __ATOMIC_RELAXED) * PAGE_SIZE &&
	    !cred_capable(cred_current()))
		return -EPERM;
	bufs = kmalloc((size_t)size / PAGE_SIZE * sizeof(*bufs));
	if (!bufs)
		return -ENOMEM;
	mutex_lock(&p->mutex);
	err = pipe_ring_resize(&p->ring, bufs, (uint32_t)(size / PAGE_SIZE), &old);
	mutex_unlock(&p->mutex);
	kfree(err ? bufs : old);
	if (err)
		return err;
	pipe_changed(p, &p->writers_wq); /* it may have room now */
	return size;
}

long pipe_fcntl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct pipe *p;
	long size;

	if (f->ops != &pipe_fops && f->ops != &fifo_fops)
		return -EBADF; /* as Linux: not a pipe */
	p = pipe_of(f);
	if (cmd == F_SETPIPE_SZ)
		return pipe_set_size(p, arg);
	mutex_lock(&p->mutex);
	size = (long)p->ring.slots * PAGE_SIZE;
	mutex_unlock(&p->mutex);
	return size;
}

static const struct pipe_io pipe_page_io = {NULL, pipe_page_get, pipe_page_put, NULL};

static void pipe_free(struct pipe *p)
{
	pipe_ring_release(&p->ring, &pipe_page_io);
	kfree(p->ring.bufs);
	kfree(p);
	objcount_add(OBJ_PIPE, -1);
}

/* The pipe's inode goes with its last end: free its pages. */
static void pipe_evict(struct inode *ino)
{
	pipe_free(ino->priv);
}

static const struct super_ops pipe_super_ops = {.evict = pipe_evict};
static struct super_block pipe_sb = {.ops = &pipe_super_ops, .type = "pipefs"};

/* A pipe with Linux's default 64 KiB, no pages yet, counted; NULL: no memory. */
static struct pipe *pipe_new(void)
{
	struct pipe *p = kzalloc(sizeof(*p));
	struct pipe_buf *bufs = kmalloc(PIPE_DEFAULT_SLOTS * sizeof(*bufs));

	if (!p || !bufs) {
		kfree(p);
		kfree(bufs);
		return NULL;
	}
	p->mutex = (struct mutex)MUTEX_INIT;
	p->lock = (struct spinlock)SPINLOCK_INIT;
	p->readers_wq = (struct waitq)WAITQ_INIT;
	p->writers_wq = (struct waitq)WAITQ_INIT;
	p->readers = p->writers = 1;
	pipe_ring_init(&p->ring, bufs, PIPE_DEFAULT_SLOTS);
	objcount_add(OBJ_PIPE, 1); /* pipe_free counts it out: a pipe's or a FIFO's */
	return p;
}

long sys_pipe2(int __user *ufds, int flags)
{
	struct pipe *p;
	struct inode *ino;
	struct file *r, *w;
	int fds[2];
	static uint64_t next_ino;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	p = pipe_new();
	ino = p ? inode_new(&pipe_sb, __atomic_add_fetch(&next_ino, 1, __ATOMIC_RELAXED)) : NULL;
	if (!ino) {
		if (p)
			pipe_free(p);
		return -ENOMEM;
	}
	ino->priv = p;
	ino->pipe = p;
	ino->mode = S_IFIFO | 0600;
	ino->uid = cred_current()->fsuid; /* the maker's, as Linux's pipefs */
	ino->gid = cred_current()->fsgid;
	ino->nlink = 1;
	ino->atime = ino->mtime = ino->ctime = vfs_now();
	uint32_t nb = (uint32_t)flags & O_NONBLOCK;
	/* -ENFILE at the system's limit on open files, as on Linux; -ENOMEM. */
	long err = file_alloc(ino, &pipe_fops, O_RDONLY | nb, &r);
	if (err) {
		inode_put(ino); /* frees p through pipe_evict */
		return err;
	}
	err = file_alloc(ino, &pipe_fops, O_WRONLY | nb, &w);
	if (err) {
		r->ops = NULL; /* never opened: nothing to release */
		file_put(r);   /* puts ino: frees p */
		return err;
	}
	inode_get(ino); /* w's reference */
	fds[0] = fd_install(r, flags & O_CLOEXEC);
	fds[1] = fds[0] < 0 ? -EMFILE : fd_install(w, flags & O_CLOEXEC);
	if (fds[1] < 0 || copy_to_user(ufds, fds, sizeof(fds))) {
		err = fds[1] < 0 ? -EMFILE : -EFAULT;
		if (fds[0] >= 0)
			current_proc()->fds->fd[fds[0]] = NULL;
		if (fds[1] >= 0)
			current_proc()->fds->fd[fds[1]] = NULL;
		file_put(r);
		file_put(w);
		return err;
	}
	return 0;
}

/* --- FIFOs: named pipes, a pipe per inode while any end is open --- */

/* Guards inode.pipe and pipe.users of every FIFO. */
static struct mutex fifo_lock = MUTEX_INIT;

/* The FIFO's pipe, made at its first open; counted in users.  NULL: no
 * memory. */
static struct pipe *fifo_get(struct inode *ino)
{
	struct pipe *p;

	mutex_lock(&fifo_lock);
	p = ino->pipe;
	if (!p && (p = pipe_new())) {
		p->readers = p->writers = 0;
		ino->pipe = p;
	}
	if (p)
		p->users++;
	mutex_unlock(&fifo_lock);
	return p;
}

/* The last open gone: the pipe and whatever it held go too, as on Linux. */
static void fifo_put(struct inode *ino)
{
	struct pipe *p;

	mutex_lock(&fifo_lock);
	p = ino->pipe;
	if (--p->users == 0)
		ino->pipe = NULL;
	else
		p = NULL;
	mutex_unlock(&fifo_lock);
	if (p)
		pipe_free(p);
}

/*
 * Sleep in open until the other side has opened since this end did:
 * seen is what pipe_ends found as this end opened, ~0 if the other side
 * was open then (no wait: it may have written and closed since), else
 * its count of opens, which must move.  -EINTR if a signal came first.
 */
static int fifo_wait_partner(struct pipe *p, const uint64_t *opened, uint64_t seen,
			     struct waitq *wq)
{
	unsigned long flags = spin_lock_irqsave(&p->lock);
	int err = 0;

	while (seen != ~0ull && *opened == seen) {
		if (signal_pending()) {
			err = -EINTR;
			break;
		}
		waitq_sleep(wq, &p->lock);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return err;
}

/* sluice.fifo_delay: give the hart away between counting this end and
 * waiting, so a partner can open, write and close in between
 * (qemu/fifo-race; a reader once slept for good after that). */
static void fifo_test_delay(void)
{
	const char *v;
	size_t n;

	if (test_hook(TEST_HOOK_FIFO_DELAY, &v, &n))
		for (int i = 0; i < 20; i++)
			proc_yield();
}

/*
 * Linux's rules (fifo(7)): a reader waits for a writer and a writer for a
 * reader, unless O_NONBLOCK: then a reader opens at once and a writer with
 * no reader gets ENXIO.  O_RDWR never waits.
 */
static int fifo_open(struct inode *ino, struct file *f)
{
	uint32_t acc = f->flags & O_ACCMODE;
	bool nonblock = f->flags & O_NONBLOCK;
	struct pipe *p = fifo_get(ino);
	int err = 0;

	if (!p)
		return -ENOMEM;
	if (acc == O_WRONLY && nonblock && !__atomic_load_n(&p->readers, __ATOMIC_RELAXED)) {
		fifo_put(ino);
		return -ENXIO;
	}
	uint64_t seen = pipe_ends(p, acc, 1);
	fifo_test_delay();
	if (acc == O_RDONLY && !nonblock)
		err = fifo_wait_partner(p, &p->w_opened, seen, &p->readers_wq);
	else if (acc == O_WRONLY)
		err = fifo_wait_partner(p, &p->r_opened, seen, &p->writers_wq);
	if (err) {
		pipe_ends(p, acc, -1);
		fifo_put(ino);
	}
	return err;
}

static void fifo_release(struct file *f)
{
	pipe_release(f);
	fifo_put(f->inode);
}

const struct file_ops fifo_fops = {
	.open = fifo_open,
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.release = fifo_release,
};
