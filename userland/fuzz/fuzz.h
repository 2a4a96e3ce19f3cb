/*
 * fuzz - Sluice's in-guest system-call fuzzer (docs/robustness.md).
 *
 * Three kinds of process:
 *
 *   main        takes the baseline of free pages and kernel object counts
 *               (/proc/sluice-objects), starts the supervisor, cleans the
 *               scratch directories up afterwards and checks that every
 *               count is back (main.c, objects.c)
 *   supervisor  starts the workers, each in its own process group, sends
 *               them signals while they sleep in calls, respawns them as
 *               they die, and watches that none hangs (super.c)
 *   worker      makes random system calls, its arguments drawn from typed
 *               pools by the kinds the kernel's list of calls gives each
 *               argument (worker.c, pools.c, calls.c)
 *
 * Everything a worker draws comes from its random stream (seed, worker
 * index, generation), never from what a call returned, so a seed replays
 * the same calls; -l logs them.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syscall.h"

#define FZ_MAX_WORKERS 8

/* Linux's limits (include/uapi/linux/limits.h). */
#define FZ_PATH_MAX 4096
#define FZ_NAME_MAX 255

/*
 * fds 60 and 61 are the fuzzer's own: no pool ever names them (the pools
 * name only fds a call returned, and numbers that are never open), so the
 * calls cannot close or replace them.  60: the console, for the call log
 * and findings; 61: the write end of the progress pipe to the supervisor.
 */
#define FZ_FD_LOG      60
#define FZ_FD_PROGRESS 61

/* What the command line says (main.c). */
struct fz_opts {
	uint64_t seed;
	long calls; /* per worker */
	int workers;
	int first;	     /* -W: the first worker's index (replay worker N alone: -w 1 -W N) */
	bool log;	     /* -l: log the first worker's calls */
	bool verbose;	     /* -v: each worker that finishes prints what its calls returned */
	bool signals;	     /* the supervisor's signals (off with -S: exact replays) */
	int seconds;	     /* -T: stop after this long (0: no limit) */
	const char *exclude; /* -x: comma-separated call names never made */
};
extern struct fz_opts fz_opts;

/* A worker's report to the supervisor, every FZ_REPORT_EVERY calls. */
#define FZ_REPORT_EVERY 16
struct fz_progress {
	int32_t worker, gen;
	int64_t calls;	  /* made by this generation so far */
	int32_t findings; /* by this generation so far */
	int32_t done;	  /* 1: the generation finished its budget */
};

/* The random stream: splitmix64 (Steele, Lea and Flood, 2014). */
struct fz_rng {
	uint64_t s;
};
uint64_t fz_rand(struct fz_rng *r);
/* Uniform in [0, n), n > 0. */
uint64_t fz_below(struct fz_rng *r, uint64_t n);
/* True with probability num/den. */
bool fz_chance(struct fz_rng *r, unsigned int num, unsigned int den);
/* The stream of worker w's generation gen of a run with this seed. */
void fz_rng_init(struct fz_rng *r, uint64_t seed, int w, int gen);

/* One call of the kernel's list, as the fuzzer sees it (calls.c). */
struct fz_call {
	long nr;
	const char *name;
	int nargs;
	uint8_t kind[6]; /* enum syscall_arg_kind */
	uint8_t size[6]; /* bytes of its C type: 4 for an int, 2 for a mode */
	const char *argname[6];
	bool excluded; /* -x */
};
extern struct fz_call fz_calls[];
extern const int fz_ncalls;
/* Mark -x's calls; false (and a message) if one is not in the list. */
bool fz_exclude(const char *list);
/* Is nr one of the list's numbers? */
bool fz_known(long nr);

/* Output that goes to the console whatever the fds (fd 60 in a worker). */
void fz_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fz_set_say_fd(int fd);

/* Raw calls the fuzzer makes for itself (not fuzzed), -errno on failure. */
long fz_read_file(const char *path, char *buf, size_t size);
uint64_t fz_now_ns(void);
void fz_sleep_ms(long ms);

/* The name of Linux errno e ("ENOENT"), or NULL. */
const char *fz_errname(long e);

/* Scratch directories: /tmp/fuzz-<w> and /mnt/fuzz/<w>, each worker's
 * own, and these two, which every worker uses. */
#define FZ_SHARED_TMP "/tmp/fuzz-s"
#define FZ_SHARED_MNT "/mnt/fuzz/s"
void fz_scratch_tmp(int w, char *buf, size_t size);
void fz_scratch_mnt(int w, char *buf, size_t size);

/* objects.c: the kernel's object counts, and cleaning up after a run. */
#define FZ_OBJ_MAX 40
struct fz_objects {
	int n;
	char name[FZ_OBJ_MAX][24];
	long value[FZ_OBJ_MAX];
};
int fz_objects_read(struct fz_objects *o);
/* Print what differs; true if nothing does. */
bool fz_objects_same(const struct fz_objects *base, const struct fz_objects *now, bool print);
/* Unmount what runs mounted under the scratch directories, remove them. */
void fz_cleanup_all(int workers);
/* The names around the scratch directories (not fuzz*), for a rule check. */
size_t fz_list_outside(char *buf, size_t size);
/* Remove everything under the directory at path (not the directory itself). */
void fz_rm_tree_under(const char *path);

/* super.c: run the workers; the exit status for main (0: clean). */
int fz_supervise(void);

/* worker.c: a worker's life; never returns. */
__attribute__((noreturn)) void fz_worker(int w, int gen, long budget);

#endif
