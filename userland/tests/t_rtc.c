/*
 * t_rtc.c - /dev/rtc0, the real-time clock, as Linux's RTC class gives it
 * (include/uapi/linux/rtc.h, drivers/rtc/dev.c): RTC_RD_TIME agrees with
 * CLOCK_REALTIME; RTC_SET_TIME moves the clock, and not CLOCK_REALTIME;
 * the refusals (EFAULT, EINVAL, ERANGE, EACCES, ENOTTY); the file's other
 * operations (one open at a time, a read that waits for interrupts).
 *
 * The QEMU virt cases have a goldfish RTC and say so with RTC=1 (as for
 * t_basic.c's realtime_clock): then /dev/rtc0 must be there; without RTC=1
 * (sifive_u has no clock) it must not.  A reference run on the host (-l)
 * does nothing: the host's clock is not ours to set.  All of it but
 * RTC_UIE_ON (Linux drives the goldfish's alarm, Sluice answers EINVAL)
 * passes on Debian's Linux 6.12 booted on QEMU virt with RTC=1 too.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "usertests.h"

/* include/uapi/linux/rtc.h */
struct rtc_time {
	int tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst;
};
#define RTC_UIE_ON     0x7003
#define RTC_UIE_OFF    0x7004
#define RTC_RD_TIME    0x80247009
#define RTC_SET_TIME   0x4024700a
#define RTC_EPOCH_READ 0x8008700d
#define TCGETS	       0x5401

#define L_O_RDONLY   0
#define L_O_RDWR     2
#define L_O_NONBLOCK 04000
#define L_POLLIN     0x001
#define L_WNOHANG    1
#define L_SEEK_SET   0

static long rtc_open(int flags)
{
	return syscall4(__NR_openat, -100, (long)"/dev/rtc0", flags, 0);
}

/* Whether to test the clock: RTC=1 says there is one (it must be
 * there), RTC=0 that there is none (there must be no /dev/rtc0); without
 * either, the clock is tested if /dev/rtc0 is there.  On the host,
 * nothing is tested. */
static bool have_rtc(const char *test)
{
	const char *rtc = getenv("RTC");

	if (on_linux) {
		printf("  %s: the host's clock is not ours: skipped\n", test);
		return false;
	}
	if (rtc && !strcmp(rtc, "0")) {
		CHECK_EQ(rtc_open(L_O_RDONLY), -ENOENT);
		printf("  %s: RTC=0, and no /dev/rtc0: right\n", test);
		return false;
	}
	long fd = rtc_open(L_O_RDONLY);
	if (fd >= 0)
		close((int)fd);
	if (rtc || fd >= 0 || fd == -EBUSY)
		return true;
	printf("  %s: no /dev/rtc0 here: skipped\n", test);
	return false;
}

static long rtc_ioctl(long fd, unsigned long cmd, const void *arg)
{
	return syscall3(__NR_ioctl, fd, (long)cmd, (long)arg);
}

/* The clock's time in seconds since 1970, its fields checked against
 * the C library's gmtime (Linux counts tm_yday from 1, gmtime from 0). */
static time_t rtc_read(long fd)
{
	struct rtc_time r;
	struct tm g;

	memset(&r, 0x55, sizeof(r));
	CHECK_EQ(rtc_ioctl(fd, RTC_RD_TIME, &r), 0);
	struct tm t = {.tm_sec = r.tm_sec,
		       .tm_min = r.tm_min,
		       .tm_hour = r.tm_hour,
		       .tm_mday = r.tm_mday,
		       .tm_mon = r.tm_mon,
		       .tm_year = r.tm_year};
	time_t secs = timegm(&t);
	CHECK(gmtime_r(&secs, &g));
	CHECK(r.tm_sec == g.tm_sec && r.tm_min == g.tm_min && r.tm_hour == g.tm_hour);
	CHECK(r.tm_mday == g.tm_mday && r.tm_mon == g.tm_mon && r.tm_year == g.tm_year);
	CHECK_EQ(r.tm_wday, g.tm_wday);
	CHECK_EQ(r.tm_yday, g.tm_yday + 1);
	CHECK_EQ(r.tm_isdst, 0);
	return secs;
}

/* Set the clock to secs since 1970; the call's result. */
static long rtc_set(long fd, time_t secs)
{
	struct tm g;

	CHECK(gmtime_r(&secs, &g));
	struct rtc_time r = {
		g.tm_sec,  g.tm_min, g.tm_hour, g.tm_mday, g.tm_mon,
		g.tm_year, -1,	     -1,	-1}; /* wday, yday and isdst are ignored */
	return rtc_ioctl(fd, RTC_SET_TIME, &r);
}

static time_t realtime(void)
{
	struct timespec ts;

	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &ts), 0);
	return ts.tv_sec;
}

/* Read; set an hour on and read that back; CLOCK_REALTIME stays; set back. */
void test_rtc_read_set(void)
{
	if (!have_rtc("rtc_read_set"))
		return;
	long fd = rtc_open(L_O_RDONLY); /* ioctls need no write access */
	CHECK(fd >= 0);
	time_t now = realtime(), rtc = rtc_read(fd);
	CHECK(rtc >= now - 3 && rtc <= now + 3);

	CHECK_EQ(rtc_set(fd, rtc + 3600), 0);
	time_t later = rtc_read(fd);
	CHECK(later >= rtc + 3600 && later <= rtc + 3600 + 3);
	time_t now2 = realtime();
	CHECK(now2 >= now && now2 <= now + 3); /* the wall clock did not move */

	CHECK_EQ(rtc_set(fd, now2), 0);
	rtc = rtc_read(fd);
	CHECK(rtc >= now2 && rtc <= now2 + 3);
	CHECK_EQ(syscall1(__NR_close, fd), 0);
}

/* The clock, open in the parent, for a child's use (a second open is EBUSY). */
static long shared_fd;

static void set_time_as_user(void)
{
	CHECK_EQ(syscall3(__NR_setresuid, 1000, 1000, 1000), 0);
	rtc_read(shared_fd);				   /* anyone who has it open may read */
	CHECK_EQ(rtc_set(shared_fd, realtime()), -EACCES); /* CAP_SYS_TIME */
	CHECK_EQ(rtc_ioctl(shared_fd, RTC_SET_TIME, 0), -EACCES); /* asked first */
}

/* One bad rtc_time: EINVAL (or err), and the clock did not move. */
static void bad_time(long fd, int year, int mon, int mday, int hour, int min, int sec, long err)
{
	struct rtc_time r = {sec, min, hour, mday, mon - 1, year - 1900, 0, 0, 0};

	if (rtc_ioctl(fd, RTC_SET_TIME, &r) != err)
		test_fail(__FILE__, __LINE__, "%04d-%02d-%02d %02d:%02d:%02d: want %ld", year, mon,
			  mday, hour, min, sec, err);
}

void test_rtc_errors(void)
{
	if (!have_rtc("rtc_errors"))
		return;
	long fd = rtc_open(L_O_RDONLY);
	CHECK(fd >= 0);
	CHECK_EQ(rtc_ioctl(fd, RTC_RD_TIME, 0), -EFAULT);
	CHECK_EQ(rtc_ioctl(fd, RTC_RD_TIME, (void *)KERNEL_HALF), -EFAULT);
	CHECK_EQ(rtc_ioctl(fd, RTC_RD_TIME, (void *)LOW_UNMAPPED), -EFAULT);
	CHECK_EQ(rtc_ioctl(fd, RTC_SET_TIME, (void *)KERNEL_HALF), -EFAULT);
	CHECK_EQ(rtc_ioctl(fd, RTC_SET_TIME, (void *)LOW_UNMAPPED), -EFAULT);
	/* Linux's rtc_valid_tm, then the goldfish's range (64 bits of ns). */
	bad_time(fd, 2024, 13, 1, 0, 0, 0, -EINVAL);
	bad_time(fd, 2024, 0, 1, 0, 0, 0, -EINVAL);
	bad_time(fd, 2024, 1, 0, 0, 0, 0, -EINVAL);
	bad_time(fd, 2024, 1, 32, 0, 0, 0, -EINVAL);
	bad_time(fd, 2024, 4, 31, 0, 0, 0, -EINVAL);
	bad_time(fd, 2023, 2, 29, 0, 0, 0, -EINVAL);
	bad_time(fd, 2100, 2, 29, 0, 0, 0, -EINVAL);
	bad_time(fd, 2024, 1, 1, 24, 0, 0, -EINVAL);
	bad_time(fd, 2024, 1, 1, -1, 0, 0, -EINVAL);
	bad_time(fd, 2024, 1, 1, 0, 60, 0, -EINVAL);
	bad_time(fd, 2024, 1, 1, 0, 0, 60, -EINVAL);
	bad_time(fd, 1969, 12, 31, 23, 59, 59, -EINVAL);
	bad_time(fd, 2555, 1, 1, 0, 0, 0, -ERANGE);
	time_t now = realtime(), rtc = rtc_read(fd);
	CHECK(rtc >= now - 3 && rtc <= now + 3); /* none of them moved it */
	CHECK_EQ(rtc_ioctl(fd, TCGETS, &(char[64]){0}), -ENOTTY);
	CHECK_EQ(rtc_ioctl(fd, 0x707f, 0), -ENOTTY);		      /* _IO('p', 0x7f) */
	CHECK_EQ(rtc_ioctl(fd, RTC_EPOCH_READ, &(long){0}), -ENOTTY); /* gone from Linux */
	shared_fd = fd;
	CHECK_EQ(reap(spawn(set_time_as_user)), 0);
	CHECK_EQ(syscall1(__NR_close, fd), 0);
}

/* A read that waits for an interrupt; it never comes. */
static void read_forever(void)
{
	unsigned long n;

	syscall3(__NR_read, shared_fd, (long)&n, sizeof(n));
	CHECK(!"read returned");
}

static volatile int usr1_hits;
static int parent_pid;

static void usr1_hit(int lsig)
{
	(void)lsig;
	usr1_hits++;
}

static void usr1_to_parent_soon(void)
{
	struct timespec tenth = {0, 100000000};

	nanosleep(&tenth, NULL);
	CHECK_EQ(syscall2(__NR_kill, parent_pid, LINUX_SIGUSR1), 0);
}

/* One open at a time; read, write, lseek and poll as Linux's without an
 * interrupt source; the update interrupt refused (Sluice: no alarm). */
void test_rtc_file(void)
{
	unsigned long n;
	int status = 0;

	if (!have_rtc("rtc_file"))
		return;
	long fd = rtc_open(L_O_RDWR | L_O_NONBLOCK);
	CHECK(fd >= 0);
	CHECK_EQ(rtc_open(L_O_RDONLY), -EBUSY);
	CHECK_EQ(syscall3(__NR_read, fd, (long)&n, 3), -EINVAL);
	CHECK_EQ(syscall3(__NR_read, fd, (long)&n, 5), -EINVAL);
	CHECK_EQ(syscall3(__NR_read, fd, (long)&n, 4), -EAGAIN);
	CHECK_EQ(syscall3(__NR_read, fd, (long)&n, 8), -EAGAIN);
	CHECK_EQ(syscall3(__NR_write, fd, (long)&n, 8), -EINVAL);
	CHECK_EQ(syscall3(__NR_lseek, fd, 0, L_SEEK_SET), -ESPIPE);
	struct {
		int fd;
		short events, revents;
	} p = {(int)fd, L_POLLIN, 0};
	struct timespec zero = {0, 0};
	CHECK_EQ(syscall5(__NR_ppoll, (long)&p, 1, (long)&zero, 0, 8), 0);
	CHECK_EQ(rtc_ioctl(fd, RTC_UIE_OFF, 0), 0);
	CHECK_EQ(rtc_ioctl(fd, RTC_UIE_ON, 0), -EINVAL);
	CHECK_EQ(syscall1(__NR_close, fd), 0);

	/* A blocking read sleeps until a signal: a handler's (no SA_RESTART)
	 * ends it with EINTR, SIGKILL ends the process.  The clock is busy
	 * until the last holder of the open file lets it go. */
	shared_fd = rtc_open(L_O_RDONLY);
	CHECK(shared_fd >= 0);
	struct {
		void *handler;
		unsigned long flags;
		uint64_t mask;
	} sa = {usr1_hit, 0, 0};
	CHECK_EQ(syscall4(__NR_rt_sigaction, LINUX_SIGUSR1, (long)&sa, 0, 8), 0);
	parent_pid = getpid();
	int pid = spawn(usr1_to_parent_soon);
	CHECK_EQ(syscall3(__NR_read, shared_fd, (long)&n, sizeof(n)), -EINTR);
	CHECK_EQ(usr1_hits, 1);
	CHECK_EQ(reap(pid), 0);
	pid = spawn(read_forever);
	struct timespec fifth = {0, 200000000};
	nanosleep(&fifth, NULL);
	CHECK_EQ(syscall4(__NR_wait4, pid, (long)&status, L_WNOHANG, 0), 0);
	CHECK_EQ(syscall2(__NR_kill, pid, LINUX_SIGKILL), 0);
	status = reap(pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CHECK_EQ(rtc_open(L_O_RDONLY), -EBUSY);
	CHECK_EQ(syscall1(__NR_close, shared_fd), 0);
	CHECK((fd = rtc_open(L_O_RDONLY)) >= 0);
	CHECK_EQ(syscall1(__NR_close, fd), 0);
}
