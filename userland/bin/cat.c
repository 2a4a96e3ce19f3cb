/*
 * cat [file...] - copy each file (standard input for none or "-") to
 * standard output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buf[8192];

/* Copy fd to standard output; 0, or -1 with errno (and *werr if writing failed). */
static int copy(int fd, int *werr)
{
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(1, buf + off, (size_t)(n - off));
			if (w < 0) {
				*werr = 1;
				return -1;
			}
			off += w;
		}
	}
	return n < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	int status = 0, werr = 0;

	if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0') {
		fprintf(stderr, "usage: cat [file...]\n");
		return 1;
	}
	for (int i = 1; i < argc || i == 1; i++) {
		const char *name = i < argc ? argv[i] : "-";
		int fd = strcmp(name, "-") == 0 ? 0 : open(name, O_RDONLY);

		if (fd < 0 || copy(fd, &werr) < 0) {
			fprintf(stderr, "cat: %s: %s\n", werr ? "write error" : name,
				strerror(errno));
			status = 1;
		}
		if (fd > 0)
			close(fd);
		if (werr)
			break;
	}
	return status;
}
