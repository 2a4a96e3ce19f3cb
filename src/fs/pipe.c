/*
 * Pipes: a bounded buffer between a writing and a reading end.
 *
 * A reader of an empty pipe sleeps until data comes or the last writer
 * closes (then it reads end of file); a writer of a full pipe sleeps until
 * a reader makes room, or gets EPIPE and SIGPIPE once no reader is left.
 * A write of at most PIPE_BUF bytes is never split by another writer's.
 * Signals interrupt a sleep (EINTR, or the bytes moved so far).
 */
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/objcount.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

#define PIPE_SIZE 4096 /* one page: the buffer's capacity */
#define PIPE_BUF 4096  /* writes up to this size are atomic (POSIX: >= 512) */

struct pipe {
	struct spinlock lock;
	struct waitq readers_wq, writers_wq;
	uint32_t head, tail; /* bytes ever written and read: data is [tail, head) */
	int readers, writers; /* open ends */
	uint8_t *buf;
};

static struct pipe *pipe_of(struct file *f)
{
	return f->inode->priv;
}

static long pipe_read(struct file *f, char *ubuf, size_t len)
{
	struct pipe *p = pipe_of(f);
	char chunk[256];
	size_t done = 0;

	if (!len)
		return 0;
	unsigned long flags = spin_lock_irqsave(&p->lock);
	while (p->head == p->tail) {
		if (!p->writers) {
			spin_unlock_irqrestore(&p->lock, flags);
			return 0; /* end of file */
		}
		if (f->flags & O_NONBLOCK || signal_pending()) {
			spin_unlock_irqrestore(&p->lock, flags);
			return f->flags & O_NONBLOCK ? -EAGAIN : -EINTR;
		}
		waitq_sleep(&p->readers_wq, &p->lock);
	}
	/* Copy out through a small kernel buffer: no user access under the lock. */
	while (done < len && p->head != p->tail) {
		size_t n = MIN(MIN(len - done, sizeof(chunk)), p->head - p->tail);
		for (size_t i = 0; i < n; i++)
			chunk[i] = (char)p->buf[(p->tail + i) % PIPE_SIZE];
		spin_unlock_irqrestore(&p->lock, flags);
		if (copy_to_user(ubuf + done, chunk, n)) {
			/* Leave the bytes in the pipe: nothing was consumed. */
			return done ? (long)done : -EFAULT;
		}
		flags = spin_lock_irqsave(&p->lock);
		p->tail += (uint32_t)n;
		done += n;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	waitq_wake_all(&p->writers_wq);
	return (long)done;
}

static long pipe_write(struct file *f, const char *ubuf, size_t len)
{
	struct pipe *p = pipe_of(f);
	char chunk[256];
	size_t done = 0;
	unsigned long flags;

	while (done < len) {
		size_t n = MIN(len - done, sizeof(chunk));
		if (copy_from_user(chunk, ubuf + done, n))
			return done ? (long)done : -EFAULT;
		flags = spin_lock_irqsave(&p->lock);
		for (;;) {
			size_t room = PIPE_SIZE - (p->head - p->tail);
			if (!p->readers) {
				spin_unlock_irqrestore(&p->lock, flags);
				signal_send(current_proc(), SIGPIPE);
				return done ? (long)done : -EPIPE;
			}
			/* Small writes wait for room for all of them (atomicity). */
			if (room >= n || (room && len > PIPE_BUF))
				break;
			if (f->flags & O_NONBLOCK || signal_pending()) {
				spin_unlock_irqrestore(&p->lock, flags);
				if (done)
					return (long)done;
				return f->flags & O_NONBLOCK ? -EAGAIN : -EINTR;
			}
			waitq_wake_all(&p->readers_wq);
			waitq_sleep(&p->writers_wq, &p->lock);
		}
		size_t room = PIPE_SIZE - (p->head - p->tail);
		n = MIN(n, room);
		for (size_t i = 0; i < n; i++)
			p->buf[(p->head + i) % PIPE_SIZE] = (uint8_t)chunk[i];
		p->head += (uint32_t)n;
		spin_unlock_irqrestore(&p->lock, flags);
		done += n;
		waitq_wake_all(&p->readers_wq);
	}
	return (long)done;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = pipe_of(f);
	unsigned long flags = spin_lock_irqsave(&p->lock);

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	spin_unlock_irqrestore(&p->lock, flags);
	waitq_wake_all(&p->readers_wq);
	waitq_wake_all(&p->writers_wq);
}

static const struct file_ops pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.release = pipe_release,
};

/* The pipe's inode goes with its last end: free the buffer. */
static void pipe_evict(struct inode *ino)
{
	struct pipe *p = ino->priv;

	kfree(p->buf);
	kfree(p);
	objcount_add(OBJ_PIPE, -1);
}

static const struct super_ops pipe_super_ops = { .evict = pipe_evict };
static struct super_block pipe_sb = { .ops = &pipe_super_ops, .type = "pipefs" };

long sys_pipe2(int __user *ufds, int flags)
{
	struct pipe *p;
	struct inode *ino;
	struct file *r, *w;
	int fds[2];
	static uint64_t next_ino;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	p = kzalloc(sizeof(*p));
	ino = p ? inode_new(&pipe_sb, __atomic_add_fetch(&next_ino, 1, __ATOMIC_RELAXED)) : NULL;
	if (p)
		p->buf = kmalloc(PIPE_SIZE);
	if (!p || !ino || !p->buf) {
		if (p)
			kfree(p->buf);
		kfree(p);
		if (ino)
			inode_fail(ino);
		return -ENOMEM;
	}
	objcount_add(OBJ_PIPE, 1);
	p->lock = (struct spinlock)SPINLOCK_INIT;
	p->readers_wq = (struct waitq)WAITQ_INIT;
	p->writers_wq = (struct waitq)WAITQ_INIT;
	p->readers = p->writers = 1;
	ino->priv = p;
	ino->mode = S_IFIFO | 0600;
	ino->nlink = 1;
	ino->atime = ino->mtime = ino->ctime = vfs_now();
	uint32_t nb = (uint32_t)flags & O_NONBLOCK;
	r = file_alloc(ino, &pipe_fops, O_RDONLY | nb);
	w = r ? file_alloc(inode_get(ino), &pipe_fops, O_WRONLY | nb) : NULL;
	if (!w) {
		if (r) {
			inode_put(ino); /* the reference meant for w */
			r->ops = NULL;	/* no release for an end never handed out */
			file_put(r);	/* puts its reference too (counted, /proc/sluice-objects) */
		} else {
			inode_put(ino); /* frees p through pipe_evict */
		}
		return -ENOMEM;
	}
	fds[0] = fd_install(r, flags & O_CLOEXEC);
	fds[1] = fds[0] < 0 ? -EMFILE : fd_install(w, flags & O_CLOEXEC);
	if (fds[1] < 0 || copy_to_user(ufds, fds, sizeof(fds))) {
		long err = fds[1] < 0 ? -EMFILE : -EFAULT;
		if (fds[0] >= 0)
			current_proc()->fds.fd[fds[0]] = NULL;
		if (fds[1] >= 0)
			current_proc()->fds.fd[fds[1]] = NULL;
		file_put(r);
		file_put(w);
		return err;
	}
	return 0;
}
