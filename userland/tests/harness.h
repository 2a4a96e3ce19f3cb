/*
 * harness.h - what the in-guest test programs share (harness.c): the
 * checks, running one test in a child of its own and judging how it ended,
 * children, time and the signal mask.  usertests, fstests and stress each
 * keep their own table, options and output lines; this is the rest.
 *
 * A test is a function that returns when it passes.  A failed check prints
 * "  <test>: file:line: why" and ends the test's process with status 1.
 */
#ifndef SLUICE_TESTS_HARNESS_H
#define SLUICE_TESTS_HARNESS_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "syscall.h"

/* The running test's name, for test_fail() and note(); NULL: "?". */
extern const char *harness_test;
/*
 * Not NULL: test_fail() jumps there instead of exiting (usertests runs
 * tests in its own process on a kernel without fork).
 */
extern jmp_buf *harness_fail_jump;

/* End the test as failed: print "  <test>: file:line: message". */
__attribute__((noreturn, format(printf, 3, 4))) void test_fail(const char *file, int line,
							       const char *fmt, ...);
/* A note from the running test: "  <test>: ...". */
__attribute__((format(printf, 1, 2))) void note(const char *fmt, ...);

#define FAIL(...) test_fail(__FILE__, __LINE__, __VA_ARGS__)

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond))                                                                       \
			test_fail(__FILE__, __LINE__, "%s", #cond);                                \
	} while (0)

/* a == b, both as long (syscall results, sizes, offsets, pointers). */
#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long a_ = (long)(a), b_ = (long)(b);                                               \
		if (a_ != b_)                                                                      \
			test_fail(__FILE__, __LINE__, "%s is %ld (%#lx), want %ld", #a, a_, a_,    \
				  b_);                                                             \
	} while (0)

/*
 * Run fn as test `name` in a child process (working in dir, if not NULL)
 * and wait for it: 1 if it ended as wanted (exit 0, or killed by
 * expect_signal if that is not 0), 0 if not, with why saying how it ended,
 * -1 if fork answers ENOSYS.
 */
int harness_run_child(const char *name, void (*fn)(void), const char *dir, int expect_signal,
		      char *why, size_t n);

/*
 * Whether argv (from 1) picks the test `name`: words starting with '-' are
 * options (skip_arg: one that takes the next word too, or NULL).  With no
 * names at all, every test is picked: *named says which it was.
 */
bool harness_named(const char *name, int argc, char **argv, const char *skip_arg, bool *named);

/*
 * Fork; the child runs fn and exits 0 if it returns (fn may exit itself).
 * Returns the child's pid; the test fails if fork does.
 */
int spawn(void (*fn)(void));
/* A child that exits with `code` at once. */
int spawn_exit(int code);
/* Wait for pid, retried on EINTR; its wait status (picolibc's signal numbers). */
int reap(int pid);
/* wait4 at the register level: the status exactly as the kernel wrote it. */
long raw_wait(long pid, int *status, long options);
/* raw_wait for pid, which must answer pid: its status (Linux's numbers). */
int raw_reap(long pid);
/*
 * Fail unless status says "exited with code" / "killed by sig" (in the
 * status's own numbering: picolibc's from reap(), Linux's from raw_wait()).
 */
void expect_exit(int status, int code);
void expect_killed(int status, int sig);

/* Sleep ms milliseconds; a handled signal may end it early. */
void sleep_ms(long ms);
/* Sleep the whole ms milliseconds, going on after handled signals. */
void sleep_ms_all(long ms);
/* CLOCK_MONOTONIC in milliseconds. */
long now_ms(void);

/* The bit of Linux signal lsig in a sigset (one 64-bit word). */
#define LBIT(lsig) (1ull << ((lsig)-1))
/* The signal mask now / set it (rt_sigprocmask, Linux's numbering). */
uint64_t sigmask_now(void);
void sigmask_set(uint64_t m);

#endif
