/*
 * Device files: what open() of /dev/console, /dev/tty, /dev/null, /dev/zero,
 * /dev/full, /dev/random, /dev/urandom and /dev/vda gives.  Each is a
 * device number (Linux's: 5:1, 5:0, 1:3, 1:5, 1:7, 1:8, 1:9, 254:0)
 * in a device node of some file system; dev_file_ops() maps the number to
 * these operations (and 250:n to /dev/rtc<n>'s, in dev/rtc.c).
 */
#include <sluice/bcache.h>
#include <sluice/blk.h>
#include <sluice/console.h>
#include <sluice/errno.h>
#include <sluice/proc.h>
#include <sluice/random.h>
#include <sluice/rtc.h>
#include <sluice/signal.h>
#include <sluice/spinlock.h>
#include <sluice/string.h>
#include <sluice/tty.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

/* --- /dev/console: the terminal (console.c does the line discipline) --- */

static long console_file_read(struct file *f, char *ubuf, size_t len)
{
	char buf[128];

	(void)f;
	long n = tty_check_read();

	if (n)
		return n;
	if (!len)
		return 0;
	n = console_read(buf, MIN(len, sizeof(buf)), f->flags & O_NONBLOCK);
	if (n < 0)
		return n;
	return copy_to_user(ubuf, buf, (size_t)n) ? -EFAULT : n;
}

static long console_file_write(struct file *f, const char *ubuf, size_t len)
{
	char buf[256];
	size_t done = 0;

	(void)f;
	while (done < len) {
		size_t n = MIN(len - done, sizeof(buf));
		if (copy_from_user(buf, ubuf + done, n))
			return done ? (long)done : -EFAULT;
		console_write_user(buf, n);
		done += n;
	}
	return (long)done;
}

/*
 * The terminal's window size (struct winsize: rows, columns, then pixels),
 * which the kernel only keeps: whoever knows the size (a terminal emulator,
 * `stty rows`, `resize`) sets it and full-screen programs read it.  A
 * serial line cannot say; Linux starts its consoles at 0x0, which programs
 * take as unknown and replace by 24x80: Sluice starts at 24x80.
 */
static struct spinlock winsize_lock = SPINLOCK_INIT;
static uint16_t winsize[4] = {24, 80, 0, 0};

/* TIOCSWINSZ: as Linux's tty_do_resize, a change (and only a change) sends
 * SIGWINCH to the foreground group; anyone with the terminal open may set
 * it, with no job-control check. */
static long console_set_winsize(const void __user *arg)
{
	uint16_t ws[4];
	bool changed;

	if (copy_from_user(ws, arg, sizeof(ws)))
		return -EFAULT;
	unsigned long flags = spin_lock_irqsave(&winsize_lock);
	changed = memcmp(ws, winsize, sizeof(ws)) != 0;
	memcpy(winsize, ws, sizeof(ws));
	spin_unlock_irqrestore(&winsize_lock, flags);
	int pgrp = console_fg_pgrp();
	if (changed && pgrp > 0)
		signal_kill(-(long)pgrp, SIGWINCH, NULL);
	return 0;
}

static long console_file_ioctl(struct file *f, unsigned long cmd, unsigned long arg)
{
	uint8_t t[36];
	long err;

	(void)f;
	switch (cmd) {
	case TIOCGWINSZ: {
		uint16_t ws[4];
		unsigned long flags = spin_lock_irqsave(&winsize_lock);
		memcpy(ws, winsize, sizeof(ws));
		spin_unlock_irqrestore(&winsize_lock, flags);
		return copy_to_user((void *)arg, ws, sizeof(ws));
	}
	case TIOCSWINSZ:
		return console_set_winsize((const void __user *)arg);
	case TCGETS:
		console_get_termios(t);
		return copy_to_user((void *)arg, t, sizeof(t));
	case TCSETS:
	case TCSETSW: /* output is written synchronously: nothing to drain */
	case TCSETSF:
		if ((err = tty_check_change()) != 0)
			return err;
		if (copy_from_user(t, (void *)arg, sizeof(t)))
			return -EFAULT;
		console_set_termios(t);
		return 0;
	}
	return tty_job_ioctl(cmd, arg);
}

static unsigned int console_file_poll(struct file *f, struct poll_table *pt)
{
	(void)f;
	return console_poll(pt);
}

static const struct file_ops console_fops = {
	.read = console_file_read,
	.write = console_file_write,
	.ioctl = console_file_ioctl,
	.poll = console_file_poll,
};

/*
 * /dev/tty (5:0): the opener's controlling terminal.  The console is the
 * only terminal, the controlling one of one session (console_sid); a
 * process of another session (after setsid) has none: ENXIO, as on Linux.
 * The open file then is the console's.
 */
static int tty_open(struct inode *ino, struct file *f)
{
	(void)ino;
	if (current_proc()->sid != console_sid())
		return -ENXIO;
	f->ops = &console_fops;
	return 0;
}

static const struct file_ops tty_fops = {
	.open = tty_open,
};

/* --- /dev/null and /dev/zero --- */

static long null_read(struct file *f, char *ubuf, size_t len)
{
	(void)f, (void)ubuf, (void)len;
	return 0; /* end of file */
}

static long sink_write(struct file *f, const char *ubuf, size_t len)
{
	(void)f, (void)ubuf;
	return (long)len; /* everything is written, nothing kept */
}

/* As on Linux, a fault part way gives the count cleared before it. */
static long zero_read(struct file *f, char *ubuf, size_t len)
{
	size_t done = 0;

	(void)f;
	while (done < len) {
		size_t n = MIN(len - done, 64 * KiB), left = clear_user(ubuf + done, n);
		done += n - left;
		if (left)
			return done ? (long)done : -EFAULT;
		if (fatal_signal_pending())
			break; /* SIGKILL ends a read of gigabytes at once */
	}
	return (long)done;
}

/* /dev/full: a disk with no room left (writes ENOSPC), reading zeros. */
static long full_write(struct file *f, const char *ubuf, size_t len)
{
	(void)f, (void)ubuf, (void)len;
	return -ENOSPC;
}

/* /dev/random and /dev/urandom: getrandom's source (lib/random.c), which
 * never blocks; a fault part way gives the count copied before it.
 * Writes are taken and dropped (Linux mixes them into its pool). */
static long random_read(struct file *f, char *ubuf, size_t len)
{
	(void)f;
	return random_copy_to_user(ubuf, len);
}

/* Linux lets all of these seek (to 0, whatever asked): seekable. */
static const struct file_ops null_fops = {.read = null_read, .write = sink_write, .seekable = true};
static const struct file_ops zero_fops = {.read = zero_read, .write = sink_write, .seekable = true};
static const struct file_ops full_fops = {.read = zero_read, .write = full_write, .seekable = true};
static const struct file_ops random_fops = {
	.read = random_read, .write = sink_write, .seekable = true};

/* --- /dev/vda: the raw disk, through the block cache --- */

/*
 * len bytes at the file's offset, a block at a time (as Linux's raw block
 * devices go through its page cache).  Writes reach the disk on fsync or
 * sync, or when the cache needs the buffer.
 */
static long blk_file_rw(struct file *f, char *ubuf, size_t len, bool write)
{
	uint64_t off = f->pos, size = blk_sectors() * BLK_SECTOR;
	size_t done = 0;

	if (off >= size)
		return write && len ? -ENOSPC : 0;
	len = MIN(len, size - off);
	while (done < len) {
		struct bcache_buf *b;
		size_t in = (off + done) % BCACHE_BLOCK, n = MIN(len - done, BCACHE_BLOCK - in);
		int err = bcache_get((off + done) / BCACHE_BLOCK, &b);
		if (!err)
			err = write ? copy_from_user(b->data + in, ubuf + done, n)
				    : copy_to_user(ubuf + done, b->data + in, n);
		if (!err && write)
			bcache_dirty(b);
		if (b)
			bcache_put(b);
		if (err)
			return done ? (long)done : err;
		done += n;
	}
	f->pos = off + len;
	return (long)len;
}

static long blk_file_read(struct file *f, char *ubuf, size_t len)
{
	return blk_file_rw(f, ubuf, len, false);
}

static long blk_file_write(struct file *f, const char *ubuf, size_t len)
{
	return blk_file_rw(f, (char *)ubuf, len, true);
}

static int blk_file_open(struct inode *ino, struct file *f)
{
	(void)f;
	if (!blk_present())
		return -ENXIO;
	ino->size = blk_sectors() * BLK_SECTOR; /* for lseek SEEK_END and fstat */
	return 0;
}

static const struct file_ops blk_fops = {
	.open = blk_file_open,
	.read = blk_file_read,
	.write = blk_file_write,
	.seekable = true,
};

const struct file_ops *dev_file_ops(uint32_t mode, uint32_t rdev)
{
	if (S_ISCHR(mode)) {
		switch (rdev) {
		case DEV_CONSOLE:
			return &console_fops;
		case DEV_TTY:
			return &tty_fops;
		case DEV_NULL:
			return &null_fops;
		case DEV_ZERO:
			return &zero_fops;
		case DEV_FULL:
			return &full_fops;
		case DEV_RANDOM:
		case DEV_URANDOM:
			return &random_fops;
		}
		if (MAJOR(rdev) == RTC_MAJOR)
			return &rtc_fops; /* /dev/rtc<minor>: dev/rtc.c */
	} else if (S_ISBLK(mode) && rdev == DEV_VDA) {
		return &blk_fops;
	}
	return NULL;
}
