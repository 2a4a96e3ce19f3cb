/*
 * stress.h - /bin/stress, the stress tests: what a system-call fuzzer cannot
 * aim at (docs/robustness.md).  Memory hogs and the out-of-memory killer,
 * kernel allocations failing at every level of free memory, fork bombs, a
 * thousand processes, fd and open-file exhaustion, ENOSPC on ext2, signal
 * storms, deep recursion, malformed ELF files and argv near its limit.
 *
 * Each test runs in a child of its own, as in usertests; afterwards the
 * harness waits until every page is free again (init reaps orphans in its
 * own time) and fails the test if one is missing.
 */
#ifndef STRESS_H
#define STRESS_H

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <unistd.h>

#include "harness.h"
#include "syscall.h"

#define PAGE_SIZE 4096ul

/* -l: a reference run on Linux (qemu-riscv64): only the tests that are
 * safe on a host, without Sluice's own checks. */
extern bool on_linux;

/* --- helpers (stress.c) --- */

/* fork at the register level: the child's pid, 0 in the child, or -errno. */
long raw_fork(void);
/* reap() (harness.h), but -1 if pid has not ended within ms (it is left running). */
int reap_within(int pid, long ms);
/* Free pages (the kernel's count), or -1 on Linux. */
long free_pages(void);
/* The first number in a /proc file, or -1. */
long proc_number(const char *path);
/* Processes now: the directories of /proc named by a number. */
long proc_processes(void);
/* A pipe whose ends are closed on exec; fails the test if it cannot. */
void make_pipe(int fds[2]);
/* Read exactly n bytes (0 at end of file, else n); write them all. */
long read_full(int fd, void *buf, size_t n);
void write_full(int fd, const void *buf, size_t n);
/* Touch n bytes of stack below the caller, so later calls take no fault. */
void touch_stack(size_t n);

/* The two programs of kernel_alloc_sweep (stress --sweep [CALL], stress --hog). */
int sweep_main(const char *only);
int sweep_hog_main(int cmd, int ack);

#define T(name) void test_##name(void)
/* st_mem.c */
T(oom_hog);
T(oom_copy_hog);
T(oom_bystander_pipe);
T(oom_bystander_sleep);
T(oom_copy_bystander);
T(kernel_alloc_sweep);
/* st_proc.c */
T(fork_bomb);
T(thousand_procs);
T(signal_storm);
T(sigkill_sleepers);
T(deep_recursion);
/* st_exec.c */
T(elf_malformed);
T(argv_limits);
/* st_fs.c */
T(fd_exhaustion);
T(file_max);
T(enospc_ext2);
T(pcache_read_big);
T(pcache_before_oom);
#undef T

#endif
