/*
 * fuzz [-s SEED] [-n CALLS] [-w WORKERS] [-W N] [-l] [-v] [-S] [-T SECONDS] [-x CALLS]
 *
 *   -s SEED     the random seed (default: from getrandom; printed)
 *   -n CALLS    calls per worker (default 10000)
 *   -w WORKERS  workers at once, 1-8 (default 4)
 *   -W N        number the workers from N (default 0): -w 1 -W 2 replays
 *               worker 2 of a run alone
 *   -l          log each call of the first worker (0, or -W's) before making
 *               it, its result after
 *   -v          each worker that finishes says how often each call succeeded
 *               and with which errors it failed
 *   -S          no signal storm: the supervisor signals a worker only to end
 *               a sleep that has lasted 300 ms (runs then replay exactly)
 *   -T SECONDS  stop after this long, whatever is left
 *   -x a,b,...  never make these calls (by the list's names)
 *
 * This process takes the baseline (free pages, every count in
 * /proc/sluice-objects, after writing back and dropping the block cache),
 * runs the supervisor and the workers as children, removes the scratch
 * directories and checks that every count is back.  Exit status 0: no
 * finding, nothing leaked; 1: findings or a leak; 2: a hang.
 * docs/robustness.md has the whole story.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

struct fz_opts fz_opts = {.calls = 10000, .workers = 4, .signals = true};

static int usage(void)
{
	fz_say("usage: fuzz [-s SEED] [-n CALLS] [-w WORKERS] [-W N] [-l] [-v] [-S] [-T SECONDS] "
	       "[-x CALL,...]\n");
	return 2;
}

static int parse(int argc, char **argv)
{
	bool seeded = false;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-l") || !strcmp(a, "-v") || !strcmp(a, "-S")) {
			*(a[1] == 'l'	? &fz_opts.log
			  : a[1] == 'v' ? &fz_opts.verbose
					: &fz_opts.signals) = a[1] != 'S';
			continue;
		}
		if (a[0] != '-' || !a[1] || a[2] || !v)
			return usage();
		i++;
		if (a[1] == 's')
			fz_opts.seed = strtoull(v, NULL, 0), seeded = true;
		else if (a[1] == 'n')
			fz_opts.calls = strtol(v, NULL, 0);
		else if (a[1] == 'w')
			fz_opts.workers = atoi(v);
		else if (a[1] == 'W')
			fz_opts.first = atoi(v);
		else if (a[1] == 'T')
			fz_opts.seconds = atoi(v);
		else if (a[1] == 'x')
			fz_opts.exclude = v;
		else
			return usage();
	}
	if (fz_opts.workers < 1 || fz_opts.workers > FZ_MAX_WORKERS || fz_opts.calls < 0 ||
	    fz_opts.first < 0 || fz_opts.first > 99)
		return usage();
	if (!seeded)
		syscall3(__NR_getrandom, (long)&fz_opts.seed, sizeof(fz_opts.seed), 0);
	return fz_exclude(fz_opts.exclude) ? 0 : 2;
}

/* Run fn in a child and wait for it: its memory goes with it, so this
 * process's own pages stay as the baseline found them. */
static int in_child(int (*fn)(void))
{
	long pid = syscall5(__NR_clone, LINUX_SIGCHLD, 0, 0, 0, 0);
	int status = 0;

	if (pid == 0)
		syscall1(__NR_exit_group, fn());
	if (pid < 0)
		return -1;
	while (syscall4(__NR_wait4, pid, (long)&status, 0, 0) < 0)
		;
	return status & 0x7f ? 128 + (status & 0x7f) : (status >> 8) & 0xff;
}

static int cleanup(void)
{
	fz_cleanup_all(fz_opts.workers);
	return 0;
}

static void settle(struct fz_objects *o, long *pages)
{
	syscall0(__NR_sync);
	syscall0(__NR_sluice_drop_caches);
	fz_objects_read(o);
	*pages = syscall0(__NR_sluice_free_pages);
}

/* Touch the stack this process will use, so that its growth is not
 * counted as a leak. */
static __attribute__((noinline)) void warm_stack(void)
{
	volatile char pad[32 * 1024];

	memset((char *)pad, 0, sizeof(pad));
}

/*
 * The first read of a process's /proc/<pid>/maps names the files its
 * regions map (the program's, since exec maps it), and the name stays
 * with the open file, which the workers share through fork: read it
 * before the baseline, as the stack is warmed.
 */
static void warm_maps(void)
{
	static const char *const maps[] = {"/proc/self/maps", "/proc/1/maps"};
	char buf[512];

	for (int i = 0; i < 2; i++) {
		long fd = syscall4(__NR_openat, LINUX_AT_FDCWD, (long)maps[i], 0, 0);
		while (fd >= 0 && syscall3(__NR_read, fd, (long)buf, sizeof(buf)) > 0)
			;
		if (fd >= 0)
			syscall1(__NR_close, fd);
	}
}

/* After the run: every count back, allowing a few seconds for what ends
 * late (orphaned children of workers, reaped by init). */
static bool leak_check(const struct fz_objects *base, long pages0)
{
	static struct fz_objects now;
	long pages = 0;
	bool same = false;

	for (int i = 0; i < 40 && !same; i++) {
		if (i)
			fz_sleep_ms(250);
		settle(&now, &pages);
		same = pages == pages0 && fz_objects_same(base, &now, false);
	}
	if (!same) {
		static char mounts[2048];
		fz_objects_same(base, &now, true);
		/* A mount left behind: where (finding 11 of robustness.md). */
		if (fz_read_file("/proc/mounts", mounts, sizeof(mounts)) > 0)
			fz_say("fuzz: /proc/mounts after the run:\n%s", mounts);
		if (pages != pages0)
			fz_say("fuzz: LEAK: %ld free pages before the run, %ld after\n", pages0,
			       pages);
	}
	return same;
}

/* Names made or removed outside the scratch directories: a rule broken. */
static char outside_before[16384], outside_after[16384];

/* Is the line at line (up to its newline) one of list's lines? */
static bool has_line(const char *list, const char *line)
{
	size_t n = strcspn(line, "\n");

	for (const char *l = list; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0))
		if (strcspn(l, "\n") == n && !strncmp(l, line, n))
			return true;
	return false;
}

/* Say each line of a that b lacks, marked with what. */
static void say_missing(const char *a, const char *b, const char *what)
{
	for (const char *l = a; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] != 0))
		if (!has_line(b, l))
			fz_say("fuzz:   %s %.*s\n", what, (int)strcspn(l, "\n"), l);
}

static bool outside_same(void)
{
	fz_list_outside(outside_after, sizeof(outside_after));
	if (!strcmp(outside_before, outside_after))
		return true;
	fz_say("fuzz: RULE BROKEN: the run changed names outside its scratch directories:\n");
	say_missing(outside_after, outside_before, "new:");
	say_missing(outside_before, outside_after, "gone:");
	return false;
}

int main(int argc, char **argv)
{
	static struct fz_objects base;
	long pages0;
	int r = parse(argc, argv), status;

	if (r)
		return r;
	warm_stack();
	sluice_touch_program(); /* its text comes by fault: all of it now */
	warm_maps();
	memset(outside_after, 0, sizeof(outside_after)); /* touched before the baseline */
	fz_list_outside(outside_before, sizeof(outside_before));
	settle(&base, &pages0); /* once before the baseline: the same calls, warm */
	fz_say("fuzz: seed %llu, %d worker%s, %ld calls each%s%s%s%s\n",
	       (unsigned long long)fz_opts.seed, fz_opts.workers, fz_opts.workers == 1 ? "" : "s",
	       fz_opts.calls, fz_opts.signals ? "" : ", no signal storm",
	       fz_opts.log ? ", logging the first worker" : "", fz_opts.exclude ? ", without " : "",
	       fz_opts.exclude ? fz_opts.exclude : "");
	settle(&base, &pages0);
	status = in_child(fz_supervise);
	if (status == 2) {
		fz_say("fuzz: HANG: the run stops here, without a leak check\n");
		return 2;
	}
	in_child(cleanup);
	bool clean = outside_same();
	clean = leak_check(&base, pages0) && clean;
	if (clean)
		fz_say("fuzz: every kernel object count and %ld free pages back as before\n",
		       pages0);
	fz_say("fuzz: seed %llu: %s\n", (unsigned long long)fz_opts.seed,
	       !status && clean ? "ok" : "FAILED");
	return !status && clean ? 0 : 1;
}
