/*
 * mkdir [-p] dir... - make directories; -p makes missing parents too and
 * is quiet about directories that exist.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * mkdir that succeeds when path already is a directory; when it is
 * something else, fails with errno = not_dir (EEXIST for the last
 * component, ENOTDIR for a parent).
 */
static int mkdir_exists_ok(const char *path, int not_dir)
{
	struct stat st;

	if (mkdir(path, 0777) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	errno = not_dir;
	return -1;
}

/* Make each ancestor of path, then path: "a/b/c" makes a, a/b, a/b/c. */
static int mkdir_parents(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		int r = mkdir_exists_ok(path, ENOTDIR);
		*p = '/';
		if (r < 0)
			return -1;
	}
	return mkdir_exists_ok(path, EEXIST);
}

int main(int argc, char **argv)
{
	int c, parents = 0, status = 0;

	opterr = 0;
	while ((c = getopt(argc, argv, "p")) != -1) {
		if (c != 'p')
			goto usage;
		parents = 1;
	}
	if (optind == argc)
		goto usage;
	for (int i = optind; i < argc; i++) {
		int r = parents ? mkdir_parents(argv[i]) : mkdir(argv[i], 0777);
		if (r < 0) {
			fprintf(stderr, "mkdir: %s: %s\n", argv[i], strerror(errno));
			status = 1;
		}
	}
	return status;
usage:
	fprintf(stderr, "usage: mkdir [-p] dir...\n");
	return 1;
}
