/*
 * The trap frame and the trap dispatcher.  Every trap (exception or
 * interrupt, from user or kernel mode) enters at trap_entry (src/trap/entry.S),
 * which saves all registers into a struct trap_frame on the kernel stack and
 * calls trap_dispatch().  See docs/traps.md.
 */
#ifndef SLUICE_TRAP_H
#define SLUICE_TRAP_H

/* Register x<n> is saved at TF_X(n); offsets checked against the struct. */
#define TF_X(n)	   ((n)*8)
#define TF_SEPC	   (32 * 8)
#define TF_SSTATUS (33 * 8)
#define TF_SCAUSE  (34 * 8)
#define TF_STVAL   (35 * 8)
#define TF_SIZE	   (36 * 8) /* a multiple of 16: the stack stays ABI aligned */

#ifndef __ASSEMBLER__
#include <sluice/types.h>

struct trap_frame {
	unsigned long x[32];   /* x[0] unused (x0 is zero) but by trap_return's dummy sc.d */
	unsigned long sepc;    /* where the trap happened */
	unsigned long sstatus; /* sstatus at the trap: SPP says from which mode */
	unsigned long scause;
	unsigned long stval;
};

_Static_assert(__builtin_offsetof(struct trap_frame, x[1]) == TF_X(1), "trap frame layout");
_Static_assert(__builtin_offsetof(struct trap_frame, sepc) == TF_SEPC, "trap frame layout");
_Static_assert(__builtin_offsetof(struct trap_frame, sstatus) == TF_SSTATUS, "trap frame layout");
_Static_assert(__builtin_offsetof(struct trap_frame, scause) == TF_SCAUSE, "trap frame layout");
_Static_assert(__builtin_offsetof(struct trap_frame, stval) == TF_STVAL, "trap frame layout");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame layout");

/* scause of a frame that no trap made: rt_sigreturn's restored frame,
 * whose a0 and a7 are the interrupted code's (Linux sets cause to -1 too). */
#define SCAUSE_NONE (~0ul)

/* ABI names for the saved registers. */
enum {
	REG_RA = 1,
	REG_SP = 2,
	REG_GP = 3,
	REG_TP = 4,
	REG_T0 = 5,
	REG_S0 = 8,
	REG_A0 = 10,
	REG_A7 = 17,
};

/* Point stvec at trap_entry on this hart (sscratch = 0: in the kernel). */
void trap_init_hart(void);

/* Called by trap_entry for every trap, with interrupts off. */
void trap_dispatch(struct trap_frame *tf);

/* The name of an exception or interrupt cause, as the privileged spec calls it. */
const char *trap_cause_name(unsigned long scause);

/* Print a kernel-mode trap nobody expected (cause, registers, backtrace) and halt all harts. */
__noreturn void trap_die(struct trap_frame *tf, const char *why);

#endif /* __ASSEMBLER__ */
#endif
