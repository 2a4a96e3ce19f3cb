/*
 * The trap tracer (src/trap/trace.c, docs/tracing.md): a line for each
 * trap as it happens, like strace but for every process and for faults
 * and interrupts too.  Switched on by the kernel argument trace=SPEC or by
 * writing SPEC to /proc/trace; the lines go to the console or to a ring
 * that /proc/trace reads.
 *
 * The hooks cost one load and a branch when tracing is off: each caller
 * tests trace_on first, which is why it is a plain global.
 */
#ifndef SLUICE_TRACE_H
#define SLUICE_TRACE_H

#include <sluice/types.h>

struct trap_frame;
struct proc;

/* What may be traced: the classes of a SPEC. */
enum {
	TRACE_SYSCALL = 1 << 0, /* every system call, with its arguments and result */
	TRACE_FAULT = 1 << 1,	/* user page faults and other exceptions */
	TRACE_IRQ = 1 << 2,	/* device interrupts (the PLIC's sources) */
	TRACE_TIMER = 1 << 3,	/* timer interrupts (100 a second on each hart) */
	TRACE_IPI = 1 << 4,	/* software interrupts between harts */
	TRACE_SCHED = 1 << 5,	/* a process sleeps, a process is woken */
	TRACE_COPY = 1 << 6,	/* strings copied from user memory (paths) */
				/* (every class fits in struct hart's 8-bit copy of trace_on) */
};

/* The classes on now; 0: off.  Read without a lock: a hint. */
extern unsigned int trace_on;

/* The kernel argument trace=SPEC, at boot. */
void trace_init(const char *cmdline);

/* Change the configuration: a SPEC as /proc/trace takes it (docs/tracing.md). */
int trace_configure(const char *spec, size_t len);

/* System call nr with tf's arguments, traced: its result. */
long trace_syscall(struct trap_frame *tf);

/* A user exception: a page fault (err: what the VM said) or another cause. */
void trace_fault(const struct trap_frame *tf, int err);

/* An interrupt of cause irq (timer, software) or PLIC source src (external). */
void trace_irq(const struct trap_frame *tf, unsigned long irq);
void trace_plic(unsigned int src, const char *name);

/* The current process sleeps, called from caller; p is made runnable. */
void trace_sleep(void *caller);
void trace_wake(const struct proc *p);

/* strncpy_from_user copied s (len bytes) from user address usrc. */
void trace_copy_str(const char *usrc, const char *s, long len);

/* /proc/trace: read the ring (lines, oldest first, taken out), and whose
 * reads are not traced (the reader's own reads would fill the ring). */
long trace_read(char *ubuf, size_t len);
void trace_set_reader(int pid);

#endif
