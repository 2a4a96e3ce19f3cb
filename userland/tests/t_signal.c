/*
 * t_signal.c - signals: handlers for faults and for kill, return through
 * rt_sigreturn, blocking with rt_sigprocmask, ignoring, default actions,
 * and the arguments the kernel must refuse.
 *
 * Handlers are installed with the runtime's sigaction(); they return through
 * the kernel's trampoline page (riscv64 has no SA_RESTORER).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "usertests.h"

static volatile int caught, caught_sig;

static void install(int sig, void (*handler)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(sig, &sa, NULL), 0);
}

static void fault(void)
{
	volatile int *volatile p = NULL;

	(void)*p;
}

static void exit_from_handler(int sig)
{
	_exit(sig == SIGSEGV ? 0 : 1);
}

void test_sig_handler_exit(void)
{
	install(SIGSEGV, exit_from_handler);
	fault();
	CHECK(!"the NULL load did not fault");
}

static jmp_buf back;

static void jump_back(int sig)
{
	caught++;
	caught_sig = sig;
	longjmp(back, 1);
}

void test_sig_longjmp(void)
{
	caught = 0;
	install(SIGSEGV, jump_back);
	for (int round = 0; round < 2; round++) {
		sigset_t mask;

		if (setjmp(back) == 0) {
			fault();
			CHECK(!"the NULL load did not fault");
		}
		CHECK_EQ(caught, round + 1);
		CHECK_EQ(caught_sig, SIGSEGV);
		/* The kernel blocked SIGSEGV for the handler; longjmp left it so. */
		sigemptyset(&mask);
		CHECK_EQ(sigprocmask(SIG_BLOCK, NULL, &mask), 0);
		CHECK(sigismember(&mask, SIGSEGV));
		sigemptyset(&mask);
		sigaddset(&mask, SIGSEGV);
		CHECK_EQ(sigprocmask(SIG_UNBLOCK, &mask, NULL), 0);
	}
}

/* Linux's siginfo_t, as far as a fault fills it (riscv64: si_addr at 16). */
struct fault_info {
	int si_signo, si_errno, si_code, pad;
	void *si_addr;
};

static volatile int fault_code;
static void *volatile fault_addr;

static void record_fault(int lsig, void *info, void *uc)
{
	const struct fault_info *fi = info;

	(void)lsig;
	(void)uc;
	fault_code = fi->si_code;
	fault_addr = fi->si_addr;
	longjmp(back, 1);
}

/* Touch addr (a load, or a store); the si_code and address of the SIGSEGV. */
static int segv_code(unsigned long addr, bool store, void **where)
{
	sigset_t mask;

	fault_code = -1;
	fault_addr = NULL;
	if (setjmp(back) == 0) {
		if (store)
			*(volatile char *)addr = 1;
		else
			(void)*(volatile char *)addr;
		CHECK(!"the access did not fault");
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGSEGV);
	CHECK_EQ(sigprocmask(SIG_UNBLOCK, &mask, NULL), 0);
	*where = fault_addr;
	return fault_code;
}

/*
 * SIGSEGV's si_code tells "nothing mapped there" (SEGV_MAPERR, 1) from
 * "mapped, but not for this access" (SEGV_ACCERR, 2), as on Linux, and
 * si_addr is the address touched.
 */
void test_sig_fault_codes(void)
{
	struct sigaction sa;
	void *where;
	char *ro = mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *none = mmap(NULL, PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(ro != MAP_FAILED && none != MAP_FAILED);
	memset(&sa, 0, sizeof(sa));
	/* The runtime installs an SA_SIGINFO handler as it is (lib/signal.c). */
	sa.sa_handler = (_sig_func_ptr)(void (*)(void))record_fault;
	sa.sa_flags = LINUX_SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGSEGV, &sa, NULL), 0);

	CHECK_EQ(segv_code(LOW_UNMAPPED + 8, false, &where), 1);
	CHECK_EQ((unsigned long)where, LOW_UNMAPPED + 8);
	CHECK_EQ(segv_code((unsigned long)ro + 5, true, &where), 2);
	CHECK_EQ(where, ro + 5);
	CHECK_EQ(segv_code((unsigned long)none, false, &where), 2);
	CHECK_EQ(segv_code((unsigned long)none, true, &where), 2);
	CHECK_EQ(segv_code(KERNEL_IMAGE, false, &where), 1);
}

static volatile int alarms[3]; /* SIGALRM, SIGVTALRM, SIGPROF caught */

static void count_alarm(int sig)
{
	alarms[sig == SIGALRM ? 0 : sig == SIGVTALRM ? 1 : 2]++;
}

struct itimerval_l {
	long interval_sec, interval_usec, value_sec, value_usec;
};

static long set_timer(int which, long value_us, long interval_us, struct itimerval_l *old)
{
	struct itimerval_l v = {interval_us / 1000000, interval_us % 1000000, value_us / 1000000,
				value_us % 1000000};

	return syscall3(__NR_setitimer, which, (long)&v, (long)old);
}

/* Compute (in user mode) until alarms[i] reaches n; fail after 10 s. */
static void spin_until(int i, int n)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (alarms[i] < n) {
		for (volatile int k = 0; k < 20000; k++)
			;
		clock_gettime(CLOCK_MONOTONIC, &t);
		CHECK(t.tv_sec - t0.tv_sec < 10);
	}
}

static void check_child_has_no_timer(void)
{
	struct itimerval_l v;

	CHECK_EQ(syscall2(__NR_getitimer, 0, (long)&v), 0);
	CHECK(v.value_sec == 0 && v.value_usec == 0);
}

/*
 * setitimer and getitimer (what alarm() is made of): a one-shot and a
 * periodic ITIMER_REAL, ITIMER_VIRTUAL and ITIMER_PROF while computing,
 * no timer in a forked child, and Linux's refusals.
 */
void test_itimer(void)
{
	struct itimerval_l v, old;

	install(SIGALRM, count_alarm);
	install(SIGVTALRM, count_alarm);
	install(SIGPROF, count_alarm);
	CHECK_EQ(set_timer(0, 50000, 0, NULL), 0);
	CHECK_EQ(syscall2(__NR_getitimer, 0, (long)&v), 0);
	CHECK(v.value_sec == 0 && v.value_usec > 0 && v.value_usec <= 50000);
	CHECK(v.interval_sec == 0 && v.interval_usec == 0);
	int status = reap(spawn(check_child_has_no_timer));
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	spin_until(0, 1);
	CHECK_EQ(syscall2(__NR_getitimer, 0, (long)&v), 0);
	CHECK(v.value_sec == 0 && v.value_usec == 0); /* one-shot: disarmed */

	/* Periodic: three signals, then disarm and read the old setting. */
	CHECK_EQ(set_timer(0, 20000, 20000, NULL), 0);
	spin_until(0, 4);
	CHECK_EQ(set_timer(0, 0, 0, &old), 0);
	CHECK(old.interval_sec == 0 && old.interval_usec == 20000);

	CHECK_EQ(set_timer(1, 30000, 0, NULL), 0); /* ITIMER_VIRTUAL */
	spin_until(1, 1);
	CHECK_EQ(set_timer(2, 30000, 0, NULL), 0); /* ITIMER_PROF */
	spin_until(2, 1);

	CHECK_EQ(set_timer(3, 1000, 0, NULL), -EINVAL);
	CHECK_EQ(syscall2(__NR_getitimer, 3, (long)&v), -EINVAL);
	v = (struct itimerval_l){0, 0, 0, 1000000};
	CHECK_EQ(syscall3(__NR_setitimer, 0, (long)&v, 0), -EINVAL);
	CHECK_EQ(syscall3(__NR_setitimer, 0, KERNEL_HALF, 0), -EFAULT);
	CHECK_EQ(syscall2(__NR_getitimer, 0, KERNEL_HALF), -EFAULT);
}

static void note_signal(int sig)
{
	caught++;
	caught_sig = sig;
}

void test_sig_return(void)
{
	/* Values live across the signal in registers the handler also uses. */
	volatile long a = 0x1111, b = 0x2222;
	long c = a * 3, d = b * 5;
	double f = (double)c / 7;

	caught = 0;
	install(SIGUSR1, note_signal);
	CHECK_EQ(kill(getpid(), SIGUSR1), 0);
	CHECK_EQ(caught, 1);
	/* The runtime hands the handler picolibc's number, not Linux's 10. */
	CHECK_EQ(caught_sig, SIGUSR1);
	CHECK_EQ(c, 0x1111 * 3);
	CHECK_EQ(d, 0x2222 * 5);
	CHECK(f == (double)(0x1111 * 3) / 7);
	/* Again, and with the mask back as it was: SIGUSR1 unblocked. */
	CHECK_EQ(raise(SIGUSR1), 0);
	CHECK_EQ(caught, 2);
}

void test_sig_block(void)
{
	sigset_t set, old;

	caught = 0;
	install(SIGUSR1, note_signal);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
	CHECK(!sigismember(&old, SIGUSR1));
	CHECK_EQ(kill(getpid(), SIGUSR1), 0);
	CHECK_EQ(kill(getpid(), SIGUSR1), 0); /* standard signals do not queue */
	sched_yield();
	CHECK_EQ(caught, 0);
	/* Unblocking delivers the pending signal before sigprocmask returns. */
	CHECK_EQ(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	CHECK_EQ(caught, 1);
	CHECK_EQ(caught_sig, SIGUSR1);
}

void test_sig_ignore(void)
{
	_sig_func_ptr old;

	CHECK(signal(SIGUSR1, SIG_IGN) != SIG_ERR);
	CHECK_EQ(kill(getpid(), SIGUSR1), 0);
	old = signal(SIGUSR1, SIG_DFL);
	CHECK(old == SIG_IGN);
	/* The previous handler comes back as it was given. */
	CHECK(signal(SIGUSR2, note_signal) == SIG_DFL);
	CHECK(signal(SIGUSR2, SIG_DFL) == note_signal);
}

void test_sig_default_kill(void)
{
	kill(getpid(), SIGTERM); /* default action: terminate */
	for (int i = 0; i < 100; i++)
		sched_yield();
	CHECK(!"still alive after SIGTERM");
}

static void block_all_and_sleep(void)
{
	sigset_t all;
	struct timespec ts = {.tv_sec = 10};

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	for (;;)
		nanosleep(&ts, NULL);
}

void test_sigkill_uncatchable(void)
{
	struct kernel_sigaction ka = {.handler = (void *)note_signal, .flags = 0};
	uint64_t all = ~0ull, now = 0;
	int pid;

	CHECK_EQ(syscall4(__NR_rt_sigaction, LINUX_SIGKILL, (long)&ka, 0, 8), -EINVAL);
	CHECK_EQ(syscall4(__NR_rt_sigaction, LINUX_SIGSTOP, (long)&ka, 0, 8), -EINVAL);
	/* Blocking them is silently not done. */
	CHECK_EQ(syscall4(__NR_rt_sigprocmask, LINUX_SIG_SETMASK, (long)&all, (long)&now, 8), 0);
	CHECK_EQ(syscall4(__NR_rt_sigprocmask, LINUX_SIG_SETMASK, (long)&now, (long)&now, 8), 0);
	CHECK_EQ(now & (1ull << (LINUX_SIGKILL - 1)), 0);
	CHECK_EQ(now & (1ull << (LINUX_SIGSTOP - 1)), 0);

	pid = spawn(block_all_and_sleep);
	CHECK_EQ(kill(pid, SIGKILL), 0);
	CHECK_EQ(WTERMSIG(reap(pid)), SIGKILL);
}

void test_sigaction_bad(void)
{
	struct kernel_sigaction ka = {.handler = (void *)note_signal, .flags = 0};

	CHECK_EQ(syscall4(__NR_rt_sigaction, 0, (long)&ka, 0, 8), -EINVAL);
	CHECK_EQ(syscall4(__NR_rt_sigaction, 65, (long)&ka, 0, 8), -EINVAL);
	CHECK_EQ(syscall4(__NR_rt_sigaction, LINUX_SIGUSR1, (long)&ka, 0, 4), -EINVAL);
	CHECK_EQ(syscall4(__NR_rt_sigaction, LINUX_SIGUSR1, KERNEL_HALF, 0, 8), -EFAULT);
	CHECK_EQ(syscall4(__NR_rt_sigaction, LINUX_SIGUSR1, 0, KERNEL_HALF, 8), -EFAULT);
	errno = 0;
	CHECK_EQ(sigaction(0, NULL, NULL), -1);
	CHECK_EQ(errno, EINVAL);
}

void test_sigprocmask_bad(void)
{
	uint64_t set = 0;

	CHECK_EQ(syscall4(__NR_rt_sigprocmask, 99, (long)&set, 0, 8), -EINVAL);
	CHECK_EQ(syscall4(__NR_rt_sigprocmask, LINUX_SIG_BLOCK, (long)&set, 0, 4), -EINVAL);
	CHECK_EQ(syscall4(__NR_rt_sigprocmask, LINUX_SIG_BLOCK, KERNEL_HALF, 0, 8), -EFAULT);
	CHECK_EQ(syscall4(__NR_rt_sigprocmask, LINUX_SIG_BLOCK, 0, KERNEL_HALF, 8), -EFAULT);
	/* With no new set, how is not looked at: this only reads the mask. */
	CHECK_EQ(syscall4(__NR_rt_sigprocmask, 99, 0, (long)&set, 8), 0);
}

/*
 * Processes asleep on a mutex while signals keep waking them, on 4 harts:
 * four writers and a reader of one pipe contend for its mutex while the
 * parent sends them SIGUSR1 as fast as it can.  A signal woke a mutex
 * sleeper that mutex_unlock had already taken off the queue but not yet
 * woken; the sleeper went back to sleep on the queue, the late wake made it
 * runnable while still queued, and its next sleep queued it twice: the
 * queue became a loop and every hart spun in waitq_wake_all with
 * interrupts off (the fuzzer's silent runs on 4 harts).
 */
#define STORM_WRITERS 6
#define STORM_RECORDS 10000

static int storm_pipe[2];
static volatile int storm_caught;

static void storm_handler(int sig)
{
	(void)sig;
	storm_caught++;
}

static void storm_writer(void)
{
	char rec[16] = "0123456789abcde";

	for (int i = 0; i < STORM_RECORDS; i++)
		while (write(storm_pipe[1], rec, sizeof(rec)) != (ssize_t)sizeof(rec))
			; /* EINTR: again */
}

static void storm_reader(void)
{
	char buf[256];
	long total = 0, want = (long)STORM_WRITERS * STORM_RECORDS * 16;

	close(storm_pipe[1]);
	while (total < want) {
		ssize_t n = read(storm_pipe[0], buf, sizeof(buf));
		if (n > 0)
			total += n;
		else if (n == 0)
			break;
	}
	exit(total == want ? 0 : 1);
}

void test_signal_mutex_storm(void)
{
	int pids[STORM_WRITERS + 1], status;

	install(SIGUSR1, storm_handler); /* the children have it from the start */
	CHECK_EQ(pipe(storm_pipe), 0);
	for (int i = 0; i < STORM_WRITERS; i++)
		pids[i] = spawn(storm_writer);
	pids[STORM_WRITERS] = spawn(storm_reader);
	close(storm_pipe[0]);
	close(storm_pipe[1]);
	for (int done = 0; done <= STORM_WRITERS;) {
		for (int i = 0; i <= STORM_WRITERS; i++)
			if (pids[i])
				kill(pids[i], SIGUSR1);
		for (int i = 0; i <= STORM_WRITERS; i++) {
			if (pids[i] && waitpid(pids[i], &status, WNOHANG) == pids[i]) {
				CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
				pids[i] = 0;
				done++;
			}
		}
	}
	signal(SIGUSR1, SIG_DFL);
}

/*
 * The same late wake, made to happen on purpose, on a timed sleep.  The
 * timer interrupt takes a due sleeper off the timer's queue and only then
 * takes its lock to wake it; sluice.wake_delay=100000 (the QEMU case
 * usertests-late-wake, 2 harts) holds that interrupt 100 ms in between.
 * Each round the sleeper sleeps until a deadline while two spinners keep
 * both harts busy; 30 ms after the deadline the spinner whose hart the
 * held interrupt did not take sends SIGUSR1, inside the window.  The
 * signal wakes the sleeper (on no queue), its handler runs and it sleeps
 * again for 150 ms.  Then the held wake comes, and must leave it asleep:
 * woken while queued, its sleep would go on by queueing it a second time,
 * a loop in the timer's queue that every hart then walks with interrupts
 * off (the kernel hangs until the case's time limit).  A round counts as
 * in the window when the first sleep ended, with the handler run, well
 * before the held wake; some rounds must be.  Without the hook (any other
 * run, Linux) the test does nothing.
 */
#define LATE_DELAY_NS  (100 * 1000000L) /* sluice.wake_delay=100000 */
#define LATE_SIGNAL_NS (30 * 1000000L)	/* when the signal lands, after the deadline */
#define LATE_SLEEP_NS  (150 * 1000000L) /* the second sleep: past the window's end */
#define LATE_ROUNDS    8

static int late_go[2], late_spin[2], late_back[2], late_pid;
static volatile int late_caught;

static void late_handler(int sig)
{
	(void)sig;
	late_caught = 1;
}

static long late_now(void)
{
	long ts[2];

	syscall2(__NR_clock_gettime, LINUX_CLOCK_MONOTONIC, (long)ts);
	return ts[0] * 1000000000L + ts[1];
}

/* Until CLOCK_MONOTONIC reads `at` (TIMER_ABSTIME): 0 or -EINTR. */
static long late_sleep_until(long at)
{
	long ts[2] = {at / 1000000000L, at % 1000000000L};

	return syscall4(__NR_clock_nanosleep, LINUX_CLOCK_MONOTONIC, 1, (long)ts, 0);
}

/* The next round's deadline from fd, read through signals; false at the end. */
static bool late_next(int fd, long *at)
{
	ssize_t n;

	while ((n = read(fd, at, sizeof(*at))) < 0 && errno == EINTR)
		;
	return n == (ssize_t)sizeof(*at);
}

/* Spin until the signal's time, then send it, unless the held wake took
 * this hart meanwhile (then the other spinner sent it in time). */
static void late_spin_kill(long at)
{
	while (late_now() < at + LATE_SIGNAL_NS)
		;
	if (late_now() < at + LATE_SIGNAL_NS + LATE_DELAY_NS / 4)
		CHECK_EQ(kill(late_pid, SIGUSR1), 0);
}

/* A child keeps only its own ends of the pipes, so each sees the end of
 * the rounds when the parent closes its ends. */
static void late_close_but(int keep, int keep2)
{
	int fds[] = {late_go[0],   late_go[1],	 late_spin[0],
		     late_spin[1], late_back[0], late_back[1]};

	for (unsigned i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (fds[i] != keep && fds[i] != keep2)
			close(fds[i]);
}

/* The sleeper: a round per deadline; writes whether the signal came in the
 * window (1), elsewhere (0), or the second sleep ended early (E). */
static void late_sleeper(void)
{
	long at;

	late_close_but(late_go[0], late_back[1]);
	while (late_next(late_go[0], &at)) {
		late_caught = 0;
		long first = late_sleep_until(at), woke = late_now();
		int in_window = first == 0 && late_caught && woke < at + LATE_DELAY_NS * 3 / 4;
		long until = late_now() + LATE_SLEEP_NS;
		while (late_sleep_until(until) == -EINTR)
			; /* a second signal (both spinners sent one): sleep on */
		char r = late_now() < until ? 'E' : (char)('0' + in_window);
		CHECK_EQ(write(late_back[1], &r, 1), 1);
	}
}

static void late_spinner(void)
{
	long at;

	late_close_but(late_spin[0], -1);
	while (late_next(late_spin[0], &at))
		late_spin_kill(at);
}

void test_late_wake_race(void)
{
	int hits = 0;

	if (on_linux || !cmdline_has("sluice.wake_delay=100000")) {
		printf("  late_wake_race: needs sluice.wake_delay=100000 (usertests-late-wake)\n");
		return;
	}
	install(SIGUSR1, late_handler);
	CHECK_EQ(pipe(late_go), 0);
	CHECK_EQ(pipe(late_spin), 0);
	CHECK_EQ(pipe(late_back), 0);
	late_pid = spawn(late_sleeper);
	int spinner = spawn(late_spinner);
	close(late_go[0]);
	close(late_spin[0]);
	close(late_back[1]);
	for (int i = 0; i < LATE_ROUNDS; i++) {
		long at = late_now() + 20 * 1000000L; /* time for the sleeper to fall asleep */
		char r;
		CHECK_EQ(write(late_go[1], &at, sizeof(at)), sizeof(at));
		CHECK_EQ(write(late_spin[1], &at, sizeof(at)), sizeof(at));
		late_spin_kill(at);
		CHECK_EQ(read(late_back[0], &r, 1), 1);
		if (r == 'E')
			FAIL("round %d: the second sleep ended early", i);
		hits += r == '1';
	}
	close(late_go[1]);
	close(late_spin[1]);
	expect_exit(reap(late_pid), 0);
	expect_exit(reap(spinner), 0);
	printf("  late_wake_race: %d of %d signals came in the window\n", hits, LATE_ROUNDS);
	CHECK(hits > 0);
	signal(SIGUSR1, SIG_DFL);
}
