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

#include <sluice/cred.h>
#include <sluice/deadline.h>
#include <sluice/hart.h>
#include <sluice/rlimit.h>
#include <sluice/signal.h>
#include <sluice/spinlock.h>
#include <sluice/syscall_abi.h>
#include <sluice/trap.h>
#include <sluice/types.h>
#include <sluice/vfs.h>
#include <sluice/waitq.h>

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

#define NSIG 64

/*
 * getrusage's counts beside the CPU time (Linux's struct rusage): page
 * faults handled without the disk (minor) and with it (major), context
 * switches given up by sleeping (voluntary) or taken by preemption or a
 * yield (involuntary), and 512-byte sectors read from a disk.
 */
struct ru_counts {
	uint64_t minflt, majflt, nvcsw, nivcsw, inblock;
};

static inline void ru_add(struct ru_counts *to, const struct ru_counts *from)
{
	to->minflt += from->minflt;
	to->majflt += from->majflt;
	to->nvcsw += from->nvcsw;
	to->nivcsw += from->nivcsw;
	to->inblock += from->inblock;
}

struct proc {
	/* First, so the trap path reaches it with a short offset: exceptions
	 * from user mode by cause, for trap statistics. */
	uint64_t trap_count[32];
	bool trap_count_retired; /* exited: added to traps_retired already */
	/* Files fd_get counted while the fd table is shared: put back when
	 * the system call ends (fd_borrow_end).  Near the top: the syscall
	 * path looks at it every time. */
	int fd_borrowed_n;
	struct spinlock lock;
	enum proc_state state;
	int pid;
	int pgid; /* process group: ^C signals the terminal's foreground group */
	char name[16];
	unsigned long kstack_top; /* the kernel stack: [top - KSTACK_SIZE, top) */
	struct context ctx;
	struct trap_frame *tf; /* user registers (at the stack top); NULL for kernel threads */
	struct mm *mm;	       /* user address space; NULL for kernel threads */
	void (*kfn)(void *);   /* a kernel thread's function */
	void *karg;

	/* Under proc_tree_lock */
	struct proc *parent;
	struct proc *children;		  /* its children, so wait4 and exit need not
					    * walk every process */
	struct proc *sib_next, *sib_prev; /* links in the parent's children */
	struct proc *all_next, *all_prev; /* every process, for the pid table */
	int exit_status;		  /* wait4 status encoding */
	bool exited;  /* set (under proc_tree_lock) just before it becomes a zombie */
	bool exiting; /* in proc_exit: its memory is on its way back */
	bool kthread; /* a kernel thread: the scheduler frees it when it exits */
	/*
	 * Threads (src/proc/thread.c), under proc_tree_lock.  A process is a
	 * thread group: its leader's pid is the group's (getpid is tgid); a
	 * process without threads is a group of one, its own leader.  The
	 * other threads hang off the leader's list; they have no parent and
	 * nobody waits for them: the scheduler frees them (autoreap).
	 */
	int tgid;
	struct proc *leader;
	struct proc *thread_next, *thread_prev;
	int threads_live;	   /* leader: threads not yet gone, itself included */
	bool thread_gone;	   /* this thread has exited (its group may live on) */
	bool group_exiting;	   /* leader: exit_group, a fatal signal or an exec ends the rest */
	int group_exit_status;	   /* leader: the status the group then ends with */
	struct proc *group_exec;   /* leader: the thread whose execve waits for the rest to go */
	bool autoreap;		   /* a thread, not a leader: freed by the scheduler at exit */
	uint64_t robust_list;	   /* set_robust_list's head: futex.c walks it at exit */
	struct proc *vfork_parent; /* a vfork child: the parent sleeping until it execs or exits */
	struct proc *vfork_child;  /* the vfork child this one sleeps for (in clone) */
	struct waitq child_exit;   /* the parent sleeps here in wait4 */

	struct proc *run_next; /* run queue link */
	struct waitq *wq;      /* the wait queue it sleeps on (under wq->lock) */
	uint64_t wake_at;      /* on a timed queue: wake at this timer_ns (0: every tick) */
	struct proc *wq_next, *wq_prev;

	/* Signals: pending and blocked as bit (sig - 1); actions indexed by sig - 1. */
	uint64_t sig_pending, sig_blocked;
	struct k_sigaction sig_action[NSIG];
	/* rt_sigsuspend, ppoll, pselect6: the mask to put back once the signal
	 * that ended the call has been dealt with (its handler's frame saves
	 * this one, so the handler runs under the temporary mask). */
	uint64_t sig_saved_mask;
	bool sig_restore_mask;
	/* Job control (src/proc/signal.c, jobctl.c).  stopped: by a stop
	 * signal, until SIGCONT or SIGKILL (set under p->lock and, to clear,
	 * stop_lock too).  wait_report: a stop or continue its parent's wait4
	 * has yet to see (WAIT_STOPPED, WAIT_CONTINUED; 0: none), under
	 * proc_tree_lock.  sid: its session (the pid of the session leader). */
	bool stopped;
	int wait_report;
	int sid;
	/* A system call a signal interrupted (ERESTART*; 0: none), its first
	 * argument, and for a sleep, where it was to end. */
	int restart_code;
	unsigned long restart_a0;
	uint64_t restart_deadline;
	void __user *restart_urem;
	struct sig_info sig_info[NSIG]; /* for each pending signal */
	uint64_t sig_waiting;		/* rt_sigtimedwait: blocked, but wake for these */
	uint64_t ss_sp, ss_size;	/* sigaltstack (ss_size 0: none) */
	uint32_t ss_flags;		/* SS_AUTODISARM */
	uint64_t clear_child_tid;	/* set_tid_address, CLONE_CHILD_CLEARTID */
	uint64_t set_child_tid; /* CLONE_CHILD_SETTID: the child stores its pid here first */
	int exit_signal;	/* sent to the parent at exit: SIGCHLD for fork, 0..64 by clone */
	/* CPU time in ticks (TIMER_HZ a second), sampled by the tick: whichever
	 * mode the tick interrupted is charged.  cutime and cstime add up the
	 * reaped children's (theirs included), as times(2) reports them. */
	uint64_t utime, stime, cutime, cstime;
	/* getrusage's other counts, this thread's (a thread's go to its
	 * leader when it ends) and, in cru, the reaped children's. */
	struct ru_counts ru, cru;
	/* The most resident memory seen, in KiB (ru_maxrss): the process's,
	 * looked at when its address space goes (exit, exec) and at each
	 * getrusage; and the largest of its reaped children's. */
	uint64_t maxrss_kb, cmaxrss_kb;
	int pdeath_signal; /* prctl(PR_SET_PDEATHSIG): sent when the parent exits */
	/* Interval timers (src/proc/itimer.c), in ns.  ITIMER_REAL: a deadline
	 * on the monotonic clock (under itimer.c's lock) and its reload.
	 * VIRTUAL and PROF: time left, counted down by the tick. */
	struct deadline real_timer;
	uint64_t real_interval;
	uint64_t virt_left, virt_interval, prof_left, prof_interval;
	bool no_new_privs; /* prctl(PR_SET_NO_NEW_PRIVS): kept across fork and exec */
	/* Resource limits (src/proc/rlimit.c): the leader's are the process's;
	 * copied by clone, kept by exec. */
	struct rlimit64 rlim[RLIM_NLIMITS];
	/* Scheduling (src/proc/prio.c), per thread and copied by clone.
	 * nice: -20..19; a positive one makes the scheduler pass the task
	 * over nice_skips more times (sched.c).  affinity: the hart indices
	 * it may run on (0: any).  policy and rt_priority: what
	 * sched_setscheduler recorded (all run as SCHED_OTHER). */
	int nice, nice_skips;
	uint64_t affinity;
	int policy, rt_priority;
	int ptimer_n;	     /* leader: its timer_create timers (ptimer.c, under its lock) */
	struct fdtable *fds; /* open files (src/fs/file.c), maybe shared */
	/* The working directory, chroot's root and the umask, maybe shared
	 * (CLONE_FS, as Linux's fs_struct). */
	struct fs_info *fs;
	struct file *fd_borrowed[8]; /* their files (fd_borrowed_n, at the top) */
	struct cred cred; /* uids, gids and groups (sluice/cred.h), per thread as on Linux */
	/* The program exec ran and the directory it was named in (counted,
	 * for /proc/<pid>/exe), or NULL.  exe and exe_dir change under
	 * proc_tree_lock, so /proc can take references to another process's;
	 * each thread holds its own (exec ends the others). */
	struct inode *exe, *exe_dir;
	uint64_t start_ns; /* when it was made, by the monotonic clock (/proc's stat) */

	/* Floating point, saved only when the process left it Dirty. */
	uint64_t fp_regs[32];
	uint32_t fp_fcsr;
	bool fp_saved;

	/* System calls made, by slot of the table (sluice/syscall.h; the last
	 * slot: numbers in neither range): trap_count[EXC_ECALL_U] is unused,
	 * ecall-u is their sum.  32 bits, so struct proc stays within two
	 * pages: a thread's count of one call wraps after 2^32 calls.
	 * Written through hart->syscall_count by the thread itself only. */
	uint32_t syscall_count[SYSCALL_SLOTS + 1] __attribute__((aligned(8)));
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

/* The tick's CPU-time sample: charge this hart's process a user or a system
 * tick, and count down its ITIMER_VIRTUAL and ITIMER_PROF timers. */
void proc_account_tick(bool user);

/* ptimer.c: at exit and exec, delete the timers of the process l leads. */
void ptimer_exit(struct proc *l);
/* A timer's signal (si_code SI_TIMER) is being delivered to the caller:
 * put the overruns since it was sent into *info. */
void ptimer_dequeued(struct sig_info *info);

/* Take an exiting process's ITIMER_REAL off the list. */
void itimer_exit(struct proc *p);

/* Count a CPU-time itimer down by ns; true if it expired (and was reloaded). */
bool itimer_cpu_tick(uint64_t *left, uint64_t interval, uint64_t ns);

/* What a struct rusage reports, gathered for one process or its children. */
struct rusage_src {
	uint64_t utime, stime; /* ticks */
	uint64_t maxrss_kb;
	struct ru_counts ru;
};

/* Write a Linux struct rusage from r to user memory (the fields Sluice
 * does not count, 0): 0 or -EFAULT. */
long put_rusage(void __user *uru, const struct rusage_src *r);

/* A user page fault was handled for thread p; major if the disk was
 * read meanwhile (inblock_before: its count of sectors read when the
 * fault began). */
static inline void proc_account_fault(struct proc *p, uint64_t inblock_before)
{
	if (p->ru.inblock != inblock_before)
		p->ru.majflt++;
	else
		p->ru.minflt++;
}

/* The current thread read this many 512-byte sectors from a disk. */
void proc_account_inblock(uint64_t sectors);

/* The process of leader l held pages resident: raise its ru_maxrss. */
void proc_account_rss(struct proc *l, size_t pages);

/* Wake p if it sleeps (a signal came): it leaves its wait queue. */
void proc_wake(struct proc *p);

/* Stop the current process for good (kernel threads: when fn returns). */
__noreturn void proc_exit(int status);

/* Boot: page share counts, the signal trampoline, the random seed. */
void proc_init_boot(void);

/* Start the first process (init) from the kernel command line. */
void init_start(const char *cmdline);

/*
 * Allocate a process with a kernel stack, state PROC_NEW; or NULL with *err
 * -EAGAIN (there are proc_max() processes already) or -ENOMEM.
 */
struct proc *proc_alloc(const char *name, int *err);

/* Under proc_tree_lock: the live task (a process or a thread) with this
 * pid or tid, or NULL (zombies and kernel threads are not found). */
struct proc *proc_find_task(int pid);

/* Free a process that never ran or has been reaped. */
void proc_free(struct proc *p);

/* Under proc_tree_lock: make c a child of parent (NULL: of nobody), taking it
 * off its old parent's list of children. */
void proc_set_parent(struct proc *c, struct proc *parent);

/* thread.c.  Under proc_tree_lock: c joins p's thread group (clone with
 * CLONE_THREAD); -EINTR if the group is on its way out. */
long thread_attach(struct proc *p, struct proc *c);

/* exit_group, or a fatal signal: end every thread of the group, then this
 * one; the group ends with status (a wait status). */
__noreturn void thread_group_exit(int status);

/* Under proc_tree_lock, in exit: thread p is gone.  Returns its leader if
 * p was the group's last thread (the process ends now), else NULL. */
struct proc *thread_exit_last(struct proc *p);

/* execve: end the other threads first, waiting until they are gone; a
 * thread other than the leader takes the leader's place and pid.  0, or
 * -EINTR if killed meanwhile. */
int thread_exec_alone(void);

/* Under proc_tree_lock: send sig to process p (any thread of the group
 * its leader leads: one that does not block it; SIGKILL to all). */
void thread_signal_process(struct proc *p, int sig);
/* The same, with what the handler is told (kill: the sender). */
void thread_signal_info(struct proc *p, int sig, const struct sig_info *info);

/* rt_sigaction changed sig's action in p: the group's threads share it. */
void thread_share_action(struct proc *p, int sig);

/* futex.c: at a thread's exit, while it still has its address space:
 * the robust list, then the CLONE_CHILD_CLEARTID store and wake-up. */
void futex_exit(struct proc *p);

/* A vfork child execs or exits: its parent, sleeping in clone, runs on. */
void vfork_release(struct proc *c);

/* exit.c: what exit does for a process with an address space. */
void proc_exit_user(struct proc *p);
extern struct proc *init_proc;

/*
 * Processes that exist now, zombies and kernel threads included (for leak
 * checks); and the system-wide limit on them, sized from RAM (Linux's
 * threads-max, /proc/sys/kernel/threads-max).
 */
size_t proc_count(void);
unsigned long proc_max(void);
/* uname's node name (sethostname's) and release, for /proc/sys/kernel. */
void uts_hostname(char *buf, size_t size);
const char *uts_release(void);

extern struct spinlock proc_tree_lock;
/* Exceptions and system calls of processes that have exited, by cause and
 * by slot of the system-call table (for /proc/traps). */
extern uint64_t traps_retired[32];
extern uint64_t syscalls_retired[SYSCALL_SLOTS + 1];
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
