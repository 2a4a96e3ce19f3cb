/*
 * Paths, strings and argument vectors, built afresh for each call in the
 * arena's str and argv pages (worker.h), so nothing a call wrote before
 * can change where the next one points.  See pools.c for the scratch rule.
 */
#include <string.h>

#include "worker.h"

#define STR_SIZE (AR_STR_N * PG)

/* Names scratch paths are made of.  No "..", and none of the names of
 * /dev's nodes (vda, console, ...), which a devtmpfs mounted in the
 * scratch directory would hold. */
static const char *const names[] = {
	"a", "b", "c", "d", "f0", "f1", "f2", "l0", "l1", "m", ".",
};

/* Paths outside the scratch directories, for calls that only look. */
static const char *const system_paths[] = {
	"/",
	"/bin",
	"/bin/sh",
	"/bin/true",
	"/bin/notelf",
	"/init",
	"/dev",
	"/dev/null",
	"/dev/zero",
	"/dev/vda",
	"/dev/console",
	"/proc",
	"/proc/meminfo",
	"/proc/mounts",
	"/proc/sluice-objects",
	"/proc/1",
	"/proc/1/status",
	"/proc/1/syscall",
	"/proc/self",
	"/proc/self/stat",
	"/proc/self/status",
	"/proc/self/cmdline",
	"/proc/self/environ",
	"/proc/self/maps",
	"/proc/self/exe",
	"/proc/self/cwd",
	"/proc/self/fd",
	"/proc/self/fd/0",
	"/proc/self/fd/3",
	"/proc/1/cmdline",
	"/proc/1/fd",
	"/proc/1/stat",
	"/proc/cpuinfo",
	"/proc/sys/kernel/hostname",
	"/mnt",
	"/mnt/foo",
	"/mnt/lost+found",
	"/tmp",
	".",
	"..",
	"",
	"//",
	"/../..",
	"/bin/",
	"/bin/sh/",
	"/bin/sh/x",
	"/nonexistent",
	"/nonexistent/x",
	"/tmp/fuzz-9/x",
};

/* Room for n bytes in the str area: its address, or NULL. */
static char *str_alloc(struct fz_worker *w, size_t n)
{
	char *s = ar_page(w, AR_STR) + w->d.str_off;

	if (n > STR_SIZE - w->d.str_off)
		return NULL;
	w->d.str_off += (n + 7) & ~7ul;
	return s;
}

const char *fz_put_str(struct fz_worker *w, int i, const char *s)
{
	char *p = str_alloc(w, strlen(s) + 1);

	if (!p)
		p = (char *)"";
	else
		strcpy(p, s);
	w->d.str[i] = p;
	return p;
}

/* One of the scratch roots (the worker's own, or the ones every worker
 * shares, where their calls race), or "" (relative: the working directory
 * is always a scratch directory). */
static const char *prefix(struct fz_worker *w)
{
	switch (fz_below(&w->rng, 6)) {
	case 0:
		return w->tmp;
	case 1:
		return w->mnt;
	case 2:
		return fz_chance(&w->rng, 1, 2) ? FZ_SHARED_TMP : FZ_SHARED_MNT;
	case 3:
		return ".";
	default:
		return "";
	}
}

/* prefix + up to depth components, in buf. */
static void scratch_into(struct fz_worker *w, char *buf, size_t size, int depth)
{
	static const int shallow[] = {0, 1, 1, 1, 1, 2, 2, 2, 3, 3}; /* most paths exist */
	const char *pre = prefix(w);
	int n = shallow[fz_below(&w->rng, 10)];

	n = (n > depth ? depth : n) + (*pre ? 0 : 1);
	size_t len;

	strncpy(buf, pre, size - 1);
	buf[size - 1] = '\0';
	for (int i = 0; i < n; i++) {
		len = strlen(buf);
		const char *c = names[fz_below(&w->rng, sizeof(names) / sizeof(names[0]))];
		if (len + strlen(c) + 3 > size)
			break;
		if (len)
			strcat(buf, fz_chance(&w->rng, 1, 10) ? "//" : "/");
		strcat(buf, c);
	}
	if (fz_chance(&w->rng, 1, 10) && strlen(buf) + 2 <= size)
		strcat(buf, "/");
}

/*
 * A long path: a scratch root, then "a/a/a..." or names of NAME_MAX or
 * NAME_MAX + 1 bytes, to a total length around PATH_MAX; with
 * unterminated, no NUL at all: it runs into the unmapped page after the
 * str area.
 */
static unsigned long long_path(struct fz_worker *w, int i)
{
	static const long deltas[] = {-2, -1, 0, 1, 2, 100};
	bool unterminated = fz_chance(&w->rng, 1, 6), names_long = fz_chance(&w->rng, 1, 3);
	size_t len = (size_t)(FZ_PATH_MAX + deltas[fz_below(&w->rng, 6)]);
	size_t name = FZ_NAME_MAX + fz_below(&w->rng, 2);
	const char *root = fz_chance(&w->rng, 1, 2) ? w->tmp : w->mnt;
	char *s = unterminated ? NULL : str_alloc(w, len + 1);

	if (!s) /* at the str area's end: unterminated, it runs into the hole */
		s = ar_page(w, AR_HOLE2) - len - !unterminated;
	strcpy(s, root);
	for (size_t at = strlen(root), run = 0; at < len; at++, run++) {
		bool slash = names_long ? run == name : at % 2 == strlen(root) % 2;
		s[at] = slash ? '/' : 'a';
		run = slash ? (size_t)-1 : run;
	}
	if (!unterminated)
		s[len] = '\0';
	w->d.str[i] = NULL;
	return (unsigned long)s;
}

/*
 * A path the kernel must not be able to read, or that ends at an edge.
 * safe: it also must not name anything outside the scratch directories,
 * so never a pointer into memory of any content (random bytes can read
 * "/x", or "/": a file made in the root, a chdir out of scratch).  The
 * read-only page holds only "xxx..." names, relative, after its path.
 */
static unsigned long bad_path(struct fz_worker *w, int i, bool safe)
{
	unsigned long k = fz_below(&w->rng, 64);

	switch (fz_below(&w->rng, 5)) {
	case 0:
		return long_path(w, i);
	case 1: { /* "aaaa" up to the unmapped page, no NUL */
		char *s = ar_page(w, AR_HOLE2) - k - 1;
		memset(s, 'a', k + 1);
		return (unsigned long)s;
	}
	case 2: /* the scratch path stored in the read-only page */
		w->d.str[i] = ar_page(w, AR_RO);
		return (unsigned long)ar_page(w, AR_RO);
	case 3:
		return (unsigned long)ar_page(w, AR_NONE) + k;
	default:
		return safe ? (unsigned long)ar_page(w, AR_HOLE2) + k : fz_ptr(w, false);
	}
}

unsigned long fz_path(struct fz_worker *w, int i, bool modifying)
{
	unsigned int r = (unsigned int)fz_below(&w->rng, 100);
	char buf[192];

	w->d.scratch[i] = true;
	if (!modifying && r < 30) {
		w->d.scratch[i] = false;
		return (unsigned long)fz_put_str(
			w, i,
			system_paths[fz_below(&w->rng, sizeof(system_paths) / sizeof(char *))]);
	}
	if (r < (modifying ? 12 : 42))
		return bad_path(w, i, modifying);
	scratch_into(w, buf, sizeof(buf), 3);
	return (unsigned long)fz_put_str(w, i, buf);
}

unsigned long fz_dir_path(struct fz_worker *w, int i)
{
	char buf[192];

	if (fz_chance(&w->rng, 1, 8))
		return bad_path(w, i, true);
	scratch_into(w, buf, sizeof(buf), 2);
	w->d.scratch[i] = true;
	return (unsigned long)fz_put_str(w, i, buf);
}

/* A symbolic link's target: inside the scratch directory (a relative
 * name, or absolute under a scratch root), or nowhere at all. */
unsigned long fz_link_target(struct fz_worker *w, int i)
{
	char buf[192];

	switch (fz_below(&w->rng, 8)) {
	case 0:
		return (unsigned long)fz_put_str(w, i, "/nonexistent/x");
	case 1:
		return (unsigned long)fz_put_str(w, i, "");
	case 2:
		return bad_path(w, i, true); /* long ones are under a scratch root, or too long */
	case 3:
	case 4: /* relative: from the link's own directory, which is scratch */
		strcpy(buf, names[fz_below(&w->rng, sizeof(names) / sizeof(names[0]))]);
		if (fz_chance(&w->rng, 1, 2))
			strcat(buf, fz_chance(&w->rng, 1, 2) ? "/a" : "/l0");
		return (unsigned long)fz_put_str(w, i, buf);
	default:
		do
			scratch_into(w, buf, sizeof(buf), 3);
		while (buf[0] != '/');
		return (unsigned long)fz_put_str(w, i, buf);
	}
}

/* A string from choices, or a bad or over-long one. */
unsigned long fz_string(struct fz_worker *w, int i, const char *const *choices, int n)
{
	if (fz_chance(&w->rng, 1, 5))
		return bad_path(w, i, true);
	if (fz_chance(&w->rng, 1, 10)) {
		char *s = str_alloc(w, 40);
		if (s) {
			memset(s, 'x', 39); /* longer than any file system type's name */
			s[fz_below(&w->rng, 40)] = '\0';
			w->d.str[i] = s;
			return (unsigned long)s;
		}
	}
	return (unsigned long)fz_put_str(w, i, choices[fz_below(&w->rng, (uint64_t)n)]);
}

/*
 * An argument vector in the argv pages: NULL, empty, a few good strings,
 * one bad pointer among them, more strings than exec may take, or no NULL
 * at the end (it runs into the unmapped page).
 */
unsigned long fz_argv(struct fz_worker *w)
{
	unsigned long *v = (unsigned long *)ar_page(w, AR_ARGV);
	size_t max = AR_ARGV_N * PG / sizeof(*v), n = fz_below(&w->rng, 4);
	const char *s = fz_put_str(w, 5, "arg");
	char *big = str_alloc(w, 4000);

	switch (fz_below(&w->rng, 8)) {
	case 0:
		return 0;
	case 1:
		return fz_ptr(w, false);
	case 2: /* no terminating NULL */
		for (size_t i = 0; i < max; i++)
			v[i] = (unsigned long)s;
		return (unsigned long)v;
	case 3: /* about 4 MB of strings: more than exec takes */
		if (big) {
			memset(big, 'b', 3999);
			big[3999] = '\0';
		}
		for (size_t i = 0; i < max - 1; i++)
			v[i] = big ? (unsigned long)big : (unsigned long)s;
		v[max - 1] = 0;
		return (unsigned long)v;
	case 4: /* a bad pointer among good ones */
		v[0] = (unsigned long)s;
		v[1] = fz_ptr(w, false);
		v[2] = 0;
		return (unsigned long)v;
	default:
		for (size_t i = 0; i < n; i++)
			v[i] = (unsigned long)s;
		v[n] = 0;
		return (unsigned long)v;
	}
}
