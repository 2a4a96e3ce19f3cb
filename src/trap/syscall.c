/*
 * The system-call table, made from the one list (sluice/syscall_list.h).
 * Each call gets a small wrapper that converts the argument registers to
 * the handler's declared types, as Linux's SYSCALL_DEFINEn does:
 *
 *     static long sc_read(const unsigned long *a)
 *     {
 *             return sys_read((unsigned int)a[0], (char __user *)a[1], (size_t)a[2]);
 *     }
 *
 * so an `int` argument is the low half of its register, whatever a caller
 * (glibc passes some ints sign-extended) left above it.  The handlers live
 * with their subsystems; this file only routes.
 */
#include <sluice/errno.h>
#include <sluice/hart.h>
#include <sluice/printk.h>
#include <sluice/proc.h>
#include <sluice/riscv.h>
#include <sluice/syscall.h>

/* Every number is a Linux one (below SYSCALL_LINUX_END) or Sluice's own. */
#define SYSCALL(nr, name, n, ...)                                                                  \
	_Static_assert((nr) < SYSCALL_LINUX_END ||                                                 \
			       ((nr) >= SYSCALL_SLUICE_BASE &&                                     \
				(nr) < SYSCALL_SLUICE_BASE + SYSCALL_SLUICE_MAX),                  \
		       #name ": number outside both ranges");
#include <sluice/syscall_list.h>
#undef SYSCALL

/*
 * The kernel keeps frame pointers and makes real calls everywhere, so that
 * backtraces see every function (docs/traps.md).  The two steps of the
 * route below are the exception: each ends in a jump, not a call, and
 * keeps no frame, so together they cost the null system call a handful of
 * instructions; a backtrace goes from the handler straight to
 * trap_dispatch.
 */
#define SYSCALL_ROUTE __attribute__((optimize("omit-frame-pointer", "optimize-sibling-calls")))

/* The wrappers: a is the saved a0..a5 (struct trap_frame keeps them in order). */
#define SYSCALL_CAST(arg, i) (SYSCALL_ARG_TYPE arg) a[i]
#define SYSCALL(nr, name, n, ...)                                                                  \
	static SYSCALL_ROUTE long sc_##name(const unsigned long *a)                                \
	{                                                                                          \
		return sys_##name(SYSCALL_ARGS##n(SYSCALL_CAST, ##__VA_ARGS__));                   \
	}
#include <sluice/syscall_list.h>
#undef SYSCALL
#undef SYSCALL_CAST

/*
 * One table for both ranges: Linux's numbers index it directly, Sluice's
 * follow them (SYSCALL_SLUICE_BASE lands at SYSCALL_LINUX_END).  A number
 * listed twice is a designated-initializer override, which the build
 * (-Werror=override-init, from -Wextra) refuses.
 */
#define SYSCALL_SLOT(nr)                                                                           \
	((nr) < SYSCALL_SLUICE_BASE ? (nr) : SYSCALL_LINUX_END + (nr)-SYSCALL_SLUICE_BASE)

typedef long (*syscall_fn)(const unsigned long *args);

/* A number in range that Sluice does not implement (Linux's sys_ni_syscall). */
static long sc_ni_syscall(const unsigned long *a)
{
	return -ENOSYS;
}

/*
 * Every slot starts as sc_ni_syscall, so the route needs no NULL test.
 * That range initializer is overridden by each call on purpose; the
 * descriptor table below has none, so a number listed twice still fails
 * the build there.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
static const syscall_fn syscall_table[SYSCALL_SLOTS] = {
	[0 ... SYSCALL_SLOTS - 1] = sc_ni_syscall,
#define SYSCALL(nr, name, n, ...) [SYSCALL_SLOT(nr)] = sc_##name,
#include <sluice/syscall_list.h>
#undef SYSCALL
};
#pragma GCC diagnostic pop

/* The same slots, with what the list says of each call. */
#define SYSCALL_KIND(arg, i) SYSCALL_ARG_KIND arg
#define SYSCALL_NAME(arg, i) SYSCALL_ARG_NAME arg
static const struct syscall_desc syscall_descs[ARRAY_SIZE(syscall_table)] = {
#define SYSCALL(nr, name, n, ...)                                                                  \
	[SYSCALL_SLOT(nr)] = {#name,                                                               \
			      n,                                                                   \
			      {SYSCALL_ARGS##n(SYSCALL_KIND, ##__VA_ARGS__)},                      \
			      {SYSCALL_ARGS##n(SYSCALL_NAME, ##__VA_ARGS__)}},
#include <sluice/syscall_list.h>
#undef SYSCALL
};

_Static_assert(SYSCALL_COUNTS == ARRAY_SIZE(((struct proc *)0)->syscall_count),
	       "a count per slot, and one for numbers in neither range");

/* The slot of call nr, or -1: the range between the two has none. */
static inline long syscall_slot(unsigned long nr)
{
	if (nr < SYSCALL_LINUX_END)
		return (long)nr;
	nr -= SYSCALL_SLUICE_BASE; /* below the base this wraps to a huge value */
	return nr < ARRAY_SIZE(syscall_table) - SYSCALL_LINUX_END ? (long)(SYSCALL_LINUX_END + nr)
								  : -1;
}

const struct syscall_desc *syscall_describe(unsigned long nr)
{
	long slot = syscall_slot(nr);

	return slot >= 0 && syscall_descs[slot].name ? &syscall_descs[slot] : NULL;
}

unsigned long syscall_slot_nr(unsigned int slot)
{
	return slot < SYSCALL_LINUX_END ? slot : SYSCALL_SLUICE_BASE + (slot - SYSCALL_LINUX_END);
}

const struct syscall_desc *syscall_slot_describe(unsigned int slot)
{
	return slot < SYSCALL_SLOTS && syscall_descs[slot].name ? &syscall_descs[slot] : NULL;
}

void syscall_print(const struct trap_frame *tf)
{
	const struct syscall_desc *d = syscall_describe(tf->x[REG_A7]);

	if (!d) {
		printk("syscall %lu (unknown)", tf->x[REG_A7]);
		return;
	}
	printk("%s(", d->name);
	for (int i = 0; i < d->nargs; i++) {
		long v = (long)tf->x[REG_A0 + i];
		const char *sep = i ? ", " : "";
		switch (d->kind[i]) {
		case SYSCALL_KIND_INT:
		case SYSCALL_KIND_FD:
		case SYSCALL_KIND_DIRFD:
		case SYSCALL_KIND_SIZE:
		case SYSCALL_KIND_OFF:
		case SYSCALL_KIND_PID:
		case SYSCALL_KIND_SIG:
			printk("%s%s=%ld", sep, d->arg_name[i], v);
			break;
		case SYSCALL_KIND_MODE:
			printk("%s%s=0%lo", sep, d->arg_name[i], (unsigned long)v);
			break;
		default: /* addresses, flags, commands: in hex (user memory is not read here) */
			printk("%s%s=0x%lx", sep, d->arg_name[i], (unsigned long)v);
		}
	}
	printk(")");
}

/*
 * The count goes to the calling thread's own syscall_count[], which this
 * hart's syscall_count points at while the thread runs (sched.c's run()):
 * one load through tp, and the table's index serves both.  Only the
 * thread itself writes its counts, so a preemption between the load and
 * the store (interrupts are on) loses nothing.  It replaces trap_dispatch's
 * old count of ecall-u, which readers now sum from these.
 */
SYSCALL_ROUTE long syscall_handle(struct trap_frame *tf)
{
	long slot = syscall_slot(tf->x[REG_A7]);
	uint32_t *count = hart_syscall_count();

	tf->sepc += 4; /* return past the 4-byte ecall */
	if (slot < 0) {
		count[SYSCALL_SLOT_BAD]++;
		return -ENOSYS;
	}
	count[slot]++;
	return syscall_table[slot](&tf->x[REG_A0]);
}
