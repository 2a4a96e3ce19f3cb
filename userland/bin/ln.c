/*
 * ln [-sf] target [name]   make name a link to target
 * ln [-sf] target... dir   make dir/<last component of target> for each
 *
 * Hard links by default, symbolic with -s; -f removes an existing name
 * first.  With no name, the link goes in the current directory.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int symbolic, force;

static int make_link(const char *target, const char *name)
{
	if (force && unlink(name) < 0 && errno != ENOENT)
		goto fail;
	if ((symbolic ? symlink(target, name) : link(target, name)) == 0)
		return 0;
fail:
	fprintf(stderr, "ln: %s: %s\n", name, strerror(errno));
	return -1;
}

/* dir/<last component of path>, in a new string. */
static char *in_dir(const char *dir, const char *path)
{
	char *copy = strdup(path), *out = NULL;

	if (copy) {
		const char *base = basename(copy);
		out = malloc(strlen(dir) + strlen(base) + 2);
		if (out)
			sprintf(out, "%s/%s", dir, base);
	}
	free(copy);
	return out;
}

int main(int argc, char **argv)
{
	int c, status = 0, n;
	struct stat st;

	opterr = 0;
	while ((c = getopt(argc, argv, "sf")) != -1) {
		if (c == 's')
			symbolic = 1;
		else if (c == 'f')
			force = 1;
		else
			goto usage;
	}
	n = argc - optind;
	if (n < 1)
		goto usage;
	if (n == 1) /* ln target: into the current directory */
		return make_link(argv[optind], basename(argv[optind])) < 0;
	const char *last = argv[argc - 1];
	if (stat(last, &st) < 0 || !S_ISDIR(st.st_mode)) {
		if (n > 2) {
			fprintf(stderr, "ln: %s: not a directory\n", last);
			return 1;
		}
		return make_link(argv[optind], last) < 0;
	}
	for (int i = optind; i < argc - 1; i++) {
		char *name = in_dir(last, argv[i]);
		if (!name || make_link(argv[i], name) < 0)
			status = 1;
		free(name);
	}
	return status;
usage:
	fprintf(stderr, "usage: ln [-sf] target [name]\n       ln [-sf] target... dir\n");
	return 1;
}
