/*
 * Between /proc's files (src/fs/procfs.c: the tree, lookups, open and
 * read) and the texts it makes (procfs_pid.c: a process's; procfs_sys.c:
 * the system's).  See docs/proc.md.
 */
#ifndef SLUICE_PROCFS_INTERNAL_H
#define SLUICE_PROCFS_INTERNAL_H

#include <sluice/proc.h>
#include <sluice/types.h>

/* A file's text, made whole at open: reads at any offset see one snapshot.
 * TEXT_MAX bytes to start with; procfs_text_reserve makes more room where
 * a text can be long (/proc/mounts with sources and paths of PATH_MAX). */
#define TEXT_MAX 8192

struct text {
	char *buf; /* cap bytes */
	size_t len, cap;
	bool grow; /* procfs_put may make room (not under a spinlock): else it cuts */
	/* A process's text is made at the first read, as Linux makes it:
	 * a process reaped between open and that read gives ESRCH. */
	bool pending;
	int kind, pid;
};

/* Append printf-style, growing the text if t->grow, else cut at cap - 1;
 * bytes as they are (NULs too). */
void procfs_put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void procfs_put_bytes(struct text *t, const void *bytes, size_t n);
/* Room for n more bytes if memory allows (it allocates: not under a
 * spinlock); without it the text is cut, as before. */
void procfs_text_reserve(struct text *t, size_t n);

/*
 * A process's texts, in Linux's formats (proc(5)).  The caller holds
 * proc_tree_lock, so p and p->mm stay; nothing here sleeps or allocates
 * (t->grow is false: a text that fills its room is made again in more).
 */
void procfs_pid_stat(struct text *t, struct proc *p);
void procfs_pid_statm(struct text *t, struct proc *p);
void procfs_pid_status(struct text *t, struct proc *p);
/* cmdline (env false) or environ: the strings exec put in its memory. */
void procfs_pid_strings(struct text *t, struct proc *p, bool env);
void procfs_pid_maps(struct text *t, struct proc *p);
/* Before procfs_pid_maps, without locks: find the paths of the files pid's
 * regions map that have none yet (exec's: file_name_for_maps). */
void procfs_pid_maps_names(int pid);

/*
 * The target of a process's link: cwd, exe, or fd (>= 0).  Looks p up by
 * pid itself and takes what it needs under its locks, then makes the path
 * with none held (that may read directories).  Length, or a negative errno.
 */
enum procfs_link { PROCFS_CWD, PROCFS_EXE, PROCFS_FD };
long procfs_pid_link(int pid, enum procfs_link which, int fd, char *buf, size_t size);
/* Which of pid's fds from .. from + 63 are open, as a bit mask (bit n: fd
 * from + n), or -ESRCH. */
int procfs_pid_fds(int pid, int from, uint64_t *mask);

/* The system's texts (procfs_sys.c). */
void procfs_cpuinfo(struct text *t);
void procfs_uptime(struct text *t);
void procfs_loadavg(struct text *t);
void procfs_version(struct text *t);
void procfs_filesystems(struct text *t);
void procfs_stat(struct text *t);
void procfs_meminfo(struct text *t);

#endif
