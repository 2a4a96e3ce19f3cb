/*
 * Resource limits (getrlimit, setrlimit, prlimit64): Linux's, per process.
 *
 * Each process's limits live on its thread-group leader; fork copies them,
 * exec keeps them.  The kernel asks rlimit_cur() for the calling process's
 * soft limit where it enforces one (docs/scheduling.md, "Limits").
 */
#ifndef SLUICE_RLIMIT_H
#define SLUICE_RLIMIT_H

#include <sluice/types.h>

#define RLIMIT_CPU	  0
#define RLIMIT_FSIZE	  1
#define RLIMIT_DATA	  2
#define RLIMIT_STACK	  3
#define RLIMIT_CORE	  4
#define RLIMIT_RSS	  5
#define RLIMIT_NPROC	  6
#define RLIMIT_NOFILE	  7
#define RLIMIT_MEMLOCK	  8
#define RLIMIT_AS	  9
#define RLIMIT_LOCKS	  10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE	  12
#define RLIMIT_NICE	  13
#define RLIMIT_RTPRIO	  14
#define RLIMIT_RTTIME	  15
#define RLIM_NLIMITS	  16
#define RLIM_INFINITY	  (~0ull)

/* Linux's struct rlimit64 (and riscv64's struct rlimit): soft, hard. */
struct rlimit64 {
	uint64_t cur, max;
};

struct proc;

/* The first process's limits: Linux's defaults for init. */
void rlimit_init(struct proc *p);

/* The calling process's soft limit on resource. */
uint64_t rlimit_cur(unsigned int resource);

/* RLIMIT_FSIZE for a write of len bytes at pos to a regular file: the
 * bytes it may write (len, or fewer up to the limit), or -EFBIG with
 * SIGXFSZ sent to the caller when pos is at or past the limit. */
long rlimit_fsize_check(uint64_t pos, uint64_t len);

/* RLIMIT_NPROC at fork: -EAGAIN if the caller's real user has as many
 * tasks as the limit allows and is not root; else 0. */
long rlimit_nproc_check(void);

#endif
