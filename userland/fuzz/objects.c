/*
 * The kernel's object counts (/proc/sluice-objects), and putting the
 * scratch directories away after a run: unmount what the workers
 * mounted there, then remove every file, however deep.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mount_line.h"

int fz_objects_read(struct fz_objects *o)
{
	static char buf[2048];
	long n = fz_read_file("/proc/sluice-objects", buf, sizeof(buf));
	char *line = buf;

	o->n = 0;
	if (n < 0)
		return (int)n;
	while (*line && o->n < FZ_OBJ_MAX) {
		char *end = strchr(line, '\n'), *sp = strchr(line, ' ');
		if (!end || !sp || sp > end)
			break;
		snprintf(o->name[o->n], sizeof(o->name[0]), "%.*s", (int)(sp - line), line);
		o->value[o->n++] = strtol(sp + 1, NULL, 10);
		line = end + 1;
	}
	return 0;
}

bool fz_objects_same(const struct fz_objects *base, const struct fz_objects *now, bool print)
{
	bool same = base->n == now->n;

	for (int i = 0; i < base->n && i < now->n; i++) {
		if (base->value[i] == now->value[i] && !strcmp(base->name[i], now->name[i]))
			continue;
		same = false;
		if (print)
			fz_say("fuzz: LEAK: %s %ld before the run, %ld after\n", base->name[i],
			       base->value[i], now->value[i]);
	}
	return same;
}

/*
 * The names in the directories around the scratch ones, "dir/name\n" each:
 * what a run leaves there differently broke a rule (a write outside the
 * scratch directories).  The scratch roots themselves are left out.
 */
size_t fz_list_outside(char *buf, size_t size)
{
	static const char *const dirs[] = {"/", "/tmp", "/mnt", "/dev", "/bin"};
	static char ents[2048];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		long fd =
			syscall4(__NR_openat, LINUX_AT_FDCWD, (long)dirs[i], LINUX_O_DIRECTORY, 0);
		long n;
		while (fd >= 0 &&
		       (n = syscall3(__NR_getdents64, fd, (long)ents, sizeof(ents))) > 0) {
			for (long at = 0; at < n;) {
				struct linux_dirent64 *d = (struct linux_dirent64 *)(ents + at);
				at += d->d_reclen;
				if (!strncmp(d->d_name, "fuzz", 4) || len + 300 > size)
					continue;
				len += (size_t)snprintf(buf + len, size - len, "%s/%s\n", dirs[i],
							d->d_name);
			}
		}
		syscall1(__NR_close, fd);
	}
	return len;
}

/* The first directory entry of "." past skip others, or false. */
static bool first_entry(char *name, size_t size, int skip)
{
	static char buf[4096];
	long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)".", LINUX_O_DIRECTORY, 0), n;
	bool found = false;

	if (fd < 0)
		return false;
	while (!found && (n = syscall3(__NR_getdents64, fd, (long)buf, sizeof(buf))) > 0) {
		for (long at = 0; at < n && !found;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + at);
			at += d->d_reclen;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			if (skip-- > 0)
				continue;
			snprintf(name, size, "%s", d->d_name);
			found = true;
		}
	}
	syscall1(__NR_close, fd);
	return found;
}

/* Remove name in ".", whatever it is; false if it must be gone into. */
static bool remove_here(const char *name)
{
	long at = LINUX_AT_FDCWD;

	if (syscall3(__NR_unlinkat, at, (long)name, 0) == 0 ||
	    syscall3(__NR_unlinkat, at, (long)name, LINUX_AT_REMOVEDIR) == 0)
		return true;
	if (syscall2(__NR_umount2, (long)name, 0) == 0) /* a mount point */
		return syscall3(__NR_unlinkat, at, (long)name, LINUX_AT_REMOVEDIR) == 0;
	return false;
}

/*
 * Walk down with chdir, not with paths: the workers can nest directories
 * deeper than PATH_MAX (relative mkdir from a deep working directory).
 * An emptied directory is removed when its parent lists it again; one
 * that could not be emptied is passed over (the names of the last 32
 * levels are kept for that; deeper, the step budget ends the walk).
 */
#define NAME_STACK 32
void fz_rm_tree_under(const char *path)
{
	static char stack[NAME_STACK][FZ_NAME_MAX + 1];
	char name[FZ_NAME_MAX + 1], came_from[FZ_NAME_MAX + 1] = "";
	int depth = 0, skip = 0;

	if (syscall1(__NR_chdir, (long)path) < 0)
		return;
	for (long budget = 20000; budget > 0; budget--) {
		if (!first_entry(name, sizeof(name), skip)) {
			if (depth == 0 || syscall1(__NR_chdir, (long)"..") < 0)
				break;
			depth--;
			/* left something behind: do not go in again */
			snprintf(came_from, sizeof(came_from), "%s",
				 skip && depth < NAME_STACK ? stack[depth] : "");
			skip = 0;
			continue;
		}
		if (remove_here(name))
			continue;
		if (strcmp(name, came_from) && syscall1(__NR_chdir, (long)name) == 0) {
			if (depth < NAME_STACK)
				snprintf(stack[depth], sizeof(stack[0]), "%s", name);
			depth++, skip = 0, came_from[0] = '\0';
			continue;
		}
		skip++; /* cannot be removed: leave it, the leak check will say */
	}
	syscall1(__NR_chdir, (long)"/");
}

/* Unmount, deepest first, whatever is mounted under the scratch roots. */
static void umount_scratch(void)
{
	static char buf[65536]; /* sources and paths up to PATH_MAX, escaped */

	for (int pass = 0; pass < 64; pass++) { /* the kernel's MOUNT_MAX */
		char best[1024] = "";
		if (fz_read_file("/proc/mounts", buf, sizeof(buf)) < 0)
			return;
		for (char *line = buf; line && *line;
		     line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
			char dir[sizeof(best)];
			if (!fz_mount_point(line, dir, sizeof(dir)))
				continue;
			if ((!strncmp(dir, "/tmp/fuzz-", 10) || !strncmp(dir, "/mnt/fuzz/", 10)) &&
			    strlen(dir) > strlen(best))
				strcpy(best, dir);
		}
		if (!best[0] || syscall2(__NR_umount2, (long)best, 0) < 0) {
			if (best[0])
				fz_say("fuzz: cannot unmount %s\n", best);
			return;
		}
	}
}

/* Remove a scratch root, whatever it has become (a directory, a file, a
 * symbolic link). */
static void remove_root(const char *root)
{
	fz_rm_tree_under(root);
	if (syscall3(__NR_unlinkat, LINUX_AT_FDCWD, (long)root, LINUX_AT_REMOVEDIR) < 0)
		syscall3(__NR_unlinkat, LINUX_AT_FDCWD, (long)root, 0);
}

/*
 * Kill what is left of the run: children of workers that were busy in a
 * call when their worker died (init, their new parent, reaps them).  They
 * are the processes named fuzz other than this one and its parent.
 */
static void kill_strays(void)
{
	static char buf[2048], status[256];
	long self = syscall0(__NR_getpid), parent = syscall0(__NR_getppid), fd, n;

	fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)"/proc", LINUX_O_DIRECTORY, 0);
	while (fd >= 0 && (n = syscall3(__NR_getdents64, fd, (long)buf, sizeof(buf))) > 0) {
		for (long at = 0; at < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + at);
			long pid = strtol(d->d_name, NULL, 10);
			char path[48];
			at += d->d_reclen;
			if (pid <= 1 || pid == self || pid == parent)
				continue;
			snprintf(path, sizeof(path), "/proc/%ld/status", pid);
			if (fz_read_file(path, status, sizeof(status)) > 0 &&
			    !strncmp(status, "Name:\tfuzz\n", 11))
				syscall2(__NR_kill, pid, LINUX_SIGKILL);
		}
	}
	syscall1(__NR_close, fd);
}

void fz_cleanup_all(int workers)
{
	char root[32];

	kill_strays();
	umount_scratch();
	for (int w = fz_opts.first; w < fz_opts.first + workers; w++) {
		fz_scratch_tmp(w, root, sizeof(root));
		remove_root(root);
		fz_scratch_mnt(w, root, sizeof(root));
		remove_root(root);
	}
	remove_root(FZ_SHARED_TMP);
	remove_root(FZ_SHARED_MNT);
	remove_root("/mnt/fuzz");
}
