/*
 * t_sigwait.c - waiting for signals and for files: rt_sigsuspend, ppoll and
 * pselect6 with their temporary signal masks and timeouts, stop and
 * continue, sessions.
 *
 * The calls are made raw (syscallN with Linux's numbers and masks), so the
 * tests see exactly what the kernel answers; handlers go through the
 * runtime's sigaction, which numbers signals as picolibc does.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "usertests.h"

static volatile int got_usr1;
static volatile uint64_t mask_in_handler;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
	mask_in_handler = sigmask_now();
}

static void catch_usr1(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	got_usr1 = 0;
}

/* A child that sends SIGUSR1 to the parent after ms milliseconds. */
static int usr1_later(int ms)
{
	int parent = getpid(), pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		struct timespec ts = {0, ms * 1000000L};
		nanosleep(&ts, NULL);
		syscall2(__NR_kill, parent, LINUX_SIGUSR1);
		_exit(0);
	}
	return pid;
}

/*
 * rt_sigsuspend: SIGUSR1 blocked, then waited for with a mask that lets it
 * in.  The handler runs under the temporary mask (plus SIGUSR1 itself),
 * the call answers EINTR, and the old mask is back afterwards.
 */
void test_sigsuspend(void)
{
	uint64_t waitmask = LBIT(LINUX_SIGUSR2);

	catch_usr1();
	sigmask_set(LBIT(LINUX_SIGUSR1));
	int pid = usr1_later(20);
	CHECK_EQ(syscall2(__NR_rt_sigsuspend, (long)&waitmask, 8), -EINTR);
	CHECK_EQ(got_usr1, 1);
	CHECK_EQ(mask_in_handler & (LBIT(LINUX_SIGUSR1) | LBIT(LINUX_SIGUSR2)),
		 LBIT(LINUX_SIGUSR1) | LBIT(LINUX_SIGUSR2));
	CHECK_EQ(sigmask_now(), LBIT(LINUX_SIGUSR1));
	reap(pid);

	/* Already pending and blocked: the call returns at once. */
	CHECK_EQ(syscall2(__NR_kill, getpid(), LINUX_SIGUSR1), 0);
	CHECK_EQ(got_usr1, 1);
	waitmask = 0;
	CHECK_EQ(syscall2(__NR_rt_sigsuspend, (long)&waitmask, 8), -EINTR);
	CHECK_EQ(got_usr1, 2);
	CHECK_EQ(sigmask_now(), LBIT(LINUX_SIGUSR1));
}

/* Its arguments: a bad pointer, a wrong set size; SIGKILL cannot be
 * blocked by the temporary mask, so the process still dies. */
void test_sigsuspend_bad(void)
{
	uint64_t all = ~0ull;

	CHECK_EQ(syscall2(__NR_rt_sigsuspend, 0, 8), -EFAULT);
	CHECK_EQ(syscall2(__NR_rt_sigsuspend, (long)KERNEL_IMAGE, 8), -EFAULT);
	CHECK_EQ(syscall2(__NR_rt_sigsuspend, (long)&all, 4), -EINVAL);
	CHECK_EQ(syscall2(__NR_rt_sigsuspend, (long)&all, 16), -EINVAL);

	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		syscall2(__NR_rt_sigsuspend, (long)&all, 8);
		_exit(7);
	}
	struct timespec ts = {0, 20000000};
	nanosleep(&ts, NULL);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGKILL), 0);
	int status = reap(pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

/* --- ppoll and pselect6 --- */

#define L_POLLIN     0x001
#define L_POLLPRI    0x002
#define L_POLLOUT    0x004
#define L_POLLERR    0x008
#define L_POLLHUP    0x010
#define L_POLLNVAL   0x020
#define L_POLLRDNORM 0x040
#define L_POLLWRNORM 0x100

struct lpollfd {
	int fd;
	short events, revents;
};

static const struct timespec zero_ts = {0, 0};

/* ppoll of one fd for events with a zero timeout: its revents (the call
 * must count it as ready exactly when revents is not 0). */
static int poll_now(int fd, short events)
{
	struct lpollfd p = {fd, events, 0x7fff};
	struct timespec ts = zero_ts;

	long n = syscall5(__NR_ppoll, (long)&p, 1, (long)&ts, 0, 8);
	CHECK_EQ(n, p.revents != 0);
	return p.revents;
}

/* What each end of a pipe is ready for as it fills, drains and loses its
 * other end; regular files, /dev/null and closed or negative fds. */
void test_ppoll_pipe(void)
{
	int fds[2], other[2];
	char c = 'x';

	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(poll_now(fds[0], L_POLLIN | L_POLLOUT), 0);
	CHECK_EQ(poll_now(fds[1], L_POLLIN | L_POLLOUT), L_POLLOUT);
	CHECK_EQ(poll_now(fds[1], L_POLLOUT | L_POLLWRNORM), L_POLLOUT | L_POLLWRNORM);
	CHECK_EQ(write(fds[1], &c, 1), 1);
	CHECK_EQ(poll_now(fds[0], L_POLLIN | L_POLLRDNORM), L_POLLIN | L_POLLRDNORM);
	CHECK_EQ(poll_now(fds[0], L_POLLOUT), 0);
	CHECK_EQ(close(fds[1]), 0);
	CHECK_EQ(poll_now(fds[0], L_POLLIN), L_POLLIN | L_POLLHUP);
	CHECK_EQ(read(fds[0], &c, 1), 1);
	CHECK_EQ(poll_now(fds[0], L_POLLIN), L_POLLHUP); /* not asked for, still said */
	CHECK_EQ(poll_now(fds[0], 0), L_POLLHUP);
	CHECK_EQ(close(fds[0]), 0);
	CHECK_EQ(poll_now(fds[0], L_POLLIN), L_POLLNVAL);

	CHECK_EQ(pipe(other), 0);
	CHECK_EQ(close(other[0]), 0);
	CHECK_EQ(poll_now(other[1], L_POLLOUT), L_POLLOUT | L_POLLERR);
	CHECK_EQ(close(other[1]), 0);

	/* Always ready: a regular file and /dev/null. */
	long fd = syscall4(__NR_openat, -100, (long)"/dev/null", 2, 0);
	CHECK(fd >= 0);
	CHECK_EQ(poll_now((int)fd, L_POLLIN | L_POLLOUT | L_POLLPRI), L_POLLIN | L_POLLOUT);
	CHECK_EQ(close((int)fd), 0);
	char path[64];
	snprintf(path, sizeof(path), "%s/bin/notelf", bin_prefix);
	fd = syscall4(__NR_openat, -100, (long)path, 0, 0);
	CHECK(fd >= 0);
	CHECK_EQ(poll_now((int)fd, L_POLLIN | L_POLLOUT), L_POLLIN | L_POLLOUT);
	CHECK_EQ(close((int)fd), 0);

	/* A negative fd is skipped: nothing reported, nothing counted. */
	struct lpollfd p[2] = {{-1, L_POLLIN, 0x7f}, {-5, L_POLLIN, 0}};
	struct timespec ts = zero_ts;
	CHECK_EQ(syscall5(__NR_ppoll, (long)p, 2, (long)&ts, 0, 8), 0);
	CHECK_EQ(p[0].revents, 0);

	/* The console: writable, nothing typed, so a read with O_NONBLOCK
	 * (at open, or set by fcntl) is EAGAIN (Sluice only: a host run's
	 * terminal may be anything). */
	if (!on_linux) {
		fd = syscall4(__NR_openat, -100, (long)"/dev/console", 2 | 04000 /* O_NONBLOCK */,
			      0);
		CHECK(fd >= 0);
		CHECK_EQ(poll_now((int)fd, L_POLLIN | L_POLLOUT), L_POLLOUT);
		CHECK_EQ(syscall3(__NR_read, fd, (long)&c, 1), -EAGAIN);
		CHECK_EQ(syscall3(__NR_fcntl, fd, 4 /* F_SETFL */, 0), 0);
		CHECK_EQ(syscall3(__NR_fcntl, fd, 4, 04000), 0);
		CHECK_EQ(syscall3(__NR_read, fd, (long)&c, 1), -EAGAIN);
		CHECK_EQ(close((int)fd), 0);
	}
}

/* A child that writes one byte into fd after ms milliseconds. */
static int write_later(int fd, int ms)
{
	int pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		struct timespec ts = {0, ms * 1000000L};
		nanosleep(&ts, NULL);
		_exit(write(fd, "y", 1) == 1 ? 0 : 1);
	}
	return pid;
}

/* Sleeping: no timeout until a byte comes; a timeout that runs out (by
 * the monotonic clock), with the time left written back; many fds. */
void test_ppoll_wait(void)
{
	int fds[2], idle[2];
	struct lpollfd p[3];

	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(pipe(idle), 0);
	p[0] = (struct lpollfd){idle[0], L_POLLIN, 0};
	p[1] = (struct lpollfd){fds[0], L_POLLIN, 0};
	p[2] = (struct lpollfd){idle[0], L_POLLIN, 0};
	int pid = write_later(fds[1], 30);
	long t0 = now_ms();
	CHECK_EQ(syscall5(__NR_ppoll, (long)p, 3, 0, 0, 8), 1);
	CHECK(now_ms() - t0 >= 25);
	CHECK_EQ(p[0].revents, 0);
	CHECK_EQ(p[1].revents, L_POLLIN);
	CHECK_EQ(reap(pid), 0);

	struct timespec ts = {0, 60000000};
	t0 = now_ms();
	CHECK_EQ(syscall5(__NR_ppoll, (long)p, 1, (long)&ts, 0, 8), 0);
	CHECK(now_ms() - t0 >= 60);
	CHECK_EQ(ts.tv_sec, 0);
	CHECK_EQ(ts.tv_nsec, 0);

	/* Woken with time to spare: the rest is written back. */
	ts = (struct timespec){5, 0};
	char c;
	CHECK_EQ(read(fds[0], &c, 1), 1);
	pid = write_later(fds[1], 20);
	CHECK_EQ(syscall5(__NR_ppoll, (long)&p[1], 1, (long)&ts, 0, 8), 1);
	CHECK(ts.tv_sec >= 3 && ts.tv_sec <= 4);
	CHECK_EQ(reap(pid), 0);

	/* A plain sleep: no fds at all. */
	ts = (struct timespec){0, 20000000};
	t0 = now_ms();
	CHECK_EQ(syscall5(__NR_ppoll, 0, 0, (long)&ts, 0, 8), 0);
	CHECK(now_ms() - t0 >= 20);
}

/* The signal mask: SIGUSR1 blocked, let in for the call only; the handler
 * runs under the call's mask, the call says EINTR, the old mask is back. */
void test_ppoll_sigmask(void)
{
	int fds[2];
	struct lpollfd p;
	uint64_t callmask = LBIT(LINUX_SIGUSR2);

	CHECK_EQ(pipe(fds), 0);
	catch_usr1();
	sigmask_set(LBIT(LINUX_SIGUSR1));
	p = (struct lpollfd){fds[0], L_POLLIN, 0};
	int pid = usr1_later(20);
	CHECK_EQ(syscall5(__NR_ppoll, (long)&p, 1, 0, (long)&callmask, 8), -EINTR);
	CHECK_EQ(got_usr1, 1);
	CHECK_EQ(mask_in_handler & (LBIT(LINUX_SIGUSR1) | LBIT(LINUX_SIGUSR2)),
		 LBIT(LINUX_SIGUSR1) | LBIT(LINUX_SIGUSR2));
	CHECK_EQ(sigmask_now(), LBIT(LINUX_SIGUSR1));
	reap(pid);

	/* Without a mask argument the blocked signal stays pending: the
	 * timeout ends the call, and the signal waits. */
	CHECK_EQ(syscall2(__NR_kill, getpid(), LINUX_SIGUSR1), 0);
	struct timespec ts = {0, 10000000};
	CHECK_EQ(syscall5(__NR_ppoll, (long)&p, 1, (long)&ts, 0, 8), 0);
	CHECK_EQ(got_usr1, 1);
	/* A ready fd wins over a signal the mask lets in: no EINTR. */
	CHECK_EQ(write(fds[1], "z", 1), 1);
	callmask = 0;
	CHECK_EQ(syscall5(__NR_ppoll, (long)&p, 1, 0, (long)&callmask, 8), 1);
	sigmask_set(0);
	CHECK_EQ(got_usr1, 2);
}

/* The errors: too many fds, an array or timeout the caller cannot reach,
 * a bad timeout, a bad mask size. */
void test_ppoll_bad(void)
{
	struct rlimit rl = {1024, 1024};
	struct lpollfd p = {0, L_POLLIN, 0};
	struct timespec ts = zero_ts, bad = {0, 1000000000};
	uint64_t mask = 0;

	/* On Linux the bound is RLIMIT_NOFILE; make it 1024 there too. */
	if (on_linux)
		CHECK_EQ(prlimit(0, RLIMIT_NOFILE, &rl, NULL), 0);
	/* A real array (qemu-riscv64 checks it before Linux sees the call),
	 * never touched: the count is refused first.  qemu-riscv64 itself
	 * crashes on 2^20 entries, so Sluice alone is asked that. */
	size_t big = (1u << 20) * sizeof(struct lpollfd);
	void *many = mmap(NULL, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(many != MAP_FAILED);
	if (!on_linux)
		CHECK_EQ(syscall5(__NR_ppoll, (long)many, 1 << 20, (long)&ts, 0, 8), -EINVAL);
	CHECK_EQ(syscall5(__NR_ppoll, (long)many, 1025, (long)&ts, 0, 8), -EINVAL);
	CHECK_EQ(munmap(many, big), 0);
	CHECK_EQ(syscall5(__NR_ppoll, 0, 1, (long)&ts, 0, 8), -EFAULT);
	CHECK_EQ(syscall5(__NR_ppoll, (long)KERNEL_IMAGE, 1, (long)&ts, 0, 8), -EFAULT);
	CHECK_EQ(syscall5(__NR_ppoll, (long)&p, 1, (long)&bad, 0, 8), -EINVAL);
	bad = (struct timespec){-1, 0};
	CHECK_EQ(syscall5(__NR_ppoll, (long)&p, 1, (long)&bad, 0, 8), -EINVAL);
	CHECK_EQ(syscall5(__NR_ppoll, (long)&p, 1, (long)KERNEL_IMAGE, 0, 8), -EFAULT);
	CHECK_EQ(syscall5(__NR_ppoll, (long)&p, 1, (long)&ts, (long)&mask, 4), -EINVAL);
	CHECK_EQ(syscall5(__NR_ppoll, (long)&p, 1, (long)&ts, (long)KERNEL_IMAGE, 8), -EFAULT);
	p.fd = -1; /* no mask: its size does not matter */
	CHECK_EQ(syscall5(__NR_ppoll, (long)&p, 1, (long)&ts, 0, 4), 0);

	/* An array that runs from a mapped page into an unmapped one. */
	char *two = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
	CHECK(two != MAP_FAILED);
	CHECK_EQ(munmap(two + PAGE_SIZE, PAGE_SIZE), 0);
	struct lpollfd *edge = (struct lpollfd *)(two + PAGE_SIZE) - 2;
	for (int i = 0; i < 2; i++)
		edge[i] = (struct lpollfd){-1, 0, 0};
	CHECK_EQ(syscall5(__NR_ppoll, (long)edge, 2, (long)&ts, 0, 8), 0);
	CHECK_EQ(syscall5(__NR_ppoll, (long)edge, 3, (long)&ts, 0, 8), -EFAULT);
	CHECK_EQ(syscall5(__NR_ppoll, (long)edge, 1000, (long)&ts, 0, 8), -EFAULT);
	CHECK_EQ(munmap(two, PAGE_SIZE), 0);
}

/* pselect6: the sets in and out, EBADF for a closed fd, n past the table,
 * the timeout, the mask argument's own struct. */
void test_pselect(void)
{
	int fds[2];
	uint64_t rd, wr, ex;
	struct timespec ts = zero_ts;

	CHECK_EQ(pipe(fds), 0);
	rd = 1ull << fds[0];
	wr = 1ull << fds[1];
	ex = rd | wr;
	CHECK_EQ(syscall6(__NR_pselect6, 64, (long)&rd, (long)&wr, (long)&ex, (long)&ts, 0), 1);
	CHECK_EQ(rd, 0);
	CHECK_EQ(wr, 1ull << fds[1]);
	CHECK_EQ(ex, 0);
	CHECK_EQ(write(fds[1], "a", 1), 1);
	rd = 1ull << fds[0];
	wr = (1ull << fds[1]) | (1ull << fds[0]);
	CHECK_EQ(syscall6(__NR_pselect6, fds[1] + 1, (long)&rd, (long)&wr, 0, (long)&ts, 0), 2);
	CHECK_EQ(rd, 1ull << fds[0]);
	CHECK_EQ(wr, 1ull << fds[1]);

	/* n cuts the sets: fds at or past it are not looked at. */
	rd = 1ull << fds[0];
	CHECK_EQ(syscall6(__NR_pselect6, fds[0], (long)&rd, 0, 0, (long)&ts, 0), 0);
	/* A closed fd in a set. */
	rd = 1ull << 40;
	CHECK_EQ(syscall6(__NR_pselect6, 41, (long)&rd, 0, 0, (long)&ts, 0), -EBADF);
	CHECK_EQ(syscall6(__NR_pselect6, -1, 0, 0, 0, (long)&ts, 0), -EINVAL);
	CHECK_EQ(syscall6(__NR_pselect6, 64, (long)KERNEL_IMAGE, 0, 0, (long)&ts, 0), -EFAULT);

	/* A timeout that runs out, then a wait that a byte ends. */
	char c;
	CHECK_EQ(read(fds[0], &c, 1), 1);
	rd = 1ull << fds[0];
	ts = (struct timespec){0, 30000000};
	long t0 = now_ms();
	CHECK_EQ(syscall6(__NR_pselect6, 64, (long)&rd, 0, 0, (long)&ts, 0), 0);
	CHECK(now_ms() - t0 >= 30);
	CHECK_EQ(rd, 0);
	int pid = write_later(fds[1], 20);
	rd = 1ull << fds[0];
	CHECK_EQ(syscall6(__NR_pselect6, 64, (long)&rd, 0, 0, 0, 0), 1);
	CHECK_EQ(rd, 1ull << fds[0]);
	CHECK_EQ(reap(pid), 0);

	/* The sixth argument: {mask pointer, mask size}. */
	uint64_t mask = 0;
	struct {
		void *p;
		size_t size;
	} sig = {&mask, 4};
	ts = zero_ts;
	CHECK_EQ(syscall6(__NR_pselect6, 0, 0, 0, 0, (long)&ts, (long)&sig), -EINVAL);
	sig.size = 8;
	CHECK_EQ(syscall6(__NR_pselect6, 0, 0, 0, 0, (long)&ts, (long)&sig), 0);
	sig.p = NULL; /* no mask: fine, whatever the size */
	sig.size = 3;
	CHECK_EQ(syscall6(__NR_pselect6, 0, 0, 0, 0, (long)&ts, (long)&sig), 0);
	CHECK_EQ(syscall6(__NR_pselect6, 0, 0, 0, 0, (long)&ts, (long)KERNEL_IMAGE), -EFAULT);
}

/* --- stop and continue --- */

#define L_WUNTRACED  2
#define L_WCONTINUED 8
#define L_WNOHANG    1

/* wait4 with Linux's options; the raw Linux status word. */
static int lwait(int pid, int options)
{
	int status = -1;
	long r;

	do
		r = syscall4(__NR_wait4, pid, (long)&status, options, 0);
	while (r == -EINTR);
	CHECK_EQ(r, (options & L_WNOHANG) && r == 0 ? 0 : pid);
	return status;
}

/* The State line of /proc/<pid>/status: its first letter. */
static char proc_state(int pid)
{
	char path[64], buf[512];
	long fd, n;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	fd = syscall4(__NR_openat, -100, (long)path, 0, 0);
	CHECK(fd >= 0);
	n = syscall3(__NR_read, fd, (long)buf, sizeof(buf) - 1);
	close((int)fd);
	CHECK(n > 0);
	buf[n] = 0;
	char *s = strstr(buf, "State:\t");
	CHECK(s != NULL);
	return s[7];
}

static void sleep_long(void)
{
	for (;;)
		sleep_ms(10000);
}

/* A child in a process group of its own, which its parent (us, in the
 * same session) could continue: not orphaned, so SIGTSTP stops it. */
static int spawn_job(void (*fn)(void))
{
	int pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		fn();
		_exit(0);
	}
	setpgid(pid, pid);
	return pid;
}

/* A child in our own group, which is orphaned: SIGTSTP does not stop it
 * (SIGSTOP would). */
static void tstp_orphaned(void)
{
	int pid = spawn(sleep_long);

	sleep_ms(20);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGTSTP), 0);
	sleep_ms(30);
	CHECK_EQ(lwait(pid, L_WUNTRACED | L_WNOHANG), -1);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGKILL), 0);
	CHECK_EQ(lwait(pid, 0), LINUX_SIGKILL);
}

/*
 * SIGSTOP stops a sleeping child (wait4 WUNTRACED: 0x137f), SIGCONT goes
 * on with it (WCONTINUED: 0xffff), each reported once; /proc shows T,
 * then S; a stopped child still dies of SIGTERM once continued, and at
 * once of SIGKILL.
 */
void test_stop_cont(void)
{
	int pid = spawn_job(sleep_long);

	sleep_ms(20);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGSTOP), 0);
	CHECK_EQ(lwait(pid, L_WUNTRACED), (LINUX_SIGSTOP << 8) | 0x7f);
	CHECK_EQ(lwait(pid, L_WUNTRACED | L_WNOHANG), -1); /* reported once */
	CHECK_EQ(proc_state(pid), 'T');
	/* Signals wait while it is stopped; a second stop says nothing. */
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGSTOP), 0);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGCONT), 0);
	CHECK_EQ(lwait(pid, L_WCONTINUED), 0xffff);
	sleep_ms(20);
	CHECK_EQ(proc_state(pid), 'S');
	CHECK_EQ(lwait(pid, L_WUNTRACED | L_WCONTINUED | L_WNOHANG), -1);

	/* SIGTSTP stops too; a SIGTERM sent meanwhile waits for SIGCONT. */
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGTSTP), 0);
	CHECK_EQ(lwait(pid, L_WUNTRACED), (LINUX_SIGTSTP << 8) | 0x7f);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGTERM), 0);
	sleep_ms(20);
	CHECK_EQ(lwait(pid, L_WNOHANG), -1);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGCONT), 0);
	CHECK_EQ(lwait(pid, 0), LINUX_SIGTERM);

	/* The orphaned group rule: in a session of our own, our group has
	 * no parent outside it in the session; SIGTSTP must not stop it. */
	CHECK_EQ(syscall0(__NR_setsid), getpid());
	tstp_orphaned();

	/* Stopped for good: SIGKILL still ends it, and it is reaped. */
	pid = spawn(sleep_long);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGSTOP), 0);
	CHECK_EQ(lwait(pid, L_WUNTRACED), (LINUX_SIGSTOP << 8) | 0x7f);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGKILL), 0);
	CHECK_EQ(lwait(pid, 0), LINUX_SIGKILL);
}

/* A stop does not cut a sleep short: nanosleep goes on to its end
 * (restart_syscall), and a pipe read goes on reading. */
static void sleep_through_stop(void)
{
	long t0 = now_ms();
	struct timespec ts = {0, 300000000};

	if (syscall2(__NR_nanosleep, (long)&ts, 0) != 0)
		_exit(2);
	if (now_ms() - t0 < 300)
		_exit(3);
	_exit(0);
}

void test_stop_restart(void)
{
	int pid = spawn(sleep_through_stop);

	sleep_ms(50);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGSTOP), 0);
	CHECK_EQ(lwait(pid, L_WUNTRACED), (LINUX_SIGSTOP << 8) | 0x7f);
	sleep_ms(50);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGCONT), 0);
	CHECK_EQ(lwait(pid, 0), 0);

	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char c;
		_exit(syscall3(__NR_read, fds[0], (long)&c, 1) == 1 && c == 'q' ? 0 : 4);
	}
	sleep_ms(20);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGSTOP), 0);
	CHECK_EQ(lwait(pid, L_WUNTRACED), (LINUX_SIGSTOP << 8) | 0x7f);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGCONT), 0);
	CHECK_EQ(write(fds[1], "q", 1), 1);
	CHECK_EQ(lwait(pid, 0), 0);
}

/* --- sessions --- */

void test_setsid(void)
{
	int me = getpid();

	CHECK_EQ(syscall1(__NR_getsid, 0), syscall1(__NR_getsid, me));
	CHECK_EQ(syscall1(__NR_getsid, 99999), -ESRCH);
	/* A group leader cannot make a session. */
	CHECK_EQ(syscall2(__NR_setpgid, 0, 0), 0);
	CHECK_EQ(syscall0(__NR_setsid), -EPERM);

	int fds[2];
	CHECK_EQ(pipe(fds), 0);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		long sid = syscall0(__NR_setsid);
		int pgrp = 0;
		if (sid != getpid() || syscall1(__NR_getsid, 0) != sid ||
		    syscall1(__NR_getpgid, 0) != sid)
			_exit(2);
		/* No controlling terminal in the new session. */
		if (syscall3(__NR_ioctl, 0, LINUX_TIOCGPGRP, (long)&pgrp) != -ENOTTY)
			_exit(3);
		/* A session leader may not change its group, nor make a session again. */
		if (syscall0(__NR_setsid) != -EPERM || syscall2(__NR_setpgid, 0, 0) != -EPERM)
			_exit(4);
		char c;
		syscall3(__NR_read, fds[0], (long)&c, 1);
		_exit(0);
	}
	/* From the parent: the child's session is its own; the child, in
	 * another session now, cannot be moved into the parent's group. */
	sleep_ms(30);
	CHECK_EQ(syscall1(__NR_getsid, pid), pid);
	CHECK_EQ(syscall2(__NR_setpgid, pid, me), -EPERM);
	CHECK_EQ(write(fds[1], "x", 1), 1);
	CHECK_EQ(lwait(pid, 0), 0);

	/* setpgid: not a child, not an existing group, a bad group id. */
	CHECK_EQ(syscall2(__NR_setpgid, 99999, 0), -ESRCH);
	CHECK_EQ(syscall2(__NR_setpgid, 0, 99999), -EPERM);
	CHECK_EQ(syscall2(__NR_setpgid, 0, -1), -EINVAL);
}

/* --- epoll --- */

#define L_EPOLLONESHOT (1u << 30)

struct lepoll_event {
	uint32_t events;
	uint64_t data;
};

static long ep_ctl(int ep, int op, int fd, uint32_t events, uint64_t data)
{
	struct lepoll_event ev = {events, data};

	return syscall4(__NR_epoll_ctl, ep, op, fd, (long)&ev);
}

static long ep_wait(int ep, struct lepoll_event *evs, int max, int timeout_ms)
{
	return syscall6(__NR_epoll_pwait, ep, (long)evs, max, timeout_ms, 0, 8);
}

/* Level-triggered readiness of a pipe through epoll, the watch list's
 * operations, EPOLLONESHOT, a wait that a byte ends, the epoll fd in ppoll. */
void test_epoll(void)
{
	struct lepoll_event ev[4];
	int fds[2];
	char c;
	long ep = syscall1(__NR_epoll_create1, 0);

	CHECK(ep >= 0);
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(ep_ctl((int)ep, 1, fds[0], L_POLLIN, 0xabc), 0);
	CHECK_EQ(ep_wait((int)ep, ev, 4, 0), 0);
	CHECK_EQ(write(fds[1], "a", 1), 1);
	CHECK_EQ(ep_wait((int)ep, ev, 4, 0), 1);
	CHECK_EQ(ev[0].events, L_POLLIN);
	CHECK_EQ(ev[0].data, 0xabc);
	CHECK_EQ(ep_wait((int)ep, ev, 4, -1), 1); /* level-triggered: still there */
	CHECK_EQ(poll_now((int)ep, L_POLLIN), L_POLLIN);
	CHECK_EQ(read(fds[0], &c, 1), 1);
	CHECK_EQ(poll_now((int)ep, L_POLLIN), 0);

	/* A wait a byte written later ends; a timeout that runs out. */
	int pid = write_later(fds[1], 20);
	CHECK_EQ(ep_wait((int)ep, ev, 4, 2000), 1);
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(read(fds[0], &c, 1), 1);
	long t0 = now_ms();
	CHECK_EQ(ep_wait((int)ep, ev, 4, 30), 0);
	CHECK(now_ms() - t0 >= 30);

	/* One-shot: reported once, until EPOLL_CTL_MOD arms it again. */
	CHECK_EQ(ep_ctl((int)ep, 1, fds[1], L_POLLOUT | L_EPOLLONESHOT, 7), 0);
	CHECK_EQ(ep_wait((int)ep, ev, 4, 0), 1);
	CHECK_EQ(ev[0].data, 7);
	CHECK_EQ(ep_wait((int)ep, ev, 4, 0), 0);
	CHECK_EQ(ep_ctl((int)ep, 3, fds[1], L_POLLOUT, 8), 0);
	CHECK_EQ(ep_wait((int)ep, ev, 4, 0), 1);
	CHECK_EQ(ev[0].data, 8);
	CHECK_EQ(ep_ctl((int)ep, 2, fds[1], 0, 0), 0);

	/* Hang-up is reported without being asked for. */
	CHECK_EQ(close(fds[1]), 0);
	CHECK_EQ(ep_wait((int)ep, ev, 4, 0), 1);
	CHECK_EQ(ev[0].events, L_POLLHUP);
	CHECK_EQ(close(fds[0]), 0);
	CHECK_EQ(close((int)ep), 0);
}

/* Many pipes, one written: exactly that one is reported. */
void test_epoll_many(void)
{
	enum { N = 24 };
	int fds[N][2];
	struct lepoll_event ev[N];
	long ep = syscall1(__NR_epoll_create1, 02000000 /* EPOLL_CLOEXEC */);

	CHECK(ep >= 0);
	for (int i = 0; i < N; i++) {
		CHECK_EQ(pipe(fds[i]), 0);
		CHECK_EQ(ep_ctl((int)ep, 1, fds[i][0], L_POLLIN, (uint64_t)i), 0);
	}
	int pid = write_later(fds[17][1], 20);
	CHECK_EQ(ep_wait((int)ep, ev, N, -1), 1);
	CHECK_EQ(ev[0].data, 17);
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(ep_wait((int)ep, ev, 1, 0), 1); /* maxevents caps */
	for (int i = 0; i < N; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	close((int)ep);
}

/* epoll's refusals. */
void test_epoll_bad(void)
{
	struct lepoll_event ev[2];
	int fds[2];
	long ep = syscall1(__NR_epoll_create1, 0);

	CHECK(ep >= 0);
	CHECK_EQ(syscall1(__NR_epoll_create1, 1), -EINVAL);
	CHECK_EQ(pipe(fds), 0);
	CHECK_EQ(ep_ctl((int)ep, 1, fds[0], L_POLLIN, 0), 0);
	CHECK_EQ(ep_ctl((int)ep, 1, fds[0], L_POLLIN, 0), -EEXIST);
	CHECK_EQ(ep_ctl((int)ep, 3, fds[1], L_POLLIN, 0), -ENOENT);
	CHECK_EQ(ep_ctl((int)ep, 2, fds[1], 0, 0), -ENOENT);
	CHECK_EQ(ep_ctl((int)ep, 9, fds[1], 0, 0), -EINVAL);
	CHECK_EQ(ep_ctl((int)ep, 1, (int)ep, L_POLLIN, 0), -EINVAL); /* itself */
	/* Two epolls watching each other: Linux refuses the second (ELOOP);
	 * Sluice refuses the first (no nesting at all). */
	long ep2 = syscall1(__NR_epoll_create1, 0);
	CHECK(ep2 >= 0);
	long nest = ep_ctl((int)ep2, 1, (int)ep, L_POLLIN, 0);
	CHECK(nest == 0 || nest == -LINUX_ELOOP);
	CHECK_EQ(ep_ctl((int)ep, 1, (int)ep2, L_POLLIN, 0), -LINUX_ELOOP);
	close((int)ep2);
	CHECK_EQ(ep_ctl(fds[0], 1, fds[1], L_POLLIN, 0), -EINVAL); /* not epoll */
	CHECK_EQ(ep_ctl((int)ep, 1, 60, L_POLLIN, 0), -EBADF);
	CHECK_EQ(ep_ctl(60, 1, fds[1], L_POLLIN, 0), -EBADF);
	CHECK_EQ(syscall4(__NR_epoll_ctl, ep, 1, fds[1], (long)KERNEL_IMAGE), -EFAULT);
	char path[64];
	snprintf(path, sizeof(path), "%s/bin/notelf", bin_prefix);
	long reg = syscall4(__NR_openat, -100, (long)path, 0, 0);
	CHECK(reg >= 0);
	CHECK_EQ(ep_ctl((int)ep, 1, (int)reg, L_POLLIN, 0), -EPERM); /* a regular file */
	close((int)reg);

	CHECK_EQ(ep_wait((int)ep, ev, 0, 0), -EINVAL);
	CHECK_EQ(ep_wait((int)ep, ev, -1, 0), -EINVAL);
	CHECK_EQ(ep_wait(fds[0], ev, 2, 0), -EINVAL);
	CHECK_EQ(ep_wait(60, ev, 2, 0), -EBADF);
	CHECK_EQ(write(fds[1], "b", 1), 1);
	CHECK_EQ(ep_wait((int)ep, (struct lepoll_event *)KERNEL_IMAGE, 2, 0), -EFAULT);
	uint64_t mask = 0;
	CHECK_EQ(syscall6(__NR_epoll_pwait, ep, (long)ev, 2, 0, (long)&mask, 4), -EINVAL);
	CHECK_EQ(syscall6(__NR_epoll_pwait, ep, (long)ev, 2, 0, (long)&mask, 8), 1);
	close(fds[0]);
	close(fds[1]);
	close((int)ep);
}

/* --- hang-ups at exit --- */

static int hup_pipe[2];

/* In a session of its own, start a job that stops itself, see it
 * stopped, and exit: that orphans the job's group. */
static void stopped_job_parent(void)
{
	if (syscall0(__NR_setsid) < 0)
		_exit(2);
	int pid = fork();
	if (pid == 0) {
		int me = getpid();
		setpgid(0, 0);
		close(hup_pipe[0]);
		if (write(hup_pipe[1], &me, sizeof(me)) != sizeof(me))
			_exit(3);
		syscall2(__NR_kill, me, LINUX_SIGSTOP);
		_exit(9); /* continued without the hang-up: wrong */
	}
	setpgid(pid, pid);
	close(hup_pipe[1]);
	_exit(lwait(pid, L_WUNTRACED) == ((LINUX_SIGSTOP << 8) | 0x7f) ? 0 : 4);
}

/*
 * A process group that its parent's exit orphans, with a stopped member,
 * gets SIGHUP and SIGCONT (POSIX): the stopped job dies of SIGHUP instead
 * of staying stopped for good.  Seen through a pipe only it holds open.
 */
void test_orphan_hup(void)
{
	int job = 0;
	struct lpollfd p;
	struct timespec ts = {3, 0};

	CHECK_EQ(pipe(hup_pipe), 0);
	int pid = spawn(stopped_job_parent);
	close(hup_pipe[1]);
	CHECK_EQ(read(hup_pipe[0], &job, sizeof(job)), sizeof(job));
	CHECK_EQ(lwait(pid, 0), 0);
	p = (struct lpollfd){hup_pipe[0], L_POLLIN, 0};
	long n = syscall5(__NR_ppoll, (long)&p, 1, (long)&ts, 0, 8);
	if (n != 1)
		syscall2(__NR_kill, job, LINUX_SIGKILL); /* leave nothing stopped */
	CHECK_EQ(n, 1);
	CHECK_EQ(p.revents, L_POLLHUP);
	close(hup_pipe[0]);
}

/*
 * A background process of an orphaned group touching the console (Sluice:
 * the console is init's session's terminal, and the tests run in that
 * session): a read and a TIOCSPGRP get EIO, never a stop nobody could end
 * (nor a SIGTTOU and a restart for ever).  On a Linux host the terminal is
 * not the test's; there it is skipped.
 */
void test_tty_orphaned(void)
{
	int fds[2];
	long r[2] = {0, 0};

	if (on_linux)
		return;
	CHECK_EQ(pipe(fds), 0);
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		setpgid(0, 0);
		if (fork() == 0) { /* the parent exits: this group is orphaned */
			char c;
			int pgrp = getpid();
			sleep_ms(30);
			long fd = syscall4(__NR_openat, -100, (long)"/dev/console", 2, 0);
			r[0] = syscall3(__NR_read, fd, (long)&c, 1);
			r[1] = syscall3(__NR_ioctl, fd, LINUX_TIOCSPGRP, (long)&pgrp);
			_exit(write(fds[1], r, sizeof(r)) == sizeof(r) ? 0 : 1);
		}
		_exit(0);
	}
	CHECK_EQ(lwait(pid, 0), 0);
	close(fds[1]);
	struct lpollfd p = {fds[0], L_POLLIN, 0};
	struct timespec ts = {3, 0};
	CHECK_EQ(syscall5(__NR_ppoll, (long)&p, 1, (long)&ts, 0, 8), 1);
	CHECK_EQ(read(fds[0], r, sizeof(r)), sizeof(r));
	CHECK_EQ(r[0], -EIO);
	CHECK_EQ(r[1], -EIO);
	close(fds[0]);
}

/*
 * The terminal's window size: TIOCSWINSZ stores it, TIOCGWINSZ reads it
 * back, and a change (only a change) sends SIGWINCH, from the kernel
 * (SI_KERNEL), to the foreground process group and to no other, as
 * Linux's tty_do_resize.  Needs a controlling terminal: Sluice's console;
 * on Linux, run under script(1) (ctest userland/winsize-on-linux), and
 * skipped without one.
 */
static volatile int winch_count, winch_code;

static void on_winch(int lsig, void *info, void *uc)
{
	(void)lsig;
	(void)uc;
	winch_count++;
	winch_code = ((const int *)info)[2]; /* si_code, after si_signo and si_errno */
}

static void catch_winch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = (_sig_func_ptr)(void (*)(void))on_winch;
	sa.sa_flags = LINUX_SA_SIGINFO;
	CHECK_EQ(sigaction(SIGWINCH, &sa, NULL), 0);
	winch_count = 0;
}

static long tty_ioctl(int fd, long cmd, const void *arg)
{
	return syscall3(__NR_ioctl, fd, cmd, (long)arg);
}

/* In a child, the foreground group of its own while it sets sizes. */
static void winsize_in_foreground(int tty, const uint16_t old[4])
{
	uint16_t ws[4] = {(uint16_t)(old[0] + 7), (uint16_t)(old[1] + 3), 0, 0}, got[4];
	int fg = 0, me = getpid();

	setpgid(0, 0);
	sigmask_set(LBIT(LINUX_SIGTTOU)); /* a background group may take the terminal */
	CHECK_EQ(tty_ioctl(tty, LINUX_TIOCGPGRP, &fg), 0);
	CHECK_EQ(tty_ioctl(tty, LINUX_TIOCSPGRP, &me), 0);
	sigmask_set(0);
	catch_winch();
	CHECK_EQ(tty_ioctl(tty, LINUX_TIOCSWINSZ, ws), 0);
	CHECK_EQ(winch_count, 1);
	CHECK_EQ(winch_code, 0x80); /* SI_KERNEL */
	CHECK_EQ(tty_ioctl(tty, LINUX_TIOCGWINSZ, got), 0);
	CHECK_EQ(memcmp(got, ws, sizeof(ws)), 0);
	CHECK_EQ(tty_ioctl(tty, LINUX_TIOCSWINSZ, ws), 0); /* the same size: no signal */
	CHECK_EQ(winch_count, 1);
	CHECK_EQ(tty_ioctl(tty, LINUX_TIOCSWINSZ, (void *)KERNEL_HALF), -EFAULT);
	CHECK_EQ(tty_ioctl(tty, LINUX_TIOCGWINSZ, (void *)KERNEL_HALF), -EFAULT);
	CHECK_EQ(tty_ioctl(tty, LINUX_TIOCSWINSZ, old), 0); /* back, while it is ours */
	CHECK_EQ(winch_count, 2);
	CHECK_EQ(tty_ioctl(tty, LINUX_TIOCSPGRP, &fg), 0);
}

void test_winsize(void)
{
	uint16_t old[4];
	int tty = (int)syscall4(__NR_openat, -100, (long)"/dev/tty", 2 /* O_RDWR */, 0);

	if (tty < 0) {
		printf("  winsize: no controlling terminal here (%d): skipped\n", tty);
		return;
	}
	CHECK_EQ(tty_ioctl(tty, LINUX_TIOCGWINSZ, old), 0);
	catch_winch(); /* this process's group is in the background meanwhile */
	int pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		winsize_in_foreground(tty, old);
		_exit(0);
	}
	CHECK_EQ(lwait(pid, 0), 0);
	CHECK_EQ(winch_count, 0);
	close(tty);
}

/*
 * A server's wait: 100 pipes watched at once (200 fds, past the fd table's
 * first 64 slots), 4 writer processes each writing one byte, the pipe's
 * number, to its share of them in descending order with pauses, so the
 * server wakes many times with a few pipes ready each time.  Every pipe's
 * byte must be seen exactly once: each ready fd reads its own number, no
 * pipe is ready twice, and once all are read a zero-timeout wait reports
 * none.  The writers keep their ends until the server is done (no hang-ups).
 */
enum { SRV_PIPES = 100, SRV_WRITERS = 4 };

static int srv[SRV_PIPES][2], srv_quit[2];

static void srv_writer(int w)
{
	char c;

	close(srv_quit[1]);
	for (int i = SRV_PIPES - 1; i >= 0; i--) {
		if (i % SRV_WRITERS != w)
			continue;
		c = (char)i;
		if (write(srv[i][1], &c, 1) != 1)
			_exit(2);
		if (i % 5 == 0)
			sleep_ms(3);
	}
	_exit(read(srv_quit[0], &c, 1) == 0 ? 0 : 3); /* until the server is done */
}

static void srv_start(int pids[SRV_WRITERS])
{
	for (int i = 0; i < SRV_PIPES; i++)
		CHECK_EQ(pipe(srv[i]), 0);
	CHECK_EQ(pipe(srv_quit), 0);
	for (int w = 0; w < SRV_WRITERS; w++) {
		pids[w] = fork();
		CHECK(pids[w] >= 0);
		if (pids[w] == 0)
			srv_writer(w);
	}
}

static void srv_finish(int pids[SRV_WRITERS])
{
	close(srv_quit[1]);
	for (int w = 0; w < SRV_WRITERS; w++)
		CHECK_EQ(reap(pids[w]), 0);
	close(srv_quit[0]);
	for (int i = 0; i < SRV_PIPES; i++) {
		close(srv[i][0]);
		close(srv[i][1]);
	}
}

/* Pipe i was reported ready: read its byte, once in the test's life. */
static void srv_take(int i, bool seen[SRV_PIPES])
{
	char c = -1;

	CHECK_EQ(read(srv[i][0], &c, 1), 1);
	CHECK_EQ(c, i);
	if (seen[i])
		test_fail(__FILE__, __LINE__, "pipe %d reported twice", i);
	seen[i] = true;
}

void test_poll_server(void)
{
	static struct lpollfd p[SRV_PIPES];
	bool seen[SRV_PIPES] = {false};
	int pids[SRV_WRITERS], got = 0, wakes = 0;
	struct timespec ts;

	srv_start(pids);
	for (int i = 0; i < SRV_PIPES; i++)
		p[i] = (struct lpollfd){srv[i][0], L_POLLIN, 0};
	while (got < SRV_PIPES) {
		ts = (struct timespec){5, 0};
		long n = syscall5(__NR_ppoll, (long)p, SRV_PIPES, (long)&ts, 0, 8), ready = 0;
		CHECK(n > 0);
		wakes++;
		for (int i = 0; i < SRV_PIPES; i++) {
			if (!p[i].revents)
				continue;
			CHECK_EQ(p[i].revents, L_POLLIN);
			srv_take(i, seen);
			ready++;
		}
		CHECK_EQ(ready, n);
		got += (int)n;
	}
	ts = zero_ts;
	CHECK_EQ(syscall5(__NR_ppoll, (long)p, SRV_PIPES, (long)&ts, 0, 8), 0);
	printf("  poll_server: 100 pipes' bytes in %d wakes\n", wakes);
	srv_finish(pids);
}

void test_epoll_server(void)
{
	struct lepoll_event ev[16];
	bool seen[SRV_PIPES] = {false};
	int pids[SRV_WRITERS], got = 0, wakes = 0;
	long ep = syscall1(__NR_epoll_create1, 0);

	CHECK(ep >= 0);
	srv_start(pids);
	for (int i = 0; i < SRV_PIPES; i++)
		CHECK_EQ(ep_ctl((int)ep, 1 /* ADD */, srv[i][0], L_POLLIN, (uint64_t)i), 0);
	while (got < SRV_PIPES) {
		long n = ep_wait((int)ep, ev, 16, 5000);
		CHECK(n > 0);
		wakes++;
		for (long k = 0; k < n; k++) {
			CHECK_EQ(ev[k].events, L_POLLIN);
			CHECK(ev[k].data < SRV_PIPES);
			srv_take((int)ev[k].data, seen);
		}
		got += (int)n;
	}
	CHECK_EQ(ep_wait((int)ep, ev, 16, 0), 0);
	printf("  epoll_server: 100 pipes' bytes in %d wakes\n", wakes);
	srv_finish(pids);
	close((int)ep);
}

/*
 * Timeouts against CLOCK_MONOTONIC: a 50 ms ppoll of 100 idle pipes and a
 * 50 ms epoll_wait return 0, never before 50 ms.  Sluice looks at the
 * clock at its 10 ms ticks (docs/polling.md), so each may end up to one
 * tick late: the best of 5 runs must end within 50 + 10 + 5 ms; any one
 * run within 300 ms, as a busy host can hold QEMU back that long (Linux's
 * high-resolution timers end within a fraction of a millisecond).
 */
static long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void check_late(const char *what, const long us[5])
{
	long best = us[0], worst = us[0];

	for (int i = 1; i < 5; i++) {
		best = us[i] < best ? us[i] : best;
		worst = us[i] > worst ? us[i] : worst;
	}
	printf("  poll_timeout: %s: 50 ms took %ld.%03ld to %ld.%03ld ms\n", what, best / 1000,
	       best % 1000, worst / 1000, worst % 1000);
	CHECK(best >= 50000);
	CHECK(best <= 65000);
	CHECK(worst <= 300000);
}

void test_poll_timeout(void)
{
	static struct lpollfd p[SRV_PIPES];
	struct lepoll_event ev[4];
	long took[2][5], ep = syscall1(__NR_epoll_create1, 0);

	CHECK(ep >= 0);
	for (int i = 0; i < SRV_PIPES; i++) {
		CHECK_EQ(pipe(srv[i]), 0);
		p[i] = (struct lpollfd){srv[i][0], L_POLLIN, 0};
		CHECK_EQ(ep_ctl((int)ep, 1, srv[i][0], L_POLLIN, (uint64_t)i), 0);
	}
	for (int r = 0; r < 5; r++) {
		struct timespec ts = {0, 50 * 1000000L};
		long t0 = now_us();
		CHECK_EQ(syscall5(__NR_ppoll, (long)p, SRV_PIPES, (long)&ts, 0, 8), 0);
		took[0][r] = now_us() - t0;
		t0 = now_us();
		CHECK_EQ(ep_wait((int)ep, ev, 4, 50), 0);
		took[1][r] = now_us() - t0;
	}
	check_late("ppoll", took[0]);
	check_late("epoll_pwait", took[1]);
	for (int i = 0; i < SRV_PIPES; i++) {
		close(srv[i][0]);
		close(srv[i][1]);
	}
	close((int)ep);
}

/*
 * What epoll's ready list must keep right (docs/polling.md, "epoll"):
 * watches become ready by their files' wakeups, in order; one still ready
 * after reporting goes to the back (maxevents 1 takes turns); one that is
 * read dry leaves; EPOLL_CTL_DEL takes a ready one away; a write end
 * filled to EAGAIN stops being reported and comes back when a page is read.
 */
void test_epoll_ready(void)
{
	enum { N = 8 };
	int fds[N][2], wr[2];
	struct lepoll_event ev[N];
	char c, page[4096];
	long ep = syscall1(__NR_epoll_create1, 0);

	CHECK(ep >= 0);
	for (int i = 0; i < N; i++) {
		CHECK_EQ(pipe(fds[i]), 0);
		CHECK_EQ(ep_ctl((int)ep, 1, fds[i][0], L_POLLIN, (uint64_t)i), 0);
	}
	CHECK_EQ(ep_wait((int)ep, ev, N, 0), 0);
	CHECK_EQ(write(fds[3][1], "a", 1), 1);
	CHECK_EQ(write(fds[5][1], "b", 1), 1);
	for (int round = 0; round < 3; round++) { /* turns: 3, 5, 3 */
		CHECK_EQ(ep_wait((int)ep, ev, 1, 0), 1);
		CHECK_EQ(ev[0].data, round % 2 ? 5 : 3);
	}
	CHECK_EQ(read(fds[3][0], &c, 1), 1);
	CHECK_EQ(ep_wait((int)ep, ev, N, 0), 1);
	CHECK_EQ(ev[0].data, 5);
	CHECK_EQ(ep_ctl((int)ep, 2, fds[5][0], 0, 0), 0);
	CHECK_EQ(ep_wait((int)ep, ev, N, 0), 0);

	/* A write end: writable, then full (EAGAIN), then a page read. */
	CHECK_EQ(syscall2(__NR_pipe2, (long)wr, 04000 /* O_NONBLOCK */), 0);
	CHECK_EQ(ep_ctl((int)ep, 1, wr[1], L_POLLOUT, 99), 0);
	CHECK_EQ(ep_wait((int)ep, ev, N, 0), 1);
	CHECK_EQ(ev[0].data, 99);
	memset(page, 'x', sizeof(page));
	while (write(wr[1], page, sizeof(page)) > 0)
		;
	CHECK_EQ(ep_wait((int)ep, ev, N, 0), 0);
	CHECK_EQ(read(wr[0], page, sizeof(page)), (long)sizeof(page));
	CHECK_EQ(ep_wait((int)ep, ev, N, 1000), 1);
	CHECK_EQ(ev[0].data, 99);
	for (int i = 0; i < N; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	close(wr[0]);
	close(wr[1]);
	close((int)ep);
}
