/*
 * epoll: epoll_create1 (20), epoll_ctl (21), epoll_pwait (22)
 * (docs/polling.md, "epoll").
 *
 * An epoll instance is a file whose private part is a list of watched
 * files, each with the events asked for, the caller's 64-bit data and its
 * flags.  A watch holds a reference to the file it names (the open file
 * description, as on Linux, not the fd number).  epoll_pwait asks every
 * watched file what it is ready for, level-triggered, through the same
 * wait as ppoll (poll_wait_for): on its first pass it hangs entries on the
 * files' wait queues, then sleeps until one wakes it.  EPOLLONESHOT turns
 * a watch off once it has reported, until EPOLL_CTL_MOD; EPOLLET is taken
 * as level-triggered (a program that reads to EAGAIN, as edge-triggered
 * ones must, sees the same events, only more wakeups).
 */
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/mutex.h>
#include <sluice/poll.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/syscall.h>
#include <sluice/timer.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

#define EPOLL_CLOEXEC 02000000
#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3
#define EPOLLONESHOT  (1u << 30)
#define EPOLLET	      (1u << 31)
#define EP_MAX_EVENTS (INT32_MAX / 16)

/* Linux's struct epoll_event on riscv64 (not packed: data at offset 8). */
struct kepoll_event {
	uint32_t events;
	uint64_t data;
};

struct epitem {
	struct epitem *next;
	int fd;
	struct file *file; /* counted */
	uint32_t events;   /* asked for, with EPOLLONESHOT/EPOLLET */
	uint64_t data;
	bool disarmed; /* EPOLLONESHOT, reported */
};

struct epoll {
	struct mutex lock; /* the list */
	struct epitem *items;
	unsigned int count;
};

static const struct file_ops epoll_fops;

static struct epoll *epoll_of(struct file *f)
{
	return f && f->ops == &epoll_fops ? f->priv : NULL;
}

/* The scan of one epoll_pwait (or of a poll of the epoll file itself). */
struct epoll_scan {
	struct epoll *ep;
	struct kepoll_event *out; /* NULL: only count */
	int max;
};

static long epoll_scan(void *arg, struct poll_table *pt)
{
	struct epoll_scan *s = arg;
	long n = 0;

	mutex_lock(&s->ep->lock);
	for (struct epitem *it = s->ep->items; it && n < s->max; it = it->next) {
		if (it->disarmed)
			continue;
		uint32_t m = poll_file(it->file, pt) & (it->events | POLLERR | POLLHUP);
		if (!m)
			continue;
		if (s->out)
			s->out[n] = (struct kepoll_event){m, it->data};
		n++;
		if (s->out && (it->events & EPOLLONESHOT))
			it->disarmed = true;
	}
	mutex_unlock(&s->ep->lock);
	return n;
}

/* An epoll file is readable when a watched file is ready (epoll in epoll,
 * or in ppoll). */
static unsigned int epoll_poll(struct file *f, struct poll_table *pt)
{
	struct epoll_scan s = {f->priv, NULL, INT32_MAX};

	return epoll_scan(&s, pt) ? POLLIN | POLLRDNORM : 0;
}

static void epoll_release(struct file *f)
{
	struct epoll *ep = f->priv;

	while (ep->items) {
		struct epitem *it = ep->items;
		ep->items = it->next;
		file_put(it->file);
		kfree(it);
	}
	kfree(ep);
}

static const struct file_ops epoll_fops = {
	.release = epoll_release,
	.poll = epoll_poll,
};

static const struct super_ops epoll_super_ops = {0};
static struct super_block epoll_sb = {.ops = &epoll_super_ops, .type = "anon_inodefs"};

long sys_epoll_create1(int flags)
{
	static uint64_t next_ino;
	struct epoll *ep;
	struct inode *ino;
	struct file *f = NULL;
	int fd;

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	ep = kzalloc(sizeof(*ep));
	ino = ep ? inode_new(&epoll_sb, __atomic_add_fetch(&next_ino, 1, __ATOMIC_RELAXED)) : NULL;
	/* -ENFILE at the system's limit on open files, else -ENOMEM. */
	int err = ino ? file_alloc(ino, &epoll_fops, O_RDWR, &f) : -ENOMEM;
	if (err) {
		if (ino)
			inode_put(ino);
		kfree(ep);
		return err;
	}
	ep->lock = (struct mutex)MUTEX_INIT;
	ino->mode = 0600;
	ino->nlink = 1;
	f->priv = ep;
	fd = fd_install(f, flags & EPOLL_CLOEXEC);
	if (fd < 0)
		file_put(f);
	return fd;
}

/* The watch of fd in ep, and the link that points at it. */
static struct epitem **epoll_find(struct epoll *ep, int fd, struct file *file)
{
	struct epitem **pp = &ep->items;

	while (*pp && ((*pp)->fd != fd || (*pp)->file != file))
		pp = &(*pp)->next;
	return pp;
}

static long epoll_ctl_locked(struct epoll *ep, int op, int fd, struct file *file,
			     const struct kepoll_event *ev)
{
	struct epitem **pp = epoll_find(ep, fd, file), *it = *pp;

	if (op == EPOLL_CTL_ADD) {
		if (it)
			return -EEXIST;
		if (!(it = kzalloc(sizeof(*it))))
			return -ENOMEM;
		*it = (struct epitem){ep->items, fd, file_get(file), ev->events, ev->data, false};
		ep->items = it;
		ep->count++;
		return 0;
	}
	if (!it)
		return -ENOENT;
	if (op == EPOLL_CTL_DEL) {
		*pp = it->next;
		ep->count--;
		file_put(it->file);
		kfree(it);
		return 0;
	}
	it->events = ev->events;
	it->data = ev->data;
	it->disarmed = false;
	return 0;
}

/*
 * Linux's errors: EBADF (either fd), EINVAL (not an epoll fd, the epoll fd
 * itself, a bad op), EPERM (a file that cannot be polled: regular files,
 * directories), EFAULT, EEXIST, ENOENT.  One epoll inside another is
 * refused (ELOOP, Linux's answer to loops and deep nests): a poll of an
 * epoll file asks its watches, so nesting without Linux's loop and depth
 * checks would let a program recurse the kernel's stack away.
 */
long sys_epoll_ctl(int epfd, int op, int fd, const void __user *uevent)
{
	struct file *ef = fd_get(epfd), *f = fd_get(fd);
	struct kepoll_event ev = {0, 0};
	struct epoll *ep;
	long err;

	if (!ef || !f)
		return -EBADF;
	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uevent, sizeof(ev)))
		return -EFAULT;
	if (!f->ops || !f->ops->poll)
		return -EPERM;
	ep = epoll_of(ef);
	if (!ep || f == ef || op < EPOLL_CTL_ADD || op > EPOLL_CTL_MOD)
		return -EINVAL;
	if (op == EPOLL_CTL_ADD && epoll_of(f))
		return -ELOOP;
	mutex_lock(&ep->lock);
	err = epoll_ctl_locked(ep, op, fd, f, &ev);
	mutex_unlock(&ep->lock);
	return err;
}

/* Wait for events on ep: up to max into uevents, as epoll_pwait. */
static long epoll_wait_events(struct epoll *ep, void __user *uevents, int max, uint64_t deadline)
{
	size_t bytes = (size_t)max * sizeof(struct kepoll_event);
	struct kepoll_event *out;
	long n;

	/* The most that can be ready is one per watch: no bigger buffer. */
	if ((unsigned int)max > ep->count + 1) {
		max = (int)ep->count + 1;
		bytes = (size_t)max * sizeof(*out);
	}
	if (!(out = kmalloc(bytes)))
		return -ENOMEM;
	struct epoll_scan s = {ep, out, max};
	n = poll_wait_for(epoll_scan, &s, 2 * (ep->count + 1), deadline);
	if (n > 0 && copy_to_user(uevents, out, (size_t)n * sizeof(*out)))
		n = -EFAULT;
	kfree(out);
	return n;
}

long sys_epoll_pwait(int epfd, void __user *uevents, int maxevents, int timeout,
		     const void __user *umask, size_t sigsetsize)
{
	struct file *ef = fd_get(epfd);
	struct epoll *ep = epoll_of(ef);
	uint64_t mask, deadline;
	long n;

	if (maxevents <= 0 || maxevents > EP_MAX_EVENTS)
		return -EINVAL;
	if (!ef)
		return -EBADF;
	if (!ep)
		return -EINVAL;
	if (umask) {
		if (sigsetsize != sizeof(mask))
			return -EINVAL;
		if (copy_from_user(&mask, umask, sizeof(mask)))
			return -EFAULT;
	}
	deadline = timeout < 0 ? UINT64_MAX
		   : timeout   ? timer_ns() + (uint64_t)timeout * 1000000
			       : 0;
	if (umask)
		signal_set_temp_mask(mask);
	n = epoll_wait_events(ep, uevents, maxevents, deadline);
	if (umask)
		signal_restore_mask(n == -EINTR);
	return n;
}
