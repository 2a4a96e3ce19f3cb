/*
 * System calls: Linux riscv64's ABI.  ecall from user mode with the number
 * in a7 and arguments in a0-a5; the result, or a negative errno, in a0.
 * The calls themselves, their numbers and their typed arguments, are one
 * list: sluice/syscall_list.h.  This header turns it into SYS_<name>
 * numbers and the handlers' prototypes; src/trap/syscall.c into the table.
 */
#ifndef SLUICE_SYSCALL_H
#define SLUICE_SYSCALL_H

#include <sluice/syscall_abi.h>
#include <sluice/trap.h>
#include <sluice/types.h>

/* SYS_read = 63, ...: every call's number. */
enum syscall_nr {
#define SYSCALL(nr, name, n, ...) SYS_##name = nr,
#include <sluice/syscall_list.h>
#undef SYSCALL
};

/*
 * The handlers, one per call, each defined by the subsystem that owns it:
 * long sys_read(unsigned int fd, char __user *ubuf, size_t len), ...  A
 * handler returns the value for a0: a result, or a negative errno.  Every
 * file that defines one includes this header, so the compiler holds each
 * definition to its line in the list.
 */
#define SYSCALL(nr, name, n, ...) long sys_##name(SYSCALL_PARAMS##n(SYSCALL_PARAM, ##__VA_ARGS__));
#define SYSCALL_PARAM(arg, i)	  SYSCALL_ARG_DECL arg
#include <sluice/syscall_list.h>
#undef SYSCALL_PARAM
#undef SYSCALL

/* What the list says of one call, for messages (syscall_describe). */
struct syscall_desc {
	const char *name;
	unsigned char nargs;
	unsigned char kind[6]; /* enum syscall_arg_kind */
	const char *arg_name[6];
};

/* The list's entry for number nr, or NULL if Sluice has no such call. */
const struct syscall_desc *syscall_describe(unsigned long nr);

/*
 * Per-thread counts of system calls (struct proc's syscall_count, for
 * /proc/traps): one per slot of the table, slot SYSCALL_SLOT_BAD for
 * numbers outside both ranges.  The system-call number of a slot, and
 * the slot's entry in the list (NULL: no such call).
 */
#define SYSCALL_SLOT_BAD SYSCALL_SLOTS
#define SYSCALL_COUNTS	 (SYSCALL_SLOTS + 1)
unsigned long syscall_slot_nr(unsigned int slot);
const struct syscall_desc *syscall_slot_describe(unsigned int slot);

/*
 * Print the call tf holds, as the list names it: "read(fd=3, ubuf=0x..,
 * len=4096)".  Values only: user memory is not read.  For reports of a
 * kernel fault or panic in the middle of a call.
 */
void syscall_print(const struct trap_frame *tf);

/*
 * Run the system call in tf: the handler a7 names, with a0-a5, and move
 * sepc past the 4-byte ecall.  Returns the handler's result (or -ENOSYS),
 * which the caller puts in a0.  Called with interrupts on.
 */
long syscall_handle(struct trap_frame *tf);

#endif
