/*
 * syslog(2) (116), Linux's klogctl: reading and clearing the kernel log
 * that printk keeps (src/lib/klog.c), and the console's level.  busybox's
 * dmesg is READ_ALL after SIZE_BUFFER; klogd is READ, which waits.
 *
 * Linux's rules (kernel/printk/printk.c, do_syslog): READ_ALL and
 * SIZE_BUFFER are open to everyone (dmesg_restrict 0, Linux's built-in
 * default), every other action needs CAP_SYSLOG (here: root), else EPERM;
 * a read needs a buffer (EINVAL), returns 0 for a length of 0, EFAULT for
 * a bad one; an unknown action is EINVAL.
 */
#include <sluice/cred.h>
#include <sluice/errno.h>
#include <sluice/klog.h>
#include <sluice/mm.h>
#include <sluice/printk.h>
#include <sluice/signal.h>
#include <sluice/syscall.h>
#include <sluice/timer.h>
#include <sluice/uaccess.h>

enum {
	SYSLOG_ACTION_CLOSE,
	SYSLOG_ACTION_OPEN,
	SYSLOG_ACTION_READ,
	SYSLOG_ACTION_READ_ALL,
	SYSLOG_ACTION_READ_CLEAR,
	SYSLOG_ACTION_CLEAR,
	SYSLOG_ACTION_CONSOLE_OFF,
	SYSLOG_ACTION_CONSOLE_ON,
	SYSLOG_ACTION_CONSOLE_LEVEL,
	SYSLOG_ACTION_SIZE_UNREAD,
	SYSLOG_ACTION_SIZE_BUFFER,
};

#define MINIMUM_CONSOLE_LOGLEVEL 1	      /* Linux's: CONSOLE_OFF leaves emergencies on */
#define READ_POLL_NS		 100000000ull /* how often a waiting READ looks again */

/* The console level CONSOLE_ON gives back (Linux's saved_console_loglevel). */
static int saved_console_level = -1;
static int console_level = CONSOLE_LOGLEVEL_DEFAULT;

static void set_console_level(int level)
{
	console_level = level;
	printk_set_console_level(level);
}

/* READ's wait: printk wakes nobody (it runs where a wakeup could deadlock:
 * under scheduler locks, in interrupts), so a reader looks again every
 * READ_POLL_NS until text comes or a signal does. */
static long wait_unread(void)
{
	for (;;) {
		unsigned long flags;
		struct klog *l = printk_log_lock(&flags);
		size_t unread = l ? klog_unread(l) : 0;

		if (l)
			printk_log_unlock(flags);
		if (unread)
			return 0;
		if (timer_sleep_until(timer_ns() + READ_POLL_NS) < 0)
			return -ERESTARTSYS;
	}
}

/* READ, READ_ALL or READ_CLEAR into the user's buffer, through a kernel
 * copy (the log is read under a spinlock, the user's pages may fault). */
static long read_log(int type, char __user *ubuf, int len)
{
	size_t want = (size_t)len < KLOG_SIZE ? (size_t)len : KLOG_SIZE;
	char *text;
	size_t n = 0;
	unsigned long flags;

	if (!ubuf || len < 0)
		return -EINVAL;
	if (!len)
		return 0;
	if (!user_range_ok(ubuf, (size_t)len))
		return -EFAULT;
	if (type == SYSLOG_ACTION_READ) {
		long err = wait_unread();
		if (err)
			return err;
	}
	text = kmalloc(want);
	if (!text)
		return -ENOMEM;
	struct klog *l = printk_log_lock(&flags);
	if (l) {
		n = type == SYSLOG_ACTION_READ ? klog_read(l, text, want)
					       : klog_read_all(l, text, want);
		if (type == SYSLOG_ACTION_READ_CLEAR)
			klog_clear(l);
		printk_log_unlock(flags);
	}
	long ret = copy_to_user(ubuf, text, n) ? -EFAULT : (long)n;
	kfree(text);
	return ret;
}

/* What a log-wide query answers, under the log's lock. */
static long log_query(int type)
{
	unsigned long flags;
	struct klog *l = printk_log_lock(&flags);
	long ret = 0;

	if (!l)
		return -EBUSY;
	if (type == SYSLOG_ACTION_CLEAR)
		klog_clear(l);
	else
		ret = (long)klog_unread(l);
	printk_log_unlock(flags);
	return ret;
}

long sys_syslog(int type, char __user *ubuf, int len)
{
	if (type != SYSLOG_ACTION_READ_ALL && type != SYSLOG_ACTION_SIZE_BUFFER &&
	    !cred_capable(cred_current()))
		return -EPERM;
	switch (type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
		return 0;
	case SYSLOG_ACTION_READ:
	case SYSLOG_ACTION_READ_ALL:
	case SYSLOG_ACTION_READ_CLEAR:
		return read_log(type, ubuf, len);
	case SYSLOG_ACTION_CLEAR:
	case SYSLOG_ACTION_SIZE_UNREAD:
		return log_query(type);
	case SYSLOG_ACTION_CONSOLE_OFF:
		if (saved_console_level == -1)
			saved_console_level = console_level;
		set_console_level(MINIMUM_CONSOLE_LOGLEVEL);
		return 0;
	case SYSLOG_ACTION_CONSOLE_ON:
		if (saved_console_level != -1) {
			set_console_level(saved_console_level);
			saved_console_level = -1;
		}
		return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		if (len < 1 || len > 8)
			return -EINVAL;
		set_console_level(len < MINIMUM_CONSOLE_LOGLEVEL ? MINIMUM_CONSOLE_LOGLEVEL : len);
		saved_console_level = -1; /* a later CONSOLE_ON changes nothing */
		return 0;
	case SYSLOG_ACTION_SIZE_BUFFER:
		return KLOG_SIZE;
	default:
		return -EINVAL;
	}
}
