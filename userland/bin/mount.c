/*
 * mount                                  list the mounts (/proc/mounts)
 * mount [-t type] [-r] [-o opts] source dir   mount a file system
 *
 * The type is ext2 unless -t says otherwise.  -r, or "ro" among -o's
 * comma-separated options, mounts read-only; other options go to the
 * file system as mount(2)'s data string.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "syscall.h"

#define MS_RDONLY 1ul /* mount(2)'s flag, as Linux numbers it */

static int list(void)
{
	char buf[1024];
	ssize_t n;
	int fd = open("/proc/mounts", O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "mount: /proc/mounts: %s\n", strerror(errno));
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return n < 0;
}

/* Take ro and rw out of opts (in place) into *flags; the rest is data. */
static void parse_options(char *opts, unsigned long *flags)
{
	char *out = opts, *opt, *save;

	for (opt = strtok_r(opts, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
		if (strcmp(opt, "ro") == 0) {
			*flags |= MS_RDONLY;
		} else if (strcmp(opt, "rw") == 0) {
			*flags &= ~MS_RDONLY;
		} else {
			if (out != opts)
				*out++ = ',';
			memmove(out, opt, strlen(opt));
			out += strlen(opt);
		}
	}
	*out = '\0';
}

int main(int argc, char **argv)
{
	const char *type = "ext2";
	char *data = NULL;
	unsigned long flags = 0;
	int c;

	if (argc == 1)
		return list();
	opterr = 0;
	while ((c = getopt(argc, argv, "t:o:r")) != -1) {
		switch (c) {
		case 't':
			type = optarg;
			break;
		case 'o':
			data = optarg;
			parse_options(data, &flags);
			break;
		case 'r':
			flags |= MS_RDONLY;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2)
		goto usage;
	if (mount(argv[optind], argv[optind + 1], type, flags, data && *data ? data : NULL) < 0) {
		fprintf(stderr, "mount: %s on %s: %s\n", argv[optind], argv[optind + 1],
			strerror(errno));
		return 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: mount\n       mount [-t type] [-r] [-o opts] source dir\n");
	return 1;
}
