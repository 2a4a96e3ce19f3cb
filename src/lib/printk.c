/*
 * printk and snprintf: a small printf for the kernel (see <sluice/printk.h>
 * for the conversions it knows).  No floating point: the kernel has no FPU
 * state of its own.
 */
#include <sluice/klog.h>
#include <sluice/printk.h>
#include <sluice/riscv.h>
#include <sluice/spinlock.h>
#include <sluice/string.h>
#include <stdarg.h>

struct outbuf {
	char *buf;
	size_t size; /* room, terminator included */
	size_t len;  /* characters produced so far (may exceed size) */
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width, prec; /* prec -1: none */
	int length;	 /* 0 int, 1 long, 2 long long, -1 short, -2 char */
};

/* An integer conversion: digits, then sign/prefix, padding, output. */
static void out_number(struct outbuf *o, unsigned long long v, bool neg, unsigned int base,
		       bool upper, const struct spec *s)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;
	const char *prefix = neg ? "-" : s->plus ? "+" : s->space ? " " : "";

	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	if (s->alt && base == 16 && n)
		prefix = upper ? "0X" : "0x";
	if (s->alt && base == 8)
		tmp[n++] = '0';
	int zeros = s->prec > n ? s->prec - n : (s->prec < 0 && n == 0 ? 1 : 0);
	int body = (int)strlen(prefix) + zeros + n;
	if (s->zero && !s->left && s->prec < 0)
		zeros += s->width > body ? s->width - body : 0, body = s->width;
	if (!s->left)
		out_pad(o, ' ', s->width - body);
	for (const char *p = prefix; *p; p++)
		out_char(o, *p);
	out_pad(o, '0', zeros);
	while (n)
		out_char(o, tmp[--n]);
	if (s->left)
		out_pad(o, ' ', s->width - body);
}

static void out_string(struct outbuf *o, const char *str, const struct spec *s)
{
	if (!str)
		str = "(null)";
	int n = (int)strnlen(str, s->prec >= 0 ? (size_t)s->prec : (size_t)-1);
	if (!s->left)
		out_pad(o, ' ', s->width - n);
	for (int i = 0; i < n; i++)
		out_char(o, str[i]);
	if (s->left)
		out_pad(o, ' ', s->width - n);
}

/* Parse flags, width, precision and length; returns the conversion char. */
static const char *parse_spec(const char *f, struct spec *s, va_list *ap)
{
	*s = (struct spec){.prec = -1};
	for (;; f++) {
		if (*f == '-')
			s->left = true;
		else if (*f == '0')
			s->zero = true;
		else if (*f == '+')
			s->plus = true;
		else if (*f == ' ')
			s->space = true;
		else if (*f == '#')
			s->alt = true;
		else
			break;
	}
	if (*f == '*') {
		s->width = va_arg(*ap, int), f++;
		if (s->width < 0)
			s->left = true, s->width = -s->width;
	}
	while (*f >= '0' && *f <= '9')
		s->width = s->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		s->prec = 0;
		if (*f == '*')
			s->prec = va_arg(*ap, int), f++;
		while (*f >= '0' && *f <= '9')
			s->prec = s->prec * 10 + (*f++ - '0');
	}
	for (;; f++) {
		if (*f == 'l')
			s->length++;
		else if (*f == 'h')
			s->length--;
		else if (*f == 'z' || *f == 't')
			s->length = 1;
		else
			break;
	}
	return f;
}

static void out_conversion(struct outbuf *o, char c, struct spec *s, va_list *ap)
{
	long long sv;
	unsigned long long uv;

	switch (c) {
	case 'd':
	case 'i':
		sv = s->length >= 2   ? va_arg(*ap, long long)
		     : s->length == 1 ? va_arg(*ap, long)
				      : va_arg(*ap, int);
		if (s->length == -1)
			sv = (short)sv;
		if (s->length <= -2)
			sv = (signed char)sv;
		out_number(o, sv < 0 ? -(unsigned long long)sv : (unsigned long long)sv, sv < 0, 10,
			   false, s);
		return;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		uv = s->length >= 2   ? va_arg(*ap, unsigned long long)
		     : s->length == 1 ? va_arg(*ap, unsigned long)
				      : va_arg(*ap, unsigned int);
		if (s->length == -1)
			uv = (unsigned short)uv;
		if (s->length <= -2)
			uv = (unsigned char)uv;
		s->plus = s->space = false;
		out_number(o, uv, false, c == 'u' ? 10 : c == 'o' ? 8 : 16, c == 'X', s);
		return;
	case 'p':
		s->alt = true;
		out_number(o, (uintptr_t)va_arg(*ap, void *), false, 16, false, s);
		return;
	case 'c':
		out_char(o, (char)va_arg(*ap, int));
		return;
	case 's':
		out_string(o, va_arg(*ap, const char *), s);
		return;
	default: /* '%' and anything unknown print as themselves */
		out_char(o, c);
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = {.buf = buf, .size = size};
	struct spec s;
	va_list aq;

	va_copy(aq, ap);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			out_char(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &s, &aq);
		if (!*f)
			break;
		out_conversion(&o, *f, &s, &aq);
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Where messages go: the console's writer once it has registered. */
static void (*printk_sink)(const char *s, size_t n);
/* Time since boot for the log's lines, once the timer can tell it. */
static uint64_t (*printk_clock)(void);
/* syslog(2)'s console level: messages below it reach the console. */
static volatile int console_loglevel = CONSOLE_LOGLEVEL_DEFAULT;

/* The kernel log (syslog(2), dmesg): every message since boot, the
 * early ones the console missed included, as much as KLOG_SIZE holds. */
static char kernel_log_buf[KLOG_SIZE];
static struct klog kernel_log = {.buf = kernel_log_buf, .size = KLOG_SIZE};
static struct spinlock kernel_log_lock = SPINLOCK_INIT;

void printk_set_sink(void (*write)(const char *s, size_t n))
{
	printk_sink = write;
}

void printk_set_clock(uint64_t (*ns)(void))
{
	printk_clock = ns;
}

void printk_set_console_level(int level)
{
	console_loglevel = level;
}

struct klog *printk_log_lock(unsigned long *flags)
{
	*flags = csr_read_clear(CSR_SSTATUS, SSTATUS_SIE);
	/* A hart a panic halted may hold the lock: give up after a while
	 * (the message still reaches the console). */
	for (unsigned long tries = 0; !spin_trylock(&kernel_log_lock); tries++)
		if (tries > (1ul << 20)) {
			csr_set(CSR_SSTATUS, *flags & SSTATUS_SIE);
			return NULL;
		}
	return &kernel_log;
}

void printk_log_unlock(unsigned long flags)
{
	spin_unlock(&kernel_log_lock);
	csr_set(CSR_SSTATUS, flags & SSTATUS_SIE);
}

static void log_text(const char *s, size_t n)
{
	uint64_t (*clock)(void) = printk_clock;
	uint64_t now = clock ? clock() : 0;
	unsigned long flags;
	struct klog *l = printk_log_lock(&flags);

	if (!l)
		return;
	klog_append(l, s, n, now);
	printk_log_unlock(flags);
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[256];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;
	void (*sink)(const char *, size_t) = printk_sink;

	log_text(buf, len);
	if (sink && console_loglevel > KLOG_LEVEL_DEFAULT)
		sink(buf, len);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
