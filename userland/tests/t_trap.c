/*
 * t_trap.c - rules of the trap path seen from user space: a load
 * reservation does not outlive a trip through the kernel.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include "usertests.h"

/* The same address in every process after fork; each has its own page. */
static volatile uint64_t shared_va_word;

static uint64_t load_reserved(volatile uint64_t *p)
{
	uint64_t v;

	__asm__ volatile("lr.d %0, (%1)" : "=r"(v) : "r"(p) : "memory");
	return v;
}

/* 0 if the store-conditional succeeded, as sc.d writes it. */
static long store_conditional(volatile uint64_t *p, uint64_t v)
{
	long fail;

	__asm__ volatile("sc.d %0, %2, (%1)" : "=&r"(fail) : "r"(p), "r"(v) : "memory");
	return fail;
}

enum { LRSC_ROUNDS = 200 };
static int to_child[2], to_parent[2];

/* Each round: take a reservation, then wake the parent and block. */
static void lr_then_block(void)
{
	char c;

	for (int i = 0; i < LRSC_ROUNDS; i++) {
		CHECK_EQ(read(to_child[0], &c, 1), 1);
		(void)load_reserved(&shared_va_word);
		CHECK_EQ(write(to_parent[1], &c, 1), 1);
	}
}

/*
 * An sc.d pairs only with an lr.d of its own program, never with one
 * another process made at the same address before a switch (the
 * privileged spec lets the hardware keep reservations across traps and
 * xRET; trap_return clears them with a dummy sc).  Same value, same
 * virtual address, its own writable copy of the page: only a leaked
 * reservation could make the parent's sc.d succeed.  (QEMU clears
 * reservations on every trap and xRET itself, so there this holds with
 * or without the kernel's part; hardware need not.)
 */
void test_lrsc_switch(void)
{
	int succeeded = 0, paired = 0;
	char c = 'x';

	/* Control: with nothing in between, sc.d after lr.d succeeds. */
	for (int i = 0; i < 100 && !paired; i++) {
		uint64_t v = load_reserved(&shared_va_word);
		paired = store_conditional(&shared_va_word, v) == 0;
	}
	CHECK(paired);
	CHECK_EQ(pipe(to_child), 0);
	CHECK_EQ(pipe(to_parent), 0);
	int pid = spawn(lr_then_block);
	shared_va_word = shared_va_word; /* our own copy of the page, same value */
	for (int i = 0; i < LRSC_ROUNDS; i++) {
		CHECK_EQ(write(to_child[1], &c, 1), 1);
		CHECK_EQ(read(to_parent[0], &c, 1), 1);
		succeeded += store_conditional(&shared_va_word, shared_va_word) == 0;
	}
	CHECK_EQ(reap(pid), 0);
	CHECK_EQ(succeeded, 0);
}
