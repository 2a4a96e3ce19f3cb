/*
 * disktest - the founding story with a disk.  The disk (made by the QEMU
 * test) holds, in sector s, s as 8 little-endian bytes and then bytes
 * (7s + i) & 0xff.  A CPU-bound child counts loop iterations while this
 * process reads the whole disk through /dev/vda, sleeping on each request
 * until the disk's interrupt wakes it; then it writes a new pattern to a
 * region, flushes, and reads it back.  The child's count must be far above
 * zero: it ran while the reader slept.
 *
 * disktest -c: many processes at once (run it on 4 harts): four readers
 * check every sector of the first half while four writers each rewrite
 * their own eighth of the second half with their own pattern and read it
 * back.  All requests are in flight together in the one virtqueue.
 *
 * disktest -f: the flusher against a failing disk (the QEMU case makes
 * every write touching sector 4096 fail).  Two 1 KiB blocks are written
 * through /dev/vda and left dirty, one of them over sector 4096; with the
 * flusher every 0.1 s and an expiry of 0.2 s, a second later the good one
 * is on the disk and the bad one still dirty (1 kB in /proc/meminfo's
 * Dirty:), and the kernel carries on.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "syscall.h"

#define SECTOR 512
#define CHUNK  4096

static volatile int stop;

static void on_usr1(int sig)
{
	(void)sig;
	stop = 1;
}

/* The child: count until told to stop, then say how far it got. */
static void spinner(void)
{
	unsigned long n = 0;

	signal(SIGUSR1, on_usr1);
	while (!stop)
		n++;
	printf("disktest: the CPU-bound process counted %lu iterations meanwhile\n", n);
	_exit(0);
}

static int check_sector(const uint8_t *b, uint64_t s)
{
	uint64_t tag;

	memcpy(&tag, b, 8);
	if (tag != s)
		return 0;
	for (int i = 0; i < SECTOR - 8; i++)
		if (b[8 + i] != (uint8_t)((s * 7 + i) & 0xff))
			return 0;
	return 1;
}

#define WORKERS 4

static long open_disk(void)
{
	return syscall4(__NR_openat, -100, (long)"/dev/vda", 2 /* O_RDWR */, 0);
}

/* Reader w checks every sector of the first half (all readers, all of it). */
static int concurrent_reader(long size)
{
	static uint8_t buf[CHUNK];
	long fd = open_disk(), bad = 0;

	for (long off = 0; off < size / 2; off += CHUNK) {
		if (read((int)fd, buf, CHUNK) != CHUNK)
			return 1;
		for (long i = 0; i < CHUNK; i += SECTOR)
			bad += !check_sector(buf + i, (uint64_t)(off + i) / SECTOR);
	}
	return bad != 0;
}

/* Writer w owns one eighth of the second half: byte i of it is (w*16) ^ i. */
static int concurrent_writer(long size, int w)
{
	static uint8_t buf[CHUNK];
	long fd = open_disk(), region = size / 2 / WORKERS, base = size / 2 + w * region;

	for (long i = 0; i < CHUNK; i++)
		buf[i] = (uint8_t)((w * 16) ^ i);
	syscall3(62, fd, base, 0);
	for (long off = 0; off < region; off += CHUNK)
		if (write((int)fd, buf, CHUNK) != CHUNK)
			return 1;
	if (syscall1(82, fd) != 0 || syscall0(__NR_sluice_drop_caches) != 0)
		return 1;
	syscall3(62, fd, base, 0);
	for (long off = 0; off < region; off += CHUNK) {
		memset(buf, 0, CHUNK);
		if (read((int)fd, buf, CHUNK) != CHUNK)
			return 1;
		for (long i = 0; i < CHUNK; i++)
			if (buf[i] != (uint8_t)((w * 16) ^ i))
				return 1;
	}
	return 0;
}

static int concurrent(void)
{
	long fd = open_disk();
	long size = syscall3(62, fd, 0, 2 /* SEEK_END */);
	pid_t pids[2 * WORKERS];
	int failed = 0;

	for (int w = 0; w < 2 * WORKERS; w++) {
		pids[w] = fork();
		if (pids[w] == 0)
			_exit(w < WORKERS ? concurrent_reader(size)
					  : concurrent_writer(size, w - WORKERS));
	}
	for (int w = 0; w < 2 * WORKERS; w++) {
		int status;
		waitpid(pids[w], &status, 0);
		failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	}
	printf("disktest: %d readers and %d writers at once: %s\n", WORKERS, WORKERS,
	       failed ? "FAILED" : "ok");
	return failed != 0;
}

/* One reader and a CPU-bound process: the founding story with a disk.
 * With irq (the disk's PLIC source), also how many interrupts it raised. */
static int overlap(long irq)
{
	long irqs_before = irq ? sluice_irq_total(irq) : 0;
	static uint8_t buf[CHUNK];
	long fd = syscall4(__NR_openat, -100, (long)"/dev/vda", 2 /* O_RDWR */, 0);
	long size, n, bad = 0;

	if (fd < 0) {
		printf("disktest: cannot open /dev/vda (%ld)\n", fd);
		return 1;
	}
	size = syscall3(62 /* lseek */, fd, 0, 2 /* SEEK_END */);
	syscall3(62, fd, 0, 0);
	pid_t pid = fork();
	if (pid == 0)
		spinner();
	sched_yield(); /* let the spinner start */

	for (long off = 0; off < size; off += n) {
		n = read((int)fd, buf, CHUNK);
		if (n <= 0) {
			printf("disktest: read at %ld failed: %s\n", off,
			       n < 0 ? strerror(errno) : "end of disk");
			kill(pid, SIGKILL); /* or init waits for the spinner forever */
			waitpid(pid, NULL, 0);
			return 1;
		}
		for (long i = 0; i + SECTOR <= n; i += SECTOR)
			bad += !check_sector(buf + i, (uint64_t)(off + i) / SECTOR);
	}
	printf("disktest: read %ld KiB, %ld bad sectors\n", size / 1024, bad);

	/* A new pattern to the last 64 KiB, flushed, then read back. */
	long base = size - 64 * 1024, wrong = 0;
	for (long i = 0; i < (long)sizeof(buf); i++)
		buf[i] = (uint8_t)(0xa5 ^ i);
	syscall3(62, fd, base, 0);
	for (int k = 0; k < 16; k++)
		if (write((int)fd, buf, CHUNK) != CHUNK)
			wrong++;
	if (syscall1(82 /* fsync */, fd) != 0)
		wrong++;
	/* Forget the cached blocks: the read-back must come from the disk. */
	if (syscall0(__NR_sluice_drop_caches) != 0)
		wrong++;
	syscall3(62, fd, base, 0);
	for (int k = 0; k < 16; k++) {
		memset(buf, 0, sizeof(buf));
		if (read((int)fd, buf, CHUNK) != CHUNK)
			wrong++;
		for (long i = 0; i < (long)sizeof(buf); i++)
			wrong += buf[i] != (uint8_t)(0xa5 ^ i);
	}
	printf("disktest: wrote, flushed and read back 64 KiB after dropping the cache: %s\n",
	       wrong ? "WRONG" : "ok");

	kill(pid, SIGUSR1);
	int status;
	waitpid(pid, &status, 0);
	if (irq)
		printf("disktest: disk source %ld delivered %ld interrupts\n", irq,
		       sluice_irq_total(irq) - irqs_before);
	return bad || wrong;
}

/* A small file's text into buf (NUL-terminated); its length or -1. */
static long read_text(const char *path, char *buf, long size)
{
	long fd = syscall4(__NR_openat, -100, (long)path, 0, 0), n = 0, r;

	if (fd < 0)
		return -1;
	while (n < size - 1 && (r = read((int)fd, buf + n, (size_t)(size - 1 - n))) > 0)
		n += r;
	close((int)fd);
	buf[n] = '\0';
	return n;
}

/* /proc/meminfo's Dirty: in kB, or -1. */
static long dirty_kb(void)
{
	static char text[4096];
	char *line = read_text("/proc/meminfo", text, sizeof(text)) > 0 ? strstr(text, "\nDirty:")
									: NULL;

	return line ? atol(line + 7) : -1;
}

static int set_knob(const char *name, const char *value)
{
	char path[64];
	long fd;

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	fd = syscall4(__NR_openat, -100, (long)path, 1 /* O_WRONLY */, 0);
	if (fd < 0)
		return -1;
	long n = write((int)fd, value, strlen(value));
	close((int)fd);
	return n == (long)strlen(value) ? 0 : -1;
}

static int flusher_eio(void)
{
	static uint8_t buf[1024];
	long fd = open_disk(), good = 2048L * SECTOR, bad = 4096L * SECTOR;
	int err = 0;

	memset(buf, 0x3c, sizeof(buf));
	err |= syscall4(__NR_pwrite64, fd, (long)buf, sizeof(buf), good) != sizeof(buf);
	err |= syscall4(__NR_pwrite64, fd, (long)buf, sizeof(buf), bad) != sizeof(buf);
	long before = dirty_kb();
	err |= set_knob("dirty_expire_centisecs", "20") |
	       set_knob("dirty_writeback_centisecs", "10");
	struct timespec second = {1, 0};
	nanosleep(&second, NULL);
	long after = dirty_kb();
	err |= set_knob("dirty_writeback_centisecs", "500") |
	       set_knob("dirty_expire_centisecs", "3000");
	memset(buf, 0, sizeof(buf));
	syscall0(__NR_sluice_drop_caches); /* fails for the bad block: it stays */
	err |= syscall4(__NR_pread64, fd, (long)buf, sizeof(buf), good) != sizeof(buf);
	err |= buf[0] != 0x3c || buf[1023] != 0x3c;
	printf("disktest: Dirty: %ld kB before the flusher, %ld kB after; the good block %s\n",
	       before, after, err ? "NOT written, or an error" : "written");
	close((int)fd);
	return err || before < 2 || after != 1;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-c") == 0)
		return concurrent();
	if (argc > 1 && strcmp(argv[1], "-f") == 0)
		return flusher_eio();
	return overlap(argc > 1 ? atol(argv[1]) : 0);
}
