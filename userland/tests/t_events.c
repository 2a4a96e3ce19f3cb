/*
 * t_events.c - usertests of eventfd2 and the timerfd calls: counters and
 * timers behind file descriptors, read, written, polled with ppoll and
 * epoll, waited on and interrupted.  Each is also run on Linux
 * (usertests-on-linux), which decides the expectations.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "usertests.h"

#define EFD_SEMAPHORE	  1
#define L_O_NONBLOCK	  04000
#define L_O_CLOEXEC	  02000000
#define L_O_RDWR	  2
#define L_POLLIN	  0x001
#define L_POLLOUT	  0x004
#define L_POLLRDNORM	  0x040
#define L_POLLWRNORM	  0x100
#define L_CLOCK_REALTIME  0
#define L_CLOCK_MONOTONIC 1
#define TFD_TIMER_ABSTIME 1
#define MS		  1000000L

struct lpollfd {
	int fd;
	short events, revents;
};

struct lepoll_event {
	uint32_t events;
	uint64_t data;
};

struct litimerspec {
	long isec, insec, vsec, vnsec;
};

/* ppoll of one fd: its revents after waiting at most ms (-1: for ever). */
static int poll_one(int fd, short events, long ms)
{
	struct lpollfd p = {fd, events, 0};
	struct timespec ts = {ms / 1000, (ms % 1000) * MS};

	long n = syscall5(__NR_ppoll, (long)&p, 1, ms < 0 ? 0 : (long)&ts, 0, 8);
	CHECK_EQ(n, p.revents != 0);
	return p.revents;
}

static long efd_read(int fd, uint64_t *v)
{
	return syscall3(__NR_read, fd, (long)v, 8);
}

static long efd_write(int fd, uint64_t v)
{
	return syscall3(__NR_write, fd, (long)&v, 8);
}

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* A child that adds v to eventfd fd after ms milliseconds. */
static int add_later(int fd, uint64_t v, long ms)
{
	int pid = fork();

	CHECK(pid >= 0);
	if (pid == 0) {
		sleep_ms(ms);
		_exit(efd_write(fd, v) == 8 ? 0 : 1);
	}
	return pid;
}

/* The counter: reads take it all (or one, as a semaphore), writes add,
 * the edges of 2^64 - 1, and Linux's errors. */
void test_eventfd(void)
{
	uint64_t v = 0;
	char link[64], want[] = "anon_inode:[eventfd]";
	int fd = (int)syscall2(__NR_eventfd2, 5, L_O_NONBLOCK);

	CHECK(fd >= 0);
	CHECK_EQ(syscall3(__NR_fcntl, fd, 3 /* F_GETFL */, 0), L_O_RDWR | L_O_NONBLOCK);
	CHECK_EQ(syscall3(__NR_fcntl, fd, 1 /* F_GETFD */, 0), 0);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	CHECK_EQ(syscall4(__NR_readlinkat, -100, (long)link, (long)link, sizeof(link)),
		 (long)strlen(want));
	CHECK(memcmp(link, want, strlen(want)) == 0);
	CHECK_EQ(efd_read(fd, &v), 8);
	CHECK_EQ(v, 5);
	CHECK_EQ(efd_read(fd, &v), -EAGAIN);
	CHECK_EQ(efd_write(fd, 3), 8);
	CHECK_EQ(efd_write(fd, 4), 8);
	CHECK_EQ(syscall3(__NR_read, fd, (long)&v, 16), 8); /* a longer buffer: 8 bytes */
	CHECK_EQ(v, 7);
	CHECK_EQ(syscall3(__NR_read, fd, (long)&v, 7), -EINVAL);
	CHECK_EQ(syscall3(__NR_write, fd, (long)&v, 4), -EINVAL);
	CHECK_EQ(efd_write(fd, UINT64_MAX), -EINVAL);
	CHECK_EQ(efd_write(fd, UINT64_MAX - 1), 8); /* the largest count */
	CHECK_EQ(efd_write(fd, 1), -EAGAIN);
	CHECK_EQ(efd_write(fd, 0), 8);
	CHECK_EQ(poll_one(fd, L_POLLIN | L_POLLOUT | L_POLLRDNORM, 0), L_POLLIN);
	CHECK_EQ(efd_read(fd, &v), 8);
	CHECK_EQ(v, UINT64_MAX - 1);
	CHECK_EQ(poll_one(fd, L_POLLIN | L_POLLOUT | L_POLLWRNORM, 0), L_POLLOUT); /* no WRNORM */
	CHECK_EQ(syscall3(__NR_write, fd, 8, 8), -EFAULT);
	/* A bad buffer with a count to take (qemu-user refuses it before
	 * Linux sees it, so what is left after is not looked at). */
	CHECK_EQ(efd_write(fd, 1), 8);
	CHECK_EQ(syscall3(__NR_read, fd, 8, 8), -EFAULT);
	CHECK_EQ(syscall1(__NR_close, fd), 0);

	/* A semaphore: one at a time. */
	fd = (int)syscall2(__NR_eventfd2, 2, EFD_SEMAPHORE | L_O_NONBLOCK | L_O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_EQ(syscall3(__NR_fcntl, fd, 1 /* F_GETFD */, 0), 1);
	CHECK_EQ(efd_read(fd, &v), 8);
	CHECK_EQ(v, 1);
	CHECK_EQ(efd_read(fd, &v), 8);
	CHECK_EQ(v, 1);
	CHECK_EQ(efd_read(fd, &v), -EAGAIN);
	CHECK_EQ(syscall1(__NR_close, fd), 0);

	CHECK_EQ(syscall2(__NR_eventfd2, 0, 2), -EINVAL);
	CHECK_EQ(syscall2(__NR_eventfd2, 0, L_O_RDWR), -EINVAL);
}

static volatile int got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

/* Blocking reads and waits that a child's write ends; a signal ends a
 * read of an empty counter (EINTR: no SA_RESTART); epoll sees it. */
void test_eventfd_wait(void)
{
	struct lepoll_event ev = {L_POLLIN, 42}, out[2];
	struct sigaction sa;
	uint64_t v = 0;
	int fd = (int)syscall2(__NR_eventfd2, 0, 0), pid;
	long ep = syscall1(__NR_epoll_create1, 0);

	CHECK(fd >= 0 && ep >= 0);
	pid = add_later(fd, 9, 20);
	CHECK_EQ(efd_read(fd, &v), 8);
	CHECK_EQ(v, 9);
	CHECK_EQ(reap(pid), 0);

	pid = add_later(fd, 2, 20);
	CHECK_EQ(poll_one(fd, L_POLLIN, -1), L_POLLIN);
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(efd_read(fd, &v), 8);

	CHECK_EQ(syscall4(__NR_epoll_ctl, ep, 1, fd, (long)&ev), 0);
	CHECK_EQ(syscall6(__NR_epoll_pwait, ep, (long)out, 2, 0, 0, 8), 0);
	pid = add_later(fd, 1, 20);
	CHECK_EQ(syscall6(__NR_epoll_pwait, ep, (long)out, 2, 2000, 0, 8), 1);
	CHECK_EQ(out[0].events, L_POLLIN);
	CHECK_EQ(out[0].data, 42);
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(efd_read(fd, &v), 8);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	int parent = getpid();
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		sleep_ms(20);
		_exit(kill(parent, SIGUSR1));
	}
	CHECK_EQ(efd_read(fd, &v), -EINTR);
	CHECK(got_usr1);
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(syscall1(__NR_close, (int)ep), 0);
	CHECK_EQ(syscall1(__NR_close, fd), 0);
}

static long tfd_set(int fd, int flags, long vsec, long vnsec, long isec, long insec,
		    struct litimerspec *old)
{
	struct litimerspec n = {isec, insec, vsec, vnsec};

	return syscall4(__NR_timerfd_settime, fd, flags, (long)&n, (long)old);
}

/* Create, set and get, with Linux's errors; a one-shot and a periodic
 * timer counted by read; absolute times on both clocks. */
void test_timerfd(void)
{
	struct litimerspec cur, old;
	uint64_t v = 0;
	long t0;
	char link[64], want[] = "anon_inode:[timerfd]";
	int fd = (int)syscall2(__NR_timerfd_create, L_CLOCK_MONOTONIC, L_O_NONBLOCK);

	CHECK(fd >= 0);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	CHECK_EQ(syscall4(__NR_readlinkat, -100, (long)link, (long)link, sizeof(link)),
		 (long)strlen(want));
	CHECK_EQ(syscall3(__NR_fcntl, fd, 3 /* F_GETFL */, 0), L_O_RDWR | L_O_NONBLOCK);
	CHECK_EQ(efd_read(fd, &v), -EAGAIN); /* never armed */
	CHECK_EQ(syscall2(__NR_timerfd_gettime, fd, (long)&cur), 0);
	CHECK(cur.vsec == 0 && cur.vnsec == 0 && cur.isec == 0 && cur.insec == 0);

	/* A one-shot of 40 ms. */
	CHECK_EQ(tfd_set(fd, 0, 0, 40 * MS, 0, 0, NULL), 0);
	CHECK_EQ(syscall2(__NR_timerfd_gettime, fd, (long)&cur), 0);
	CHECK(cur.vsec == 0 && cur.vnsec > 0 && cur.vnsec <= 40 * MS);
	CHECK_EQ(efd_read(fd, &v), -EAGAIN);
	sleep_ms(60);
	CHECK_EQ(poll_one(fd, L_POLLIN | L_POLLOUT | L_POLLRDNORM, 0), L_POLLIN);
	CHECK_EQ(efd_read(fd, &v), 8);
	CHECK_EQ(v, 1);
	CHECK_EQ(efd_read(fd, &v), -EAGAIN);
	CHECK_EQ(syscall2(__NR_timerfd_gettime, fd, (long)&cur), 0);
	CHECK(cur.vsec == 0 && cur.vnsec == 0); /* spent */

	/* Every 20 ms: at least 4 expiries in 110 ms or more (more on a
	 * loaded host: the sleep may last longer), counted in one read. */
	CHECK_EQ(tfd_set(fd, 0, 0, 20 * MS, 0, 20 * MS, &old), 0);
	CHECK(old.vsec == 0 && old.vnsec == 0 && old.insec == 0);
	t0 = now_ns();
	sleep_ms(110);
	CHECK_EQ(efd_read(fd, &v), 8);
	CHECK(v >= 4 && v <= (uint64_t)((now_ns() - t0) / (20 * MS) + 1));
	CHECK_EQ(syscall2(__NR_timerfd_gettime, fd, (long)&cur), 0);
	CHECK(cur.isec == 0 && cur.insec == 20 * MS);
	CHECK(cur.vsec == 0 && cur.vnsec > 0 && cur.vnsec <= 20 * MS);
	/* Disarmed by a zero value; the old setting comes back. */
	CHECK_EQ(tfd_set(fd, 0, 0, 0, 5, 0, &old), 0);
	CHECK(old.isec == 0 && old.insec == 20 * MS && old.vnsec <= 20 * MS);
	sleep_ms(30);
	CHECK_EQ(efd_read(fd, &v), -EAGAIN);

	/* Absolute: a time already past expires at once; one ahead does not. */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	CHECK_EQ(tfd_set(fd, TFD_TIMER_ABSTIME, ts.tv_sec - 1 > 0 ? ts.tv_sec - 1 : 0, 1, 0, 0,
			 NULL),
		 0);
	CHECK_EQ(efd_read(fd, &v), 8);
	CHECK_EQ(v, 1);
	CHECK_EQ(tfd_set(fd, TFD_TIMER_ABSTIME, ts.tv_sec + 100, 0, 0, 0, NULL), 0);
	CHECK_EQ(syscall2(__NR_timerfd_gettime, fd, (long)&cur), 0);
	CHECK(cur.vsec >= 98 && cur.vsec <= 100);
	CHECK_EQ(efd_read(fd, &v), -EAGAIN);
	CHECK_EQ(syscall1(__NR_close, fd), 0);

	/* CLOCK_REALTIME, absolute, 300 ms ahead (time enough, on a loaded
	 * host, to look before it expires). */
	fd = (int)syscall2(__NR_timerfd_create, L_CLOCK_REALTIME, L_O_NONBLOCK | L_O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_EQ(syscall3(__NR_fcntl, fd, 1 /* F_GETFD */, 0), 1);
	clock_gettime(CLOCK_REALTIME, &ts);
	long ns = ts.tv_nsec + 300 * MS;
	CHECK_EQ(tfd_set(fd, TFD_TIMER_ABSTIME, ts.tv_sec + ns / 1000000000L, ns % 1000000000L, 0,
			 0, NULL),
		 0);
	CHECK_EQ(efd_read(fd, &v), -EAGAIN);
	CHECK_EQ(poll_one(fd, L_POLLIN, 5000), L_POLLIN);
	CHECK_EQ(efd_read(fd, &v), 8);
	CHECK_EQ(v, 1);
	CHECK_EQ(syscall1(__NR_close, fd), 0);
}

/* Linux's errors for each call, in Linux's order. */
void test_timerfd_bad(void)
{
	struct litimerspec cur;
	int fd = (int)syscall2(__NR_timerfd_create, L_CLOCK_MONOTONIC, 0);
	int efd = (int)syscall2(__NR_eventfd2, 0, 0);

	CHECK(fd >= 0 && efd >= 0);
	CHECK_EQ(syscall2(__NR_timerfd_create, 2 /* CPUTIME */, 0), -EINVAL);
	CHECK_EQ(syscall2(__NR_timerfd_create, 4 /* MONOTONIC_RAW */, 0), -EINVAL);
	CHECK_EQ(syscall2(__NR_timerfd_create, -1, 0), -EINVAL);
	CHECK_EQ(syscall2(__NR_timerfd_create, L_CLOCK_MONOTONIC, 1), -EINVAL);
	long b = syscall2(__NR_timerfd_create, 7 /* BOOTTIME */, 0);
	CHECK(b >= 0);
	CHECK_EQ(syscall1(__NR_close, b), 0);

	CHECK_EQ(tfd_set(fd, 4, 1, 0, 0, 0, NULL), -EINVAL);
	CHECK_EQ(tfd_set(fd, 0, 0, 1000000000L, 0, 0, NULL), -EINVAL);
	CHECK_EQ(tfd_set(fd, 0, -1, 0, 0, 0, NULL), -EINVAL);
	CHECK_EQ(tfd_set(fd, 0, 1, 0, 0, -1, NULL), -EINVAL);
	CHECK_EQ(tfd_set(99, 0, 1, 0, 0, 0, NULL), -EBADF);
	CHECK_EQ(tfd_set(99, 0, 0, 1000000000L, 0, 0, NULL), -EINVAL); /* times first */
	CHECK_EQ(tfd_set(efd, 0, 1, 0, 0, 0, NULL), -EINVAL);
	CHECK_EQ(syscall4(__NR_timerfd_settime, 99, 0, 8, 0), -EFAULT); /* copied in first */
	CHECK_EQ(syscall4(__NR_timerfd_settime, fd, 0, 0, 0), -EFAULT);
	CHECK_EQ(tfd_set(fd, 0, 100, 0, 0, 0, (struct litimerspec *)8), -EFAULT);
	CHECK_EQ(syscall2(__NR_timerfd_gettime, fd, (long)&cur), 0); /* armed all the same */
	CHECK(cur.vsec >= 99);
	CHECK_EQ(syscall2(__NR_timerfd_gettime, fd, 8), -EFAULT);
	CHECK_EQ(syscall2(__NR_timerfd_gettime, 99, (long)&cur), -EBADF);
	CHECK_EQ(syscall2(__NR_timerfd_gettime, efd, (long)&cur), -EINVAL);
	CHECK_EQ(syscall3(__NR_read, fd, (long)&cur, 4), -EINVAL);
	CHECK_EQ(syscall3(__NR_write, fd, (long)&cur, 8), -EINVAL);
	CHECK_EQ(syscall1(__NR_close, fd), 0);
	CHECK_EQ(syscall1(__NR_close, efd), 0);
}

/*
 * A wall clock set behind the boot clock's count (a board without an RTC,
 * or a clock set back): an absolute realtime timer still waits its time.
 * It once fired at once: the kernel took the clocks' difference unsigned.
 */
void test_timerfd_clock_set(void)
{
	struct timespec saved, mono0, mono1, early = {0, 1000}, now;
	uint64_t v = 0;

	if (on_linux)
		return; /* the host's clock is not ours to move */
	clock_gettime(CLOCK_MONOTONIC, &mono0);
	clock_gettime(CLOCK_REALTIME, &saved);
	CHECK_EQ(syscall2(__NR_clock_settime, L_CLOCK_REALTIME, (long)&early), 0);
	int fd = (int)syscall2(__NR_timerfd_create, L_CLOCK_REALTIME, L_O_NONBLOCK);
	CHECK(fd >= 0);
	clock_gettime(CLOCK_REALTIME, &now);
	long ns = now.tv_nsec + 300 * MS;
	CHECK_EQ(tfd_set(fd, TFD_TIMER_ABSTIME, now.tv_sec + ns / 1000000000L, ns % 1000000000L, 0,
			 0, NULL),
		 0);
	long got = efd_read(fd, &v);
	short ready = got == -EAGAIN ? (short)poll_one(fd, L_POLLIN, 5000) : 0;
	CHECK_EQ(syscall1(__NR_close, fd), 0);
	/* The wall clock back where it would be, before any check can stop us. */
	clock_gettime(CLOCK_MONOTONIC, &mono1);
	long back = (mono1.tv_sec - mono0.tv_sec) * 1000000000L + (mono1.tv_nsec - mono0.tv_nsec) +
		    saved.tv_nsec;
	saved.tv_sec += back / 1000000000L;
	saved.tv_nsec = back % 1000000000L;
	CHECK_EQ(syscall2(__NR_clock_settime, L_CLOCK_REALTIME, (long)&saved), 0);
	CHECK_EQ(got, -EAGAIN);
	CHECK_EQ(ready, L_POLLIN);
}

/* A blocking read sleeps until the expiry; epoll reports the timer. */
void test_timerfd_wait(void)
{
	struct lepoll_event ev = {L_POLLIN, 7}, out[2];
	uint64_t v = 0;
	int fd = (int)syscall2(__NR_timerfd_create, L_CLOCK_MONOTONIC, 0);
	long ep = syscall1(__NR_epoll_create1, 0), t0;

	CHECK(fd >= 0 && ep >= 0);
	CHECK_EQ(tfd_set(fd, 0, 0, 30 * MS, 0, 0, NULL), 0);
	t0 = now_ns();
	CHECK_EQ(efd_read(fd, &v), 8);
	CHECK(now_ns() - t0 >= 25 * MS);
	CHECK_EQ(v, 1);

	CHECK_EQ(syscall4(__NR_epoll_ctl, ep, 1, fd, (long)&ev), 0);
	CHECK_EQ(syscall6(__NR_epoll_pwait, ep, (long)out, 2, 0, 0, 8), 0);
	CHECK_EQ(tfd_set(fd, 0, 0, 20 * MS, 0, 20 * MS, NULL), 0);
	for (int i = 0; i < 3; i++) {
		CHECK_EQ(syscall6(__NR_epoll_pwait, ep, (long)out, 2, -1, 0, 8), 1);
		CHECK_EQ(out[0].data, 7);
		CHECK_EQ(efd_read(fd, &v), 8);
		CHECK(v >= 1);
	}
	CHECK_EQ(syscall1(__NR_close, (int)ep), 0);
	CHECK_EQ(syscall1(__NR_close, fd), 0);
}

/*
 * Timeouts end when they are due, not at the scheduler's next 10 ms tick
 * (the timer is brought forward to the nearest deadline: timer_want):
 * 20 waits of 1 ms each by nanosleep, ppoll with nothing ready, a timed
 * futex wait on an unchanging word, and a periodic 1 ms timerfd.  Each
 * wait lasts at least its 1 ms; 20 of them take well under 20 ticks.  Slow
 * (named only): it needs a clock the host's load does not stretch, so
 * make test runs it under -icount (usertests-timers-icount), where ticks
 * would make each wait 10 ms and 20 of them 200 ms.
 */
static long mono_ns(void)
{
	struct timespec ts;

	CHECK_EQ(syscall2(__NR_clock_gettime, L_CLOCK_MONOTONIC, (long)&ts), 0);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

void test_timeouts_precise(void)
{
	struct timespec ms1 = {0, MS};
	int p[2], word = 0, tfd;
	long t0, total[4];
	uint64_t n;

	CHECK_EQ(syscall2(__NR_pipe2, (long)p, 0), 0);
	tfd = (int)syscall2(__NR_timerfd_create, L_CLOCK_MONOTONIC, 0);
	CHECK(tfd >= 0);
	for (int kind = 0; kind < 4; kind++) {
		struct litimerspec every = {0, MS, 0, MS};
		if (kind == 3)
			CHECK_EQ(syscall4(__NR_timerfd_settime, tfd, 0, (long)&every, 0), 0);
		t0 = mono_ns();
		for (int i = 0; i < 20; i++) {
			long s = mono_ns();
			if (kind == 0)
				CHECK_EQ(syscall2(__NR_nanosleep, (long)&ms1, 0), 0);
			else if (kind == 1)
				CHECK_EQ(poll_one(p[0], L_POLLIN, 1), 0);
			else if (kind == 2)
				CHECK_EQ(syscall6(__NR_futex, (long)&word, 128 /* WAIT, private */,
						  0, (long)&ms1, 0, 0),
					 -LINUX_ETIMEDOUT);
			else
				CHECK_EQ(syscall3(__NR_read, tfd, (long)&n, 8), 8);
			if (kind < 3)
				CHECK(mono_ns() - s >= MS); /* never early */
		}
		total[kind] = mono_ns() - t0;
	}
	printf("20 waits of 1 ms: nanosleep %ld us, ppoll %ld us, futex %ld us, timerfd %ld us\n",
	       total[0] / 1000, total[1] / 1000, total[2] / 1000, total[3] / 1000);
	for (int kind = 0; kind < 4; kind++) {
		CHECK(total[kind] >= (kind == 3 ? 19 : 20) * MS);
		CHECK(total[kind] < 60 * MS); /* by the tick: about 200 ms */
	}
	close(tfd);
	close(p[0]);
	close(p[1]);
}
