/*
 * tmpfs and ramfs mount options, as Linux parses them (mm/shmem.c's
 * shmem_parse_one and fs/ramfs/inode.c, by their documented behaviour):
 *
 *   size=N[k|m|g|t|p|e] or N%   data limit, rounded up to pages; N% of RAM; 0: none
 *   nr_blocks=N[kmg...]         the same in pages
 *   nr_inodes=N[kmg...]         inode limit (a hard link counts as one); 0: none
 *   mode=OCTAL uid=N gid=N      the root directory's mode and owner
 *   huge=never|always|within_size|advise, inode32, inode64, noswap: accepted
 *
 * Numbers are C-style (0x hex, 0 octal) with one optional size suffix, as
 * Linux's memparse reads them.  The words Linux takes as flags in the data
 * (ro, rw, sync, async, dirsync, lazytime, nolazytime, mand, nomand) and
 * source= are accepted and ignored: busybox's mount passes them as flags.
 * A comma followed by a digit belongs to the value before it, as in
 * shmem's parser (for mpol's node lists).
 */
#include <sluice/errno.h>
#include <sluice/printk.h>
#include <sluice/string.h>
#include <sluice/tmpfs.h>

#define PAGE_BYTES 4096ull

struct tmpfs_opts tmpfs_default_opts(uint64_t total_pages)
{
	return (struct tmpfs_opts){
		.max_pages = total_pages / 2, .max_inodes = total_pages / 2, .mode = 01777};
}

/* A digit's value in any base up to 16; 99 (above every base) if none. */
static int digit_value(char c)
{
	int d = hex_digit(c);

	return d < 0 ? 99 : d;
}

/* An unsigned number in base (0: C's prefixes); *end after its digits.
 * No digits: 0, with *end == s, as Linux's simple_strtoull. */
static uint64_t parse_uint(const char *s, unsigned base, const char **end)
{
	uint64_t v = 0;

	if (base == 0) {
		base = 10;
		if (s[0] == '0') {
			base = 8;
			if ((s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
				base = 16;
				s += 2;
			}
		}
	}
	for (; digit_value(*s) < (int)base; s++)
		v = v * base + (uint64_t)digit_value(*s);
	*end = s;
	return v;
}

/* Linux's memparse: a number and one optional suffix k, m, g, t, p, e. */
static uint64_t parse_size(const char *s, const char **end)
{
	static const char suffixes[] = "kmgtpe";
	uint64_t v = parse_uint(s, 0, end);
	char c = **end | 0x20; /* lower case */

	for (int i = 0; suffixes[i]; i++) {
		if (c == suffixes[i]) {
			(*end)++;
			return v << (10 * (i + 1));
		}
	}
	return v;
}

static bool is_word(const char *key, const char *const *words)
{
	for (; *words; words++)
		if (!strcmp(key, *words))
			return true;
	return false;
}

/* A value that must be a whole number (with a size suffix if sized). */
static int whole(const char *val, bool sized, uint64_t *out)
{
	const char *end;

	if (!val || !*val)
		return -EINVAL;
	*out = sized ? parse_size(val, &end) : parse_uint(val, 0, &end);
	return *end ? -EINVAL : 0;
}

static int parse_mode(const char *val, uint32_t *mode)
{
	const char *end;
	uint64_t v;

	if (!val || !*val)
		return -EINVAL;
	v = parse_uint(val, 8, &end);
	if (*end || v > 0xffffffffu)
		return -EINVAL;
	*mode = (uint32_t)v & 07777;
	return 0;
}

static int parse_id(const char *val, uint32_t *id)
{
	uint64_t v;
	int err = whole(val, false, &v);

	if (!err && v >= 0xffffffffu)
		err = -EINVAL; /* past 32 bits, or (uid_t)-1, no one's id */
	if (!err)
		*id = (uint32_t)v;
	return err;
}

/* size=: bytes, or a percentage of RAM; rounded up to pages. */
static int parse_size_opt(const char *val, uint64_t total_pages, uint64_t *pages)
{
	const char *end;
	uint64_t bytes;

	if (!val || !*val)
		return -EINVAL;
	bytes = parse_size(val, &end);
	if (*end == '%') {
		bytes = bytes * PAGE_BYTES * total_pages / 100;
		end++;
	}
	if (*end)
		return -EINVAL;
	*pages = (bytes + PAGE_BYTES - 1) / PAGE_BYTES;
	return 0;
}

/* One tmpfs option; key and val (NULL for a bare word) are split. */
static int tmpfs_option(const char *key, const char *val, uint64_t total_pages,
			struct tmpfs_opts *o)
{
	static const char *const flags[] = {"inode32", "inode64", "noswap", NULL};
	static const char *const huge[] = {"never", "always", "within_size", "advise", NULL};

	if (!strcmp(key, "size"))
		return parse_size_opt(val, total_pages, &o->max_pages);
	if (!strcmp(key, "nr_blocks"))
		return whole(val, true, &o->max_pages);
	if (!strcmp(key, "nr_inodes"))
		return whole(val, true, &o->max_inodes);
	if (!strcmp(key, "mode"))
		return parse_mode(val, &o->mode);
	if (!strcmp(key, "uid"))
		return parse_id(val, &o->uid);
	if (!strcmp(key, "gid"))
		return parse_id(val, &o->gid);
	if (!strcmp(key, "huge"))
		return val && is_word(val, huge) ? 0 : -EINVAL;
	if (is_word(key, flags))
		return val ? -EINVAL : 0;
	return -EINVAL; /* "tmpfs: Unknown parameter" */
}

/* One option of either type, the text between commas (modified). */
static int one_option(char *opt, bool strict, uint64_t total_pages, struct tmpfs_opts *o)
{
	static const char *const vfs_words[] = {"ro",	   "rw",       "sync",	     "async",
						"dirsync", "lazytime", "nolazytime", "mand",
						"nomand",  NULL};
	char *val = strchr(opt, '=');

	if (val)
		*val++ = '\0';
	if (is_word(opt, vfs_words) || !strcmp(opt, "source"))
		return 0;
	if (strict)
		return tmpfs_option(opt, val, total_pages, o);
	return strcmp(opt, "mode") ? 0 : parse_mode(val, &o->mode); /* ramfs */
}

int tmpfs_parse_options(const char *data, bool strict, uint64_t total_pages, struct tmpfs_opts *o)
{
	char opt[256];

	while (data && *data) {
		const char *end = data;
		while (*end && !(*end == ',' && (!strict || digit_value(end[1]) > 9)))
			end++;
		size_t len = (size_t)(end - data);
		if (len >= sizeof(opt))
			return -EINVAL; /* no option or value is so long */
		memcpy(opt, data, len);
		opt[len] = '\0';
		if (len) {
			int err = one_option(opt, strict, total_pages, o);
			if (err)
				return err;
		}
		data = *end ? end + 1 : end;
	}
	return 0;
}

int tmpfs_show_options(const struct tmpfs_opts *o, const struct tmpfs_opts *d, char *buf,
		       size_t size)
{
	int n = 0;

#define SHOW(...) n += snprintf(buf + n, (size_t)n < size ? size - (size_t)n : 0, __VA_ARGS__)
	if (size)
		buf[0] = '\0';
	if (o->max_pages != d->max_pages)
		SHOW(",size=%luk", (unsigned long)(o->max_pages * (PAGE_BYTES / 1024)));
	if (o->max_inodes != d->max_inodes)
		SHOW(",nr_inodes=%lu", (unsigned long)o->max_inodes);
	if (o->mode != d->mode)
		SHOW(",mode=%03o", o->mode);
	if (o->uid)
		SHOW(",uid=%u", o->uid);
	if (o->gid)
		SHOW(",gid=%u", o->gid);
#undef SHOW
	return n;
}
