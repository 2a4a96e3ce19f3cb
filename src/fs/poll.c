/*
 * ppoll and pselect6 (sluice/poll.h, docs/polling.md).
 *
 * One call: copy the caller's fds in, ask each file what it is ready for,
 * and, on the first pass, hang an entry (struct poll_entry) on every wait
 * queue a file names.  If nothing is ready and time is left, sleep until a
 * queue wakes us (waitq_wake_all calls poll_entry_wake), a signal comes or
 * the deadline passes; then ask every file again.  The entries come off
 * the queues when the call ends.
 *
 * A wakeup is never lost: the first pass registers on a queue before it
 * looks at the file, and every later look starts by clearing pw->woken;
 * a change after the look sets woken (under pw->lock) before it wakes us,
 * and we test woken under the same lock before sleeping.
 */
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/poll.h>
#include <sluice/proc.h>
#include <sluice/signal.h>
#include <sluice/syscall.h>
#include <sluice/timer.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>
#include <sluice/waitq.h>

/*
 * The most fds one call takes: Linux's rule is RLIMIT_NOFILE, whose usual
 * soft value is 1024 (Sluice's FD_MAX); an array may name one fd many
 * times, as on Linux.
 */
#define POLL_NFDS_MAX 1024

struct poll_waiter {
	struct spinlock lock;
	bool woken;
	struct proc *proc;
};

struct poll_table {
	struct poll_waiter *pw;
	struct poll_entry *pool; /* entries to hang on queues */
	unsigned int used, size;
	bool overflow;			    /* a queue went unwatched: look again every tick */
	struct file *file;		    /* the file being asked */
	void (*func)(struct poll_entry *e); /* for the entries: NULL, wake pw */
	void *priv;
};

/* Linux's struct pollfd. */
struct kpollfd {
	int32_t fd;
	int16_t events, revents;
};

/* Sleepers with no deadline and nothing of their own to sleep on: the
 * wakeups that end their sleep are aimed at them (proc_wake). */
static struct waitq poll_idle_wq = WAITQ_INIT;

void poll_entry_wake(struct poll_entry *e)
{
	if (e->func) {
		e->func(e);
		return;
	}
	struct poll_waiter *pw = e->pw;
	unsigned long flags = spin_lock_irqsave(&pw->lock);

	pw->woken = true;
	spin_unlock_irqrestore(&pw->lock, flags);
	proc_wake(pw->proc);
}

void poll_wait(struct poll_table *pt, struct waitq *wq)
{
	struct poll_entry *e;

	if (!pt)
		return;
	if (pt->used == pt->size) {
		pt->overflow = true;
		return;
	}
	e = &pt->pool[pt->used++];
	e->wq = wq;
	e->pw = pt->pw;
	e->func = pt->func;
	e->priv = pt->priv;
	e->file = file_get(pt->file);
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	e->prev = NULL;
	e->next = wq->pollers;
	if (e->next)
		e->next->prev = e;
	__atomic_store_n(&wq->pollers, e, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void poll_wait_file(struct poll_table *pt, struct waitq *wq, struct file *f)
{
	if (pt) {
		pt->file = f;
		poll_wait(pt, wq);
	}
}

/* Take every entry off its queue (after which no wakeup touches it); then
 * the files may go. */
void poll_unhook(struct poll_entry *pool, unsigned int used)
{
	for (unsigned int i = 0; i < used; i++) {
		struct poll_entry *e = &pool[i];
		unsigned long flags = spin_lock_irqsave(&e->wq->lock);
		if (e->prev)
			e->prev->next = e->next;
		else
			e->wq->pollers = e->next;
		if (e->next)
			e->next->prev = e->prev;
		spin_unlock_irqrestore(&e->wq->lock, flags);
	}
	for (unsigned int i = 0; i < used; i++)
		file_put(pool[i].file);
}

static void poll_table_release(struct poll_table *pt)
{
	poll_unhook(pt->pool, pt->used);
	kfree(pt->pool);
}

unsigned int poll_file_hook(struct file *f, struct poll_entry *pool, unsigned int n,
			    void (*func)(struct poll_entry *e), void *priv, unsigned int *used,
			    bool *overflow)
{
	struct poll_table pt = {NULL, pool, 0, n, false, NULL, func, priv};
	unsigned int mask = poll_file(f, &pt);

	*used = pt.used;
	*overflow = pt.overflow;
	return mask;
}

unsigned int poll_file(struct file *f, struct poll_table *pt)
{
	if (!f->ops || !f->ops->poll)
		return POLL_DEFAULT_MASK;
	if (pt)
		pt->file = f;
	return f->ops->poll(f, pt);
}

struct poll_fds {
	struct kpollfd *fds;
	unsigned int n;
};

/* Ask every fd once; the number with something to report. */
static long poll_scan(void *arg, struct poll_table *pt)
{
	struct kpollfd *fds = ((struct poll_fds *)arg)->fds;
	unsigned int n = ((struct poll_fds *)arg)->n;
	long count = 0;

	for (unsigned int i = 0; i < n; i++) {
		struct kpollfd *pfd = &fds[i];
		struct file *f;
		unsigned int mask;

		pfd->revents = 0;
		if (pfd->fd < 0)
			continue; /* ignored, as POSIX says */
		f = fd_get(pfd->fd);
		mask = f ? poll_file(f, pt) : POLLNVAL;
		/* Errors and hang-ups are reported whether asked for or not. */
		mask &= (uint16_t)pfd->events | POLLERR | POLLHUP | POLLNVAL;
		pfd->revents = (int16_t)mask;
		count += mask != 0;
	}
	return count;
}

/* Sleep until a watched queue wakes us, the deadline passes or a signal
 * comes.  With no deadline and every queue watched, only a wakeup ends it;
 * otherwise the tick wakes us to look at the clock (or again at the files). */
static void poll_sleep(struct poll_table *pt, uint64_t deadline)
{
	struct poll_waiter *pw = pt->pw;
	unsigned long flags = spin_lock_irqsave(&pw->lock);
	bool slept = true;

	while (slept && !pw->woken && timer_ns() < deadline) {
		if (deadline == UINT64_MAX && !pt->overflow)
			slept = waitq_sleep_intr(&poll_idle_wq, &pw->lock);
		else /* with queues unwatched, look at the files every tick */
			slept = timer_sleep_tick(&pw->lock, pt->overflow ? 0 : deadline);
		if (pt->overflow)
			break;
	}
	spin_unlock_irqrestore(&pw->lock, flags);
}

long poll_wait_for(long (*scan)(void *arg, struct poll_table *pt), void *arg, unsigned int queues,
		   uint64_t deadline)
{
	struct poll_waiter pw = {SPINLOCK_INIT, false, current_proc()};
	struct poll_table pt = {&pw, NULL, 0, 0, false, NULL, NULL, NULL};
	long count;

	if (deadline) {
		pt.size = queues;
		pt.pool = kmalloc(pt.size * sizeof(*pt.pool) + 1);
		if (!pt.pool)
			return -ENOMEM;
	}
	for (bool first = true;; first = false) {
		__atomic_store_n(&pw.woken, false, __ATOMIC_SEQ_CST);
		count = scan(arg, first && deadline ? &pt : NULL);
		if (count || timer_ns() >= deadline)
			break;
		if (signal_pending()) {
			count = -EINTR;
			break;
		}
		poll_sleep(&pt, deadline);
	}
	poll_table_release(&pt);
	return count;
}

/* fds[0..n) until one is ready, the deadline or a signal. */
static long poll_do(struct kpollfd *fds, unsigned int n, uint64_t deadline)
{
	struct poll_fds arg = {fds, n};

	return poll_wait_for(poll_scan, &arg, 2 * n /* a file names two queues at most */,
			     deadline);
}

/* --- the system calls --- */

#define NSEC_PER_SEC 1000000000ull

struct poll_timespec {
	int64_t tv_sec, tv_nsec;
};

/*
 * A timeout as both calls take it (a struct timespec, NULL: none) as a
 * deadline on timer_ns: UINT64_MAX for none, 0 for do not wait.
 */
static long poll_get_deadline(const void __user *utsp, uint64_t *deadline)
{
	struct poll_timespec ts;
	uint64_t ns;

	*deadline = UINT64_MAX;
	if (!utsp)
		return 0;
	if (copy_from_user(&ts, utsp, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	if (__builtin_mul_overflow((uint64_t)ts.tv_sec, NSEC_PER_SEC, &ns) ||
	    __builtin_add_overflow(ns, (uint64_t)ts.tv_nsec, &ns) ||
	    __builtin_add_overflow(ns, timer_ns(), deadline))
		*deadline = UINT64_MAX - 1; /* far, but still a timeout to write back */
	if (!ts.tv_sec && !ts.tv_nsec)
		*deadline = 0;
	return 0;
}

/* As Linux, both calls write the time left back (not for a zero timeout);
 * a timeout in read-only memory is no error. */
static void poll_put_left(void __user *utsp, uint64_t deadline)
{
	uint64_t now = timer_ns(), left = deadline > now ? deadline - now : 0;
	struct poll_timespec ts = {(int64_t)(left / NSEC_PER_SEC), (int64_t)(left % NSEC_PER_SEC)};

	if (utsp && deadline && deadline != UINT64_MAX - 1)
		(void)copy_to_user(utsp, &ts, sizeof(ts));
}

/* The caller's signal mask for the call's duration (NULL: unchanged). */
static long poll_set_mask(const void __user *umask, size_t sigsetsize)
{
	uint64_t mask;

	if (!umask)
		return 0;
	if (sigsetsize != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	signal_set_temp_mask(mask);
	return 0;
}

long sys_ppoll(void __user *ufds, unsigned int nfds, void __user *utsp, const void __user *umask,
	       size_t sigsetsize)
{
	struct kpollfd *fds;
	uint64_t deadline;
	long ret = poll_get_deadline(utsp, &deadline);

	if (!ret)
		ret = poll_set_mask(umask, sigsetsize);
	if (ret)
		return ret;
	if (nfds > POLL_NFDS_MAX) {
		ret = -EINVAL;
	} else if (!(fds = kmalloc(nfds * sizeof(*fds)))) {
		ret = -ENOMEM;
	} else {
		ret = copy_from_user(fds, ufds, nfds * sizeof(*fds));
		if (!ret)
			ret = poll_do(fds, nfds, deadline);
		if (ret >= 0 && copy_to_user(ufds, fds, nfds * sizeof(*fds)))
			ret = -EFAULT;
		kfree(fds);
	}
	poll_put_left(utsp, deadline);
	signal_restore_mask(ret == -EINTR);
	/* A handler makes it EINTR; a stop or an ignored signal, a restart
	 * (with the time left, written back above). */
	return ret == -EINTR ? -ERESTARTNOHAND : ret;
}

/* select's sets, as bitmaps of longs over fds [0, n) (n at most FD_MAX). */
#define FD_WORDS    ((FD_MAX + 63) / 64)
#define POLLIN_SET  (POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET  POLLPRI

struct select_sets {
	uint64_t set[3][FD_WORDS]; /* read, write, except */
};

static const unsigned int select_events[3] = {POLLIN_SET, POLLOUT_SET, POLLEX_SET};

/* The sets as pollfds (every fd named must be open: EBADF); their count. */
static long select_to_poll(const struct select_sets *s, int n, struct kpollfd *fds)
{
	unsigned int count = 0;

	for (int fd = 0; fd < n; fd++) {
		unsigned int events = 0;
		for (int k = 0; k < 3; k++)
			if (s->set[k][fd / 64] & (1ull << (fd % 64)))
				events |= select_events[k];
		if (!events)
			continue;
		if (!fd_get(fd))
			return -EBADF;
		fds[count++] = (struct kpollfd){fd, (int16_t)events, 0};
	}
	return count;
}

/* The answers back into the sets; the number of bits set, as select counts. */
static long select_from_poll(struct select_sets *s, const struct kpollfd *fds, long count)
{
	struct select_sets asked = *s;
	long bits = 0;

	for (int k = 0; k < 3; k++)
		for (int w = 0; w < FD_WORDS; w++)
			s->set[k][w] = 0;
	for (long i = 0; i < count; i++) {
		int fd = fds[i].fd;
		for (int k = 0; k < 3; k++) {
			uint64_t bit = 1ull << (fd % 64);
			if ((asked.set[k][fd / 64] & bit) &&
			    ((uint16_t)fds[i].revents & select_events[k])) {
				s->set[k][fd / 64] |= bit;
				bits++;
			}
		}
	}
	return bits;
}

/* Copy the three sets in (or out): a NULL set is empty (or not written). */
static long select_copy(struct select_sets *s, void __user *const u[3], int n, bool out)
{
	size_t bytes = (size_t)(n + 63) / 64 * sizeof(uint64_t);

	for (int k = 0; k < 3; k++) {
		long err = 0;
		if (!u[k])
			continue;
		err = out ? copy_to_user(u[k], s->set[k], bytes)
			  : copy_from_user(s->set[k], u[k], bytes);
		if (err)
			return err;
	}
	return 0;
}

static long select_do(int n, void __user *const u[3], uint64_t deadline)
{
	struct select_sets s = {0};
	struct kpollfd few[FD_FIRST], *fds = few;
	int size = __atomic_load_n(&current_proc()->fds->size, __ATOMIC_RELAXED);
	long count, ret;

	if (n < 0)
		return -EINVAL;
	n = n > size ? size : n; /* as Linux: past the fd table is ignored */
	if (n > FD_FIRST && !(fds = kmalloc((size_t)n * sizeof(*fds))))
		return -ENOMEM;
	ret = select_copy(&s, u, n, false);
	count = ret ? ret : select_to_poll(&s, n, fds);
	if (count >= 0)
		ret = poll_do(fds, (unsigned int)count, deadline);
	if (count >= 0 && ret >= 0) {
		ret = select_from_poll(&s, fds, count);
		if (select_copy(&s, u, n, true))
			ret = -EFAULT;
	}
	if (fds != few)
		kfree(fds);
	return count < 0 ? count : ret;
}

long sys_pselect6(int n, void __user *uin, void __user *uout, void __user *uex, void __user *utsp,
		  void __user *usig)
{
	void __user *const u[3] = {uin, uout, uex};
	struct {
		uint64_t mask; /* const sigset_t __user * */
		uint64_t size;
	} sig = {0, 0};
	uint64_t deadline;
	long ret = poll_get_deadline(utsp, &deadline);

	if (!ret && usig && copy_from_user(&sig, usig, sizeof(sig)))
		ret = -EFAULT;
	if (!ret)
		ret = poll_set_mask((const void __user *)sig.mask, sig.size);
	if (ret)
		return ret;
	ret = select_do(n, u, deadline);
	poll_put_left(utsp, deadline);
	signal_restore_mask(ret == -EINTR);
	/* A handler makes it EINTR; a stop or an ignored signal, a restart
	 * (with the time left, written back above). */
	return ret == -EINTR ? -ERESTARTNOHAND : ret;
}
