/*
 * A worker's state and its argument pools (worker.c, pools.c, calls.c).
 *
 * The worker's own state lives in .bss and on its stack; no pointer the
 * fuzzer hands the kernel points there, nor one the kernel reads out of
 * the arena (calls.c's meets_own), so whatever a call writes lands in the
 * arena, a block of pages mapped at start-up for the pools:
 *
 *   page  0-7   data   RW   IN/OUT buffers (random or structured bytes)
 *   page  8     ro     R    a read-only page: the kernel may read, never write
 *   page  9     tail   RW   a writable page just before...
 *   page 10     none   PROT_NONE
 *   page 11     hole   unmapped
 *   page 12-14  str    RW   paths and strings, built afresh for each call
 *   page 15     hole   unmapped: a string can end at the edge, unterminated
 *   page 16-17  argv   RW   argument vectors
 *   page 18     hole   unmapped
 *   page 19-26  play   RW   the playground of mmap, munmap, mprotect, brk
 */
#ifndef FUZZ_WORKER_H
#define FUZZ_WORKER_H

#include "fuzz.h"

#define PG	  4096ul
#define AR_DATA	  0
#define AR_DATA_N 8
#define AR_RO	  8
#define AR_TAIL	  9
#define AR_NONE	  10
#define AR_HOLE	  11
#define AR_STR	  12
#define AR_STR_N  3
#define AR_HOLE2  15
#define AR_ARGV	  16
#define AR_ARGV_N 2
#define AR_HOLE3  18
#define AR_PLAY	  19
#define AR_PLAY_N 8
#define AR_PAGES  27

/* What an fd the worker holds refers to: only SCRATCH may be a dirfd of
 * a call that changes the file system, or fchdir's target. */
enum fz_fdkind { FDK_SCRATCH, FDK_OTHER, FDK_PIPE_R, FDK_PIPE_W };

struct fz_fd {
	int fd;
	uint8_t kind;
};

/* What the generator learnt while drawing one call's arguments. */
struct fz_draw {
	unsigned long a[6];
	const char *str[6];	/* our own string behind a PATH/STR argument, for the log */
	size_t str_off;		/* the str area's next free byte */
	unsigned long last_ptr; /* the last pointer drawn and the bytes usable from it */
	unsigned long last_room;
	bool scratch[6];      /* a PATH argument that stays in the scratch directory */
	bool too_long;	      /* a path of PATH_MAX bytes or more, or a name over NAME_MAX */
	bool ro;	      /* a pointer into the read-only page or rodata */
	unsigned long canary; /* bytes after an OUT buffer that must stay as they are */
	int child_mode;	      /* clone: what the child does (calls.c) */
};

struct fz_worker {
	int index, gen, pid;
	struct fz_rng rng;
	long budget, done;
	int findings;
	bool log;
	bool child;	       /* a child of a worker that makes calls of its own (clone) */
	char tmp[32], mnt[32]; /* the scratch roots */
	struct fz_fd fds[64];
	int nfds;
	int closed[8], nclosed; /* fd numbers closed lately */
	int kids[32], nkids;	/* children from clone, not yet reaped */
	unsigned long maps[8], maplen[8];
	int nmaps;
	uint64_t sig_touched; /* bit s - 1: rt_sigaction changed signal s */
	char *arena;
	struct fz_draw d;
};

static inline char *ar_page(struct fz_worker *w, int page)
{
	return w->arena + (unsigned long)page * PG;
}

/* pools.c: one argument of each kind.  i is the argument's index. */
void fz_arena_init(struct fz_worker *w);
void fz_arena_refresh(struct fz_worker *w);
unsigned long fz_int(struct fz_worker *w);
long fz_fd(struct fz_worker *w, bool scratch_only);
long fz_dirfd(struct fz_worker *w, bool scratch_only);
/* A path: modifying ones stay in the scratch directory; d.scratch[i] says
 * whether this one does. */
unsigned long fz_path(struct fz_worker *w, int i, bool modifying);
unsigned long fz_dir_path(struct fz_worker *w, int i);
unsigned long fz_link_target(struct fz_worker *w, int i);
unsigned long fz_string(struct fz_worker *w, int i, const char *const *choices, int n);
unsigned long fz_argv(struct fz_worker *w);
unsigned long fz_ptr(struct fz_worker *w, bool out);
unsigned long fz_unreadable(struct fz_worker *w);
unsigned long fz_size(struct fz_worker *w);
long fz_off(struct fz_worker *w);
unsigned long fz_addr(struct fz_worker *w);
unsigned long fz_flags(struct fz_worker *w);
unsigned long fz_mode(struct fz_worker *w);
long fz_pid(struct fz_worker *w);
long fz_sig(struct fz_worker *w);
/* A pointer to n bytes in the data area (the caller fills them). */
char *fz_data(struct fz_worker *w, size_t n);
/* Does [p, p + n) meet the arena below its playground? */
bool fz_in_arena(struct fz_worker *w, unsigned long p, size_t n);
/* Is p in the data area, with n bytes behind it? */
bool fz_in_data(struct fz_worker *w, unsigned long p, size_t n);
/* A scratch path of the usual shape into the str area (for the rules). */
const char *fz_put_str(struct fz_worker *w, int i, const char *s);

/* The fd table (pools.c). */
void fz_fd_add(struct fz_worker *w, long fd, int kind);
void fz_fd_remove(struct fz_worker *w, long fd);
int fz_fd_kind(struct fz_worker *w, long fd); /* -1: not ours */

/* calls.c: draw the call's arguments (generic by kind, then its rules);
 * after it, learn from the result. */
void fz_draw_args(struct fz_worker *w, const struct fz_call *c);
void fz_after_call(struct fz_worker *w, const struct fz_call *c, long r);
/* The relative weight of a call (0: never drawn by the main loop). */
int fz_weight(const struct fz_call *c);

/* worker.c */
void fz_finding(struct fz_worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
extern const unsigned char fz_rodata_sentinel[64];
void fz_landing(void); /* exit_group(42), in assembly: rt_sigreturn's target */
void fz_on_signal(int sig, void *info, void *uc);

#endif
