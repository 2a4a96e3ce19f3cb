/*
 * fs_cache.c - the page cache as /proc shows it: /proc/meminfo's figures
 * (Linux's names and order; Cached, MemFree, Shmem moving with what is
 * read and written) and the flusher (dirty data reaches the disk without
 * a sync, /proc/sys/vm's two knobs).  The parts that need Sluice's ext2
 * disk are skipped elsewhere; with -l (Linux, qemu-riscv64) only the
 * field names are checked, against the host kernel's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fstests.h"

#define KB(bytes) ((long)(bytes) / 1024)

/* The fields Sluice writes, in Linux's order (fs/proc/meminfo.c). */
static const char *const fields[] = {
	"MemTotal",   "MemFree",      "MemAvailable", "Buffers",      "Cached",
	"SwapCached", "SwapTotal",    "SwapFree",     "Dirty",	      "Writeback",
	"Shmem",      "KReclaimable", "Slab",	      "SReclaimable", "SUnreclaim",
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

enum { F_TOTAL, F_FREE, F_AVAIL, F_BUFFERS, F_CACHED, F_DIRTY = 8, F_SHMEM = 10 };

/* A small file's text (a /proc file), NUL-terminated. */
static void read_text(const char *path, char *text, size_t size)
{
	int fd = xopen(path, L_O_RDONLY);
	long n = 0, r;

	while (n < (long)size - 1 && (r = read(fd, text + n, size - 1 - (size_t)n)) > 0)
		n += r;
	xclose(fd);
	text[n] = '\0';
}

/*
 * /proc/meminfo's figures for fields[], in kB.  Every line must read
 * "Name:" padded to 16 columns, the figure in 8, " kB"; the fields found
 * of fields[] must come in that order (Linux has more between them).
 * Returns how many of fields[] were there.
 */
static size_t meminfo(long kb[NFIELDS])
{
	static char text[8192];
	size_t next = 0, found = 0;

	read_text("/proc/meminfo", text, sizeof(text));
	for (char *line = text; *line; line = strchr(line, '\n') + 1) {
		char *colon = strchr(line, ':');
		CHECK(colon && strchr(line, '\n'));
		/* Searched from the last one found: one out of order is missed. */
		for (size_t i = next; i < NFIELDS; i++) {
			if ((size_t)(colon - line) != strlen(fields[i]) ||
			    strncmp(line, fields[i], strlen(fields[i])))
				continue;
			CHECK(strncmp(line + 24, " kB\n", 4) == 0 && line[23] >= '0' &&
			      line[23] <= '9');
			kb[i] = strtol(colon + 1, NULL, 10);
			next = i + 1;
			found++;
			break;
		}
	}
	return found;
}

static bool on_ext2(void)
{
	struct statfs st;

	CHECK_EQ(statfs(".", &st), 0);
	return st.f_type == 0xEF53 && !on_linux; /* the host's ext4 says so too */
}

/* Sectors written to the disk so far (/proc/diskstats' vda line). */
static long sectors_written(void)
{
	char text[512];
	unsigned long f[7];

	read_text("/proc/diskstats", text, sizeof(text));
	char *vda = strstr(text, " vda ");
	CHECK(vda);
	CHECK_EQ(sscanf(vda, " vda %lu %lu %lu %lu %lu %lu %lu", &f[0], &f[1], &f[2], &f[3], &f[4],
			&f[5], &f[6]),
		 7);
	return (long)f[6];
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/*
 * /proc/meminfo: Linux's fields in Linux's order, "Name:" in 16 columns;
 * MemAvailable at least MemFree.  Reading 4 MiB of an ext2 file puts
 * 4 MiB in Cached, out of MemFree; dropping the caches takes it out
 * again.  1 MiB written to a tmpfs file (/dev/shm) is Shmem and Cached,
 * until the file goes.
 */
void test_meminfo_counts(void)
{
	long m0[NFIELDS], m1[NFIELDS], m2[NFIELDS];

	CHECK_EQ(meminfo(m0), NFIELDS);
	if (on_linux)
		return; /* the names and their order: the rest is Sluice's */
	CHECK(m0[F_AVAIL] >= m0[F_FREE]);
	CHECK(m0[F_FREE] < m0[F_TOTAL] && m0[F_CACHED] < m0[F_TOTAL]);
	if (on_ext2()) {
		make_file("big", 21, 4 << 20);
		CHECK_EQ(syscall0(__NR_sluice_drop_caches), 0); /* written, then forgotten */
		meminfo(m0);
		check_file("big", 21, 4 << 20);
		meminfo(m1);
		note("reading 4 MiB: Cached %ld -> %ld kB, MemFree %ld -> %ld kB", m0[F_CACHED],
		     m1[F_CACHED], m0[F_FREE], m1[F_FREE]);
		CHECK(m1[F_CACHED] - m0[F_CACHED] >= KB(4 << 20) - 64);
		CHECK(m0[F_FREE] - m1[F_FREE] >= KB(4 << 20) - 512);
		CHECK_EQ(syscall0(__NR_sluice_drop_caches), 0);
		meminfo(m2);
		CHECK(m1[F_CACHED] - m2[F_CACHED] >= KB(4 << 20) - 64);
		CHECK(m2[F_AVAIL] >= m2[F_FREE]);
	}
	meminfo(m0);
	make_file("/dev/shm/fs_cache", 22, 1 << 20);
	meminfo(m1);
	CHECK(m1[F_SHMEM] - m0[F_SHMEM] >= KB(1 << 20));
	CHECK(m1[F_CACHED] - m0[F_CACHED] >= KB(1 << 20));
	CHECK_EQ(sys_unlink("/dev/shm/fs_cache"), 0);
	meminfo(m2);
	CHECK(m1[F_SHMEM] - m2[F_SHMEM] >= KB(1 << 20));
}

/* /proc/sys/vm/NAME's value, and a new one written as "echo N >" does. */
static long knob(const char *name)
{
	char path[64], text[32];

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	read_text(path, text, sizeof(text));
	return strtol(text, NULL, 10);
}

static long set_knob(const char *name, const char *value)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	fd = xopen(path, L_O_WRONLY | LINUX_O_TRUNC);
	long r = write(fd, value, strlen(value));
	xclose(fd);
	return r;
}

static void restore_knobs(void)
{
	set_knob("dirty_writeback_centisecs", "500\n");
	set_knob("dirty_expire_centisecs", "3000\n");
}

/* Dirty: in kB, now. */
static long dirty_kb(void)
{
	long kb[NFIELDS];

	meminfo(kb);
	return kb[F_DIRTY];
}

/*
 * The flusher.  With dirty_writeback_centisecs 0 (no periodic write-back)
 * a file written and left open, never synced, stays dirty: Dirty: counts
 * it and nothing goes to the disk for a second.  With 10 (every 0.1 s)
 * and dirty_expire_centisecs 20, it is written within about a second:
 * Dirty: is back to 0 and /proc/diskstats counts the writes.  The knobs
 * take only numbers; the defaults (Linux's, 500 and 3000) come back.
 */
void test_writeback_flusher(void)
{
	if (!on_ext2())
		return;	       /* the flusher writes disks: Sluice's ext2 only */
	atexit(restore_knobs); /* a failed CHECK leaves them as they were */
	CHECK_EQ(knob("dirty_writeback_centisecs"), 500);
	CHECK_EQ(knob("dirty_expire_centisecs"), 3000);
	CHECK_EQ(set_knob("dirty_expire_centisecs", "-1"), -1);
	CHECK_EQ(set_knob("dirty_expire_centisecs", "20x"), -1);
	CHECK_EQ(set_knob("dirty_writeback_centisecs", "0\n"), 2);
	syscall0(__NR_sync);

	int fd = xopen("f", L_O_WRONLY | LINUX_O_CREAT);
	memset(buf_a, 0x5a, 64 * 1024);
	xwrite(fd, buf_a, 64 * 1024);
	long w0 = sectors_written();
	CHECK(dirty_kb() >= 64);
	pause_ms(1000);
	CHECK_EQ(sectors_written(), w0); /* no flusher: nothing on its own */
	CHECK(dirty_kb() >= 64);

	CHECK_EQ(set_knob("dirty_expire_centisecs", "20"), 2);
	CHECK_EQ(set_knob("dirty_writeback_centisecs", " 10\n"), 4);
	CHECK_EQ(knob("dirty_writeback_centisecs"), 10);
	long waited = 0;
	for (; dirty_kb() != 0 && waited < 5000; waited += 100)
		pause_ms(100);
	note("Dirty: back to 0 after %ld ms; %ld sectors written", waited, sectors_written() - w0);
	CHECK_EQ(dirty_kb(), 0);
	CHECK(sectors_written() - w0 >= 64 * 2);
	restore_knobs();
	CHECK_EQ(knob("dirty_writeback_centisecs"), 500);
	xclose(fd);
}
