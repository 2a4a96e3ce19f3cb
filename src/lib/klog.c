/*
 * The kernel log's ring (see <sluice/klog.h>).  No locking here: the
 * kernel's printk and syslog(2) hold their lock around every call.
 */
#include <sluice/klog.h>

#define NSEC_PER_SEC  1000000000ull
#define NSEC_PER_USEC 1000ull

void klog_init(struct klog *l, char *buf, size_t size)
{
	*l = (struct klog){.buf = buf, .size = size};
}

static char byte_at(const struct klog *l, uint64_t pos)
{
	return l->buf[pos % l->size];
}

/* The ring is full: let the oldest line go (or one byte, if a single line
 * fills it all), and move the readers that pointed into it. */
static void drop_oldest(struct klog *l)
{
	uint64_t p = l->tail;

	while (p < l->head && byte_at(l, p) != '\n')
		p++;
	l->tail = p < l->head ? p + 1 : l->tail + 1;
	if (l->read_pos < l->tail)
		l->read_pos = l->tail;
	if (l->clear_pos < l->tail)
		l->clear_pos = l->tail;
}

static void put_byte(struct klog *l, char c)
{
	if (l->head - l->tail == l->size)
		drop_oldest(l);
	l->buf[l->head % l->size] = c;
	l->head++;
}

/* Digits of v, at least width of them (zero-padded when zeros, else
 * space-padded), into the log. */
static void put_number(struct klog *l, uint64_t v, int width, bool zeros)
{
	char d[20];
	int n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < (int)sizeof(d));
	for (int i = n; i < width; i++)
		put_byte(l, zeros ? '0' : ' ');
	while (n)
		put_byte(l, d[--n]);
}

/* "<6>[    1.234567] ": Linux's level and printk.time prefix. */
static void put_prefix(struct klog *l, uint64_t now_ns)
{
	put_byte(l, '<');
	put_byte(l, (char)('0' + KLOG_LEVEL_DEFAULT));
	put_byte(l, '>');
	put_byte(l, '[');
	put_number(l, now_ns / NSEC_PER_SEC, 5, false);
	put_byte(l, '.');
	put_number(l, now_ns % NSEC_PER_SEC / NSEC_PER_USEC, 6, true);
	put_byte(l, ']');
	put_byte(l, ' ');
}

void klog_append(struct klog *l, const char *s, size_t n, uint64_t now_ns)
{
	if (!l->size)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!l->mid_line)
			put_prefix(l, now_ns);
		put_byte(l, s[i]);
		l->mid_line = s[i] != '\n';
	}
}

/* Copy the log's bytes [from, to) into out. */
static void copy_out(const struct klog *l, uint64_t from, uint64_t to, char *out)
{
	for (uint64_t p = from; p < to; p++)
		*out++ = byte_at(l, p);
}

size_t klog_read_all(const struct klog *l, char *out, size_t len)
{
	uint64_t start = l->clear_pos > l->tail ? l->clear_pos : l->tail;

	if (l->head - start > len) {
		/* Only the newest fit: begin at the first whole line. */
		start = l->head - len;
		while (start < l->head && byte_at(l, start - 1) != '\n')
			start++;
	}
	copy_out(l, start, l->head, out);
	return (size_t)(l->head - start);
}

size_t klog_read(struct klog *l, char *out, size_t len)
{
	uint64_t start = l->read_pos > l->tail ? l->read_pos : l->tail;
	uint64_t n = l->head - start;

	if (n > len)
		n = len;
	copy_out(l, start, start + n, out);
	l->read_pos = start + n;
	return (size_t)n;
}

size_t klog_unread(const struct klog *l)
{
	return (size_t)(l->head - (l->read_pos > l->tail ? l->read_pos : l->tail));
}

void klog_clear(struct klog *l)
{
	l->clear_pos = l->head;
}
