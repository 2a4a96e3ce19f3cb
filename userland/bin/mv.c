/*
 * mv src dst       rename src to dst
 * mv src... dir    move each src into dir
 *
 * rename(2) does the work.  Between file systems (EXDEV) a regular file is
 * copied and the original removed; anything else is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "syscall.h"

static int complain(const char *path)
{
	fprintf(stderr, "mv: %s: %s\n", path, strerror(errno));
	return -1;
}

/* Copy a regular file to dst, then remove src (the EXDEV case). */
static int move_by_copy(const char *src, const char *dst, mode_t mode)
{
	static char buf[8192];
	int in, out, err = 0;
	ssize_t n;

	if ((in = open(src, O_RDONLY)) < 0)
		return complain(src);
	if ((out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, mode & 07777)) < 0) {
		close(in);
		return complain(dst);
	}
	while (!err && (n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0)
			err = complain(src);
		for (ssize_t off = 0; !err && off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0)
				err = complain(dst);
			off += w;
		}
	}
	close(in);
	if (close(out) < 0 && !err)
		err = complain(dst);
	if (err) {
		unlink(dst); /* keep the original, drop the partial copy */
		return -1;
	}
	return unlink(src) < 0 ? complain(src) : 0;
}

static int move(const char *src, const char *dst)
{
	struct stat st;

	if (rename(src, dst) == 0)
		return 0;
	if (errno != EXDEV)
		return complain(src);
	if (lstat(src, &st) < 0)
		return complain(src);
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "mv: %s: only regular files move between file systems\n", src);
		return -1;
	}
	return move_by_copy(src, dst, st.st_mode);
}

int main(int argc, char **argv)
{
	struct stat st;
	int status = 0;

	if (argc < 3 || argv[1][0] == '-') {
		fprintf(stderr, "usage: mv src dst\n       mv src... dir\n");
		return 1;
	}
	const char *last = argv[argc - 1];
	if (stat(last, &st) < 0 || !S_ISDIR(st.st_mode)) {
		if (argc > 3) {
			fprintf(stderr, "mv: %s: not a directory\n", last);
			return 1;
		}
		return move(argv[1], last) < 0;
	}
	for (int i = 1; i < argc - 1; i++) {
		char *copy = strdup(argv[i]);
		char *base = copy ? basename(copy) : NULL;
		char *dst = base ? malloc(strlen(last) + strlen(base) + 2) : NULL;
		if (dst) {
			sprintf(dst, "%s/%s", last, base);
			if (move(argv[i], dst) < 0)
				status = 1;
		} else {
			status = 1;
		}
		free(dst);
		free(copy);
	}
	return status;
}
