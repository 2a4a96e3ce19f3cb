/*
 * The trap tracer: one line for each trap as it happens, for every process
 * (or the ones a filter names), for system calls, faults and interrupts,
 * and for the sleeps and wake-ups between them, so that the founding story
 * (open("foo"): the ecall, the copy of the path, the sleep on the disk,
 * the disk's interrupt on another hart, the wake-up, the return) can be
 * watched line by line.  docs/tracing.md is the user's guide.
 *
 * A line is made at the event, in the context of the event (a trap
 * handler, an interrupt, the scheduler with a process's lock held), so
 * making it may not sleep or fault: strings come from user memory only
 * through strncpy_from_user's fault-safe copy, everything else is
 * formatted from values, and the line goes to the console (printk) or to
 * a ring of lines under a spinlock that /proc/trace empties.
 *
 * Names come from the one system-call list (syscall_describe): the call's
 * name, its arguments' names and kinds, which say how to print each.
 */
#include <sluice/cmdline.h>
#include <sluice/errno.h>
#include <sluice/hart.h>
#include <sluice/ksyms.h>
#include <sluice/memlayout.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/spinlock.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
#include <sluice/timer.h>
#include <sluice/trace.h>
#include <sluice/trap.h>
#include <sluice/uaccess.h>

unsigned int trace_on;

/* What to trace; replaced whole by each SPEC (trace_configure). */
static struct {
	unsigned int classes;
	int pid, pgid;	 /* 0: any */
	char comm[16];	 /* "": any */
	bool console;	 /* to the console, not the ring */
	bool some_calls; /* only the calls in calls[] */
	uint64_t calls[(SYSCALL_LINUX_END + 63) / 64];
} cfg;
static struct spinlock cfg_lock = SPINLOCK_INIT;
static int reader_pid; /* the reader of /proc/trace: its own calls would fill the ring */

/* --- the ring --- */

#define RING_SIZE (64 * 1024)
static char ring[RING_SIZE];
static size_t ring_head, ring_tail; /* bytes written and taken, ever */
static uint64_t ring_lost;	    /* lines dropped when it was full */
static struct spinlock ring_lock = SPINLOCK_INIT;

/* Make room for n bytes by dropping the oldest lines whole. */
static void ring_make_room(size_t n)
{
	while (ring_head - ring_tail + n > RING_SIZE) {
		while (ring[ring_tail % RING_SIZE] != '\n')
			ring_tail++;
		ring_tail++;
		ring_lost++;
	}
}

static void ring_put(const char *line, size_t n)
{
	unsigned long flags = spin_lock_irqsave(&ring_lock);

	ring_make_room(n);
	for (size_t i = 0; i < n; i++)
		ring[(ring_head + i) % RING_SIZE] = line[i];
	ring_head += n;
	spin_unlock_irqrestore(&ring_lock, flags);
}

long trace_read(char *ubuf, size_t len)
{
	char buf[512];
	size_t room = MIN(len, sizeof(buf)), n = 0, take = 0;
	unsigned long flags = spin_lock_irqsave(&ring_lock);

	if (ring_lost && room) { /* said in the stream, where it happened */
		int k = snprintf(buf, room, "trace: %lu lines lost (the ring was full)\n",
				 (unsigned long)ring_lost);
		n = MIN((size_t)k, room - 1);
		ring_lost = 0;
	}
	/* Whole lines, as many as fit; a part of one if not even one does. */
	for (size_t i = 0; ring_tail + i < ring_head && n + i < room; i++)
		if (ring[(ring_tail + i) % RING_SIZE] == '\n')
			take = i + 1;
	if (!take && !n)
		take = MIN(room, ring_head - ring_tail);
	for (size_t i = 0; i < take; i++)
		buf[n + i] = ring[(ring_tail + i) % RING_SIZE];
	ring_tail += take;
	spin_unlock_irqrestore(&ring_lock, flags);
	n += take;
	return copy_to_user(ubuf, buf, n) ? -EFAULT : (long)n;
}

void trace_set_reader(int pid)
{
	__atomic_store_n(&reader_pid, pid, __ATOMIC_RELAXED);
}

/* --- lines --- */

struct line {
	char buf[320];
	size_t len;
};

static void add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;

	if (l->len >= sizeof(l->buf))
		return;
	va_start(ap, fmt);
	int n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len = MIN(l->len + (size_t)n, sizeof(l->buf) - 1);
}

/* "[  12.345678] h1 7 cat: ": when, on which hart, which process. */
static void begin(struct line *l, const struct proc *p)
{
	uint64_t us = timer_ns() / 1000;

	l->len = 0;
	add(l, "[%5lu.%06lu] h%u ", (unsigned long)(us / 1000000), (unsigned long)(us % 1000000),
	    this_hart_index());
	if (p)
		add(l, "%d %s: ", p->pid, p->name);
	else
		add(l, "- idle: ");
}

static void finish(struct line *l)
{
	if (l->len >= sizeof(l->buf) - 1)
		l->len = sizeof(l->buf) - 2;
	l->buf[l->len++] = '\n';
	l->buf[l->len] = '\0';
	if (cfg.console)
		printk("trace: %s", l->buf);
	else
		ring_put(l->buf, l->len);
}

/* A kernel address as symbol+offset, a user one in hex. */
static void add_pc(struct line *l, unsigned long pc)
{
	unsigned long off;
	const char *sym = pc >= USER_VA_END ? ksyms_lookup(pc, &off) : NULL;

	if (sym)
		add(l, "%s+0x%lx", sym, off);
	else
		add(l, "0x%lx", pc);
}

/* --- filters --- */

static bool proc_wanted(const struct proc *p)
{
	if (!p)
		return !cfg.pid && !cfg.pgid && !cfg.comm[0];
	return p->pid != __atomic_load_n(&reader_pid, __ATOMIC_RELAXED) &&
	       (!cfg.pid || p->pid == cfg.pid) && (!cfg.pgid || p->pgid == cfg.pgid) &&
	       (!cfg.comm[0] || !strncmp(p->name, cfg.comm, sizeof(cfg.comm)));
}

static bool call_wanted(unsigned long nr)
{
	if (!cfg.some_calls)
		return true;
	return nr < SYSCALL_LINUX_END && (cfg.calls[nr / 64] >> (nr % 64)) & 1;
}

/* --- system calls --- */

/* Linux's names for errno values, for "= -1 ENOENT". */
static const char *const errno_names[] = {
	[1] = "EPERM",
	"ENOENT",
	"ESRCH",
	"EINTR",
	"EIO",
	"ENXIO",
	"E2BIG",
	"ENOEXEC",
	"EBADF",
	"ECHILD",
	"EAGAIN",
	"ENOMEM",
	"EACCES",
	"EFAULT",
	"ENOTBLK",
	"EBUSY",
	"EEXIST",
	"EXDEV",
	"ENODEV",
	"ENOTDIR",
	"EISDIR",
	"EINVAL",
	"ENFILE",
	"EMFILE",
	"ENOTTY",
	"ETXTBSY",
	"EFBIG",
	"ENOSPC",
	"ESPIPE",
	"EROFS",
	"EMLINK",
	"EPIPE",
	"EDOM",
	"ERANGE",
	"EDEADLK",
	"ENAMETOOLONG",
	"ENOLCK",
	"ENOSYS",
	"ENOTEMPTY",
	"ELOOP",
	[75] = "EOVERFLOW",
	[95] = "EOPNOTSUPP",
	[110] = "ETIMEDOUT",
	[117] = "EUCLEAN",
};

static const char *errno_name(long e)
{
	if (e > 0 && (size_t)e < ARRAY_SIZE(errno_names) && errno_names[e])
		return errno_names[e];
	return e == 512	  ? "ERESTARTSYS"
	       : e == 513 ? "ERESTARTNOINTR"
	       : e == 514 ? "ERESTARTNOHAND"
	       : e == 516 ? "ERESTART_RESTARTBLOCK"
			  : "E?";
}

struct flag_name {
	unsigned long bits;
	const char *name;
};

static const struct flag_name open_flags[] = {
	{01, "O_WRONLY"},	 {02, "O_RDWR"},	  {0100, "O_CREAT"},
	{0200, "O_EXCL"},	 {0400, "O_NOCTTY"},	  {01000, "O_TRUNC"},
	{02000, "O_APPEND"},	 {04000, "O_NONBLOCK"},	  {0200000, "O_DIRECTORY"},
	{0400000, "O_NOFOLLOW"}, {02000000, "O_CLOEXEC"}, {0},
};
static const struct flag_name at_flags[] = {
	{0x100, "AT_SYMLINK_NOFOLLOW"},
	{0x200, "AT_REMOVEDIR"},
	{0x400, "AT_SYMLINK_FOLLOW"},
	{0x1000, "AT_EMPTY_PATH"},
	{0},
};
static const struct flag_name prot_flags[] = {
	{1, "PROT_READ"},
	{2, "PROT_WRITE"},
	{4, "PROT_EXEC"},
	{0},
};
static const struct flag_name map_flags[] = {
	{0x01, "MAP_SHARED"},
	{0x02, "MAP_PRIVATE"},
	{0x10, "MAP_FIXED"},
	{0x20, "MAP_ANONYMOUS"},
	{0x100000, "MAP_FIXED_NOREPLACE"},
	{0},
};
static const struct flag_name clone_flags[] = {
	{0x100, "CLONE_VM"},
	{0x200, "CLONE_FS"},
	{0x400, "CLONE_FILES"},
	{0x800, "CLONE_SIGHAND"},
	{0x4000, "CLONE_VFORK"},
	{0x8000, "CLONE_PARENT"},
	{0x10000, "CLONE_THREAD"},
	{0x80000, "CLONE_SETTLS"},
	{0x100000, "CLONE_PARENT_SETTID"},
	{0x200000, "CLONE_CHILD_CLEARTID"},
	{0x1000000, "CLONE_CHILD_SETTID"},
	{0},
};

/* Which names a FLAGS argument's bits have: by call and argument name. */
static const struct flag_name *flags_for(const char *call, const char *arg)
{
	if (!strcmp(arg, "prot"))
		return prot_flags;
	if (!strcmp(call, "openat"))
		return open_flags;
	if (!strcmp(call, "mmap"))
		return map_flags;
	if (!strcmp(call, "clone"))
		return clone_flags;
	if (!strcmp(call, "unlinkat") || !strcmp(call, "newfstatat") || !strcmp(call, "linkat") ||
	    !strcmp(call, "faccessat") || !strcmp(call, "fchmodat") || !strcmp(call, "fchownat") ||
	    !strcmp(call, "utimensat"))
		return at_flags;
	return NULL;
}

static void add_flags(struct line *l, const struct flag_name *names, unsigned long v, bool accmode)
{
	bool any = false;

	if (accmode && !(v & 3)) { /* O_RDONLY is no bit */
		add(l, "O_RDONLY");
		any = true;
	}
	for (; names && names->bits; names++) {
		if ((v & names->bits) == names->bits) {
			add(l, "%s%s", any ? "|" : "", names->name);
			v &= ~names->bits;
			any = true;
		}
	}
	if (v || !any)
		add(l, "%s0x%lx", any ? "|" : "", v);
}

/* A string argument: copied safely, quoted, cut at 48 bytes. */
static void add_user_string(struct line *l, unsigned long uaddr)
{
	char s[49];
	long n = strncpy_from_user_quiet(s, (const char __user *)uaddr, sizeof(s));

	if (n == -ENAMETOOLONG) {
		s[sizeof(s) - 1] = '\0';
		n = (long)sizeof(s) - 1;
	} else if (n < 0) {
		add(l, "0x%lx", uaddr); /* unreadable: the call will say EFAULT */
		return;
	}
	add(l, "\"");
	for (long i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			add(l, "\\%c", c);
		else if (c >= 32 && c < 127)
			add(l, "%c", c);
		else
			add(l, "\\x%02x", c);
	}
	add(l, n == (long)sizeof(s) - 1 ? "\"..." : "\"");
}

static void add_arg(struct line *l, const struct syscall_desc *d, int i, unsigned long v)
{
	add(l, "%s%s=", i ? ", " : "", d->arg_name[i]);
	switch (d->kind[i]) {
	case SYSCALL_KIND_DIRFD:
		if ((int)v == -100) {
			add(l, "AT_FDCWD");
			return;
		}
		/* fall through */
	case SYSCALL_KIND_INT:
	case SYSCALL_KIND_FD:
	case SYSCALL_KIND_SIZE:
	case SYSCALL_KIND_OFF:
	case SYSCALL_KIND_PID:
	case SYSCALL_KIND_SIG:
		add(l, "%ld", (long)v);
		return;
	case SYSCALL_KIND_PATH:
	case SYSCALL_KIND_STR:
		add_user_string(l, v);
		return;
	case SYSCALL_KIND_MODE:
		add(l, v ? "0%lo" : "0", v);
		return;
	case SYSCALL_KIND_FLAGS:
		add_flags(l, flags_for(d->name, d->arg_name[i]), v, !strcmp(d->name, "openat"));
		return;
	default: /* pointers to buffers and structures, commands: in hex */
		add(l, v ? "0x%lx" : "NULL", v);
	}
}

/* Calls whose result is an address, not a count or an fd. */
static bool returns_address(const char *name)
{
	return !strcmp(name, "mmap") || !strcmp(name, "brk") || !strcmp(name, "mremap");
}

long trace_syscall(struct trap_frame *tf)
{
	struct proc *p = current_proc();
	unsigned long nr = tf->x[REG_A7], a[6];
	const struct syscall_desc *d = syscall_describe(nr);
	struct line l;

	if (!(trace_on & TRACE_SYSCALL) || !proc_wanted(p) || !call_wanted(nr))
		return syscall_handle(tf);
	memcpy(a, &tf->x[REG_A0], sizeof(a)); /* the call may change the frame (execve) */
	begin(&l, p);
	if (d) {
		add(&l, "ecall %s(", d->name);
		for (int i = 0; i < d->nargs; i++)
			add_arg(&l, d, i, a[i]);
		add(&l, ") from ");
	} else {
		add(&l, "ecall %lu (no such call) from ", nr);
	}
	add_pc(&l, tf->sepc);
	finish(&l);

	long ret = syscall_handle(tf);
	begin(&l, p);
	add(&l, "return %s", d ? d->name : "?");
	if (ret < 0 && ret >= -4095)
		add(&l, " = -1 %s", errno_name(-ret));
	else if (d && returns_address(d->name))
		add(&l, " = 0x%lx", (unsigned long)ret);
	else
		add(&l, " = %ld", ret);
	add(&l, " to ");
	add_pc(&l, tf->sepc);
	finish(&l);
	return ret;
}

/* --- faults, interrupts, sleeps, copies --- */

void trace_fault(const struct trap_frame *tf, int err)
{
	struct proc *p = current_proc();
	struct line l;

	if (!(trace_on & TRACE_FAULT) || !proc_wanted(p))
		return;
	begin(&l, p);
	add(&l, "%s at 0x%lx, pc ", trap_cause_name(tf->scause), tf->stval);
	add_pc(&l, tf->sepc);
	if (err < 0)
		add(&l, ": %s", err == -ENOMEM ? "no memory" : "a signal (SIGSEGV)");
	else if (err == 0)
		add(&l, ": mapped");
	else
		add(&l, ": a signal");
	finish(&l);
}

/* Who an interrupt interrupted: a process in user mode, or the kernel. */
static void add_interrupted(struct line *l, const struct trap_frame *tf)
{
	add(l, tf->sstatus & SSTATUS_SPP ? ", in the kernel at " : ", in user mode at ");
	add_pc(l, tf->sepc);
}

void trace_irq(const struct trap_frame *tf, unsigned long irq)
{
	unsigned int class = irq == IRQ_S_TIMER ? TRACE_TIMER : irq == IRQ_S_SOFT ? TRACE_IPI : 0;
	struct line l;

	if (!class || !(trace_on & class))
		return;
	begin(&l, current_proc());
	add(&l, "interrupt: %s", class == TRACE_TIMER ? "timer" : "software (IPI)");
	add_interrupted(&l, tf);
	finish(&l);
}

void trace_plic(unsigned int src, const char *name)
{
	struct line l;

	if (!(trace_on & TRACE_IRQ))
		return;
	begin(&l, current_proc());
	add(&l, "interrupt: external, PLIC source %u (%s)", src, name ? name : "nobody's");
	finish(&l);
}

void trace_sleep(void *caller)
{
	struct proc *p = current_proc();
	struct line l;

	if (!(trace_on & TRACE_SCHED) || !proc_wanted(p))
		return;
	begin(&l, p);
	add(&l, "sleeps in ");
	add_pc(&l, (unsigned long)caller);
	finish(&l);
}

void trace_wake(const struct proc *p)
{
	struct line l;

	if (!(trace_on & TRACE_SCHED) || !proc_wanted(p))
		return;
	begin(&l, current_proc());
	add(&l, "wakes %d %s", p->pid, p->name);
	finish(&l);
}

void trace_copy_str(const char *usrc, const char *s, long len)
{
	struct proc *p = current_proc();
	struct line l;

	if (!(trace_on & TRACE_COPY) || !proc_wanted(p))
		return;
	begin(&l, p);
	add(&l, "copies in \"%.*s\"%s, %ld bytes, from 0x%lx", (int)MIN(len, 48), s,
	    len > 48 ? "..." : "", len, (unsigned long)usrc);
	finish(&l);
}

/* --- configuration --- */

static const struct {
	const char *name;
	unsigned int classes;
} class_words[] = {
	{"syscall", TRACE_SYSCALL},
	{"fault", TRACE_FAULT},
	{"irq", TRACE_IRQ},
	{"timer", TRACE_TIMER},
	{"ipi", TRACE_IPI},
	{"sched", TRACE_SCHED},
	{"copy", TRACE_COPY},
	{"all", TRACE_SYSCALL | TRACE_FAULT | TRACE_IRQ | TRACE_IPI | TRACE_SCHED | TRACE_COPY},
	{"on", TRACE_SYSCALL | TRACE_FAULT},
};

static bool word_is(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && !memcmp(w, s, n);
}

static bool parse_int(const char *s, size_t n, int *out)
{
	long v = 0;

	if (!n || n > 9)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = (int)v;
	return true;
}

/* call=NAME+NAME: each a name in the list. */
static bool parse_calls(const char *s, size_t n, uint64_t *calls)
{
	while (n) {
		size_t k = 0;
		while (k < n && s[k] != '+')
			k++;
		bool found = false;
		for (unsigned long nr = 0; nr < SYSCALL_LINUX_END; nr++) {
			const struct syscall_desc *d = syscall_describe(nr);
			if (d && word_is(s, k, d->name)) {
				calls[nr / 64] |= 1ull << (nr % 64);
				found = true;
			}
		}
		if (!found)
			return false;
		s += k + (k < n);
		n -= k + (k < n);
	}
	return true;
}

/* One word of a SPEC into *c; false if it means nothing. */
static bool parse_word(const char *w, size_t n, typeof(cfg) *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(class_words); i++)
		if (word_is(w, n, class_words[i].name)) {
			c->classes |= class_words[i].classes;
			return true;
		}
	if (word_is(w, n, "off"))
		return true;
	if (n > 4 && !memcmp(w, "pid=", 4))
		return parse_int(w + 4, n - 4, &c->pid);
	if (n > 5 && !memcmp(w, "pgid=", 5))
		return parse_int(w + 5, n - 5, &c->pgid);
	if (n > 5 && !memcmp(w, "comm=", 5) && n - 5 < sizeof(c->comm)) {
		memcpy(c->comm, w + 5, n - 5);
		return true;
	}
	if (n > 5 && !memcmp(w, "call=", 5)) {
		c->some_calls = true;
		return parse_calls(w + 5, n - 5, c->calls);
	}
	if (word_is(w, n, "out=console") || word_is(w, n, "out=ring")) {
		c->console = w[4] == 'c';
		return true;
	}
	return false;
}

int trace_configure(const char *spec, size_t len)
{
	typeof(cfg) c = {0};
	bool off = false, filters = false;

	for (size_t i = 0; i < len;) {
		while (i < len && (spec[i] == ' ' || spec[i] == ',' || spec[i] == '\n'))
			i++;
		size_t j = i;
		while (j < len && spec[j] != ' ' && spec[j] != ',' && spec[j] != '\n')
			j++;
		if (j == i)
			break;
		if (!parse_word(spec + i, j - i, &c))
			return -EINVAL;
		off |= word_is(spec + i, j - i, "off");
		filters |= spec[i] == 'p' || spec[i] == 'c';
		i = j;
	}
	if (!c.classes && !off && filters)
		c.classes = TRACE_SYSCALL | TRACE_FAULT; /* a filter alone: the usual classes */
	unsigned long flags = spin_lock_irqsave(&cfg_lock);
	/* Off while the configuration changes: a line made meanwhile would mix
	 * the two (harmless, but not what anyone asked for). */
	__atomic_store_n(&trace_on, 0, __ATOMIC_RELAXED);
	hart_set_trace_on(0);
	cfg = c;
	__atomic_store_n(&trace_on, off ? 0 : c.classes, __ATOMIC_RELEASE);
	hart_set_trace_on(off ? 0 : (uint8_t)c.classes);
	spin_unlock_irqrestore(&cfg_lock, flags);
	return 0;
}

void trace_init(const char *cmdline)
{
	const char *v;
	size_t len;

	if (cmdline_get(cmdline, "trace", &v, &len) && trace_configure(v, len))
		printk("trace: the kernel argument trace=%.*s has a word that means nothing: "
		       "tracing stays off (docs/tracing.md lists the words)\n",
		       (int)len, v);
}
