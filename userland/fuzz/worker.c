/*
 * A worker: call after call drawn from the list, each checked where the
 * right answer is plain (docs/robustness.md), the pools fed with what the
 * calls returned.  Every FZ_REPORT_EVERY calls it tells the supervisor how
 * far it got; every 64 it tidies up (reaps its children, puts its signal
 * handlers back, empties its scratch files if memory runs low).
 */
#include <errno.h> /* 1-34 are Linux's numbers too */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "worker.h"

static struct fz_worker W;
const unsigned char fz_rodata_sentinel[64] = {0x5e, 0x17, 0x1c, 0xe0, [4 ... 63] = 0xa5};
static unsigned long ro_sum;
static int total_weight;

/* rt_sigreturn's landing: exit_group(42), touching no memory. */
__asm__(".pushsection .text\n"
	".globl fz_landing\n"
	".type fz_landing, @function\n"
	"fz_landing:\n"
	"	li a0, 42\n"
	"	li a7, 94\n"
	"	ecall\n"
	"1:	j 1b\n"
	".popsection\n");

static volatile long signals_caught;

void fz_on_signal(int sig, void *info, void *uc)
{
	(void)sig, (void)info, (void)uc;
	signals_caught++;
}

/* SIGUSR1 and SIGUSR2 caught, SIGPIPE ignored (a write to a pipe nobody
 * reads is EPIPE), nothing blocked: the supervisor's signals end a
 * sleeping call with EINTR.  With all, also every other signal the
 * calls gave a handler goes back to its default. */
static void handlers_reset(struct fz_worker *w, bool all)
{
	struct kernel_sigaction act = {(void *)fz_on_signal, LINUX_SA_SIGINFO, 0};
	struct kernel_sigaction ign = {(void *)1, 0, 0}, dfl = {0, 0, 0};
	uint64_t none = 0;

	for (int sig = 1; all && sig <= 64; sig++)
		if (w->sig_touched >> (sig - 1) & 1)
			syscall4(__NR_rt_sigaction, sig, (long)&dfl, 0, 8);
	w->sig_touched = all ? 0 : w->sig_touched;
	syscall4(__NR_rt_sigaction, LINUX_SIGUSR1, (long)&act, 0, 8);
	syscall4(__NR_rt_sigaction, LINUX_SIGUSR2, (long)&act, 0, 8);
	syscall4(__NR_rt_sigaction, LINUX_SIGPIPE, (long)&ign, 0, 8);
	syscall4(__NR_rt_sigprocmask, LINUX_SIG_SETMASK, (long)&none, 0, 8);
}

static void report(struct fz_worker *w, bool done)
{
	struct fz_progress p = {w->index, w->gen, w->done, w->findings, done};

	if (w->child)
		return; /* the supervisor counts the worker's own calls */
	syscall3(__NR_write, FZ_FD_PROGRESS, (long)&p, sizeof(p));
}

static unsigned long ro_checksum(struct fz_worker *w)
{
	const unsigned long *p = (const unsigned long *)ar_page(w, AR_RO);
	unsigned long sum = 0;

	for (size_t i = 0; i < PG / 8; i++)
		sum = sum * 31 + p[i];
	for (size_t i = 0; i < sizeof(fz_rodata_sentinel); i++)
		sum = sum * 31 + fz_rodata_sentinel[i];
	return sum;
}

/*
 * ---- the call log (-l): written before the call, the result after ----
 *
 * Each line is built on the stack and written whole, nothing kept in the
 * worker's state across the call: a call that writes where it should not
 * (finding 14 of robustness.md wrote a file's bytes over the worker's bss)
 * cannot lose or garble the line of the call that did it.  The children of
 * clone log too, each line whole, their calls being as likely culprits.
 */
struct fz_line {
	size_t len;
	char buf[1024];
};

static void line_put(struct fz_line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line_put(struct fz_line *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len = l->len + (size_t)n < sizeof(l->buf) ? l->len + (size_t)n
							     : sizeof(l->buf) - 1;
}

/* Straight to the log fd (a constant): say_fd lives in memory. */
static void line_write(const struct fz_line *l)
{
	syscall3(__NR_write, FZ_FD_LOG, (long)l->buf, (long)l->len);
}

static void log_arg(struct fz_line *l, struct fz_worker *w, const struct fz_call *c, int i)
{
	unsigned long v = w->d.a[i];
	bool number = c->kind[i] == SYSCALL_KIND_INT || c->kind[i] == SYSCALL_KIND_FD ||
		      c->kind[i] == SYSCALL_KIND_DIRFD || c->kind[i] == SYSCALL_KIND_SIZE ||
		      c->kind[i] == SYSCALL_KIND_OFF || c->kind[i] == SYSCALL_KIND_PID ||
		      c->kind[i] == SYSCALL_KIND_SIG;

	line_put(l, "%s%s=", i ? ", " : "", c->argname[i]);
	if (number && (long)v > -100000 && (long)v < 100000)
		line_put(l, "%ld", (long)v);
	else if (c->kind[i] == SYSCALL_KIND_MODE)
		line_put(l, "0%lo", v);
	else
		line_put(l, "0x%lx", v);
	const char *s = w->d.str[i];
	if (s && (unsigned long)s == v) {
		size_t n = strnlen(s, 48);
		line_put(l, " \"%.*s\"%s", (int)n, s, n == 48 ? "..." : "");
	}
}

/* The call being made (c NULL: an unknown number nr), for findings. */
static const struct fz_call *cur_call;
static long cur_nr = -1;

/* "w1 g0 #991 ", and a child's pid (its calls are numbered as the call
 * of the worker that made it). */
static void log_who(struct fz_line *l, struct fz_worker *w)
{
	line_put(l, "w%d g%d #%ld ", w->index, w->gen, w->done);
	if (w->child)
		line_put(l, "child %ld: ", syscall0(__NR_getpid));
}

static void format_call(struct fz_line *l, struct fz_worker *w, const struct fz_call *c, long nr)
{
	log_who(l, w);
	if (!c) {
		line_put(l, "syscall(%ld, 0x%lx, 0x%lx, 0x%lx)", nr, w->d.a[0], w->d.a[1],
			 w->d.a[2]);
	} else {
		line_put(l, "%s(", c->name);
		for (int i = 0; i < c->nargs; i++)
			log_arg(l, w, c, i);
		line_put(l, ")");
	}
}

/*
 * The result follows on the call's line, but when a child of clone may be
 * logging at the same time (a child's lines, the worker's while it has
 * children, and clone's own): then each goes on a line of its own.
 */
static bool log_call(struct fz_worker *w, const struct fz_call *c, long nr)
{
	bool whole = w->child || w->nkids || (c && c->nr == __NR_clone);
	struct fz_line l = {0};

	format_call(&l, w, c, nr);
	if (whole)
		line_put(&l, "\n");
	line_write(&l);
	return whole;
}

static void log_result(struct fz_worker *w, bool whole, long r)
{
	const char *e = r < 0 ? fz_errname(-r) : NULL;
	struct fz_line l = {0};

	if (whole)
		log_who(&l, w); /* "w1 g0 #991 = 3" */
	else
		line_put(&l, " ");
	if (r < 0 && r > -4096)
		line_put(&l, "= %ld %s\n", r, e ? e : "");
	else
		line_put(&l, "= %ld (0x%lx)\n", r, (unsigned long)r);
	line_write(&l);
}

/* A finding: what is wrong, and the call (arguments as drawn). */
void fz_finding(struct fz_worker *w, const char *fmt, ...)
{
	struct fz_line l = {0};
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	line_put(&l, "fuzz: FINDING: worker %d gen %d call %ld%s: %s\n", w->index, w->gen, w->done,
		 w->child ? " (in a child)" : "", msg);
	line_write(&l);
	if (cur_call || cur_nr >= 0) {
		l.len = 0;
		line_put(&l, "fuzz: FINDING: in ");
		format_call(&l, w, cur_call, cur_nr);
		line_put(&l, "\n");
		line_write(&l);
	}
	w->findings++;
	report(w, false);
}

/* ---- the last line of defence: the rules' limits, checked again ---- */

static bool pid_ours(struct fz_worker *w, long pid)
{
	pid = (int)pid; /* what the kernel reads */
	if (pid == 0 || pid == w->pid || pid == -(long)w->pid || pid >= 0x40000000 ||
	    pid <= -0x40000000)
		return true;
	for (int i = 0; i < w->nkids; i++)
		if (pid == w->kids[i])
			return true;
	return false;
}

static bool reboot_stops(const unsigned long *a)
{
	static const uint32_t magic2[] = {672274793, 85072278, 369367448, 537993216};
	static const uint32_t stop[] = {0x01234567, 0xcdef0123, 0x4321fedc,
					0xa1b2c3d4, 0x45584543, 0xd000fce2};
	bool m2 = false, cmd = false;

	for (int i = 0; i < 4; i++)
		m2 |= (uint32_t)a[1] == magic2[i];
	for (int i = 0; i < 6; i++)
		cmd |= (uint32_t)a[2] == stop[i];
	return (uint32_t)a[0] == 0xfee1deadu && m2 && cmd;
}

static bool allowed(struct fz_worker *w, const struct fz_call *c)
{
	const unsigned long *a = w->d.a;
	bool ok = true;

	if (c->nr == __NR_kill)
		ok = pid_ours(w, (long)a[0]);
	else if (c->nr == __NR_tgkill)
		ok = pid_ours(w, (long)a[0]) && pid_ours(w, (long)a[1]);
	else if (c->nr == __NR_reboot)
		ok = !reboot_stops(a);
	else if (c->nr == __NR_syslog)
		ok = (int)a[0] != 6 && (int)a[0] != 8; /* the console stays loud */
	else if (c->nr == __NR_setpgid)
		ok = (int)a[1] <= 0 || (int)a[1] == w->pid || (int)a[1] >= 0x40000000;
	else if (c->nr == __NR_clone)
		ok = !(a[0] & ~(0xfful | 0x00100000 | 0x00200000 | 0x01000000));
	if (!ok)
		fz_finding(w, "the fuzzer drew a forbidden %s(0x%lx, 0x%lx, 0x%lx): not made",
			   c->name, a[0], a[1], a[2]);
	return ok;
}

/* ---- checks ---- */

/* A string of ours at p no path may be: PATH_MAX bytes or more, a name of
 * more than NAME_MAX, or unterminated before the unmapped page. */
static bool path_too_long(struct fz_worker *w, unsigned long p)
{
	const char *lo = ar_page(w, AR_STR), *hi = ar_page(w, AR_HOLE2), *s = (const char *)p;
	size_t run = 0;

	if (s < lo || s >= hi)
		return false;
	for (; s < hi && *s; s++) {
		run = *s == '/' ? 0 : run + 1;
		if (run > FZ_NAME_MAX)
			return true;
	}
	return s == hi || s - (const char *)p >= FZ_PATH_MAX;
}

static uint64_t sleep_t0, sleep_ns;
static bool fd_was_open; /* the call's first argument, an fd, was open before it */

/* The calls whose OUT buffer's size is the next argument: its index. */
static int out_sized(long nr)
{
	switch (nr) {
	case __NR_read:
	case __NR_pread64:
	case __NR_getdents64:
		return 1;
	case __NR_getcwd:
	case __NR_getrandom:
		return 0;
	case __NR_readlinkat:
		return 2;
	default:
		return -1;
	}
}

static void prepare_checks(struct fz_worker *w, const struct fz_call *c)
{
	unsigned long *a = w->d.a;

	for (int i = 0; i < c->nargs; i++)
		if (c->kind[i] == SYSCALL_KIND_PATH)
			w->d.too_long |= path_too_long(w, a[i]);
	int out = out_sized(c->nr);
	if (out >= 0) {
		unsigned long n = c->size[out + 1] == 4 ? (uint32_t)a[out + 1] : a[out + 1];
		if (n < (1ul << 20) && fz_in_data(w, a[out], n + 32)) {
			w->d.canary = a[out] + n;
			memset((void *)w->d.canary, 0xc3, 32);
		}
	}
	sleep_ns = 0;
	if (c->nr == __NR_nanosleep && fz_in_data(w, a[0], 16)) {
		const long *ts = (const long *)a[0];
		if (ts[0] >= 0 && ts[1] >= 0 && ts[1] < 1000000000)
			sleep_ns = ts[0] > 1000000 ? ~0ull
						   : (uint64_t)ts[0] * 1000000000 + (uint64_t)ts[1];
		sleep_t0 = fz_now_ns();
	}
}

/* Calls that return a byte count never return more than they were asked. */
static void check_count(struct fz_worker *w, const struct fz_call *c, long r)
{
	const unsigned long *a = w->d.a;
	unsigned long max;

	switch (c->nr) {
	case __NR_read:
	case __NR_write:
	case __NR_pread64:
	case __NR_pwrite64:
		max = a[2];
		break;
	case __NR_getrandom:
		max = a[1];
		break;
	case __NR_getdents64:
		max = (uint32_t)a[2];
		break;
	case __NR_readlinkat:
		max = (unsigned long)(long)(int)a[3];
		break;
	case __NR_getcwd:
		max = a[1];
		break;
	default:
		return;
	}
	if (r > 0 && (unsigned long)r > max)
		fz_finding(w, "%s returned %ld, more than the %lu bytes asked for", c->name, r,
			   max);
}

/*
 * The fd table the worker keeps is exact (only its own calls change it),
 * so: calls that look their fd up before anything else (on Linux too)
 * answer EBADF for a number that is not open, and fstat or fcntl(F_GETFD)
 * never answer EBADF for one that is.
 */
static bool looks_up_fd_first(long nr)
{
	switch (nr) {
	case __NR_close:
	case __NR_dup:
	case __NR_fstat:
	case __NR_fsync:
	case __NR_fdatasync:
	case __NR_fchdir:
	case __NR_getdents64:
	case __NR_fstatfs:
	case __NR_read:
	case __NR_write:
	case __NR_readv:
	case __NR_writev:
	case __NR_lseek:
	case __NR_ioctl:
		return true;
	default:
		return false;
	}
}

static void check_fd(struct fz_worker *w, const struct fz_call *c, long fd, bool open, long r)
{
	bool lookup_only =
		c->nr == __NR_fstat || (c->nr == __NR_fcntl && (int)w->d.a[1] == LINUX_F_GETFD);

	if (!open && looks_up_fd_first(c->nr) && r != -EBADF)
		fz_finding(w, "%s(fd %ld, which is not open) returned %ld, not EBADF", c->name, fd,
			   r);
	if (open && lookup_only && r == -EBADF)
		fz_finding(w, "%s(fd %ld, which is open) returned EBADF", c->name, fd);
}

static void check_result(struct fz_worker *w, const struct fz_call *c, long r)
{
	/* futex: ENOSYS is Linux's own answer to an operation it does not
	 * know (and Sluice's to the PI ones it lacks). */
	if (r == -LINUX_ENOSYS && c->nr != __NR_futex)
		fz_finding(w, "%s, a call of the list, returned ENOSYS", c->name);
	if (c->nargs && c->kind[0] == SYSCALL_KIND_FD && !w->child) {
		long fd = (int)w->d.a[0];
		check_fd(w, c, fd, fd_was_open, r);
	}
	if (r < 0 && r >= -4095 && -r > 133) /* EHWPOISON, 133, is Linux's last */
		fz_finding(w, "%s returned %ld: not a Linux errno", c->name, r);
	if (r >= 0 && w->d.too_long)
		fz_finding(w,
			   "%s succeeded (%ld) with a path of PATH_MAX bytes or more, or a name "
			   "over NAME_MAX",
			   c->name, r);
	if (w->d.ro && ro_checksum(w) != ro_sum) {
		fz_finding(w, "%s changed read-only memory", c->name);
		ro_sum = ro_checksum(w);
	}
	if (w->d.canary) {
		const unsigned char *p = (const unsigned char *)w->d.canary;
		for (int i = 0; i < 32; i++)
			if (p[i] != 0xc3) {
				fz_finding(w, "%s wrote past the end of its buffer", c->name);
				break;
			}
	}
	if (sleep_ns && r == 0 && fz_now_ns() - sleep_t0 < sleep_ns)
		fz_finding(w, "nanosleep({%ld, %ld}) returned 0 after %llu ns",
			   ((const long *)w->d.a[0])[0], ((const long *)w->d.a[0])[1],
			   (unsigned long long)(fz_now_ns() - sleep_t0));
	check_count(w, c, r);
}

/* ---- the calls that are not plain calls ---- */

static void step(struct fz_worker *w);

/*
 * A child of clone: it exits at once, sleeps a millisecond and exits, dies
 * of SIGSEGV, or makes a few calls of its own, on the files it shares with
 * the worker (offsets, pipes), while the worker goes on (its own children
 * then only exit).  The worker kills what is left of it at the next tidying.
 */
static __attribute__((noreturn)) void child_life(struct fz_worker *w)
{
	volatile uintptr_t nowhere = 8;

	switch (w->d.child_mode) {
	case 0:
		syscall1(__NR_exit_group, 3);
		break;
	case 1:
		fz_sleep_ms(1);
		syscall1(__NR_exit, 4);
		break;
	case 2:
		*(volatile int *)nowhere = 1; /* dies of SIGSEGV */
		break;
	case 3:
		w->child = true;
		w->rng.s ^=
			0x9e3779b97f4a7c15ull * (uint64_t)(w->done + 1); /* a stream of its own */
		for (int n = 4 + (int)fz_below(&w->rng, 28); n > 0; n--)
			step(w);
		break;
	}
	for (;;)
		syscall1(__NR_exit_group, 0);
}

/* -v: per call of the list, how often made, how often it succeeded, and
 * which errors (bit e: errno e, up to 63) it returned. */
#define FZ_CALLS_MAX 128
static uint32_t st_made[FZ_CALLS_MAX], st_ok[FZ_CALLS_MAX];
static uint64_t st_errs[FZ_CALLS_MAX];

static void stats_count(const struct fz_call *c, long r)
{
	long i = c - fz_calls;

	if (i < 0 || i >= FZ_CALLS_MAX)
		return;
	st_made[i]++;
	if (r >= 0 || r < -4095)
		st_ok[i]++;
	else if (-r < 64)
		st_errs[i] |= 1ull << -r;
}

static void stats_print(struct fz_worker *w)
{
	for (int i = 0; i < fz_ncalls && i < FZ_CALLS_MAX; i++) {
		char errs[256] = "";
		for (int e = 1; e < 64; e++)
			if (st_errs[i] >> e & 1)
				snprintf(errs + strlen(errs), sizeof(errs) - strlen(errs), " %s",
					 fz_errname(e) ? fz_errname(e) : "E?");
		fz_say("fuzz: w%d %-18s %6u made, %6u ok;%s\n", w->index, fz_calls[i].name,
		       st_made[i], st_ok[i], errs);
	}
}

static void run_call(struct fz_worker *w, const struct fz_call *c)
{
	const unsigned long *a = w->d.a;
	long fd0 = (int)a[0];

	cur_call = c, cur_nr = -1;
	if (!allowed(w, c))
		return;
	prepare_checks(w, c);
	fd_was_open = fd0 >= 0 && fd0 < 64 &&
		      (fz_fd_kind(w, fd0) >= 0 || fd0 == FZ_FD_LOG || fd0 == FZ_FD_PROGRESS);
	bool log = w->log, whole = log && log_call(w, c, c->nr); /* kept off w across the call */
	long r = syscall6(c->nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4],
			  (long)a[5]);
	if (c->nr == __NR_clone && r == 0)
		child_life(w);
	if (log)
		log_result(w, whole, r);
	stats_count(c, r);
	check_result(w, c, r);
	fz_after_call(w, c, r);
	/* Put the supervisor's signals back, mostly: a worker that blocks or
	 * ignores them sleeps until the watchdog kills it. */
	if ((c->nr == __NR_rt_sigaction || c->nr == __NR_rt_sigprocmask) &&
	    fz_chance(&w->rng, 3, 4))
		handlers_reset(w, false);
}

/* A number that is not in the list: the kernel must answer ENOSYS. */
static void call_unknown(struct fz_worker *w)
{
	long nr;

	do {
		switch (fz_below(&w->rng, 5)) {
		case 0:
		case 1:
			nr = (long)fz_below(&w->rng, SYSCALL_LINUX_END);
			break;
		case 2:
			nr = SYSCALL_LINUX_END +
			     (long)fz_below(&w->rng, SYSCALL_SLUICE_BASE - SYSCALL_LINUX_END);
			break;
		case 3:
			nr = SYSCALL_SLUICE_BASE + (long)fz_below(&w->rng, 64);
			break;
		default: /* with high bits set: the whole register is the number */
			nr = (long)(fz_rand(&w->rng) << fz_below(&w->rng, 2) * 32) | 63;
		}
	} while (fz_known(nr));
	memset(&w->d, 0, sizeof(w->d));
	for (int i = 0; i < 6; i++)
		w->d.a[i] = fz_int(w);
	cur_call = NULL, cur_nr = nr;
	bool log = w->log, whole = log && log_call(w, NULL, nr);
	long r = syscall6(nr, (long)w->d.a[0], (long)w->d.a[1], (long)w->d.a[2], (long)w->d.a[3],
			  (long)w->d.a[4], (long)w->d.a[5]);
	if (log)
		log_result(w, whole, r);
	if (r != -LINUX_ENOSYS)
		fz_finding(w, "unknown call %ld (0x%lx) returned %ld, not ENOSYS", nr,
			   (unsigned long)nr, r);
}

/*
 * rt_sigreturn from a frame the worker builds, in a child: a good frame
 * (pc at fz_landing, a stack in the data area, the other registers
 * random) must land there and exit 42; a bad one must kill the child
 * with a signal, never the kernel.  Linux riscv64's rt_sigframe: 128
 * bytes of siginfo, then the ucontext, whose mask is 40 bytes in and whose
 * registers (pc, x1..x31) 176.
 */
#define SF_UC	   128
#define UC_SIGMASK 40
#define UC_REGS	   176
#define SF_SIZE	   (SF_UC + UC_REGS + 32 * 8 + 528)

static void sigreturn_test(struct fz_worker *w)
{
	bool good;
	int status = 0;

	memset(&w->d, 0, sizeof(w->d));
	cur_call = NULL, cur_nr = -1;
	/* Not in a clone child: its stack may be in the data area, where the
	 * frame goes, and its own calls overwrite the frame (seed 35050: the
	 * frame's pc read back 0; robustness.md, finding 21). */
	good = fz_chance(&w->rng, 2, 3) && !w->child;
	unsigned long *f =
		(unsigned long *)(((unsigned long)fz_data(w, SF_SIZE + 16) + 15) & ~15ul);
	unsigned long *regs = (unsigned long *)((char *)f + SF_UC + UC_REGS);
	for (size_t i = 0; i < SF_SIZE / 8; i++)
		f[i] = fz_int(w);
	regs[0] = good ? (unsigned long)fz_landing : fz_ptr(w, false);
	regs[2] = (unsigned long)ar_page(w, AR_DATA) + 4 * PG;
	if (good) /* every signal blocked: none can come between it and the landing */
		*(uint64_t *)((char *)f + SF_UC + UC_SIGMASK) = ~0ull;
	unsigned long sp = good ? (unsigned long)f : fz_ptr(w, false);
	struct fz_line l = {0};
	bool whole = w->child || w->nkids; /* as log_call's */
	if (w->log) {
		log_who(&l, w);
		line_put(&l, "rt_sigreturn (in a child, sp=0x%lx, frame pc=0x%lx)%s", sp, regs[0],
			 whole ? "\n" : "");
		line_write(&l);
	}
	/* The child starts with every signal blocked and leaves the worker's
	 * group: only a SIGKILL from another worker's kill(0) can reach it. */
	uint64_t all = ~0ull, old = 0;
	syscall4(__NR_rt_sigprocmask, LINUX_SIG_SETMASK, (long)&all, (long)&old, 8);
	long pid = syscall5(__NR_clone, LINUX_SIGCHLD, 0, 0, 0, 0);
	if (pid != 0)
		syscall4(__NR_rt_sigprocmask, LINUX_SIG_SETMASK, (long)&old, 0, 8);
	if (pid == 0) {
		syscall2(__NR_setpgid, 0, 0);
		register long a7 __asm__("a7") = __NR_rt_sigreturn;
		__asm__ volatile("mv sp, %1\n\tecall" : : "r"(a7), "r"(sp) : "memory");
		syscall1(__NR_exit_group, 43); /* not reached: sp is the frame now */
	}
	while (pid > 0 && syscall4(__NR_wait4, pid, (long)&status, 0, 0) == -EINTR)
		; /* the supervisor's signals */
	if (w->log) {
		l.len = 0;
		if (whole)
			log_who(&l, w);
		line_put(&l, "%s= wait status 0x%x\n", whole ? "" : " ", status);
		line_write(&l);
	}
	if (pid > 0 && good && status != 42 << 8 && status != LINUX_SIGKILL)
		fz_finding(w, "rt_sigreturn to a good frame: wait status 0x%x, not exit 42",
			   status);
}

/* exit or exit_group now and then: the supervisor starts another worker. */
static void fuzzed_exit(struct fz_worker *w)
{
	long nr = fz_chance(&w->rng, 1, 2) ? __NR_exit : __NR_exit_group;
	long code = (long)fz_int(w);

	for (int i = 0; i < fz_ncalls; i++)
		if (fz_calls[i].nr == nr && fz_calls[i].excluded)
			return;
	report(w, false);
	if (w->log) {
		struct fz_line l = {0};
		log_who(&l, w);
		line_put(&l, "%s(code=%ld)\n", nr == __NR_exit ? "exit" : "exit_group", code);
		line_write(&l);
	}
	syscall1(nr, code);
}

static const struct fz_call *pick_call(struct fz_worker *w)
{
	long at = (long)fz_below(&w->rng, (uint64_t)total_weight);

	for (int i = 0; i < fz_ncalls; i++) {
		at -= fz_weight(&fz_calls[i]);
		if (at < 0)
			return &fz_calls[i];
	}
	return &fz_calls[0];
}

static void step(struct fz_worker *w)
{
	uint64_t r = fz_below(&w->rng, 4000);
	const struct fz_call *c;

	if (r == 0)
		fuzzed_exit(w);
	if (r < 200) {
		call_unknown(w);
		return;
	}
	c = pick_call(w);
	if (c->nr == __NR_rt_sigreturn) {
		sigreturn_test(w);
		return;
	}
	fz_draw_args(w, c);
	run_call(w, c);
}

/* ---- tidying up, every 64 calls ---- */

static long free_at_start;

static void make_scratch(struct fz_worker *w);

/*
 * Make the /tmp scratch root the working directory: a directory again if
 * a call removed it or put a file or a symbolic link in its place, and
 * searchable.  Else the worker ends: in the supervisor's working
 * directory, /, its relative paths would make names outside the scratch
 * directories (seed 25021 on 4 harts made /l0 and /l1: a worker started
 * where a file stood at its root, and its chdir failed).
 */
static void enter_scratch(struct fz_worker *w)
{
	for (int tries = 0; tries < 4; tries++) {
		long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)w->tmp,
				   LINUX_O_DIRECTORY | LINUX_O_NOFOLLOW, 0);
		long r = fd >= 0 ? syscall1(__NR_fchdir, fd) : -1;
		if (fd >= 0)
			syscall1(__NR_close, fd);
		if (r == 0)
			return;
		syscall3(__NR_unlinkat, LINUX_AT_FDCWD, (long)w->tmp, 0); /* a file or a link */
		syscall4(__NR_fchmodat, LINUX_AT_FDCWD, (long)w->tmp, 0755, 0);
		make_scratch(w);
	}
	fz_say("fuzz: worker %d: no scratch directory to work in; it ends\n", w->index);
	syscall1(__NR_exit_group, 0);
}

/* Memory runs low (the scratch files in /tmp are RAM): empty them. */
static void empty_scratch(struct fz_worker *w)
{
	for (int i = 0; i < w->nfds; i++)
		if (w->fds[i].kind == FDK_SCRATCH)
			syscall2(__NR_ftruncate, w->fds[i].fd, 0);
	fz_rm_tree_under(w->tmp); /* (it leaves / the working directory) */
	enter_scratch(w);
}

/* The scratch roots, and a few directories in each for paths to find. */
static void make_scratch(struct fz_worker *w)
{
	static const char *const dirs[] = {"", "/a", "/b", "/a/b"};
	char path[48];

	syscall3(__NR_mkdirat, LINUX_AT_FDCWD, (long)"/mnt/fuzz", 0755);
	syscall3(__NR_mkdirat, LINUX_AT_FDCWD, (long)FZ_SHARED_TMP, 0755);
	syscall3(__NR_mkdirat, LINUX_AT_FDCWD, (long)FZ_SHARED_MNT, 0755);
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s%s", w->tmp, dirs[i]);
		syscall3(__NR_mkdirat, LINUX_AT_FDCWD, (long)path, 0755);
		snprintf(path, sizeof(path), "%s%s", w->mnt, dirs[i]);
		syscall3(__NR_mkdirat, LINUX_AT_FDCWD, (long)path, 0755);
	}
}

static void tidy(struct fz_worker *w)
{
	handlers_reset(w, true);
	/* Most children have ended by now; the busy ones may sleep in a call. */
	for (int i = 0; i < w->nkids; i++) {
		syscall2(__NR_kill, w->kids[i], LINUX_SIGKILL);
		syscall4(__NR_wait4, w->kids[i], 0, 0, 0);
	}
	w->nkids = 0;
	while (syscall4(__NR_wait4, -1, 0, 1 /* WNOHANG */, 0) > 0)
		;
	make_scratch(w);
	if (syscall0(__NR_sluice_free_pages) < free_at_start / 2)
		empty_scratch(w);
	if (w->done % 256 == 0)
		fz_arena_refresh(w);
}

/* ---- start and life ---- */

static void open_fd(struct fz_worker *w, const char *path, long flags, int kind)
{
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path, flags, 0644);

	if (fd >= 0)
		fz_fd_add(w, fd, kind);
}

/* Only the fuzzer's own fds stay open; 0-2 become /dev/null; a few of
 * each kind start the pool. */
static void setup_fds(struct fz_worker *w)
{
	char path[48];
	int p[2];
	/* The model holds fds below 64 (fz_worker.fds) and takes 64, 65 and
	 * 1000 for never-open numbers; the kernel's table grows to 1024, so the
	 * worker's RLIMIT_NOFILE keeps it below 64 (rlimit_new never changes
	 * it: every new value it draws is refused or names no limit). */
	const unsigned long nofile[2] = {64, 64};

	syscall4(__NR_prlimit64, 0, 7 /* RLIMIT_NOFILE */, (long)nofile, 0);
	for (int fd = 0; fd < 64; fd++)
		if (fd != FZ_FD_LOG && fd != FZ_FD_PROGRESS)
			syscall1(__NR_close, fd);
	syscall4(__NR_openat, LINUX_AT_FDCWD, (long)"/dev/null", 2, 0);
	syscall3(__NR_dup3, 0, 1, 0);
	syscall3(__NR_dup3, 0, 2, 0);
	for (int fd = 0; fd < 3; fd++)
		fz_fd_add(w, fd, FDK_OTHER);
	open_fd(w, w->tmp, LINUX_O_DIRECTORY | LINUX_O_NOFOLLOW, FDK_SCRATCH);
	open_fd(w, w->mnt, LINUX_O_DIRECTORY | LINUX_O_NOFOLLOW, FDK_SCRATCH);
	snprintf(path, sizeof(path), "%s/f0", w->tmp);
	open_fd(w, path, 2 | LINUX_O_CREAT, FDK_SCRATCH);
	snprintf(path, sizeof(path), "%s/f0", w->mnt);
	open_fd(w, path, 2 | LINUX_O_CREAT, FDK_SCRATCH);
	open_fd(w, "/", LINUX_O_DIRECTORY, FDK_OTHER);
	open_fd(w, "/dev/zero", 0, FDK_OTHER);
	open_fd(w, "/proc/meminfo", 0, FDK_OTHER);
	if (syscall2(__NR_pipe2, (long)p, 0) == 0) {
		fz_fd_add(w, p[0], FDK_PIPE_R);
		fz_fd_add(w, p[1], FDK_PIPE_W);
	}
}

static void worker_init(struct fz_worker *w, int index, int gen, long budget)
{
	memset(w, 0, sizeof(*w));
	w->index = index;
	w->gen = gen;
	w->budget = budget;
	w->log = fz_opts.log && index == fz_opts.first;
	w->pid = (int)syscall0(__NR_getpid);
	syscall2(__NR_setpgid, 0, 0); /* its own group: kill(0, ...) stays inside */
	fz_set_say_fd(FZ_FD_LOG);
	fz_scratch_tmp(index, w->tmp, sizeof(w->tmp));
	fz_scratch_mnt(index, w->mnt, sizeof(w->mnt));
	make_scratch(w);
	enter_scratch(w);
	for (int i = 0; i < 8; i++)
		w->closed[i] = -1;
	setup_fds(w);
	fz_rng_init(&w->rng, fz_opts.seed, index, gen);
	fz_arena_init(w);
	ro_sum = ro_checksum(w);
	handlers_reset(w, true);
	free_at_start = syscall0(__NR_sluice_free_pages);
	total_weight = 0;
	for (int i = 0; i < fz_ncalls; i++)
		total_weight += fz_weight(&fz_calls[i]);
}

void fz_worker(int index, int gen, long budget)
{
	struct fz_worker *w = &W;

	worker_init(w, index, gen, budget);
	while (w->done < w->budget) {
		step(w);
		w->done++;
		if (w->done % FZ_REPORT_EVERY == 0)
			report(w, false);
		if (w->done % 64 == 0)
			tidy(w);
	}
	if (fz_opts.verbose)
		stats_print(w);
	report(w, true);
	syscall1(__NR_exit_group, 0);
	for (;;)
		;
}
