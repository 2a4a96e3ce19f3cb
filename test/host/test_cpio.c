/*
 * Host tests for the cpio "newc" reader (src/lib/cpio.c).
 *
 * 1. Archives written here by a small newc writer: layout and padding,
 *    lookups, and one test per kind of damage (magic, hex digits, names,
 *    sizes, offsets).
 * 2. Archives made by GNU cpio at build time from a small tree that CMake
 *    creates ($CPIO_TEST_DIR, skipped if unset): every member is compared
 *    with lstat() and the bytes of the file it came from, in the newc and
 *    crc formats, with and without "./" in the names.
 * 3. Every truncation, in an exact-size heap buffer so AddressSanitizer sees
 *    any read past the end: a malformed archive, never a crash.
 */
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sluice/cpio.h>
#include <sluice/errno.h>

#include "host_stubs.h"

#define ARC_MAX 0x10000
#define HDR	110

/* Append one member in the newc layout; returns where the next one goes. */
static size_t put_member(uint8_t *arc, size_t at, const char *magic, const char *name,
			 uint32_t mode, const void *data, uint32_t size)
{
	uint32_t namesize = (uint32_t)strlen(name) + 1;
	char hdr[HDR + 1];

	snprintf(hdr, sizeof(hdr), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic,
		 7u, mode, 1000u, 100u, 1u, 0x5f000000u, size, 0u, 0u, 0u, 0u, namesize, 0u);
	CHECK(at + HDR + namesize + 3 + size + 3 <= ARC_MAX);
	memcpy(arc + at, hdr, HDR);
	memcpy(arc + at + HDR, name, namesize);
	at = (at + HDR + namesize + 3) & ~(size_t)3;
	memcpy(arc + at, data, size);
	return (at + size + 3) & ~(size_t)3;
}

/* A small archive: a directory, two files, an empty file, the trailer. */
static size_t std_archive(uint8_t *arc)
{
	size_t at = 0;

	memset(arc, 0, ARC_MAX);
	at = put_member(arc, at, "070701", ".", 040755, "", 0);
	at = put_member(arc, at, "070701", "bin", 040755, "", 0);
	at = put_member(arc, at, "070701", "bin/init", 0100755, "\177ELF...", 7);
	at = put_member(arc, at, "070701", "x", 0100644, "abcd", 4); /* 110 + 2: no name pad */
	at = put_member(arc, at, "070701", "empty", 0100600, "", 0);
	return put_member(arc, at, "070701", "TRAILER!!!", 0, "", 0);
}

/* A heap copy of exactly len bytes: ASan sees any read past the end. */
static uint8_t *copy_exact(const uint8_t *arc, size_t len)
{
	uint8_t *buf = malloc(len ? len : 1);

	CHECK(buf != NULL);
	memcpy(buf, arc, len);
	return buf;
}

static void check_in(const void *p, size_t n, const uint8_t *arc, size_t len)
{
	CHECK((const uint8_t *)p >= arc && (size_t)((const uint8_t *)p - arc) <= len);
	CHECK(n <= len - (size_t)((const uint8_t *)p - arc));
}

/* Walk the whole archive: the members, then 0 or -EINVAL; all inside it. */
static int walk(const uint8_t *arc, size_t len, int *members)
{
	struct cpio_entry e;
	size_t off = 0, last = 0;
	int ret;

	*members = 0;
	while ((ret = cpio_next(arc, len, &off, &e)) == 1) {
		check_in(e.name, strlen(e.name) + 1, arc, len);
		check_in(e.data, e.size, arc, len);
		CHECK(off > last && off <= len && (off % 4 == 0 || off == len));
		last = off;
		(*members)++;
	}
	CHECK(ret == 0 || ret == -EINVAL);
	return ret;
}

static void test_std_archive(void)
{
	static uint8_t arc[ARC_MAX];
	size_t len = std_archive(arc), off = 0;
	struct cpio_entry e;

	CHECK_EQ(cpio_next(arc, len, &off, &e), 1);
	CHECK(strcmp(e.name, ".") == 0);
	CHECK_EQ(e.mode, 040755);
	CHECK_EQ(e.size, 0);
	CHECK_EQ(off, 112); /* 110 + 2, already a multiple of 4 */
	CHECK_EQ(cpio_next(arc, len, &off, &e), 1);
	CHECK(strcmp(e.name, "bin") == 0);
	CHECK_EQ(cpio_next(arc, len, &off, &e), 1);
	CHECK(strcmp(e.name, "bin/init") == 0);
	CHECK_EQ(e.mode, 0100755);
	CHECK_EQ(e.uid, 1000);
	CHECK_EQ(e.gid, 100);
	CHECK_EQ(e.nlink, 1);
	CHECK_EQ(e.mtime, 0x5f000000);
	CHECK_EQ(e.size, 7);
	CHECK(memcmp(e.data, "\177ELF...", 7) == 0);
	CHECK_EQ(((const uint8_t *)e.data - arc) % 4, 0);
	CHECK_EQ(cpio_next(arc, len, &off, &e), 1);
	CHECK(strcmp(e.name, "x") == 0 && e.size == 4 && memcmp(e.data, "abcd", 4) == 0);
	CHECK_EQ(cpio_next(arc, len, &off, &e), 1);
	CHECK(strcmp(e.name, "empty") == 0 && e.size == 0);
	CHECK_EQ(cpio_next(arc, len, &off, &e), 0); /* the trailer */
	CHECK_EQ(cpio_next(arc, len, &off, &e), 0); /* and it stays there */
}

/* Header field numbers, in order after the 6-byte magic. */
enum { F_MODE = 1, F_FILESIZE = 6, F_NAMESIZE = 11, F_CHECK = 12, F_COUNT = 13 };

static void set_field(uint8_t *arc, size_t member, int field, uint32_t val)
{
	char digits[9];

	snprintf(digits, sizeof(digits), "%08X", val);
	memcpy(arc + member + 6 + field * 8, digits, 8);
}

static void expect_find(const uint8_t *arc, size_t len, const char *path, const char *name)
{
	struct cpio_entry e;

	CHECK_EQ(cpio_find(arc, len, path, &e), 0);
	if (strcmp(e.name, name) != 0) {
		fprintf(stderr, "cpio_find(\"%s\"): got \"%s\", expected \"%s\"\n", path, e.name,
			name);
		exit(1);
	}
}

static void test_find(void)
{
	static uint8_t arc[ARC_MAX];
	size_t len = std_archive(arc);
	struct cpio_entry e;

	expect_find(arc, len, "bin/init", "bin/init");
	expect_find(arc, len, "/bin/init", "bin/init");
	expect_find(arc, len, "./bin/init", "bin/init");
	expect_find(arc, len, "//.//./bin/init", "bin/init");
	expect_find(arc, len, "x", "x");
	expect_find(arc, len, "/", "."); /* the root is "." in the archive */
	expect_find(arc, len, ".", ".");
	expect_find(arc, len, "", ".");
	CHECK_EQ(cpio_find(arc, len, "nope", &e), -ENOENT);
	CHECK_EQ(cpio_find(arc, len, "bin/init/", &e), -ENOENT); /* no other normalising */
	CHECK_EQ(cpio_find(arc, len, "bin//init", &e), -ENOENT);
	CHECK_EQ(cpio_find(arc, len, "bin/./init", &e), -ENOENT);
	CHECK_EQ(cpio_find(arc, len, "bin/../x", &e), -ENOENT);
	CHECK_EQ(cpio_find(arc, len, "bin/ini", &e), -ENOENT); /* no prefix matches */
	CHECK_EQ(cpio_find(arc, len, "TRAILER!!!", &e), -ENOENT);
	CHECK_EQ(cpio_find(arc, len, ".x", &e), -ENOENT); /* "." only as a component */
}

/* Names stored with "./" or "/" in front are found without, and vice versa. */
static void test_find_prefixed_names(void)
{
	static uint8_t arc[ARC_MAX];
	size_t len = 0;

	len = put_member(arc, len, "070701", "./bin/sh", 0100755, "sh", 2);
	len = put_member(arc, len, "070701", "/etc/motd", 0100644, "hi\n", 3);
	len = put_member(arc, len, "070701", "./etc/motd", 0100644, "second\n", 7);
	len = put_member(arc, len, "070701", "TRAILER!!!", 0, "", 0);
	expect_find(arc, len, "bin/sh", "./bin/sh");
	expect_find(arc, len, "/bin/sh", "./bin/sh");
	expect_find(arc, len, "./etc/motd", "/etc/motd"); /* the first of two wins */
}

/* A member found before damage later in the archive is still found. */
static void test_find_stops_at_match(void)
{
	static uint8_t arc[ARC_MAX];
	size_t len = std_archive(arc);
	struct cpio_entry e;

	arc[len - 124] = 'Z'; /* the trailer's magic */
	expect_find(arc, len, "bin/init", "bin/init");
	CHECK_EQ(cpio_find(arc, len, "nope", &e), -EINVAL);
}

static void expect_first_invalid(const uint8_t *arc, size_t len)
{
	struct cpio_entry e;
	size_t off = 0;

	CHECK_EQ(cpio_next(arc, len, &off, &e), -EINVAL);
	CHECK_EQ(off, 0); /* not advanced */
}

static void test_magic(void)
{
	static uint8_t arc[ARC_MAX];
	static const char *const bad[] = {"070707", "070700", "070703",
					  "07070 ", "170701", "\0\0\0\0\0\0"};
	size_t len;
	struct cpio_entry e;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		len = std_archive(arc);
		memcpy(arc, bad[i], 6);
		expect_first_invalid(arc, len);
	}
	/* "070702" (crc) is read alike; the checksum is not verified. */
	len = put_member(arc, 0, "070702", "f", 0100644, "data", 4);
	set_field(arc, 0, F_CHECK, 0xdeadbeef);
	len = put_member(arc, len, "070702", "TRAILER!!!", 0, "", 0);
	CHECK_EQ(cpio_find(arc, len, "f", &e), 0);
	CHECK(e.size == 4 && memcmp(e.data, "data", 4) == 0);
}

/* A bad character in any digit of any field; lower case is fine. */
static void test_hex_digits(void)
{
	static uint8_t arc[ARC_MAX];
	static const char bad[] = {'g', 'G', ' ', '+', '-', 'x', '\0', '\xff'};
	size_t len = std_archive(arc), off = 0;
	struct cpio_entry e;

	for (int f = 0; f < F_COUNT; f++) {
		for (int d = 0; d < 8; d++) {
			for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
				uint8_t *p = arc + 6 + f * 8 + d, keep = *p;
				*p = (uint8_t)bad[i];
				expect_first_invalid(arc, len);
				*p = keep;
			}
		}
	}
	set_field(arc, 0, F_MODE, 0xabcdef);
	for (size_t i = 6; i < HDR; i++)
		if (arc[i] >= 'A' && arc[i] <= 'F')
			arc[i] += 'a' - 'A';
	CHECK_EQ(cpio_next(arc, len, &off, &e), 1);
	CHECK_EQ(e.mode, 0xabcdef);
}

static void test_bad_names(void)
{
	static uint8_t arc[ARC_MAX];
	size_t len;

	len = std_archive(arc);
	set_field(arc, 0, F_NAMESIZE, 0); /* not even the NUL */
	expect_first_invalid(arc, len);
	len = put_member(arc, 0, "070701", "abc", 0100644, "", 0);
	set_field(arc, 0, F_NAMESIZE, 3); /* "abc" without its NUL */
	expect_first_invalid(arc, len);
	len = put_member(arc, 0, "070701", "abcdefg", 0100644, "", 0);
	arc[HDR + 3] = '\0'; /* "abc\0efg\0": bytes hidden behind a NUL */
	expect_first_invalid(arc, len);
	len = put_member(arc, 0, "070701", "abc", 0100644, "", 0);
	set_field(arc, 0, F_NAMESIZE, (uint32_t)(len - HDR + 1)); /* past the end */
	expect_first_invalid(arc, len);
	set_field(arc, 0, F_NAMESIZE, 0xffffffff);
	expect_first_invalid(arc, len);
	/* The name ends exactly at the end, its padding cut off. */
	put_member(arc, 0, "070701", "abcd", 0100644, "", 0);
	expect_first_invalid(arc, HDR + 5);
}

static void test_bad_sizes(void)
{
	static uint8_t arc[ARC_MAX];
	size_t len, off = 0;
	struct cpio_entry e;

	len = put_member(arc, 0, "070701", "f", 0100644, "12345678", 8);
	set_field(arc, 0, F_FILESIZE, 0xffffffff);
	expect_first_invalid(arc, len);
	set_field(arc, 0, F_FILESIZE, 9); /* one byte past the end */
	expect_first_invalid(arc, len);
	/* Exactly to the end, no trailer: one member, then malformed. */
	set_field(arc, 0, F_FILESIZE, 8);
	CHECK_EQ(cpio_next(arc, len, &off, &e), 1);
	CHECK_EQ(off, len);
	CHECK_EQ(cpio_next(arc, len, &off, &e), -EINVAL);
	/* The last member's data padding may be missing: nothing follows anyway. */
	len = put_member(arc, 0, "070701", "f", 0100644, "123", 3);
	off = 0;
	CHECK_EQ(cpio_next(arc, len - 1, &off, &e), 1);
	CHECK_EQ(off, len - 1);
	CHECK(e.size == 3 && memcmp(e.data, "123", 3) == 0);
	/* A trailer with data running past the end is malformed too. */
	len = put_member(arc, 0, "070701", "TRAILER!!!", 0, "", 0);
	set_field(arc, 0, F_FILESIZE, 0x1000);
	expect_first_invalid(arc, len);
}

static void test_bad_offsets(void)
{
	static uint8_t arc[ARC_MAX];
	size_t len = std_archive(arc), off;
	struct cpio_entry e;

	off = len + 1;
	CHECK_EQ(cpio_next(arc, len, &off, &e), -EINVAL);
	off = SIZE_MAX;
	CHECK_EQ(cpio_next(arc, len, &off, &e), -EINVAL);
	off = len - HDR + 1;
	CHECK_EQ(cpio_next(arc, len, &off, &e), -EINVAL);
	off = 0;
	CHECK_EQ(cpio_next(arc, 0, &off, &e), -EINVAL);
	CHECK_EQ(cpio_find(arc, 0, "x", &e), -EINVAL);
}

/*
 * Cut anywhere before the end of the trailer (end): malformed, with every
 * read inside the cut; from there on (block padding): the whole archive.
 */
static void test_truncations(const uint8_t *full, size_t len, size_t end, int members)
{
	struct cpio_entry e;
	int n;

	for (size_t cut = 0; cut <= len; cut++) {
		uint8_t *buf = copy_exact(full, cut);
		int ret = walk(buf, cut, &n);
		if (cut < end) {
			CHECK_EQ(ret, -EINVAL);
			CHECK_EQ(cpio_find(buf, cut, "no such file", &e), -EINVAL);
		} else {
			CHECK_EQ(ret, 0);
			CHECK_EQ(n, members);
			CHECK_EQ(cpio_find(buf, cut, "no such file", &e), -ENOENT);
		}
		free(buf);
	}
}

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Random damage: digits swapped for other digits keep it parseable often. */
static void test_random_corruptions(void)
{
	static uint8_t ref[ARC_MAX];
	static const char alphabet[] = "0123456789abcdefABCDEF0000ffff7g ";
	size_t len = std_archive(ref);
	int n, ok = 0;

	for (int i = 0; i < 50000; i++) {
		uint8_t *buf = copy_exact(ref, len);
		for (int k = 1 + rng() % 3; k > 0; k--) {
			size_t at = rng() % len;
			buf[at] = rng() % 4 ? (uint8_t)alphabet[rng() % (sizeof(alphabet) - 1)]
					    : (uint8_t)rng();
		}
		ok += walk(buf, len, &n) == 0;
		free(buf);
	}
	printf("random corruptions: %d of 50000 still well formed\n", ok);
}

static uint8_t *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	CHECK(f != NULL);
	CHECK(fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0);
	rewind(f);
	buf = malloc(n ? (size_t)n : 1);
	CHECK(buf != NULL && fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* A member against the file it was made from: metadata, then the bytes. */
static void check_member(const char *tree, const struct cpio_entry *e)
{
	char path[4096], link[4096];
	struct stat st;
	size_t size;
	uint8_t *bytes;
	ssize_t n;

	CHECK(snprintf(path, sizeof(path), "%s/%s", tree, e->name) < (int)sizeof(path));
	CHECK(lstat(path, &st) == 0);
	CHECK_EQ(e->mode, st.st_mode);
	CHECK_EQ(e->uid, st.st_uid);
	CHECK_EQ(e->gid, st.st_gid);
	CHECK_EQ(e->nlink, st.st_nlink);
	CHECK_EQ(e->mtime, (uint32_t)st.st_mtime);
	if (S_ISREG(st.st_mode)) {
		bytes = read_file(path, &size);
		CHECK_EQ(e->size, size);
		CHECK(memcmp(e->data, bytes, size) == 0);
		free(bytes);
	} else if (S_ISLNK(st.st_mode)) { /* the data is the link's target */
		n = readlink(path, link, sizeof(link));
		CHECK(n > 0);
		CHECK_EQ(e->size, (size_t)n);
		CHECK(memcmp(e->data, link, (size_t)n) == 0);
	} else {
		CHECK(S_ISDIR(st.st_mode));
		CHECK_EQ(e->size, 0);
	}
}

/* The members of the tree CMake makes (see CMakeLists.txt), "." aside. */
static const char *const tree_names[] = {
	"bin",
	"bin/hello",
	"bin/seq",
	"empty",
	"etc",
	"etc/motd",
	"init",
	"sh",
	"x",
	"a-name-long-enough-to-need-more-than-one-line-of-the-hex-dump-when-you-read-the-archive-"
	"by-hand",
};

/* One archive GNU cpio made: every member checked, every name found, cut everywhere. */
static void check_gnu_archive(const char *dir, const char *file, bool has_dot)
{
	char path[4096], alt[4096];
	struct cpio_entry e;
	size_t len, off = 0, end;
	uint8_t *arc;
	int n = 0, ret;

	CHECK(snprintf(path, sizeof(path), "%s/%s", dir, file) < (int)sizeof(path));
	arc = read_file(path, &len);
	CHECK(snprintf(path, sizeof(path), "%s/tree", dir) < (int)sizeof(path));
	while ((ret = cpio_next(arc, len, &off, &e)) == 1) {
		check_member(path, &e);
		n++;
	}
	CHECK_EQ(ret, 0);
	CHECK_EQ(n, ARRAY_SIZE(tree_names) + has_dot);
	end = off + 124; /* the trailer: 110 + "TRAILER!!!\0" + 1 byte of padding */
	CHECK(end <= len && len % 512 == 0); /* cpio pads to whole blocks */
	for (size_t i = 0; i < ARRAY_SIZE(tree_names); i++) {
		CHECK(snprintf(alt, sizeof(alt), "/%s", tree_names[i]) < (int)sizeof(alt));
		CHECK_EQ(cpio_find(arc, len, alt, &e), 0);
		CHECK(snprintf(alt, sizeof(alt), "./%s", tree_names[i]) < (int)sizeof(alt));
		CHECK_EQ(cpio_find(arc, len, alt, &e), 0);
		CHECK_EQ(cpio_find(arc, len, tree_names[i], &e), 0);
	}
	CHECK_EQ(cpio_find(arc, len, "/", &e), has_dot ? 0 : -ENOENT);
	CHECK_EQ(cpio_find(arc, len, "/bin/nope", &e), -ENOENT);
	test_truncations(arc, len, end, n);
	free(arc);
	printf("%s: %d members, trailer ends at %zu of %zu bytes\n", file, n, end, len);
}

/*
 * The archives CMake makes with GNU cpio from its tree: newc with "./"
 * names and a "." member, newc with bare names, and the crc format.
 */
static void test_gnu_cpio(void)
{
	const char *dir = getenv("CPIO_TEST_DIR");

	if (!dir || !*dir) {
		printf("SKIP: archives made by cpio (CPIO_TEST_DIR unset)\n");
		return;
	}
	check_gnu_archive(dir, "newc.cpio", true);
	check_gnu_archive(dir, "newc-plain.cpio", false);
	check_gnu_archive(dir, "crc.cpio", true);
}

int main(void)
{
	static uint8_t arc[ARC_MAX];
	size_t len;

	test_std_archive();
	test_find();
	test_find_prefixed_names();
	test_find_stops_at_match();
	test_magic();
	test_hex_digits();
	test_bad_names();
	test_bad_sizes();
	test_bad_offsets();
	len = std_archive(arc);
	test_truncations(arc, len, len, 5);
	test_random_corruptions();
	test_gnu_cpio();
	printf("test_cpio: ok\n");
	return 0;
}
