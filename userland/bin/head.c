/*
 * head [-n N | -N] [file...] - the first N lines (10) of each file, or of
 * standard input.  With several files, each under a "==> name <==" header.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Copy fd to standard output up to and including its n-th newline. */
static int head(int fd, long n)
{
	static char buf[8192];
	ssize_t got;

	fflush(stdout); /* the header, before the raw writes */
	while (n > 0 && (got = read(fd, buf, sizeof(buf))) != 0) {
		ssize_t len = 0;
		if (got < 0)
			return -1;
		while (len < got && n > 0)
			if (buf[len++] == '\n')
				n--;
		for (ssize_t off = 0; off < len;) {
			ssize_t w = write(1, buf + off, (size_t)(len - off));
			if (w < 0)
				return -1;
			off += w;
		}
	}
	return 0;
}

static int parse_count(const char *s, long *n)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	*n = strtol(s, &end, 10);
	return *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	long n = 10;
	int c, status = 0;

	/* head -5: the old form of -n 5. */
	if (argc > 1 && argv[1][0] == '-' && isdigit((unsigned char)argv[1][1])) {
		if (parse_count(argv[1] + 1, &n) < 0)
			goto usage;
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	opterr = 0;
	while ((c = getopt(argc, argv, "n:")) != -1)
		if (c != 'n' || parse_count(optarg, &n) < 0)
			goto usage;
	if (optind == argc)
		return head(0, n) < 0;
	for (int i = optind; i < argc; i++) {
		int fd = strcmp(argv[i], "-") == 0 ? 0 : open(argv[i], O_RDONLY);
		if (fd < 0) {
			fprintf(stderr, "head: %s: %s\n", argv[i], strerror(errno));
			status = 1;
			continue;
		}
		if (argc - optind > 1)
			printf("%s==> %s <==\n", i > optind ? "\n" : "", argv[i]);
		if (head(fd, n) < 0) {
			fprintf(stderr, "head: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
		if (fd > 0)
			close(fd);
	}
	return status;
usage:
	fprintf(stderr, "usage: head [-n N] [file...]\n");
	return 1;
}
