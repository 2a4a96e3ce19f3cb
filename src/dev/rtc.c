/*
 * The real-time clock class: the clocks drivers register (sluice/rtc.h),
 * and /dev/rtc<n>, their character devices, with the behaviour of Linux's
 * drivers/rtc/dev.c for a clock that raises no interrupts:
 *
 *  - open is exclusive: a second open while the first is open is EBUSY;
 *  - RTC_RD_TIME reads the clock, RTC_SET_TIME sets it (root only,
 *    CAP_SYS_TIME: EACCES).  Setting the clock leaves CLOCK_REALTIME alone,
 *    as on Linux (hwclock -s copies one to the other with settimeofday);
 *  - the alarm and update-interrupt ioctls answer EINVAL, Linux's answer
 *    for a clock without an alarm (RTC_UIE_OFF, already off, succeeds);
 *    any other ioctl is ENOTTY;
 *  - read waits for an interrupt that never comes: Linux's read returns
 *    interrupt counts, blocking until one arrives, so it blocks until a
 *    signal (EAGAIN with O_NONBLOCK; EINVAL for a count smaller than an
 *    unsigned long other than 4), and poll never says readable;
 *  - write is EINVAL and lseek ESPIPE (no such operations).
 */
#include <sluice/cred.h>
#include <sluice/errno.h>
#include <sluice/poll.h>
#include <sluice/printk.h>
#include <sluice/rtc.h>
#include <sluice/signal.h>
#include <sluice/spinlock.h>
#include <sluice/timer.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>
#include <sluice/waitq.h>

struct rtc_device {
	const char *name;
	const struct rtc_ops *ops;
	void *priv;
	struct spinlock lock; /* around ops calls and open */
	bool open;	      /* an open file has it (Linux's RTC_DEV_BUSY) */
	/* Where readers wait for the interrupts Linux's read reports: no
	 * driver raises one yet, so nothing wakes it but a signal. */
	struct waitq irq_wq;
};

static struct rtc_device rtcs[RTC_MAX];
static unsigned int nr_rtcs; /* set at boot, before /dev exists */

static int rtc_read_ns(struct rtc_device *rtc, uint64_t *ns)
{
	unsigned long flags = spin_lock_irqsave(&rtc->lock);
	int err = rtc->ops->read(rtc->priv, ns);

	spin_unlock_irqrestore(&rtc->lock, flags);
	return err;
}

int rtc_register(const char *name, const struct rtc_ops *ops, void *priv)
{
	uint64_t ns;

	if (nr_rtcs == RTC_MAX) {
		printk("rtc: %s: no room past /dev/rtc%u; not registered\n", name, RTC_MAX - 1);
		return -ENOSPC;
	}
	struct rtc_device *rtc = &rtcs[nr_rtcs]; /* zeroed: lock free, queue empty */
	rtc->name = name;
	rtc->ops = ops;
	rtc->priv = priv;
	/* rtc0 is the wall clock's source at boot (Linux: CONFIG_RTC_HCTOSYS). */
	if (nr_rtcs == 0 && !rtc_read_ns(rtc, &ns))
		timer_set_realtime(ns);
	printk("rtc: /dev/rtc%u is %s\n", nr_rtcs, name);
	nr_rtcs++;
	return 0;
}

unsigned int rtc_count(void)
{
	return nr_rtcs;
}

/* The node's minor names the clock; none (a node made by mknod for a
 * clock this machine lacks) is ENXIO, as on Linux. */
static int rtc_file_open(struct inode *ino, struct file *f)
{
	unsigned int minor = MINOR(ino->rdev);

	if (minor >= nr_rtcs)
		return -ENXIO;
	struct rtc_device *rtc = &rtcs[minor];
	unsigned long flags = spin_lock_irqsave(&rtc->lock);
	bool busy = rtc->open;
	rtc->open = true;
	spin_unlock_irqrestore(&rtc->lock, flags);
	if (busy)
		return -EBUSY;
	f->priv = rtc;
	return 0;
}

static void rtc_file_release(struct file *f)
{
	struct rtc_device *rtc = f->priv;
	unsigned long flags = spin_lock_irqsave(&rtc->lock);

	rtc->open = false;
	spin_unlock_irqrestore(&rtc->lock, flags);
}

/* Linux's read: 4 bytes or at least an unsigned long's 8, then the next
 * interrupt's count, of which there are none. */
static long rtc_file_read(struct file *f, char *ubuf, size_t len)
{
	struct rtc_device *rtc = f->priv;

	(void)ubuf;
	if (len != sizeof(uint32_t) && len < sizeof(unsigned long))
		return -EINVAL;
	if (f->flags & O_NONBLOCK)
		return -EAGAIN;
	unsigned long flags = spin_lock_irqsave(&rtc->lock);
	while (waitq_sleep_intr(&rtc->irq_wq, &rtc->lock))
		;
	spin_unlock_irqrestore(&rtc->lock, flags);
	return -ERESTARTSYS; /* a handler with SA_RESTART reads again */
}

static unsigned int rtc_file_poll(struct file *f, struct poll_table *pt)
{
	struct rtc_device *rtc = f->priv;

	poll_wait(pt, &rtc->irq_wq);
	return 0; /* no interrupt to report, ever */
}

static long rtc_ioctl_read(struct rtc_device *rtc, void __user *uarg)
{
	struct rtc_time tm;
	uint64_t ns;
	int err = rtc_read_ns(rtc, &ns);

	if (err)
		return err;
	rtc_time_from_ns(ns, &tm);
	return copy_to_user(uarg, &tm, sizeof(tm));
}

/* As Linux's RTC_SET_TIME: the privilege, then the copy, then the time's
 * validity (EINVAL) and the clock's range (ERANGE). */
static long rtc_ioctl_set(struct rtc_device *rtc, const void __user *uarg)
{
	struct rtc_time tm;
	uint64_t ns;

	if (!cred_capable(cred_current()))
		return -EACCES; /* CAP_SYS_TIME */
	if (copy_from_user(&tm, uarg, sizeof(tm)))
		return -EFAULT;
	int err = rtc_time_to_ns(&tm, &ns);
	if (err)
		return err;
	unsigned long flags = spin_lock_irqsave(&rtc->lock);
	err = rtc->ops->set(rtc->priv, ns);
	spin_unlock_irqrestore(&rtc->lock, flags);
	return err;
}

static long rtc_file_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	struct rtc_device *rtc = f->priv;

	switch (cmd) {
	case RTC_RD_TIME:
		return rtc_ioctl_read(rtc, (void __user *)arg);
	case RTC_SET_TIME:
		return rtc_ioctl_set(rtc, (const void __user *)arg);
	case RTC_UIE_OFF:
		return 0; /* off already */
	case RTC_UIE_ON:
	case RTC_AIE_ON:
	case RTC_AIE_OFF:
	case RTC_ALM_READ:
	case RTC_ALM_SET:
	case RTC_WKALM_RD:
	case RTC_WKALM_SET:
		return -EINVAL; /* no alarm, no interrupts */
	}
	return -ENOTTY;
}

const struct file_ops rtc_fops = {
	.open = rtc_file_open,
	.release = rtc_file_release,
	.read = rtc_file_read,
	.ioctl = rtc_file_ioctl,
	.poll = rtc_file_poll,
};
