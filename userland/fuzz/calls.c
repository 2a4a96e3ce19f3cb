/*
 * The calls: the kernel's list (sluice/syscall_list.h) read into a table,
 * each argument drawn by its kind (pools.c), then the rules of the calls
 * that could end the run or change files outside the scratch directory
 * (docs/robustness.md says why each is there).  A call added to the list
 * is fuzzed at once, with the safest pool of each kind: paths and dirfds
 * that stay in the scratch directory, pids of the worker's own.
 */
#include <stdio.h>
#include <string.h>

#include "worker.h"

#define FZ_KIND(arg, i) SYSCALL_ARG_KIND arg
#define FZ_NAME(arg, i) SYSCALL_ARG_NAME arg
#define FZ_SIZE(arg, i) sizeof(SYSCALL_ARG_TYPE arg)
struct fz_call fz_calls[] = {
#define SYSCALL(nr, name, n, ...)                                                                  \
	{nr,                                                                                       \
	 #name,                                                                                    \
	 n,                                                                                        \
	 {SYSCALL_ARGS##n(FZ_KIND, ##__VA_ARGS__)},                                                \
	 {SYSCALL_ARGS##n(FZ_SIZE, ##__VA_ARGS__)},                                                \
	 {SYSCALL_ARGS##n(FZ_NAME, ##__VA_ARGS__)},                                                \
	 false},
#include <sluice/syscall_list.h>
#undef SYSCALL
};
const int fz_ncalls = sizeof(fz_calls) / sizeof(fz_calls[0]);

bool fz_known(long nr)
{
	for (int i = 0; i < fz_ncalls; i++)
		if (fz_calls[i].nr == nr)
			return true;
	return false;
}

bool fz_exclude(const char *list)
{
	char name[32];
	bool ok = true;

	while (list && *list) {
		size_t n = strcspn(list, ",");
		bool found = false;
		snprintf(name, sizeof(name), "%.*s", (int)n, list);
		for (int i = 0; i < fz_ncalls; i++)
			if (!strcmp(fz_calls[i].name, name))
				fz_calls[i].excluded = found = true;
		if (!found) {
			fz_say("fuzz: -x %s: no such call in the list\n", name);
			ok = false;
		}
		list += n + (list[n] == ',');
	}
	return ok;
}

int fz_weight(const struct fz_call *c)
{
	if (c->excluded)
		return 0;
	switch (c->nr) {
	case __NR_exit:
	case __NR_exit_group:
		return 0; /* only now and then, by the worker's own choice */
	case __NR_rt_sigreturn:
	case __NR_sluice_drop_caches:
		return 1;
	case __NR_reboot:
	case __NR_sync:
		return 2;
	case __NR_execve:
	case __NR_mount:
	case __NR_umount2:
	case __NR_clone:
		return 4;
	default:
		return 10;
	}
}

/* ---- drawing by kind ---- */

static const char *const strings[] = {"tmpfs", "proc", "/dev/vda", "", "x"};

static unsigned long draw_kind(struct fz_worker *w, const struct fz_call *c, int i)
{
	switch (c->kind[i]) {
	case SYSCALL_KIND_FD:
		return (unsigned long)fz_fd(w, false);
	case SYSCALL_KIND_DIRFD:
		return (unsigned long)fz_dirfd(w, true);
	case SYSCALL_KIND_PATH:
		return fz_path(w, i, true);
	case SYSCALL_KIND_STR:
		return fz_string(w, i, strings, 5);
	case SYSCALL_KIND_ARGV:
		return fz_argv(w);
	case SYSCALL_KIND_IN:
		return fz_ptr(w, false);
	case SYSCALL_KIND_OUT:
	case SYSCALL_KIND_INOUT:
		return fz_ptr(w, true);
	case SYSCALL_KIND_SIZE:
		return fz_size(w);
	case SYSCALL_KIND_OFF:
		return (unsigned long)fz_off(w);
	case SYSCALL_KIND_ADDR:
		return fz_addr(w);
	case SYSCALL_KIND_FLAGS:
		return fz_flags(w);
	case SYSCALL_KIND_MODE:
		return fz_mode(w);
	case SYSCALL_KIND_PID:
		return (unsigned long)fz_pid(w);
	case SYSCALL_KIND_SIG:
		return (unsigned long)fz_sig(w);
	default: /* INT, CMD */
		return fz_int(w);
	}
}

/*
 * Junk above an int's (or a short's) bits now and then: the kernel must
 * read only the low bits, as Linux does.  The low bits are the value the
 * rules chose, so a rule's limits hold whatever the junk.
 */
static unsigned long add_junk(struct fz_worker *w, const struct fz_call *c, int i, unsigned long v)
{
	int bits = c->size[i] * 8;

	if (bits >= 64 || !fz_chance(&w->rng, 1, 8))
		return v;
	unsigned long keep = (1ul << bits) - 1;
	return (v & keep) | (fz_rand(&w->rng) & ~keep);
}

static unsigned long pick_of(struct fz_worker *w, const unsigned long *t, size_t n)
{
	return t[fz_below(&w->rng, n)];
}
#define ONE_OF(w, ...)                                                                             \
	pick_of(w, (const unsigned long[]){__VA_ARGS__},                                           \
		sizeof((const unsigned long[]){__VA_ARGS__}) / sizeof(unsigned long))

/* ---- the rules ---- */

#define O_LARGEFILE 0100000
#define O_NOATIME   01000000
#define O_PATH	    010000000
#define O_TMPFILE   020200000
/* Open flags that only look; any other bit may change a file. */
#define OPEN_LOOKING                                                                               \
	(LINUX_O_NONBLOCK | LINUX_O_NOCTTY | O_LARGEFILE | LINUX_O_DIRECTORY | LINUX_O_NOFOLLOW |  \
	 O_NOATIME | LINUX_O_CLOEXEC | O_PATH)

static void rule_openat(struct fz_worker *w, unsigned long *a)
{
	unsigned long f =
		ONE_OF(w, 0, 1, 2, 3, 1 | LINUX_O_CREAT | LINUX_O_TRUNC, 2 | LINUX_O_CREAT,
		       1 | LINUX_O_APPEND | LINUX_O_CREAT, 1 | LINUX_O_CREAT | LINUX_O_EXCL,
		       LINUX_O_DIRECTORY, LINUX_O_NOFOLLOW, O_PATH, O_TMPFILE | 2, LINUX_O_TRUNC);

	if (fz_chance(&w->rng, 1, 6))
		f = fz_flags(w);
	f |= ONE_OF(w, 0, 0, LINUX_O_CLOEXEC, LINUX_O_NONBLOCK);
	bool modifying = (f & 3) || (f & 0xffffffff & ~(unsigned long)OPEN_LOOKING);
	a[0] = (unsigned long)fz_dirfd(w, modifying);
	if (modifying && fz_chance(&w->rng, 1, 12)) { /* the devices anyone may write */
		a[1] = (unsigned long)fz_put_str(
			w, 1, fz_chance(&w->rng, 1, 2) ? "/dev/null" : "/dev/zero");
		w->d.scratch[1] = false;
	} else {
		a[1] = fz_path(w, 1, modifying);
	}
	a[2] = f;
}

/* Calls that only look at a path: any dirfd and any path. */
static void rule_look(struct fz_worker *w, const struct fz_call *c, unsigned long *a)
{
	for (int i = 0; i < c->nargs; i++) {
		if (c->kind[i] == SYSCALL_KIND_DIRFD)
			a[i] = (unsigned long)fz_dirfd(w, false);
		else if (c->kind[i] == SYSCALL_KIND_PATH)
			a[i] = fz_path(w, i, false);
	}
	if (c->nr == __NR_newfstatat)
		a[3] = ONE_OF(w, 0, LINUX_AT_SYMLINK_NOFOLLOW, LINUX_AT_EMPTY_PATH, 0x800,
			      LINUX_AT_EMPTY_PATH | LINUX_AT_SYMLINK_NOFOLLOW, fz_flags(w));
	if (c->nr == __NR_faccessat)
		a[2] = ONE_OF(w, 0, 1, 2, 4, 7, fz_int(w));
	if (c->nr == __NR_statx)
		a[2] = ONE_OF(w, 0, LINUX_AT_SYMLINK_NOFOLLOW, LINUX_AT_EMPTY_PATH, 0x2000, 0x6000,
			      fz_flags(w));
}

static void rule_mount(struct fz_worker *w, unsigned long *a)
{
	static const char *const sources[] = {"tmpfs", "none", "/dev/vda", "proc", ""};
	static const char *const types[] = {"tmpfs", "ramfs",	 "proc", "devtmpfs",
					    "ext2",  "nosuchfs", ""};

	a[0] = fz_string(w, 0, sources, 5);
	a[1] = fz_dir_path(w, 1);
	a[2] = fz_string(w, 2, types, 7);
	a[3] = ONE_OF(w, 0, 0, 1 /* MS_RDONLY */, fz_flags(w));
}

/* execve: paths that cannot run, now and then /bin/exit0 (which exits 0). */
static void rule_execve(struct fz_worker *w, unsigned long *a)
{
	static const char *const cannot[] = {"/bin",	      "/bin/notelf",  "/dev/null",
					     "/proc/meminfo", "/nonexistent", "",
					     "/bin/true/",    "/init/x"};

	if (fz_chance(&w->rng, 1, 30)) {
		a[0] = (unsigned long)fz_put_str(w, 0, "/bin/exit0");
		return;
	}
	if (fz_chance(&w->rng, 1, 2))
		a[0] = (unsigned long)fz_put_str(w, 0, cannot[fz_below(&w->rng, 8)]);
	/* else the generic scratch path: files the worker wrote, random bytes
	 * or a mangled ELF header (the loader must refuse or run it safely) */
}

/*
 * syslog: never CONSOLE_OFF (6) or CONSOLE_LEVEL (8), which would quiet
 * the kernel's console for the rest of the run (the messages the test
 * harness waits for among them); READ_ALL instead.
 */
static void rule_syslog(struct fz_worker *w, unsigned long *a)
{
	(void)w;
	if ((int)a[0] == 6 || (int)a[0] == 8)
		a[0] = 3;
}

#define REBOOT_MAGIC1 0xfee1deadu
/*
 * reboot: never both magic numbers with a command that stops the machine.
 * Right magic only with Ctrl-Alt-Del's on/off or an unknown command.
 */
static void rule_reboot(struct fz_worker *w, unsigned long *a)
{
	static const unsigned long magic2[] = {672274793, 85072278, 369367448, 537993216};

	if (fz_chance(&w->rng, 1, 3))
		a[0] = REBOOT_MAGIC1 | (fz_chance(&w->rng, 1, 2) ? 0xffffffff00000000 : 0);
	if ((uint32_t)a[0] != REBOOT_MAGIC1)
		return;
	if (fz_chance(&w->rng, 1, 2)) {
		a[1] = magic2[fz_below(&w->rng, 4)];
		a[2] = ONE_OF(w, 0 /* CAD_OFF */, 0x89abcdef /* CAD_ON */, 0xdeadbeef, 7);
		return;
	}
	for (int i = 0; i < 4; i++)
		if ((uint32_t)a[1] == magic2[i])
			a[1] ^= 1;
}

static void rule_setpgid(struct fz_worker *w, unsigned long *a)
{
	/* Into its own group or one nobody has: never the supervisor's. */
	a[0] = ONE_OF(w, 0, (unsigned long)w->pid, (unsigned long)fz_pid(w), 0x40000000);
	if ((long)(int)a[0] < 0)
		a[0] = 0;
	a[1] = ONE_OF(w, 0, (unsigned long)w->pid, 0x40000000, 0x40000001, -1ul, 0x7fffffff);
}

/* clone: fork-like only (the child runs a few instructions and exits):
 * no shared memory, files, handlers or parent, no new stack. */
#define CLONE_SAFE (0xff | 0x00100000 | 0x00200000 | 0x01000000)
static void rule_clone(struct fz_worker *w, unsigned long *a)
{
	a[0] = ONE_OF(w, LINUX_SIGCHLD, LINUX_SIGCHLD, 0, LINUX_SIGCHLD | 0x01200000,
		      LINUX_SIGCHLD | 0x00100000, fz_flags(w) & CLONE_SAFE);
	if ((a[0] & 0xff) > 64 || fz_chance(&w->rng, 3, 4))
		a[0] = (a[0] & ~0xfful) | LINUX_SIGCHLD;
	a[1] = fz_chance(&w->rng, 7, 8) ? 0 : fz_ptr(w, false);
	int mode = (int)fz_below(&w->rng, 4);
	w->d.child_mode = w->child ? 0 : mode; /* a child's children only exit */
}

static bool fault_signal(long sig)
{
	return sig == LINUX_SIGSEGV || sig == LINUX_SIGBUS || sig == LINUX_SIGILL ||
	       sig == LINUX_SIGFPE || sig == LINUX_SIGTRAP || sig == LINUX_SIGSYS;
}

static void rule_sigaction(struct fz_worker *w, unsigned long *a)
{
	long sig = fz_chance(&w->rng, 1, 2) ? 1 + (long)fz_below(&w->rng, 64) : fz_sig(w);

	a[0] = (unsigned long)sig;
	if (fz_chance(&w->rng, 2, 3)) {
		struct kernel_sigaction *act = (void *)fz_data(w, sizeof(*act));
		/* Our handler only for signals that do not fault again at once. */
		unsigned long ours = fault_signal(sig) ? 0 : (unsigned long)fz_on_signal;
		act->handler = (void *)ONE_OF(w, 0, 1, 0, 1, ours, ours, fz_ptr(w, false));
		act->flags = ONE_OF(w, 0, LINUX_SA_SIGINFO, LINUX_SA_RESTART, LINUX_SA_NODEFER,
				    LINUX_SA_RESETHAND, LINUX_SA_ONSTACK, fz_flags(w));
		act->mask = ONE_OF(w, 0, ~0ul, fz_rand(&w->rng));
		a[1] = (unsigned long)act;
	}
	a[2] = fz_chance(&w->rng, 1, 2) ? 0 : fz_ptr(w, true);
	a[3] = fz_chance(&w->rng, 7, 8) ? 8 : fz_size(w);
}

static void rule_sigprocmask(struct fz_worker *w, unsigned long *a)
{
	uint64_t *set = (uint64_t *)fz_data(w, 8);

	*set = ONE_OF(w, 0, ~0ul, 1ul << (LINUX_SIGUSR1 - 1), fz_rand(&w->rng));
	a[0] = ONE_OF(w, 0, 1, 2, 3, -1ul, fz_int(w));
	a[1] = fz_chance(&w->rng, 1, 4)	  ? 0
	       : fz_chance(&w->rng, 3, 4) ? (unsigned long)set
					  : fz_ptr(w, false);
	a[2] = fz_chance(&w->rng, 1, 2) ? 0 : fz_ptr(w, true);
	a[3] = fz_chance(&w->rng, 7, 8) ? 8 : fz_size(w);
}

/* nanosleep: short sleeps, or long ones that only a signal ends. */
static void rule_nanosleep(struct fz_worker *w, unsigned long *a)
{
	long *ts = (long *)fz_data(w, 16);

	switch (fz_below(&w->rng, 8)) {
	case 0:
		ts[0] = 1L << 40, ts[1] = 0;
		break;
	case 1:
		ts[0] = -1, ts[1] = 0;
		break;
	case 2:
		ts[0] = 0, ts[1] = (long)ONE_OF(w, 1000000000, -1ul, 999999999);
		break;
	default:
		ts[0] = 0, ts[1] = (long)fz_below(&w->rng, 3000000);
	}
	if (fz_chance(&w->rng, 4, 5))
		a[0] = (unsigned long)ts;
	a[1] = fz_chance(&w->rng, 1, 2) ? 0 : fz_ptr(w, true);
}

extern char __bss_end[]; /* user.ld: the program's last byte, its bss's end */

/*
 * The memory calls' lengths: within the playground for its addresses and
 * within a mapping for a mapping's, so they do not take the arena, the
 * program or the stack away; anything for addresses that must fail.  Never
 * into the program's own image (from 0x10000 to its bss's end): an
 * mprotect that made the text writable let a later call write there (say
 * getcwd into a buffer at fz_landing), as Linux would let it, and the
 * worker's own code changed under it (robustness.md, findings 8 and 13).
 */
static unsigned long map_len(struct fz_worker *w, unsigned long addr)
{
	unsigned long play = (unsigned long)ar_page(w, AR_PLAY), end = play + AR_PLAY_N * PG;
	unsigned long len = ONE_OF(w, PG, 2 * PG, 3 * PG, 8 * PG, 1, 100, 0, 1ul << 20, 1ul << 30,
				   1ul << 40, ~0ul, fz_size(w));

	if (addr >= play && addr < end)
		return len < end - addr ? len : end - addr;
	for (int i = 0; i < w->nmaps; i++)
		if (addr >= w->maps[i] && addr < w->maps[i] + w->maplen[i])
			return len < w->maps[i] + w->maplen[i] - addr
				       ? len
				       : w->maps[i] + w->maplen[i] - addr;
	unsigned long prog_end = ((unsigned long)__bss_end + PG - 1) & ~(PG - 1);
	if (addr >= 0x10000 && addr < prog_end)
		return 0; /* the program itself: a call that changes nothing */
	if (addr < 0x10000 && len > 0x10000 - addr)
		return 0x10000 - addr; /* below the program: not into it */
	if (addr < (1ul << 38) && len > 8 * PG)
		return 8 * PG; /* an address the fuzzer knows nothing of: a little only */
	return len;
}

/*
 * What a single call may make the kernel allocate by touching user memory
 * is kept to a few MiB: a mapping over 4 MiB is never readable or
 * writable, mprotect opens at most 4 MiB of one, the heap grows at most 8
 * MiB.  Else one read(2) from /dev/zero or write(2) from a huge mapping
 * takes all of RAM (findings 3 and 4 of docs/robustness.md): memory
 * exhaustion is a test of its own, and would make these runs flaky.
 */
#define TOUCH_MAX (4ul << 20)
#define HEAP_MAX  (8ul << 20)

#define MAP_PA (MAP_PRIVATE | MAP_ANONYMOUS)
static void rule_mmap(struct fz_worker *w, unsigned long *a)
{
	a[0] = fz_chance(&w->rng, 1, 3) ? 0 : fz_addr(w);
	a[3] = ONE_OF(w, MAP_PA, MAP_PA, MAP_PA | MAP_FIXED, MAP_PA | 0x100000 /* NOREPLACE */,
		      MAP_SHARED | MAP_ANONYMOUS, MAP_PRIVATE, MAP_PA | 0x8000 /* POPULATE */,
		      MAP_PA | 0x20000 /* STACK */, fz_flags(w));
	a[1] = a[0] && (a[3] & (MAP_FIXED | 0x100000))
		       ? map_len(w, a[0])
		       : ONE_OF(w, PG, 2 * PG, 8 * PG, 1, 0, 1ul << 20, 1ul << 30, ~0ul);
	if (a[3] & 0x8000)
		a[1] = a[1] > 8 * PG ? 8 * PG : a[1]; /* populate only a little */
	a[2] = fz_chance(&w->rng, 3, 4) ? fz_below(&w->rng, 8) : fz_flags(w);
	if (a[1] > TOUCH_MAX)
		a[2] &= ~(unsigned long)(PROT_READ | PROT_WRITE);
	a[4] = fz_chance(&w->rng, 3, 4) ? -1ul : (unsigned long)fz_fd(w, false);
	a[5] = fz_chance(&w->rng, 3, 4) ? 0 : (unsigned long)fz_off(w);
}

static unsigned long worker_brk, first_brk; /* the break now, and at the start */

static void rule_brk(struct fz_worker *w, unsigned long *a)
{
	unsigned long brk = worker_brk, top = first_brk + HEAP_MAX;

	a[0] = ONE_OF(w, 0, brk + PG, brk + (1ul << 20), brk - PG,
		      brk + fz_below(&w->rng, 1ul << 30), 1ul << 38, ~0ul, brk - (1ul << 20),
		      fz_addr(w));
	if (a[0] > top && a[0] < (1ul << 38)) /* past the last would be refused anyway */
		a[0] = top;
}

/*
 * The pointers a call reads out of memory (readv's iovecs, sigaltstack's
 * stack) are bytes the calls wrote over, not the pools': read off their
 * alignment, two words of small numbers (the arena's r % 17) make 0x30000,
 * the fuzzer's own bss.  A readv through such an iovec wrote a file's bytes
 * over the worker's state (robustness.md, finding 14), as Linux would.  So
 * a pointer the kernel will read from the worker's memory never reaches the
 * program's image, its heap (as far as brk may grow it) or its stack: one
 * that does becomes the first address past user space, which every call
 * refuses (EFAULT).
 */
#define NOWHERE (1ul << 38)

static bool meets_own(unsigned long base, unsigned long len)
{
	unsigned long sp = (unsigned long)__builtin_frame_address(0);
	unsigned long end = base + len < base ? ~0ul : base + len;

	return (base < first_brk + HEAP_MAX && end > 0x10000) ||
	       (base < NOWHERE && end > sp - (1ul << 20)); /* the stack, and 1 MiB below */
}

/* Is [p, p + n) in the data area or the tail page: the worker's own
 * private memory, which only its calls (made one at a time) change? */
static bool in_private(struct fz_worker *w, unsigned long p, size_t n)
{
	unsigned long tail = (unsigned long)ar_page(w, AR_TAIL);

	return fz_in_data(w, p, n) || (p >= tail && p - tail <= PG && n <= PG - (p - tail));
}

/* Was p drawn from the playground or a mapping made lately?  Their bytes
 * may be a file's, which other workers change while the call runs. */
static bool in_mapped(struct fz_worker *w, unsigned long p)
{
	unsigned long play = (unsigned long)ar_page(w, AR_PLAY);

	if (p >= play && p < play + AR_PLAY_N * PG)
		return true;
	for (int i = 0; i < w->nmaps; i++)
		if (p >= w->maps[i] && p - w->maps[i] < w->maplen[i])
			return true;
	return false;
}

/* A pointer at p and the bytes it names at p + len_at (either unaligned). */
static void defuse_at(unsigned long p, unsigned long len_at)
{
	unsigned long base, len;

	memcpy(&base, (const void *)p, 8);
	memcpy(&len, (const void *)(p + len_at), 8);
	if (meets_own(base, len)) {
		base = NOWHERE;
		memcpy((void *)p, &base, 8);
	}
}

/*
 * readv's vector: the one drawn, or one read from wherever the pointer
 * points.  In the data area and the tail page every entry the kernel will
 * take is checked; the playground and recent mappings give the drawn vector
 * instead.  Elsewhere the first entry is always refused: the bytes of the
 * read-only page (names), of the rodata sentinel and of the text at
 * fz_landing are no user address, and the other pointers fault.
 */
static void defuse_iov(struct fz_worker *w, unsigned long *a, const unsigned long *v)
{
	unsigned long n = a[2] < 1024 ? a[2] : 1024;

	if (in_mapped(w, a[1]))
		a[1] = (unsigned long)v;
	for (unsigned long i = 0; i < n && in_private(w, a[1] + 16 * i, 16); i++)
		defuse_at(a[1] + 16 * i, 8);
}

static void rule_iov(struct fz_worker *w, unsigned long *a, bool out)
{
	unsigned long *v = (unsigned long *)fz_data(w, 8 * 16);

	for (int i = 0; i < 8; i++) {
		v[2 * i] = fz_ptr(w, out);
		v[2 * i + 1] = fz_size(w);
	}
	if (fz_chance(&w->rng, 3, 4))
		a[1] = (unsigned long)v;
	a[2] = ONE_OF(w, 0, 1, 2, 3, 8, 1024, 1025, ~0ul, fz_size(w));
	if (out) /* writev only reads the memory its vector names */
		defuse_iov(w, a, v);
}

static void rule_readv(struct fz_worker *w, unsigned long *a)
{
	rule_iov(w, a, true);
}

/* sigaltstack: signal frames go where its stack says ({sp, flags, size}). */
static void rule_sigaltstack(struct fz_worker *w, unsigned long *a)
{
	if (in_mapped(w, a[0]))
		a[0] = 0; /* only asks */
	else if (in_private(w, a[0], 24))
		defuse_at(a[0], 16); /* {sp, flags, size} */
}

static void rule_writev(struct fz_worker *w, unsigned long *a)
{
	rule_iov(w, a, false);
}

static void rule_ioctl(struct fz_worker *w, unsigned long *a)
{
	/* Never TCSETS & co. or TIOCSTI: the console's modes and input are the
	 * test harness's. */
	a[1] = ONE_OF(w, LINUX_TCGETS, LINUX_TIOCGPGRP, LINUX_TIOCSPGRP, LINUX_TIOCGWINSZ,
		      0x5414 /* TIOCSWINSZ */, 0x541b /* FIONREAD */, 0x5421 /* FIONBIO */,
		      0x5451 /* FIOCLEX */, 0x5450 /* FIONCLEX */, 0x80081272 /* BLKGETSIZE64 */,
		      0x1260 /* BLKGETSIZE */, fz_below(&w->rng, 64), fz_rand(&w->rng) | 0x10000);
	if (a[1] == LINUX_TIOCSPGRP) {
		int *pg = (int *)fz_data(w, 4);
		*pg = (int)ONE_OF(w, (unsigned long)w->pid, 0x40000000, 0, -1ul);
		a[2] = fz_chance(&w->rng, 3, 4) ? (unsigned long)pg : fz_ptr(w, false);
	} else {
		a[2] = fz_chance(&w->rng, 3, 4) ? fz_ptr(w, true) : fz_int(w);
	}
}

static void rule_fcntl(struct fz_worker *w, unsigned long *a)
{
	a[1] = ONE_OF(w, LINUX_F_DUPFD, LINUX_F_GETFD, LINUX_F_SETFD, LINUX_F_GETFL, LINUX_F_SETFL,
		      5, 6, 7, 36, 37, 38, LINUX_F_DUPFD_CLOEXEC, 1031, 1032, 1024, 1026,
		      fz_int(w));
	switch (a[1]) {
	case 5: /* the record locks: a struct flock, mostly a sensible one */
	case 6:
	case 7:
	case 36:
	case 37:
	case 38: {
		long *fl = (long *)fz_data(w, 32);
		fl[0] = (long)ONE_OF(w, 0, 1, 2, 0x10000, 0x20001, fz_rand(&w->rng));
		fl[1] = (long)ONE_OF(w, 0, 1, 10, 100, -1ul, fz_rand(&w->rng));
		fl[2] = (long)ONE_OF(w, 0, 1, 10, -5ul, 1ul << 62, fz_rand(&w->rng));
		fl[3] = (long)ONE_OF(w, 0, 0, 1, fz_rand(&w->rng));
		a[2] = fz_chance(&w->rng, 7, 8) ? (unsigned long)fl : fz_ptr(w, true);
		break;
	}
	case LINUX_F_DUPFD:
	case LINUX_F_DUPFD_CLOEXEC:
		a[2] = ONE_OF(w, 0, 1, 3, 20, 59, 62, 63, 64, 1000, -1ul);
		break;
	case LINUX_F_SETFL:
		a[2] = ONE_OF(w, 0, LINUX_O_APPEND, LINUX_O_NONBLOCK,
			      LINUX_O_APPEND | LINUX_O_NONBLOCK, fz_flags(w));
		break;
	case LINUX_F_SETFD:
		a[2] = ONE_OF(w, 0, 1, fz_int(w));
		break;
	default:
		a[2] = fz_chance(&w->rng, 1, 2) ? fz_ptr(w, true) : fz_int(w);
	}
}

static void rule_wait4(struct fz_worker *w, unsigned long *a)
{
	if (fz_chance(&w->rng, 1, 3))
		a[0] = -1ul;
	a[2] = ONE_OF(w, 0, 0, 1 /* WNOHANG */, 2, 8, 11, 0x40000000, fz_flags(w));
	a[3] = fz_chance(&w->rng, 1, 2) ? 0 : fz_ptr(w, true);
}

/* waitid: mostly idtypes and event options Linux knows, often WNOHANG. */
static void rule_waitid(struct fz_worker *w, unsigned long *a)
{
	a[0] = ONE_OF(w, 0, 0, 1, 2, 3, fz_int(w));
	if (fz_chance(&w->rng, 1, 3))
		a[1] = 0;
	a[3] = ONE_OF(w, 4, 5, 7, 0xf, 0x01000005, 0x40000005, 2, fz_flags(w));
	a[4] = fz_chance(&w->rng, 1, 2) ? 0 : fz_ptr(w, true);
}

/*
 * prlimit64 and setrlimit: never a limit the worker or another process
 * would live under (a low RLIMIT_FSIZE ends the worker with SIGXFSZ, a low
 * RLIMIT_NOFILE or RLIMIT_AS starves it), and never a new RLIMIT_NOFILE:
 * the fd model holds fds below 64 and counts on the kernel to give none
 * above (learn_fds).  A new limit is none, an unreadable pointer, or one
 * that only raises or is refused: unlimited (for RLIMIT_NOFILE past
 * fs.nr_open: refused), cur > max.  Never a readable pointer to whatever
 * bytes: runs set RLIMIT_NOFILE to {0, 0} and {11, 15} from the data area,
 * and a pair such as the {819200, 819200} prlimit64 writes there as
 * RLIMIT_MSGQUEUE's old value raises it, after which F_DUPFD makes fd 1000,
 * which the worker believes closed (robustness.md, finding 16).  prlimit64
 * names only the worker (0 or its pid) or an id nobody has.
 */
static unsigned long rlimit_new(struct fz_worker *w)
{
	unsigned long *r = (unsigned long *)fz_data(w, 16);

	r[1] = ONE_OF(w, ~0ul, ~0ul, 4, (1ul << 20) + 1);
	r[0] = r[1] == 4 ? 5 : ~0ul; /* unlimited, or more than the hard limit */
	return ONE_OF(w, 0, 0, (unsigned long)r, (unsigned long)r, fz_unreadable(w));
}

static void rule_prlimit64(struct fz_worker *w, unsigned long *a)
{
	a[0] = ONE_OF(w, 0, 0, (unsigned long)w->pid, 0x3fffffff, -1ul);
	a[1] = ONE_OF(w, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, fz_int(w));
	a[2] = rlimit_new(w);
}

static void rule_setrlimit(struct fz_worker *w, unsigned long *a)
{
	a[0] = ONE_OF(w, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, fz_int(w));
	a[1] = rlimit_new(w);
}

/*
 * setpriority, sched_setaffinity, sched_setscheduler and sched_setparam
 * change only the worker (0 or its pid, or an id nobody has): a niced or
 * pinned supervisor could miss its deadlines.
 */
static void rule_setpriority(struct fz_worker *w, unsigned long *a)
{
	a[0] = ONE_OF(w, 0, 0, 0, 1, 2, 3, fz_int(w));
	a[1] = a[0] == 0 ? ONE_OF(w, 0, (unsigned long)w->pid, 0x3fffffff) : 0x3fffffff;
}

static void rule_sched(struct fz_worker *w, unsigned long *a)
{
	a[0] = ONE_OF(w, 0, 0, (unsigned long)w->pid, 0x3fffffff, -1ul);
}

/* timer_create: a timer signals only what the worker handles (SIGUSR1,
 * SIGUSR2) or refuses the signal; never one that stops or kills it. */
static void rule_timer_create(struct fz_worker *w, unsigned long *a)
{
	int32_t *ev = (int32_t *)fz_data(w, 64);

	memset(ev, 0, 64);
	ev[2] = (int32_t)ONE_OF(w, LINUX_SIGUSR1, LINUX_SIGUSR2, 0, 65);
	ev[3] = (int32_t)ONE_OF(w, 0, 1, 2, 4, 3, 8);
	ev[4] = (int32_t)ONE_OF(w, (unsigned long)w->pid, 0, 0x3fffffff);
	a[0] = ONE_OF(w, 0, 1, 7, 2, 11, fz_int(w));
	a[1] = ONE_OF(w, (unsigned long)ev, (unsigned long)ev, fz_ptr(w, false));
}

/*
 * clock_settime and settimeofday never move the wall clock: ext2 stamps
 * what the run deletes with it (a dtime of 0 is an e2fsck error), and the
 * tests after the run read it.  Only refusals: another clock, a time
 * Linux refuses, a bad pointer, or settimeofday with a time zone only.
 */
static void rule_settime(struct fz_worker *w, unsigned long *a)
{
	long *t = (long *)fz_data(w, 16);

	t[0] = (long)ONE_OF(w, 0, 1, -1ul, fz_rand(&w->rng));
	t[1] = (long)ONE_OF(w, 1000000000, -1ul, 2000000000);
	a[0] = ONE_OF(w, 1, 2, 4, 7, 99, 0, 0);
	a[1] = ONE_OF(w, (unsigned long)t, (unsigned long)t, 0, 0xffffffc000000000ul);
}

static void rule_settimeofday(struct fz_worker *w, unsigned long *a)
{
	long *t = (long *)fz_data(w, 16);
	int *tz = (int *)fz_data(w, 8);

	t[0] = 1;
	t[1] = (long)ONE_OF(w, 1000000, -1ul, 5000000);
	tz[0] = (int)ONE_OF(w, 0, 60, 901, -901);
	tz[1] = 0;
	/* Never a random pointer: it could hold a good time. */
	a[0] = ONE_OF(w, 0, 0, (unsigned long)t, 0xffffffc000000000ul);
	a[1] = ONE_OF(w, 0, (unsigned long)tz, (unsigned long)tz);
}

/* Is path one of the scratch roots itself (or /mnt/fuzz, above the /mnt
 * ones), trailing slashes aside? */
static bool is_scratch_root(const struct fz_worker *w, const char *path)
{
	const char *const roots[] = {w->tmp, w->mnt, FZ_SHARED_TMP, FZ_SHARED_MNT, "/mnt/fuzz"};
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (strlen(roots[i]) == n && !strncmp(roots[i], path, n))
			return true;
	return false;
}

/*
 * No symbolic link may come to stand at a scratch root (one a call
 * removed, or by RENAME_EXCHANGE): its relative target would be resolved
 * from the root's parent, /tmp or /mnt/fuzz, and every path through the
 * root would follow it out of the scratch directories.  So argument i of
 * symlinkat, linkat or renameat2, when it is a root, becomes a name inside
 * it.
 */
static void keep_links_off_roots(struct fz_worker *w, int i, unsigned long *a)
{
	const char *path = w->d.str[i];
	char buf[64];

	if (!path || a[i] != (unsigned long)path || !is_scratch_root(w, path))
		return;
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	snprintf(buf, sizeof(buf), "%.*s/l0", (int)n, path);
	a[i] = (unsigned long)fz_put_str(w, i, buf);
}

/* The rules of the path calls that change the file system: their paths
 * and dirfds are the generic (scratch) ones; their flags are these. */
static void rule_path_flags(struct fz_worker *w, long nr, unsigned long *a)
{
	switch (nr) {
	case __NR_unlinkat:
		a[2] = ONE_OF(w, 0, 0, LINUX_AT_REMOVEDIR, fz_flags(w));
		break;
	case __NR_linkat:
		a[4] = ONE_OF(w, 0, 0, LINUX_AT_SYMLINK_FOLLOW, LINUX_AT_EMPTY_PATH,
			      LINUX_AT_SYMLINK_FOLLOW | LINUX_AT_EMPTY_PATH, fz_flags(w));
		keep_links_off_roots(w, 3, a);
		break;
	case __NR_renameat2:
		a[4] = ONE_OF(w, 0, 0, 0, 1 /* NOREPLACE */, 2 /* EXCHANGE */, 4 /* WHITEOUT */, 3,
			      fz_flags(w));
		keep_links_off_roots(w, 1, a);
		keep_links_off_roots(w, 3, a);
		break;
	case __NR_symlinkat:
		a[0] = fz_link_target(w, 0);
		keep_links_off_roots(w, 2, a);
		break;
	case __NR_chdir:
		a[0] = fz_dir_path(w, 0);
		break;
	case __NR_fchdir:
		a[0] = (unsigned long)fz_fd(w, true);
		break;
	case __NR_umount2:
		a[0] = fz_dir_path(w, 0);
		a[1] = ONE_OF(w, 0, 0, 1, 2, 4, 8, 3, fz_flags(w));
		break;
	}
}

/* The other small rules: one argument's values each. */
static void rule_small(struct fz_worker *w, long nr, unsigned long *a)
{
	switch (nr) {
	case __NR_dup3:
		a[2] = ONE_OF(w, 0, LINUX_O_CLOEXEC, fz_flags(w));
		break;
	case __NR_pipe2:
		if (fz_chance(&w->rng, 3, 4))
			a[0] = (unsigned long)fz_data(w, 8);
		a[1] = ONE_OF(w, 0, 0, LINUX_O_CLOEXEC, LINUX_O_NONBLOCK, 040000 /* O_DIRECT */,
			      fz_flags(w));
		break;
	case __NR_lseek:
		a[2] = ONE_OF(w, 0, 1, 2, 3, 4, 5, -1ul, fz_int(w));
		break;
	case __NR_ftruncate:
		a[1] = fz_chance(&w->rng, 3, 4) ? fz_below(&w->rng, 1ul << 20)
						: (unsigned long)fz_off(w);
		break;
	case __NR_sendfile: /* a sparse file's zeros copied into a ramfs file take RAM */
	case __NR_copy_file_range: {
		int i = nr == __NR_sendfile ? 3 : 4;
		a[i] = fz_chance(&w->rng, 3, 4) ? fz_below(&w->rng, 1ul << 16)
		       : a[i] > TOUCH_MAX	? TOUCH_MAX
						: a[i];
		break;
	}
	case __NR_flock:
		a[1] = ONE_OF(w, 1, 2, 5, 6, 8, 12, 32, 0, fz_int(w));
		break;
	case __NR_clock_gettime:
	case __NR_clock_getres:
		a[0] = ONE_OF(w, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, -1ul, 0x80000000, fz_int(w));
		break;
	case __NR_getrandom:
		a[2] = ONE_OF(w, 0, 1, 2, 3, 4, 7, 8, fz_flags(w));
		break;
	case __NR_futex: /* mostly operations Linux knows, often private (128) */
		a[1] = ONE_OF(w, 0, 1, 3, 4, 5, 9, 10, 128, 129, 137, 138, fz_int(w));
		break;
	case __NR_munmap:
	case __NR_mprotect:
	case __NR_madvise: /* MADV_DONTNEED zeroes: never the arena's read-only page */
	case __NR_msync:
	case __NR_mremap: /* the old range; the new one is the kernel's to find */
		a[1] = map_len(w, a[0]);
		if (nr == __NR_mprotect) {
			a[2] = fz_chance(&w->rng, 3, 4) ? fz_below(&w->rng, 8) : fz_flags(w);
			if ((a[2] & (PROT_READ | PROT_WRITE)) && a[1] > TOUCH_MAX)
				a[1] = TOUCH_MAX;
		}
		break;
	}
}

static const struct {
	long nr;
	void (*fn)(struct fz_worker *w, unsigned long *a);
} rules[] = {
	{__NR_openat, rule_openat},
	{__NR_mount, rule_mount},
	{__NR_execve, rule_execve},
	{__NR_reboot, rule_reboot},
	{__NR_syslog, rule_syslog},
	{__NR_setpgid, rule_setpgid},
	{__NR_clone, rule_clone},
	{__NR_rt_sigaction, rule_sigaction},
	{__NR_rt_sigprocmask, rule_sigprocmask},
	{__NR_nanosleep, rule_nanosleep},
	{__NR_mmap, rule_mmap},
	{__NR_brk, rule_brk},
	{__NR_readv, rule_readv},
	{__NR_sigaltstack, rule_sigaltstack},
	{__NR_writev, rule_writev},
	{__NR_ioctl, rule_ioctl},
	{__NR_fcntl, rule_fcntl},
	{__NR_wait4, rule_wait4},
	{__NR_waitid, rule_waitid},
	{__NR_prlimit64, rule_prlimit64},
	{__NR_setrlimit, rule_setrlimit},
	{__NR_setpriority, rule_setpriority},
	{__NR_timer_create, rule_timer_create},
	{__NR_clock_settime, rule_settime},
	{__NR_settimeofday, rule_settimeofday},
	{__NR_sched_setaffinity, rule_sched},
	{__NR_sched_setscheduler, rule_sched},
	{__NR_sched_setparam, rule_sched},
};

static void apply_rules(struct fz_worker *w, const struct fz_call *c, unsigned long *a)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (rules[i].nr == c->nr) {
			rules[i].fn(w, a);
			return;
		}
	}
	if (c->nr == __NR_faccessat || c->nr == __NR_newfstatat || c->nr == __NR_readlinkat ||
	    c->nr == __NR_statfs || c->nr == __NR_statx)
		rule_look(w, c, a);
	rule_path_flags(w, c->nr, a);
	rule_small(w, c->nr, a);
}

void fz_draw_args(struct fz_worker *w, const struct fz_call *c)
{
	unsigned long *a = w->d.a;

	memset(&w->d, 0, sizeof(w->d));
	for (int i = 0; i < c->nargs; i++)
		a[i] = draw_kind(w, c, i);
	for (int i = c->nargs; i < 6; i++)
		a[i] = fz_chance(&w->rng, 1, 4) ? fz_rand(&w->rng) : 0; /* unused registers */
	if (!worker_brk)
		worker_brk = first_brk = (unsigned long)syscall1(__NR_brk, 0);
	apply_rules(w, c, a);
	for (int i = 0; i < c->nargs; i++)
		a[i] = add_junk(w, c, i, a[i]);
}

/* ---- learning from results ---- */

static int kind_of(struct fz_worker *w, unsigned long fd)
{
	int k = fz_fd_kind(w, (int)fd);

	return k < 0 ? FDK_OTHER : k;
}

/* A new fd from openat: scratch if its path was, and was absolute or
 * relative to a scratch directory. */
static int opened_kind(struct fz_worker *w, const unsigned long *a)
{
	const char *path = w->d.str[1];
	int dirfd = (int)a[0];

	if (!w->d.scratch[1] || !path)
		return FDK_OTHER;
	if (path[0] == '/' || dirfd == LINUX_AT_FDCWD || kind_of(w, (unsigned)dirfd) == FDK_SCRATCH)
		return FDK_SCRATCH;
	return FDK_OTHER;
}

/* A new fd: the worker's RLIMIT_NOFILE is 64 (setup_fds; no call changes
 * it), so the kernel must never give one at or above it. */
static void learn_fd(struct fz_worker *w, const struct fz_call *c, long fd, int kind)
{
	if (fd >= 64)
		fz_finding(w, "%s made fd %ld, past RLIMIT_NOFILE (64)", c->name, fd);
	fz_fd_add(w, fd, kind);
}

/* The fd table follows every call that makes or closes an fd. */
static void learn_fds(struct fz_worker *w, const struct fz_call *c, const unsigned long *a, long r)
{
	switch (c->nr) {
	case __NR_openat:
		learn_fd(w, c, r, opened_kind(w, a));
		break;
	case __NR_dup:
	case __NR_dup3:
		learn_fd(w, c, r, kind_of(w, a[0]));
		break;
	case __NR_fcntl:
		if ((int)a[1] == LINUX_F_DUPFD || (int)a[1] == LINUX_F_DUPFD_CLOEXEC)
			learn_fd(w, c, r, kind_of(w, a[0]));
		break;
	case __NR_pipe2: /* it wrote the two fds: the page is writable, so readable */
		if (r == 0) {
			learn_fd(w, c, ((int *)a[0])[0], FDK_PIPE_R);
			learn_fd(w, c, ((int *)a[0])[1], FDK_PIPE_W);
		}
		break;
	case __NR_epoll_create1:
	case __NR_eventfd2:
	case __NR_timerfd_create:
		learn_fd(w, c, r, FDK_OTHER);
		break;
	case __NR_close:
		fz_fd_remove(w, (int)a[0]);
		break;
	}
}

void fz_after_call(struct fz_worker *w, const struct fz_call *c, long r)
{
	const unsigned long *a = w->d.a;

	if (c->nr == __NR_brk && r > 0)
		worker_brk = (unsigned long)r;
	if (r < 0)
		return;
	learn_fds(w, c, a, r);
	switch (c->nr) {
	case __NR_rt_sigaction:
		if (a[1] && (int)a[0] >= 1 && (int)a[0] <= 64)
			w->sig_touched |= 1ull << ((int)a[0] - 1);
		break;
	case __NR_clone:
		if (r > 0 && w->nkids < 32)
			w->kids[w->nkids++] = (int)r;
		break;
	case __NR_wait4:
		for (int i = 0; i < w->nkids; i++)
			if (w->kids[i] == r)
				w->kids[i--] = w->kids[--w->nkids];
		break;
	case __NR_mmap:
		if (fz_in_arena(w, (unsigned long)r, a[1])) {
			/* It filled one of the arena's holes: they must stay unmapped. */
			syscall2(__NR_munmap, r, (long)a[1]);
		} else if (r > 0) { /* the newest 8, the oldest replaced first */
			int slot = w->nmaps < 8 ? w->nmaps++ : (int)(w->done % 8);
			w->maps[slot] = (unsigned long)r;
			w->maplen[slot] = a[1];
		}
		break;
	}
}
