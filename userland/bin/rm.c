/*
 * rm [-rf] path... - remove files; -r removes directories and all they
 * hold, -f says nothing of paths that do not exist.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "syscall.h"

static int force, recursive, status;

static int complain(const char *path)
{
	fprintf(stderr, "rm: %s: %s\n", path, strerror(errno));
	status = 1;
	return -1;
}

/* "dir/name" in a new string (NULL if out of memory). */
static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	char *p = malloc(n + strlen(name) + 2);

	if (p)
		sprintf(p, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
	return p;
}

static int rm_path(const char *path);

/*
 * Remove what directory path holds.  The names are all read before any is
 * removed: a directory changing under readdir may skip entries.
 */
static void rm_contents(const char *path)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	DIR *d = opendir(path);

	if (!d) {
		complain(path);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			char **bigger = realloc(names, cap * sizeof(*names));
			if (!bigger)
				break;
			names = bigger;
		}
		if ((names[n] = join(path, e->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	for (size_t i = 0; i < n; i++) {
		rm_path(names[i]);
		free(names[i]);
	}
	free(names);
}

static int rm_path(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (force && errno == ENOENT)
			return 0;
		return complain(path);
	}
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? complain(path) : 0;
	if (!recursive) {
		errno = EISDIR;
		return complain(path);
	}
	rm_contents(path);
	return rmdir(path) < 0 ? complain(path) : 0;
}

/* POSIX: rm refuses "." and ".." (as a last component), which would empty the parent. */
static int is_dot_or_dotdot(const char *path)
{
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	size_t start = n;
	while (start > 0 && path[start - 1] != '/')
		start--;
	n -= start;
	return (n == 1 && path[start] == '.') ||
	       (n == 2 && path[start] == '.' && path[start + 1] == '.');
}

int main(int argc, char **argv)
{
	int c;

	opterr = 0;
	while ((c = getopt(argc, argv, "rRf")) != -1) {
		if (c == 'f')
			force = 1;
		else if (c == 'r' || c == 'R')
			recursive = 1;
		else
			goto usage;
	}
	if (optind == argc && !force)
		goto usage;
	for (int i = optind; i < argc; i++) {
		if (is_dot_or_dotdot(argv[i])) {
			fprintf(stderr, "rm: %s: refusing to remove . or ..\n", argv[i]);
			status = 1;
			continue;
		}
		rm_path(argv[i]);
	}
	return status;
usage:
	fprintf(stderr, "usage: rm [-rf] path...\n");
	return 1;
}
