/*
 * timerfd_create (85), timerfd_settime (86), timerfd_gettime (87): timers
 * behind file descriptors (docs/polling.md, "eventfd and timerfd").
 *
 * A timer keeps its next expiry on the boot clock (timer_ns), whatever
 * clock it was made for: CLOCK_REALTIME is the boot clock plus an offset
 * set once at boot, so an absolute realtime deadline is converted once.
 * Expiries are counted lazily: whoever looks (a read, a poll, gettime, the
 * tick) first counts the periods that have passed (timerfd_advance).  So
 * that readers and pollers wake, an armed timer's next expiry is a
 * deadline on the timer interrupt's list (sluice/deadline.h), which fires
 * it when due (timerfd_fire), not at the next 10 ms tick.
 *
 * One spinlock guards every timer; the tick wakes a timer's queue under
 * it, and sleepers test their condition under it.
 */
#include <sluice/cred.h>
#include <sluice/deadline.h>
#include <sluice/errno.h>
#include <sluice/mm.h>
#include <sluice/poll.h>
#include <sluice/proc.h>
#include <sluice/syscall.h>
#include <sluice/timer.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>
#include <sluice/waitq.h>

#define CLOCK_REALTIME		0
#define CLOCK_MONOTONIC		1
#define CLOCK_BOOTTIME		7
#define CLOCK_REALTIME_ALARM	8
#define CLOCK_BOOTTIME_ALARM	9
#define TFD_TIMER_ABSTIME	1
#define TFD_TIMER_CANCEL_ON_SET 2
#define NSEC_PER_SEC		1000000000ull

struct timerfd {
	int clock;
	uint64_t next;	    /* the next expiry on the boot clock; 0: disarmed */
	uint64_t interval;  /* ns; 0: one shot */
	uint64_t ticks;	    /* expiries not yet read */
	struct deadline dl; /* at next while armed */
	struct waitq wq;    /* readers and pollers */
};

/* Linux's struct itimerspec: two struct timespecs of two longs. */
struct kitimerspec {
	int64_t interval_sec, interval_nsec, value_sec, value_nsec;
};

static struct spinlock timerfd_lock = SPINLOCK_INIT;

/* Put t's deadline where its next expiry says (off the list if disarmed). */
static void list_place(struct timerfd *t)
{
	if (t->next)
		deadline_arm(&t->dl, t->next);
	else
		deadline_cancel(&t->dl);
}

/* Count the expiries up to now; true if there were any. */
static bool timerfd_advance(struct timerfd *t, uint64_t now)
{
	if (!t->next || now < t->next)
		return false;
	if (t->interval) {
		uint64_t n = (now - t->next) / t->interval + 1;
		t->ticks += n;
		t->next += n * t->interval;
	} else {
		t->ticks++;
		t->next = 0;
	}
	return true;
}

/* t's next expiry is due (the deadline list's fire, under timerfd_lock). */
static void timerfd_fire(struct deadline *d, uint64_t now)
{
	struct timerfd *t = deadline_owner(d, struct timerfd, dl);

	timerfd_advance(t, now);
	list_place(t);
	waitq_wake_all(&t->wq);
}

static const struct file_ops timerfd_fops;

static struct timerfd *timerfd_of(struct file *f)
{
	return f && f->ops == &timerfd_fops ? f->priv : NULL;
}

static long timerfd_read(struct file *f, char *ubuf, size_t len)
{
	struct timerfd *t = f->priv;
	uint64_t ticks;
	long err = 0;

	if (len < sizeof(ticks))
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&timerfd_lock);
	for (;;) {
		if (timerfd_advance(t, timer_ns()))
			list_place(t);
		if (t->ticks)
			break;
		if (f->flags & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		if (!waitq_sleep_intr(&t->wq, &timerfd_lock)) {
			err = -ERESTARTSYS; /* EINTR, or a restart with SA_RESTART */
			break;
		}
	}
	ticks = t->ticks;
	if (!err)
		t->ticks = 0;
	spin_unlock_irqrestore(&timerfd_lock, flags);
	if (err)
		return err;
	return copy_to_user(ubuf, &ticks, sizeof(ticks)) ? -EFAULT : (long)sizeof(ticks);
}

static unsigned int timerfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd *t = f->priv;
	bool ready;

	poll_wait(pt, &t->wq);
	unsigned long flags = spin_lock_irqsave(&timerfd_lock);
	if (timerfd_advance(t, timer_ns()))
		list_place(t);
	ready = t->ticks != 0;
	spin_unlock_irqrestore(&timerfd_lock, flags);
	return ready ? POLLIN : 0; /* as Linux: no RDNORM */
}

static void timerfd_release(struct file *f)
{
	struct timerfd *t = f->priv;
	unsigned long flags = spin_lock_irqsave(&timerfd_lock);

	deadline_cancel(&t->dl);
	spin_unlock_irqrestore(&timerfd_lock, flags);
	kfree(t);
}

static const struct file_ops timerfd_fops = {
	.read = timerfd_read,
	.poll = timerfd_poll,
	.release = timerfd_release,
};

long sys_timerfd_create(int clock, int flags)
{
	struct timerfd *t;

	if (flags & ~(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC && clock != CLOCK_BOOTTIME &&
	    clock != CLOCK_REALTIME_ALARM && clock != CLOCK_BOOTTIME_ALARM)
		return -EINVAL;
	/* The alarm clocks would wake a suspended machine: CAP_WAKE_ALARM. */
	if ((clock == CLOCK_REALTIME_ALARM || clock == CLOCK_BOOTTIME_ALARM) &&
	    !cred_capable(cred_current()))
		return -EPERM;
	t = kzalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->clock = clock;
	t->wq = (struct waitq)WAITQ_INIT;
	deadline_init(&t->dl, timerfd_fire, &timerfd_lock);
	return anon_file_install("[timerfd]", &timerfd_fops, t, (uint32_t)flags);
}

static bool timespec_ok(int64_t sec, int64_t nsec)
{
	return sec >= 0 && nsec >= 0 && (uint64_t)nsec < NSEC_PER_SEC;
}

/* sec and nsec (checked) in ns, saturating far past any uptime. */
static uint64_t timespec_ns(int64_t sec, int64_t nsec)
{
	if ((uint64_t)sec >= UINT64_MAX / NSEC_PER_SEC / 2)
		return UINT64_MAX / 2;
	return (uint64_t)sec * NSEC_PER_SEC + (uint64_t)nsec;
}

/* t's setting now, as gettime reports it (timerfd_lock held). */
static struct kitimerspec timerfd_current(struct timerfd *t, uint64_t now)
{
	struct kitimerspec cur = {0, 0, 0, 0};
	uint64_t left;

	if (timerfd_advance(t, now))
		list_place(t);
	cur.interval_sec = (int64_t)(t->interval / NSEC_PER_SEC);
	cur.interval_nsec = (int64_t)(t->interval % NSEC_PER_SEC);
	if (t->next) {
		left = t->next - now; /* > 0: advanced past now */
		cur.value_sec = (int64_t)(left / NSEC_PER_SEC);
		cur.value_nsec = (int64_t)(left % NSEC_PER_SEC);
	}
	return cur;
}

/* Arm t with new (checked) from now; the old setting into *old. */
static void timerfd_arm(struct timerfd *t, int flags, const struct kitimerspec *new,
			struct kitimerspec *old)
{
	uint64_t now = timer_ns(), value = timespec_ns(new->value_sec, new->value_nsec);

	*old = timerfd_current(t, now);
	t->ticks = 0;
	t->interval = timespec_ns(new->interval_sec, new->interval_nsec);
	if (!value) {
		t->next = 0; /* disarm */
	} else if (flags & TFD_TIMER_ABSTIME) {
		bool real = t->clock == CLOCK_REALTIME || t->clock == CLOCK_REALTIME_ALARM;
		/* As the other timers do: the time left on the clock's own
		 * reading, from now.  (Realtime less boot time is negative when
		 * the wall clock was set before boot's count: without an RTC.) */
		uint64_t clk = real ? timer_realtime_ns() : now;
		t->next = value > clk ? now + (value - clk) : 1;
	} else {
		t->next = now + value;
	}
	if (t->next && t->next <= now)
		timerfd_advance(t, now); /* a deadline passed already: expired at once */
	list_place(t);
}

/*
 * Linux's order of checks: the new setting is copied in (EFAULT), flags and
 * times checked (EINVAL), then the fd (EBADF, EINVAL if not a timerfd).
 * TFD_TIMER_CANCEL_ON_SET is taken: Sluice's clock is never set.
 */
long sys_timerfd_settime(int fd, int flags, const void __user *unew, void __user *uold)
{
	struct kitimerspec new, old;
	struct timerfd *t;

	if (copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	if ((flags & ~(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) ||
	    !timespec_ok(new.value_sec, new.value_nsec) ||
	    !timespec_ok(new.interval_sec, new.interval_nsec))
		return -EINVAL;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (!(t = timerfd_of(f)))
		return -EINVAL;
	unsigned long irq = spin_lock_irqsave(&timerfd_lock);
	timerfd_arm(t, flags, &new, &old);
	spin_unlock_irqrestore(&timerfd_lock, irq);
	waitq_wake_all(&t->wq); /* pollers look again (a past deadline is ready now) */
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_timerfd_gettime(int fd, void __user *ucur)
{
	struct file *f = fd_get(fd);
	struct kitimerspec cur;
	struct timerfd *t;

	if (!f)
		return -EBADF;
	if (!(t = timerfd_of(f)))
		return -EINVAL;
	unsigned long irq = spin_lock_irqsave(&timerfd_lock);
	cur = timerfd_current(t, timer_ns());
	spin_unlock_irqrestore(&timerfd_lock, irq);
	return copy_to_user(ucur, &cur, sizeof(cur)) ? -EFAULT : 0;
}
