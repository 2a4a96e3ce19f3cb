/*
 * Per-hart state.  In the kernel, tp always points at the running hart's
 * struct hart; while the hart is in user mode, sscratch holds that pointer
 * instead (the trap entry swaps them).  See docs/traps.md.
 */
#ifndef SLUICE_HART_H
#define SLUICE_HART_H

/* Offsets used by src/trap/entry.S, checked against the struct below. */
#define HART_SCRATCH0	 0
#define HART_SCRATCH1	 8
#define HART_SAVED_SP	 16
#define HART_KSTACK_LO	 24
#define HART_KSTACK_TOP	 32
#define HART_OVERFLOW_SP 40

#ifndef __ASSEMBLER__
#include <sluice/types.h>

struct proc;
struct context;

struct hart {
	/* Used only by the trap entry, before a frame exists (interrupts off). */
	unsigned long scratch0;
	unsigned long scratch1;
	unsigned long saved_sp;
	/* The current kernel stack: lowest usable address and top.  Below
	 * kstack_lo is an unmapped guard page. */
	unsigned long kstack_lo;
	unsigned long kstack_top;
	/* Top of a small stack on which the trap entry reports an overflow. */
	unsigned long overflow_sp;
	unsigned long overflow_lo;

	uint32_t hartid;
	unsigned int index; /* 0..nharts-1, dense: for bitmaps */
	bool online;
	struct proc *current;	 /* running process, NULL in the scheduler */
	uint32_t *syscall_count; /* its syscall_count[]: syscall_handle counts there */
	/* trace_on's classes, copied into every hart by trace_configure: the
	 * system-call path tests it in one load from tp (no address to make). */
	volatile uint8_t trace_on;
	struct context *sched_ctx;		     /* where sched() returns to */
	volatile bool need_resched;		     /* set by the tick: yield at the next chance */
	unsigned long idle_stack_lo, idle_stack_top; /* the scheduler's own stack */
	/* Interrupts taken on this hart, by number (exceptions: per process). */
	uint64_t irq_count[16];
	/* Idle harts given work by runq_place but not yet woken: the IPI
	 * waits until the placer has let go of the process's lock (sched.c's
	 * kicks_send), so the woken hart does not spin on it. */
	unsigned long kick_pending; /* hart ids */
	/* Set while the running process makes its last wakes on its way out
	 * (its parent's): runq_place keeps the woken one here (sched.c). */
	bool wake_sync;
	/* Scheduler statistics (/proc/harts), written by this hart only. */
	uint64_t nr_switches;	   /* processes switched to */
	uint64_t nr_idle;	   /* waits in wfi with nothing to run */
	uint64_t nr_steals;	   /* processes taken from another hart's queue */
	uint64_t nr_placed_remote; /* processes made runnable on an idle hart */
};

_Static_assert(__builtin_offsetof(struct hart, scratch0) == HART_SCRATCH0, "hart layout");
_Static_assert(__builtin_offsetof(struct hart, scratch1) == HART_SCRATCH1, "hart layout");
_Static_assert(__builtin_offsetof(struct hart, saved_sp) == HART_SAVED_SP, "hart layout");
_Static_assert(__builtin_offsetof(struct hart, kstack_lo) == HART_KSTACK_LO, "hart layout");
_Static_assert(__builtin_offsetof(struct hart, kstack_top) == HART_KSTACK_TOP, "hart layout");
_Static_assert(__builtin_offsetof(struct hart, overflow_sp) == HART_OVERFLOW_SP, "hart layout");

/*
 * The running hart.  Preemptible code may be moved to another hart at any
 * tick, so the answer is only good while interrupts are off; for the
 * running process use current_proc(), which is safe anywhere.  volatile:
 * every call reads tp afresh.
 */
static inline struct hart *this_hart(void)
{
	struct hart *h;
	__asm__ volatile("mv %0, tp" : "=r"(h));
	return h;
}

/* this_hart()->need_resched in one load from tp (no copy of tp first):
 * the system-call return path reads it every time. */
static inline unsigned long hart_need_resched(void)
{
	unsigned long r; /* lbu zero-extends: no bool conversion, no sext.w */
	__asm__ volatile("lbu %0, %1(tp)"
			 : "=r"(r)
			 : "i"(__builtin_offsetof(struct hart, need_resched)));
	return r;
}

static inline uint32_t this_hart_id(void)
{
	return this_hart()->hartid;
}

/* This hart's dense index (0..), for bitmaps such as the ASID allocator's. */
unsigned int this_hart_index(void);

/* Online harts as a mask of hart ids (bit n = hart id n), for SBI calls. */
unsigned long hart_online_mask(void);

/* Set up the boot hart's struct hart and point tp at it. */
void hart_init_boot(uint32_t hartid);

/* Start every other usable hart (at most max in all); each runs scheduler(). */
void hart_start_secondaries(unsigned int max);
unsigned int hart_count_online(void);
/* The online hart with dense index i (statistics), or NULL. */
struct hart *hart_at(unsigned int index);
/* Set trace_on in every hart, online or not yet (the tracer's switch). */
void hart_set_trace_on(uint8_t classes);

/* this_hart()->syscall_count and ->trace_on, each in one load from tp. */
static inline uint32_t *hart_syscall_count(void)
{
	uint32_t *c;
	__asm__ volatile("ld %0, %1(tp)"
			 : "=r"(c)
			 : "i"(__builtin_offsetof(struct hart, syscall_count)));
	return c;
}

static inline unsigned long hart_trace_on(void)
{
	unsigned long r;
	__asm__ volatile("lbu %0, %1(tp)"
			 : "=r"(r)
			 : "i"(__builtin_offsetof(struct hart, trace_on)));
	return r;
}

/* Set when a panic halts every hart: the IPI handler then halts. */
extern volatile bool harts_halting;

/* Stop every other online hart (for panic); returns without waiting long. */
void hart_halt_others(void);

/* Halt this hart forever with interrupts off. */
__noreturn void hart_halt(void);

#endif /* __ASSEMBLER__ */
#endif
