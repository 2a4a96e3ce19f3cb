/*
 * The test hooks' table (sluice/testhooks.h): each kernel argument that
 * exists only for tests, and what it does.  Code reads a hook through
 * test_hook(), never by its string, so this table is the whole list.
 */
#include <sluice/boot.h>
#include <sluice/cmdline.h>
#include <sluice/printk.h>
#include <sluice/string.h>
#include <sluice/testhooks.h>

static const struct {
	const char *key, *what;
} test_hooks[TEST_HOOK_COUNT] = {
	[TEST_HOOK_SELFTEST] = {"sluice.test", "=NAME: run boot self-test NAME instead of init"},
	[TEST_HOOK_TX_SLOW] = {"sluice.tx_slow",
			       ": console output one byte per push, the interrupt moves the rest"},
	[TEST_HOOK_VQ_SIZE] = {"sluice.vq_size",
			       "=N: a virtqueue of N entries, so disk requests wait their turn"},
	[TEST_HOOK_HART_ENTRY] =
		{"sluice.hart_entry",
		 "=image: start other harts at the image's start (OpenSBI 1.1's race)"},
	[TEST_HOOK_PROMPT_INSTRET] =
		{"sluice.prompt_instret",
		 ": print the instret of the first console read (make bench's boot to the prompt)"},
	[TEST_HOOK_HART_IDS] =
		{"sluice.hart_ids",
		 "=V,A,I: act as if the harts' mvendorid, marchid, mimpid were these (errata)"},
	[TEST_HOOK_FIFO_DELAY] = {"sluice.fifo_delay",
				  ": a FIFO's open yields the hart between counting its end and "
				  "waiting for the other"},
	[TEST_HOOK_FAULT_DELAY] = {"sluice.fault_delay",
				   "=PAGE: a fault on a file's page PAGE or later sleeps 200 ms "
				   "between getting the page and mapping it"},
	[TEST_HOOK_WAKE_DELAY] = {"sluice.wake_delay",
				  "=US: a timer wake busy-waits US microseconds between taking "
				  "a sleeper off its queue and taking its lock"},
	[TEST_HOOK_FAULT_STUCK] = {"sluice.fault_stuck",
				   "=ADDR: a kernel copy's fault on the user page at ADDR (hex) is "
				   "answered as handled with nothing mapped, as a VM bug would"},
};

bool test_hook_get(enum test_hook h, const char **val, size_t *len)
{
	return TEST_HOOKS_BUILT && cmdline_get(platform.bootargs, test_hooks[h].key, val, len);
}

bool test_hook_is(enum test_hook h, const char *value)
{
	return TEST_HOOKS_BUILT && cmdline_is(platform.bootargs, test_hooks[h].key, value);
}

void test_hooks_check(const char *cmdline)
{
	const char *v;
	size_t len;

	if (TEST_HOOKS_BUILT)
		return;
	for (int h = 0; h < TEST_HOOK_COUNT; h++)
		if (cmdline_get(cmdline, test_hooks[h].key, &v, &len))
			printk("%s ignored: this kernel is built without test hooks "
			       "(SLUICE_TEST_HOOKS; it would mean%s)\n",
			       test_hooks[h].key, test_hooks[h].what);
}
