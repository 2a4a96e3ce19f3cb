/*
 * Processes and kernel threads, and the scheduler that runs them.
 *
 * Each has its own kernel stack (with an unmapped guard page below it) and a
 * saved struct context: the registers a function call preserves, which is
 * all that swtch() (src/proc/swtch.S) needs to save, because a switch only
 * ever happens inside a call to it.  A user process also has a trap frame at
 * the top of its kernel stack (where trap_entry saves the user registers) and
 * an address space (struct mm).
 *
 * Locking (see docs/scheduling.md):
 *   p->lock guards p->state and is held across swtch(): the hart that
 *   switches a process out still holds it until its scheduler loop has left
 *   the process's stack, so no other hart can run it too early.
 *   proc_tree_lock guards parent/child links and exit statuses.
 */
#ifndef SLUICE_PROC_H
#define SLUICE_PROC_H

#include <sluice/hart.h>
#include <sluice/signal.h>
#include <sluice/spinlock.h>
#include <sluice/trap.h>
#include <sluice/types.h>
#include <sluice/vfs.h>

struct mm;

/* Saved by swtch: ra, sp and the callee-saved s0-s11. */
struct context {
	unsigned long ra;
	unsigned long sp;
	unsigned long s[12];
};

enum proc_state {
	PROC_NEW,      /* being set up */
	PROC_RUNNABLE, /* on the run queue */
	PROC_RUNNING,  /* on a hart */
	PROC_SLEEPING, /* on a wait queue */
	PROC_ZOMBIE,   /* exited, waiting for its parent's wait4 */
};

/* A wait queue: processes sleeping until something happens. */
struct waitq {
	struct spinlock lock;
	struct proc *head, *tail;
};
#define WAITQ_INIT { SPINLOCK_INIT, NULL, NULL }

#define NSIG 64

struct proc {
	/* First, so the trap path reaches it with a short offset: exceptions
	 * from user mode by cause, for trap statistics. */
	uint64_t trap_count[32];
	bool trap_count_retired; /* exited: added to traps_retired already */
	struct spinlock lock;
	enum proc_state state;
	int pid;
	int pgid; /* process group: ^C signals the terminal's foreground group */
	char name[16];
	unsigned long kstack_top; /* the kernel stack: [top - KSTACK_SIZE, top) */
	struct context ctx;
	struct trap_frame *tf; /* user registers (at the stack top); NULL for kernel threads */
	struct mm *mm;         /* user address space; NULL for kernel threads */
	void (*kfn)(void *);   /* a kernel thread's function */
	void *karg;

	/* Under proc_tree_lock */
	struct proc *parent;
	struct proc *all_next;   /* every process, for wait4 and the pid table */
	int exit_status;         /* wait4 status encoding */
	bool exited;             /* set (under proc_tree_lock) just before it becomes a zombie */
	bool kthread;            /* a kernel thread: the scheduler frees it when it exits */
	struct waitq child_exit; /* the parent sleeps here in wait4 */

	struct proc *run_next;         /* run queue link */
	struct waitq *wq;              /* the wait queue it sleeps on (under wq->lock) */
	struct proc *wq_next, *wq_prev;

	/* Signals: pending and blocked as bit (sig - 1); actions indexed by sig - 1. */
	uint64_t sig_pending, sig_blocked;
	struct k_sigaction sig_action[NSIG];
	unsigned long fault_addr; /* si_addr for the pending fault signal */
	int fault_code;
	uint64_t clear_child_tid; /* set_tid_address */
	struct fdtable fds;    /* open files (src/fs/file.c) */
	struct inode *cwd;     /* the working directory (counted); NULL: the root */

	/* Floating point, saved only when the process left it Dirty. */
	uint64_t fp_regs[32];
	uint32_t fp_fcsr;
	bool fp_saved;
};

/*
 * The process running on this hart, or NULL in the scheduler.  One load
 * through tp: kernel code can be preempted and resumed on another hart, and
 * a preemption between reading tp and reading ->current would give the old
 * hart's current process (or NULL) to the one that moved.
 */
static inline struct proc *current_proc(void)
{
	struct proc *p;

	__asm__ volatile("ld %0, %1(tp)" : "=r"(p) : "i"(__builtin_offsetof(struct hart, current)));
	return p;
}

/* Create a kernel thread that runs fn(arg) and exits when it returns. */
struct proc *kthread_create(void (*fn)(void *), void *arg, const char *name);

/* Make p runnable (it must be PROC_NEW). */
void proc_start(struct proc *p);

/* Become a zombie and leave the hart for good (the end of proc_exit). */
__noreturn void sched_exit(void);

/* Give up the hart to another runnable process, if any. */
void proc_yield(void);

/* The scheduler loop of this hart; never returns. */
__noreturn void scheduler(void);

/* Called on each timer tick on this hart (interrupts off). */
void sched_tick(void);

/*
 * Yield if the tick asked us to.  Called at the end of a trap that came from
 * user mode or interrupted kernel code running with interrupts enabled: such
 * code holds no spinlock (every lock is taken with interrupts off), so it can
 * be switched out safely.
 */
void sched_preempt_point(void);

/*
 * Sleep on wq.  The caller holds lk, which protects the condition it tested;
 * lk is released while asleep and held again on return.  A wakeup between the
 * test and the sleep is not lost: the waker must hold lk to change the
 * condition.
 */
void waitq_sleep(struct waitq *wq, struct spinlock *lk);

/* Wake every process sleeping on wq. */
void waitq_wake_all(struct waitq *wq);

/* Wake p if it sleeps (a signal came): it leaves its wait queue. */
void proc_wake(struct proc *p);

/* Stop the current process for good (kernel threads: when fn returns). */
__noreturn void proc_exit(int status);

/* Boot: page share counts, the signal trampoline, the random seed. */
void proc_init_boot(void);

/* Start the first process (init) from the kernel command line. */
void init_start(const char *cmdline);

/* Allocate a process with a kernel stack; NULL on -ENOMEM.  State PROC_NEW. */
struct proc *proc_alloc(const char *name);

/* Free a process that never ran or has been reaped. */
void proc_free(struct proc *p);

/* exit.c: what exit does for a process with an address space. */
void proc_exit_user(struct proc *p);
extern struct proc *init_proc;

/* Processes that exist now (for leak checks). */
size_t proc_count(void);

extern struct spinlock proc_tree_lock;
/* Exceptions of processes that have exited, by cause (for /proc/traps). */
extern uint64_t traps_retired[32];
extern struct proc *proc_list;

/* Leave the kernel through trap_return with the frame tf (entry.S). */
__noreturn void trap_return_to(struct trap_frame *tf);

/* The switch itself (swtch.S). */
void swtch(struct context *save, struct context *load);

/* Kernel stacks (kstack.c): the top of a new one, or 0. */
unsigned long kstack_alloc(void);
void kstack_free(unsigned long top);
/* Kernel stacks in use now (processes' and the harts' own), for leak checks. */
size_t kstack_count(void);

#endif
