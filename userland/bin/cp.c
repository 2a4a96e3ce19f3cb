/*
 * cp [-r] src dst       copy src to dst
 * cp [-r] src... dir    copy each src into dir
 *
 * Directories only with -r, which copies them whole and copies symbolic
 * links as links; without -r a link is followed.  Permissions are copied;
 * owners and times are not.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "syscall.h"

static int recursive, status;
/* The directory cp -r made first: never copied into itself. */
static struct stat made_dir;
static int made_any;

static int complain(const char *path)
{
	fprintf(stderr, "cp: %s: %s\n", path, strerror(errno));
	status = 1;
	return -1;
}

/* "dir/name" in a new string. */
static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	char *p = malloc(n + strlen(name) + 2);

	if (p)
		sprintf(p, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
	return p;
}

static int copy_file(const char *src, const char *dst, mode_t mode)
{
	static char buf[8192];
	int in, out;
	ssize_t n = 0;

	if ((in = open(src, O_RDONLY)) < 0)
		return complain(src);
	if ((out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode & 07777)) < 0) {
		close(in);
		return complain(dst);
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0) {
				complain(dst);
				goto done;
			}
			off += w;
		}
	}
	if (n < 0)
		complain(src);
done:
	close(in);
	if (close(out) < 0 && n >= 0)
		complain(dst);
	return n < 0 ? -1 : 0;
}

static int copy_path(const char *src, const char *dst);

static int copy_dir(const char *src, const char *dst, const struct stat *st)
{
	struct stat dst_st;
	struct dirent *e;
	DIR *d;

	if (mkdir(dst, st->st_mode & 07777) < 0 && errno != EEXIST)
		return complain(dst);
	if (stat(dst, &dst_st) < 0)
		return complain(dst);
	if (!made_any) {
		made_dir = dst_st;
		made_any = 1;
	}
	if ((d = opendir(src)) == NULL)
		return complain(src);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *s = join(src, e->d_name), *t = join(dst, e->d_name);
		if (s && t)
			copy_path(s, t);
		free(s);
		free(t);
	}
	closedir(d);
	return 0;
}

static int copy_path(const char *src, const char *dst)
{
	struct stat st, dst_st;

	if ((recursive ? lstat(src, &st) : stat(src, &st)) < 0)
		return complain(src);
	if (stat(dst, &dst_st) == 0 && dst_st.st_dev == st.st_dev && dst_st.st_ino == st.st_ino) {
		fprintf(stderr, "cp: %s and %s are the same file\n", src, dst);
		status = 1;
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		if (!recursive) {
			fprintf(stderr, "cp: %s: is a directory (not copied without -r)\n", src);
			status = 1;
			return -1;
		}
		if (made_any && st.st_dev == made_dir.st_dev && st.st_ino == made_dir.st_ino)
			return 0; /* cp -r d d/sub: the copy itself */
		return copy_dir(src, dst, &st);
	}
	if (S_ISLNK(st.st_mode)) {
		char target[1024];
		ssize_t n = readlink(src, target, sizeof(target) - 1);
		if (n < 0)
			return complain(src);
		target[n] = '\0';
		return symlink(target, dst) < 0 ? complain(dst) : 0;
	}
	return copy_file(src, dst, st.st_mode);
}

int main(int argc, char **argv)
{
	struct stat st;
	int c;

	opterr = 0;
	while ((c = getopt(argc, argv, "rR")) != -1) {
		if (c != 'r' && c != 'R')
			goto usage;
		recursive = 1;
	}
	if (argc - optind < 2)
		goto usage;
	const char *last = argv[argc - 1];
	if (stat(last, &st) < 0 || !S_ISDIR(st.st_mode)) {
		if (argc - optind > 2) {
			fprintf(stderr, "cp: %s: not a directory\n", last);
			return 1;
		}
		copy_path(argv[optind], last);
		return status;
	}
	for (int i = optind; i < argc - 1; i++) {
		char *copy = strdup(argv[i]);
		char *dst = copy ? join(last, basename(copy)) : NULL;
		if (dst)
			copy_path(argv[i], dst);
		free(dst);
		free(copy);
	}
	return status;
usage:
	fprintf(stderr, "usage: cp [-r] src dst\n       cp [-r] src... dir\n");
	return 1;
}
