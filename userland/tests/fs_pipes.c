/*
 * fs_pipes.c - fstests on what a pipe promises beyond carrying bytes:
 * readers that share it never get a byte twice or lose one; a write of at
 * most PIPE_BUF bytes is never split or interleaved with another; Linux's
 * 64 KiB capacity, F_GETPIPE_SZ, F_SETPIPE_SZ and FIONREAD; and the
 * pipe's pages come back when it closes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fstests.h"

#define PIPE_BUF 4096 /* Linux's, and POSIX's promise of atomic writes */
#define PAGE	 4096

static long get_pipe_size(int fd)
{
	return syscall3(__NR_fcntl, fd, LINUX_F_GETPIPE_SZ, 0);
}

static long set_pipe_size(int fd, long size)
{
	return syscall3(__NR_fcntl, fd, LINUX_F_SETPIPE_SZ, size);
}

/* FIONREAD: the bytes waiting in the pipe, or -errno. */
static long bytes_held(int fd)
{
	int n = -1;
	long r = syscall3(__NR_ioctl, fd, LINUX_FIONREAD, (long)&n);

	return r < 0 ? r : n;
}

static void nap_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000};

	syscall2(__NR_nanosleep, (long)&ts, 0);
}

/*
 * Write blocks of file k's bytes from off on into a non-blocking pipe
 * until it is full (EAGAIN); returns the bytes written.
 */
static long fill(int fd, size_t block, unsigned k, uint64_t off)
{
	long total = 0, r;

	for (;;) {
		gen_fill(buf_a, k, off + (uint64_t)total, block);
		r = syscall3(__NR_write, fd, (long)buf_a, (long)block);
		if (r == -EAGAIN)
			return total;
		if (r != (long)block)
			FAIL("write of %zu bytes after %ld = %ld", block, total, r);
		total += r;
	}
}

/* Read n bytes (in one go if they are there) and check them against file k from off. */
static void drain(int fd, size_t n, unsigned k, uint64_t off)
{
	size_t done = 0;

	while (done < n) {
		size_t want = n - done < BUF_SIZE ? n - done : BUF_SIZE;
		long r = syscall3(__NR_read, fd, (long)buf_b, (long)want);
		if (r <= 0)
			FAIL("read after %zu of %zu bytes = %ld", done, n, r);
		long d = gen_diff(buf_b, k, off + done, (size_t)r);
		if (d >= 0)
			FAIL("byte %zu read back is %#x, want %#x", done + (size_t)d, buf_b[d],
			     gen_byte(k, off + done + (uint64_t)d));
		done += (size_t)r;
	}
}

/* ---- one writer, two readers: every record read exactly once */

#define REC  64
#define NREC 20000
static int rfd[2];
static int reader_no;

/* Record i: its number in ten digits, a colon, then bytes made from i. */
static void make_rec(uint8_t *rec, uint32_t i)
{
	snprintf((char *)rec, REC, "%010u:", (unsigned)i);
	for (int j = 11; j < REC; j++)
		rec[j] = (uint8_t)(i * 7 + (uint32_t)j * 13);
}

/* The number of an intact record, or -1 for one torn or garbled. */
static long rec_number(const uint8_t *rec)
{
	uint8_t want[REC];
	uint32_t i = 0;

	for (int j = 0; j < 10; j++) {
		if (rec[j] < '0' || rec[j] > '9')
			return -1;
		i = i * 10 + (uint32_t)(rec[j] - '0');
	}
	make_rec(want, i);
	return i < NREC && memcmp(rec, want, REC) == 0 ? (long)i : -1;
}

/* Read records to the end; put their numbers, in order, in file got<n>. */
static void rec_reader(void)
{
	uint32_t *got = (uint32_t *)buf_a;
	uint8_t rec[REC];
	size_t n = 0;
	char name[8];
	long r;
	int fd;

	xclose(rfd[1]);
	while ((r = syscall3(__NR_read, rfd[0], (long)rec, REC)) == REC) {
		long i = rec_number(rec);
		if (i < 0)
			FAIL("reader %d: record %zu is torn: \"%.20s\"", reader_no, n, (char *)rec);
		if (n == NREC)
			FAIL("reader %d: more than %d records", reader_no, NREC);
		got[n++] = (uint32_t)i;
	}
	if (r != 0)
		FAIL("reader %d: read = %ld, want %d or 0 (end of file)", reader_no, r, REC);
	snprintf(name, sizeof(name), "got%d", reader_no);
	fd = xopen(name, L_O_WRONLY | LINUX_O_CREAT | LINUX_O_TRUNC);
	xwrite(fd, got, n * sizeof(*got));
	xclose(fd);
	_exit(0);
}

/* Each reader's numbers rise; together they are 0..NREC-1, each once. */
static void check_receipts(void)
{
	uint32_t *got = (uint32_t *)buf_a;
	uint8_t *seen = buf_b;
	long total = 0;

	memset(seen, 0, NREC);
	for (int id = 0; id < 2; id++) {
		char name[8];
		snprintf(name, sizeof(name), "got%d", id);
		long n = xstat(name).st_size / (long)sizeof(*got);
		int fd = xopen(name, L_O_RDONLY);
		xread(fd, got, (size_t)n * sizeof(*got));
		xclose(fd);
		for (long j = 0; j < n; j++) {
			if (seen[got[j]]++)
				FAIL("record %u was read twice", got[j]);
			if (j && got[j] <= got[j - 1])
				FAIL("reader %d got record %u after %u", id, got[j], got[j - 1]);
		}
		total += n;
	}
	for (uint32_t i = 0; i < NREC; i++)
		if (!seen[i])
			FAIL("record %u was never read (%ld of %d were)", i, total, NREC);
}

/* Two readers race for small records (on 4 harts, truly at once). */
void test_pipe_readers(void)
{
	uint8_t rec[REC];
	int pids[2];

	CHECK_EQ(syscall2(__NR_pipe2, (long)rfd, 0), 0);
	for (reader_no = 0; reader_no < 2; reader_no++)
		pids[reader_no] = spawn(rec_reader);
	xclose(rfd[0]);
	for (uint32_t i = 0; i < NREC; i++) {
		make_rec(rec, i);
		xwrite(rfd[1], rec, REC);
	}
	xclose(rfd[1]);
	expect_ok(reap(pids[0]), "reader 0");
	expect_ok(reap(pids[1]), "reader 1");
	check_receipts();
}

/* ---- two writers of PIPE_BUF records: never interleaved */

#define PREC_N 200
static int wfd[2];
static int writer_no;

/* Writer w's record i: "W<w> <i>" then bytes made from both. */
static void make_page_rec(uint8_t *rec, int w, int i)
{
	for (int j = 0; j < PIPE_BUF; j++)
		rec[j] = (uint8_t)(w * 101 + i * 7 + j);
	snprintf((char *)rec, 16, "W%d %05d", w, i);
}

/* Writer 0 uses write; writer 1 writev of 64 buffers (one write all the same). */
static void page_writer(void)
{
	struct {
		const void *base;
		unsigned long len;
	} v[64];

	xclose(wfd[0]);
	for (int j = 0; j < 64; j++)
		v[j].base = buf_a + 64 * j, v[j].len = 64;
	for (int i = 0; i < PREC_N; i++) {
		make_page_rec(buf_a, writer_no, i);
		if (writer_no == 0)
			xwrite(wfd[1], buf_a, PIPE_BUF);
		else if (syscall3(__NR_writev, wfd[1], (long)v, 64) != PIPE_BUF)
			FAIL("writev of record %d did not write %d bytes", i, PIPE_BUF);
	}
	_exit(0);
}

/* Record k of the stream must be the next whole record of one writer. */
static void check_page_rec(const uint8_t *rec, int k, int next[2])
{
	static uint8_t want[PIPE_BUF];
	int w = rec[1] - '0';

	if (rec[0] != 'W' || w < 0 || w > 1 || next[w] >= PREC_N)
		FAIL("record %d of the stream is garbled: \"%.8s\"", k, (const char *)rec);
	make_page_rec(want, w, next[w]);
	for (int j = 0; j < PIPE_BUF; j++)
		if (rec[j] != want[j])
			FAIL("record %d of the stream (writer %d's record %d) differs at byte %d: "
			     "a write of PIPE_BUF bytes was split",
			     k, w, next[w], j);
	next[w]++;
}

void test_pipe_writers(void)
{
	int pids[2], next[2] = {0, 0}, k = 0;
	size_t have = 0;
	long r;

	CHECK_EQ(syscall2(__NR_pipe2, (long)wfd, 0), 0);
	for (writer_no = 0; writer_no < 2; writer_no++)
		pids[writer_no] = spawn(page_writer);
	xclose(wfd[1]);
	/* Odd-sized reads: a record is judged by where it falls in the stream. */
	while ((r = syscall3(__NR_read, wfd[0], (long)(buf_b + have), 3001)) > 0) {
		have += (size_t)r;
		for (; have >= PIPE_BUF; have -= PIPE_BUF) {
			check_page_rec(buf_b, k++, next);
			memmove(buf_b, buf_b + PIPE_BUF, have - PIPE_BUF);
		}
	}
	CHECK_EQ(r, 0);
	CHECK_EQ(have, 0);
	CHECK_EQ(next[0], PREC_N);
	CHECK_EQ(next[1], PREC_N);
	expect_ok(reap(pids[0]), "writer 0");
	expect_ok(reap(pids[1]), "writer 1");
}

/* ---- capacity, F_GETPIPE_SZ, F_SETPIPE_SZ, FIONREAD */

/* Linux's default: 16 pages; FIONREAD on either end counts the bytes held. */
void test_pipe_capacity(void)
{
	int fd[2], f;

	CHECK_EQ(syscall2(__NR_pipe2, (long)fd, LINUX_O_NONBLOCK), 0);
	CHECK_EQ(get_pipe_size(fd[0]), 65536);
	CHECK_EQ(get_pipe_size(fd[1]), 65536);
	CHECK_EQ(bytes_held(fd[0]), 0);
	CHECK_EQ(fill(fd[1], PAGE, 61, 0), 65536);
	CHECK_EQ(bytes_held(fd[0]), 65536);
	CHECK_EQ(bytes_held(fd[1]), 65536);
	CHECK_EQ(syscall3(__NR_write, fd[1], (long)buf_a, 1), -EAGAIN);
	CHECK_EQ(syscall3(__NR_read, fd[0], (long)buf_b, BUF_SIZE), 65536);
	CHECK_EQ(gen_diff(buf_b, 61, 0, 65536), -1);
	CHECK_EQ(syscall3(__NR_read, fd[0], (long)buf_b, 1), -EAGAIN);
	CHECK_EQ(syscall3(__NR_ioctl, fd[0], LINUX_FIONREAD, 8), -EFAULT);
	f = xopen("f", L_O_RDWR | LINUX_O_CREAT);
	CHECK_EQ(get_pipe_size(f), -EBADF); /* not a pipe */
	CHECK_EQ(set_pipe_size(f, PAGE), -EBADF);
	xclose(f);
	xclose(fd[0]);
	xclose(fd[1]);
}

/* F_SETPIPE_SZ's argument, as Linux reads it, and its answer. */
static const struct {
	long arg, want;
} sizes[] = {
	{0, 4096}, /* at least a page */
	{1, 4096},
	{4096, 4096},
	{4097, 8192}, /* a power of two number of pages */
	{65537, 131072},
	{1 << 20, 1 << 20},	   /* /proc/sys/fs/pipe-max-size */
	{(1L << 32) + 8192, 8192}, /* Linux takes the argument as 32 bits */
	{(1L << 31) + 1, -EINVAL}, /* past 2 GiB */
	{3L << 30, -EINVAL},
	{-1, -EINVAL},
};

static void check_sizes(int fd)
{
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		long before = get_pipe_size(fd), r = set_pipe_size(fd, sizes[i].arg);
		if (r != sizes[i].want)
			FAIL("F_SETPIPE_SZ %#lx = %ld, want %ld", sizes[i].arg, r, sizes[i].want);
		CHECK_EQ(get_pipe_size(fd), r < 0 ? before : r);
	}
	/* Past pipe-max-size: only a privileged process (Sluice runs everything
	 * as root; a Linux host may deny a container CAP_SYS_RESOURCE). */
	long r = set_pipe_size(fd, (1 << 20) + 1);
	if (!(on_linux && r == -EPERM))
		CHECK_EQ(r, 2 << 20);
}

void test_pipe_setsize(void)
{
	int fd[2];

	CHECK_EQ(syscall2(__NR_pipe2, (long)fd, LINUX_O_NONBLOCK), 0);
	check_sizes(fd[1]);
	/* 1 MiB held: no shrinking below it (EBUSY), every byte comes back. */
	CHECK_EQ(set_pipe_size(fd[0], 1 << 20), 1 << 20);
	CHECK_EQ(fill(fd[1], PAGE, 62, 0), 1 << 20);
	CHECK_EQ(set_pipe_size(fd[1], PAGE), -EBUSY);
	CHECK_EQ(get_pipe_size(fd[1]), 1 << 20);
	drain(fd[0], 1 << 20, 62, 0);
	/* One page, then 16 with that page's bytes still in: order kept. */
	CHECK_EQ(set_pipe_size(fd[1], PAGE), PAGE);
	CHECK_EQ(fill(fd[1], PAGE, 63, 0), PAGE);
	CHECK_EQ(syscall3(__NR_write, fd[1], (long)buf_a, 1), -EAGAIN);
	CHECK_EQ(set_pipe_size(fd[1], 65536), 65536);
	CHECK_EQ(fill(fd[1], PAGE, 63, PAGE), 65536 - PAGE);
	CHECK_EQ(set_pipe_size(fd[1], 8192), -EBUSY);
	drain(fd[0], 65536 - 2 * PAGE, 63, 0);
	CHECK_EQ(set_pipe_size(fd[1], PAGE), -EBUSY); /* two pages held */
	CHECK_EQ(set_pipe_size(fd[1], 8192), 8192);
	drain(fd[0], 2 * PAGE, 63, 65536 - 2 * PAGE);
	CHECK_EQ(bytes_held(fd[0]), 0);
	xclose(fd[0]);
	xclose(fd[1]);
}

/* ---- a write of at most PIPE_BUF bytes waits for room for all of it */

static int afd[2];

static void page_writer_blocking(void)
{
	xclose(afd[0]);
	gen_fill(buf_a, 64, 0, PIPE_BUF);
	xwrite(afd[1], buf_a, PIPE_BUF);
	_exit(0);
}

/* 15 pages and 3996 bytes held: the last page has room for 100 more. */
static void fill_but_100(int fd)
{
	for (int i = 0; i < 15; i++) {
		gen_fill(buf_a, 63, (uint64_t)i * PAGE, PAGE);
		xwrite(fd, buf_a, PAGE);
	}
	gen_fill(buf_a, 63, 15 * PAGE, PAGE - 100);
	xwrite(fd, buf_a, PAGE - 100);
}

void test_pipe_atomic(void)
{
	int pid;

	CHECK_EQ(syscall2(__NR_pipe2, (long)afd, LINUX_O_NONBLOCK), 0);
	fill_but_100(afd[1]);
	CHECK_EQ(syscall3(__NR_write, afd[1], (long)buf_a, 200), -EAGAIN); /* not 100 */
	gen_fill(buf_a, 63, 65536 - 100, 100);
	CHECK_EQ(syscall3(__NR_write, afd[1], (long)buf_a, 100), 100);
	drain(afd[0], PAGE, 63, 0);
	/* More than PIPE_BUF may be split: part of it now, not EAGAIN. */
	long r = syscall3(__NR_write, afd[1], (long)buf_a, PIPE_BUF + 1);
	CHECK(r > 0 && r < PIPE_BUF + 1);
	xclose(afd[0]);
	xclose(afd[1]);

	/* Blocking: the writer sleeps until a whole page is free, then all goes in. */
	CHECK_EQ(syscall2(__NR_pipe2, (long)afd, 0), 0);
	fill_but_100(afd[1]);
	pid = spawn(page_writer_blocking);
	nap_ms(50);
	CHECK_EQ(bytes_held(afd[0]), 65536 - 100); /* none of its bytes yet */
	drain(afd[0], PAGE, 63, 0);
	expect_ok(reap(pid), "the writer");
	CHECK_EQ(bytes_held(afd[0]), 65536 - 100);
	drain(afd[0], 65536 - 100 - PAGE, 63, PAGE);
	drain(afd[0], PIPE_BUF, 64, 0);
	xclose(afd[0]);
	xclose(afd[1]);
}

/* ---- the pipe's pages come back */

/* A 1 MiB pipe, filled, partly read, closed: free pages while it was full. */
static long big_pipe_round(void)
{
	int fd[2];
	long full;

	CHECK_EQ(syscall2(__NR_pipe2, (long)fd, LINUX_O_NONBLOCK), 0);
	CHECK_EQ(set_pipe_size(fd[1], 1 << 20), 1 << 20);
	CHECK_EQ(fill(fd[1], PAGE, 65, 0), 1 << 20);
	full = syscall0(__NR_sluice_free_pages);
	drain(fd[0], 5000, 65, 0); /* an emptied page, a page begun */
	xclose(fd[0]);
	xclose(fd[1]);
	return full;
}

void test_pipe_pages(void)
{
	long before, full, after;

	if (on_linux) {
		note("skipped: sluice_free_pages is Sluice's own");
		return;
	}
	big_pipe_round(); /* the first may grow the kernel's small-object caches */
	before = syscall0(__NR_sluice_free_pages);
	full = big_pipe_round();
	after = syscall0(__NR_sluice_free_pages);
	if (before - full < 256)
		FAIL("a full 1 MiB pipe held %ld pages, want at least 256", before - full);
	if (after != before)
		FAIL("%ld pages free before, %ld after: the pipe's pages leaked", before, after);
}
