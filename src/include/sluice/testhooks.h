/*
 * Test hooks: kernel arguments that exist only for the test suite (boot
 * self-tests, a slowed console, a short virtqueue, a firmware race acted
 * out), compiled in only with the build option SLUICE_TEST_HOOKS.  The QEMU
 * boards, which make test boots, have it on; images for hardware boards
 * leave it off (boards/<board>/board.cmake).  Every hook is registered in
 * one table (src/lib/testhooks.c), with what it does;
 * docs/building-and-running.md lists them.
 */
#ifndef SLUICE_TESTHOOKS_H
#define SLUICE_TESTHOOKS_H

#include <sluice/types.h>

#ifdef SLUICE_TEST_HOOKS
#define TEST_HOOKS_BUILT 1
#else
#define TEST_HOOKS_BUILT 0
#endif

enum test_hook {
	TEST_HOOK_SELFTEST,	  /* sluice.test=NAME */
	TEST_HOOK_TX_SLOW,	  /* sluice.tx_slow */
	TEST_HOOK_VQ_SIZE,	  /* sluice.vq_size=N */
	TEST_HOOK_HART_ENTRY,	  /* sluice.hart_entry=image */
	TEST_HOOK_PROMPT_INSTRET, /* sluice.prompt_instret */
	TEST_HOOK_FIFO_DELAY,	  /* sluice.fifo_delay */
	TEST_HOOK_HART_IDS,	  /* sluice.hart_ids=V,A,I */
	TEST_HOOK_FAULT_DELAY,	  /* sluice.fault_delay=PAGE */
	TEST_HOOK_WAKE_DELAY,	  /* sluice.wake_delay=US */
	TEST_HOOK_FAULT_STUCK,	  /* sluice.fault_stuck=ADDR */
	TEST_HOOK_COUNT
};

/* The table's lookup: is hook h on the command line, with which value? */
bool test_hook_get(enum test_hook h, const char **val, size_t *len);

/*
 * Is test hook h on the kernel command line?  Its value goes to *val and
 * *len (empty for a bare key).  Always false in a build without test hooks,
 * where the compiler then drops the code it guards.
 */
static inline bool test_hook(enum test_hook h, const char **val, size_t *len)
{
	return TEST_HOOKS_BUILT && test_hook_get(h, val, len);
}

/* True if hook h is on the command line with exactly this value. */
bool test_hook_is(enum test_hook h, const char *value);

/* At boot: in a build without test hooks, say which ones the command line
 * asks for in vain (a test booted the wrong image). */
void test_hooks_check(const char *cmdline);

#endif
