/*
 * ls [-lad1] [path...] - list directories, and name files.
 *
 *   -l  long form: type and permissions, links, owner and group (as
 *       numbers), size (or device numbers), modification time (UTC), name
 *   -a  show names starting with "." too
 *   -d  list a directory itself, not what it holds
 *   -1  one name a line (always the case; accepted for scripts)
 *
 * Names are sorted by strcmp.  Files named on the command line come first,
 * then each directory, under a "dir:" header when there are several.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "syscall.h"

struct entry {
	char *name; /* as shown */
	char *path; /* as passed to lstat */
	struct stat st;
};

static int long_form, all, dir_itself, status;
static time_t now;

static void complain(const char *path)
{
	fprintf(stderr, "ls: %s: %s\n", path, strerror(errno));
	status = 1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static char type_char(mode_t m)
{
	if (S_ISDIR(m))
		return 'd';
	if (S_ISLNK(m))
		return 'l';
	if (S_ISCHR(m))
		return 'c';
	if (S_ISBLK(m))
		return 'b';
	if (S_ISFIFO(m))
		return 'p';
	if (S_ISSOCK(m))
		return 's';
	return '-';
}

/* "drwxr-xr-x" and friends. */
static void mode_string(mode_t m, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";

	out[0] = type_char(m);
	for (int i = 0; i < 9; i++)
		out[i + 1] = m & (0400 >> i) ? rwx[i] : '-';
	if (m & S_ISUID)
		out[3] = out[3] == 'x' ? 's' : 'S';
	if (m & S_ISGID)
		out[6] = out[6] == 'x' ? 's' : 'S';
	if (m & S_ISVTX)
		out[9] = out[9] == 'x' ? 't' : 'T';
	out[10] = '\0';
}

/* The size column: bytes, or "major, minor" for a device (Linux's dev_t encoding). */
static void size_string(const struct stat *st, char *out, size_t len)
{
	unsigned long rdev = (unsigned long)st->st_rdev;

	if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
		snprintf(out, len, "%lu, %lu", (rdev >> 8) & 0xfff,
			 (rdev & 0xff) | ((rdev >> 12) & 0xfff00));
	else
		snprintf(out, len, "%ld", (long)st->st_size);
}

static void print_long(const struct entry *e, int wlinks, int wuid, int wgid, int wsize)
{
	char mode[11], size[32], when[32];
	struct tm tm;
	time_t t = e->st.st_mtim.tv_sec;

	mode_string(e->st.st_mode, mode);
	size_string(&e->st, size, sizeof(size));
	gmtime_r(&t, &tm);
	/* As ls does: the year instead of the time when over six months away. */
	int recent = t <= now + 60 && now - t < 183L * 24 * 3600;
	strftime(when, sizeof(when), recent ? "%b %e %H:%M" : "%b %e  %Y", &tm);
	printf("%s %*lu %*lu %*lu %*s %s %s", mode, wlinks, (unsigned long)e->st.st_nlink, wuid,
	       (unsigned long)e->st.st_uid, wgid, (unsigned long)e->st.st_gid, wsize, size, when,
	       e->name);
	if (S_ISLNK(e->st.st_mode)) {
		char target[1024];
		ssize_t n = readlink(e->path, target, sizeof(target) - 1);
		if (n >= 0) {
			target[n] = '\0';
			printf(" -> %s", target);
		}
	}
	putchar('\n');
}

static int width(unsigned long v)
{
	char buf[32];

	return snprintf(buf, sizeof(buf), "%lu", v);
}

/* Print entries (sorted here); with total, the "total <KiB>" line of a directory. */
static void print_entries(struct entry *e, size_t n, int total)
{
	int wl = 0, wu = 0, wg = 0, ws = 0;
	long blocks = 0;

	qsort(e, n, sizeof(*e), by_name);
	if (!long_form) {
		for (size_t i = 0; i < n; i++)
			puts(e[i].name);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char size[32];
		size_string(&e[i].st, size, sizeof(size));
		int w = (int)strlen(size);
		ws = w > ws ? w : ws;
		w = width(e[i].st.st_nlink);
		wl = w > wl ? w : wl;
		w = width(e[i].st.st_uid);
		wu = w > wu ? w : wu;
		w = width(e[i].st.st_gid);
		wg = w > wg ? w : wg;
		blocks += (long)e[i].st.st_blocks;
	}
	if (total)
		printf("total %ld\n", blocks / 2); /* st_blocks counts 512-byte units */
	for (size_t i = 0; i < n; i++)
		print_long(&e[i], wl, wu, wg, ws);
}

static void free_entries(struct entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].name);
		free(e[i].path);
	}
	free(e);
}

/* Read directory path into a new array; the count, or -1. */
static long read_dir(const char *path, struct entry **out)
{
	struct entry *e = NULL;
	size_t n = 0, cap = 0, plen = strlen(path);
	struct dirent *d;
	DIR *dir = opendir(path);

	if (!dir)
		return -1;
	while ((d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.' && !all)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			struct entry *bigger = realloc(e, cap * sizeof(*e));
			if (!bigger)
				break;
			e = bigger;
		}
		e[n].name = strdup(d->d_name);
		e[n].path = malloc(plen + strlen(d->d_name) + 2);
		if (!e[n].name || !e[n].path)
			break;
		sprintf(e[n].path, "%s%s%s", path, plen && path[plen - 1] == '/' ? "" : "/",
			d->d_name);
		memset(&e[n].st, 0, sizeof(e[n].st));
		if (long_form && lstat(e[n].path, &e[n].st) < 0)
			complain(e[n].path);
		n++;
	}
	closedir(dir);
	*out = e;
	return (long)n;
}

static void list_dir(const char *path, int header, int blank)
{
	struct entry *e;
	long n = read_dir(path, &e);

	if (n < 0) {
		complain(path);
		return;
	}
	if (header)
		printf("%s%s:\n", blank ? "\n" : "", path);
	print_entries(e, (size_t)n, 1);
	free_entries(e, (size_t)n);
}

int main(int argc, char **argv)
{
	struct entry *files, *dirs;
	size_t nfiles = 0, ndirs = 0;
	struct timespec ts;
	int c;

	opterr = 0;
	while ((c = getopt(argc, argv, "lad1")) != -1) {
		switch (c) {
		case 'l':
			long_form = 1;
			break;
		case 'a':
			all = 1;
			break;
		case 'd':
			dir_itself = 1;
			break;
		case '1':
			break;
		default:
			fprintf(stderr, "usage: ls [-lad1] [path...]\n");
			return 1;
		}
	}
	if (clock_gettime(CLOCK_REALTIME, &ts) == 0)
		now = ts.tv_sec;
	static char *dot[] = {".", NULL};
	char **args = optind < argc ? argv + optind : dot;
	int nargs = optind < argc ? argc - optind : 1;
	files = calloc((size_t)nargs, sizeof(*files));
	dirs = calloc((size_t)nargs, sizeof(*dirs));
	if (!files || !dirs)
		return 1;
	for (int i = 0; i < nargs; i++) {
		struct stat st;
		/* A link named on the command line is followed, except for -l and -d. */
		if ((long_form || dir_itself ? lstat(args[i], &st) : stat(args[i], &st)) < 0) {
			complain(args[i]);
			continue;
		}
		struct entry *e =
			S_ISDIR(st.st_mode) && !dir_itself ? &dirs[ndirs++] : &files[nfiles++];
		e->name = strdup(args[i]);
		e->path = strdup(args[i]);
		e->st = st;
	}
	print_entries(files, nfiles, 0);
	qsort(dirs, ndirs, sizeof(*dirs), by_name);
	for (size_t i = 0; i < ndirs; i++)
		list_dir(dirs[i].path, nargs > 1, nfiles > 0 || i > 0);
	free_entries(files, nfiles);
	free_entries(dirs, ndirs);
	return status;
}
