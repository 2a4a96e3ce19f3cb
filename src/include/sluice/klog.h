/*
 * The kernel log: the ring of recent kernel messages that syslog(2) reads
 * (busybox's dmesg).  Pure logic (src/lib/klog.c); printk appends to the
 * kernel's one log under its lock, and the host tests drive it directly.
 *
 * Text is kept as syslog(2) hands it out on Linux: each line begins with
 * its level and the time since boot, "<6>[    1.234567] ", then the text
 * and a newline.  When the ring is full the oldest whole lines go.
 * Positions are byte counts since the log began (they never wrap), so
 * "what is unread" and "what was cleared" are plain comparisons.
 */
#ifndef SLUICE_KLOG_H
#define SLUICE_KLOG_H

#include <sluice/types.h>

#define KLOG_LEVEL_DEFAULT 6 /* KERN_INFO: printk has no levels of its own */

struct klog {
	char *buf;
	size_t size;	    /* bytes in buf: the most the log keeps */
	uint64_t head;	    /* position of the next byte written */
	uint64_t tail;	    /* position of the oldest byte kept (a line start) */
	uint64_t read_pos;  /* syslog READ's reader: where it goes on */
	uint64_t clear_pos; /* READ_ALL starts here (after a CLEAR) */
	bool mid_line;	    /* the last text appended did not end its line */
};

void klog_init(struct klog *l, char *buf, size_t size);

/* Append n bytes of printk's text, made at now_ns since boot. */
void klog_append(struct klog *l, const char *s, size_t n, uint64_t now_ns);

/*
 * Copy the newest whole lines kept since the last clear that fit in len
 * bytes into out (syslog's READ_ALL); returns the bytes copied.
 */
size_t klog_read_all(const struct klog *l, char *out, size_t len);

/* Copy at most len unread bytes into out and mark them read (syslog's
 * READ); returns the bytes copied, 0 when nothing is unread. */
size_t klog_read(struct klog *l, char *out, size_t len);

/* Bytes READ has not returned yet (syslog's SIZE_UNREAD). */
size_t klog_unread(const struct klog *l);

/* Forget everything for READ_ALL (syslog's CLEAR): only newer text shows. */
void klog_clear(struct klog *l);

#endif
