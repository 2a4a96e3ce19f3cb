/*
 * epoll: epoll_create1 (20), epoll_ctl (21), epoll_pwait (22)
 * (docs/polling.md, "epoll").
 *
 * An epoll instance is a file whose private part is a list of watched
 * files, each with the events asked for, the caller's 64-bit data and its
 * flags.  A watch holds a reference to the file it names (the open file
 * description, as on Linux, not the fd number).
 *
 * A ready list, as Linux's: each watch hangs entries of its own on its
 * file's wait queues for as long as it exists (poll_file_hook), and a
 * wakeup there puts the watch on the epoll's ready list and wakes the
 * epoll's queue.  epoll_pwait asks only the watches on the list, again
 * (level-triggered: one still ready stays on the list, one that is not
 * leaves it), through the same wait as ppoll (poll_wait_for) on the
 * epoll's own queue.  So a call with 1 of 100 watches ready asks one file,
 * not 100.  A file that names more queues than a watch has entries for
 * (none does today) is asked on every call, and looked at every tick.
 * EPOLLONESHOT turns a watch off once it has reported, until
 * EPOLL_CTL_MOD; EPOLLET is taken as level-triggered (a program that reads
 * to EAGAIN, as edge-triggered ones must, sees the same events, only more
 * wakeups).
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

#define EPI_HOOKS 2 /* a file names two queues at most (pipes: readers, writers) */

struct epitem {
	struct epitem *next; /* the watch list, under ep->lock */
	struct epoll *ep;
	int fd;
	struct file *file; /* counted */
	uint32_t events;   /* asked for, with EPOLLONESHOT/EPOLLET */
	uint64_t data;
	bool disarmed;	/* EPOLLONESHOT, reported */
	bool unwatched; /* its file named more queues than hooks: always asked */
	/* The ready list, under ep->ready_lock (wakeups take it, in any
	 * context); keep_next is the scan's own, under ep->lock. */
	bool on_ready;
	struct epitem *ready_next, *keep_next;
	unsigned int nhooks;
	struct poll_entry hooks[EPI_HOOKS];
};

struct epoll {
	struct mutex lock; /* the watch list; one scan at a time */
	struct epitem *items;
	unsigned int count, unwatched;
	struct spinlock ready_lock;
	struct epitem *ready, *ready_tail;
	unsigned int nready;
	struct waitq wq; /* woken when a watch becomes ready: epoll_pwait and pollers */
};

static const struct file_ops epoll_fops;

static struct epoll *epoll_of(struct file *f)
{
	return f && f->ops == &epoll_fops ? f->priv : NULL;
}

/* Put it on the ready list unless it is there (ep->ready_lock held). */
static void ready_add_locked(struct epoll *ep, struct epitem *it)
{
	if (it->on_ready)
		return;
	it->on_ready = true;
	it->ready_next = NULL;
	if (ep->ready_tail)
		ep->ready_tail->ready_next = it;
	else
		ep->ready = it;
	ep->ready_tail = it;
	ep->nready++;
}

static void ready_add(struct epoll *ep, struct epitem *it)
{
	unsigned long flags = spin_lock_irqsave(&ep->ready_lock);

	ready_add_locked(ep, it);
	spin_unlock_irqrestore(&ep->ready_lock, flags);
}

/* The first watch on the ready list, taken off it, or NULL. */
static struct epitem *ready_pop(struct epoll *ep)
{
	unsigned long flags = spin_lock_irqsave(&ep->ready_lock);
	struct epitem *it = ep->ready;

	if (it) {
		ep->ready = it->ready_next;
		if (!ep->ready)
			ep->ready_tail = NULL;
		ep->nready--;
		it->on_ready = false;
	}
	spin_unlock_irqrestore(&ep->ready_lock, flags);
	return it;
}

/* Take it off the ready list, wherever it is (ep->lock held: no scan). */
static void ready_remove(struct epoll *ep, struct epitem *it)
{
	unsigned long flags = spin_lock_irqsave(&ep->ready_lock);
	struct epitem **pp = &ep->ready, *prev = NULL;

	while (it->on_ready && *pp) {
		if (*pp == it) {
			*pp = it->ready_next;
			if (ep->ready_tail == it)
				ep->ready_tail = prev;
			ep->nready--;
			it->on_ready = false;
			break;
		}
		prev = *pp;
		pp = &(*pp)->ready_next;
	}
	spin_unlock_irqrestore(&ep->ready_lock, flags);
}

/* A watched file's queue was woken (under that queue's lock, interrupts
 * off): the watch may be ready; tell the epoll's waiters. */
static void epoll_item_wake(struct poll_entry *e)
{
	struct epitem *it = e->priv;

	ready_add(it->ep, it);
	waitq_wake_all(&it->ep->wq);
}

/* The scan of one epoll_pwait (or of a poll of the epoll file itself). */
struct epoll_scan {
	struct epoll *ep;
	struct file *file;	  /* the epoll's */
	struct kepoll_event *out; /* NULL: only count */
	int max;
};

/* Ask one watch taken off the ready list; true if it is to stay there. */
static bool epoll_ask(struct epoll_scan *s, struct epitem *it, long *n)
{
	if (it->disarmed)
		return false;
	uint32_t m = poll_file(it->file, NULL) & (it->events | POLLERR | POLLHUP);
	if (!m)
		return it->unwatched;
	if (s->out)
		s->out[*n] = (struct kepoll_event){m, it->data};
	(*n)++;
	if (s->out && (it->events & EPOLLONESHOT)) {
		it->disarmed = true;
		return false;
	}
	return true;
}

/*
 * The watches on the ready list, each asked again without the list's lock
 * (a file's poll may take locks its wakeups hold).  Those still ready go
 * back at the tail (unless a wakeup put them back meanwhile), after the
 * ones not reached, so every ready watch has its turn.  The first pass
 * hangs on the epoll's queue before it looks: no wakeup is lost.
 */
static long epoll_scan(void *arg, struct poll_table *pt)
{
	struct epoll_scan *s = arg;
	struct epoll *ep = s->ep;
	struct epitem *keep = NULL, **keep_tail = &keep;
	long n = 0;

	poll_wait_file(pt, &ep->wq, s->file);
	mutex_lock(&ep->lock);
	unsigned int todo = __atomic_load_n(&ep->nready, __ATOMIC_RELAXED);
	for (struct epitem *it; todo-- && n < s->max && (it = ready_pop(ep));) {
		if (epoll_ask(s, it, &n)) {
			it->keep_next = NULL;
			*keep_tail = it;
			keep_tail = &it->keep_next;
		}
	}
	for (struct epitem *it = keep; it; it = it->keep_next)
		ready_add(ep, it);
	mutex_unlock(&ep->lock);
	return n;
}

/* An epoll file is readable when a watched file is ready (epoll in epoll,
 * or in ppoll). */
static unsigned int epoll_poll(struct file *f, struct poll_table *pt)
{
	struct epoll_scan s = {f->priv, f, NULL, INT32_MAX};

	return epoll_scan(&s, pt) ? POLLIN | POLLRDNORM : 0;
}

static void epoll_release(struct file *f)
{
	struct epoll *ep = f->priv;

	while (ep->items) {
		struct epitem *it = ep->items;
		ep->items = it->next;
		poll_unhook(it->hooks, it->nhooks);
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
	ep->ready_lock = (struct spinlock)SPINLOCK_INIT;
	ep->wq = (struct waitq)WAITQ_INIT;
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

/* A new watch: its hooks on the file's queues first, then the first look
 * (a wakeup in between puts it on the ready list: nothing is missed). */
static long epoll_add(struct epoll *ep, int fd, struct file *file, const struct kepoll_event *ev)
{
	struct epitem *it = kzalloc(sizeof(*it));
	bool overflow;

	if (!it)
		return -ENOMEM;
	it->ep = ep;
	it->fd = fd;
	it->file = file_get(file);
	it->events = ev->events;
	it->data = ev->data;
	uint32_t m = poll_file_hook(file, it->hooks, EPI_HOOKS, epoll_item_wake, it, &it->nhooks,
				    &overflow);
	it->unwatched = overflow;
	ep->unwatched += overflow;
	it->next = ep->items;
	ep->items = it;
	ep->count++;
	if ((m & (it->events | POLLERR | POLLHUP)) || overflow)
		ready_add(ep, it);
	return 0;
}

static long epoll_ctl_locked(struct epoll *ep, int op, int fd, struct file *file,
			     const struct kepoll_event *ev)
{
	struct epitem **pp = epoll_find(ep, fd, file), *it = *pp;

	if (op == EPOLL_CTL_ADD)
		return it ? -EEXIST : epoll_add(ep, fd, file, ev);
	if (!it)
		return -ENOENT;
	if (op == EPOLL_CTL_DEL) {
		*pp = it->next;
		ep->count--;
		ep->unwatched -= it->unwatched;
		poll_unhook(it->hooks, it->nhooks); /* no wakeup reaches it after */
		ready_remove(ep, it);
		file_put(it->file);
		kfree(it);
		return 0;
	}
	it->events = ev->events;
	it->data = ev->data;
	it->disarmed = false;
	/* What it asks for may be ready now: on the list, the next scan asks. */
	ready_add(ep, it);
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
static long epoll_wait_events(struct file *ef, struct epoll *ep, void __user *uevents, int max,
			      uint64_t deadline)
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
	struct epoll_scan s = {ep, ef, out, max};
	/* One queue, the epoll's own; none (look every tick) while a watch's
	 * file has queues it could not hook. */
	n = poll_wait_for(epoll_scan, &s, __atomic_load_n(&ep->unwatched, __ATOMIC_RELAXED) ? 0 : 1,
			  deadline);
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
	n = epoll_wait_events(ef, ep, uevents, maxevents, deadline);
	if (umask)
		signal_restore_mask(n == -EINTR);
	return n;
}
