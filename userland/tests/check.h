/*
 * check.h - the assertions usertests and fstests share.  Each program
 * defines test_fail() itself (how a failed test ends differs); these
 * macros report the file, the line and what was wrong.
 */
#ifndef SLUICE_TESTS_CHECK_H
#define SLUICE_TESTS_CHECK_H

/* End the test as failed: print "  <test>: file:line: message". */
__attribute__((noreturn, format(printf, 3, 4))) void test_fail(const char *file, int line,
							       const char *fmt, ...);

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

#endif
