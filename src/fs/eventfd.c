/*
 * eventfd2 (19): a 64-bit counter behind a file descriptor
 * (docs/polling.md, "eventfd and timerfd").
 *
 * A write of 8 bytes adds to the counter; a read of 8 bytes takes it all
 * (or, with EFD_SEMAPHORE, takes one) and waits while it is 0.  A write
 * that would take the counter to 2^64 - 1 waits for a read.  Readers,
 * writers and pollers of one counter share a wait queue; every change
 * wakes it.  The counter is read and changed under the eventfd's spinlock,
 * which sleepers test their condition under (waitq_sleep_intr), so no
 * wakeup is lost.
 */
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/poll.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/syscall.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>
#include <sluice/waitq.h>

#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC   O_CLOEXEC
#define EFD_NONBLOCK  O_NONBLOCK
#define EVENTFD_MAX   (UINT64_MAX - 1) /* the largest count */

struct eventfd {
	struct spinlock lock;
	uint64_t count;
	bool semaphore;
	struct waitq wq; /* readers, writers and pollers */
};

/* --- anonymous files (eventfd, timerfd): no name, an inode of their own --- */

static const struct super_ops anon_super_ops = {0};
static struct super_block anon_sb = {.ops = &anon_super_ops, .type = "anon_inodefs"};

int anon_file_install(const char *name, const struct file_ops *ops, void *priv, uint32_t flags)
{
	static uint64_t next_ino;
	struct inode *ino = inode_new(&anon_sb, __atomic_add_fetch(&next_ino, 1, __ATOMIC_RELAXED));
	struct file *f = NULL;
	/* -ENFILE at the system's limit on open files, else -ENOMEM. */
	int err = ino ? file_alloc(ino, ops, (flags & O_NONBLOCK) | O_RDWR, &f) : -ENOMEM;
	int fd;

	if (err) {
		if (ino)
			inode_put(ino);
		kfree(priv);
		return err;
	}
	ino->mode = 0600;
	ino->nlink = 1;
	ino->priv = (void *)name; /* /proc/<pid>/fd shows anon_inode:<name> */
	f->priv = priv;
	fd = fd_install(f, flags & O_CLOEXEC);
	if (fd < 0)
		file_put(f); /* its release frees priv */
	return fd;
}

bool anon_file_name(struct file *f, const char **name)
{
	if (f->inode->sb != &anon_sb)
		return false;
	*name = f->inode->priv;
	return true;
}

/* --- the counter --- */

/* Wait on ev->wq (ev->lock held) unless f is non-blocking or a signal
 * waits: 0 after a wakeup, else the error the call returns. */
static long eventfd_wait(struct file *f, struct eventfd *ev)
{
	if (f->flags & O_NONBLOCK)
		return -EAGAIN;
	if (!waitq_sleep_intr(&ev->wq, &ev->lock))
		return -ERESTARTSYS; /* EINTR, or a restart with SA_RESTART */
	return 0;
}

static long eventfd_read(struct file *f, char *ubuf, size_t len)
{
	struct eventfd *ev = f->priv;
	uint64_t val = 0;
	long err = 0;

	if (len < sizeof(val))
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&ev->lock);
	while (!ev->count && !(err = eventfd_wait(f, ev)))
		;
	if (!err) {
		val = ev->semaphore ? 1 : ev->count;
		ev->count -= val;
	}
	spin_unlock_irqrestore(&ev->lock, flags);
	if (err)
		return err;
	waitq_wake_all(&ev->wq); /* a writer may fit now */
	return copy_to_user(ubuf, &val, sizeof(val)) ? -EFAULT : (long)sizeof(val);
}

static long eventfd_write(struct file *f, const char *ubuf, size_t len)
{
	struct eventfd *ev = f->priv;
	uint64_t val;
	long err = 0;

	if (len < sizeof(val))
		return -EINVAL;
	if (copy_from_user(&val, ubuf, sizeof(val)))
		return -EFAULT;
	if (val == UINT64_MAX)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&ev->lock);
	while (EVENTFD_MAX - ev->count < val && !(err = eventfd_wait(f, ev)))
		;
	if (!err)
		ev->count += val;
	spin_unlock_irqrestore(&ev->lock, flags);
	if (err)
		return err;
	waitq_wake_all(&ev->wq);
	return sizeof(val);
}

static unsigned int eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd *ev = f->priv;
	unsigned int mask = 0;

	poll_wait(pt, &ev->wq);
	unsigned long flags = spin_lock_irqsave(&ev->lock);
	if (ev->count)
		mask |= POLLIN; /* as Linux: no RDNORM, WRNORM */
	if (ev->count < EVENTFD_MAX)
		mask |= POLLOUT;
	spin_unlock_irqrestore(&ev->lock, flags);
	return mask;
}

static void eventfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops eventfd_fops = {
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.release = eventfd_release,
};

long sys_eventfd2(unsigned int count, int flags)
{
	struct eventfd *ev;

	if (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
		return -EINVAL;
	ev = kzalloc(sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->lock = (struct spinlock)SPINLOCK_INIT;
	ev->wq = (struct waitq)WAITQ_INIT;
	ev->count = count;
	ev->semaphore = flags & EFD_SEMAPHORE;
	return anon_file_install("[eventfd]", &eventfd_fops, ev, (uint32_t)flags);
}
