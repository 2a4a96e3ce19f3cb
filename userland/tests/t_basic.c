/*
 * t_basic.c - system-call basics: ids, reading and writing with good and
 * bad arguments, unknown calls, time, and the information calls.
 *
 * Results are checked at the register level (syscallN), so what is tested
 * is the kernel's answer, not the runtime's translation of it; a few tests
 * check that translation on purpose.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "usertests.h"

void test_getpid(void)
{
	long pid = syscall0(__NR_getpid);

	CHECK(pid > 0);
	CHECK_EQ(getpid(), pid);
	CHECK_EQ(syscall0(__NR_getpid), pid);
	/* One thread: its id is the process's. */
	CHECK_EQ(syscall0(__NR_gettid), pid);
}

void test_ids(void)
{
	long ids[] = {syscall0(__NR_getuid), syscall0(__NR_geteuid), syscall0(__NR_getgid),
		      syscall0(__NR_getegid)};

	for (int i = 0; i < 4; i++) {
		CHECK(ids[i] >= 0);
		/* Sluice has no users: everything runs as root. */
		if (!on_linux)
			CHECK_EQ(ids[i], 0);
	}
}

void test_write_stdout(void)
{
	static const char line[] = "  write_stdout: this line came through write(1, ...)\n";

	CHECK_EQ(syscall3(__NR_write, 1, (long)line, sizeof(line) - 1), sizeof(line) - 1);
	CHECK_EQ(syscall3(__NR_write, 1, (long)line, 0), 0);
	CHECK_EQ(write(1, line, 0), 0);
}

void test_write_badfd(void)
{
	char c = 'x';
	/* fd is a C int: Linux, and so Sluice, ignore the upper 32 bits. */
	long fds[] = {-1, -1000, 99, 1 << 20, 0x7fffffff, (long)0x1ffffffff};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		CHECK_EQ(syscall3(__NR_write, fds[i], (long)&c, 1), -EBADF);
	errno = 0;
	CHECK_EQ(close(99), -1);
	CHECK_EQ(errno, EBADF);
}

void test_write_badbuf(void)
{
	char buf[16] = "0123456789abcdef";
	long bad[] = {0, LOW_UNMAPPED, KERNEL_HALF, KERNEL_IMAGE, PAST_USER, -4096L};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(syscall3(__NR_write, 1, bad[i], 10), -EFAULT);
	/*
	 * A good start and a length running past the end of user space:
	 * Sluice checks the whole range first.  (Linux clamps the length and
	 * may write a prefix, so the reference run skips this.)
	 */
	if (!on_linux) {
		CHECK_EQ(syscall3(__NR_write, 1, (long)buf, 1L << 62), -EFAULT);
		CHECK_EQ(syscall3(__NR_write, 1, (long)buf, -1L), -EFAULT);
	}
}

/* /dev/null: the lowest free fd, a sink for writes, end of file for reads. */
void test_dev_null(void)
{
	char c = 'x';
	long st[16];
	long fd = syscall4(__NR_openat, -100, (long)"/dev/null", 2 /* O_RDWR */, 0);

	/* 0, 1 and 2 are taken; a host run may have more open already. */
	if (on_linux)
		CHECK(fd >= 3);
	else
		CHECK_EQ(fd, 3);
	CHECK_EQ(syscall3(__NR_write, fd, (long)&c, 1), 1);
	CHECK_EQ(syscall3(__NR_write, fd, (long)&c, 0), 0);
	CHECK_EQ(syscall3(__NR_write, fd, KERNEL_HALF, 1), -EFAULT);
	CHECK_EQ(syscall3(__NR_read, fd, (long)&c, 1), 0);
	CHECK_EQ(syscall2(__NR_fstat, fd, (long)st), 0);
	CHECK_EQ(((unsigned int *)st)[4] & 0170000, 0020000); /* st_mode: a character device */
	CHECK_EQ(syscall1(__NR_close, fd), 0);
	CHECK_EQ(syscall3(__NR_write, fd, (long)&c, 1), -EBADF);
	CHECK_EQ(syscall4(__NR_openat, -100, (long)"/no/such/file", 0, 0), -ENOENT);
	CHECK_EQ(syscall4(__NR_openat, -100, KERNEL_HALF, 0, 0), -EFAULT);
}

void test_read_badfd(void)
{
	char c;

	CHECK_EQ(syscall3(__NR_read, -1, (long)&c, 1), -EBADF);
	CHECK_EQ(syscall3(__NR_read, 99, (long)&c, 1), -EBADF);
	CHECK_EQ(syscall3(__NR_read, 99, (long)&c, 0), -EBADF);
	CHECK_EQ(syscall3(__NR_read, 1 << 20, (long)&c, 1), -EBADF);
}

void test_unknown_syscall(void)
{
	/* 463-465 and 1003: just past each of the kernel table's two ranges. */
	long nrs[] = {5000, 999, 0x7fffffff, -1, 1L << 40, 463, 464, 465, 1003};

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		CHECK_EQ(syscall0(nrs[i]), -LINUX_ENOSYS);
	/* The number is all of a7, as Linux reads it (qemu-riscv64 keeps
	 * only the low half, so the reference run skips this one). */
	if (!on_linux)
		CHECK_EQ(syscall0(1L << 32 | __NR_getpid), -LINUX_ENOSYS);
}

/* The runtime turns -38 into picolibc's ENOSYS (88), and so on. */
void test_errno_translation(void)
{
	char c = 0;

	errno = 0;
	CHECK_EQ(syscall_result(syscall0(5000)), -1);
	CHECK_EQ(errno, ENOSYS);
	errno = 0;
	CHECK_EQ(write(-1, &c, 1), -1);
	CHECK_EQ(errno, EBADF);
	CHECK_EQ(errno_from_linux(LINUX_ENAMETOOLONG), ENAMETOOLONG);
	CHECK_EQ(errno_from_linux(LINUX_ETIMEDOUT), ETIMEDOUT);
	CHECK_EQ(errno_from_linux(EFAULT), EFAULT);
	CHECK_EQ(syscall_result(12345), 12345);
}

static long mono_ns(void)
{
	struct timespec ts;

	CHECK_EQ(syscall2(__NR_clock_gettime, LINUX_CLOCK_MONOTONIC, (long)&ts), 0);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

void test_nanosleep(void)
{
	struct timespec req = {.tv_sec = 0, .tv_nsec = 50 * 1000 * 1000}, zero = {0};
	long t0, t1;

	t0 = mono_ns();
	CHECK_EQ(syscall2(__NR_nanosleep, (long)&req, 0), 0);
	t1 = mono_ns();
	CHECK(t1 - t0 >= 50 * 1000 * 1000);
	CHECK(t1 - t0 < 10L * 1000 * 1000 * 1000);
	CHECK_EQ(syscall2(__NR_nanosleep, (long)&zero, 0), 0);
	/* The POSIX wrapper, with a remainder to fill. */
	req.tv_nsec = 1000 * 1000;
	CHECK_EQ(nanosleep(&req, &zero), 0);
}

void test_nanosleep_bad(void)
{
	struct timespec bad[] = {
		{.tv_sec = 0, .tv_nsec = 1000000000},
		{.tv_sec = 0, .tv_nsec = -1},
		{.tv_sec = -1, .tv_nsec = 0},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(syscall2(__NR_nanosleep, (long)&bad[i], 0), -EINVAL);
	/* qemu-riscv64 (a reference run) answers these with EINVAL; Linux EFAULT. */
	if (!on_linux) {
		CHECK_EQ(syscall2(__NR_nanosleep, 0, 0), -EFAULT);
		CHECK_EQ(syscall2(__NR_nanosleep, KERNEL_HALF, 0), -EFAULT);
		CHECK_EQ(syscall2(__NR_nanosleep, LOW_UNMAPPED, 0), -EFAULT);
	}
}

/*
 * clock_nanosleep, which glibc's sleep, usleep and nanosleep call: relative
 * and absolute sleeps on the monotonic and wall clocks, and Linux's
 * answers for the clocks that cannot be slept on.
 */
void test_clock_nanosleep(void)
{
	struct timespec req = {.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000}, now, bad = {0, -1};
	long t0 = mono_ns();

	CHECK_EQ(syscall4(__NR_clock_nanosleep, LINUX_CLOCK_MONOTONIC, 0, (long)&req, 0), 0);
	CHECK(mono_ns() - t0 >= 20 * 1000 * 1000);
	CHECK_EQ(syscall4(__NR_clock_nanosleep, LINUX_CLOCK_REALTIME, 0, (long)&req, 0), 0);
	/* Absolute: 30 ms from now on the monotonic clock.  Unknown flag bits
	 * are ignored, as Linux ignores them. */
	CHECK_EQ(syscall2(__NR_clock_gettime, LINUX_CLOCK_MONOTONIC, (long)&now), 0);
	t0 = mono_ns();
	now.tv_nsec += 30 * 1000 * 1000;
	if (now.tv_nsec >= 1000000000) {
		now.tv_sec++;
		now.tv_nsec -= 1000000000;
	}
	CHECK_EQ(syscall4(__NR_clock_nanosleep, LINUX_CLOCK_MONOTONIC, 1 | 0x100, (long)&now, 0),
		 0);
	CHECK(mono_ns() - t0 >= 25 * 1000 * 1000);
	/* A time already past: at once. */
	CHECK_EQ(syscall4(__NR_clock_nanosleep, LINUX_CLOCK_MONOTONIC, 1, (long)&req, 0), 0);
	CHECK_EQ(syscall4(__NR_clock_nanosleep, LINUX_CLOCK_MONOTONIC, 0, (long)&bad, 0), -EINVAL);
	CHECK_EQ(syscall4(__NR_clock_nanosleep, 12345, 0, (long)&req, 0), -EINVAL);
	CHECK_EQ(syscall4(__NR_clock_nanosleep, 6 /* MONOTONIC_COARSE */, 0, (long)&req, 0),
		 -LINUX_EOPNOTSUPP);
	if (!on_linux) /* qemu-riscv64 answers EINVAL here */
		CHECK_EQ(syscall4(__NR_clock_nanosleep, LINUX_CLOCK_MONOTONIC, 0, 0, 0), -EFAULT);
	/* And the POSIX wrapper of the C library. */
	req.tv_nsec = 1000 * 1000;
	CHECK_EQ(nanosleep(&req, NULL), 0);
}

/* gettimeofday: the wall clock in microseconds, and a zero time zone. */
void test_gettimeofday(void)
{
	struct {
		long tv_sec, tv_usec;
	} tv;
	int tz[2] = {7, 7};
	struct timespec rt;

	CHECK_EQ(syscall2(__NR_gettimeofday, (long)&tv, (long)tz), 0);
	CHECK_EQ(syscall2(__NR_clock_gettime, LINUX_CLOCK_REALTIME, (long)&rt), 0);
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	CHECK(rt.tv_sec - tv.tv_sec >= 0 && rt.tv_sec - tv.tv_sec <= 1);
	CHECK_EQ(tz[0], 0);
	CHECK_EQ(tz[1], 0);
	CHECK_EQ(syscall2(__NR_gettimeofday, 0, 0), 0);
	if (!on_linux) /* qemu-riscv64 does not check the pointer */
		CHECK_EQ(syscall2(__NR_gettimeofday, KERNEL_HALF, 0), -EFAULT);
}

/*
 * A sleep of any valid length, however long, lasts until a signal: the
 * deadline must saturate, not wrap.  (Found by the fuzzer: a huge tv_sec
 * returned 0 at once.)  18446744074 s is the first whose nanoseconds pass
 * 2^64.
 */
static const long long_sleeps[] = {0x7fffffffffffffff, 1L << 62, 18446744074L, 1L << 40};
static int sleeper;

static void sleep_long(void)
{
	struct timespec ts = {.tv_sec = long_sleeps[sleeper], .tv_nsec = 999999999};

	syscall2(__NR_nanosleep, (long)&ts, 0);
	exit(0); /* woke up: wrong */
}

void test_nanosleep_long(void)
{
	struct timespec half = {.tv_nsec = 500 * 1000 * 1000};
	int pids[4], status;

	for (sleeper = 0; sleeper < 4; sleeper++)
		pids[sleeper] = spawn(sleep_long);
	nanosleep(&half, NULL);
	for (int i = 0; i < 4; i++) {
		if (waitpid(pids[i], &status, WNOHANG) != 0)
			test_fail(__FILE__, __LINE__, "nanosleep of %ld s ended within 0.5 s",
				  long_sleeps[i]);
		kill(pids[i], SIGKILL);
		status = reap(pids[i]);
		CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	}
}

void test_clock_gettime(void)
{
	struct timespec a, b, rt;

	CHECK_EQ(syscall2(__NR_clock_gettime, LINUX_CLOCK_MONOTONIC, (long)&a), 0);
	CHECK_EQ(syscall2(__NR_clock_gettime, LINUX_CLOCK_MONOTONIC, (long)&b), 0);
	CHECK(a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
	CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
	CHECK_EQ(syscall2(__NR_clock_gettime, LINUX_CLOCK_REALTIME, (long)&rt), 0);
	CHECK(rt.tv_sec >= 0 && rt.tv_nsec >= 0 && rt.tv_nsec < 1000000000);
	/* The wrapper maps picolibc's CLOCK_MONOTONIC (4) to the kernel's 1. */
	CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &b), 0);
	CHECK(b.tv_sec >= a.tv_sec);
}

/*
 * CLOCK_REALTIME is wall-clock time where the machine has a real-time clock:
 * the QEMU virt cases say so with RTC=1 on the kernel command line (it
 * reaches init's, and so our, environment), sifive_u's that it has none
 * with RTC=0, and Linux always has one.
 */
void test_realtime_clock(void)
{
	struct timespec rt;
	const long jan_2020 = 1577836800;
	const char *rtc = getenv("RTC");

	CHECK_EQ(syscall2(__NR_clock_gettime, LINUX_CLOCK_REALTIME, (long)&rt), 0);
	if (!on_linux && (!rtc || !strcmp(rtc, "0"))) {
		printf("  realtime_clock: no RTC=1 in the environment: time since boot is right\n");
		return;
	}
	CHECK(rt.tv_sec > jan_2020);
}

void test_clock_gettime_bad(void)
{
	struct timespec ts;

	CHECK_EQ(syscall2(__NR_clock_gettime, LINUX_CLOCK_MONOTONIC, 0), -EFAULT);
	CHECK_EQ(syscall2(__NR_clock_gettime, LINUX_CLOCK_MONOTONIC, KERNEL_HALF), -EFAULT);
	CHECK_EQ(syscall2(__NR_clock_gettime, LINUX_CLOCK_MONOTONIC, LOW_UNMAPPED), -EFAULT);
	CHECK_EQ(syscall2(__NR_clock_gettime, 12345, (long)&ts), -EINVAL);
}

/*
 * An int argument is the low 32 bits of its register, as Linux's
 * SYSCALL_DEFINE reads it: a caller may leave anything above them (glibc
 * passes some ints sign-extended; a C caller's int in a 64-bit register can
 * carry stale upper bits).  Each call here would fail if the kernel
 * compared the whole register.
 */
void test_int_args(void)
{
	const long junk = 0x5a5a5a5al << 32;
	struct timespec ts;
	char c;
	int fds[2];

	CHECK_EQ(syscall2(__NR_kill, junk | getpid(), junk | 0), 0);
	CHECK_EQ(syscall2(__NR_clock_gettime, junk | LINUX_CLOCK_MONOTONIC, (long)&ts), 0);
	CHECK_EQ(syscall2(__NR_pipe2, (long)fds, junk), 0);
	CHECK_EQ(syscall3(__NR_lseek, junk | fds[0], 0, junk | SEEK_SET), -ESPIPE);
	CHECK_EQ(syscall3(__NR_write, junk | fds[1], (long)"x", 1), 1);
	CHECK_EQ(syscall3(__NR_read, junk | fds[0], (long)&c, 1), 1);
	CHECK_EQ(c, 'x');
	CHECK_EQ(syscall3(__NR_fcntl, junk | fds[0], junk | LINUX_F_GETFD, 0), 0);
	/* (qemu-riscv64 checks dup3's flags as 64 bits, unlike Linux: 0 here.) */
	CHECK_EQ(syscall3(__NR_dup3, junk | fds[0], junk | 40, 0), 40);
	CHECK_EQ(syscall1(__NR_close, junk | 40), 0);
	CHECK_EQ(syscall1(__NR_close, junk | fds[0]), 0);
	CHECK_EQ(syscall1(__NR_close, junk | fds[1]), 0);
	/* fd 0xffffffff: -1 as an int, never open. */
	CHECK_EQ(syscall1(__NR_close, junk | 0xffffffffl), -EBADF);
}

void test_getrandom(void)
{
	unsigned char a[64], b[64];
	int same = 0;

	memset(a, 0x5a, sizeof(a));
	memset(b, 0x5a, sizeof(b));
	CHECK_EQ(syscall3(__NR_getrandom, (long)a, sizeof(a), 0), sizeof(a));
	CHECK_EQ(getrandom(b, sizeof(b), 0), sizeof(b));
	for (size_t i = 0; i < sizeof(a); i++)
		same += a[i] == 0x5a;
	/* 64 bytes all still 0x5a has probability 2^-512. */
	CHECK(same < (int)sizeof(a));
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK_EQ(syscall3(__NR_getrandom, (long)a, 0, 0), 0);
	CHECK_EQ(syscall3(__NR_getrandom, KERNEL_HALF, 16, 0), -EFAULT);
	CHECK_EQ(syscall3(__NR_getrandom, 0, 16, 0), -EFAULT);
	CHECK_EQ(syscall3(__NR_getrandom, (long)a, 16, 0x100), -EINVAL);
}

static bool terminated(const char *s, size_t n)
{
	return memchr(s, 0, n) != NULL;
}

void test_uname(void)
{
	struct utsname u;

	memset(&u, 0x7f, sizeof(u));
	CHECK_EQ(syscall1(__NR_uname, (long)&u), 0);
	CHECK(terminated(u.sysname, sizeof(u.sysname)));
	CHECK(terminated(u.release, sizeof(u.release)));
	CHECK(terminated(u.version, sizeof(u.version)));
	CHECK(terminated(u.machine, sizeof(u.machine)));
	CHECK(terminated(u.nodename, sizeof(u.nodename)));
	CHECK(terminated(u.domainname, sizeof(u.domainname)));
	CHECK(strcmp(u.sysname, on_linux ? "Linux" : "Sluice") == 0);
	CHECK(strcmp(u.machine, "riscv64") == 0);
	CHECK(u.release[0] != '\0');
	CHECK_EQ(syscall1(__NR_uname, 0), -EFAULT);
	CHECK_EQ(syscall1(__NR_uname, KERNEL_HALF), -EFAULT);
}

/* sethostname changes uname's node name (not on a reference run: that
 * would rename the host). */
void test_sethostname(void)
{
	struct utsname u;
	char old[65];

	if (on_linux)
		return;
	CHECK_EQ(syscall1(__NR_uname, (long)&u), 0);
	strcpy(old, u.nodename);
	CHECK_EQ(syscall2(__NR_sethostname, (long)"board-7xyz", 7), 0);
	CHECK_EQ(syscall1(__NR_uname, (long)&u), 0);
	CHECK(strcmp(u.nodename, "board-7") == 0);
	CHECK_EQ(syscall2(__NR_sethostname, (long)"x", 65), -EINVAL);
	CHECK_EQ(syscall2(__NR_sethostname, (long)"x", -1), -EINVAL);
	CHECK_EQ(syscall2(__NR_sethostname, KERNEL_HALF, 3), -EFAULT);
	CHECK_EQ(syscall2(__NR_sethostname, (long)old, (long)strlen(old)), 0);
}

/* Linux's struct sysinfo, 64-bit. */
struct linux_sysinfo {
	long uptime;
	unsigned long loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
	unsigned short procs, pad;
	unsigned long totalhigh, freehigh;
	unsigned int mem_unit;
	char f[4];
};

/* sysinfo, sched_getaffinity and getcpu: what nproc, free and uptime read. */
void test_sysinfo(void)
{
	struct linux_sysinfo si;
	unsigned long mask[2] = {0, 0};
	unsigned int cpu = 99, node = 99;

	memset(&si, 0x5a, sizeof(si));
	CHECK_EQ(syscall1(__NR_sysinfo, (long)&si), 0);
	CHECK(si.mem_unit >= 1);
	CHECK(si.totalram > 0 && si.freeram > 0 && si.freeram <= si.totalram);
	CHECK(si.procs >= 1 && si.uptime >= 0);
	CHECK_EQ(syscall1(__NR_sysinfo, KERNEL_HALF), -EFAULT);

	CHECK_EQ(syscall3(__NR_sched_getaffinity, 0, 8, (long)mask), 8);
	CHECK(mask[0] != 0);
	CHECK_EQ(syscall3(__NR_sched_getaffinity, 0, 7, (long)mask), -EINVAL);
	CHECK_EQ(syscall3(__NR_sched_getaffinity, 0x7ffffff0, 8, (long)mask), -ESRCH);

	CHECK_EQ(syscall3(__NR_getcpu, (long)&cpu, (long)&node, 0), 0);
	CHECK(cpu < 64 && (mask[0] >> cpu) & 1);
	CHECK_EQ(node, 0);
}

void test_prlimit(void)
{
	struct rlimit rl = {0, 0};

	CHECK_EQ(syscall4(__NR_prlimit64, 0, RLIMIT_STACK, 0, (long)&rl), 0);
	CHECK(rl.rlim_cur > 0);
	CHECK(rl.rlim_max == RLIM_INFINITY || rl.rlim_cur <= rl.rlim_max);
	CHECK_EQ(getrlimit(RLIMIT_STACK, &rl), 0);
	CHECK_EQ(syscall4(__NR_prlimit64, 0, 999, 0, (long)&rl), -EINVAL);
	CHECK_EQ(syscall4(__NR_prlimit64, 0, RLIMIT_STACK, 0, KERNEL_HALF), -EFAULT);
}

void test_sched_yield(void)
{
	for (int i = 0; i < 10; i++)
		CHECK_EQ(syscall0(__NR_sched_yield), 0);
	CHECK_EQ(sched_yield(), 0);
}

/* The console's termios: canonical mode by default; raw mode round trip. */
void test_termios(void)
{
	uint32_t t[9], raw[9];

	if (on_linux) {
		printf("  termios: stdin need not be a terminal on a Linux host\n");
		return;
	}
	CHECK_EQ(syscall3(__NR_ioctl, 0, 0x5401 /* TCGETS */, (long)t), 0);
	CHECK(t[3] & 0x2); /* c_lflag ICANON */
	CHECK(t[3] & 0x8); /* ECHO */
	memcpy(raw, t, sizeof(raw));
	raw[3] &= ~(0x2u | 0x8u);
	CHECK_EQ(syscall3(__NR_ioctl, 0, 0x5402 /* TCSETS */, (long)raw), 0);
	memset(raw, 0xff, sizeof(raw));
	CHECK_EQ(syscall3(__NR_ioctl, 0, 0x5401, (long)raw), 0);
	CHECK_EQ(raw[3] & (0x2u | 0x8u), 0);
	CHECK_EQ(syscall3(__NR_ioctl, 0, 0x5402, (long)t), 0);
	CHECK_EQ(syscall3(__NR_ioctl, 0, 0x5401, (long)raw), 0);
	CHECK(raw[3] & 0x2);
	CHECK_EQ(syscall3(__NR_ioctl, 0, 0x5402, KERNEL_HALF), -EFAULT);
}

/*
 * A file from the initramfs is read where it lies in the kernel image until
 * it is first written or truncated; then it gets pages of its own.  Every
 * way of changing it must see the archive's bytes around the change.  The
 * file, /usr/share/sluice/pattern, is 10,000 bytes: byte i is i * 7 % 251.
 */
static bool pattern_matches(int fd, size_t size, long changed_at, int changed_to)
{
	static unsigned char buf[10000];

	if (pread(fd, buf, sizeof(buf), 0) != (ssize_t)size)
		return false;
	for (size_t i = 0; i < size; i++) {
		int want = (long)i == changed_at ? changed_to : i < 10000 ? (int)(i * 7 % 251) : 0;
		if (buf[i] != want) {
			printf("  initramfs_file: byte %zu is %d, not %d\n", i, buf[i], want);
			return false;
		}
	}
	return true;
}

void test_initramfs_file(void)
{
	const char *path = "/usr/share/sluice/pattern";
	struct stat st;
	unsigned char c = 0xaa;

	if (on_linux) /* the staged tree on the host: not to be changed */
		return;
	int fd = open(path, O_RDWR);
	CHECK(fd >= 0);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 10000);
	CHECK(pattern_matches(fd, 10000, -1, 0));
	/* A read from the middle, across a page boundary, and past the end. */
	unsigned char mid[300];
	CHECK_EQ(pread(fd, mid, sizeof(mid), 4000), 300);
	CHECK(mid[96] == 4096 * 7 % 251 && mid[299] == 4299 * 7 % 251);
	CHECK_EQ(pread(fd, mid, sizeof(mid), 9900), 100);
	CHECK_EQ(pread(fd, mid, sizeof(mid), 10000), 0);
	/* One byte changed in the second page: the rest is the archive's. */
	CHECK_EQ(pwrite(fd, &c, 1, 5000), 1);
	CHECK(pattern_matches(fd, 10000, 5000, 0xaa));
	/* Shorter, then longer: the cut-off part reads as zeros. */
	CHECK_EQ(ftruncate(fd, 6000), 0);
	CHECK(pattern_matches(fd, 6000, 5000, 0xaa));
	CHECK_EQ(ftruncate(fd, 9000), 0);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 9000);
	static unsigned char buf[9000];
	CHECK_EQ(pread(fd, buf, sizeof(buf), 0), 9000);
	CHECK(buf[5999] == 5999 * 7 % 251 && buf[6000] == 0 && buf[8999] == 0 && buf[5000] == 0xaa);
	CHECK_EQ(close(fd), 0);
	/* Truncated to nothing by open: empty, and writable from scratch. */
	fd = open(path, O_RDWR | O_TRUNC);
	CHECK(fd >= 0);
	CHECK_EQ(fstat(fd, &st), 0);
	CHECK_EQ(st.st_size, 0);
	CHECK_EQ(write(fd, "x", 1), 1);
	/* Empty again: its one page goes back (the run's free-page check). */
	CHECK_EQ(ftruncate(fd, 0), 0);
	CHECK_EQ(close(fd), 0);
}

/*
 * The trap tracer through /proc/trace (docs/tracing.md): a SPEC written to
 * it traces this process's getppid calls into the ring; reading takes the
 * lines out.  A word that means nothing is EINVAL and changes nothing.
 */
static void trace_spec(const char *spec, long want)
{
	int fd = open("/proc/trace", O_WRONLY);

	CHECK(fd >= 0);
	CHECK_EQ(syscall3(__NR_write, fd, (long)spec, (long)strlen(spec)), want);
	CHECK_EQ(close(fd), 0);
}

void test_trace_proc(void)
{
	static char text[8192];
	char spec[80], want[80];
	long ppid = syscall0(__NR_getppid);
	int fd;
	long n, total = 0;

	if (on_linux) /* Linux's tracing is elsewhere (ftrace) */
		return;
	fd = open("/proc/trace", O_RDONLY); /* empty the ring: others' lines */
	CHECK(fd >= 0);
	while ((n = read(fd, text, sizeof(text))) > 0)
		;
	CHECK_EQ(close(fd), 0);
	snprintf(spec, sizeof(spec), "syscall pid=%d call=getppid+getpid", getpid());
	trace_spec(spec, (long)strlen(spec));
	trace_spec("syscall nonsense", -EINVAL); /* the old SPEC stays */
	CHECK_EQ(syscall0(__NR_getppid), ppid);
	CHECK_EQ(syscall1(__NR_close, -1), -EBADF); /* not named: not traced */
	trace_spec("off", 3);
	CHECK_EQ(syscall0(__NR_getppid), ppid); /* off: not traced */
	fd = open("/proc/trace", O_RDONLY);
	CHECK(fd >= 0);
	while ((n = read(fd, text + total, sizeof(text) - 1 - (size_t)total)) > 0)
		total += n;
	CHECK_EQ(n, 0);
	CHECK_EQ(close(fd), 0);
	text[total] = '\0';
	snprintf(want, sizeof(want), " %d usertests: ecall getppid() from 0x", getpid());
	CHECK(strstr(text, want) != NULL);
	snprintf(want, sizeof(want), ": return getppid = %ld to 0x", ppid);
	CHECK(strstr(text, want) != NULL);
	CHECK(strstr(text, "close") == NULL);
	/* Exactly one call, two lines: the second getppid was after "off". */
	CHECK(strstr(strstr(text, want) + strlen(want), "getppid") == NULL);
}
