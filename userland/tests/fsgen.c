/*
 * fsgen.c - generated file contents and the "written" set (fsgen.h).
 *
 * The set is what tools/check-ext2-image.py looks for on the disk after
 * `fstests -w /mnt`: files of sizes around the block boundaries of ext2
 * with 1 KiB blocks (12 direct, 256 single-indirect, then double-indirect),
 * a sparse file, a deep path, a directory of 100 entries spanning several
 * blocks, a renamed file, a hard link, a truncated file and a deleted one.
 * Keep it in step with WRITTEN in tools/fsgen.py.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsgen.h"
#include "syscall.h"

void gen_fill(uint8_t *buf, unsigned k, uint64_t off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = gen_byte(k, off + i);
}

long gen_diff(const uint8_t *buf, unsigned k, uint64_t off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != gen_byte(k, off + i))
			return (long)i;
	return -1;
}

uint8_t gen_file_byte(const struct gen_file *f, uint64_t i)
{
	if (!f->extents)
		return gen_byte(f->k, i);
	for (unsigned e = 0; e < f->nextents; e++)
		if (i >= f->extents[e].off && i < f->extents[e].off + f->extents[e].len)
			return gen_byte(f->k, i);
	return 0;
}

const struct gen_file gen_foo = {"foo", 1, 300000, NULL, 0};

#define KiB 1024ull
#define MiB (1024ull * KiB)

static const struct gen_extent sparse_extents[] = {
	{0, 3000},
	{1 * MiB + 100, 2000},
	{5 * MiB + 17 - 50, 50},
};

/* Written as they stand (see gen_write_set for the rest of the set). */
static const struct gen_file written[] = {
	{"w/empty", 20, 0, NULL, 0},
	{"w/one", 21, 1, NULL, 0},
	{"w/b1023", 22, 1023, NULL, 0},
	{"w/b1024", 23, 1024, NULL, 0},
	{"w/b1025", 24, 1025, NULL, 0},
	{"w/direct", 25, 12 * KiB, NULL, 0},
	{"w/ind", 26, 100000, NULL, 0},
	{"w/dind", 27, 3 * MiB + 4321, NULL, 0},
	{"w/sparse", 28, 5 * MiB + 17, sparse_extents, 3},
	{"w/sub/a/b/deep", 29, 5000, NULL, 0},
	{"w/owned", 30, 3000, NULL, 0},
};
#define NWRITTEN (sizeof(written) / sizeof(written[0]))
#define NMANY	 100

static uint8_t chunk[64 * 1024];

/* Write f's bytes from..to at their offsets (chunks of odd sizes). */
static int put_range(int fd, const struct gen_file *f, uint64_t from, uint64_t to)
{
	static const size_t sizes[] = {4093, 65536, 1, 777, 20000};
	unsigned s = 0;

	while (from < to) {
		size_t n = sizes[s++ % 5];
		if (n > to - from)
			n = (size_t)(to - from);
		gen_fill(chunk, f->k, from, n);
		if (pwrite(fd, chunk, n, (off_t)from) != (ssize_t)n)
			return -1;
		from += n;
	}
	return 0;
}

/* Create f under dir (holes by seeking past them), fsync, close. */
static int put_file(const char *dir, const struct gen_file *f)
{
	char path[512];
	int fd, bad = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, f->path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		printf("fstests: -w: open %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!f->extents)
		bad = put_range(fd, f, 0, f->size);
	for (unsigned e = 0; f->extents && e < f->nextents && !bad; e++)
		bad = put_range(fd, f, f->extents[e].off, f->extents[e].off + f->extents[e].len);
	/* The size must be exact even if the last extent ended before it. */
	if (!bad && ftruncate(fd, (off_t)f->size) < 0)
		bad = -1;
	if (!bad && fsync(fd) < 0)
		bad = -1;
	if (close(fd) < 0)
		bad = -1;
	if (bad)
		printf("fstests: -w: writing %s: %s\n", path, strerror(errno));
	return bad;
}

static int make_dirs(const char *dir)
{
	static const char *const dirs[] = {"w", "w/sub", "w/sub/a", "w/sub/a/b", "w/many"};
	char path[512];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			printf("fstests: -w: mkdir %s: %s\n", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/*
 * w/many/file-with-a-longer-name-NNN, k = 100 + NNN, size 37 * NNN: 100
 * entries of 44 bytes fill several 1 KiB directory blocks.
 */
static int put_many(const char *dir)
{
	char name[64];

	for (unsigned j = 0; j < NMANY; j++) {
		struct gen_file f = {name, 100 + j, 37 * j, NULL, 0};
		snprintf(name, sizeof(name), "w/many/file-with-a-longer-name-%03u", j);
		if (put_file(dir, &f) < 0)
			return -1;
	}
	return 0;
}

/*
 * The rest: w/renamed (k 40, 7000 bytes, written as w/tmp-name), w/link (a
 * hard link to w/b1025), w/trunc (k 41: 300 KiB cut to 5000 bytes) and
 * w/gone (written, then unlinked: it must not be on the disk).
 */
static int put_changed(const char *dir)
{
	struct gen_file renamed = {"w/tmp-name", 40, 7000, NULL, 0};
	struct gen_file trunc = {"w/trunc", 41, 300 * KiB, NULL, 0};
	struct gen_file gone = {"w/gone", 42, 20000, NULL, 0};
	char a[512], b[512];
	int fd;

	if (put_file(dir, &renamed) || put_file(dir, &trunc) || put_file(dir, &gone))
		return -1;
	snprintf(a, sizeof(a), "%s/w/tmp-name", dir);
	snprintf(b, sizeof(b), "%s/w/renamed", dir);
	if (rename(a, b) < 0)
		return printf("fstests: -w: rename %s: %s\n", a, strerror(errno)), -1;
	snprintf(a, sizeof(a), "%s/w/b1025", dir);
	snprintf(b, sizeof(b), "%s/w/link", dir);
	if (link(a, b) < 0)
		return printf("fstests: -w: link %s: %s\n", b, strerror(errno)), -1;
	snprintf(a, sizeof(a), "%s/w/trunc", dir);
	fd = open(a, O_WRONLY);
	if (fd < 0 || ftruncate(fd, 5000) < 0 || fsync(fd) < 0 || close(fd) < 0)
		return printf("fstests: -w: truncate %s: %s\n", a, strerror(errno)), -1;
	snprintf(a, sizeof(a), "%s/w/gone", dir);
	if (unlink(a) < 0)
		return printf("fstests: -w: unlink %s: %s\n", a, strerror(errno)), -1;
	return 0;
}

/*
 * w/owned's attributes (fsgen.py OWNED): owner 1000, group 1001, mode
 * 04750 (after the chown, which would clear set-user-id), atime 999999999
 * and mtime 1000000000: the disk inode must keep them.
 */
static int put_owned(const char *dir)
{
	const long t[4] = {999999999, 0, 1000000000, 0};
	char a[512];

	snprintf(a, sizeof(a), "%s/w/owned", dir);
	if (syscall5(__NR_fchownat, -100, (long)a, 1000, 1001, 0) ||
	    syscall3(__NR_fchmodat, -100, (long)a, 04750) ||
	    syscall4(__NR_utimensat, -100, (long)a, (long)t, 0))
		return printf("fstests: -w: chown, chmod or utimensat %s failed\n", a), -1;
	return 0;
}

int gen_write_set(const char *dir)
{
	if (make_dirs(dir) < 0)
		return -1;
	for (size_t i = 0; i < NWRITTEN; i++) {
		if (put_file(dir, &written[i]) < 0)
			return -1;
	}
	if (put_many(dir) < 0 || put_changed(dir) < 0 || put_owned(dir) < 0)
		return -1;
	if (syscall0(__NR_sync) != 0) {
		printf("fstests: -w: sync failed\n");
		return -1;
	}
	printf("fstests: wrote the set under %s/w: %u files and a hard link, synced\n", dir,
	       (unsigned)(NWRITTEN + NMANY + 2));
	return 0;
}
