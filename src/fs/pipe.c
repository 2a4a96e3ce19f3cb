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
 *   interrupt a sleep (EINTR, or the bytes moved so far); O_NONBLOCK gives
 *   EAGAIN instead of sleeping.
 */
#include <sluice/errno.h>
#include <sluice/memlayout.h>
#include <sluice/mm.h>
#include <sluice/mutex.h>
#include <sluice/pipe_ring.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
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
	struct pipe_ring ring;
};

static struct pipe *pipe_of(struct file *f)
{
	return f->inode->priv;
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
		int err = u->out ? copy_to_user(ubuf, ring, k) : copy_from_user(ring, ubuf, k);
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
	bool sleepers = __atomic_load_n(&wq->head, __ATOMIC_RELAXED) != NULL;

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
			ret = f->flags & O_NONBLOCK ? -EAGAIN : -EINTR;
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
			ret = f->flags & O_NONBLOCK ? -EAGAIN : -EINTR;
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
	struct pipe_user u = {&v, 1, 0, true, 0, 0};

	return pipe_do_read(f, &u, len);
}

static long pipe_write(struct file *f, const char *ubuf, size_t len)
{
	struct kiovec v = {(uint64_t)ubuf, len};
	struct pipe_user u = {&v, 1, 0, false, 0, 0};

	return pipe_do_write(f, &u, len);
}

long pipe_rw_iov(struct file *f, const struct kiovec *iov, unsigned long cnt, size_t total,
		 bool write)
{
	struct pipe_user u = {iov, cnt, 0, !write, 0, 0};

	return write ? pipe_do_write(f, &u, total) : pipe_do_read(f, &u, total);
}

static void pipe_release(struct file *f)
{
	struct pipe *p = pipe_of(f);
	unsigned long flags = spin_lock_irqsave(&p->lock);

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	p->gen++;
	spin_unlock_irqrestore(&p->lock, flags);
	waitq_wake_all(&p->readers_wq);
	waitq_wake_all(&p->writers_wq);
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

static const struct file_ops pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.release = pipe_release,
};

/*
 * F_SETPIPE_SZ: a new slot array, the held slots moved into it.  Sluice
 * runs everything as root, so sizes past pipe-max-size (1 MiB) are
 * allowed, as Linux allows them with CAP_SYS_RESOURCE; the slot array is
 * one kmalloc block, so sizes past 512 MiB are -ENOMEM.
 */
static long pipe_set_size(struct pipe *p, unsigned long arg)
{
	long size = pipe_size_round(arg);
	struct pipe_buf *bufs, *old;
	int err;

	if (size < 0)
		return size;
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

	if (f->ops != &pipe_fops)
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

/* The pipe's inode goes with its last end: free its pages. */
static void pipe_evict(struct inode *ino)
{
	struct pipe *p = ino->priv;

	pipe_ring_release(&p->ring, &pipe_page_io);
	kfree(p->ring.bufs);
	kfree(p);
}

static const struct super_ops pipe_super_ops = {.evict = pipe_evict};
static struct super_block pipe_sb = {.ops = &pipe_super_ops, .type = "pipefs"};

/* A pipe with Linux's default 64 KiB, no pages yet; NULL: no memory. */
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
			kfree(p->ring.bufs);
		kfree(p);
		return -ENOMEM;
	}
	ino->priv = p;
	ino->mode = S_IFIFO | 0600;
	ino->nlink = 1;
	ino->atime = ino->mtime = ino->ctime = vfs_now();
	uint32_t nb = (uint32_t)flags & O_NONBLOCK;
	r = file_alloc(ino, &pipe_fops, O_RDONLY | nb);
	w = r ? file_alloc(inode_get(ino), &pipe_fops, O_WRONLY | nb) : NULL;
	if (!w) {
		if (r)
			inode_put(ino); /* the reference meant for w */
		kfree(r);
		inode_put(ino); /* frees p through pipe_evict */
		return -ENOMEM;
	}
	fds[0] = fd_install(r, flags & O_CLOEXEC);
	fds[1] = fds[0] < 0 ? -EMFILE : fd_install(w, flags & O_CLOEXEC);
	if (fds[1] < 0 || copy_to_user(ufds, fds, sizeof(fds))) {
		long err = fds[1] < 0 ? -EMFILE : -EFAULT;
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
