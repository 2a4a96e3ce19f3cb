/* Fatal kernel errors: broken invariants, never a user's bad input. */
#ifndef SLUICE_PANIC_H
#define SLUICE_PANIC_H

#include <sluice/types.h>

/*
 * Print "panic: <message>", the caller's backtrace, and halt every hart.
 * The message should name the function and the invariant that broke.
 */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(cond)                                                                               \
	do {                                                                                       \
		if (cond)                                                                          \
			panic("%s:%d: %s: BUG_ON(%s)", __FILE__, __LINE__, __func__, #cond);       \
	} while (0)

#endif
