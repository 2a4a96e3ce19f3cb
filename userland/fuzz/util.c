/* Small helpers every part of the fuzzer uses (fuzz.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

uint64_t fz_rand(struct fz_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t fz_below(struct fz_rng *r, uint64_t n)
{
	return n ? fz_rand(r) % n : 0;
}

bool fz_chance(struct fz_rng *r, unsigned int num, unsigned int den)
{
	return fz_below(r, den) < num;
}

void fz_rng_init(struct fz_rng *r, uint64_t seed, int w, int gen)
{
	r->s = seed;
	r->s = fz_rand(r) ^ ((uint64_t)w << 32) ^ (uint64_t)gen;
	fz_rand(r);
}

static int say_fd = 1;

void fz_set_say_fd(int fd)
{
	say_fd = fd;
}

/* One write per message: lines of different processes do not mix. */
void fz_say(const char *fmt, ...)
{
	static char buf[512];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (n > 0)
		syscall3(__NR_write, say_fd, (long)buf, n);
}

long fz_read_file(const char *path, char *buf, size_t size)
{
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)path, 0, 0), n, got = 0;

	if (fd < 0)
		return fd;
	while (got + 1 < (long)size &&
	       (n = syscall3(__NR_read, fd, (long)(buf + got), (long)size - 1 - got)) > 0)
		got += n;
	buf[got] = '\0';
	syscall1(__NR_close, fd);
	return got;
}

uint64_t fz_now_ns(void)
{
	struct {
		long sec, nsec;
	} ts = {0, 0};

	syscall2(__NR_clock_gettime, LINUX_CLOCK_MONOTONIC, (long)&ts);
	return (uint64_t)ts.sec * 1000000000ull + (uint64_t)ts.nsec;
}

void fz_sleep_ms(long ms)
{
	struct {
		long sec, nsec;
	} ts = {ms / 1000, (ms % 1000) * 1000000};

	syscall2(__NR_nanosleep, (long)&ts, 0);
}

void fz_scratch_tmp(int w, char *buf, size_t size)
{
	snprintf(buf, size, "/tmp/fuzz-%d", w);
}

void fz_scratch_mnt(int w, char *buf, size_t size)
{
	snprintf(buf, size, "/mnt/fuzz/%d", w);
}

const char *fz_errname(long e)
{
	static const char *const names[] = {
		[1] = "EPERM",	  [2] = "ENOENT",     [3] = "ESRCH",	   [4] = "EINTR",
		[5] = "EIO",	  [6] = "ENXIO",      [7] = "E2BIG",	   [8] = "ENOEXEC",
		[9] = "EBADF",	  [10] = "ECHILD",    [11] = "EAGAIN",	   [12] = "ENOMEM",
		[13] = "EACCES",  [14] = "EFAULT",    [15] = "ENOTBLK",	   [16] = "EBUSY",
		[17] = "EEXIST",  [18] = "EXDEV",     [19] = "ENODEV",	   [20] = "ENOTDIR",
		[21] = "EISDIR",  [22] = "EINVAL",    [23] = "ENFILE",	   [24] = "EMFILE",
		[25] = "ENOTTY",  [26] = "ETXTBSY",   [27] = "EFBIG",	   [28] = "ENOSPC",
		[29] = "ESPIPE",  [30] = "EROFS",     [31] = "EMLINK",	   [32] = "EPIPE",
		[33] = "EDOM",	  [34] = "ERANGE",    [35] = "EDEADLK",	   [36] = "ENAMETOOLONG",
		[37] = "ENOLCK",  [38] = "ENOSYS",    [39] = "ENOTEMPTY",  [40] = "ELOOP",
		[61] = "ENODATA", [75] = "EOVERFLOW", [95] = "EOPNOTSUPP", [110] = "ETIMEDOUT"};

	return e > 0 && e < (long)(sizeof(names) / sizeof(names[0])) ? names[e] : NULL;
}
