/*
 * disktest - the founding story with a disk.  The disk (made by the QEMU
 * test) holds, in sector s, s as 8 little-endian bytes and then bytes
 * (7s + i) & 0xff.  A CPU-bound child counts loop iterations while this
 * process reads the whole disk through /dev/vda, sleeping on each request
 * until the disk's interrupt wakes it; then it writes a new pattern to a
 * region, flushes, and reads it back.  The child's count must be far above
 * zero: it ran while the reader slept.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "syscall.h"

#define SECTOR 512
#define CHUNK 4096

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

int main(void)
{
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
			printf("disktest: read at %ld failed (%ld)\n", off, n);
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
	syscall3(62, fd, base, 0);
	for (int k = 0; k < 16; k++) {
		memset(buf, 0, sizeof(buf));
		if (read((int)fd, buf, CHUNK) != CHUNK)
			wrong++;
		for (long i = 0; i < (long)sizeof(buf); i++)
			wrong += buf[i] != (uint8_t)(0xa5 ^ i);
	}
	printf("disktest: wrote, flushed and read back 64 KiB: %s\n", wrong ? "WRONG" : "ok");

	kill(pid, SIGUSR1);
	int status;
	waitpid(pid, &status, 0);
	return bad || wrong;
}
