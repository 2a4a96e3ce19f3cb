/*
 * What readers of the system-call list (sluice/syscall_list.h) share, in
 * the kernel and in the userland: the two number ranges, the __user marker,
 * the argument kinds, and macros that take the list's argument triples
 * apart.  Macros and an enum only: no kernel types.
 */
#ifndef SLUICE_SYSCALL_ABI_H
#define SLUICE_SYSCALL_ABI_H

/* Linux's __NR_syscalls for riscv64 (6.12): every Linux number is below. */
#define SYSCALL_LINUX_END 463
/* Sluice's own calls: SYSCALL_SLUICE_BASE and up, SYSCALL_SLUICE_MAX of them. */
#define SYSCALL_SLUICE_BASE 1000
#define SYSCALL_SLUICE_MAX  16
/* The kernel's table has a slot per number of both ranges, Linux's first. */
#define SYSCALL_SLOTS (SYSCALL_LINUX_END + SYSCALL_SLUICE_MAX)

#ifndef __user
#define __user /* a user-space pointer: only the user-access helpers use it */
#endif

/*
 * For the reader's SYSCALL(nr, name, n, ...): apply m(triple, index) to
 * each of the n argument triples, separated by commas.  SYSCALL_PARAMSn is
 * the same but says `void` for no arguments (a C prototype's empty list).
 */
#define SYSCALL_ARGS0(m)
#define SYSCALL_ARGS1(m, a)		   m(a, 0)
#define SYSCALL_ARGS2(m, a, b)		   m(a, 0), m(b, 1)
#define SYSCALL_ARGS3(m, a, b, c)	   m(a, 0), m(b, 1), m(c, 2)
#define SYSCALL_ARGS4(m, a, b, c, d)	   m(a, 0), m(b, 1), m(c, 2), m(d, 3)
#define SYSCALL_ARGS5(m, a, b, c, d, e)	   m(a, 0), m(b, 1), m(c, 2), m(d, 3), m(e, 4)
#define SYSCALL_ARGS6(m, a, b, c, d, e, f) m(a, 0), m(b, 1), m(c, 2), m(d, 3), m(e, 4), m(f, 5)
#define SYSCALL_PARAMS0(m)		   void
#define SYSCALL_PARAMS1			   SYSCALL_ARGS1
#define SYSCALL_PARAMS2			   SYSCALL_ARGS2
#define SYSCALL_PARAMS3			   SYSCALL_ARGS3
#define SYSCALL_PARAMS4			   SYSCALL_ARGS4
#define SYSCALL_PARAMS5			   SYSCALL_ARGS5
#define SYSCALL_PARAMS6			   SYSCALL_ARGS6

/* A triple's parts: SYSCALL_ARG_TYPE (INT, int, fd) is int, and so on. */
#define SYSCALL_ARG_KIND(kind, type, name) SYSCALL_KIND_##kind
#define SYSCALL_ARG_TYPE(kind, type, name) type
#define SYSCALL_ARG_NAME(kind, type, name) #name
#define SYSCALL_ARG_DECL(kind, type, name) type name

/* The kinds, as numbers (for tables). */
enum syscall_arg_kind {
	SYSCALL_KIND_INT,
	SYSCALL_KIND_FD,
	SYSCALL_KIND_DIRFD,
	SYSCALL_KIND_PATH,
	SYSCALL_KIND_STR,
	SYSCALL_KIND_ARGV,
	SYSCALL_KIND_IN,
	SYSCALL_KIND_OUT,
	SYSCALL_KIND_INOUT,
	SYSCALL_KIND_SIZE,
	SYSCALL_KIND_OFF,
	SYSCALL_KIND_ADDR,
	SYSCALL_KIND_FLAGS,
	SYSCALL_KIND_MODE,
	SYSCALL_KIND_PID,
	SYSCALL_KIND_SIG,
	SYSCALL_KIND_CMD,
};

#endif
